// Package auditexceptionstracked implements the check
// audit-exceptions-tracked (PO.3.3): every exception in the policy is
// complete, unexpired and tied to a tracker ticket.
package auditexceptionstracked

import (
	"fmt"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
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

**not-applicable** — the policy has no exceptions.

**The ledger part** (` + "`ssdf ledger exception request|approve|reject`" + `, read back by ` + "`ssdf scan --ledger`" + `). When the ledger was consulted and holds at least one exception decision, it is the audit trail of exception decisions (PO.3.3), and each policy exception must also be backed by it: among the decisions for its ticket (same ` + "`ticket`" + `, for the same check or naming no check), the newest approval or rejection must be an approval. An exception whose ticket the ledger records as rejected, or for which no approval is recorded, fails with a finding at its line. A ledger that holds no exception decision at all (an organization that records decisions only in its tracker) adds nothing: the policy's ` + "`approvedBy`" + ` is then the record, and the reason says so; so does a scan without ` + "`--ledger`" + `. Details: each exception's ` + "`ledger`" + ` state (` + "`approved`, `rejected`, `unapproved`" + `) and ` + "`approvedBy`" + ` from the ledger.`,
	Remediation: "Give every exception in `.ssdf.yaml` a `reason`, a `ticket` in the designated tracker (where the request and its approval are recorded), the `approvedBy` of who accepted the risk, and an `expires` date; when an exception expires, fix the finding it covered or renew the exception through a new, approved ticket. Remove exceptions that are no longer needed.",
	Run:         run,
}

// Exception is one exception, as the details list it.
type Exception struct {
	Check   string `json:"check"`
	Ticket  string `json:"ticket,omitempty"`
	Expires string `json:"expires,omitempty"`
	Line    int    `json:"line,omitempty"`
	// Ledger is the ledger's state of the ticket, when the ledger part
	// applies: "approved", "rejected" or "unapproved".
	Ledger string `json:"ledger,omitempty"`
	// ApprovedBy is who the ledger records as approving (or rejecting).
	ApprovedBy string `json:"approvedBy,omitempty"`
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
	led := p.Snapshot.Ledger
	useLedger := led.Consulted && len(led.Exceptions) > 0
	var d details
	var findings []check.Finding
	for _, e := range excs {
		x := Exception{Check: e.Check, Ticket: e.Ticket, Line: e.Line}
		if !e.Expires.IsZero() {
			x.Expires = e.Expires.Format(time.DateOnly)
		}
		probs := e.Problems(p.Now)
		if useLedger {
			st, by := ledgerState(led.Exceptions, e.Check, e.Ticket)
			x.Ledger, x.ApprovedBy = st, by
			switch st {
			case "rejected":
				probs = append(probs, "its ticket was rejected in the ledger by "+by)
			case "unapproved":
				if e.Ticket != "" {
					probs = append(probs, "no approval of its ticket is recorded in the ledger")
				}
			}
		}
		d.Exceptions = append(d.Exceptions, x)
		if len(probs) > 0 {
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
		what := "lack a reason, ticket, approver or expiry date, or have expired"
		if useLedger {
			what = "lack a reason, ticket, approver or expiry date, have expired, or lack an approval in the ledger"
		}
		return check.Result{
			Status:   check.Failed,
			Reason:   fmt.Sprintf("%d of %d exceptions in %s %s", len(findings), len(excs), file, what),
			Findings: findings,
			Details:  d,
		}
	}
	ledgerNote := ""
	switch {
	case useLedger:
		ledgerNote = "; the ledger records the approval of each ticket"
	case led.Consulted:
		ledgerNote = "; no exception decision is recorded in the ledger, so the policy's approvers are the record"
	}
	return check.Result{
		Status:  check.Passed,
		Reason:  fmt.Sprintf("all %d exceptions in %s have a reason, a ticket, an approver and an unexpired expiry date%s; whether the tickets exist was not verified, because no tracker was reachable", len(excs), file, ledgerNote),
		Details: d,
	}
}

// ledgerState is the ledger's state of an exception's ticket: the newest
// approval or rejection among the decisions for the ticket (for the same
// check, or naming none) decides; with neither it is "unapproved".
func ledgerState(decs []snapshot.ExceptionDecision, checkID, ticket string) (state, by string) {
	state = "unapproved"
	ticket = strings.TrimSpace(ticket)
	if ticket == "" {
		return state, ""
	}
	for _, x := range decs {
		if strings.TrimSpace(x.Ticket) != ticket || (x.Check != "" && x.Check != checkID) {
			continue
		}
		who := x.Approver
		if who == "" {
			who = x.By
		}
		switch x.Action {
		case "approve":
			state, by = "approved", who
		case "reject":
			state, by = "rejected", who
		}
	}
	return state, by
}
