// Package tracker talks to the issue trackers the CD Foundation guide names
// for PO.3.3 — GitHub Issues, GitLab issues, Bugzilla, Redmine, MantisBT and
// Trac — through one small interface. Two uses: `ssdf scan --open-issues`
// keeps one ticket per failing required check and repository (found again
// by a fingerprint, never duplicated), and audit-exceptions-tracked checks
// that an exception's ticket exists and is approved. Credentials come from
// the environment and never appear in output or errors.
package tracker

import (
	"context"
	"errors"
)

// Ticket is a tracker issue in neutral form.
type Ticket struct {
	// ID is the tracker's own identifier ("42", "ABC-7"); URL its web page.
	ID    string `json:"id"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Open is false for closed/resolved tickets.
	Open bool `json:"open"`
	// Status is the tracker's own status or resolution word.
	Status string `json:"status,omitempty"`
	// Approved says whether the ticket is in a state the organization
	// counts as an approval (a label, status or resolution, per tracker).
	Approved bool `json:"approved"`
	// Fingerprint is the ssdf fingerprint the ticket carries, if any.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Tracker is one tracker project.
type Tracker interface {
	// Kind is "github", "gitlab", "bugzilla", "redmine", "mantis" or "trac".
	Kind() string
	// Find returns the ticket (open or closed) carrying fingerprint, or
	// nil when there is none.
	Find(ctx context.Context, fingerprint string) (*Ticket, error)
	// Create opens a ticket carrying t.Fingerprint.
	Create(ctx context.Context, t Ticket) (*Ticket, error)
	// Update replaces a ticket's title and body (the fingerprint kept).
	Update(ctx context.Context, id string, t Ticket) error
	// Close closes a ticket with a comment; Reopen reopens it.
	Close(ctx context.Context, id, comment string) error
	Reopen(ctx context.Context, id, comment string) error
	// Get reads a ticket by a reference as a policy writes it: an ID, or
	// the ticket's URL.
	Get(ctx context.Context, ref string) (*Ticket, error)
}

// ErrNotFound is returned by Get for a ticket that does not exist.
var ErrNotFound = errors.New("tracker: ticket not found")

// FingerprintMarker returns the line that carries a fingerprint inside a
// ticket body (an HTML comment, invisible where the tracker renders
// Markdown or HTML).
func FingerprintMarker(fp string) string { return "<!-- ssdf:fingerprint=" + fp + " -->" }
