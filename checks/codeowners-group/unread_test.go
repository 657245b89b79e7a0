package codeownersgroup

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// A CODEOWNERS over the walk's size cap is unknown, never judged. (Archives
// cannot hold a file over the cap, so the snapshot is built by hand.)
func TestUnreadFile(t *testing.T) {
	checktest.Cases(t, Check, checktest.Case{
		Name: "over the size cap",
		Snapshot: &snapshot.Snapshot{
			Target: snapshot.Target{Forge: "github"},
			Tree: snapshot.Tree{
				Files:    []string{"CODEOWNERS"},
				Contents: map[string]snapshot.Content{"CODEOWNERS": {Skipped: "5242880 bytes, over the 4194304-byte cap"}},
			},
		},
		Status: check.Unknown, Reason: "CODEOWNERS was not read",
	})
}
