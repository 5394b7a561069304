package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
)

// State is what a controller keeps in flash, and the content of the state
// file: only values written to flash by an SV CFG(), never working memory
// that was not saved yet.
type State struct {
	Model    string `json:"model"`
	Serial   string `json:"serial"`
	Firmware string `json:"firmware"`
	// Bricked: power was lost during a firmware commit's erase or copy
	// flash; the controller never answers again.
	Bricked bool `json:"bricked"`
	// Flashing is set while a commit rewrites flash; a state file that
	// still says so (the simulator died meanwhile) loads as bricked.
	Flashing bool `json:"flashing,omitempty"`
	// Values by key. The write-only authorizationKey is stored as written:
	// this is the controller's own flash.
	Values map[string]string `json:"values"`
}

func (s State) clone() State {
	s.Values = maps.Clone(s.Values)
	return s
}

// ReadState reads a state file.
func ReadState(path string) (State, error) {
	var st State
	data, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("%s: %w", path, err)
	}
	if st.Flashing {
		st.Bricked = true
	}
	return st, nil
}

// loadState reads path if it exists; ok is false for a missing file.
func loadState(path string) (st State, ok bool, err error) {
	if path == "" {
		return st, false, nil
	}
	st, err = ReadState(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, false, nil
	}
	return st, err == nil, err
}

func writeState(path string, st State) error {
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o600)
}
