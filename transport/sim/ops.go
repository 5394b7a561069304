package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

// requestID reads a request's id: an integer from 1 to 2147483647.
func requestID(obj []byte) (int64, bool) {
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(obj, &head) != nil || head.ID == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(head.ID), 10, 64)
	if err != nil || id < 1 || id > 2147483647 {
		return 0, false
	}
	return id, true
}

// okReply frames {"id":N,"ok":true,...result}; result is a JSON object
// (nil for none).
func okReply(id int64, result []byte) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"id":%d,"ok":true`, id)
	if inner := bytes.TrimSpace(result); len(inner) > 2 {
		b.WriteByte(',')
		b.Write(inner[1:])
	} else {
		b.WriteByte('}')
	}
	return frame(b.Bytes())
}

// errReply frames {"id":N,"ok":false,"error":CODE,...extra,"message":TEXT}.
func errReply(id int64, code transport.ErrorCode, message string, extra ...string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"id":%d,"ok":false,"error":%s`, id, quote(string(code)))
	for i := 0; i+1 < len(extra); i += 2 {
		fmt.Fprintf(&b, `,%s:%s`, quote(extra[i]), extra[i+1])
	}
	fmt.Fprintf(&b, `,"message":%s}`, quote(message))
	return frame(b.Bytes())
}

func frame(obj []byte) string {
	return string(bytes.TrimSuffix(transport.EncodeFrame(obj), []byte{'\n'}))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// execute runs one request and returns its reply line and, optionally, what
// to do once the reply is queued (with c.mu held).
func (c *Controller) execute(s *session, r request) (reply string, after func()) {
	var head struct {
		Op *string `json:"op"`
	}
	if err := json.Unmarshal(r.obj, &head); err != nil || head.Op == nil {
		return errReply(r.id, transport.CodeBadRequest, "op missing or not a string"), nil
	}
	switch *head.Op {
	case "hello":
		return c.opHello(s, r), nil
	case "keys":
		return c.opKeys(r), nil
	case "get":
		return c.opGet(s, r), nil
	case "set":
		return c.opSet(s, r)
	case "sync":
		c.mu.Lock()
		defer c.mu.Unlock()
		return okReply(r.id, mustJSON(map[string]int{"pending": s.pending})), nil
	case "reset":
		c.mu.Lock()
		defer c.mu.Unlock()
		if s.committing {
			return errReply(r.id, transport.CodeBusy, "firmware commit in progress"), nil
		}
		return okReply(r.id, nil), func() {
			s.closing = true
			c.emitLocked(clock() + " SYS: reset requested")
			c.bootLocked()
		}
	case "fw.begin":
		return c.opFwBegin(s, r), nil
	case "fw.data":
		return c.opFwData(s, r), nil
	case "fw.commit":
		return c.opFwCommit(s, r)
	case "fw.abort":
		c.mu.Lock()
		defer c.mu.Unlock()
		if s.committing {
			return errReply(r.id, transport.CodeBusy, "firmware commit in progress"), nil
		}
		s.fw = nil
		return okReply(r.id, nil), nil
	}
	return errReply(r.id, transport.CodeUnknownOp, fmt.Sprintf("unknown op %q", *head.Op)), nil
}

func (c *Controller) opHello(s *session, r request) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := struct {
		Model   string `json:"model"`
		Serial  string `json:"serial"`
		FW      string `json:"fw"`
		Proto   int    `json:"proto"`
		MaxLine int    `json:"maxLine"`
		MaxKeys int    `json:"maxKeys"`
		Window  int    `json:"window"`
		Uptime  any    `json:"uptime"`
	}{c.flash.Model, c.flash.Serial, c.flash.Firmware, 1, c.opts.MaxLine, c.opts.MaxKeys, c.opts.Window,
		int64(time.Since(s.start) / time.Second)}
	if c.opts.FractionalUptime {
		res.Uptime = time.Since(s.start).Seconds() + 0.001
	}
	return okReply(r.id, mustJSON(res))
}

