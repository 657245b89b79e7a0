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

The policy's ` + "`exceptions`" + ` are read as loaded. An exception holds through the whole of its expiry day (UTC) and has expired from the next day on. An exception this check finds not valid — incomplete, expired, or (where they were read) not backed by the ledger or the tracker — waives nothing: the scan applies exceptions with the same rules (SPEC §2: a waiver needs an approved, ticketed, unexpired exception), and this check is where they are reported.

**pass** — every exception has ` + "`reason`" + `, ` + "`ticket`" + `, ` + "`approvedBy`" + ` and an unexpired ` + "`expires`" + `, and, where the tracker was consulted, each ticket exists there and is approved. Where no tracker was consulted, whether the tickets exist is not verified, and the reason says so and why. Details: ` + "`exceptions`" + ` (check, ticket, expires, line).

**fail** — some exception lacks one of them or has expired, or (tracker consulted) its ticket does not exist or is not approved in the tracker: one finding per such exception, at the policy file and the line where the exception starts, naming what is wrong.

**unknown** — the tracker was consulted but reading some exception's ticket failed (and nothing fails): whether it exists and is approved is not known; the reason names the ticket and the error.

**not-applicable** — the policy has no exceptions.

**The tracker part** (` + "`ssdf scan`" + ` reads each exception's ticket when the policy has exceptions). The tracker is the policy's ` + "`tracker:`" + `, else the issues of the repository's GitHub or GitLab project, as for ` + "`--open-issues`" + `, with credentials from the environment. A ticket counts as approved in the state the tracker adapter maps to approval (for GitHub and GitLab issues, the ` + "`approved`" + ` label). When no tracker is configured or it cannot be opened, the tracker is not consulted and this part adds nothing. Details: each exception's ` + "`tracker`" + ` state (` + "`approved`, `unapproved`, `missing`, `error`" + `) and the ticket's ` + "`status`" + `.

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
	// Tracker is the tracker's state of the ticket, when the tracker was
	// consulted: "approved", "unapproved", "missing" or "error"; Status
	// is the tracker's own status word.
	Tracker string `json:"tracker,omitempty"`
	Status  string `json:"status,omitempty"`
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
	trk := p.Snapshot.Tracker
	var d details
	var findings []check.Finding
	var unread []string
	for _, e := range excs {
		x := Exception{Check: e.Check, Ticket: e.Ticket, Line: e.Line}
		if !e.Expires.IsZero() {
			x.Expires = e.Expires.Format(time.DateOnly)
		}
		st := check.AssessException(&e, p.Snapshot, p.Now)
		probs := st.Problems
		x.Ledger, x.ApprovedBy, x.Tracker, x.Status = st.Ledger, st.ApprovedBy, st.Tracker, st.Status
		if st.Unread != "" {
			unread = append(unread, st.Unread)
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
		switch {
		case useLedger && trk.Consulted:
			what = "lack a reason, ticket, approver or expiry date, have expired, lack an approval in the ledger, or have a ticket missing or unapproved in the tracker"
		case useLedger:
			what = "lack a reason, ticket, approver or expiry date, have expired, or lack an approval in the ledger"
		case trk.Consulted:
			what = "lack a reason, ticket, approver or expiry date, have expired, or have a ticket missing or unapproved in the tracker"
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
	if len(unread) > 0 {
		return check.Result{
			Status:  check.Unknown,
			Reason:  fmt.Sprintf("all %d exceptions in %s are complete and unexpired%s, but reading their tickets from the tracker failed, so whether they exist and are approved is not known: %s", len(excs), file, ledgerNote, strings.Join(unread, "; ")),
			Details: d,
		}
	}
	if trk.Consulted {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("all %d exceptions in %s have a reason, a ticket, an approver and an unexpired expiry date%s; each ticket exists and is approved in the %s tracker", len(excs), file, ledgerNote, trk.Kind),
			Details: d,
		}
	}
	why := ""
	if trk.Reason != "" {
		why = " (" + trk.Reason + ")"
	}
	return check.Result{
		Status:  check.Passed,
		Reason:  fmt.Sprintf("all %d exceptions in %s have a reason, a ticket, an approver and an unexpired expiry date%s; whether the tickets exist was not verified, because no tracker was reachable%s", len(excs), file, ledgerNote, why),
		Details: d,
	}
}
