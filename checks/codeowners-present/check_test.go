package codeownerspresent

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

// A CODEOWNERS over the walk's size cap is unknown, never a pass; so is
// an absent one when the walk stopped early. (Archives cannot hold a file
// over the cap, so these snapshots are built by hand.)
func TestUnknown(t *testing.T) {
	for _, c := range []struct {
		name   string
		snap   snapshot.Snapshot
		reason string
	}{
		{
			name: "over the size cap",
			snap: snapshot.Snapshot{
				Target: snapshot.Target{Forge: "github"},
				Tree: snapshot.Tree{
					Files:    []string{".github/CODEOWNERS"},
					Contents: map[string]snapshot.Content{".github/CODEOWNERS": {Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5242880}},
				},
			},
			reason: ".github/CODEOWNERS was not read (5242880 bytes, over the 4194304-byte cap)",
		},
		{
			name: "truncated walk",
			snap: snapshot.Snapshot{
				Target: snapshot.Target{Forge: "gitlab"},
				Tree:   snapshot.Tree{Files: []string{"a.go"}, Truncated: true},
			},
			reason: "stopped early",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := check.Run(context.Background(), []*check.Check{Check}, &c.snap, policy.Default(), checktest.DefaultNow)
			r := out[0].Result
			if r.Status != check.Unknown || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("got %s %q, want unknown containing %q", r.Status, r.Reason, c.reason)
			}
		})
	}
}
