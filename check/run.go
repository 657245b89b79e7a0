package check

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Outcome is a check's result after the policy is applied.
type Outcome struct {
	Check    *Check
	Required bool
	Result   Result
	// Waiver is the exception that turned a failure into `waived`.
	Waiver *policy.Exception
}

// Run evaluates every check against the snapshot under the policy, in list
// order, and applies the policy: advisory/required settings and
// exceptions. A check that panics is `unknown`, never `pass`.
func Run(ctx context.Context, checks []*Check, snap *snapshot.Snapshot, pol *policy.Policy, now time.Time) []Outcome {
	if pol == nil {
		pol = policy.Default()
	}
	m := &memo{m: map[string]any{}}
	out := make([]Outcome, 0, len(checks))
	for _, c := range checks {
		o := Outcome{Check: c, Required: !c.Advisory}
		if cfg, ok := pol.Checks[c.ID]; ok && cfg.Required != nil {
			o.Required = *cfg.Required
		}
		if err := ctx.Err(); err != nil {
			o.Result = Resultf(Unknown, "scan cancelled before this check ran: %v", err)
		} else {
			o.Result = runOne(&Pass{Snapshot: snap, Policy: pol, Now: now, Check: c, memo: m})
		}
		applyExceptions(&o, pol.Exceptions, snap, now)
		normalise(&o.Result)
		out = append(out, o)
	}
	return out
}

func runOne(p *Pass) (r Result) {
	defer func() {
		if v := recover(); v != nil {
			r = Resultf(Unknown, "internal error in check %s: %v", p.Check.ID, v)
		}
	}()
	r = p.Check.Run(p)
	switch r.Status {
	case Passed, Failed, Unknown, NotApplicable:
	case Waived:
		// Only the driver waives, from the policy's exceptions.
		r = Resultf(Unknown, "internal error in check %s: it returned %q itself", p.Check.ID, r.Status)
	default:
		r = Resultf(Unknown, "internal error in check %s: invalid status %q", p.Check.ID, r.Status)
	}
	if r.Reason == "" {
		r.Reason = "no reason given"
	}
	return r
}

// applyExceptions turns a failure into `waived` when one valid exception
// covers all of it: an exception without paths covers the whole check; one
// with paths must match the path of every finding. Invalid or expired
// exceptions, and those the ledger or the tracker does not back (see
// AssessException), never waive anything; audit-exceptions-tracked
// reports them.
func applyExceptions(o *Outcome, excs []policy.Exception, snap *snapshot.Snapshot, now time.Time) {
	if o.Result.Status != Failed {
		return
	}
	var partial []string
	for i := range excs {
		e := &excs[i]
		if e.Check != o.Check.ID || len(AssessException(e, snap, now).Problems) > 0 {
			continue
		}
		covered := 0
		for _, f := range o.Result.Findings {
			if e.Covers(f.Path) {
				covered++
			}
		}
		if len(e.Paths) == 0 || (len(o.Result.Findings) > 0 && covered == len(o.Result.Findings)) {
			o.Result.Status = Waived
			o.Result.Reason = fmt.Sprintf("waived by the exception approved by %s until %s (%s): %s",
				e.ApprovedBy, e.Expires.Format(time.DateOnly), e.Ticket, o.Result.Reason)
			o.Waiver = e
			return
		}
		if covered > 0 {
			partial = append(partial, fmt.Sprintf("%d of %d findings are covered by the exception %s", covered, len(o.Result.Findings), e.Ticket))
		}
	}
	if len(partial) > 0 {
		o.Result.Reason += " (" + strings.Join(partial, "; ") + ", the rest are not)"
	}
}

// normalise sorts findings so that reports are deterministic.
func normalise(r *Result) {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Message, b.Message))
	})
	r.Findings = slices.Compact(r.Findings)
}
