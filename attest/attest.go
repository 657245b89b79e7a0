// Package attest signs ssdf reports as in-toto attestations and verifies
// them (SSDF PO.3.3: a signed audit trail of every scan).
//
// A report is attested by two in-toto Statements v1
// (https://in-toto.io/Statement/v1), each in a DSSE envelope
// (https://github.com/secure-systems-lab/dsse) of payload type
// application/vnd.in-toto+json:
//
//   - the report statement, predicate type PredicateReport
//     ("https://ssdf.dev/attestation/report/v1"), whose predicate is the
//     report JSON itself. The "/v1" names the predicate's version: it is
//     the report of schema ssdf.report/v1 and changes (to /v2) only when the
//     report schema does;
//   - the verification summary, predicate type PredicateVSA
//     ("https://slsa.dev/verification_summary/v1", SLSA VSA v1), for
//     consumers that only read VSAs: see VSAStatement for the fields.
//
// Both have the same subjects: the scanned commit, {"name": target URL (or
// path), "digest": {"gitCommit": HEAD}} when the report has a commit, and
// the report file, {"name": its base name, "digest": {"sha256": …}}. The
// report file subject binds the attestation to the exact bytes written, so
// that `ssdf verify --report` can tell an edited report.
//
// Signatures are ECDSA P-256 with SHA-256 (ASN.1 DER, as cosign makes
// them) or Ed25519, over the DSSE pre-authentication encoding. The keyid of
// a signature is the lowercase hex SHA-256 of the public key's PKIX
// (SubjectPublicKeyInfo) DER encoding.
package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	ita "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ssdf-dev/ssdf/report"
)

// The type URIs.
const (
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// StatementType is the in-toto Statement v1 _type.
	StatementType = ita.StatementTypeUri
	// PredicateReport is ssdf's own predicate: the report of schema
	// ssdf.report/v1.
	PredicateReport = "https://ssdf.dev/attestation/report/v1"
	// PredicateVSA is the SLSA Verification Summary Attestation v1.
	PredicateVSA = "https://slsa.dev/verification_summary/v1"
	// VerifierID is the VSA verifier.id.
	VerifierID = "https://github.com/ssdf-dev/ssdf"
)

// The VSA verificationResult values.
const (
	Passed = "PASSED"
	Failed = "FAILED"
)

