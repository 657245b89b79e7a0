package ledger

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestFacts(t *testing.T) {
	ctx := context.Background()
	l, err := Open(ctx, filepath.Join(t.TempDir(), "ledger.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := l.Append(ctx,
		Review{Subject: SubjectCodeowners, Digest: "sha256:aa", By: "alice", At: at},
		Review{Subject: SubjectOwners, Org: "github.com/acme", Owners: []string{"a", "b"}, By: "carol", At: at},
		Review{Subject: SubjectOwners, Org: "github.com/other", Owners: []string{"x"}, By: "carol", At: at},
		Exception{Action: ActionRequest, Check: "build-lockfile", Ticket: "T-1", By: "dave", At: at},
		AuditLog{Org: "github.com/acme", Cursor: "c1", At: at},
		AuditLog{Org: "github.com/acme", Cursor: "c2", Gap: true, At: at.Add(time.Hour)},
		AuditLog{Org: "github.com/other", Cursor: "z", At: at.Add(2 * time.Hour)},
	); err != nil {
		t.Fatal(err)
	}
	f := Facts(ctx, l, "acme")
	if !f.Consulted || len(f.CodeownersReviews) != 1 || len(f.OwnerReviews) != 1 || f.OwnerReviews[0].By != "carol" || len(f.Exceptions) != 1 {
		t.Fatalf("facts %+v", f)
	}
	if a := f.AuditLog; a == nil || a.Cursor != "c2" || !a.Gap || !a.LastCollected.Equal(at.Add(time.Hour)) {
		t.Errorf("audit log %+v", a)
	}
	if f := Facts(ctx, l, ""); len(f.OwnerReviews) != 0 || f.AuditLog != nil {
		t.Errorf("no org: %+v", f)
	}
}

func TestOrgOf(t *testing.T) {
	for _, c := range []struct {
		s    snapshot.Snapshot
		want string
	}{
		{snapshot.Snapshot{Git: snapshot.Git{Origin: "git@github.com:Acme/widget.git"}}, "github.com/Acme"},
		{snapshot.Snapshot{Git: snapshot.Git{Origin: "https://gitlab.example.org:8443/group/sub/proj"}}, "gitlab.example.org/group"},
		{snapshot.Snapshot{Target: snapshot.Target{URL: "https://github.com/acme/widget"}, Forge: snapshot.Forge{Org: &snapshot.Org{Login: "acme"}}}, "github.com/acme"},
		{snapshot.Snapshot{}, ""},
	} {
		if got := OrgOf(&c.s); got != c.want {
			t.Errorf("OrgOf(%+v) = %q, want %q", c.s.Target, got, c.want)
		}
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"github.com/acme", "acme", true},
		{"https://github.com/ACME/", "github.com/acme", true},
		{"github.com/acme", "gitlab.com/acme", false},
		{"git.example:8443/acme", "git.example/acme", true},
		{"https://git.example:8443/acme", "git.example/other", false},
		{"", "acme", false},
	} {
		if got := OrgMatches(c.a, c.b); got != c.want {
			t.Errorf("OrgMatches(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
