//go:build darwin && !cgo

package transport

import "go.bug.st/serial"

// Without cgo, macOS gives port names only (the USB details need IOKit).
func listPorts() ([]PortInfo, error) {
	names, err := serial.GetPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]PortInfo, 0, len(names))
	for _, n := range names {
		out = append(out, PortInfo{Name: n})
	}
	return out, nil
}
