package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport"
)

func newConsoleCmd(g *globals) *cobra.Command {
	var (
		conn   connFlags
		frames bool
	)
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Show a controller's debug log (Ctrl-C stops)",
		Long: "Streams the debug log of the controller on --port, as the guide's serial\n" +
			"console does. Frames (lines starting with @) are hidden unless --frames is\n" +
			"given. Nothing is sent to the controller. Ctrl-C stops.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			port := conn.port
			if port == "" {
				return exitCode(1, errors.New("--port is required (see ecc ports)"))
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
			defer stop()
			c, err := transport.Open(ctx, port, conn.options())
			if err != nil {
				return exitCode(1, err)
			}
			defer c.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "ecc console: opened %s at %d baud; showing the controller's log (Ctrl-C stops)\n", c.Port(), conn.baud)
			if err := transport.Console(ctx, c, cmd.OutOrStdout(), frames); err != nil {
				return exitCode(1, err)
			}
			return nil
		},
	}
	conn.register(cmd, g)
	cmd.Flags().BoolVar(&frames, "frames", false, "show frames too (marked when dropped as noise)")
	return cmd
}
