package sim

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

// TestExampleSession replays the host side of the recorded example session
// and expects the controller's frames byte for byte.
func TestExampleSession(t *testing.T) {
	f, err := os.Open("../../testdata/protocol/example-session.txt")
	if err != nil {
		t.Fatalf("example session (test vectors from the protocol spec): %v", err)
	}
	defer f.Close()
	opts := fast()
	opts.PowerOnDelay = 300 * time.Millisecond
	opts.SaveDelay = 100 * time.Millisecond
	h := newHost(t, opts)
	line := regexp.MustCompile(`^\s*[0-9.]+ ([<>]) (.*)$`)
	sc := bufio.NewScanner(f)
	sent := 0
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		dir, text := m[1], m[2]
		switch {
		case dir == ">":
			h.sendLine(text + "\n")
			sent++
			if sent <= 2 {
				// Sent while the controller is still unpowered.
				h.noReply(50 * time.Millisecond)
			}
		case transport.IsFrame([]byte(text)):
			got, _ := h.waitLine("frame "+text, 5*time.Second, func(l string) bool { return transport.IsFrame([]byte(l)) })
			if got != text {
				t.Fatalf("got  %s\nwant %s", got, text)
			}
		case text == "READY":
			h.waitReady()
		case strings.Contains(text, "SV CFG()"):
			h.waitSaved()
		}
	}
	must(t, sent >= 9, "replayed only %d requests", sent)
}

func TestBanner(t *testing.T) {
	h := newHost(t, fast())
	before := h.waitReady()
	start := -1
	for i, l := range before {
		if l == "ECC bootloader 2.1" {
			start = i
		}
	}
	must(t, start >= 0 && start <= 1, "banner does not start with the bootloader line (after at most one noise line): %q", before)
	banner := append(before[start:], "READY")
	must(t, len(banner) >= 18 && len(banner) <= 22, "banner has %d lines", len(banner))
	var fw bool
	for _, l := range banner {
		if regexp.MustCompile(`^Firmware V[0-9]+R[0-9]+$`).MatchString(l) {
			fw = l == "Firmware V32R16"
		}
		must(t, !strings.HasPrefix(l, "@"), "log line starts with @: %q", l)
	}
	must(t, fw, "no Firmware V32R16 line in %q", banner)
	must(t, banner[len(banner)-2] == `{"boot":"debug json-like line, not a frame"}`, "json-like line missing: %q", banner)
	if start == 1 {
		must(t, len(before[0]) <= 64, "noise line of %d bytes", len(before[0]))
	}
}

func TestHelloKeysGet(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	r := h.call("hello", nil)
	for k, want := range map[string]any{"model": "EVC5.1", "serial": "G48229", "fw": "V32R16",
		"proto": 1.0, "maxLine": 4096.0, "maxKeys": 8.0, "window": 4.0, "uptime": 0.0} {
		must(t, r.m[k] == want, "hello %s = %v, want %v (%s)", k, r.m[k], want, r.raw)
	}

	r = h.call("keys", nil)
	must(t, len(r.raw) <= MaxLine, "keys reply is %d bytes, above maxLine", len(r.raw))
	access := map[string]string{}
	for _, e := range r.m["keys"].([]any) {
		e := e.(map[string]any)
		access[e["key"].(string)] = e["access"].(string)
	}
	for k, want := range map[string]string{"authorizationKey": "WO", "gsm_SigQ": "RO",
		"chg_RatedCurrent": "RW", "HeartbeatInterval": "RW", "hw_WiringLimit": "RW",
		"cal_VoltageGainL1": "RW", "hw_BoardRev": "RO"} {
		must(t, access[k] == want, "%s access %q, want %q", k, access[k], want)
	}
	for _, d := range model.Dictionary() {
		must(t, access[d.Name] == string(d.Access), "dictionary key %s: access %q", d.Name, access[d.Name])
	}

	got := h.get("chg_RatedCurrent", "authorizationKey", "gsm_SigQ", "nope", "HeartbeatInterval")
	wo := got["authorizationKey"].(map[string]any)
	_, hasValue := wo["value"]
	must(t, wo["writeonly"] == true && !hasValue && wo["readonly"] == false, "write-only entry %v", wo)
	must(t, got["gsm_SigQ"].(map[string]any)["readonly"] == true, "gsm_SigQ not read-only")
	must(t, h.value("HeartbeatInterval") == "300", "HeartbeatInterval")
	r = h.call("get", map[string]any{"keys": []string{"nope"}})
	must(t, r.ok() && len(r.m["configurationKey"].([]any)) == 0 && r.m["unknownKey"].([]any)[0] == "nope", "unknown: %s", r.raw)
}

