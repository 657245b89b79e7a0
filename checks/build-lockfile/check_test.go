package buildlockfile

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

func run1(t *testing.T, s *snapshot.Snapshot) check.Result {
	t.Helper()
	return check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
}

// A manifest over the walk's size cap is unknown, never judged, even with a
// lock beside it. (Archives cannot hold a file over the cap, so the
// snapshot is built by hand.)
func TestUnreadManifest(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{"package-lock.json", "package.json"},
		Contents: map[string]snapshot.Content{"package.json": {Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5 << 20}},
	}}
	r := run1(t, s)
	if r.Status != check.Unknown || !strings.Contains(r.Reason, "package.json not read") {
		t.Errorf("got %s %q, want unknown naming package.json", r.Status, r.Reason)
	}
	if len(r.Findings) != 1 || r.Findings[0].Path != "package.json" {
		t.Errorf("findings = %+v, want one at package.json", r.Findings)
	}
	d := r.Details.(details)
	if len(d.Ecosystems) != 1 || d.Ecosystems[0] != (Entry{Ecosystem: "npm", Manifest: "package.json", Status: "unknown"}) {
		t.Errorf("details = %+v", d)
	}
}

// An unread manifest does not hide another one's failure.
func TestUnreadAndFailing(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files: []string{"a/go.mod", "b/Cargo.toml"},
		Contents: map[string]snapshot.Content{
			"a/go.mod":     {Skipped: "unreadable: open go.mod: permission denied"},
			"b/Cargo.toml": {Text: "[package]\nname = \"b\"\n\n[dependencies]\nserde = \"1\"\n"},
		},
	}}
	r := run1(t, s)
	if r.Status != check.Failed {
		t.Errorf("got %s %q, want fail", r.Status, r.Reason)
	}
}

// A truncated walk proves no lock absent: unknown, not fail; with no
// manifest at all, unknown rather than not-applicable.
func TestTruncated(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:     []string{"Gemfile"},
		Contents:  map[string]snapshot.Content{"Gemfile": {Text: "source 'https://rubygems.org'\ngem 'rails'\n"}},
		Truncated: true, Error: "walk stopped at the cap of 10 entries",
	}}
	if r := run1(t, s); r.Status != check.Unknown {
		t.Errorf("got %s %q, want unknown", r.Status, r.Reason)
	}
	s.Tree.Files, s.Tree.Contents = nil, nil
	if r := run1(t, s); r.Status != check.Unknown {
		t.Errorf("empty truncated tree: got %s %q, want unknown", r.Status, r.Reason)
	}
}

// A lock that is a symlink is not followed: unknown.
func TestSymlinkedLock(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{"Cargo.toml"},
		Contents: map[string]snapshot.Content{"Cargo.toml": {Text: "[package]\nname = \"x\"\n[dependencies]\nrand = \"0.8\"\n"}},
		Skipped:  []snapshot.Skipped{{Path: "Cargo.lock", Reason: "symlink, not followed"}},
	}}
	if r := run1(t, s); r.Status != check.Unknown || !strings.Contains(r.Reason, "symlink") {
		t.Errorf("got %s %q, want unknown (symlink)", r.Status, r.Reason)
	}
}
