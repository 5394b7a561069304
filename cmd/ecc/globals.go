package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport"
)

// globals are the flags every command has (--log-level, --log-file,
// --no-color) and what is built from them before any command runs.
type globals struct {
	logLevel, logFile string
	color             colorMode

	log     *slog.Logger // discards until setup
	cleanup []func()
}

var logLevels = map[string]slog.Level{
	"error": slog.LevelError, "warn": slog.LevelWarn, "info": slog.LevelInfo,
	"debug": slog.LevelDebug, "trace": transport.LevelTrace,
}

// register declares the global flags on root.
func (g *globals) register(root *cobra.Command) {
	g.log = slog.New(slog.DiscardHandler)
	choiceFlag(root, true, &g.logLevel, "log-level", "log what ecc does at this level and above (trace: every frame on the line, secrets redacted)",
		"warn", "error", "info", "debug", "trace")
	envFlag(root, "log-level", "ECC_LOG")
	fl := root.PersistentFlags()
	fl.StringVar(&g.logFile, "log-file", "", "append the log to `PATH` instead of stderr")
	fl.BoolVar(&g.color.noColor, "no-color", false, "no ANSI colours (also NO_COLOR; CLICOLOR_FORCE forces them)")
}

// setup builds the logger: a text handler on stderr, or on --log-file.
func (g *globals) setup(stderr io.Writer) error {
	out := stderr
	if g.logFile != "" {
		f, err := os.OpenFile(g.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--log-file: %w", err)
		}
		g.cleanup = append(g.cleanup, func() { f.Close() })
		out = f
	}
	g.log = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{
		Level: logLevels[g.logLevel],
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.LevelKey && a.Value.Any() == transport.LevelTrace {
				a.Value = slog.StringValue("TRACE")
			}
			return a
		},
	}))
	return nil
}

// close releases what setup opened.
func (g *globals) close() {
	for _, f := range g.cleanup {
		f()
	}
}
