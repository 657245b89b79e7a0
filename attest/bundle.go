package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"

	ita "github.com/in-toto/attestation/go/v1"

	"github.com/ssdf-dev/ssdf/report"
)

// BundleMediaType is the media type of a Sigstore bundle v0.3
// (https://github.com/sigstore/protobuf-specs, dev.sigstore.bundle.v1.Bundle).
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Bundle is a Sigstore bundle v0.3 holding a DSSE envelope signed with a
// key: written as plain structs following the protobuf JSON mapping
// (camelCase names, bytes as standard base64, empty fields omitted), so
// that sigstore-go is not a dependency. A key-signed bundle has no
// certificate and no transparency log entries (ssdf signs offline): its
// verification material is only publicKey.hint, the key id.
type Bundle struct {
	MediaType            string               `json:"mediaType"`
	VerificationMaterial VerificationMaterial `json:"verificationMaterial"`
	DSSEEnvelope         *BundleEnvelope      `json:"dsseEnvelope,omitempty"`
	// MessageSignature is set by bundles of a bare signature (cosign
	// sign-blob); ssdf neither writes nor accepts them.
	MessageSignature json.RawMessage `json:"messageSignature,omitempty"`
}

// VerificationMaterial is the bundle's verificationMaterial: ssdf sets
// only PublicKey. Certificate, X509CertificateChain and TlogEntries are kept
// as raw JSON when read, so that a bundle of another signer parses.
type VerificationMaterial struct {
	PublicKey                 *PublicKeyIdentifier `json:"publicKey,omitempty"`
	Certificate               json.RawMessage      `json:"certificate,omitempty"`
	X509CertificateChain      json.RawMessage      `json:"x509CertificateChain,omitempty"`
	TlogEntries               []json.RawMessage    `json:"tlogEntries,omitempty"`
	TimestampVerificationData json.RawMessage      `json:"timestampVerificationData,omitempty"`
}

// PublicKeyIdentifier is dev.sigstore.common.v1.PublicKeyIdentifier.
type PublicKeyIdentifier struct {
	Hint string `json:"hint,omitempty"`
}

// BundleEnvelope is io.intoto.Envelope in the protobuf JSON mapping: the
// same fields as a DSSE envelope file (payload and sig standard base64).
type BundleEnvelope struct {
	Payload     string            `json:"payload"`
	PayloadType string            `json:"payloadType"`
	Signatures  []BundleSignature `json:"signatures"`
}

// BundleSignature is io.intoto.Signature.
type BundleSignature struct {
	Sig   string `json:"sig"`
	KeyID string `json:"keyid,omitempty"`
}

