package apply

import (
	"context"
	"sort"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// ReadBackup reads every readable key (RW and RO as keys lists them) of a
// controller.
func ReadBackup(ctx context.Context, c transport.Controller, id transport.Identity, st *record.State, now time.Time) (*record.Backup, error) {
	keys, err := c.Keys(ctx)
	if err != nil {
		return nil, err
	}
	var readable []string
	for _, k := range keys {
		if k.Access == string(model.RW) || k.Access == string(model.RO) {
			readable = append(readable, k.Key)
		}
	}
	readings, _, err := c.Get(ctx, readable)
	if err != nil {
		return nil, err
	}
	b := &record.Backup{
		Serial: id.Serial, Model: id.Model, Firmware: id.Firmware,
		TakenAt: now.UTC(), Values: map[string]string{}, AsRead: map[string]string{},
	}
	for _, r := range readings {
		if r.WriteOnly {
			continue
		}
		b.AsRead[r.Key] = r.Value
		b.Values[r.Key] = r.Value
		if model.Sensitive(r.Key, r.Value) {
			b.Values[r.Key] = model.Display(r.Key, r.Value)
			b.Hashed = append(b.Hashed, r.Key)
			if b.Hashes == nil {
				b.Hashes = map[string]string{}
			}
			b.Hashes[r.Key] = st.Hash(model.Canonical(r.Key, r.Value))
		}
	}
	sort.Strings(b.Hashed)
	return b, nil
}

// hashedInBackup says why key, whose backed-up value holds a secret kept
// as a fingerprint only, is not written back, and what to do: set it
// from a site file (an endpoint without the URL's password, which site
// files refuse).
func hashedInBackup(key string) string {
	msg := key + ": its backed-up value holds a secret that backups do not keep; set it again from a site file"
	if kd, ok := model.Lookup(key); ok && kd.HoldsURL() {
		msg += " (without the password in its URL, which site files refuse)"
	}
	return msg
}
