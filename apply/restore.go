package apply

import (
	"fmt"
	"sort"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// BackupSettings turns a backup into desired settings for `ecc restore
// --backup`: only editable keys (read-only and other keys are skipped),
// and not the ones whose secret the backup does not keep (reported in
// skipped with the reason).
func BackupSettings(b *record.Backup, path string) (settings []model.Setting, skipped []string) {
	keys := make([]string, 0, len(b.Values))
	for k := range b.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	byKey := map[string]model.Setting{}
	for _, k := range keys {
		if model.Classify(k) != model.Editable {
			continue
		}
		if b.IsHashed(k) {
			skipped = append(skipped, fmt.Sprintf("%s: its secret part is not kept in backups; set it from a site file", k))
			continue
		}
		kd, _ := model.Lookup(k)
		v, err := kd.Decode(b.Values[k])
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: the backed-up value cannot be read (%v)", k, err))
			continue
		}
		byKey[k] = model.Setting{Key: k, Value: v, Layer: "backup"}
	}
	// Dictionary order, as site settings are.
	for _, kd := range model.Dictionary() {
		if s, ok := byKey[kd.Name]; ok {
			settings = append(settings, s)
		}
	}
	return settings, skipped
}

// RestoreStation is the synthetic desired state of `ecc restore`: the
// controller's serial, and the file's settings.
func RestoreStation(name, serial, file string, settings []model.Setting) *model.Station {
	site := &model.Site{Name: "restore", File: file}
	st := &model.Station{Name: name, Serial: serial, Settings: settings, Site: site}
	site.Stations = []*model.Station{st}
	return st
}
