package attest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

	"github.com/ssdf-dev/ssdf/report"
)

const commit = "0123456789abcdef0123456789abcdef01234567"

func sampleReport(t *testing.T, status string) []byte {
	t.Helper()
	rep := &report.Report{
		Schema:      report.Schema,
		Tool:        report.Tool{Name: "ssdf", Version: "0.1.0-test"},
		GeneratedAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Target:      report.Target{Kind: "repository", Path: ".", URL: "https://github.com/acme/widget", Forge: "github", Branch: "main", Commit: commit},
		Policy:      report.Policy{Source: "default", Digest: "sha256:" + strings.Repeat("ab", 32)},
		Summary:     report.Summary{Pass: 1},
		Tasks: []report.Task{
			{ID: "PO.2.1", Title: "code owners", Status: status, Checks: []string{"codeowners-present"}},
			{ID: "PO.3.2", Title: "pipelines", Status: report.StatusNotApplicable, Checks: []string{"x"}},
		},
		Results: []report.Result{{Check: "codeowners-present", Title: "t", Tasks: []string{"PO.2.1"}, Required: true,
			Status: status, Reason: "r", Findings: []report.Finding{{Message: "m", Path: "CODEOWNERS", Line: 3}}}},
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type keyPair struct {
	name    string
	private []byte // PEM
	public  []byte // PEM
	pw      func() ([]byte, error)
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pubPEM(t *testing.T, pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("PUBLIC KEY", der)
}

// keys generates one key pair of every supported form, written as PEM.
func keys(t *testing.T) []keyPair {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, err := x509.MarshalPKCS8PrivateKey(ed)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := encrypted.Encrypt(pkcs8, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	return []keyPair{
		{name: "ecdsa-pkcs8", private: pemOf("PRIVATE KEY", pkcs8), public: pubPEM(t, &ec.PublicKey)},
		{name: "ecdsa-sec1", private: pemOf("EC PRIVATE KEY", sec1), public: pubPEM(t, &ec.PublicKey)},
		{name: "ed25519", private: pemOf("PRIVATE KEY", edDER), public: pubPEM(t, ed.Public())},
		{name: "cosign-encrypted", private: pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", enc), public: pubPEM(t, &ec.PublicKey),
			pw: func() ([]byte, error) { return []byte("s3cret"), nil }},
	}
}

// loadPair writes the pair to files and loads it back, as the command does.
func loadPair(t *testing.T, k keyPair) (*Signer, *Verifier) {
	t.Helper()
	dir := t.TempDir()
	for name, b := range map[string][]byte{"key.pem": k.private, "key.pub": k.public} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	priv, _ := os.ReadFile(filepath.Join(dir, "key.pem"))
	pub, _ := os.ReadFile(filepath.Join(dir, "key.pub"))
	s, err := LoadPrivateKey(priv, k.pw)
	if err != nil {
		t.Fatalf("%s: LoadPrivateKey: %v", k.name, err)
	}
	v, err := LoadPublicKey(pub)
	if err != nil {
		t.Fatalf("%s: LoadPublicKey: %v", k.name, err)
	}
	return s, v
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	rep := sampleReport(t, report.StatusPass)
	for _, k := range keys(t) {
		t.Run(k.name, func(t *testing.T) {
			s, v := loadPair(t, k)
			envLine, vsaLine, err := Attest(ctx, s, "out/report.json", rep, VSAOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range [][]byte{envLine, vsaLine} {
				if bytes.Count(line, []byte("\n")) != 1 || !bytes.HasSuffix(line, []byte("\n")) {
					t.Errorf("envelope is not one line: %q", line)
				}
				st, err := Verify(ctx, line, v, Expect{Report: rep, Commit: commit})
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if len(st.GetSubject()) != 2 {
					t.Errorf("subjects = %v", st.GetSubject())
				}
			}
			// The keyid is the hex SHA-256 of the PKIX DER of the public key.
			var env struct {
				Signatures []struct{ KeyID string } `json:"signatures"`
			}
			if err := json.Unmarshal(envLine, &env); err != nil {
				t.Fatal(err)
			}
			block, _ := pem.Decode(k.public)
			sum := sha256.Sum256(block.Bytes)
			if len(env.Signatures) != 1 || env.Signatures[0].KeyID != hex.EncodeToString(sum[:]) {
				t.Errorf("keyid = %+v, want %x", env.Signatures, sum)
			}
		})
	}
}

func TestVerifyFails(t *testing.T) {
	ctx := context.Background()
	rep := sampleReport(t, report.StatusPass)
	ks := keys(t)
	s, v := loadPair(t, ks[0])
	_, other := loadPair(t, ks[2])
	line, _, err := Attest(ctx, s, "report.json", rep, VSAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
	reencode := func(mut func(m map[string]any)) []byte {
		m := map[string]any{}
		for k, v := range env {
			m[k] = v
		}
		mut(m)
		b, _ := json.Marshal(m)
		return b
	}
	tampered := reencode(func(m map[string]any) {
		p := bytes.Replace(payload, []byte("acme/widget"), []byte("acme/gadget"), 1)
		m["payload"] = base64.StdEncoding.EncodeToString(p)
	})
	wrongType := reencode(func(m map[string]any) { m["payloadType"] = "application/json" })
	edited := bytes.Replace(rep, []byte(`"pass"`), []byte(`"fail"`), 1)

	for _, tc := range []struct {
		name string
		env  []byte
		v    *Verifier
		exp  Expect
		want string
	}{
		{"tampered payload", tampered, v, Expect{}, "signature"},
		{"wrong key", line, other, Expect{}, "signature"},
		{"payload type", wrongType, v, Expect{}, "payloadType"},
		{"wrong report", line, v, Expect{Report: edited}, "report's sha256"},
		{"wrong commit", line, v, Expect{Commit: strings.Repeat("f", 40)}, "HEAD is ffff"},
		{"not json", []byte("hello"), v, Expect{}, "not a DSSE envelope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(ctx, tc.env, tc.v, tc.exp)
			if err == nil {
				t.Fatal("Verify succeeded")
			}
			if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrVerify mentioning %q", err, tc.want)
			}
		})
	}
}

// TestStatementFields checks, without a golden file, what in-toto Statement
// v1 requires of the JSON, and the VSA fields.
func TestStatementFields(t *testing.T) {
	rep := sampleReport(t, report.StatusPass)
	st, err := ReportStatement("dir/report.json", rep)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Type    string `json:"_type"`
		Subject []struct {
			Name   string            `json:"name"`
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
		PredicateType string          `json:"predicateType"`
		Predicate     json.RawMessage `json:"predicate"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(rep)
	if m.Type != "https://in-toto.io/Statement/v1" || m.PredicateType != PredicateReport || len(m.Subject) != 2 ||
		m.Subject[0].Name != "https://github.com/acme/widget" || m.Subject[0].Digest["gitCommit"] != commit ||
		m.Subject[1].Name != "report.json" || m.Subject[1].Digest["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("statement = %s", b)
	}
	var pred report.Report
	if err := json.Unmarshal(m.Predicate, &pred); err != nil || pred.Schema != report.Schema || pred.Results[0].Findings[0].Line != 3 {
		t.Errorf("predicate is not the report: %v %s", err, m.Predicate)
	}
	// Deterministic: the same report gives the same bytes.
	st2, _ := ReportStatement("dir/report.json", rep)
	if b2, _ := MarshalStatement(st2); !bytes.Equal(b, b2) {
		t.Errorf("not deterministic:\n%s\n%s", b, b2)
	}

	for _, tc := range []struct {
		status, result string
		levels         []string
	}{
		{report.StatusPass, Passed, []string{LevelPassed, "SSDF_PO_2_1_PASSED"}},
		{report.StatusUnknown, Passed, []string{LevelPassed}},
		{report.StatusFail, Failed, []string{Failed}},
	} {
		vs, err := VSAStatement("report.json", sampleReport(t, tc.status), VSAOptions{})
		if err != nil {
			t.Fatal(err)
		}
		vb, _ := MarshalStatement(vs)
		var v struct {
			PredicateType string `json:"predicateType"`
			Predicate     struct {
				Verifier struct {
					ID      string            `json:"id"`
					Version map[string]string `json:"version"`
				} `json:"verifier"`
				TimeVerified       string `json:"timeVerified"`
				ResourceURI        string `json:"resourceUri"`
				Policy             struct{ Digest map[string]string }
				VerificationResult string   `json:"verificationResult"`
				VerifiedLevels     []string `json:"verifiedLevels"`
			} `json:"predicate"`
		}
		if err := json.Unmarshal(vb, &v); err != nil {
			t.Fatal(err)
		}
		p := v.Predicate
		if v.PredicateType != PredicateVSA || p.Verifier.ID != VerifierID || p.Verifier.Version["ssdf"] != "0.1.0-test" ||
			p.TimeVerified != "2026-11-26T12:00:00Z" || p.ResourceURI != "https://github.com/acme/widget" ||
			p.Policy.Digest["sha256"] != strings.Repeat("ab", 32) || p.VerificationResult != tc.result ||
			strings.Join(p.VerifiedLevels, ",") != strings.Join(tc.levels, ",") {
			t.Errorf("%s: vsa = %s", tc.status, vb)
		}
	}
	// --fail-on unknown: an unknown required check fails the VSA.
	vs, _ := VSAStatement("report.json", sampleReport(t, report.StatusUnknown), VSAOptions{UnknownFails: true})
	if vb, _ := MarshalStatement(vs); !bytes.Contains(vb, []byte(`"verificationResult":"FAILED"`)) {
		t.Errorf("UnknownFails: %s", vb)
	}
}

func TestNoCommit(t *testing.T) {
	rep := bytes.Replace(sampleReport(t, report.StatusPass), []byte(commit), []byte(""), 1)
	st, err := ReportStatement("report.json", rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.GetSubject()) != 1 || st.GetSubject()[0].GetDigest()["sha256"] == "" {
		t.Errorf("subjects = %v", st.GetSubject())
	}
	s, v := loadPair(t, keys(t)[2])
	line, _, err := Attest(context.Background(), s, "report.json", rep, VSAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(context.Background(), line, v, Expect{Commit: commit}); err == nil || !strings.Contains(err.Error(), "no gitCommit") {
		t.Errorf("err = %v", err)
	}
}

func TestBadKeys(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(p384)
	enc, _ := encrypted.Encrypt([]byte("x"), []byte("pw"))
	for _, tc := range []struct {
		name string
		pem  []byte
		pw   func() ([]byte, error)
		want string
	}{
		{"not pem", []byte("hello"), nil, "no PEM block"},
		{"p384", pemOf("PRIVATE KEY", der), nil, "want P-256"},
		{"rsa type", pemOf("RSA PRIVATE KEY", []byte{1}), nil, "unsupported PEM type"},
		{"encrypted no password func", pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", enc), nil, "COSIGN_PASSWORD"},
		{"encrypted wrong password", pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", enc), func() ([]byte, error) { return []byte("nope"), nil }, "wrong password"},
	} {
		if _, err := LoadPrivateKey(tc.pem, tc.pw); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadPublicKey(pubPEM(t, &p384.PublicKey)); err == nil || !strings.Contains(err.Error(), "P-256") {
		t.Errorf("P-384 public key: err = %v", err)
	}
}
