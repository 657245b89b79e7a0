package audittracker

import (
	"context"
	"net/url"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

func TestUnreadManifest(t *testing.T) {
	snap := &snapshot.Snapshot{
		Tree: snapshot.Tree{
			Files:    []string{"package.json"},
			Contents: map[string]snapshot.Content{"package.json": {Skipped: "over the 4194304-byte cap", Size: 5 << 20}},
		},
		Forge: snapshot.Forge{Consulted: true},
	}
	r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Unknown {
		t.Errorf("status = %s, want unknown (%s)", r.Status, r.Reason)
	}
}

func TestKindOf(t *testing.T) {
	for raw, want := range map[string]string{
		"https://github.com/acme/widget/issues":                    "github",
		"https://gitlab.com/acme/widget/-/issues":                  "gitlab",
		"https://gitlab.acme.example/widget/issues":                "gitlab",
		"https://bugzilla.redhat.com/enter_bug.cgi?product=Fedora": "bugzilla",
		"https://bugs.kde.org/buglist.cgi":                         "bugzilla",
		"https://redmine.example.org/projects/widget/issues":       "redmine",
		"https://example.org/redmine/projects/widget":              "redmine",
		"https://mantisbt.org/bugs/view_all_bug_page.php":          "mantis",
		"https://trac.edgewall.org/report/1":                       "trac",
		"https://example.org/trac/widget":                          "trac",
		"https://tracker.example.org/widget":                       "other",
		"https://issues.apache.org/jira/browse/WIDGET":             "other",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := kindOf(u); got != want {
			t.Errorf("kindOf(%s) = %s, want %s", raw, got, want)
		}
	}
}

func TestNormalise(t *testing.T) {
	for label, want := range map[string]string{
		"Bug Tracker":   "bugtracker",
		"bug-reports":   "bugreports",
		"Issue_Tracker": "issuetracker",
		"ISSUES":        "issues",
		"Tracker.":      "tracker",
	} {
		if got := normalise(label); got != want {
			t.Errorf("normalise(%q) = %q, want %q", label, got, want)
		}
	}
}
