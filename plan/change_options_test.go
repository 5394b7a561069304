package plan

import (
	"reflect"
	"testing"
)

func TestOptionChanges(t *testing.T) {
	cases := []struct {
		name   string
		change Change
		want   []OptionChange
		ok     bool
	}{
		{"one option", Change{Action: ActionUpdate, Before: "Events=1,useTLS=0", After: "Events=1,useTLS=1"},
			[]OptionChange{{"useTLS", "0", "1"}}, true},
		{"option added and removed", Change{Action: ActionUpdate, Before: "a=1,b=2", After: "a=1,c=3"},
			[]OptionChange{{"c", "", "3"}, {"b", "2", ""}}, true},
		{"eth_cfg", Change{Action: ActionUpdate, Before: "type=dhcp,ip=0.0.0.0", After: "type=static,ip=10.0.0.5"},
			[]OptionChange{{"type", "dhcp", "static"}, {"ip", "0.0.0.0", "10.0.0.5"}}, true},
		{"plain list", Change{Action: ActionUpdate, Before: "16,16", After: "16,10"}, nil, false},
		{"meter", Change{Action: ActionUpdate, Before: "EASTR_SDM72D,3,9600,N,1", After: "none"}, nil, false},
		{"sensitive", Change{Action: ActionUpdate, Sensitive: true}, nil, false},
		{"write-only set", Change{Action: ActionSet, After: "a=1"}, nil, false},
		{"empty before", Change{Action: ActionUpdate, Before: "", After: "a=1"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.change.OptionChanges()
			if ok != c.ok || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("OptionChanges = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}