type keyAccess struct {
	Key    string `json:"key"`
	Access string `json:"access"`
	X      *int   `json:"x_nvm,omitempty"` // Options.ExtraFields
}

func (c *Controller) opKeys(r request) string {
	ks := make([]keyAccess, len(c.keys))
	c.mu.Lock()
	for i, k := range c.keys {
		ks[i] = keyAccess{Key: k.name, Access: string(k.access)}
		if c.opts.ExtraFields && i%8 == 0 {
			ks[i].X = &i // on some entries: the reply must fit maxLine
		}
	}
	if c.opts.Reorder {
		c.rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
	}
	c.mu.Unlock()
	return okReply(r.id, mustJSON(map[string]any{"keys": ks}))
}

type reading struct {
	Key       string  `json:"key"`
	ReadOnly  bool    `json:"readonly"`
	WriteOnly bool    `json:"writeonly,omitempty"`
	Value     *string `json:"value,omitempty"`
	X         *xAttr  `json:"x_attr,omitempty"` // Options.ExtraFields
}

// xAttr is an unknown nested object (Options.ExtraFields).
type xAttr struct {
	Persist bool     `json:"persist"`
	Tags    []string `json:"tags"`
}

func (c *Controller) opGet(s *session, r request) string {
	var args struct {
		Keys []string `json:"keys"`
	}
	if err := json.Unmarshal(r.obj, &args); err != nil || len(args.Keys) < 1 || len(args.Keys) > c.opts.MaxKeys {
		return errReply(r.id, transport.CodeBadRequest, fmt.Sprintf("get needs keys: 1 to %d key names", c.opts.MaxKeys))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	res := struct {
		ConfigurationKey []reading `json:"configurationKey"`
		UnknownKey       []string  `json:"unknownKey"`
	}{[]reading{}, []string{}}
	for _, name := range args.Keys {
		k := c.lookup(name)
		if k == nil {
			res.UnknownKey = append(res.UnknownKey, name)
			continue
		}
		rd := reading{Key: name, ReadOnly: k.access == model.RO}
		if c.opts.ExtraFields {
			rd.X = &xAttr{Persist: k.access != model.RO, Tags: []string{"cfg"}}
		}
		if k.access == model.WO {
			rd.WriteOnly = true
		} else {
			v := s.work[name]
			rd.Value = &v
		}
		res.ConfigurationKey = append(res.ConfigurationKey, rd)
	}
	if c.opts.Reorder {
		ck := res.ConfigurationKey
		c.rng.Shuffle(len(ck), func(i, j int) { ck[i], ck[j] = ck[j], ck[i] })
	}
	return okReply(r.id, mustJSON(res))
}

// keyValue is one entry of a set's values, in the order the request gave.
type keyValue struct{ key, value string }

// orderedValues reads a JSON object of strings keeping its order.
func orderedValues(raw json.RawMessage) ([]keyValue, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var kvs []keyValue
	seen := map[string]int{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k := t.(string)
		t, err = dec.Token()
		v, ok := t.(string)
		if err != nil || !ok {
			return nil, false
		}
		if i, dup := seen[k]; dup {
			kvs[i].value = v
			continue
		}
		seen[k] = len(kvs)
		kvs = append(kvs, keyValue{k, v})
	}
	return kvs, true
}

func (c *Controller) opSet(s *session, r request) (string, func()) {
	var args struct {
		Values json.RawMessage `json:"values"`
	}
	bad := errReply(r.id, transport.CodeBadRequest, fmt.Sprintf("set needs values: an object of 1 to %d string values", c.opts.MaxKeys))
	if err := json.Unmarshal(r.obj, &args); err != nil || args.Values == nil {
		return bad, nil
	}
	kvs, ok := orderedValues(args.Values)
	if !ok || len(kvs) < 1 || len(kvs) > c.opts.MaxKeys {
		return bad, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.committing {
		return errReply(r.id, transport.CodeBusy, "firmware commit in progress"), nil
	}
	stored := map[string]string{}
	var b bytes.Buffer
	b.WriteString(`{"status":{`)
	for i, kv := range kvs {
		st := judge(c.lookup(kv.key), kv.value, s.work)
		if st.Stored() {
			s.work[kv.key] = kv.value
			stored[kv.key] = kv.value
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%s", quote(kv.key), quote(string(st)))
	}
	b.WriteString("}}")
	if len(stored) == 0 {
		return okReply(r.id, b.Bytes()), nil
	}
	return okReply(r.id, b.Bytes()), func() { c.queueSaveLocked(s, stored) }
}

// bannerLocked is the boot banner, READY last.
func (c *Controller) bannerLocked(s *session) []string {
	v, _ := parseVersion(c.flash.Firmware)
	build := time.Date(2023, 1, 1, 10, 21, 0, 0, time.UTC).
		AddDate(0, 0, (v.major*97+v.release*13)%700)
	reader := func(k string) string {
		t, _, _ := strings.Cut(s.work[k], ",")
		if t == "none" || t == "" {
			return "none"
		}
		return t + " ok"
	}
	link := "ETH: link down"
	gsm := "GSM: modem init"
	if s.work["com_ProtCh"] == "ETH" {
		link = "ETH: link up"
		gsm = "GSM: off"
	}
	return c.resizeBanner([]string{
		"ECC bootloader 2.1",
		"Checking application image ... ok",
		"Starting application",
		"Ecotap Charge Controller",
		"Copyright Ecotap B.V.",
		"Model " + c.flash.Model,
		"Serial " + c.flash.Serial,
		"Firmware " + c.flash.Firmware,
		"Build " + build.Format("2006-01-02 15:04"),
		"RTC ok",
		fmt.Sprintf("EEPROM ok, %d keys", len(c.keys)),
		"Modbus: KWH1 ok",
		"Modbus: KWH2 ok",
		"Reader1 " + reader("chg_Reader1"),
		"Reader2 " + reader("chg_Reader2"),
		gsm,
		link,
		"Grid role " + s.work["grid_Role"],
		`{"boot":"debug json-like line, not a frame"}`,
		"READY",
	})
}

// resizeBanner makes the banner Options.BannerLines long: a shorter one
// drops ordinary lines, a longer one adds self-test lines; either way the
// Firmware line moves (second line of a short banner, third from the end
// of a long one) and READY stays last.
func (c *Controller) resizeBanner(banner []string) []string {
	n := c.opts.BannerLines
	if n == len(banner) {
		return banner
	}
	var fw string
	var others []string
	for _, l := range banner[:len(banner)-1] {
		if strings.HasPrefix(l, "Firmware ") {
			fw = l
		} else {
			others = append(others, l)
		}
	}
	for i := 0; len(others) < n-2; i++ {
		others = append(others, fmt.Sprintf("Selftest %02d: ok (%d ms)", i+1, 3+i*7%40))
	}
	others = others[:n-2]
	at := min(1, len(others))
	if n > len(banner) {
		at = len(others) - 1
	}
	out := append([]string{}, others[:at]...)
	out = append(out, fw)
	out = append(out, others[at:]...)
	return append(out, readyLine)
}

const readyLine = "READY"

// noiseLineLocked is one unsolicited log line of a running controller.
func (c *Controller) noiseLineLocked(s *session) string {
	t := clock()
	msgID := c.rng.IntN(900000) + 100000
	if c.opts.JSONLogNoise && c.rng.IntN(2) == 0 {
		return c.jsonNoiseLocked(s, t)
	}
	switch c.rng.IntN(6) {
	case 0:
		return t + ` [ocpp] {"messageTypeId":2,"action":"Heartbeat"} user@host`
	case 1:
		return fmt.Sprintf(`%s [ocpp] [2,"%d","Heartbeat",{}]`, t, msgID)
	case 2:
		return fmt.Sprintf(`%s [ocpp] [3,"%d",{"currentTime":"%s"}]`, t, msgID,
			time.Now().UTC().Format("2006-01-02T15:04:05Z"))
	case 3:
		return fmt.Sprintf(`%s [ocpp] [2,"%d","StatusNotification",{"connectorId":%d,"errorCode":"NoError","status":"Available"}]`,
			t, msgID, c.rng.IntN(2)+1)
	case 4:
		return fmt.Sprintf("%s GSM: SigQ %s", t, s.work["gsm_SigQ"])
	}
	return fmt.Sprintf("%s [ctrl] CH%d state A, CP 12.0V, %d.%dV L1", t, c.rng.IntN(2)+1,
		228+c.rng.IntN(6), c.rng.IntN(10))
}

// jsonNoiseLocked is a log line that looks like a frame but is not one
// (Options.JSONLogNoise): it never starts with '@'.
func (c *Controller) jsonNoiseLocked(s *session, t string) string {
	id := s.lastID
	if id == 0 {
		id = 1
	}
	// Well-formed frames with valid CRCs: an echo of the last request, a
	// success for the next id a host would use, and one for the last id.
	echo := frame([]byte(fmt.Sprintf(`{"id":%d,"op":"get","keys":["chg_RatedCurrent"]}`, id)))
	next := frame([]byte(fmt.Sprintf(`{"id":%d,"ok":true,"status":{"chg_RatedCurrent":"Accepted"}}`, id+1)))
	last := frame([]byte(fmt.Sprintf(`{"id":%d,"ok":false,"error":%q,"message":"not really"}`, id, transport.CodeBusy)))
	switch c.rng.IntN(9) {
	case 0:
		return fmt.Sprintf(`{"id":%d,"ok":true,"configurationKey":[],"unknownKey":[]}`, id+1)
	case 1:
		return fmt.Sprintf(`{"t":"%s","lvl":"dbg","msg":"rx frame","id":%d}`, t, id)
	case 2:
		return t + " [uart] rx " + echo
	case 3:
		return t + " [uart] tx " + next
	case 4:
		return " " + last
	case 5:
		return "\t" + next
	case 6:
		return fmt.Sprintf(`%s [json] {"a":1}*%08X`, t, c.rng.Uint32())
	case 7:
		return ""
	}
	return fmt.Sprintf("%s [sensor] Temperatur 23,%d °C, Stromstärke Ø %d,%d A", t, c.rng.IntN(10), c.rng.IntN(32), c.rng.IntN(10))
}

// latency is how long the controller takes to handle r
// (Options.ReplyLatency, SetLatency).
func (c *Controller) latency(r request) time.Duration {
	d := c.opts.ReplyLatency
	var head struct {
		Op string `json:"op"`
	}
	if json.Unmarshal(r.obj, &head) == nil && head.Op == "set" {
		d = c.opts.SetLatency
	}
	if d <= 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return d - time.Duration(c.rng.Float64()*0.2*float64(d))
}

// decorateLocked adds unknown fields to a reply frame (Options.ExtraFields),
// at the start or at the end of its object.
func (c *Controller) decorateLocked(rep string) string {
	obj, ok := transport.DecodeFrame([]byte(rep))
	if !ok || len(obj) < 2 {
		return rep
	}
	extra := fmt.Sprintf(`"x_vendor":"ecotap-sim","x_build":%d,"x_flags":{"a":[1,2,{"b":null}],"ok":false},"x_null":null,"x_list":["id",7],"x_ok":true`,
		c.rng.IntN(100000))
	var b bytes.Buffer
	if c.rng.IntN(2) == 0 {
		b.WriteString("{" + extra + ",")
		b.Write(obj[1:])
	} else {
		b.Write(obj[:len(obj)-1])
		if len(obj) > 2 {
			b.WriteByte(',')
		}
		b.WriteString(extra + "}")
	}
	return frame(b.Bytes())
}
