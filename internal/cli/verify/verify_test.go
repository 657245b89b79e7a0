package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/cli/attest"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/report"
)

func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// setup writes a key pair and two reports, pass.json (its required check
// passed, another required check unknown) and fail.json (a required check
// failed), and attests both with --vsa and --bundle.
func setup(t *testing.T) (*clienv.Env, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(k)
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	writeFile(t, dir, "k.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}))
	writeFile(t, dir, "k.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	for name, status := range map[string]string{"pass": report.StatusPass, "fail": report.StatusFail} {
		rep := &report.Report{
			Schema:      report.Schema,
			Tool:        report.Tool{Name: "ssdf", Version: "test"},
			GeneratedAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
			Target:      report.Target{Kind: "repository", Path: "."},
			Policy:      report.Policy{Source: "default"},
			Tasks:       []report.Task{{ID: "PO.2.1", Title: "t", Status: status, Checks: []string{"a", "b", "c"}}},
			Results: []report.Result{
				{Check: "a", Title: "a", Tasks: []string{"PO.2.1"}, Required: true, Status: status, Reason: "r"},
				{Check: "b", Title: "b", Tasks: []string{"PO.2.1"}, Required: true, Status: report.StatusUnknown, Reason: "r"},
				{Check: "c", Title: "c", Tasks: []string{"PO.2.1"}, Required: false, Status: report.StatusFail, Reason: "r"},
			},
		}
		var buf bytes.Buffer
		if err := report.Write(&buf, rep); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name+".json", buf.Bytes())
	}
	var out bytes.Buffer
	env := &clienv.Env{Out: &out, Err: &out, Dir: dir, Getenv: func(string) string { return "" }}
	for _, name := range []string{"pass", "fail"} {
		if err := attest.Run(context.Background(), env, &attest.Options{Report: name + ".json", Key: "k.key",
			Output: name + ".intoto.jsonl", VSA: name + ".vsa.jsonl", Bundle: name + ".sigstore.json"}); err != nil {
			t.Fatal(err)
		}
	}
	return env, &out
}

func exitCode(err error) int {
	var ee *clienv.ExitError
	if err == nil {
		return 0
	}
	if errors.As(err, &ee) {
		return ee.Code
	}
	return -1
}

func TestVerifyBundleAndRequirePass(t *testing.T) {
	env, out := setup(t)
	for _, c := range []struct {
		envelope, report string
		requirePass      bool
		code             int
		msg              string
	}{
		{"pass.intoto.jsonl", "pass.json", false, 0, "predicate: https://ssdf.dev/attestation/report/v1"},
		{"pass.sigstore.json", "pass.json", false, 0, "Verified: pass.sigstore.json"},
		{"fail.sigstore.json", "fail.json", false, 0, "Verified: fail.sigstore.json"},
		// A bundle of one report does not verify another.
		{"pass.sigstore.json", "fail.json", false, 1, "the report's sha256 is"},
		// --require-pass: the unknown required check and the failed
		// optional check do not fail the report; the failed required one does.
		{"pass.intoto.jsonl", "pass.json", true, 0, "verdict: pass (no required check failed)"},
		{"pass.sigstore.json", "", true, 0, "verdict: pass"},
		{"pass.vsa.jsonl", "pass.json", true, 0, "verdict: pass (the verification summary says PASSED)"},
		{"fail.intoto.jsonl", "fail.json", true, 1, "--require-pass: required check(s) failed: a"},
		{"fail.sigstore.json", "fail.json", true, 1, "--require-pass: required check(s) failed: a"},
		{"fail.vsa.jsonl", "fail.json", true, 1, "--require-pass: the verification summary says FAILED"},
	} {
		out.Reset()
		err := Run(context.Background(), env, &Options{Envelope: c.envelope, Key: "k.pub", Report: c.report, RequirePass: c.requirePass})
		msg := out.String()
		if err != nil {
			msg = err.Error()
		}
		if code := exitCode(err); code != c.code || !strings.Contains(msg, c.msg) {
			t.Errorf("verify %s --report %q --require-pass=%v: exit %d %q; want exit %d containing %q",
				c.envelope, c.report, c.requirePass, code, msg, c.code, c.msg)
		}
	}
}
