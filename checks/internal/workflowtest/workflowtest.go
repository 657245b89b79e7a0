// Package workflowtest holds the hand-built snapshots that the checks of
// GitHub workflows (pipeline-dangerous-triggers, pipeline-pinned-actions,
// pipeline-token-permissions) are tested on alike, for tests only.
package workflowtest

import (
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// bad is a workflow that each of those checks fails.
const bad = "on: pull_request_target\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with: {ref: \"${{ github.head_ref }}\"}\n      - run: echo \"${{ github.event.issue.title }}\"\n"

// Unread are the cases of a workflow over the walk's size cap, or a walk
// cut short: unknown, never a pass; and of an unread file beside a
// failing one, which does not hide the failure. (Archives cannot hold a
// file over the cap, so these snapshots are built by hand.)
func Unread() []checktest.Case {
	skipped := snapshot.Content{Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5242880}
	return []checktest.Case{
		{
			Name: "over the size cap",
			Snapshot: &snapshot.Snapshot{Tree: snapshot.Tree{
				Files:    []string{".github/workflows/big.yml"},
				Contents: map[string]snapshot.Content{".github/workflows/big.yml": skipped},
			}},
			Status: check.Unknown, Reason: "could not be read or parsed",
		},
		{
			Name:     "truncated walk",
			Snapshot: &snapshot.Snapshot{Tree: snapshot.Tree{Files: []string{"a.go"}, Truncated: true, Error: "stopped at 100000 files"}},
			Status:   check.Unknown, Reason: "cut short",
		},
		{
			Name: "failure beside an unread file",
			Snapshot: &snapshot.Snapshot{Tree: snapshot.Tree{
				Files: []string{".github/workflows/a.yml", ".github/workflows/big.yml"},
				Contents: map[string]snapshot.Content{
					".github/workflows/a.yml":   {Text: bad, Size: int64(len(bad))},
					".github/workflows/big.yml": skipped,
				},
			}},
			Status: check.Failed, Reason: "besides, 1 ",
		},
	}
}
