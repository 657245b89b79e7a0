// Package version is the `ssdf version` command.
package version

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
)

// NewCmd returns the command.
func NewCmd(env *clienv.Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ssdf and how it was built",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(env.Out, "ssdf %s\n", env.Version)
			if bi, ok := debug.ReadBuildInfo(); ok {
				fmt.Fprintf(env.Out, "go: %s\n", bi.GoVersion)
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision", "vcs.time", "vcs.modified", "-trimpath", "CGO_ENABLED":
						fmt.Fprintf(env.Out, "%s: %s\n", s.Key, s.Value)
					}
				}
			}
			return nil
		},
	}
}
