package codeownerscoverage

import (
	"context"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// Outside git, a walk that stopped early cannot list every file: unknown.
// (Archives cannot make the walk stop, so the snapshot is built by hand.)
func TestTruncatedWalkWithoutGit(t *testing.T) {
	s := &snapshot.Snapshot{
		Target: snapshot.Target{Forge: "github"},
		Tree: snapshot.Tree{
			Files:     []string{"CODEOWNERS", "a.go"},
			Contents:  map[string]snapshot.Content{"CODEOWNERS": {Text: "* @acme/team\n"}},
			Truncated: true,
		},
		Git: snapshot.Git{Error: "not a git repository"},
	}
	r := check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Unknown || !strings.Contains(r.Reason, "not a git repository") {
		t.Errorf("got %s %q, want unknown", r.Status, r.Reason)
	}
	// With git, the tracked list is complete even if the walk was cut.
	s.Git = snapshot.Git{Available: true, Tracked: []string{"CODEOWNERS", "a.go"}}
	r = check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Passed {
		t.Errorf("with git: got %s %q, want pass", r.Status, r.Reason)
	}
}
