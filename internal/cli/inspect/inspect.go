// Package inspect is the `ssdf inspect` command: read the build information
// of a Go binary and say whether it was built from the checkout's HEAD, from
// a clean tree, and from the module hashes the checkout's go.sum pins.
package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/buildinfo"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
)

// Options are the parsed flags of `ssdf inspect`.
type Options struct {
	Binary   string
	Checkout string
	Format   string
}

// Formats are the output formats of inspect.
var Formats = []string{"text", "json"}

// NewCmd returns the command.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "inspect BINARY",
		Short: "Compare a Go binary's build information with the checkout",
		Long: `Read the build information that the Go toolchain embeds in BINARY (debug/buildinfo):
the main module, every module version with its go.sum hash, -trimpath, CGO_ENABLED,
-buildmode, and the VCS revision, time and modified state. Then compare it with the
checkout (--checkout, default "."): the binary's main module with the checkout's go.mod,
its VCS revision with the checkout's HEAD (a tree with uncommitted changes does not
match), and every module's h1: hash with the checkout's go.sum and go.work.sum (a
hash that differs or is missing is reported; a build from vendor/, which records no
hashes, is checked against vendor/modules.txt).

Exit codes: 0 everything matches; 1 something does not match or could not be
compared; 2 usage error; 3 BINARY cannot be read or is not a Go binary.`,
		Example: `  go build -trimpath -o widget ./cmd/widget
  ssdf inspect widget
  ssdf inspect dist/widget_linux_amd64/widget --checkout ../widget --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return clienv.Usage("inspect: want one BINARY, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Binary = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	cmd.Flags().StringVar(&o.Checkout, "checkout", ".", "the checkout (module root) to compare with")
	cmd.Flags().StringVarP(&o.Format, "format", "f", "text", "output format: "+strings.Join(Formats, ", "))
	return cmd
}

// Report is what inspect prints as JSON.
type Report struct {
	Binary   string             `json:"binary"`
	Info     *buildinfo.Info    `json:"info"`
	Checkout buildinfo.Checkout `json:"checkout"`
	buildinfo.Result
}

// Run inspects the binary.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	if o.Format != "text" && o.Format != "json" {
		return clienv.Usage("--format: unknown format %q (want %s)", o.Format, strings.Join(Formats, " or "))
	}
	abs := func(p string) string {
		if !filepath.IsAbs(p) && env.Dir != "" {
			return filepath.Join(env.Dir, p)
		}
		return p
	}
	dir := o.Checkout
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(abs(dir)); err != nil || !fi.IsDir() {
		return clienv.Usage("--checkout %s: not a directory", dir)
	}
	info, err := readBinary(abs(o.Binary))
	if err != nil {
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("inspect: %s: %w", o.Binary, err)}
	}

	root, err := os.OpenRoot(abs(dir))
	if err != nil {
		return clienv.Usage("--checkout %s: %v", dir, err)
	}
	defer root.Close()
	co := buildinfo.ReadCheckout(root.FS(), dir)
	g := collect.Git{Dir: abs(dir), Env: env.Environ}
	if head, err := g.Head(ctx); err != nil {
		co.HeadError = err.Error()
	} else {
		co.Head = head
	}
	rep := Report{Binary: o.Binary, Info: info, Checkout: co, Result: buildinfo.Compare(info, co)}
	if o.Format == "json" {
		enc := json.NewEncoder(env.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := writeText(env.Out, rep); err != nil {
		return err
	}
	if !rep.Match {
		return &clienv.ExitError{Code: clienv.ExitFailed}
	}
	return nil
}

func readBinary(p string) (*buildinfo.Info, error) {
	f, err := os.Open(p)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	defer f.Close()
	return buildinfo.Read(f)
}

func writeText(w io.Writer, r Report) error {
	in := r.Info
	var b strings.Builder
	line := func(k, format string, args ...any) {
		fmt.Fprintf(&b, "%-10s %s\n", k, fmt.Sprintf(format, args...))
	}
	line("binary", "%s", r.Binary)
	line("go", "%s", orDash(in.GoVersion))
	line("main", "%s %s (package %s)", in.Main.Path, in.Main.Version, in.Path)
	line("build", "-trimpath=%t CGO_ENABLED=%s -buildmode=%s %s/%s", in.Trimpath, orDash(in.CgoEnabled), orDash(in.BuildMode), orDash(in.GOOS), orDash(in.GOARCH))
	if v := in.VCS; v != nil {
		line("vcs", "%s %s %s modified=%t", v.System, orDash(v.Revision), orDash(v.Time), v.Modified)
	} else {
		line("vcs", "none recorded")
	}
	head := r.Checkout.Head
	if head == "" {
		head = "HEAD unknown (" + r.Checkout.HeadError + ")"
	}
	line("checkout", "%s %s", r.Checkout.Dir, head)
	b.WriteString("\n")
	line("module", "%s: %s", r.MainModule.Status, r.MainModule.Reason)
	line("revision", "%s: %s", r.Revision.Status, r.Revision.Reason)
	matched := 0
	for _, m := range r.Modules {
		if m.Status == buildinfo.Match || m.Status == buildinfo.Vendored {
			matched++
		}
	}
	sums := strings.Join(r.Checkout.SumFiles, ", ")
	if sums == "" {
		sums = "no go.sum"
	}
	line("modules", "%d of %d match (%s)", matched, len(r.Modules), sums)
	for _, m := range r.Modules {
		name := m.Path + " " + m.Version
		if m.Replaced != "" {
			name += " => " + m.Replaced
		}
		fmt.Fprintf(&b, "  %-10s %s", m.Status, name)
		if m.Status != buildinfo.Match && m.Status != buildinfo.Vendored {
			fmt.Fprintf(&b, ": %s", m.Reason)
			if m.Binary != "" || m.Checkout != "" {
				fmt.Fprintf(&b, " (binary %s, checkout %s)", orDash(m.Binary), orDash(m.Checkout))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	if r.Match {
		b.WriteString("result     match: built from HEAD, clean, with the hashes go.sum pins\n")
	} else {
		fmt.Fprintf(&b, "result     does not match (%d problems)\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
