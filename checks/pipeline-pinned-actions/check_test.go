package pipelinepinnedactions

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

// A workflow over the walk's size cap, or a walk cut short, is unknown,
// never a pass; an unread file does not hide a failure found elsewhere.
// (Archives cannot hold a file over the cap, so these snapshots are built
// by hand.)
func TestUnread(t *testing.T) {
	const bad = "on: pull_request_target\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with: {ref: \"${{ github.head_ref }}\"}\n      - run: echo \"${{ github.event.issue.title }}\"\n"
	skipped := snapshot.Content{Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5242880}
	for _, c := range []struct {
		name   string
		tree   snapshot.Tree
		status check.Status
		reason string
	}{
		{
			name: "over the size cap",
			tree: snapshot.Tree{
				Files:    []string{".github/workflows/big.yml"},
				Contents: map[string]snapshot.Content{".github/workflows/big.yml": skipped},
			},
			status: check.Unknown, reason: "could not be read or parsed",
		},
		{
			name:   "truncated walk",
			tree:   snapshot.Tree{Files: []string{"a.go"}, Truncated: true, Error: "stopped at 100000 files"},
			status: check.Unknown, reason: "cut short",
		},
		{
			name: "failure beside an unread file",
			tree: snapshot.Tree{
				Files: []string{".github/workflows/a.yml", ".github/workflows/big.yml"},
				Contents: map[string]snapshot.Content{
					".github/workflows/a.yml":   {Text: bad, Size: int64(len(bad))},
					".github/workflows/big.yml": skipped,
				},
			},
			status: check.Failed, reason: "besides, 1 ",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: c.tree}, policy.Default(), checktest.DefaultNow)
			r := out[0].Result
			if r.Status != c.status || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, c.status, c.reason)
			}
		})
	}
}
