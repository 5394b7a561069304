package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// fwTransfer is an image being received into the download area. It
// survives until a reboot, fw.abort or a fw.begin of another image.
type fwTransfer struct {
	version version
	size    int
	sha256  string // lower-case hex
	data    []byte
}

func (c *Controller) opFwBegin(s *session, r request) string {
	var args struct {
		Version string `json:"version"`
		Size    *int   `json:"size"`
		SHA256  string `json:"sha256"`
	}
	if err := json.Unmarshal(r.obj, &args); err != nil || args.Size == nil {
		return errReply(r.id, transport.CodeBadRequest, "fw.begin needs version, size and sha256")
	}
	v, err := parseVersion(args.Version)
	if err != nil {
		return errReply(r.id, transport.CodeBadRequest, err.Error())
	}
	sum := strings.ToLower(args.SHA256)
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return errReply(r.id, transport.CodeBadRequest, "sha256: want 64 hexadecimal digits")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.committing {
		return errReply(r.id, transport.CodeBusy, "firmware commit in progress")
	}
	running, _ := parseVersion(c.flash.Firmware)
	switch {
	case v.less(running):
		return errReply(r.id, transport.CodeFWDowngrade, fmt.Sprintf("running %s; %s is older", running, v))
	case v == running:
		return errReply(r.id, transport.CodeFWSame, fmt.Sprintf("running %s already", running))
	case *args.Size <= 0 || *args.Size > MaxImage:
		return errReply(r.id, transport.CodeFWSize, fmt.Sprintf("size %d: want 1 to %d bytes", *args.Size, MaxImage))
	}
	if t := s.fw; t != nil && t.sha256 == sum && t.size == *args.Size {
		t.version = v // resume
	} else {
		s.fw = &fwTransfer{version: v, size: *args.Size, sha256: sum}
	}
	return okReply(r.id, mustJSON(struct {
		Chunk  int `json:"chunk"`
		Offset int `json:"offset"`
	}{c.opts.Chunk, len(s.fw.data)}))
}

func (c *Controller) opFwData(s *session, r request) string {
	var args struct {
		Offset *int    `json:"offset"`
		Data   *string `json:"data"`
	}
	if err := json.Unmarshal(r.obj, &args); err != nil || args.Offset == nil || args.Data == nil {
		return errReply(r.id, transport.CodeBadRequest, "fw.data needs offset and data")
	}
	c.mu.Lock()
	t := s.fw
	committing := s.committing
	c.mu.Unlock()
	switch {
	case committing:
		return errReply(r.id, transport.CodeBusy, "firmware commit in progress")
	case t == nil:
		return errReply(r.id, transport.CodeBadRequest, "no transfer in progress: send fw.begin first")
	case *args.Offset != len(t.data):
		return errReply(r.id, transport.CodeFWOffset,
			fmt.Sprintf("offset %d: expected %d", *args.Offset, len(t.data)),
			"expected", strconv.Itoa(len(t.data)))
	}
	chunk, err := base64.StdEncoding.DecodeString(*args.Data)
	switch {
	case err != nil:
		return errReply(r.id, transport.CodeBadRequest, "data: not base64")
	case len(chunk) > c.opts.Chunk:
		return errReply(r.id, transport.CodeBadRequest, fmt.Sprintf("data: %d bytes, at most %d", len(chunk), c.opts.Chunk))
	case len(t.data)+len(chunk) > t.size:
		return errReply(r.id, transport.CodeBadRequest, fmt.Sprintf("data runs past the announced size %d", t.size))
	}
	if !sleep(s.ctx, c.opts.ChunkWriteDelay) {
		return "" // power lost while writing: no reply goes out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.data = append(t.data, chunk...)
	return okReply(r.id, mustJSON(map[string]int{"next": len(t.data)}))
}

func (c *Controller) opFwCommit(s *session, r request) (string, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := s.fw
	switch {
	case s.committing:
		return errReply(r.id, transport.CodeBusy, "firmware commit in progress"), nil
	case t == nil:
		return errReply(r.id, transport.CodeFWIncomplete, "no transfer: received 0 bytes"), nil
	case len(t.data) != t.size:
		return errReply(r.id, transport.CodeFWIncomplete, fmt.Sprintf("received %d of %d bytes", len(t.data), t.size)), nil
	}
	if sum := sha256.Sum256(t.data); hex.EncodeToString(sum[:]) != t.sha256 {
		return errReply(r.id, transport.CodeFWChecksum, "sha256 of the received image differs from the announced one"), nil
	}
	h, code, msg := c.checkImageLocked(t.data)
	if code == "" && h.version != t.version {
		code, msg = transport.CodeFWHeader, fmt.Sprintf("header says %s, fw.begin announced %s", h.version, t.version)
	}
	if code != "" {
		return errReply(r.id, code, msg), nil
	}
	s.committing = true
	return okReply(r.id, nil), func() {
		c.flash.Flashing = true
		c.persistLocked()
		c.wg.Add(1)
		go c.commit(s, h.version)
	}
}

// checkImageLocked applies the controller's rules to a received image,
// whichever way it came (fw.* on the cable, UpdateFirmware over OCPP): a
// valid header, not older than the running version, made for this
// model's family. It returns the header, or the refusal's code and text.
func (c *Controller) checkImageLocked(image []byte) (fwHeader, transport.ErrorCode, string) {
	h, err := parseHeader(image)
	if err != nil {
		return h, transport.CodeFWHeader, err.Error()
	}
	running, _ := parseVersion(c.flash.Firmware)
	if h.version.less(running) {
		return h, transport.CodeFWDowngrade, fmt.Sprintf("running %s; %s is older", running, h.version)
	}
	if fam := family(c.flash.Model); !slices.Contains(h.models, fam) {
		return h, transport.CodeFWModel, fmt.Sprintf("image is for %s; this controller is %s (%s.x)",
			strings.Join(h.models, ","), c.flash.Model, fam)
	}
	return h, "", ""
}

// commit erases and copies flash with progress in the log, then reboots
// into the new firmware. Power loss meanwhile bricks the controller
// (powerOffLocked).
func (c *Controller) commit(s *session, v version) {
	defer c.wg.Done()
	steps := []string{
		"FW: erase 0%", "FW: erase 25%", "FW: erase 50%", "FW: erase 75%", "FW: erase 100%",
		"FW: copy flash 0%", "FW: copy flash 20%", "FW: copy flash 40%",
		"FW: copy flash 60%", "FW: copy flash 80%", "FW: copy flash 100%",
	}
	step := c.opts.CommitDuration / time.Duration(len(steps))
	for _, line := range steps {
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		c.emitLocked(clock() + " " + line)
		c.mu.Unlock()
		if !sleep(s.ctx, step) {
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.current(s) {
		return
	}
	c.flash.Firmware = v.String()
	for k, val := range c.opts.UpgradeResets {
		c.flash.Values[k] = val
	}
	c.flash.Flashing = false
	c.persistLocked()
	s.committing = false
	c.emitLocked(clock() + " FW: update to " + v.String() + " done, restarting")
	c.bootLocked()
}
