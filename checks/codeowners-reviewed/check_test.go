package codeownersreviewed

import (
	"context"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// A CODEOWNERS over the size cap was not read, but its history can be:
// the check judges the history. (Archives cannot hold a file over the
// cap, so the snapshot is built by hand.)
func TestUnreadFileHistory(t *testing.T) {
	s := &snapshot.Snapshot{
		Target: snapshot.Target{Forge: "github"},
		Tree: snapshot.Tree{
			Files:    []string{"CODEOWNERS"},
			Contents: map[string]snapshot.Content{"CODEOWNERS": {Skipped: "over the cap"}},
		},
		Git: snapshot.Git{Available: true, Changes: map[string]snapshot.Change{
			"CODEOWNERS": {Commit: "abc", Date: checktest.DefaultNow.AddDate(0, -1, 0)},
		}},
	}
	r := check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Passed {
		t.Errorf("got %s %q, want pass", r.Status, r.Reason)
	}
}
