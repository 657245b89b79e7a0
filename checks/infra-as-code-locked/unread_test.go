package infraascodelocked

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Archives cannot hold a file over the walk's cap, a symlink or a cut-short
// walk, so these snapshots are built by hand.
func TestUnread(t *testing.T) {
	var cases []checktest.Case
	for _, c := range []struct {
		name   string
		tree   snapshot.Tree
		status check.Status
		reason string
	}{{
		name: "over the cap",
		tree: snapshot.Tree{
			Files: []string{"big.tf", "main.tf"},
			Contents: map[string]snapshot.Content{
				"big.tf":  {Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5242880},
				"main.tf": {Text: "resource \"x\" \"y\" {}\n"},
			},
		},
		status: check.Unknown,
		reason: "1 OpenTofu/Terraform files could not be read or parsed",
	}, {
		name: "symlinked lock file",
		tree: snapshot.Tree{
			Files:    []string{"main.tf"},
			Contents: map[string]snapshot.Content{"main.tf": {Text: "provider \"aws\" {}\n"}},
			Skipped:  []snapshot.Skipped{{Path: ".terraform.lock.hcl", Reason: "symlink, not followed"}},
		},
		status: check.Unknown,
		reason: "1 lock files of root modules could not be read or proven",
	}, {
		name: "walk cut short, lock absent",
		tree: snapshot.Tree{
			Files:     []string{"main.tf"},
			Contents:  map[string]snapshot.Content{"main.tf": {Text: "provider \"aws\" {}\n"}},
			Truncated: true,
			Error:     "walk stopped at the cap of 1000000 entries",
		},
		status: check.Unknown,
		reason: "the walk of the repository was cut short",
	}, {
		name:   "walk cut short, nothing seen",
		tree:   snapshot.Tree{Truncated: true, Error: "walk cancelled"},
		status: check.Unknown,
		reason: "no OpenTofu/Terraform file was seen, but the walk of the repository was cut short",
	}, {
		name: "walk cut short, a module unpinned",
		tree: snapshot.Tree{
			Files:     []string{"main.tf"},
			Contents:  map[string]snapshot.Content{"main.tf": {Text: "module \"m\" {\n  source = \"a/b/c\"\n}\n"}},
			Truncated: true,
		},
		status: check.Failed,
		reason: "1 registry module calls have no exact version",
	}} {
		cases = append(cases, checktest.Case{Name: c.name, Snapshot: &snapshot.Snapshot{Target: snapshot.Target{Forge: "github"}, Tree: c.tree}, Status: c.status, Reason: c.reason})
	}
	checktest.Cases(t, Check, cases...)
}
