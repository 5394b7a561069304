//go:build !darwin || cgo

package transport

import "go.bug.st/serial/enumerator"

func listPorts() ([]PortInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]PortInfo, 0, len(list))
	for _, p := range list {
		out = append(out, PortInfo{
			Name: p.Name, USB: p.IsUSB, VID: p.VID, PID: p.PID,
			SerialNumber: p.SerialNumber, Manufacturer: p.Manufacturer, Product: p.Product,
		})
	}
	return out, nil
}
