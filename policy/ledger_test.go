package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The ledger keys (issue 6): auditLog.freshnessHours (auditlog-retained)
// and approvers (who may approve exceptions in the ledger).
func TestLoadLedgerKeys(t *testing.T) {
	got := load(t, "version: 1\nauditLog: {freshnessHours: 48}\napprovers: [alice, bob]\n")
	want := Default()
	want.AuditLog.FreshnessHours = 48
	want.Approvers = []string{"alice", "bob"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if got := load(t, "auditLog:\napprovers:\n"); got.AuditLog.FreshnessHours != 24 || got.Approvers != nil {
		t.Errorf("null keys: %+v %v", got.AuditLog, got.Approvers)
	}
}

func TestLoadLedgerKeyErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"freshness zero", "version: 1\nauditLog:\n  freshnessHours: 0\n", "p.yaml:3: auditLog.freshnessHours: must be"},
		{"freshness a string", "auditLog: {freshnessHours: day}\n", "p.yaml:1: auditLog.freshnessHours: must be"},
		{"unknown auditLog key", "auditLog:\n  freshness: 24\n", "p.yaml:2: auditLog.freshness: unknown key; known keys are freshnessHours"},
		{"approvers a string", "approvers: alice\n", `p.yaml:1: approvers: must be a list of approver names, got "alice"`},
		{"blank approver", "approvers:\n  - alice\n  - \" \"\n", "p.yaml:3: approvers[1]: an approver name must not be blank"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("p.yaml", []byte(c.src), nil)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Load(%q) = %v, want prefix %q", c.src, err, c.want)
			}
		})
	}
}
