package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	attestlib "github.com/ssdf-dev/ssdf/attest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// TestCosignInterop checks that what ssdf signs verifies with cosign
// (`cosign verify-blob-attestation --key`), the reference verifier of DSSE
// in-toto attestations, and that cosign rejects an edited report or another
// key. cosign runs offline: with a public key and --insecure-ignore-tlog it
// needs neither Rekor, Fulcio nor TUF. .ci/run installs cosign; elsewhere
// the test skips when it is absent (see docs/interop.md).
func TestCosignInterop(t *testing.T) {
	cosign := sharedtest.RequireProgram(t, "cosign")
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	repo := filepath.Join(dir, "repo")
	for _, d := range []string{home, repo} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	interopWriteFile(t, filepath.Join(repo, "README.md"), "# interop\n")
	// cosign and ssdf see only this environment: no proxy, no TUF cache,
	// no git or cosign configuration of the machine.
	environ := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TUF_ROOT=" + filepath.Join(home, "tuf"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"),
		"SOURCE_DATE_EPOCH=1795694400",
		"COSIGN_PASSWORD=interop-pw",
		// Without any trust material named, cosign fetches Sigstore's
		// trusted root over TUF even to verify with a key, and warns when
		// it cannot. A Rekor key in the environment skips that fetch; it is
		// never read, since --insecure-ignore-tlog skips the log.
		"SIGSTORE_REKOR_PUBLIC_KEY=" + filepath.Join(dir, "pkcs8.pub"),
	}

	runCosign := func(t *testing.T, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(cosign, args...)
		cmd.Dir = dir
		cmd.Env = environ
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	runSSDF := func(t *testing.T, args ...string) (int, string) {
		t.Helper()
		var out bytes.Buffer
		code := Main(context.Background(), args, strings.NewReader(""), &out, &out, environ)
		return code, out.String()
	}

	// Two key forms ssdf reads: a PKCS#8 PEM key (openssl, Go) and a
	// cosign-encrypted key made by cosign itself.
	keys := map[string][2]string{} // name → {private, public}
	{
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		priv, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "pkcs8")
		interopWriteFile(t, p+".key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})))
		interopWriteFile(t, p+".pub", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
		keys["pkcs8"] = [2]string{p + ".key", p + ".pub"}
	}
	if out, err := runCosign(t, "generate-key-pair", "--output-key-prefix", "cosigngen"); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	keys["cosign"] = [2]string{filepath.Join(dir, "cosigngen.key"), filepath.Join(dir, "cosigngen.pub")}
	// --new-bundle-format needs a trusted root, else cosign fetches
	// Sigstore's over TUF; verifying with a key and no tlog needs nothing
	// in it (see docs/interop.md).
	trustedRoot := filepath.Join(dir, "trusted_root.json")
	interopWriteFile(t, trustedRoot, `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`)

	for _, name := range []string{"pkcs8", "cosign"} {
		priv, pub := keys[name][0], keys[name][1]
		other := keys["pkcs8"][1]
		if name == "pkcs8" {
			other = keys["cosign"][1]
		}
		t.Run(name, func(t *testing.T) {
			report := filepath.Join(dir, name+"-report.json")
			// scan --attest writes REPORT.intoto.jsonl; the scan's exit
			// code is its verdict (1: a required check failed), not ours.
			if code, out := runSSDF(t, "scan", repo, "--format", "json", "--output", report, "--attest", "--key", priv); code != 0 && code != 1 {
				t.Fatalf("ssdf scan --attest: exit %d\n%s", code, out)
			}
			env := report + ".intoto.jsonl"
			vsa := filepath.Join(dir, name+"-vsa.intoto.jsonl")
			if code, out := runSSDF(t, "attest", report, "--key", priv, "--output", filepath.Join(dir, name+"-again.intoto.jsonl"), "--vsa", vsa); code != 0 {
				t.Fatalf("ssdf attest --vsa: exit %d\n%s", code, out)
			}
			// ssdf's own verify accepts both.
			for _, e := range []string{env, vsa} {
				if code, out := runSSDF(t, "verify", e, "--key", pub, "--report", report); code != 0 {
					t.Fatalf("ssdf verify %s: exit %d\n%s", filepath.Base(e), code, out)
				}
			}

			verify := func(envelope, predicateType, key, blob string) (string, error) {
				return runCosign(t, "verify-blob-attestation",
					"--key", key,
					"--type", predicateType,
					"--signature", envelope,
					"--insecure-ignore-tlog=true",
					blob)
			}
			for _, c := range []struct{ envelope, typ string }{
				{env, attestlib.PredicateReport},
				{vsa, attestlib.PredicateVSA},
			} {
				out, err := verify(c.envelope, c.typ, pub, report)
				if err != nil || !strings.Contains(out, "Verified OK") {
					t.Errorf("cosign verify-blob-attestation %s --type %s: %v, want Verified OK\n%s", filepath.Base(c.envelope), c.typ, err, out)
				}
				if strings.Contains(strings.ToLower(out), "tuf") {
					t.Errorf("cosign reached for TUF (the network):\n%s", out)
				}
			}

			// The wrong predicate type, another key: rejected, each for
			// its reason.
			rejects := func(what, want, out string, err error) {
				t.Helper()
				if err == nil || strings.Contains(out, "Verified OK") || !strings.Contains(out, want) {
					t.Errorf("cosign, %s: %v, want an error %q\n%s", what, err, want, out)
				}
			}
			out, err := verify(env, attestlib.PredicateVSA, pub, report)
			rejects("report envelope as a VSA", "invalid predicate type", out, err)
			out, err = verify(env, attestlib.PredicateReport, other, report)
			rejects("another key", "accepted signatures do not match threshold", out, err)

			// An edited report no longer matches the sha256 subject, in
			// cosign as in ssdf verify.
			b, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			edited := filepath.Join(dir, name+"-edited.json")
			interopWriteFile(t, edited, strings.Replace(string(b), `"pass"`, `"fail"`, 1)+" ")
			for _, e := range []struct{ envelope, typ string }{{env, attestlib.PredicateReport}, {vsa, attestlib.PredicateVSA}} {
				out, err := verify(e.envelope, e.typ, pub, edited)
				rejects(filepath.Base(e.envelope)+" with an edited report", "no matching subject digest", out, err)
			}
			if code, out := runSSDF(t, "verify", env, "--key", pub, "--report", edited); code == 0 {
				t.Errorf("ssdf verify accepted an edited report:\n%s", out)
			}

			// The Sigstore bundle scan --attest writes beside the envelope
			// (attest --bundle writes the same): ssdf verify and cosign
			// --new-bundle-format accept it, and reject another key or an
			// edited report.
			bundle := report + ".sigstore.json"
			if code, out := runSSDF(t, "verify", bundle, "--key", pub, "--report", report); code != 0 {
				t.Fatalf("ssdf verify %s: exit %d\n%s", filepath.Base(bundle), code, out)
			}
			verifyBundle := func(key, blob string) (string, error) {
				return runCosign(t, "verify-blob-attestation",
					"--bundle", bundle, "--new-bundle-format",
					"--trusted-root", trustedRoot,
					"--key", key,
					"--type", attestlib.PredicateReport,
					"--insecure-ignore-tlog=true",
					blob)
			}
			out, err = verifyBundle(pub, report)
			if err != nil || !strings.Contains(out, "Verified OK") || strings.Contains(strings.ToLower(out), "tuf") {
				t.Errorf("cosign verify-blob-attestation --bundle %s: %v, want Verified OK without TUF\n%s", filepath.Base(bundle), err, out)
			}
			out, err = verifyBundle(other, report)
			rejects("bundle, another key", "accepted signatures do not match threshold", out, err)
			out, err = verifyBundle(pub, edited)
			rejects("bundle, an edited report", "provided artifact digest does not match any digest in statement", out, err)
		})
	}
}

func interopWriteFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
