package ledger

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

// ExportOptions are the flags of `ssdf ledger export`.
type ExportOptions struct {
	Output string
}

func exportCmd(env *clienv.Env, o *Options, x *ExportOptions, runF func(context.Context, string, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export --output FILE",
		Short: "Write a portable dump of the ledger that verifies offline",
		Long: `Write every entry's canonical bytes (base64), every stored signed checkpoint and the ledger's
verifier key to FILE as JSON ("format": "` + ledgerlib.ExportFormat + `"). ` + "`ssdf ledger verify --export FILE`" + `
checks it without the database.

Exit codes: 0 written; 2 usage error or the ledger could not be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if x.Output == "" {
				return clienv.Usage("--output is required")
			}
			if runF != nil {
				return runF(cmd.Context(), "export", o)
			}
			return RunExport(cmd.Context(), env, o, x)
		},
	}
	cmd.Flags().StringVar(&x.Output, "output", "", "the file to write (required; - for standard output)")
	return cmd
}

// RunExport runs `ssdf ledger export`.
func RunExport(ctx context.Context, env *clienv.Env, o *Options, x *ExportOptions) error {
	l, err := openLedger(ctx, env, o, false)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := env.WriteOutput(x.Output, func(w io.Writer) error { return l.Export(ctx, w) }); err != nil {
		return clienv.Usage("%v", err)
	}
	return nil
}

func resolve(env *clienv.Env, p string) string {
	if !filepath.IsAbs(p) && env.Dir != "" {
		return filepath.Join(env.Dir, p)
	}
	return p
}

// verifyExport is `ssdf ledger verify --export FILE`: the export is
// verified offline; --key (the ledger key file) gives the trusted
// verifier key, else the export's own is used (and a note says so).
func verifyExport(env *clienv.Env, o *Options) error {
	if o.Ledger != "" {
		return clienv.Usage("--export and --ledger are exclusive")
	}
	f, err := os.Open(resolve(env, o.Export))
	if err != nil {
		return clienv.Usage("--export: %v", err)
	}
	defer f.Close()
	e, err := ledgerlib.ReadExport(f)
	if err != nil {
		return clienv.Usage("--export: %v", err)
	}
	var vo ledgerlib.ExportVerifyOptions
	if o.Key != "" {
		b, err := os.ReadFile(resolve(env, o.Key))
		if err != nil {
			return clienv.Usage("--key: %v", err)
		}
		k := strings.TrimSpace(string(b))
		if strings.HasPrefix(k, "PRIVATE+KEY+") {
			if k, err = ledgerlib.VerifierKey(k); err != nil {
				return clienv.Usage("--key: %v", err)
			}
		}
		vo.VerifierKey = k
	}
	if o.Checkpoint != "" {
		if vo.Kept, err = os.ReadFile(resolve(env, o.Checkpoint)); err != nil {
			return clienv.Usage("--checkpoint: %v", err)
		}
	}
	res, err := ledgerlib.VerifyExport(e, vo)
	if err != nil {
		return clienv.Usage("%v", err)
	}
	return printResult(env, res)
}

func printResult(env *clienv.Env, res *ledgerlib.Result) error {
	for _, n := range res.Notes {
		fmt.Fprintf(env.Err, "ssdf: note: %s\n", n)
	}
	if !res.OK() {
		fmt.Fprintf(env.Out, "ledger TAMPERED: first bad entry index %d\n", res.FirstBad)
		for _, p := range res.Problems {
			fmt.Fprintf(env.Out, "  %s\n", p)
		}
		return &clienv.ExitError{Code: clienv.ExitFailed}
	}
	fmt.Fprintf(env.Out, "ledger OK: %d entries, %d checkpoints verified, root %s\n", res.Size, res.Checkpoints, ledgerlib.RootString(res.Root))
	return nil
}
