// Package ledger is the `ssdf ledger` command: list, verify and show the
// latest checkpoint of ssdf's tamper-evident evidence ledger.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

// Options are the parsed flags of `ssdf ledger …`.
type Options struct {
	// Ledger is --ledger: the database (default: ledgerlib.DefaultPath).
	Ledger string
	// Key is --key: the ledger's signing key file (default: beside the
	// database, ledger.key).
	Key string
	// Checkpoint is verify's --checkpoint: a signed checkpoint kept
	// elsewhere that the log must extend.
	Checkpoint string
	// Export is verify's --export: verify an export file offline instead
	// of the database.
	Export string
}

// NewCmd returns the command; runF replaces the run functions in tests
// that only look at the parsed options (its first argument names the
// subcommand).
func NewCmd(env *clienv.Env, runF func(context.Context, string, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Inspect and verify ssdf's tamper-evident evidence ledger",
		Long: `The ledger is ssdf's append-only evidence store: scan results (` + "`ssdf scan --ledger`" + `),
reviews, exception decisions, attestations issued and collected audit events. Entries form
an RFC 6962 Merkle tree; after every append ssdf signs a checkpoint (C2SP checkpoint
format, Ed25519 signed note) with the ledger key kept beside the database.

Keep a checkpoint (` + "`ssdf ledger checkpoint > kept.txt`" + `) somewhere else: ` + "`ssdf ledger verify\n--checkpoint kept.txt`" + ` then proves that the log still extends it.`,
		Args: cobra.NoArgs,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&o.Ledger, "ledger", "", "the ledger database (default: $XDG_DATA_HOME/ssdf/ledger.db)")
	pf.StringVar(&o.Key, "key", "", "the ledger key file (default: ledger.key beside the database)")

	sub := func(name, short, long string, run func(context.Context, *clienv.Env, *Options) error) *cobra.Command {
		return &cobra.Command{
			Use: name, Short: short, Long: long, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if runF != nil {
					return runF(cmd.Context(), name, o)
				}
				return run(cmd.Context(), env, o)
			},
		}
	}
	verify := sub("verify", "Recompute every hash and check every checkpoint",
		`Recompute every entry's leaf hash from its stored bytes and every stored tree hash, check
every stored checkpoint's signature and root, and, with --checkpoint, that the log extends a
checkpoint kept elsewhere (consistency proof). With --export FILE, verify an export written by
`+"`ssdf ledger export`"+` instead, offline, without the database.

Exit codes: 0 the ledger verifies; 1 it was tampered with (the first bad entry index is
named); 2 usage error or the ledger could not be read.`, RunVerify)
	verify.Flags().StringVar(&o.Checkpoint, "checkpoint", "", "a signed checkpoint kept elsewhere; the log must extend it")
	verify.Flags().StringVar(&o.Export, "export", "", "verify this export (ssdf ledger export) offline instead of the database; --key then names the trusted key (key file or verifier key)")
	review, exception := decisionCmds(env, o, &DecisionOptions{}, runF)
	cmd.AddCommand(
		review, exception,
		verify,
		proveCmd(env, o, &ProveOptions{}, runF),
		exportCmd(env, o, &ExportOptions{}, runF),
		collectCmd(env, o, &CollectOptions{}, runF),
		sub("list", "List the entries, one per line: index, then the entry's canonical JSON", "", RunList),
		sub("checkpoint", "Print the latest signed checkpoint", "Print the latest signed checkpoint (a C2SP checkpoint as an Ed25519 signed note). Keep it elsewhere and pass it to `ssdf ledger verify --checkpoint`.", RunCheckpoint),
	)
	return cmd
}

// Path resolves a --ledger value: "" is the default location; a relative
// path is relative to env.Dir.
func Path(env *clienv.Env, p string) (string, error) {
	if p == "" {
		d, err := ledgerlib.DefaultPath(env.Getenv)
		if err != nil {
			return "", clienv.Usage("%v", err)
		}
		return d, nil
	}
	if !filepath.IsAbs(p) && !ledgerlib.IsPostgresURL(p) && env.Dir != "" {
		p = filepath.Join(env.Dir, p)
	}
	return p, nil
}

func openLedger(ctx context.Context, env *clienv.Env, o *Options, create bool) (*ledgerlib.Ledger, error) {
	p, err := Path(env, o.Ledger)
	if err != nil {
		return nil, err
	}
	key := o.Key
	if key != "" && !filepath.IsAbs(key) && env.Dir != "" {
		key = filepath.Join(env.Dir, key)
	}
	if key != "" && !create {
		if _, err := os.Stat(key); err != nil {
			return nil, clienv.Usage("--key: %v", err)
		}
	}
	l, err := ledgerlib.Open(ctx, p, ledgerlib.Options{KeyPath: key, ReadOnly: !create})
	if err != nil {
		return nil, clienv.Usage("%v", err)
	}
	return l, nil
}

// OpenReadOnly opens the existing ledger that --ledger PATH and --key KEY
// name, resolved as `ssdf ledger …` resolves them, without creating
// anything; errors are usage errors. It is what `ssdf serve` opens.
func OpenReadOnly(ctx context.Context, env *clienv.Env, path, key string) (*ledgerlib.Ledger, error) {
	return openLedger(ctx, env, &Options{Ledger: path, Key: key}, false)
}

// Append appends records to the ledger at path (created, with its key,
// on first use) and returns the first index. It is what `ssdf scan
// --ledger` calls.
func Append(ctx context.Context, env *clienv.Env, path, key string, recs ...ledgerlib.Record) (int64, error) {
	l, err := openLedger(ctx, env, &Options{Ledger: path, Key: key}, true)
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Append(ctx, recs...)
}

// RunVerify runs `ssdf ledger verify`.
func RunVerify(ctx context.Context, env *clienv.Env, o *Options) error {
	if o.Export != "" {
		return verifyExport(env, o)
	}
	l, err := openLedger(ctx, env, o, false)
	if err != nil {
		return err
	}
	defer l.Close()
	var vo ledgerlib.VerifyOptions
	if o.Checkpoint != "" {
		p := o.Checkpoint
		if !filepath.IsAbs(p) && env.Dir != "" {
			p = filepath.Join(env.Dir, p)
		}
		if vo.Kept, err = os.ReadFile(p); err != nil {
			return clienv.Usage("--checkpoint: %v", err)
		}
	}
	res, err := l.Verify(ctx, vo)
	if err != nil {
		return clienv.Usage("%v", err)
	}
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

// RunList runs `ssdf ledger list`.
func RunList(ctx context.Context, env *clienv.Env, o *Options) error {
	l, err := openLedger(ctx, env, o, false)
	if err != nil {
		return err
	}
	defer l.Close()
	return l.Entries(ctx, 0, -1, func(e ledgerlib.Entry) error {
		_, err := fmt.Fprintf(env.Out, "%d\t%s\n", e.Index, e.Data)
		return err
	})
}

// RunCheckpoint runs `ssdf ledger checkpoint`.
func RunCheckpoint(ctx context.Context, env *clienv.Env, o *Options) error {
	l, err := openLedger(ctx, env, o, false)
	if err != nil {
		return err
	}
	defer l.Close()
	cp, err := l.Latest(ctx)
	if err != nil {
		return clienv.Usage("%v", err)
	}
	if cp == nil {
		return clienv.Usage("%v", errors.New("the ledger is empty: no checkpoint yet"))
	}
	_, err = env.Out.Write(cp)
	return err
}
