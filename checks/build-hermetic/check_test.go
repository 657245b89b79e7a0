package buildhermetic

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

func run1(s *snapshot.Snapshot) check.Result {
	return check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
}

// A walk cut short proves nothing by absence: unknown, not fail; what was
// seen still passes.
func TestTruncated(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{Files: []string{"package.json"}, Truncated: true, Error: "walk stopped at the cap of 10 entries"}}
	if r := run1(s); r.Status != check.Unknown {
		t.Errorf("got %s %q, want unknown", r.Status, r.Reason)
	}
	s.Tree.Vendored = []string{"vendor/modules.txt"}
	if r := run1(s); r.Status != check.Passed {
		t.Errorf("with vendor/modules.txt: got %s %q, want pass", r.Status, r.Reason)
	}
}

// A Cargo configuration over the size cap is unknown, never pass or fail.
func TestCargoConfigSkipped(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{".cargo/config.toml"},
		Contents: map[string]snapshot.Content{".cargo/config.toml": {Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5 << 20}},
	}}
	r := run1(s)
	if r.Status != check.Unknown || len(r.Findings) != 1 || r.Findings[0].Path != ".cargo/config.toml" {
		t.Errorf("got %s %q %+v, want unknown naming .cargo/config.toml", r.Status, r.Reason, r.Findings)
	}
}
