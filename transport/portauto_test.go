package transport

import (
	"errors"
	"strings"
	"testing"
)

func TestPickAutoPort(t *testing.T) {
	ftdi := PortInfo{Name: "/dev/ttyUSB0", USB: true, VID: "0403", PID: "6001", Product: "FT232R USB UART"}
	cp := PortInfo{Name: "COM8", USB: true, VID: "10C4", PID: "EA60"}
	ch := PortInfo{Name: "/dev/ttyUSB1", USB: true, VID: "1a86", PID: "7523"}
	pl := PortInfo{Name: "/dev/cu.usbserial", USB: true, VID: "067b", PID: "2303"}
	onboard := PortInfo{Name: "/dev/ttyS0"}
	phone := PortInfo{Name: "/dev/ttyACM0", USB: true, VID: "2341", PID: "0043", Product: "Arduino Uno"}
	otherFTDI := PortInfo{Name: "/dev/ttyUSB2", USB: true, VID: "0403", PID: "cc4d"} // not a serial bridge
	for _, tc := range []struct {
		name  string
		ports []PortInfo
		want  string // the picked port's name, or a text of the error
	}{
		{"one FTDI among others", []PortInfo{onboard, ftdi, phone}, "/dev/ttyUSB0"},
		{"CP210x upper-case ids", []PortInfo{cp}, "COM8"},
		{"CH340", []PortInfo{onboard, ch}, "/dev/ttyUSB1"},
		{"PL2303", []PortInfo{pl, otherFTDI}, "/dev/cu.usbserial"},
		{"none", []PortInfo{onboard, phone, otherFTDI}, "no USB-serial adapter (FTDI, CP210x, CH340, PL2303) is plugged in; the serial ports present:\n  /dev/ttyS0\n  /dev/ttyACM0  USB 2341:0043  Arduino Uno"},
		{"no ports", nil, "no serial port at all"},
		{"several", []PortInfo{ftdi, onboard, ch}, "2 USB-serial adapters are plugged in; name one with --port:\n  /dev/ttyUSB0  USB 0403:6001  FT232R USB UART  (FTDI)\n  /dev/ttyUSB1  USB 1a86:7523  (WCH CH340)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PickAutoPort(tc.ports)
			var ae *AutoPortError
			switch {
			case err == nil && p.Name != tc.want:
				t.Errorf("picked %s, want %s", p.Name, tc.want)
			case err != nil && (!errors.As(err, &ae) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// A bare number is the COM port of that number on Windows, as ECClite
// asks for it; elsewhere, and any other name, stays as given.
func TestCOMPort(t *testing.T) {
	for _, tc := range []struct{ goos, in, want string }{
		{"windows", "10", "COM10"},
		{"windows", "3", "COM3"},
		{"windows", "COM8", "COM8"},
		{"windows", `\\.\COM12`, `\\.\COM12`},
		{"windows", "tcp://127.0.0.1:7000", "tcp://127.0.0.1:7000"},
		{"windows", "", ""},
		{"linux", "10", "10"},
		{"darwin", "3", "3"},
	} {
		if got := comPort(tc.goos, tc.in); got != tc.want {
			t.Errorf("comPort(%q, %q) = %q, want %q", tc.goos, tc.in, got, tc.want)
		}
	}
}
