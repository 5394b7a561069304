package plan

import (
	"encoding/json"

	"github.com/ecotap-tools/ecc/model"
)

// secretJSON is a model.SecretRef in the plan's JSON form:
// {"kind": "env", "name": "ECC_AUTH_CP01"}.
type secretJSON struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// changeJSON is Change with the secret reference in lower case.
type changeJSON struct {
	Key            string      `json:"key"`
	Action         string      `json:"action"`
	Before         string      `json:"before,omitempty"`
	After          string      `json:"after,omitempty"`
	Sensitive      bool        `json:"sensitive,omitempty"`
	RebootRequired bool        `json:"reboot_required"`
	Secret         *secretJSON `json:"secret,omitempty"`
	SecretHash     string      `json:"secret_hash,omitempty"`
}

// MarshalJSON writes a change; a sensitive one never with a value.
func (c Change) MarshalJSON() ([]byte, error) {
	j := changeJSON{
		Key: c.Key, Action: c.Action, Before: c.Before, After: c.After,
		Sensitive: c.Sensitive, RebootRequired: c.RebootRequired, SecretHash: c.SecretHash,
	}
	if c.Sensitive {
		j.Before, j.After = "", ""
	}
	if c.Secret != nil {
		j.Secret = &secretJSON{Kind: c.Secret.Kind, Name: c.Secret.Name}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a change of a saved plan.
func (c *Change) UnmarshalJSON(data []byte) error {
	var j changeJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*c = Change{
		Key: j.Key, Action: j.Action, Before: j.Before, After: j.After,
		Sensitive: j.Sensitive, RebootRequired: j.RebootRequired, SecretHash: j.SecretHash,
	}
	if j.Secret != nil {
		c.Secret = &model.SecretRef{Kind: j.Secret.Kind, Name: j.Secret.Name}
	}
	return nil
}
