package checktest

import (
	"context"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Case is a snapshot built by hand, for what an archive cannot hold (a
// file over the walk's size cap, a symlink, a walk cut short), and what c
// must say about it.
type Case struct {
	Name     string
	Snapshot *snapshot.Snapshot
	Status   check.Status
	Reason   string // a part of the reason
}

// Cases runs c over each case's snapshot with the default policy at
// DefaultNow, one subtest each, and requires the case's status and a
// reason containing its Reason.
func Cases(t *testing.T, c *check.Check, cases ...Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			r := check.Run(context.Background(), []*check.Check{c}, tc.Snapshot, policy.Default(), DefaultNow)[0].Result
			if r.Status != tc.Status || !strings.Contains(r.Reason, tc.Reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.Status, tc.Reason)
			}
		})
	}
}
