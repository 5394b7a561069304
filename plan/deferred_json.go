package plan

import (
	"encoding/json"

	"github.com/ecotap-tools/ecc/model"
)

// deferredJSON is Deferred with the secret reference in the plan's JSON
// form, as a change's.
type deferredJSON struct {
	Key            string      `json:"key"`
	Secret         *secretJSON `json:"secret,omitempty"`
	RebootRequired bool        `json:"reboot_required"`
}

// MarshalJSON writes a deferred key.
func (d Deferred) MarshalJSON() ([]byte, error) {
	j := deferredJSON{Key: d.Key, RebootRequired: d.RebootRequired}
	if d.Secret != nil {
		j.Secret = &secretJSON{Kind: d.Secret.Kind, Name: d.Secret.Name}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a deferred key of a saved plan.
func (d *Deferred) UnmarshalJSON(data []byte) error {
	var j deferredJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*d = Deferred{Key: j.Key, RebootRequired: j.RebootRequired}
	if j.Secret != nil {
		d.Secret = &model.SecretRef{Kind: j.Secret.Kind, Name: j.Secret.Name}
	}
	return nil
}
