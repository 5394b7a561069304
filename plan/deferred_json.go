package plan

import (
	"encoding/json"
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
	return json.Marshal(deferredJSON{Key: d.Key, Secret: toSecretJSON(d.Secret), RebootRequired: d.RebootRequired})
}

// UnmarshalJSON reads a deferred key of a saved plan.
func (d *Deferred) UnmarshalJSON(data []byte) error {
	var j deferredJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*d = Deferred{Key: j.Key, Secret: j.Secret.ref(), RebootRequired: j.RebootRequired}
	return nil
}
