package transport

import (
	"context"
	"fmt"
	"runtime"
	"strings"
)

// PortAuto is the port name that asks for the one USB-serial adapter
// plugged in (AutoPort).
const PortAuto = "auto"

// usbSerialChips are the USB-to-TTL chips of service cables, by USB
// vendor id and the product ids of their serial bridges (lower-case hex).
var usbSerialChips = map[string]struct {
	name string
	pids []string
}{
	"0403": {"FTDI", []string{"6001", "6010", "6011", "6014", "6015"}},
	"10c4": {"Silicon Labs CP210x", []string{"ea60", "ea61", "ea63", "ea70", "ea71", "ea80"}},
	"1a86": {"WCH CH340", []string{"7523", "7522", "5523", "55d3", "55d4"}},
	"067b": {"Prolific PL2303", []string{"2303", "23a3", "23b3", "23c3", "23d3", "23e3", "23f3"}},
}

// USBSerialChip names the USB-serial bridge a port is, or "" when it is
// none of the chips --port auto knows.
func USBSerialChip(p PortInfo) string {
	chip, ok := usbSerialChips[strings.ToLower(p.VID)]
	if !ok {
		return ""
	}
	for _, pid := range chip.pids {
		if strings.EqualFold(p.PID, pid) {
			return chip.name
		}
	}
	return ""
}

// AutoPortError is --port auto finding no USB-serial adapter, or several.
// Ports lists every serial port present; Adapters the USB-serial ones.
type AutoPortError struct {
	Ports, Adapters []PortInfo
}

func (e *AutoPortError) Error() string {
	var b strings.Builder
	if len(e.Adapters) == 0 {
		b.WriteString("--port auto: no USB-serial adapter (FTDI, CP210x, CH340, PL2303) is plugged in")
		if len(e.Ports) == 0 {
			b.WriteString("; no serial port at all")
		} else {
			b.WriteString("; the serial ports present:")
			for _, p := range e.Ports {
				b.WriteString("\n  " + p.String())
			}
		}
		return b.String()
	}
	fmt.Fprintf(&b, "--port auto: %d USB-serial adapters are plugged in; name one with --port:", len(e.Adapters))
	for _, p := range e.Adapters {
		b.WriteString("\n  " + p.String() + "  (" + USBSerialChip(p) + ")")
	}
	return b.String()
}

// PickAutoPort picks, from the ports of this machine, the one USB-serial
// adapter of a known chip; none or several is an *AutoPortError.
func PickAutoPort(ports []PortInfo) (PortInfo, error) {
	var found []PortInfo
	for _, p := range ports {
		if USBSerialChip(p) != "" {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return PortInfo{}, &AutoPortError{Ports: ports, Adapters: found}
	}
	return found[0], nil
}

// portLister lists the ports for AutoPort (a variable for tests).
var portLister = ListPorts

// AutoPort returns the name of the one USB-serial adapter plugged in.
func AutoPort() (string, error) {
	ports, err := portLister()
	if err != nil {
		return "", err
	}
	p, err := PickAutoPort(ports)
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// resolvePort turns PortAuto into the adapter's name; other addresses
// are returned as they are.
func resolvePort(ctx context.Context, addr string) (string, error) {
	if addr != PortAuto {
		return comPort(runtime.GOOS, addr), nil
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return AutoPort()
}

// comPort is COMn for a bare number n on Windows: ECClite, which
// installers know, asks for the COM port's number alone ("we enter 10
// here", the guide says). Elsewhere, and for any other name, addr.
func comPort(goos, addr string) string {
	if goos != "windows" || addr == "" || strings.Trim(addr, "0123456789") != "" {
		return addr
	}
	return "COM" + addr
}
