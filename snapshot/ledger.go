package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Ledger holds the facts read from ssdf's evidence ledger (`ssdf scan
// --ledger`) that concern the target: reviews, exception decisions and the
// audit-log collection state of its organization. Consulted is false when
// no ledger was read; Reason then says why ("no --ledger given", or the
// error), and ledger-sourced checks are unknown rather than failing.
type Ledger struct {
	Consulted bool   `json:"consulted"`
	Reason    string `json:"reason,omitempty"`
	// CodeownersReviews are the recorded reviews of a CODEOWNERS content
	// (every one in the ledger: the digest says which content), oldest first.
	CodeownersReviews []CodeownersReview `json:"codeownersReviews,omitempty"`
	// OwnerReviews are the recorded reviews of the owner list of the
	// target's organization, oldest first.
	OwnerReviews []OwnerReview `json:"ownerReviews,omitempty"`
	// Exceptions are the recorded exception decisions, oldest first.
	Exceptions []ExceptionDecision `json:"exceptions,omitempty"`
	// AuditLog is the state of the audit-log collection for the target's
	// organization; nil when the ledger holds no collection for it.
	AuditLog *AuditLogCollection `json:"auditLog,omitempty"`
}

// CodeownersReview is a recorded review of a CODEOWNERS content.
type CodeownersReview struct {
	// Digest is ContentDigest of the reviewed file's text.
	Digest string    `json:"digest"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// OwnerReview is a recorded review of an organization's owner list.
type OwnerReview struct {
	Org    string    `json:"org"`
	Owners []string  `json:"owners"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// ExceptionDecision is a recorded exception request, approval or
// rejection.
type ExceptionDecision struct {
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

// AuditLogCollection is the newest audit-log collection for an org.
type AuditLogCollection struct {
	Org           string    `json:"org"`
	LastCollected time.Time `json:"lastCollected"`
	// Gap is set when the newest collection could not give every event
	// since the previous cursor (the forge had dropped some).
	Gap    bool   `json:"gap,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

// ContentDigest is the digest under which a file's content is reviewed:
// "sha256:" and the hex sha256 of its text, as read.
func ContentDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:])
}
