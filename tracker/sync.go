package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/report"
)

// Fingerprint identifies the ticket of one check in one repository: the
// first 16 bytes, in hex, of sha256("ssdf|<repo>|<check id>").
func Fingerprint(repo, check string) string {
	sum := sha256.Sum256([]byte("ssdf|" + repo + "|" + check))
	return hex.EncodeToString(sum[:16])
}

// Summary is what Sync did.
type Summary struct {
	Opened   []string `json:"opened,omitempty"`
	Updated  []string `json:"updated,omitempty"`
	Closed   []string `json:"closed,omitempty"`
	Reopened []string `json:"reopened,omitempty"`
	// Errors are the checks whose ticket could not be kept, with why. They
	// never change the scan's result.
	Errors []CheckError `json:"errors,omitempty"`
}

// CheckError is a tracker failure for one check.
type CheckError struct {
	Check string
	Err   error
}

func (e CheckError) Error() string { return e.Check + ": " + e.Err.Error() }

// String is the one-line summary `ssdf scan --open-issues` prints.
func (s Summary) String() string {
	line := fmt.Sprintf("%d opened, %d updated, %d closed, %d reopened, %d errors",
		len(s.Opened), len(s.Updated), len(s.Closed), len(s.Reopened), len(s.Errors))
	if len(s.Errors) > 0 {
		line += " (" + s.Errors[0].Error()
		if len(s.Errors) > 1 {
			line += fmt.Sprintf("; and %d more", len(s.Errors)-1)
		}
		line += ")"
	}
	return line
}

// Sync keeps one ticket per failing required check of rep in tr: created
// when missing, updated when its title or body changed, reopened when it
// was closed (a regression). A passing check's open ticket is closed with
// a comment. Unknown, not-applicable, waived and failing optional checks
// leave tickets alone. Every action is preceded by Find, so repeated scans
// never duplicate a ticket. A tracker failure is recorded per check in the
// Summary; the error returned is only for a cancelled context.
func Sync(ctx context.Context, tr Tracker, repo string, rep *report.Report) (Summary, error) {
	var s Summary
	for _, res := range rep.Results {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		failing := res.Required && res.Status == report.StatusFail
		if !failing && res.Status != report.StatusPass {
			continue
		}
		fp := Fingerprint(repo, res.Check)
		t, err := tr.Find(ctx, fp)
		if err != nil {
			s.Errors = append(s.Errors, CheckError{res.Check, err})
			continue
		}
		if !failing { // pass
			if t != nil && t.Open {
				msg := fmt.Sprintf("ssdf: %s passes in %s%s; closing.", res.Check, repo, at(rep))
				if err := tr.Close(ctx, t.ID, msg); err != nil {
					s.Errors = append(s.Errors, CheckError{res.Check, err})
					continue
				}
				s.Closed = append(s.Closed, res.Check)
			}
			continue
		}
		want := Ticket{Title: TicketTitle(repo, res), Body: TicketBody(repo, res), Fingerprint: fp, Open: true}
		if t == nil {
			if _, err := tr.Create(ctx, want); err != nil {
				s.Errors = append(s.Errors, CheckError{res.Check, err})
				continue
			}
			s.Opened = append(s.Opened, res.Check)
			continue
		}
		if strings.TrimSpace(t.Title) != want.Title || !sameText(t.Body, want.Body) {
			if err := tr.Update(ctx, t.ID, want); err != nil {
				s.Errors = append(s.Errors, CheckError{res.Check, err})
				continue
			}
			if t.Open {
				s.Updated = append(s.Updated, res.Check)
			}
		}
		if !t.Open {
			msg := fmt.Sprintf("ssdf: %s fails again in %s%s (regression); reopening.", res.Check, repo, at(rep))
			if err := tr.Reopen(ctx, t.ID, msg); err != nil {
				s.Errors = append(s.Errors, CheckError{res.Check, err})
				continue
			}
			s.Reopened = append(s.Reopened, res.Check)
		}
	}
	return s, nil
}

func at(rep *report.Report) string {
	if c := rep.Target.ShortCommit(); c != "" {
		return " at " + c
	}
	return ""
}

// TicketTitle is the title of a failing check's ticket.
func TicketTitle(repo string, res report.Result) string {
	title := res.Title
	if title == "" {
		title = res.Check
	}
	return fmt.Sprintf("ssdf: %s fails (%s) in %s", res.Check, title, repo)
}

// TicketBody is the body of a failing check's ticket (Markdown, without
// the fingerprint marker the adapters add). It holds nothing that changes
// from scan to scan unless the findings do (no date, no commit), so an
// unchanged failure is not rewritten.
func TicketBody(repo string, res report.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The required check `%s` fails in %s", res.Check, repo)
	if len(res.Tasks) > 0 {
		fmt.Fprintf(&b, " (SSDF %s)", strings.Join(res.Tasks, ", "))
	}
	b.WriteString(".\n")
	if res.Reason != "" {
		fmt.Fprintf(&b, "\n%s\n", res.Reason)
	}
	if len(res.Findings) > 0 {
		b.WriteString("\nFindings:\n\n")
		for _, f := range res.Findings {
			b.WriteString("- ")
			if f.Path != "" {
				b.WriteString("`" + f.Path)
				if f.Line > 0 {
					fmt.Fprintf(&b, ":%d", f.Line)
				}
				b.WriteString("`: ")
			}
			b.WriteString(f.Message + "\n")
		}
	}
	if res.Remediation != "" {
		fmt.Fprintf(&b, "\nRemediation:\n\n%s\n", res.Remediation)
	}
	b.WriteString("\nThis issue is kept by `ssdf scan --open-issues`: it is updated while the check fails and closed when it passes.\n")
	return b.String()
}

// sameText compares ticket texts as a tracker gives them back: Redmine
// (seen on a real one) stores every line ending as CRLF, and trackers trim
// surrounding blank space, neither of which is a change worth rewriting.
func sameText(a, b string) bool {
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return norm(a) == norm(b)
}