// Every default value of a dictionary key is valid for the dictionary.
func TestDefaultsValid(t *testing.T) {
	for _, k := range keySet(DefaultSerial) {
		if k.def == nil || k.access != model.RW {
			continue
		}
		work := map[string]string{wiringLimitKey: "32"}
		if st := judge(&k, k.value, work); !st.Stored() {
			t.Errorf("%s default %q: %s", k.name, k.value, st)
		}
	}
}

func TestRequestErrors(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	nine := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	for _, tc := range []struct {
		op   string
		args map[string]any
		code transport.ErrorCode
	}{
		{"nope", nil, transport.CodeUnknownOp},
		{"get", nil, transport.CodeBadRequest},
		{"get", map[string]any{"keys": []string{}}, transport.CodeBadRequest},
		{"get", map[string]any{"keys": nine}, transport.CodeBadRequest},
		{"get", map[string]any{"keys": []any{1}}, transport.CodeBadRequest},
		{"set", map[string]any{"values": map[string]any{}}, transport.CodeBadRequest},
		{"set", map[string]any{"values": map[string]any{"chg_Debug": 1}}, transport.CodeBadRequest},
		{"set", map[string]any{"values": "x"}, transport.CodeBadRequest},
		{"fw.data", map[string]any{"offset": 0, "data": ""}, transport.CodeBadRequest},
		{"fw.begin", map[string]any{"version": "V33R1"}, transport.CodeBadRequest},
	} {
		r := h.call(tc.op, tc.args)
		must(t, !r.ok() && r.code() == tc.code && r.m["message"] != "", "%s %v: %s, want %s", tc.op, tc.args, r.raw, tc.code)
	}
	// No op at all.
	h.sendLine(string(transport.EncodeFrame([]byte(`{"id":77}`))))
	r := h.waitReply(77, time.Second)
	must(t, r.code() == transport.CodeBadRequest, "no op: %s", r.raw)
	// Unknown fields are ignored.
	h.sendLine(string(transport.EncodeFrame([]byte(`{"id":78,"op":"hello","extra":{"x":[1]}}`))))
	must(t, h.waitReply(78, time.Second).ok(), "hello with an extra field")
}

