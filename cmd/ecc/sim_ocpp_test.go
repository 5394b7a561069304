package main

import (
	"testing"
	"time"
)

func TestSimOCPPFlagsCheck(t *testing.T) {
	for _, tt := range []struct {
		f  simOCPPFlags
		ok bool
	}{
		{simOCPPFlags{}, true},
		{simOCPPFlags{url: "ws://127.0.0.1:8180/ocpp/CP01", replyDelay: time.Second, reject: []string{"HeartbeatInterval"}, dropAfter: 2}, true},
		{simOCPPFlags{url: "wss://gw.example/ocpp/CP01"}, true},
		{simOCPPFlags{url: "http://gw/ocpp/CP01"}, false},
		{simOCPPFlags{reject: []string{"HeartbeatInterval"}}, false},
		{simOCPPFlags{dropAfter: 1}, false},
		{simOCPPFlags{ca: "ca.pem"}, false},
		{simOCPPFlags{url: "ws://gw/ocpp/CP01", replyDelay: -time.Second}, false},
	} {
		if err := tt.f.check(); (err == nil) != tt.ok {
			t.Errorf("%+v: %v", tt.f, err)
		}
	}
}
