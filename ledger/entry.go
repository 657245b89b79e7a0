package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// The entry types.
const (
	TypeScan        = "scan"
	TypeReview      = "review"
	TypeException   = "exception"
	TypeAttestation = "attestation"
	TypeAuditLog    = "auditlog"
)

// Record is the content of one ledger entry. Its JSON form carries a
// "type" member naming the concrete type (see Canonical).
type Record interface {
	// Type is the entry's "type": one of the Type constants.
	Type() string
}

// Scan records one scan's result.
type Scan struct {
	// ReportDigest is "sha256:" and the hex digest of the JSON report
	// (as `ssdf scan --format json` writes it).
	ReportDigest string `json:"reportDigest"`
	Target       string `json:"target"`
	Commit       string `json:"commit,omitempty"`
	// Tasks maps each SSDF task ID to its status in the report.
	Tasks map[string]string `json:"tasks"`
	At    time.Time         `json:"at"`
}

// Review records a person's review of the CODEOWNERS content (Subject
// "codeowners", Digest set) or of an organization's owner list (Subject
// "owners", Org and Owners set).
type Review struct {
	Subject string    `json:"subject"`
	Digest  string    `json:"digest,omitempty"`
	Org     string    `json:"org,omitempty"`
	Owners  []string  `json:"owners,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Review subjects.
const (
	SubjectCodeowners = "codeowners"
	SubjectOwners     = "owners"
)

// Exception records an exception request, approval or rejection.
type Exception struct {
	// Action is "request", "approve" or "reject".
	Action   string    `json:"action"`
	Check    string    `json:"check"`
	Ticket   string    `json:"ticket,omitempty"`
	Approver string    `json:"approver,omitempty"`
	Expires  string    `json:"expires,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Exception actions.
const (
	ActionRequest = "request"
	ActionApprove = "approve"
	ActionReject  = "reject"
)

// Attestation records a signed attestation that ssdf issued.
type Attestation struct {
	// EnvelopeDigest is "sha256:" and the hex digest of the DSSE envelope.
	EnvelopeDigest string    `json:"envelopeDigest"`
	At             time.Time `json:"at"`
}

// AuditLog records one collection of forge audit events: the events
// appended, and the cursor to resume from next time. Gap is set when the
// forge could no longer give every event since the previous cursor.
type AuditLog struct {
	Org    string            `json:"org"`
	Cursor string            `json:"cursor"`
	Events []json.RawMessage `json:"events,omitempty"`
	Gap    bool              `json:"gap,omitempty"`
	At     time.Time         `json:"at"`
}

// Unknown is an entry of a type this version does not know; it keeps the
// canonical bytes so that it still verifies and lists.
type Unknown struct {
	Kind string
	Raw  json.RawMessage
}

func (Scan) Type() string        { return TypeScan }
func (Review) Type() string      { return TypeReview }
func (Exception) Type() string   { return TypeException }
func (Attestation) Type() string { return TypeAttestation }
func (AuditLog) Type() string    { return TypeAuditLog }
func (u Unknown) Type() string   { return u.Kind }

// Canonical returns a record's canonical bytes, the bytes the ledger
// stores and hashes:
//
//   - one JSON object: the record's members plus "type" naming its type;
//   - object members sorted by key (byte order of the UTF-8 key, at every
//     depth), arrays kept in order;
//   - no insignificant whitespace, no trailing newline;
//   - strings escaped as Go's encoding/json does without HTML escaping
//     (only '"', '\\' and control characters, U+2028 and U+2029);
//   - numbers as written by encoding/json (integers without exponent);
//   - times in RFC 3339 with nanoseconds as needed, in the time's zone
//     (ssdf writes UTC).
//
// The leaf hash of an entry is the RFC 6962 record hash of these bytes.
// Canonical bytes are never recomputed for verification: the stored bytes
// are what is hashed, so a later change of this encoding cannot break old
// entries.
func Canonical(r Record) ([]byte, error) {
	if u, ok := r.(Unknown); ok {
		return canonicalJSON(u.Raw)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode %s entry: %w", r.Type(), err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("ledger: encode %s entry: %w", r.Type(), err)
	}
	if _, dup := m["type"]; dup {
		return nil, fmt.Errorf("ledger: %s entry has a member named type", r.Type())
	}
	m["type"] = r.Type()
	return marshalCanonical(m)
}

func canonicalJSON(b []byte) ([]byte, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("ledger: canonical JSON: %w", err)
	}
	return marshalCanonical(v)
}

// marshalCanonical relies on encoding/json writing map keys sorted.
func marshalCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Decode parses an entry's stored bytes into its Record. An entry of a
// type this version does not know decodes as Unknown.
func Decode(data []byte) (Record, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("ledger: decode entry: %w", err)
	}
	var r Record
	switch head.Type {
	case TypeScan:
		var v Scan
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("ledger: decode scan entry: %w", err)
		}
		r = v
	case TypeReview:
		var v Review
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("ledger: decode review entry: %w", err)
		}
		r = v
	case TypeException:
		var v Exception
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("ledger: decode exception entry: %w", err)
		}
		r = v
	case TypeAttestation:
		var v Attestation
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("ledger: decode attestation entry: %w", err)
		}
		r = v
	case TypeAuditLog:
		var v AuditLog
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("ledger: decode auditlog entry: %w", err)
		}
		r = v
	default:
		r = Unknown{Kind: head.Type, Raw: append(json.RawMessage(nil), data...)}
	}
	return r, nil
}