// NewBundle wraps a DSSE envelope (the JSON of MarshalEnvelope) in a
// Sigstore bundle v0.3 whose publicKey.hint is keyID, and encodes it as
// indented JSON ending in a newline. The signatures' keyids are left
// empty (see below).
func NewBundle(envelopeJSON []byte, keyID string) ([]byte, error) {
	var env dsse.Envelope
	if err := json.Unmarshal(bytes.TrimSpace(envelopeJSON), &env); err != nil {
		return nil, fmt.Errorf("bundle: not a DSSE envelope: %w", err)
	}
	be := &BundleEnvelope{Payload: env.Payload, PayloadType: env.PayloadType, Signatures: []BundleSignature{}}
	// The signatures carry no keyid: the key id is publicKey.hint.
	// sigstore-go (cosign --new-bundle-format) skips a signature whose
	// keyid differs from the one it computes for the key, which is not
	// ours (see docs/interop.md); an empty keyid is tried with every key.
	for _, s := range env.Signatures {
		be.Signatures = append(be.Signatures, BundleSignature{Sig: s.Sig})
	}
	b := Bundle{
		MediaType:            BundleMediaType,
		VerificationMaterial: VerificationMaterial{PublicKey: &PublicKeyIdentifier{Hint: keyID}},
		DSSEEnvelope:         be,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseBundle decodes a Sigstore bundle (any v0.x media type) and returns
// it with its DSSE envelope as envelope JSON, as Verify reads it. A bundle
// without a dsseEnvelope (a messageSignature bundle) is an error.
func ParseBundle(b []byte) (*Bundle, []byte, error) {
	var bu Bundle
	if err := json.Unmarshal(b, &bu); err != nil {
		return nil, nil, fmt.Errorf("bundle: %w", err)
	}
	if !IsBundleMediaType(bu.MediaType) {
		return nil, nil, fmt.Errorf("bundle: mediaType %q is not a Sigstore bundle", bu.MediaType)
	}
	if bu.DSSEEnvelope == nil {
		return nil, nil, fmt.Errorf("bundle: no dsseEnvelope (a bundle of a bare signature holds no attestation)")
	}
	env := dsse.Envelope{PayloadType: bu.DSSEEnvelope.PayloadType, Payload: bu.DSSEEnvelope.Payload}
	for _, s := range bu.DSSEEnvelope.Signatures {
		env.Signatures = append(env.Signatures, dsse.Signature{Sig: s.Sig, KeyID: s.KeyID})
	}
	ej, err := MarshalEnvelope(&env)
	if err != nil {
		return nil, nil, err
	}
	return &bu, ej, nil
}

// IsBundleMediaType reports whether mt is a Sigstore bundle media type,
// application/vnd.dev.sigstore.bundle.v0.3+json or the older
// application/vnd.dev.sigstore.bundle+json;version=0.x.
func IsBundleMediaType(mt string) bool {
	return strings.HasPrefix(mt, "application/vnd.dev.sigstore.bundle") && strings.Contains(mt, "+json")
}

// isBundle reports whether b is a JSON object with a Sigstore bundle
// mediaType.
func isBundle(b []byte) bool {
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	return json.Unmarshal(b, &probe) == nil && IsBundleMediaType(probe.MediaType)
}

// Verdict is the policy verdict a verified statement carries.
type Verdict struct {
	// Passed is true when the statement says the policy passed.
	Passed bool
	// Reason says why, in a sentence.
	Reason string
}

// StatementVerdict reads the verdict of a statement made by ssdf:
//
//   - a VSA (PredicateVSA) passed when its verificationResult is PASSED;
//   - a report statement (PredicateReport) passed when no required check
//     of the report in its predicate has status fail (recomputed from the
//     results, not read from a summary; unknown does not fail, as
//     `ssdf scan` without --fail-on unknown).
//
// Any other predicate type, or a predicate that cannot be read, is an
// error.
func StatementVerdict(st *ita.Statement) (Verdict, error) {
	pred, err := protojson.Marshal(st.GetPredicate())
	if err != nil {
		return Verdict{}, fmt.Errorf("predicate: %w", err)
	}
	switch st.GetPredicateType() {
	case PredicateVSA:
		var p struct {
			VerificationResult string `json:"verificationResult"`
		}
		if err := json.Unmarshal(pred, &p); err != nil {
			return Verdict{}, fmt.Errorf("vsa predicate: %w", err)
		}
		switch p.VerificationResult {
		case Passed:
			return Verdict{Passed: true, Reason: "the verification summary says PASSED"}, nil
		case "":
			return Verdict{}, fmt.Errorf("vsa predicate: no verificationResult")
		default:
			return Verdict{Reason: fmt.Sprintf("the verification summary says %s", p.VerificationResult)}, nil
		}
	case PredicateReport:
		rep, err := report.Read(bytes.NewReader(pred))
		if err != nil {
			return Verdict{}, fmt.Errorf("report predicate: %w", err)
		}
		var failed []string
		for _, r := range rep.Results {
			if r.Required && r.Status == report.StatusFail {
				failed = append(failed, r.Check)
			}
		}
		if len(failed) > 0 {
			return Verdict{Reason: fmt.Sprintf("required check(s) failed: %s", strings.Join(failed, ", "))}, nil
		}
		return Verdict{Passed: true, Reason: "no required check failed"}, nil
	default:
		return Verdict{}, fmt.Errorf("predicate type %s carries no verdict ssdf can read", st.GetPredicateType())
	}
}
