// Package auditexceptionstracked implements the check
// audit-exceptions-tracked (PO.3.3): every exception in the policy is
// complete, unexpired and tied to a tracker ticket.
package auditexceptionstracked

import (
	"fmt"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/check"
)

// Check is audit-exceptions-tracked.
var Check = &check.Check{
	ID:      "audit-exceptions-tracked",
	Title:   "Policy exceptions are complete, unexpired and tracked",
	Tasks:   []string{"PO.3.3"},
	Sources: []check.Source{check.Policy, check.Ledger, check.Tracker},
	Doc: `Every exception in the policy has a reason, a ticket reference, an approver and an expiry date that is not yet past.

The policy's ` + "`exceptions`" + ` are read as loaded. An exception holds through the whole of its expiry day (UTC) and has expired from the next day on. Invalid or expired exceptions never waive anything; this check is where they are reported.

**pass** — every exception has ` + "`reason`" + `, ` + "`ticket`" + `, ` + "`approvedBy`" + ` and an unexpired ` + "`expires`" + `. Whether each ticket exists in the tracker is not verified yet: no tracker is reachable from a scan, and the reason says so. Details: ` + "`exceptions`" + ` (check, ticket, expires, line).

**fail** — some exception lacks one of them or has expired: one finding per such exception, at the policy file and the line where the exception starts, naming what is wrong.

**not-applicable** — the policy has no exceptions.`,
	Remediation: "Give every exception in `.ssdf.yaml` a `reason`, a `ticket` in the designated tracker (where the request and its approval are recorded), the `approvedBy` of who accepted the risk, and an `expires` date; when an exception expires, fix the finding it covered or renew the exception through a new, approved ticket. Remove exceptions that are no longer needed.",
	Run:         run,
}

// Exception is one exception, as the details list it.
type Exception struct {
	Check   string `json:"check"`
	Ticket  string `json:"ticket,omitempty"`
	Expires string `json:"expires,omitempty"`
	Line    int    `json:"line,omitempty"`
}

type details struct {
	Exceptions []Exception `json:"exceptions"`
}

func run(p *check.Pass) check.Result {
	excs := p.Policy.Exceptions
	if len(excs) == 0 {
		return check.Resultf(check.NotApplicable, "the policy has no exceptions")
	}
	file := ".ssdf.yaml"
	if p.Snapshot.Policy != nil && p.Snapshot.Policy.Source != "" {
		file = p.Snapshot.Policy.Source
	}
	var d details
	var findings []check.Finding
	for _, e := range excs {
		x := Exception{Check: e.Check, Ticket: e.Ticket, Line: e.Line}
		if !e.Expires.IsZero() {
			x.Expires = e.Expires.Format(time.DateOnly)
		}
		d.Exceptions = append(d.Exceptions, x)
		if probs := e.Problems(p.Now); len(probs) > 0 {
			what := "the exception for " + e.Check
			if len(e.Paths) > 0 {
				what += " (" + strings.Join(e.Paths, ", ") + ")"
			}
			findings = append(findings, check.Finding{
				Message: fmt.Sprintf("%s is not valid: %s; it waives nothing", what, strings.Join(probs, ", ")),
				Path:    file,
				Line:    e.Line,
			})
		}
	}
	if len(findings) > 0 {
		return check.Result{
			Status:   check.Failed,
			Reason:   fmt.Sprintf("%d of %d exceptions in %s lack a reason, ticket, approver or expiry date, or have expired", len(findings), len(excs), file),
			Findings: findings,
			Details:  d,
		}
	}
	return check.Result{
		Status:  check.Passed,
		Reason:  fmt.Sprintf("all %d exceptions in %s have a reason, a ticket, an approver and an unexpired expiry date; whether the tickets exist was not verified, because no tracker was reachable", len(excs), file),
		Details: d,
	}
}
