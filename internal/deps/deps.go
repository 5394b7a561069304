//go:build tools

// Package deps pins the chosen dependencies until code imports them.
package deps

import (
	_ "github.com/creack/pty"
	_ "github.com/hashicorp/hcl/v2"
	_ "github.com/hashicorp/hcl/v2/hclsyntax"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/sergi/go-diff/diffmatchpatch"
	_ "github.com/spf13/cobra"
	_ "github.com/zclconf/go-cty/cty"
	_ "github.com/zclconf/go-cty/cty/function/stdlib"
	_ "go.bug.st/serial"
	_ "go.bug.st/serial/enumerator"
	_ "golang.org/x/term"
	_ "gopkg.in/yaml.v3"
)
