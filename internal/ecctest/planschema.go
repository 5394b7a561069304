package ecctest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	planSchemaOnce sync.Once
	planSchema     *jsonschema.Schema
	planSchemaErr  error
)

// PlanSchema is docs/plan.schema.json compiled (once per test binary),
// the contract of the plan's JSON form that plan (computed plans) and
// cmd/ecc (the JSON view) both check against.
func PlanSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	planSchemaOnce.Do(func() { planSchema, planSchemaErr = compilePlanSchema() })
	if planSchemaErr != nil {
		t.Fatal(planSchemaErr)
	}
	return planSchema
}

func compilePlanSchema() (*jsonschema.Schema, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, "docs", "plan.schema.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://github.com/ecotap-tools/ecc/docs/plan.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// moduleRoot is the folder of go.mod above the test's working directory
// (its package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", os.ErrNotExist
		}
		dir = up
	}
}

// ValidatePlanJSON fails the test when data is not a plan in the form
// docs/plan.schema.json describes.
func ValidatePlanJSON(t testing.TB, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := PlanSchema(t).Validate(inst); err != nil {
		t.Errorf("plan does not match docs/plan.schema.json: %v\n%s", err, data)
	}
}
