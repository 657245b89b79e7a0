package ledger

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

// ProveOptions are the flags of `ssdf ledger prove`.
type ProveOptions struct {
	Index   int64
	Size    int64
	OldSize int64
}

func proveCmd(env *clienv.Env, o *Options, p *ProveOptions, runF func(context.Context, string, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prove --index N [--size M] [--old-size K]",
		Short: "Print an inclusion (and consistency) proof as JSON",
		Long: `Print the proof that entry N is in the tree of size M (default: the latest signed checkpoint's
size), with the stored signed checkpoint of that size, as JSON; with --old-size K add the proof
that the tree of size K is a prefix of it. Hashes are base64; proofs are in the order
golang.org/x/mod/sumdb/tlog's CheckRecord and CheckTree take (RFC 6962):

  {"origin": "…", "size": M, "root": "…", "checkpoint": "<signed note>",
   "index": N, "entry": "<base64 canonical bytes>", "leafHash": "…",
   "inclusion": ["…", …],
   "consistency": {"oldSize": K, "oldRoot": "…", "oldCheckpoint": "<signed note>", "proof": ["…", …]}}

M must be a size a checkpoint was signed at (one per append).

Exit codes: 0 printed; 2 usage error, no such entry or checkpoint, or the ledger could not be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("index") {
				return clienv.Usage("--index is required")
			}
			if runF != nil {
				return runF(cmd.Context(), "prove", o)
			}
			return RunProve(cmd.Context(), env, o, p)
		},
	}
	cmd.Flags().Int64Var(&p.Index, "index", 0, "the entry index to prove (required)")
	cmd.Flags().Int64Var(&p.Size, "size", 0, "the tree size to prove against (default: the latest checkpoint's)")
	cmd.Flags().Int64Var(&p.OldSize, "old-size", 0, "add a consistency proof from the tree of this size")
	return cmd
}

// RunProve runs `ssdf ledger prove`.
func RunProve(ctx context.Context, env *clienv.Env, o *Options, p *ProveOptions) error {
	if p.Size < 0 || p.OldSize < 0 {
		return clienv.Usage("--size and --old-size must not be negative")
	}
	l, err := openLedger(ctx, env, o, false)
	if err != nil {
		return err
	}
	defer l.Close()
	proof, err := l.Prove(ctx, ledgerlib.ProveOptions{Index: p.Index, Size: p.Size, OldSize: p.OldSize})
	if err != nil {
		if errors.Is(err, ledgerlib.ErrNoCheckpoint) {
			return clienv.Usage("%v: --size must be a size a checkpoint was signed at", err)
		}
		return clienv.Usage("%v", err)
	}
	enc := json.NewEncoder(env.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(proof)
}
