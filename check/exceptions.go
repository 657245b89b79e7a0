package check

import (
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// ExceptionState is what the policy, the ledger and the tracker say of one
// policy exception. The driver waives with an exception only when Problems
// is empty; audit-exceptions-tracked reports the same problems, so a
// report never shows a check waived by an exception that check calls
// invalid.
type ExceptionState struct {
	// Problems is every reason the exception waives nothing: incomplete
	// or expired (policy), not approved or rejected in the ledger, missing
	// or unapproved in the tracker.
	Problems []string
	// Ledger is "approved", "rejected" or "unapproved" when the ledger
	// part applies (the ledger was consulted and holds at least one
	// exception decision), else ""; ApprovedBy is who the ledger records.
	Ledger     string
	ApprovedBy string
	// Tracker is "approved", "unapproved", "missing" or "error" when the
	// tracker was consulted and the exception names a ticket, else "";
	// Status is the tracker's own word for the ticket's state.
	Tracker string
	Status  string
	// Unread describes a ticket the tracker could not be read for
	// ("TICKET (error)"); such a ticket is not a problem, only unknown.
	Unread string
}

// AssessException is the state of e in snap at now.
func AssessException(e *policy.Exception, snap *snapshot.Snapshot, now time.Time) ExceptionState {
	st := ExceptionState{Problems: e.Problems(now)}
	if snap == nil {
		return st
	}
	ticket := strings.TrimSpace(e.Ticket)
	if led := snap.Ledger; led.Consulted && len(led.Exceptions) > 0 {
		st.Ledger, st.ApprovedBy = ledgerState(led.Exceptions, e.Check, ticket)
		switch st.Ledger {
		case "rejected":
			st.Problems = append(st.Problems, "its ticket was rejected in the ledger by "+st.ApprovedBy)
		case "unapproved":
			if ticket != "" {
				st.Problems = append(st.Problems, "no approval of its ticket is recorded in the ledger")
			}
		}
	}
	if trk := snap.Tracker; trk.Consulted && ticket != "" {
		where := "the tracker"
		if trk.Kind != "" {
			where = "the " + trk.Kind + " tracker"
		}
		t, ok := trk.Tickets[e.Ticket]
		st.Status = t.Status
		switch {
		case !ok:
			st.Tracker, st.Unread = "error", e.Ticket+" (not read)"
		case t.Error != "":
			st.Tracker, st.Unread = "error", e.Ticket+" ("+t.Error+")"
		case !t.Exists:
			st.Tracker = "missing"
			st.Problems = append(st.Problems, "its ticket "+e.Ticket+" does not exist in "+where)
		case !t.Approved:
			st.Tracker = "unapproved"
			msg := "its ticket " + e.Ticket + " is not approved in " + where
			if t.Status != "" {
				msg += " (status " + t.Status + ")"
			}
			st.Problems = append(st.Problems, msg)
		default:
			st.Tracker = "approved"
		}
	}
	return st
}

// ledgerState is the ledger's state of an exception's ticket: the newest
// approval or rejection among the decisions for the ticket (for the same
// check, or naming none) decides; with neither it is "unapproved".
func ledgerState(decs []snapshot.ExceptionDecision, checkID, ticket string) (state, by string) {
	state = "unapproved"
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
