// Package attest is the `ssdf attest` command: sign a saved JSON report as
// in-toto attestations in DSSE envelopes (see package
// github.com/ssdf-dev/ssdf/attest).
package attest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	attestlib "github.com/ssdf-dev/ssdf/attest"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
)

// Options are the parsed flags of `ssdf attest`.
type Options struct {
	Report string
	Key    string
	Output string
	VSA    string
	// Bundle, when set, is where to also write the report envelope as a
	// Sigstore bundle v0.3 (see attestlib.NewBundle).
	Bundle string
}

// NewCmd returns the command.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "attest REPORT --key KEY",
		Short: "Sign a JSON report as an in-toto attestation (DSSE envelope)",
		Long: `Sign a report saved with ` + "`ssdf scan --format json`" + ` as an in-toto Statement v1 in a
DSSE envelope, written as one JSON line. The subjects are the scanned commit (gitCommit)
and the report file (sha256); the predicate type is ` + attestlib.PredicateReport + `
and the predicate is the report. With --vsa, also write a SLSA Verification Summary
(` + attestlib.PredicateVSA + `) saying PASSED or FAILED. With --bundle, also write the
report envelope as a Sigstore bundle v0.3 (` + attestlib.BundleMediaType + `)
whose verificationMaterial.publicKey.hint is the key id, with no transparency log entry.

KEY is a PEM private key: ECDSA P-256 (PKCS#8 or SEC 1) or Ed25519 (PKCS#8), or a
cosign-encrypted key (cosign generate-key-pair), whose password is read from
COSIGN_PASSWORD.

Exit codes: 0 signed; 2 usage or unusable key; 3 the report or key could not be read.`,
		Example: `  ssdf scan --format json --output report.json
  ssdf attest report.json --key cosign.key --output report.intoto.jsonl --vsa vsa.intoto.jsonl
  ssdf verify report.intoto.jsonl --key cosign.pub --report report.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Report = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Key, "key", "", "PEM private key to sign with (required)")
	f.StringVarP(&o.Output, "output", "o", "", "write the envelope to this file instead of standard output")
	f.StringVar(&o.VSA, "vsa", "", "also write the SLSA Verification Summary envelope to this file")
	f.StringVar(&o.Bundle, "bundle", "", "also write the report envelope as a Sigstore bundle v0.3 to this file")
	return cmd
}

// Run signs the report.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	if o.Key == "" {
		return clienv.Usage("attest: --key is required")
	}
	signer, err := LoadSigner(env, o.Key)
	if err != nil {
		return err
	}
	b, err := ReadFile(env, "attest", o.Report)
	if err != nil {
		return err
	}
	rep, vsa, err := attestlib.Attest(ctx, signer, o.Report, b, attestlib.VSAOptions{})
	if err != nil {
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("attest %s: %w", o.Report, err)}
	}
	if err := env.WriteOutput(o.Output, write(rep)); err != nil {
		return err
	}
	if o.VSA != "" {
		if err := env.WriteOutput(o.VSA, write(vsa)); err != nil {
			return err
		}
	}
	if o.Bundle != "" {
		return WriteBundle(env, o.Bundle, signer, rep)
	}
	return nil
}

// WriteBundle writes the envelope (JSON) as a Sigstore bundle v0.3 whose
// publicKey.hint is the signer's key id.
func WriteBundle(env *clienv.Env, path string, signer *attestlib.Signer, envelopeJSON []byte) error {
	id, _ := signer.KeyID()
	b, err := attestlib.NewBundle(envelopeJSON, id)
	if err != nil {
		return fmt.Errorf("--bundle: %w", err)
	}
	return env.WriteOutput(path, write(b))
}

func write(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

// LoadSigner reads a private key file (a path relative to env.Dir), taking
// the password of a cosign-encrypted key from COSIGN_PASSWORD. An
// unreadable file is exit 3, a file that is no usable key exit 2.
func LoadSigner(env *clienv.Env, path string) (*attestlib.Signer, error) {
	b, err := ReadFile(env, "--key", path)
	if err != nil {
		return nil, err
	}
	s, err := attestlib.LoadPrivateKey(b, func() ([]byte, error) {
		return []byte(env.Getenv("COSIGN_PASSWORD")), nil
	})
	if err != nil {
		return nil, clienv.Usage("--key %s: %v", path, err)
	}
	return s, nil
}

// ReadFile reads a file named on the command line, relative to env.Dir; a
// failure is exit 3 (the input could not be read).
func ReadFile(env *clienv.Env, what, path string) ([]byte, error) {
	p := path
	if !filepath.IsAbs(p) && env.Dir != "" {
		p = filepath.Join(env.Dir, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fs.ErrNotExist
		}
		return nil, &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("%s %s: %w", what, path, err)}
	}
	return b, nil
}
