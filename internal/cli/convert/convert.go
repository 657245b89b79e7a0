// Package convert is the `ssdf convert` command: render a saved JSON report
// in another format.
package convert

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/render"
	"github.com/ssdf-dev/ssdf/report"
)

// Options are the parsed flags of `ssdf convert`.
type Options struct {
	Input  string
	To     string
	Output string
}

// NewCmd returns the command.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "convert [REPORT.json]",
		Short: "Render a saved JSON report in another format",
		Long:  "Render a report saved with `ssdf scan --format json` (read from the file, or standard input) in another format.",
		Example: `  ssdf scan --format json --output report.json
  ssdf convert report.json --to sarif --output report.sarif
  ssdf convert --to markdown < report.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Input = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(env, o)
		},
	}
	cmd.Flags().StringVarP(&o.To, "to", "t", "text", "output format: "+strings.Join(render.Formats, ", "))
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

// Run converts the report.
func Run(env *clienv.Env, o *Options) error {
	if err := render.Valid(o.To); err != nil {
		return clienv.Usage("--to: %v", err)
	}
	var in io.Reader = env.In
	if o.Input != "" && o.Input != "-" {
		p := o.Input
		if !filepath.IsAbs(p) && env.Dir != "" {
			p = filepath.Join(env.Dir, p)
		}
		f, err := os.Open(p)
		if err != nil {
			return clienv.Usage("convert: %v", err)
		}
		defer f.Close()
		in = f
	}
	rep, err := report.Read(in)
	if err != nil {
		return clienv.Usage("convert: %v", err)
	}
	return env.WriteOutput(o.Output, func(w io.Writer) error {
		return render.Write(w, rep, o.To, env.Color() && o.Output == "", env.Checks)
	})
}
