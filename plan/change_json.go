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

// toSecretJSON is r's JSON form; nil stays nil.
func toSecretJSON(r *model.SecretRef) *secretJSON {
	if r == nil {
		return nil
	}
	return &secretJSON{Kind: r.Kind, Name: r.Name}
}

// ref is the reference s holds; nil stays nil.
func (s *secretJSON) ref() *model.SecretRef {
	if s == nil {
		return nil
	}
	return &model.SecretRef{Kind: s.Kind, Name: s.Name}
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
	j := changeJSON{plainChange: plainChange(c), Secret: toSecretJSON(c.Secret), SecretHash: c.SecretHash}
	if c.Sensitive {
		j.Before, j.After = "", ""
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
	c.Secret, c.SecretHash, c.value = j.Secret.ref(), j.SecretHash, ""
	return nil
}
