package check

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func fixed(r Result) *Check {
	return &Check{ID: "test-check", Title: "t", Tasks: []string{"PO.2.1"}, Sources: []Source{Files}, Doc: "d", Remediation: "r",
		Run: func(*Pass) Result { return r }}
}

func failing(paths ...string) Result {
	r := Result{Status: Failed, Reason: "broken"}
	for _, p := range paths {
		r.Findings = append(r.Findings, Finding{Message: "m", Path: p, Line: 1})
	}
	return r
}

func valid(check string, paths ...string) policy.Exception {
	return policy.Exception{Check: check, Paths: paths, Reason: "r", Ticket: "T-1", ApprovedBy: "alice", Expires: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
}

func TestExceptions(t *testing.T) {
	expired := valid("test-check")
	expired.Expires = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	unapproved := valid("test-check")
	unapproved.ApprovedBy = ""
	for _, tc := range []struct {
		name   string
		result Result
		exc    []policy.Exception
		want   Status
		reason string
	}{
		{"no exception", failing("a"), nil, Failed, "^broken$"},
		{"whole check", failing("a", "b"), []policy.Exception{valid("test-check")}, Waived, "alice until 2026-11-26"},
		{"expires today still holds", failing(), []policy.Exception{valid("test-check")}, Waived, ""},
		{"expired", failing("a"), []policy.Exception{expired}, Failed, "^broken$"},
		{"unapproved", failing("a"), []policy.Exception{unapproved}, Failed, "^broken$"},
		{"other check", failing("a"), []policy.Exception{valid("other-check")}, Failed, "^broken$"},
		{"paths cover all", failing("tools/legacy/a", "tools/legacy/b/c"), []policy.Exception{valid("test-check", "tools/legacy/**")}, Waived, ""},
		{"paths cover some", failing("tools/legacy/a", "src/b"), []policy.Exception{valid("test-check", "tools/legacy/**")}, Failed, "1 of 2 findings are covered"},
		{"paths but no findings", failing(), []policy.Exception{valid("test-check", "tools/**")}, Failed, ""},
		{"pass untouched", Result{Status: Passed, Reason: "ok"}, []policy.Exception{valid("test-check")}, Passed, ""},
		{"unknown never waived", Result{Status: Unknown, Reason: "?"}, []policy.Exception{valid("test-check")}, Unknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := policy.Default()
			pol.Exceptions = tc.exc
			out := Run(context.Background(), []*Check{fixed(tc.result)}, &snapshot.Snapshot{}, pol, now)[0]
			if out.Result.Status != tc.want {
				t.Errorf("status = %s, want %s (%s)", out.Result.Status, tc.want, out.Result.Reason)
			}
			if tc.reason != "" && !matches(tc.reason, out.Result.Reason) {
				t.Errorf("reason %q, want %q", out.Result.Reason, tc.reason)
			}
			if (out.Waiver != nil) != (tc.want == Waived) {
				t.Errorf("waiver = %v", out.Waiver)
			}
		})
	}
}

func matches(want, got string) bool {
	switch {
	case strings.HasPrefix(want, "^") && strings.HasSuffix(want, "$"):
		return got == want[1:len(want)-1]
	}
	return strings.Contains(got, want)
}

