package sim

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// The variant options keep the controller within the spec: limits reported
// and enforced, line endings, unknown fields, banner length, latency.
func TestVariants(t *testing.T) {
	tests := []struct {
		name  string
		set   func(*Options)
		check func(t *testing.T, h *host)
	}{
		{"limits", func(o *Options) {
			o.MaxKeys, o.Window, o.Chunk, o.MaxLine = 3, 2, 128, 5000
			// The window check below needs all 4 requests of the burst to
			// arrive before the first is answered: without a reply latency
			// the executor may answer 900 between 902 and 903 and take 903.
			o.ReplyLatency = 100 * time.Millisecond
		}, func(t *testing.T, h *host) {
			r := h.call("hello", nil)
			must(t, r.num("maxKeys") == 3 && r.num("window") == 2 && r.num("maxLine") == 5000, "hello %s", r.raw)
			r = h.call("get", map[string]any{"keys": []string{"chg_Debug", "chg_KWH1", "chg_KWH2", "chg_KWH3"}})
			must(t, r.code() == transport.CodeBadRequest, "get of 4 keys: %s", r.raw)
			r = h.call("get", map[string]any{"keys": []string{"chg_Debug", "chg_KWH1", "chg_KWH2"}})
			must(t, r.ok(), "get of 3 keys: %s", r.raw)
			r = h.call("set", map[string]any{"values": map[string]string{"chg_MinChargingCurrent": "6", "chg_Debug": "0", "chg_KWH1": "none", "chg_KWH2": "none"}})
			must(t, r.code() == transport.CodeBadRequest, "set of 4 keys: %s", r.raw)
			r = h.call("fw.begin", map[string]any{"version": "V32R17", "size": 1000, "sha256": strings.Repeat("0", 64)})
			must(t, r.ok() && r.num("chunk") == 128, "fw.begin %s", r.raw)
			big := base64.StdEncoding.EncodeToString(make([]byte, 129))
			r = h.call("fw.data", map[string]any{"offset": 0, "data": big})
			must(t, r.code() == transport.CodeBadRequest, "fw.data of 129 bytes: %s", r.raw)
			// Window 2: of 4 requests at once, 2 are dropped.
			var all string
			for i := range 4 {
				b, _ := transport.MarshalFrame(map[string]any{"id": 900 + i, "op": "sync"})
				all += string(b)
			}
			h.sendLine(all)
			h.waitReply(900, time.Second)
			h.waitReply(901, time.Second)
			h.noReply(200 * time.Millisecond)
			must(t, h.count("RX OVERFLOW") == 2, "RX OVERFLOW lines: %d", h.count("RX OVERFLOW"))
		}},
		{"ids", nil, func(t *testing.T, h *host) {
			for _, id := range []int64{1, 2147483647, 65536, 4294967297 % 2147483647} {
				h.sendID(id, "sync", nil)
				r := h.waitReply(id, time.Second)
				must(t, r.ok(), "id %d: %s", id, r.raw)
			}
			for _, id := range []int64{0, -1, 2147483648} {
				h.sendID(id, "sync", nil)
				h.noReply(100 * time.Millisecond)
			}
		}},
		{"extra fields", func(o *Options) { o.ExtraFields, o.Reorder, o.FractionalUptime = true, true, true }, func(t *testing.T, h *host) {
			r := h.call("hello", nil)
			must(t, r.m["x_vendor"] == "ecotap-sim" && r.num("window") == Window, "hello %s", r.raw)
			up, _ := r.m["uptime"].(float64)
			must(t, up != float64(int64(up)), "uptime %v is a whole number", r.m["uptime"])
			r = h.call("keys", nil)
			must(t, len(r.raw) <= MaxLine && r.m["x_vendor"] != nil, "keys reply %d bytes", len(r.raw))
			r = h.call("get", map[string]any{"keys": []string{"chg_RatedCurrent"}})
			e := r.m["configurationKey"].([]any)[0].(map[string]any)
			must(t, e["value"] == "16,16" && e["x_attr"] != nil, "get %s", r.raw)
			r = h.call("fw.data", map[string]any{"offset": 0, "data": ""})
			must(t, r.code() == transport.CodeBadRequest && r.m["x_ok"] == true, "error reply %s", r.raw)
		}},
		{"LF and JSON noise", func(o *Options) {
			o.LineEnding, o.JSONLogNoise, o.LogNoiseInterval, o.SplitWrites = "\n", true, time.Millisecond, 5
		}, func(t *testing.T, h *host) {
			time.Sleep(300 * time.Millisecond)
			r := h.call("sync", nil)
			must(t, r.ok(), "sync %s", r.raw)
			h.mu.Lock()
			defer h.mu.Unlock()
			braces := 0
			for _, l := range h.all {
				must(t, !strings.HasPrefix(l, "@") || strings.HasPrefix(l, "@{\"id\":1001,"), "log line starts with @: %q", l)
				if strings.HasPrefix(l, "{") {
					braces++
				}
			}
			must(t, braces > 0, "no JSON-looking log lines in %d lines", len(h.all))
		}},
		{"slow", func(o *Options) { o.ReplyLatency, o.SetLatency = 40*time.Millisecond, 200*time.Millisecond }, func(t *testing.T, h *host) {
			t0 := time.Now()
			h.call("sync", nil)
			d := time.Since(t0)
			must(t, d >= 32*time.Millisecond && d < 150*time.Millisecond, "sync took %v", d)
			t0 = time.Now()
			h.call("set", map[string]any{"values": map[string]string{"chg_MinChargingCurrent": "8"}})
			d = time.Since(t0)
			must(t, d >= 160*time.Millisecond && d < 400*time.Millisecond, "set took %v", d)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := fast()
			if tc.set != nil {
				tc.set(&o)
			}
			h := newHost(t, o)
			h.waitReady()
			tc.check(t, h)
		})
	}
}

func TestBannerLength(t *testing.T) {
	for _, n := range []int{3, 12, 20, 30} {
		o := fast()
		o.BannerLines = n
		o.RawBootNoise = true
		h := newHost(t, o)
		before := h.waitReady()
		// Boot noise may have eaten into the first line.
		must(t, len(before) >= n-2 && len(before) <= n, "banner of %d: %d lines before READY: %q", n, len(before), before)
		fw := 0
		for _, l := range before {
			if l == "Firmware "+DefaultFirmware {
				fw++
			}
		}
		must(t, fw == 1, "banner of %d: %d Firmware lines: %q", n, fw, before)
	}
}

func TestBadVariants(t *testing.T) {
	for _, o := range []Options{{LineEnding: "\r"}, {MaxLine: 1000}, {MaxKeys: 20}, {BannerLines: 2}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
