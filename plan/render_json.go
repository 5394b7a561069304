package plan

import (
	"encoding/json"
	"io"
)

// RenderJSON writes the plan's JSON form (docs/plan-json.md,
// docs/plan.schema.json): the same data a saved plan holds.
func RenderJSON(w io.Writer, p *Plan, _ RenderOptions) error {
	data, err := marshal(p)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// marshal is the one JSON encoding of a plan (output and -out files).
// Sensitive changes never carry before/after: they are cleared here again
// whatever built the plan.
func marshal(p *Plan) ([]byte, error) {
	out := *p
	if out.FormatVersion == "" {
		out.FormatVersion = FormatVersion
	}
	out.Stations = make([]*Station, len(p.Stations))
	for i, s := range p.Stations {
		cp := *s
		cp.Changes = make([]Change, len(s.Changes))
		for j, c := range s.Changes {
			if c.Sensitive {
				c.Before, c.After = "", ""
			}
			c.value = ""
			cp.Changes[j] = c
		}
		if cp.Errors == nil {
			cp.Errors = []Problem{}
		}
		out.Stations[i] = &cp
	}
	if out.Stations == nil {
		out.Stations = []*Station{}
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
