package main

import (
	"io"

	"github.com/ecotap-tools/ecc/plan"
)

// renderPlanJSON writes the plan's JSON form (docs/plan-json.md,
// docs/plan.schema.json): the same data a saved plan holds, encoded by
// plan.Marshal.
func renderPlanJSON(w io.Writer, p *plan.Plan, _ planRenderOptions) error {
	data, err := plan.Marshal(p)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