func TestRunGuards(t *testing.T) {
	panics := fixed(Result{})
	panics.Run = func(*Pass) Result { panic("boom") }
	selfWaived := fixed(Result{Status: Waived, Reason: "x"})
	bogus := fixed(Result{Status: "great"})
	for _, c := range []*Check{panics, selfWaived, bogus} {
		out := Run(context.Background(), []*Check{c}, &snapshot.Snapshot{}, nil, now)[0]
		if out.Result.Status != Unknown || !strings.Contains(out.Result.Reason, "internal error") {
			t.Errorf("got %s %q, want unknown internal error", out.Result.Status, out.Result.Reason)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := Run(ctx, []*Check{fixed(Result{Status: Passed, Reason: "ok"})}, &snapshot.Snapshot{}, nil, now)[0]
	if out.Result.Status != Unknown {
		t.Errorf("cancelled: %s, want unknown", out.Result.Status)
	}
}

func TestRequired(t *testing.T) {
	c := fixed(Result{Status: Passed, Reason: "ok"})
	c.Advisory = true
	pol := policy.Default()
	if Run(context.Background(), []*Check{c}, &snapshot.Snapshot{}, pol, now)[0].Required {
		t.Error("advisory check reported as required")
	}
	yes := true
	pol.Checks["test-check"] = policy.CheckConfig{Required: &yes}
	if !Run(context.Background(), []*Check{c}, &snapshot.Snapshot{}, pol, now)[0].Required {
		t.Error("policy required: true ignored")
	}
}

func TestMemoSharedAcrossChecks(t *testing.T) {
	calls := 0
	mk := func(id string) *Check {
		c := fixed(Result{})
		c.ID = id
		c.Run = func(p *Pass) Result {
			n := Memo(p, "k", func() int { calls++; return 42 })
			return Resultf(Passed, "%d", n)
		}
		return c
	}
	Run(context.Background(), []*Check{mk("a-one"), mk("a-two")}, &snapshot.Snapshot{}, nil, now)
	if calls != 1 {
		t.Errorf("memoised function ran %d times, want 1", calls)
	}
}

func TestValidate(t *testing.T) {
	good := fixed(Result{})
	bad := &Check{ID: "Bad_ID", Tasks: []string{"PO.9.9"}}
	if err := Validate([]*Check{good}); err != nil {
		t.Errorf("valid list: %v", err)
	}
	err := Validate([]*Check{good, bad, good})
	if err == nil {
		t.Fatal("invalid list accepted")
	}
	for _, want := range []string{"malformed ID", "unknown task", "title, doc and remediation", "no Run", "listed twice", "not sorted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestExceptionsBackedByLedgerAndTracker: an exception the ledger rejects
// or the tracker does not back waives nothing — the driver and
// audit-exceptions-tracked agree — while an unreadable ticket is only
// unknown and does not stop the waiver.
func TestExceptionsBackedByLedgerAndTracker(t *testing.T) {
	at := now.Add(-time.Hour)
	ledger := func(actions ...string) snapshot.Ledger {
		l := snapshot.Ledger{Consulted: true}
		for _, a := range actions {
			l.Exceptions = append(l.Exceptions, snapshot.ExceptionDecision{Action: a, Check: "test-check", Ticket: "T-1", By: "bob", At: at})
		}
		return l
	}
	tracker := func(ts snapshot.TicketState) snapshot.Tracker {
		return snapshot.Tracker{Consulted: true, Kind: "redmine", Tickets: map[string]snapshot.TicketState{"T-1": ts}}
	}
	for _, tc := range []struct {
		name string
		snap snapshot.Snapshot
		want Status
	}{
		{"ledger approves", snapshot.Snapshot{Ledger: ledger("request", "approve")}, Waived},
		{"ledger rejects", snapshot.Snapshot{Ledger: ledger("approve", "reject")}, Failed},
		{"ledger has only a request", snapshot.Snapshot{Ledger: ledger("request")}, Failed},
		{"ledger without exception decisions", snapshot.Snapshot{Ledger: snapshot.Ledger{Consulted: true}}, Waived},
		{"tracker approves", snapshot.Snapshot{Tracker: tracker(snapshot.TicketState{Exists: true, Open: true, Approved: true})}, Waived},
		{"tracker: not approved", snapshot.Snapshot{Tracker: tracker(snapshot.TicketState{Exists: true, Open: true, Status: "New"})}, Failed},
		{"tracker: missing", snapshot.Snapshot{Tracker: tracker(snapshot.TicketState{})}, Failed},
		{"tracker: unreadable", snapshot.Snapshot{Tracker: tracker(snapshot.TicketState{Error: "HTTP 503"})}, Waived},
		{"tracker not consulted", snapshot.Snapshot{Tracker: snapshot.Tracker{Reason: "no token"}}, Waived},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := policy.Default()
			pol.Exceptions = []policy.Exception{valid("test-check")}
			out := Run(context.Background(), []*Check{fixed(failing("a"))}, &tc.snap, pol, now)[0]
			if out.Result.Status != tc.want {
				t.Errorf("status = %s, want %s (%s)", out.Result.Status, tc.want, out.Result.Reason)
			}
			st := AssessException(&pol.Exceptions[0], &tc.snap, now)
			if (len(st.Problems) == 0) != (tc.want == Waived) {
				t.Errorf("AssessException problems %v disagree with the driver (%s)", st.Problems, out.Result.Status)
			}
		})
	}
}
