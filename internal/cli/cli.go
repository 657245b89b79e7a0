// Package cli is ssdf's command line. Main is the whole program, with the
// process state passed in, so that tests run it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ssdf-dev/ssdf/check"
	allchecks "github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/internal/cli/attest"
	"github.com/ssdf-dev/ssdf/internal/cli/checks"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/convert"
	initcmd "github.com/ssdf-dev/ssdf/internal/cli/init"
	"github.com/ssdf-dev/ssdf/internal/cli/inspect"
	"github.com/ssdf-dev/ssdf/internal/cli/ledger"
	"github.com/ssdf-dev/ssdf/internal/cli/scan"
	"github.com/ssdf-dev/ssdf/internal/cli/serve"
	"github.com/ssdf-dev/ssdf/internal/cli/verify"
	"github.com/ssdf-dev/ssdf/internal/cli/version"
)

// Version is ssdf's version, set at link time for releases.
var Version = "0.1.0-dev"

// Main runs ssdf with the given arguments (without the program name) and
// returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	env := &clienv.Env{
		In: stdin, Out: stdout, Err: stderr,
		Getenv:  lookup(environ),
		Environ: environ,
		Now:     clock(environ),
		Checks:  allchecks.List,
		Version: Version,
	}
	if f, ok := stdout.(*os.File); ok {
		env.OutIsTerminal = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := stderr.(*os.File); ok {
		env.ErrIsTerminal = term.IsTerminal(int(f.Fd()))
	}
	if wd, err := os.Getwd(); err == nil {
		env.Dir = wd
	}
	return Run(ctx, env, args)
}

// Run runs the command line against a prepared Env.
func Run(ctx context.Context, env *clienv.Env, args []string) int {
	if err := check.Validate(env.Checks); err != nil {
		fmt.Fprintln(env.Err, "ssdf: internal error:", err)
		return 70
	}
	root := NewRoot(env)
	root.SetArgs(args)
	root.SetIn(env.In)
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return clienv.ExitOK
	}
	var ee *clienv.ExitError
	if !errors.As(err, &ee) || ee.Err != nil {
		fmt.Fprintln(env.Err, "ssdf:", err)
	}
	return clienv.Code(err)
}

// NewRoot builds the command tree.
func NewRoot(env *clienv.Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "ssdf",
		Short: "Check, enforce and evidence the NIST SSDF \"Prepare the Organization\" practices",
		Long: `ssdf checks a repository (and, with a token, its forge) against the NIST SSDF
"Prepare the Organization" (PO) tasks as the CD Foundation CI/CD Cybersecurity Guide lays
them out: code owners (PO.2.1), toolchains and pipelines (PO.3.x), security criteria
(PO.4.1), audit logs (PO.4.2) and protected environments (PO.5.1). Every result maps to an
SSDF task; "pass" is said only on evidence.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return clienv.Usage("%v", err)
	})
	root.AddCommand(
		scan.NewCmd(env, nil),
		checks.NewCmd(env, nil),
		convert.NewCmd(env, nil),
		initcmd.NewCmd(env, nil),
		inspect.NewCmd(env, nil),
		ledger.NewCmd(env, nil),
		attest.NewCmd(env, nil),
		verify.NewCmd(env, nil),
		serve.NewCmd(env, nil),
		version.NewCmd(env),
	)
	for _, c := range root.Commands() {
		c.SilenceUsage = true
	}
	return root
}

// clock honours SOURCE_DATE_EPOCH (reproducible-builds.org): with it set,
// reports carry that time, so that the same inputs give byte-identical
// reports and attestation digests.
func clock(environ []string) func() time.Time {
	if v := lookup(environ)("SOURCE_DATE_EPOCH"); v != "" {
		if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
			t := time.Unix(sec, 0).UTC()
			return func() time.Time { return t }
		}
	}
	return time.Now
}

func lookup(environ []string) func(string) string {
	m := map[string]string{}
	for _, kv := range environ {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				m[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	return func(k string) string { return m[k] }
}
