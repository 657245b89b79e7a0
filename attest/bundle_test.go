package attest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	ita "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ssdf-dev/ssdf/report"
)

func TestBundle(t *testing.T) {
	ctx := context.Background()
	rep := sampleReport(t, report.StatusPass)
	for _, k := range keys(t) {
		t.Run(k.name, func(t *testing.T) {
			s, v := loadPair(t, k)
			envLine, _, err := Attest(ctx, s, "report.json", rep, VSAOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id, _ := s.KeyID()
			b, err := NewBundle(envLine, id)
			if err != nil {
				t.Fatal(err)
			}
			// The protobuf JSON mapping: camelCase names, no tlog entries,
			// no certificate, the key id as the hint, no keyid.
			var raw map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			if raw["mediaType"] != "application/vnd.dev.sigstore.bundle.v0.3+json" {
				t.Errorf("mediaType = %v", raw["mediaType"])
			}
			vm := raw["verificationMaterial"].(map[string]any)
			if len(vm) != 1 || vm["publicKey"].(map[string]any)["hint"] != id {
				t.Errorf("verificationMaterial = %v, want only publicKey.hint %s", vm, id)
			}
			de := raw["dsseEnvelope"].(map[string]any)
			if de["payloadType"] != PayloadType {
				t.Errorf("payloadType = %v", de["payloadType"])
			}
			sigs := de["signatures"].([]any)
			if len(sigs) != 1 || len(sigs[0].(map[string]any)) != 1 || sigs[0].(map[string]any)["sig"] == "" {
				t.Errorf("signatures = %v, want one {sig}", sigs)
			}
			if _, err := base64.StdEncoding.DecodeString(de["payload"].(string)); err != nil {
				t.Errorf("payload is not standard base64: %v", err)
			}

			bu, ej, err := ParseBundle(b)
			if err != nil {
				t.Fatal(err)
			}
			if bu.VerificationMaterial.PublicKey.Hint != id || len(bu.VerificationMaterial.TlogEntries) != 0 {
				t.Errorf("parsed = %+v", bu.VerificationMaterial)
			}
			for _, in := range [][]byte{b, ej} {
				st, err := Verify(ctx, in, v, Expect{Report: rep, Commit: commit})
				if err != nil {
					t.Fatalf("Verify bundle: %v", err)
				}
				if st.GetPredicateType() != PredicateReport {
					t.Errorf("predicateType = %s", st.GetPredicateType())
				}
			}
			// An edited report, a tampered payload: rejected.
			if _, err := Verify(ctx, b, v, Expect{Report: append(rep, ' ')}); !errors.Is(err, ErrVerify) {
				t.Errorf("edited report: err = %v, want ErrVerify", err)
			}
			bad := strings.Replace(string(b), `"payload": "ey`, `"payload": "eX`, 1)
			if bad == string(b) {
				t.Fatal("payload not found")
			}
			if _, err := Verify(ctx, []byte(bad), v, Expect{}); !errors.Is(err, ErrVerify) {
				t.Errorf("tampered payload: err = %v, want ErrVerify", err)
			}
		})
	}
}

func TestBundleRejects(t *testing.T) {
	_, v := loadPair(t, keys(t)[0])
	for name, in := range map[string]string{
		"message signature": `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"x"}},"messageSignature":{"signature":"AA=="}}`,
		"no envelope":       `{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.3","verificationMaterial":{}}`,
	} {
		_, err := Verify(context.Background(), []byte(in), v, Expect{})
		if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), "dsseEnvelope") {
			t.Errorf("%s: err = %v, want ErrVerify naming dsseEnvelope", name, err)
		}
	}
	if _, _, err := ParseBundle([]byte(`{"mediaType":"application/json"}`)); err == nil {
		t.Error("ParseBundle accepted another media type")
	}
}

func TestStatementVerdict(t *testing.T) {
	for _, c := range []struct {
		status       string
		unknownFails bool
		want         bool
		reason       string
	}{
		{report.StatusPass, false, true, "no required check failed"},
		{report.StatusFail, false, false, "required check(s) failed: codeowners-present"},
		{report.StatusUnknown, false, true, "no required check failed"},
	} {
		rep := sampleReport(t, c.status)
		st, err := ReportStatement("report.json", rep)
		if err != nil {
			t.Fatal(err)
		}
		got, err := StatementVerdict(st)
		if err != nil || got.Passed != c.want || got.Reason != c.reason {
			t.Errorf("report %s: %+v, %v; want %v %q", c.status, got, err, c.want, c.reason)
		}
		vs, err := VSAStatement("report.json", rep, VSAOptions{UnknownFails: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err = StatementVerdict(vs)
		wantVSA := c.status == report.StatusPass
		if err != nil || got.Passed != wantVSA {
			t.Errorf("vsa %s: %+v, %v; want %v", c.status, got, err, wantVSA)
		}
		if !wantVSA && got.Reason != "the verification summary says FAILED" {
			t.Errorf("vsa %s: reason %q", c.status, got.Reason)
		}
	}
	// A statement of another predicate type has no verdict.
	pred, _ := structpb.NewStruct(map[string]any{"x": 1})
	other := &ita.Statement{Type: StatementType, PredicateType: "https://example.com/p", Predicate: pred,
		Subject: []*ita.ResourceDescriptor{{Name: "a", Digest: map[string]string{"sha256": strings.Repeat("a", 64)}}}}
	if _, err := StatementVerdict(other); err == nil || !strings.Contains(err.Error(), "no verdict") {
		t.Errorf("other predicate: err = %v", err)
	}
}
