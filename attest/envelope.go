package attest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	ita "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Sign signs a statement into a DSSE envelope.
func Sign(ctx context.Context, s *Signer, st *ita.Statement) (*dsse.Envelope, error) {
	payload, err := MarshalStatement(st)
	if err != nil {
		return nil, err
	}
	es, err := dsse.NewEnvelopeSigner(s)
	if err != nil {
		return nil, err
	}
	env, err := es.SignPayload(ctx, PayloadType, payload)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return env, nil
}

// MarshalEnvelope encodes an envelope as one line of JSON ending in a
// newline: a line of a JSON Lines (.intoto.jsonl) file.
func MarshalEnvelope(env *dsse.Envelope) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	return buf.Bytes(), nil
}

// Attest builds, signs and encodes both statements of a report (see the
// package doc): the report statement's envelope and the VSA's, each one
// JSON line.
func Attest(ctx context.Context, s *Signer, reportName string, reportJSON []byte, o VSAOptions) (reportEnv, vsaEnv []byte, err error) {
	st, err := ReportStatement(reportName, reportJSON)
	if err != nil {
		return nil, nil, err
	}
	vs, err := VSAStatement(reportName, reportJSON, o)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range []struct {
		st  *ita.Statement
		out *[]byte
	}{{st, &reportEnv}, {vs, &vsaEnv}} {
		env, err := Sign(ctx, s, x.st)
		if err != nil {
			return nil, nil, err
		}
		if *x.out, err = MarshalEnvelope(env); err != nil {
			return nil, nil, err
		}
	}
	return reportEnv, vsaEnv, nil
}

// Expect is what Verify checks the statement's subjects against; the zero
// value checks the signature and the statement only.
type Expect struct {
	// Report, when not nil, is the report file's bytes: a subject must
	// have its sha256.
	Report []byte
	// Commit, when not "", is the checkout's HEAD: a subject must have it
	// as gitCommit.
	Commit string
}

// Verify parses a DSSE envelope (JSON; the first non-empty line of a
// JSON Lines file), checks that v signed it, that its payload type is
// PayloadType and that the payload is a valid in-toto Statement v1, then
// the subjects against exp. Every failure of these checks satisfies
// errors.Is(err, ErrVerify) and says why.
//
// envelopeJSON may also be a Sigstore bundle holding a DSSE envelope (see
// NewBundle): the envelope in it is verified the same way. The bundle's
// publicKey.hint, like a signature's keyid, is not compared.
func Verify(ctx context.Context, envelopeJSON []byte, v *Verifier, exp Expect) (*ita.Statement, error) {
	if isBundle(envelopeJSON) {
		_, ej, err := ParseBundle(envelopeJSON)
		if err != nil {
			return nil, failf("%v", err)
		}
		envelopeJSON = ej
	}
	line := bytes.TrimSpace(envelopeJSON)
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = bytes.TrimSpace(line[:i])
	}
	var env dsse.Envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return nil, failf("envelope: not a DSSE envelope: %v", err)
	}
	if env.PayloadType != PayloadType {
		return nil, failf("envelope: payloadType %q, want %q", env.PayloadType, PayloadType)
	}
	if len(env.Signatures) == 0 {
		return nil, failf("envelope: no signatures")
	}
	// The keyid is a hint, not a check: other signers (cosign) write ""
	// or their own form, and the dsse package skips a signature whose
	// keyid differs from the verifier's. Every signature is tried instead.
	for i := range env.Signatures {
		env.Signatures[i].KeyID = ""
	}
	ev, err := dsse.NewEnvelopeVerifier(v)
	if err != nil {
		return nil, err
	}
	_, payload, err := ev.VerifyAndDecode(ctx, &env)
	if err != nil {
		return nil, failf("signature: no signature verifies with key %s: %v", v.keyID, err)
	}
	st, err := ParseStatement(payload)
	if err != nil {
		return nil, failf("%v", err)
	}
	if exp.Report != nil {
		sum := sha256.Sum256(exp.Report)
		want := hex.EncodeToString(sum[:])
		var have []string
		for _, s := range st.GetSubject() {
			if d, ok := s.GetDigest()["sha256"]; ok {
				have = append(have, d)
			}
		}
		if len(have) == 0 {
			return nil, failf("subject: the statement has no sha256 subject to match the report")
		}
		if !slices.ContainsFunc(have, func(d string) bool { return strings.EqualFold(d, want) }) {
			return nil, failf("subject: the report's sha256 is %s, the statement attests %s", want, strings.Join(have, ", "))
		}
	}
	if exp.Commit != "" {
		var have []string
		for _, s := range st.GetSubject() {
			if d, ok := s.GetDigest()["gitCommit"]; ok {
				have = append(have, d)
			}
		}
		if len(have) == 0 {
			return nil, failf("subject: the statement names no gitCommit to match the checkout")
		}
		if !slices.ContainsFunc(have, func(d string) bool { return strings.EqualFold(d, exp.Commit) }) {
			return nil, failf("subject: the checkout's HEAD is %s, the statement attests commit %s", exp.Commit, strings.Join(have, ", "))
		}
	}
	return st, nil
}