func TestLineHandling(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	good := string(transport.EncodeFrame([]byte(`{"id":5,"op":"hello"}`)))
	bad := strings.Replace(good, `"id":5`, `"id":6`, 1) // CRC no longer matches
	// Bad CRC, bad JSON, a log-looking line, an id out of range and an
	// overlong line get no reply; the next good frame does.
	h.sendLine(bad)
	h.sendLine(string(transport.EncodeFrame([]byte(`{"id":7,"op":`))))
	h.sendLine("hello world\n")
	h.sendLine(string(transport.EncodeFrame([]byte(`{"id":0,"op":"hello"}`))))
	h.sendLine(string(transport.EncodeFrame([]byte(`{"id":2147483648,"op":"hello"}`))))
	h.sendLine("@" + strings.Repeat("x", 5000) + "\n")
	long := transport.EncodeFrame([]byte(`{"id":8,"op":"get","keys":["` + strings.Repeat("k", 4100) + `"]}`))
	h.sendLine(string(long))
	h.sendLine(strings.TrimSuffix(good, "\n") + "\r\n") // \r\n accepted
	r := h.waitReply(5, time.Second)
	must(t, r.ok(), "hello: %s", r.raw)
	// A frame split over many writes.
	g := transport.EncodeFrame([]byte(`{"id":9,"op":"hello"}`))
	for _, b := range g {
		h.sendLine(string([]byte{b}))
	}
	h.waitReply(9, time.Second)
	// Several frames in one write, answered in order.
	var many string
	for id := 10; id < 13; id++ {
		many += string(transport.EncodeFrame([]byte(`{"id":` + itoa(id) + `,"op":"sync"}`)))
	}
	h.sendLine(many)
	for id := int64(10); id < 13; id++ {
		h.waitReply(id, time.Second)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestSetStatusesAndSave(t *testing.T) {
	opts := fast()
	opts.SaveDelay = 150 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	st := h.set(map[string]string{
		"chg_StationMaxCurrent": "33", // above hw_WiringLimit 32
		"chg_RatedCurrent":      "20,20",
		"com_ProtCh":            "ETH",
		"gsm_SigQ":              "3",
		"cal_X":                 "1",
		"com_ProtType":          "OCPP9",
		"cal_VoltageGainL1":     "1.01",
		"HeartbeatInterval":     "600",
	})
	want := map[string]string{
		"chg_StationMaxCurrent": "Rejected", "chg_RatedCurrent": "Accepted", "com_ProtCh": "RebootRequired",
		"gsm_SigQ": "Rejected", "cal_X": "NotSupported", "com_ProtType": "Rejected",
		"cal_VoltageGainL1": "Accepted", "HeartbeatInterval": "Accepted",
	}
	for k, w := range want {
		must(t, st[k] == w, "%s: %s, want %s", k, st[k], w)
	}
	// Visible at once, not yet in flash.
	must(t, h.value("chg_RatedCurrent") == "20,20", "working memory not visible")
	must(t, h.call("sync", nil).num("pending") == 1, "sync before save")
	must(t, h.c.State().Values["chg_RatedCurrent"] == "16,16", "saved before SV CFG()")
	disk, err := ReadState(h.c.opts.StateFile)
	must(t, err == nil && disk.Values["chg_RatedCurrent"] == "16,16", "state file before save: %v %v", err, disk.Values["chg_RatedCurrent"])
	h.waitSaved()
	must(t, h.call("sync", nil).num("pending") == 0, "sync after save")
	disk, _ = ReadState(h.c.opts.StateFile)
	for k, v := range map[string]string{"chg_RatedCurrent": "20,20", "com_ProtCh": "ETH",
		"cal_VoltageGainL1": "1.01", "HeartbeatInterval": "600", "chg_StationMaxCurrent": "32"} {
		must(t, disk.Values[k] == v, "state file %s = %q, want %q", k, disk.Values[k], v)
	}
	// Nothing stored: no SV CFG().
	st = h.set(map[string]string{"gsm_SigQ": "1", "nope": "1"})
	must(t, st["gsm_SigQ"] == "Rejected" && st["nope"] == "NotSupported", "%v", st)
	must(t, h.call("sync", nil).num("pending") == 0, "pending after a set that stored nothing")
	// The write-only key is stored, never returned.
	st = h.set(map[string]string{"authorizationKey": "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK"})
	must(t, st["authorizationKey"] == "RebootRequired" || st["authorizationKey"] == "Accepted", "%v", st)
	_, hasValue := h.get("authorizationKey")["authorizationKey"].(map[string]any)["value"]
	must(t, !hasValue, "write-only value returned")
	h.waitSaved()
	must(t, h.c.State().Values["authorizationKey"] == "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", "secret not stored")
	must(t, h.count("SV CFG()") == 2, "SV CFG() lines: %d", h.count("SV CFG()"))
}

func TestSavesInOrderAndResetLoses(t *testing.T) {
	opts := fast()
	opts.SaveDelay = 200 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	h.set(map[string]string{"chg_MinChargingCurrent": "7"})
	h.set(map[string]string{"chg_MinChargingCurrent": "8"})
	h.set(map[string]string{"grid_Role": "Master"})
	must(t, h.call("sync", nil).num("pending") == 3, "pending")
	h.waitSaved()
	must(t, h.c.State().Values["chg_MinChargingCurrent"] == "7", "first save")
	h.waitSaved()
	must(t, h.c.State().Values["chg_MinChargingCurrent"] == "8", "second save")
	// The third one is lost by a reset before its SV CFG().
	r := h.call("reset", nil)
	must(t, r.raw == string(frame([]byte(`{"id":`+itoa(int(h.nextID))+`,"ok":true}`))), "reset reply %s", r.raw)
	h.waitReady()
	must(t, h.value("grid_Role") == "Station_ctrl", "unsaved value survived a reset")
	must(t, h.value("chg_MinChargingCurrent") == "8", "saved value lost")
	must(t, h.c.State().Values["grid_Role"] == "Station_ctrl", "unsaved value in flash")
	must(t, h.count("SV CFG()") == 2, "SV CFG() lines: %d", h.count("SV CFG()"))

	// A power cycle loses unsaved values as well.
	h.set(map[string]string{"grid_Role": "Slave"})
	h.c.PowerCycle()
	h.waitReady()
	must(t, h.value("grid_Role") == "Station_ctrl", "unsaved value survived a power cycle")
}

func TestPersistsAcrossRuns(t *testing.T) {
	opts := fast()
	h := newHost(t, opts)
	h.waitReady()
	h.set(map[string]string{"chg_StationMaxCurrent": "20"})
	h.waitSaved()
	h.c.Close()
	opts.StateFile = h.c.opts.StateFile
	h2 := newHost(t, opts)
	h2.waitReady()
	must(t, h2.value("chg_StationMaxCurrent") == "20", "value lost between runs")
	// Identity from options overrides the file and is written back.
	opts.Serial = "G1"
	h3 := newHost(t, opts)
	h3.waitReady()
	must(t, h3.call("hello", nil).m["serial"] == "G1", "serial override")
	must(t, h3.c.State().Serial == "G1", "serial not persisted")
}

func TestOverflow(t *testing.T) {
	opts := fast()
	opts.ChunkWriteDelay = 100 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	r := h.call("fw.begin", map[string]any{"version": "V32R17", "size": 1000, "sha256": strings.Repeat("0", 64)})
	must(t, r.ok(), "fw.begin %s", r.raw)
	var all string
	for i := 0; i < 8; i++ {
		b, _ := transport.MarshalFrame(map[string]any{"id": 100 + i, "op": "fw.data", "offset": 16 * i, "data": "AAAAAAAAAAAAAAAAAAAAAA=="})
		all += string(b)
	}
	h.sendLine(all)
	for i := int64(0); i < Window; i++ {
		r := h.waitReply(100+i, 2*time.Second)
		must(t, r.ok() && r.num("next") == int(16*(i+1)), "fw.data %d: %s", i, r.raw)
	}
	h.noReply(300 * time.Millisecond)
	must(t, h.count("RX OVERFLOW") == 8-Window, "RX OVERFLOW lines: %d", h.count("RX OVERFLOW"))
}

func TestReplyCache(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	h.sendID(500, "set", map[string]any{"values": map[string]string{"chg_MinChargingCurrent": "10"}})
	first := h.waitReply(500, time.Second)
	h.waitSaved()
	// The same id again: the remembered reply, not executed again.
	h.set(map[string]string{"chg_MinChargingCurrent": "11"})
	h.waitSaved()
	h.sendID(500, "set", map[string]any{"values": map[string]string{"chg_MinChargingCurrent": "10"}})
	again := h.waitReply(500, time.Second)
	must(t, again.raw == first.raw, "replay %s != %s", again.raw, first.raw)
	h.noReply(100 * time.Millisecond)
	must(t, h.value("chg_MinChargingCurrent") == "11", "resend executed again")
	must(t, h.count("SV CFG()") == 2, "SV CFG() lines: %d", h.count("SV CFG()"))
	// After 16 newer ids it is forgotten.
	for i := 0; i < ReplyCache; i++ {
		h.call("sync", nil)
	}
	h.sendID(500, "set", map[string]any{"values": map[string]string{"chg_MinChargingCurrent": "10"}})
	h.waitReply(500, time.Second)
	must(t, h.value("chg_MinChargingCurrent") == "10", "forgotten id not executed")
	// A reboot clears the memory.
	h.sendID(600, "hello", nil)
	h.waitReply(600, time.Second)
	h.call("reset", nil)
	h.waitReady()
	h.sendID(600, "sync", nil)
	must(t, h.waitReply(600, time.Second).m["pending"] != nil, "id 600 answered from before the reboot")
}

func TestOCPPIDRestart(t *testing.T) {
	opts := fast()
	opts.OCPPIDRestartDelay = 200 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	st := h.set(map[string]string{"com_OCPPID": "NEW-ID-1"})
	must(t, st["com_OCPPID"] == "Accepted" || st["com_OCPPID"] == "RebootRequired", "%v", st)
	h.waitSaved()
	t0 := time.Now()
	h.waitReady()
	must(t, time.Since(t0) >= 150*time.Millisecond, "restarted too early")
	must(t, h.value("com_OCPPID") == "NEW-ID-1", "new id lost")
	// The same id again is no change: no restart.
	h.set(map[string]string{"com_OCPPID": "NEW-ID-1"})
	h.waitSaved()
	h.noReply(400 * time.Millisecond)
	must(t, h.count("READY") == 2, "restart without a change")
}

func TestPowerOnDelay(t *testing.T) {
	opts := fast()
	opts.PowerOnDelay = 300 * time.Millisecond
	h := newHost(t, opts)
	t0 := time.Now()
	h.send("hello", nil)
	if l, ok := h.next(200 * time.Millisecond); ok {
		t.Fatalf("unpowered controller sent %q", l)
	}
	h.waitReady()
	must(t, time.Since(t0) >= 250*time.Millisecond, "booted after %v", time.Since(t0))
	h.noReply(100 * time.Millisecond) // the early hello is never answered
	must(t, h.call("hello", nil).ok(), "hello after READY")
}

func TestCablePull(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	h.c.CablePull(300 * time.Millisecond)
	h.send("hello", nil)
	h.noReply(200 * time.Millisecond)
	time.Sleep(150 * time.Millisecond)
	must(t, h.call("hello", nil).ok(), "hello after the cable is back")
}

func TestRequestsBeforeReadyIgnored(t *testing.T) {
	opts := fast()
	opts.BootDelay = 100 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	h.call("reset", nil)
	h.send("hello", nil) // during the reboot
	h.waitReady()
	h.noReply(100 * time.Millisecond)
	must(t, h.call("hello", nil).ok(), "hello after READY")
}

func TestDamage(t *testing.T) {
	c, err := New(Options{Seed: 3, NoThrottle: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line := []byte(`@{"id":1,"op":"hello"}*E8BFEE4B`)
	kinds := map[string]int{}
	for i := 0; i < 200; i++ {
		out, keep := damage(c.rng, line)
		switch {
		case !keep:
			kinds["merge"]++
		case len(out) == len(line)+1:
			kinds["insert"]++
		case len(out) == len(line)-1:
			kinds["drop"]++
		case string(out) != string(line):
			kinds["flip"]++
		default:
			t.Fatalf("undamaged line")
		}
		if keep {
			_, ok := transport.DecodeFrame(out)
			must(t, !ok, "damaged frame still decodes: %s", out)
		}
	}
	must(t, len(kinds) == 4, "kinds %v", kinds)
}

func TestNoiseBothWays(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	h.c.SetNoise(0.3)
	// A host that resends with the same id gets through.
	answered := 0
	for i := 0; i < 10; i++ {
		id := h.send("hello", nil)
		for try := 0; try < 30; try++ {
			var got bool
			deadline := time.Now().Add(50 * time.Millisecond)
			for !got {
				l, ok := h.next(time.Until(deadline))
				if !ok {
					break
				}
				if r, isFrame := decode(l); isFrame && int64(r.m["id"].(float64)) == id {
					got = true
				}
			}
			if got {
				answered++
				break
			}
			h.sendID(id, "hello", nil)
		}
	}
	must(t, answered == 10, "answered %d of 10", answered)
	h.c.SetNoise(0)
}

func TestControlCommands(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	for _, tc := range [][2]string{
		{"noise 0", "ok"},
		{"noise 2", "error:"},
		{"bogus", "error:"},
		{"cable-pull 10ms", "ok"},
		{"cable-pull x", "error:"},
		{"state", `ok {"model":"EVC5.1"`},
		{"status", `ok {"powered":true`},
		{"help", "ok commands"},
	} {
		got := h.c.Command(tc[0])
		must(t, strings.HasPrefix(got, tc[1]), "%s: %q, want prefix %q", tc[0], got, tc[1])
	}
	time.Sleep(20 * time.Millisecond) // the cable is back
	must(t, h.c.Command("power-off") == "ok" && !h.c.Status().Powered, "power-off")
	must(t, h.c.Command("power-on") == "ok", "power-on")
	h.waitReady()
	must(t, h.c.Command("power-cycle") == "ok", "power-cycle")
	h.waitReady()
}