// LevelPassed is the VSA verifiedLevels entry of a report in which no
// required check failed. See VSAStatement.
const LevelPassed = "SSDF_PO_PASSED"

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Subjects returns the statement subjects of a report: the scanned commit
// (when the report has one) and the report file, named by reportName's
// base name and digested from reportJSON, the file's exact bytes.
func Subjects(rep *report.Report, reportName string, reportJSON []byte) []*ita.ResourceDescriptor {
	var out []*ita.ResourceDescriptor
	if c := strings.ToLower(rep.Target.Commit); commitRE.MatchString(c) {
		out = append(out, &ita.ResourceDescriptor{Name: targetName(rep), Digest: map[string]string{"gitCommit": c}})
	}
	sum := sha256.Sum256(reportJSON)
	out = append(out, &ita.ResourceDescriptor{
		Name:   path.Base(strings.ReplaceAll(reportName, `\`, "/")),
		Digest: map[string]string{"sha256": hex.EncodeToString(sum[:])},
	})
	return out
}

// targetName is the name of the commit subject and the VSA resourceUri: the
// target's URL, else its path.
func targetName(rep *report.Report) string {
	if rep.Target.URL != "" {
		return rep.Target.URL
	}
	if rep.Target.Path != "" {
		return rep.Target.Path
	}
	return "."
}

// ParseReport reads a report file's bytes.
func ParseReport(reportJSON []byte) (*report.Report, error) {
	return report.Read(bytes.NewReader(reportJSON))
}

// ReportStatement returns the report statement: Subjects, PredicateReport,
// and the report JSON as the predicate.
func ReportStatement(reportName string, reportJSON []byte) (*ita.Statement, error) {
	rep, err := ParseReport(reportJSON)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(reportJSON, &m); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	pred, err := structpb.NewStruct(m)
	if err != nil {
		return nil, fmt.Errorf("report predicate: %w", err)
	}
	st := &ita.Statement{
		Type:          StatementType,
		Subject:       Subjects(rep, reportName, reportJSON),
		PredicateType: PredicateReport,
		Predicate:     pred,
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("report statement: %w", err)
	}
	return st, nil
}

// VSAOptions tune the verdict of the verification summary.
type VSAOptions struct {
	// UnknownFails makes a required check that is unknown fail the
	// verification too, as `ssdf scan --fail-on unknown` does.
	UnknownFails bool
}

// vsa is the SLSA VSA v1 predicate
// (https://slsa.dev/spec/v1.0/verification_summary). It is written by hand
// rather than with the in-toto VSA proto, whose verifier lacks version.
type vsa struct {
	Verifier           vsaVerifier   `json:"verifier"`
	TimeVerified       string        `json:"timeVerified"`
	ResourceURI        string        `json:"resourceUri"`
	Policy             vsaDescriptor `json:"policy"`
	InputAttestations  []any         `json:"inputAttestations,omitempty"`
	VerificationResult string        `json:"verificationResult"`
	VerifiedLevels     []string      `json:"verifiedLevels"`
	SlsaVersion        string        `json:"slsaVersion"`
}

type vsaVerifier struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version,omitempty"`
}

type vsaDescriptor struct {
	URI    string            `json:"uri,omitempty"`
	Digest map[string]string `json:"digest,omitempty"`
}

// VSAStatement returns the SLSA Verification Summary of a report, with the
// same subjects as ReportStatement and this predicate:
//
//   - verifier: {id: VerifierID, version: {"ssdf": report tool version}};
//   - timeVerified: the report's generatedAt;
//   - resourceUri: the target URL, else its path;
//   - policy: {uri: the policy source (omitted for the embedded
//     "default"), digest: {sha256: the report's policy digest}};
//   - verificationResult: FAILED when a required check failed (with
//     UnknownFails, also when one was unknown), else PASSED;
//   - verifiedLevels: on PASSED, LevelPassed followed by
//     SSDF_<TASK>_PASSED for every SSDF task whose status is pass (dots
//     as underscores, e.g. SSDF_PO_2_1_PASSED), sorted; on FAILED, just
//     ["FAILED"] (VSA: "or FAILED if policy verification failed"). No
//     value starts with SLSA_, which the VSA reserves for SLSA tracks;
//   - slsaVersion: "1.0".
func VSAStatement(reportName string, reportJSON []byte, o VSAOptions) (*ita.Statement, error) {
	rep, err := ParseReport(reportJSON)
	if err != nil {
		return nil, err
	}
	p := vsa{
		Verifier:     vsaVerifier{ID: VerifierID},
		TimeVerified: rep.GeneratedAt.UTC().Format(time.RFC3339),
		ResourceURI:  targetName(rep),
		SlsaVersion:  "1.0",
	}
	if rep.Tool.Version != "" {
		p.Verifier.Version = map[string]string{"ssdf": rep.Tool.Version}
	}
	if rep.Policy.Source != "" && rep.Policy.Source != "default" {
		p.Policy.URI = rep.Policy.Source
	}
	if alg, hexd, ok := strings.Cut(rep.Policy.Digest, ":"); ok && hexd != "" {
		p.Policy.Digest = map[string]string{alg: hexd}
	}
	if p.Policy.URI == "" && p.Policy.Digest == nil {
		p.Policy.URI = "default"
	}
	if rep.Failed(o.UnknownFails) {
		p.VerificationResult = Failed
		p.VerifiedLevels = []string{Failed}
	} else {
		p.VerificationResult = Passed
		p.VerifiedLevels = []string{LevelPassed}
		var tasks []string
		for _, t := range rep.Tasks {
			if t.Status == report.StatusPass {
				tasks = append(tasks, "SSDF_"+strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToUpper(t.ID))+"_PASSED")
			}
		}
		// rep.Tasks is sorted by ID (SPEC §4), so tasks is too.
		p.VerifiedLevels = append(p.VerifiedLevels, tasks...)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	pred, err := structpb.NewStruct(m)
	if err != nil {
		return nil, fmt.Errorf("vsa predicate: %w", err)
	}
	st := &ita.Statement{
		Type:          StatementType,
		Subject:       Subjects(rep, reportName, reportJSON),
		PredicateType: PredicateVSA,
		Predicate:     pred,
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("vsa statement: %w", err)
	}
	return st, nil
}

// MarshalStatement encodes a statement as compact JSON. protojson varies
// its whitespace from build to build on purpose; compacting removes it, so
// that the same report gives the same bytes (fields in proto order, map
// keys sorted).
func MarshalStatement(st *ita.Statement) ([]byte, error) {
	b, err := protojson.MarshalOptions{UseProtoNames: false}.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseStatement decodes and validates an in-toto statement v1.
func ParseStatement(b []byte) (*ita.Statement, error) {
	var st ita.Statement
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	if st.GetType() != StatementType {
		return nil, fmt.Errorf("statement: _type %q, want %q", st.GetType(), StatementType)
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	return &st, nil
}

// ErrVerify marks every reason an envelope does not verify (as opposed to
// an unreadable input): errors.Is(err, ErrVerify).
var ErrVerify = errors.New("verification failed")

type verifyError struct{ msg string }

func (e *verifyError) Error() string { return e.msg }
func (e *verifyError) Is(t error) bool {
	return t == ErrVerify
}

func failf(format string, args ...any) error {
	return &verifyError{msg: fmt.Sprintf(format, args...)}
}
