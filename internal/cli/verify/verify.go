// Package verify is the `ssdf verify` command: check a DSSE envelope made
// by `ssdf attest` or `ssdf scan --attest`.
package verify

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	attestlib "github.com/ssdf-dev/ssdf/attest"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/cli/attest"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
)

// Options are the parsed flags of `ssdf verify`.
type Options struct {
	Envelope string
	Key      string
	Report   string
	Checkout string
	// RequirePass also checks the verdict the statement carries (see
	// attestlib.StatementVerdict).
	RequirePass bool
}

// NewCmd returns the command.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "verify ENVELOPE|BUNDLE --key PUBKEY",
		Short: "Verify an attestation made by ssdf attest or ssdf scan --attest",
		Long: `Verify a DSSE envelope (one JSON line) holding an in-toto Statement v1: the signature
verifies with PUBKEY (a PEM public key, ECDSA P-256 or Ed25519), the payload type is
` + attestlib.PayloadType + ` and the statement is well formed. With --report, a subject
must carry the report file's sha256; with --checkout, a subject must carry the
checkout's HEAD commit as gitCommit. ENVELOPE may also be a Sigstore bundle
(` + "`ssdf attest --bundle`" + `, ` + "`ssdf scan --attest`" + `'s OUTPUT.sigstore.json) holding the DSSE envelope.

With --require-pass, the verdict must be a pass too: a SLSA verification summary must
say verificationResult PASSED; a report statement must hold a report in which no
required check failed (recomputed from its results). Other predicate types fail.

Exit codes: 0 verified; 1 not verified (the reason is printed); 2 usage or unusable
key; 3 a file or the checkout could not be read.`,
		Example: `  ssdf verify report.json.intoto.jsonl --key cosign.pub --report report.json
  ssdf verify report.json.intoto.jsonl --key cosign.pub --checkout .
  ssdf verify report.json.sigstore.json --key cosign.pub --report report.json --require-pass`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Envelope = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Key, "key", "", "PEM public key to verify with (required)")
	f.StringVar(&o.Report, "report", "", "the report file the statement must attest (sha256 subject)")
	f.BoolVar(&o.RequirePass, "require-pass", false, "also require the statement's verdict to be a pass (VSA PASSED, or no required check failed)")
	f.StringVar(&o.Checkout, "checkout", "", "a git checkout whose HEAD the statement must attest (gitCommit subject)")
	return cmd
}

// Run verifies the envelope.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	if o.Key == "" {
		return clienv.Usage("verify: --key is required")
	}
	kb, err := attest.ReadFile(env, "--key", o.Key)
	if err != nil {
		return err
	}
	v, err := attestlib.LoadPublicKey(kb)
	if err != nil {
		return clienv.Usage("--key %s: %v", o.Key, err)
	}
	eb, err := attest.ReadFile(env, "verify", o.Envelope)
	if err != nil {
		return err
	}
	var exp attestlib.Expect
	if o.Report != "" {
		if exp.Report, err = attest.ReadFile(env, "--report", o.Report); err != nil {
			return err
		}
	}
	if o.Checkout != "" {
		dir := o.Checkout
		if !filepath.IsAbs(dir) && env.Dir != "" {
			dir = filepath.Join(env.Dir, dir)
		}
		head, err := collect.Git{Dir: dir, Env: env.Environ}.Head(ctx)
		if err != nil {
			return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("--checkout %s: %v", o.Checkout, err)}
		}
		exp.Commit = head
	}
	st, err := attestlib.Verify(ctx, eb, v, exp)
	if err != nil {
		code := clienv.ExitFailed
		if !errors.Is(err, attestlib.ErrVerify) {
			code = clienv.ExitUsage
		}
		return &clienv.ExitError{Code: code, Err: fmt.Errorf("verify %s: %w", o.Envelope, err)}
	}
	verdict := ""
	if o.RequirePass {
		vd, err := attestlib.StatementVerdict(st)
		if err != nil {
			return &clienv.ExitError{Code: clienv.ExitFailed, Err: fmt.Errorf("verify %s: --require-pass: %w", o.Envelope, err)}
		}
		if !vd.Passed {
			return &clienv.ExitError{Code: clienv.ExitFailed, Err: fmt.Errorf("verify %s: --require-pass: %s", o.Envelope, vd.Reason)}
		}
		verdict = "\n  verdict: pass (" + vd.Reason + ")"
	}
	id, _ := v.KeyID()
	var subj []string
	for _, s := range st.GetSubject() {
		for alg, d := range s.GetDigest() {
			subj = append(subj, fmt.Sprintf("%s (%s:%s)", s.GetName(), alg, d))
		}
	}
	fmt.Fprintf(env.Out, "Verified: %s signed by key %s\n  predicate: %s\n  subjects: %s%s\n",
		o.Envelope, id, st.GetPredicateType(), strings.Join(subj, ", "), verdict)
	return nil
}
