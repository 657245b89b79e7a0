package forge

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// AuditLogger reads an organization's (GitLab: group's) audit events, for
// `ssdf ledger collect-auditlog` (PO.4.2: keep the audit trail beyond the
// forge's own retention).
type AuditLogger interface {
	// AuditEvents returns the events of org at or after the cursor after
	// ("" for the oldest the forge still keeps), oldest first, following
	// the forge's pagination up to a bound. next is the cursor of the
	// newest event returned (after itself when none was), and more is set
	// when the bound stopped the reading before the forge's last page:
	// call again with next. Events older than after's time are never
	// returned, even when the forge ignores the filter; the event after
	// names may itself be returned again (callers deduplicate by ID).
	AuditEvents(ctx context.Context, org string, after string) (events []AuditEvent, next string, more bool, err error)
}

// AuditEvent is one audit event: its forge ID, time, action and actor,
// and the forge's JSON object as sent.
type AuditEvent struct {
	ID     string          `json:"id"`
	Time   time.Time       `json:"time"`
	Action string          `json:"action,omitempty"`
	Actor  string          `json:"actor,omitempty"`
	Raw    json.RawMessage `json:"raw"`
}

// AuditCursor is the cursor of an event: its time (RFC 3339, UTC, with
// nanoseconds as needed), a space and its ID. Forge pagination tokens
// expire, so ssdf resumes from the newest event it kept instead.
func AuditCursor(e AuditEvent) string {
	return e.Time.UTC().Format(time.RFC3339Nano) + " " + e.ID
}

// ParseAuditCursor splits a cursor made by AuditCursor; "" gives the
// zero time and ID.
func ParseAuditCursor(c string) (time.Time, string, error) {
	if c == "" {
		return time.Time{}, "", nil
	}
	ts, id, ok := strings.Cut(c, " ")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", errors.New("audit-log cursor " + quote(c) + " is not a time and an event ID")
	}
	return t, id, nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// OrderAuditEvents drops the events older than since and sorts the rest
// oldest first (events of the same time keep the forge's order).
func OrderAuditEvents(events []AuditEvent, since time.Time) []AuditEvent {
	out := events[:0]
	for _, e := range events {
		if !e.Time.Before(since) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b AuditEvent) int { return a.Time.Compare(b.Time) })
	return out
}

// AuditPages bounds the pages one AuditEvents call reads (at 100 events a
// page); the caller continues from next when more is set.
const AuditPages = 100
