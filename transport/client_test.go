package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (f *fake) snapshot() (ids []int64, executed map[string]int, maxQueued, overflows int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	executed = map[string]int{}
	for k, v := range f.executed {
		executed[k] = v
	}
	return slices.Clone(f.ids), executed, f.maxQueued, f.overflows
}

func TestFirstID(t *testing.T) {
	cases := []struct {
		ms   int64
		want int64
	}{
		{1, 1},
		{2147483646, 2147483646},
		{2147483647, 1}, // mod gives 0: never 0
		{2147483647 + 5, 5},
		{1722000000000, 1722000000000 % 2147483647},
	}
	for _, c := range cases {
		if got := firstID(time.UnixMilli(c.ms)); got != c.want {
			t.Errorf("firstID(%d) = %d, want %d", c.ms, got, c.want)
		}
	}
}

func TestHelloIdentityAndIDs(t *testing.T) {
	before := firstID(time.Now())
	f, c := newFake(t, 4, 8, Options{})
	id, err := c.Hello(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if id.Model != "EVC5.1" || id.Serial != "G48229" || id.Firmware != "V32R16" || id.Window != 4 || id.MaxKeys != 8 {
		t.Fatalf("identity %+v", id)
	}
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ids, _, _, _ := f.snapshot()
	if len(ids) != 2 || ids[1] != ids[0]+1 {
		t.Fatalf("ids %v: want two consecutive ids", ids)
	}
	if ids[0] < before || ids[0] > before+10_000 {
		t.Fatalf("first id %d, want about unixMilli mod 2147483647 = %d", ids[0], before)
	}
}

func TestResendSameIDAfterDroppedRequest(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.dropReq = func(n int, r fakeReq) bool { return n == 1 }
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ids, exec, _, _ := f.snapshot()
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("ids %v: want the same id twice", ids)
	}
	if exec["hello"] != 1 {
		t.Fatalf("hello executed %d times", exec["hello"])
	}
	if st := c.Stats(); st.Resends != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestResendSameIDAfterDroppedReply(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.dropReply = func(n int, r fakeReq) bool { return n == 1 }
	keys, err := c.Keys(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("keys %v", keys)
	}
	ids, exec, _, _ := f.snapshot()
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("ids %v: want the same id twice", ids)
	}
	if exec["keys"] != 1 {
		t.Fatalf("keys executed %d times: the resend must get the remembered reply", exec["keys"])
	}
}

func TestGiveUpNamesOpAndPort(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{Tries: 3, Timeout: 20 * time.Millisecond})
	f.dropReq = func(int, fakeReq) bool { return true }
	_, err := c.Keys(testCtx(t))
	if !errors.Is(err, ErrNoReply) || !strings.Contains(err.Error(), "keys") || !strings.Contains(err.Error(), "fake0") || !strings.Contains(err.Error(), "3 tries") {
		t.Fatalf("err = %v", err)
	}
	ids, _, _, _ := f.snapshot()
	if len(ids) != 3 {
		t.Fatalf("%d sends, want 3", len(ids))
	}
}

func TestRemoteErrorCarriesMessage(t *testing.T) {
	_, c := newFake(t, 4, 8, Options{})
	_, _, err := c.FirmwareBegin(testCtx(t), "V32R17", 0, strings.Repeat("0", 64))
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeFWSize || re.Message != "bad size" || re.Op != "fw.begin" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "bad size") {
		t.Fatalf("message not shown: %v", err)
	}
}

