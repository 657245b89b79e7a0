package buildlockedinstall

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

func run1(t *testing.T, s *snapshot.Snapshot) check.Result {
	t.Helper()
	return check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
}

// A Makefile over the walk's size cap is unknown, never not-applicable or
// pass; an unlocked install elsewhere still fails. (Archives cannot hold a
// file over the cap, so the snapshot is built by hand.)
func TestUnreadMakefile(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{"Makefile"},
		Contents: map[string]snapshot.Content{"Makefile": {Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5 << 20}},
	}}
	r := run1(t, s)
	if r.Status != check.Unknown || !strings.Contains(r.Reason, "Makefile, not read: 5242880 bytes") {
		t.Errorf("got %s %q, want unknown naming the Makefile", r.Status, r.Reason)
	}
	if len(r.Findings) != 1 || r.Findings[0].Path != "Makefile" {
		t.Errorf("findings = %+v", r.Findings)
	}
	s.Tree.Files = append(s.Tree.Files, "Dockerfile")
	s.Tree.Contents["Dockerfile"] = snapshot.Content{Text: "FROM node:22\nRUN npm install\n"}
	if r := run1(t, s); r.Status != check.Failed || len(r.Findings) != 1 || r.Findings[0].Path != "Dockerfile" {
		t.Errorf("with a failing Dockerfile: got %s %q %+v", r.Status, r.Reason, r.Findings)
	}
}

// A truncated walk may have missed an unlocked install: unknown, not pass
// or not-applicable.
func TestTruncated(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:     []string{"Dockerfile"},
		Contents:  map[string]snapshot.Content{"Dockerfile": {Text: "FROM node:22\nRUN npm ci\n"}},
		Truncated: true, Error: "walk stopped at the cap of 10 entries",
	}}
	if r := run1(t, s); r.Status != check.Unknown || !strings.Contains(r.Reason, "cut short") {
		t.Errorf("got %s %q, want unknown", r.Status, r.Reason)
	}
	s.Tree.Files, s.Tree.Contents = nil, nil
	if r := run1(t, s); r.Status != check.Unknown {
		t.Errorf("empty truncated tree: got %s %q, want unknown", r.Status, r.Reason)
	}
}

// The details count installs per tool.
func TestDetails(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files: []string{"Dockerfile"},
		Contents: map[string]snapshot.Content{"Dockerfile": {Text: "FROM x\nRUN npm ci && npm install && cargo build --locked\n" +
			"RUN pip install -r $REQS\n"}},
	}}
	r := run1(t, s)
	d := r.Details.(details)
	want := map[string]Counts{"npm": {Locked: 1, Unlocked: 1}, "cargo": {Locked: 1}, "pip": {Undecided: 1}}
	if diff := cmp.Diff(want, d.ByTool); diff != "" {
		t.Errorf("byTool (-want +got):\n%s", diff)
	}
	if d.Installs != (Counts{Locked: 2, Unlocked: 1, Undecided: 1}) || len(d.Undecided) != 1 || d.Undecided[0].Line != 3 {
		t.Errorf("details = %+v", d)
	}
	if r.Status != check.Failed || !strings.HasSuffix(r.Reason, "; 1 more cannot be judged") {
		t.Errorf("got %s %q", r.Status, r.Reason)
	}
}
