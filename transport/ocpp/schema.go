package ocpp

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

//go:embed schemas/*.json
var schemaFS embed.FS

// Actions lists every action whose schemas are embedded: the messages ecc
// sends or receives.
var Actions = []string{
	ActionBootNotification, ActionHeartbeat, ActionStatusNotification,
	ActionGetConfiguration, ActionChangeConfiguration, ActionReset,
	ActionTriggerMessage, ActionUpdateFirmware, ActionFirmwareStatusNotification,
	ActionMeterValues, ActionDiagnosticsStatusNotification,
}

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema // "Action" and "ActionResponse"
	schemasErr  error
)

func loadSchemas() {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	schemas = make(map[string]*jsonschema.Schema)
	for _, a := range Actions {
		for _, name := range []string{a, a + "Response"} {
			b, err := schemaFS.ReadFile("schemas/" + name + ".json")
			if err != nil {
				schemasErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemasErr = fmt.Errorf("schema %s: %w", name, err)
				return
			}
			url := "urn:ocpp:1.6:" + name
			if err := c.AddResource(url, doc); err != nil {
				schemasErr = err
				return
			}
			s, err := c.Compile(url)
			if err != nil {
				schemasErr = fmt.Errorf("schema %s: %w", name, err)
				return
			}
			schemas[name] = s
		}
	}
}

// Known reports whether action is one of Actions.
func Known(action string) bool {
	for _, a := range Actions {
		if a == action {
			return true
		}
	}
	return false
}

// Violation is a payload that does not follow its OCPP 1.6 schema. Code is
// the CALLERROR code OCPP-J gives such a payload; Msg names the field and
// the rule, never the value (values may be secrets).
type Violation struct {
	Code ErrorCode
	Msg  string
}

func (v *Violation) Error() string { return string(v.Code) + ": " + v.Msg }

// Validate checks a CALL payload (response false) or a CALLRESULT payload
// (response true) of action against the embedded official schema. It
// returns a *Violation, or NotImplemented for an action without a schema.
func Validate(action string, response bool, payload []byte) error {
	schemasOnce.Do(loadSchemas)
	if schemasErr != nil {
		return &Violation{InternalError, "schemas: " + schemasErr.Error()}
	}
	name := action
	if response {
		name += "Response"
	}
	s, ok := schemas[name]
	if !ok {
		return &Violation{NotImplemented, "no schema for " + name}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return &Violation{FormationViolation, "payload is not JSON"}
	}
	err = s.Validate(doc)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	} else if !errors.As(err, &ve) {
		return &Violation{FormationViolation, err.Error()}
	}
	leaf := firstLeaf(ve)
	return &Violation{codeOf(leaf.ErrorKind), name + ": " + describe(leaf)}
}

func firstLeaf(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(e.Causes) > 0 {
		e = e.Causes[0]
	}
	return e
}

// codeOf maps a schema rule to the CALLERROR code OCPP-J 1.6 §4.2.3 gives
// it: a wrong JSON type is a TypeConstraintViolation, a missing field an
// OccurenceConstraintViolation, a value outside its enum, length or range
// a PropertyConstraintViolation, anything else (unknown fields, wrong
// shape) a FormationViolation.
func codeOf(k jsonschema.ErrorKind) ErrorCode {
	switch k.(type) {
	case *kind.Type:
		return TypeConstraintViolation
	case *kind.Required:
		return OccurenceConstraintViolation
	case *kind.Enum, *kind.Const, *kind.MaxLength, *kind.MinLength, *kind.Maximum,
		*kind.Minimum, *kind.ExclusiveMaximum, *kind.ExclusiveMinimum,
		*kind.Format, *kind.Pattern, *kind.MultipleOf:
		return PropertyConstraintViolation
	}
	return FormationViolation
}

// describe names where the rule failed and which rule, without quoting the
// value (the library's own message for enum or const would).
func describe(e *jsonschema.ValidationError) string {
	at := "/" + strings.Join(e.InstanceLocation, "/")
	rule := fmt.Sprintf("%T", e.ErrorKind)
	rule = strings.TrimPrefix(rule, "*kind.")
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return fmt.Sprintf("%s: want %s", at, strings.Join(k.Want, " or "))
	case *kind.Required:
		return fmt.Sprintf("%s: missing %s", at, strings.Join(k.Missing, ", "))
	case *kind.AdditionalProperties:
		return fmt.Sprintf("%s: unknown field %s", at, strings.Join(k.Properties, ", "))
	case *kind.MaxLength:
		return fmt.Sprintf("%s: longer than %d", at, k.Want)
	}
	return at + ": violates " + rule
}
