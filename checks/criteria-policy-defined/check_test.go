package criteriapolicydefined

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

func TestUnknown(t *testing.T) {
	for name, tree := range map[string]snapshot.Tree{
		"truncated": {Truncated: true, Error: "walk stopped at the cap of 10 entries"},
		"yaml over the cap": {
			Files:    []string{"deploy/huge.yaml"},
			Contents: map[string]snapshot.Content{"deploy/huge.yaml": {Skipped: "over the 4194304-byte cap", Size: 5 << 20}},
		},
		"unreadable yaml": {
			Skipped: []snapshot.Skipped{{Path: "deploy/policy.yaml", Reason: "unreadable: open policy.yaml: permission denied"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			snap := &snapshot.Snapshot{Tree: tree}
			r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
			if r.Status != check.Unknown {
				t.Errorf("status = %s, want unknown (%s)", r.Status, r.Reason)
			}
		})
	}
	// A symlink is never followed, by design: it does not make the result unknown.
	snap := &snapshot.Snapshot{Tree: snapshot.Tree{Skipped: []snapshot.Skipped{{Path: "k.yaml", Reason: "symlink, not followed"}}}}
	r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Failed {
		t.Errorf("symlink: status = %s, want fail (%s)", r.Status, r.Reason)
	}
}

// The Conforma recogniser reads mapping keys only: an alias bomb in a
// policy.yaml costs nothing.
func TestConformaAliasBomb(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	if conforma(bomb) {
		t.Error("an alias bomb without sources read as a Conforma policy")
	}
	if !conforma(bomb + "sources: *" + prev + "\n") {
		t.Error("sources after an alias bomb not found")
	}
}
