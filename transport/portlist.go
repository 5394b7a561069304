package transport

import (
	"fmt"
	"sort"
	"strings"
)

// PortInfo describes one serial port of this machine.
type PortInfo struct {
	Name         string `json:"name"`
	USB          bool   `json:"usb"`
	VID          string `json:"vid,omitempty"` // USB vendor id, hex
	PID          string `json:"pid,omitempty"` // USB product id, hex
	SerialNumber string `json:"serialNumber,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
}

// String is the port on one line: name, VID:PID, serial number, product.
func (p PortInfo) String() string {
	parts := []string{p.Name}
	if p.VID != "" || p.PID != "" {
		parts = append(parts, fmt.Sprintf("USB %s:%s", strings.ToLower(p.VID), strings.ToLower(p.PID)))
	}
	if p.SerialNumber != "" {
		parts = append(parts, "serial "+p.SerialNumber)
	}
	if desc := strings.TrimSpace(p.Manufacturer + " " + p.Product); desc != "" {
		parts = append(parts, desc)
	}
	return strings.Join(parts, "  ")
}

// ListPorts lists the serial ports of this machine, sorted by name, with
// their USB details where the system gives them (no device is probed).
func ListPorts() ([]PortInfo, error) {
	ports, err := listPorts()
	if err != nil {
		return nil, fmt.Errorf("listing serial ports: %w", err)
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
	return ports, nil
}