func TestBusyRetriedWithFreshID(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	n := 0
	f.busy = func(r fakeReq) bool { n++; return n <= 2 }
	if _, err := c.Keys(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ids, _, _, _ := f.snapshot()
	if len(ids) != 3 || ids[0] == ids[1] || ids[1] == ids[2] {
		t.Fatalf("ids %v: want three distinct ids", ids)
	}
}

func manyKeys(n int) []string {
	keys := []string{"chg_RatedCurrent", "gsm_SigQ", "nope_key"}
	for i := len(keys); i < n; i++ {
		keys = append(keys, fmt.Sprintf("x_key%02d", i))
	}
	return keys
}

func TestGetBatchesAndPipelinesWithinWindow(t *testing.T) {
	f, c := newFake(t, 3, 2, Options{})
	f.execDelay["get"] = 5 * time.Millisecond
	keys := manyKeys(13)
	vals, unknown, err := c.Get(testCtx(t), keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 2 || vals[0].Key != "chg_RatedCurrent" || vals[0].Value != "16,16" || !vals[1].ReadOnly {
		t.Fatalf("values %+v", vals)
	}
	if len(unknown) != 11 || unknown[0] != "nope_key" || unknown[10] != "x_key12" {
		t.Fatalf("unknown %v", unknown)
	}
	_, exec, maxQ, over := f.snapshot()
	if exec["get"] != 7 {
		t.Fatalf("%d gets, want 7 (13 keys, maxKeys 2)", exec["get"])
	}
	if over != 0 || maxQ > 3 {
		t.Fatalf("window exceeded: max queued %d, overflows %d", maxQ, over)
	}
	if maxQ < 2 {
		t.Fatalf("max queued %d: requests were not pipelined", maxQ)
	}
}

func TestPipelinedLossDetectedByLaterReply(t *testing.T) {
	// With a long timeout, a lost request in a pipeline is resent as soon
	// as the reply to a later request shows it lost, not after the timeout.
	f, c := newFake(t, 4, 1, Options{Timeout: 5 * time.Second})
	f.execDelay["get"] = 2 * time.Millisecond
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropReq = func(n int, r fakeReq) bool { return n == 3 }
	f.mu.Unlock()
	start := time.Now()
	vals, _, err := c.Get(testCtx(t), []string{"chg_RatedCurrent", "gsm_SigQ", "chg_StationMaxCurrent", "x", "y"})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v: the loss was not detected early", el)
	}
	if len(vals) != 3 {
		t.Fatalf("values %+v", vals)
	}
	if _, _, maxQ, over := f.snapshot(); over != 0 || maxQ > 4 {
		t.Fatalf("window exceeded: %d queued, %d overflows", maxQ, over)
	}
}

func TestSetRefusesUnwritableKeysBeforeSending(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	for _, k := range []string{"cal_X", "gsm_SigQ", "HeartbeatInterval"} {
		_, err := c.Set(testCtx(t), map[string]string{"chg_RatedCurrent": "16,16", k: "1"})
		var we *WriteRefusedError
		if !errors.As(err, &we) || len(we.Keys) != 1 || we.Keys[0] != k {
			t.Fatalf("Set(%s): err = %v", k, err)
		}
	}
	if ids, _, _, _ := f.snapshot(); len(ids) != 0 {
		t.Fatalf("%d requests sent; want none", len(ids))
	}
}

func setValues() map[string]string {
	return map[string]string{
		"chg_RatedCurrent":       "20,20",
		"chg_StationMaxCurrent":  "25",
		"chg_MinChargingCurrent": "bad",
		"com_ProtCh":             "ETH",
		"grid_Role":              "Station_ctrl",
	}
}

func TestSetBatchesAndWaitSavedBySVCFG(t *testing.T) {
	f, c := newFake(t, 2, 2, Options{})
	st, err := c.Set(testCtx(t), setValues())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 5 || st["chg_MinChargingCurrent"] != Rejected || st["grid_Role"] != Accepted {
		t.Fatalf("statuses %v", st)
	}
	if err := c.WaitSaved(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, exec, maxQ, _ := f.snapshot()
	if exec["set"] != 3 || exec["sync"] != 0 || maxQ > 2 {
		t.Fatalf("executed %v, max queued %d: want 3 sets, no sync", exec, maxQ)
	}
	f.mu.Lock()
	pending := f.pending
	f.mu.Unlock()
	if pending != 0 {
		t.Fatalf("WaitSaved returned with %d sets pending", pending)
	}
	// Nothing outstanding: returns at once.
	start := time.Now()
	if err := c.WaitSaved(testCtx(t)); err != nil || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("second WaitSaved: %v after %v", err, time.Since(start))
	}
}

func TestWaitSavedFallsBackToSync(t *testing.T) {
	f, c := newFake(t, 4, 2, Options{SaveTimeout: 100 * time.Millisecond})
	f.dropSave = func(n int) bool { return n == 2 }
	if _, err := c.Set(testCtx(t), setValues()); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitSaved(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, exec, _, _ := f.snapshot()
	if exec["sync"] == 0 {
		t.Fatalf("executed %v: want sync after a lost SV CFG() line", exec)
	}
	f.mu.Lock()
	pending := f.pending
	f.mu.Unlock()
	if pending != 0 {
		t.Fatalf("WaitSaved returned with %d sets pending", pending)
	}
}

func TestRebootWaitsForSaveThenReady(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.saveDelay = 100 * time.Millisecond
	if _, err := c.Set(testCtx(t), map[string]string{"chg_RatedCurrent": "10,10"}); err != nil {
		t.Fatal(err)
	}
	logs, cancel := c.Logs()
	defer cancel()
	id, err := c.Reboot(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if id.Firmware != "V32R16" {
		t.Fatalf("identity %+v", id)
	}
	if ops := f.ops(); !slices.Equal(ops[len(ops)-2:], []string{"reset", "hello"}) {
		t.Fatalf("ops %v", ops)
	}
	var got []string
	for len(logs) > 0 {
		got = append(got, (<-logs).Text)
	}
	if !slices.Contains(got, "READY") || !slices.Contains(got, `{"boot":"debug json-like line, not a frame"}`) {
		t.Fatalf("log lines %q", got)
	}
}

func TestRebootWithLostResetReply(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{Timeout: 200 * time.Millisecond})
	f.bootDelay = 300 * time.Millisecond // the banner comes after the reply timeout
	f.dropReply = func(n int, r fakeReq) bool { return r.Op == "reset" }
	if _, err := c.Reboot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, exec, _, _ := f.snapshot()
	if exec["reset"] != 1 {
		t.Fatalf("reset executed %d times", exec["reset"])
	}
}

// The banner is an unchecked log line; hello is CRC-checked and wins, for a
// byte lost to noise as for any other difference.
func TestRebootBannerDisagreesWithHello(t *testing.T) {
	for _, banner := range []string{"V32R6", "V31R1"} {
		f, c := newFake(t, 4, 8, Options{})
		f.bannerFW = banner
		id, err := c.Reboot(testCtx(t))
		if err != nil || id.Firmware != "V32R16" || c.Stats().BannerMismatches != 1 {
			t.Fatalf("banner %s: Reboot: %+v %v %+v", banner, id, err, c.Stats())
		}
	}
}

func TestConnectPollsUntilPoweredOn(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.mu.Lock()
	f.ready = false
	f.mu.Unlock()
	go func() {
		time.Sleep(200 * time.Millisecond)
		f.boot()
	}()
	waiting := 0
	id, err := c.Connect(testCtx(t), 3*time.Second, func() { waiting++ })
	if err != nil {
		t.Fatal(err)
	}
	if waiting != 1 || id.Serial != "G48229" {
		t.Fatalf("onWaiting called %d times, identity %+v", waiting, id)
	}
	ids, _, _, _ := f.snapshot()
	// Only answered hellos reach the fake's log of ids; ids sent before
	// READY were ignored by it. The answered one must be fresh.
	if len(ids) != 1 {
		t.Fatalf("ids %v", ids)
	}
}

// A connection that ends before the controller answered (a device server
// hanging up on a second client) is dialled again until the deadline; one
// that cannot be reopened fails as before.
func TestConnectDialsAgain(t *testing.T) {
	for _, tc := range []struct {
		name     string
		redial   bool
		failures int // redials that fail before one succeeds
		wantErr  bool
	}{
		{"reopened", true, 0, false},
		{"reopened after failed dials", true, 2, false},
		{"cannot reopen", false, 0, true},
		{"never reopens", true, 1 << 30, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f *fake
			var c *Client
			if tc.redial {
				f, c = newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
				f.redialErr = func(n int) error {
					if n <= tc.failures {
						return errors.New("connection refused")
					}
					return nil
				}
			} else {
				f, c = newFake(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
			}
			f.unplug()
			id, err := c.Connect(testCtx(t), time.Second, nil)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Connect = %+v, %v; want error %v", id, err, tc.wantErr)
			}
			if !tc.wantErr && id.Serial != "G48229" {
				t.Fatalf("identity %+v", id)
			}
			if tc.redial && !tc.wantErr && f.redials != tc.failures+1 {
				t.Errorf("%d redials, want %d", f.redials, tc.failures+1)
			}
		})
	}
}

func TestConnectTimeout(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.mu.Lock()
	f.ready = false
	f.mu.Unlock()
	_, err := c.Connect(testCtx(t), 200*time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "fake0") {
		t.Fatalf("err = %v", err)
	}
}

func testImage(n int) []byte {
	img := make([]byte, n)
	for i := range img {
		img[i] = byte(i * 7)
	}
	return img
}

func TestFirmwareSendGoBackN(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	img := testImage(200)
	chunk, off, err := c.FirmwareBegin(testCtx(t), "V32R17", len(img), strings.Repeat("0", 64))
	if err != nil || chunk != 16 || off != 0 {
		t.Fatalf("begin: %d %d %v", chunk, off, err)
	}
	f.mu.Lock()
	f.dropReq = func(n int, r fakeReq) bool { return r.Op == "fw.data" && (n == 5 || n == 11) }
	f.dropReply = func(n int, r fakeReq) bool { return r.Op == "fw.data" && n == 8 }
	f.mu.Unlock()
	var progress []int
	if err := c.FirmwareSend(testCtx(t), img, off, chunk, func(d int) { progress = append(progress, d) }); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	got := slices.Clone(f.fwData)
	f.mu.Unlock()
	if !bytes.Equal(got, img) {
		t.Fatalf("controller holds %d bytes, not the image", len(got))
	}
	if !slices.IsSorted(progress) || progress[len(progress)-1] != 200 {
		t.Fatalf("progress %v", progress)
	}
	if _, _, maxQ, over := f.snapshot(); over != 0 || maxQ > 4 {
		t.Fatalf("window exceeded: %d queued, %d overflows", maxQ, over)
	}
}

func TestFirmwareResumeAndCommitWithLostReply(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	img := testImage(100)
	f.mu.Lock()
	f.fwSize, f.fwVersion, f.fwNext, f.fwData = len(img), "V32R17", 48, slices.Clone(img[:48])
	f.mu.Unlock()
	chunk, off, err := c.FirmwareBegin(testCtx(t), "V32R17", len(img), strings.Repeat("0", 64))
	if err != nil || off != 48 {
		t.Fatalf("begin: %d %d %v", chunk, off, err)
	}
	if err := c.FirmwareSend(testCtx(t), img, off, chunk, nil); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropReply = func(n int, r fakeReq) bool { return r.Op == "fw.commit" }
	f.mu.Unlock()
	var steps flashSteps
	id, err := c.FirmwareCommit(testCtx(t), steps.add)
	if err != nil {
		t.Fatal(err)
	}
	if id.Firmware != "V32R17" {
		t.Fatalf("identity %+v", id)
	}
	want := "[erase 0% erase 50% erase 100% copy flash 0% copy flash 50% copy flash 100% boot V32R17]"
	if steps.String() != want {
		t.Fatalf("progress %s\nwant     %s", &steps, want)
	}
	if _, exec, _, _ := f.snapshot(); exec["fw.commit"] != 1 {
		t.Fatalf("fw.commit executed %d times", exec["fw.commit"])
	}
}

func TestFirmwareCommitRefused(t *testing.T) {
	_, c := newFake(t, 4, 8, Options{})
	_, err := c.FirmwareCommit(testCtx(t), nil)
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeFWIncomplete {
		t.Fatalf("err = %v", err)
	}
}

func TestStrayAndNoisyLines(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	sub := c.Subscribe(SubscribeOptions{Frames: true})
	logs, cancel := c.Logs()
	defer cancel()
	f.log(`@{"id":12,"ok":true}*00000000`)                                              // bad CRC
	f.log(strings.TrimSuffix(string(EncodeFrame([]byte(`{"id":12,"ok":true}`))), "\n")) // nobody asked
	f.log(`{"id":12,"ok":true}`)                                                        // a log line
	f.log("x\xffy")                                                                     // not UTF-8
	f.log(strings.Repeat("z", 5000))                                                    // too long
	f.log("after")
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for l := range logs {
		got = append(got, l.Text)
		if l.Text == "after" {
			break
		}
	}
	if !slices.Equal(got, []string{`{"id":12,"ok":true}`, "after"}) {
		t.Fatalf("log lines %q", got)
	}
	var frames, noise int
	for len(sub.C) > 0 {
		l := <-sub.C
		if l.Frame {
			frames++
			if l.Noise {
				noise++
			}
		}
	}
	if frames != 3 || noise != 1 {
		t.Fatalf("frames %d (noise %d), want 3 (1)", frames, noise)
	}
	st := c.Stats()
	if st.BadFrames != 1 || st.StrayReplies != 1 || st.InvalidUTF8 != 1 || st.Overlong != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSlowSubscriberNeverBlocksReader(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	sub := c.Subscribe(SubscribeOptions{Buffer: 2})
	defer sub.Close()
	for i := range 10 {
		f.log(fmt.Sprint("line ", i))
	}
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if sub.Dropped() != 8 {
		t.Fatalf("dropped %d, want 8", sub.Dropped())
	}
}

func TestCloseFailsRequestsAndEndsSubscriptions(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{Timeout: 5 * time.Second})
	f.dropReq = func(int, fakeReq) bool { return true }
	logs, _ := c.Logs()
	errc := make(chan error, 1)
	go func() { _, err := c.Keys(context.Background()); errc <- err }()
	time.Sleep(50 * time.Millisecond)
	c.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v", err)
	}
	for range logs {
	}
	if _, err := c.Hello(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func TestConsole(t *testing.T) {
	for _, frames := range []bool{false, true} {
		f, c := newFake(t, 4, 8, Options{})
		ctx, cancel := context.WithCancel(testCtx(t))
		var out ecctest.Buffer
		done := make(chan error, 1)
		go func() { done <- Console(ctx, c, &out, frames) }()
		time.Sleep(20 * time.Millisecond) // subscribed
		f.log("hello log")
		if _, err := c.Hello(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		f.log("@bad frame with S3cretPass")
		// A reply that holds a secret, and a log line with a URL's password.
		f.log(strings.TrimSuffix(string(EncodeFrame([]byte(`{"id":7,"ok":true,"configurationKey":[{"key":"gsm_APN","value":"apn,user,S3cretPass"}]}`))), "\n"))
		f.log("[ocpp] connecting to wss://cp:S3cretPass@backend/ocpp")
		f.log("last")
		for !strings.Contains(out.String(), "last") {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.Contains(s, "hello log\n") || strings.Contains(s, `"ok":true`) != frames || strings.Contains(s, "@... (26 bytes dropped: bad CRC or JSON)") != frames ||
			!strings.Contains(s, "wss://cp:**********@backend") || strings.Contains(s, "S3cretPass") {
			t.Fatalf("frames=%v: output %q", frames, s)
		}
	}
}

// A malformed reply must not be quoted in the error: get replies can hold
// secrets (gsm_APN's password).
func TestBadReplyNeverQuotesTheReply(t *testing.T) {
	obj := []byte(`{"id":1,"ok":true,"configurationKey":[{"key":"gsm_APN","value":"apn,user,S3cretPass"}],"unknownKey":7}`)
	err := badReply("get", obj, errors.New("json: cannot unmarshal number into unknownKey"))
	if strings.Contains(err.Error(), "S3cretPass") || !strings.Contains(err.Error(), "get") {
		t.Fatalf("badReply = %v", err)
	}
}

// A READY left over in the port's buffer from an earlier boot wakes the
// hello poll early; the controller then answers at once, so the user must
// not be told to power it on.
func TestConnectStaleReadyIsNotWaiting(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	f.log("READY") // stale, from before this client opened the port
	waiting := 0
	if _, err := c.Connect(testCtx(t), 3*time.Second, func() { waiting++ }); err != nil {
		t.Fatal(err)
	}
	if waiting != 0 {
		t.Fatalf("onWaiting called %d times for a controller that answered at once", waiting)
	}
}

// A client never sends an id before its millisecond has passed, however
// fast the controller answers, so a client made after it starts above all
// of its ids (docs/architecture.md, request ids).
func TestIDsNeverAheadOfTheClock(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{})
	for range 25 {
		if _, err := c.Hello(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	ids, _, _, _ := f.snapshot()
	f2, c2 := newFake(t, 4, 8, Options{})
	if _, err := c2.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ids2, _, _, _ := f2.snapshot()
	if len(ids) != 25 || ids[24] != ids[0]+24 || ids2[0] <= ids[24] {
		t.Fatalf("first client's ids %d..%d, the next client's first %d: want consecutive ids, then a higher one", ids[0], ids[len(ids)-1], ids2[0])
	}
}

func TestTransferLost(t *testing.T) {
	for _, c := range []struct {
		op   string
		code ErrorCode
		want bool
	}{
		{"fw.data", CodeFWOffset, true}, {"fw.begin", CodeBusy, true}, {"fw.data", CodeBadRequest, true},
		{"fw.begin", CodeBadRequest, false}, {"fw.begin", CodeFWDowngrade, false}, {"fw.commit", CodeFWChecksum, false},
	} {
		if got := (&RemoteError{Op: c.op, Code: c.code}).TransferLost(); got != c.want {
			t.Errorf("%s %s: TransferLost = %v", c.op, c.code, got)
		}
	}
}

// A READY left on the line from a boot before the port was opened arrives
// just after the first hello and sends a second at once. The first
// answer must not open the window to a burst of gets while the second
// hello still waits in the controller's queue: one get too many was
// dropped (RX OVERFLOW) and resent after its timeout.
func TestStaleReadyDoesNotOverflowWindow(t *testing.T) {
	for _, window := range []int{1, 4} {
		t.Run(fmt.Sprint("window", window), func(t *testing.T) {
			f, c := newFake(t, window, 1, Options{Timeout: 2 * time.Second, HelloInterval: time.Second})
			f.execDelay["hello"] = 30 * time.Millisecond
			f.execDelay["get"] = 2 * time.Millisecond
			go func() {
				for {
					f.mu.Lock()
					n := f.nreq
					f.mu.Unlock()
					if n > 0 {
						f.log("READY")
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
			if _, err := c.Connect(testCtx(t), 5*time.Second, nil); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.Get(testCtx(t), []string{"chg_RatedCurrent", "gsm_SigQ", "chg_StationMaxCurrent", "x", "y"}); err != nil {
				t.Fatal(err)
			}
			_, exec, maxQ, over := f.snapshot()
			if exec["hello"] != 2 && window > 1 {
				t.Fatalf("%d hellos executed, want the READY's second", exec["hello"])
			}
			// A window of one drops the second hello itself, and only it.
			if over > 0 && !(window == 1 && over == 1) || maxQ > window || c.Stats().Resends != 0 {
				t.Fatalf("window %d: max queued %d, %d overflows, %d resends", window, maxQ, over, c.Stats().Resends)
			}
		})
	}
}
