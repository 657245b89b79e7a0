package codeownersownersexist

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// A CODEOWNERS over the walk's size cap is unknown even when the forge
// reports no error: ssdf cannot tell whether it designates anyone.
// (Archives cannot hold a file over the cap, so the snapshot is built by
// hand.)
func TestUnreadFile(t *testing.T) {
	checktest.Cases(t, Check, checktest.Case{
		Name: "over the size cap",
		Snapshot: &snapshot.Snapshot{
			Target: snapshot.Target{Forge: "github"},
			Tree: snapshot.Tree{
				Files:    []string{".github/CODEOWNERS"},
				Contents: map[string]snapshot.Content{".github/CODEOWNERS": {Skipped: "5242880 bytes, over the 4194304-byte cap"}},
			},
			Forge: snapshot.Forge{Consulted: true, Kind: "github", Repo: &snapshot.Repo{
				CodeOwnerErrors: snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true}}},
		},
		Status: check.Unknown, Reason: ".github/CODEOWNERS was not read",
	})
}
