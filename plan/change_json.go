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

// changeJSON is Change with the secret reference in lower case: the
// outer Secret field hides the embedded one (and SecretHash is repeated to
// keep the order of the plan's JSON form: secret, then its hash).
type changeJSON struct {
	plainChange
	Secret     *secretJSON `json:"secret,omitempty"`
	SecretHash string      `json:"secret_hash,omitempty"`
}

// plainChange has Change's fields and tags without its methods.
type plainChange Change

// MarshalJSON writes a change; a sensitive one never with a value.
func (c Change) MarshalJSON() ([]byte, error) {
	j := changeJSON{plainChange: plainChange(c), SecretHash: c.SecretHash}
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
	*c = Change(j.plainChange)
	c.Secret, c.SecretHash, c.value = nil, j.SecretHash, ""
	if j.Secret != nil {
		c.Secret = &model.SecretRef{Kind: j.Secret.Kind, Name: j.Secret.Name}
	}
	return nil
}
