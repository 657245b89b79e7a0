package criteriaissuetemplates

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// A walk cut short proves nothing by the absence of templates, not even
// with the forge read.
func TestTruncatedWalk(t *testing.T) {
	snap := &snapshot.Snapshot{
		Target: snapshot.Target{Forge: "github"},
		Tree:   snapshot.Tree{Truncated: true, Error: "walk stopped at the cap of 10 entries"},
		Forge:  snapshot.Forge{Consulted: true},
	}
	out := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)
	if got := out[0].Result.Status; got != check.Unknown {
		t.Fatalf("status = %s, want unknown (%s)", got, out[0].Result.Reason)
	}
}

// A walk cut short may hide a .github/ISSUE_TEMPLATE/ directory of the
// repository's own, which would hide the organization's templates: on
// GitHub that stays unknown. GitLab's templates API already accounts for
// the project's own templates, so its answer passes.
func TestTruncatedWalkForgeTemplates(t *testing.T) {
	known := snapshot.Fact[[]string]{Read: true, Value: []string{"Bug"}}
	for _, c := range []struct {
		forge string
		want  check.Status
	}{{"github", check.Unknown}, {"gitlab", check.Passed}} {
		snap := &snapshot.Snapshot{
			Target: snapshot.Target{Forge: c.forge},
			Tree:   snapshot.Tree{Truncated: true, Error: "walk stopped at the cap of 10 entries"},
			Forge: snapshot.Forge{Consulted: true, Kind: c.forge,
				Org:  &snapshot.Org{Login: "acme", IssueTemplates: known},
				Repo: &snapshot.Repo{FullName: "acme/widget", IssueTemplates: known}},
		}
		r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		if r.Status != c.want {
			t.Errorf("%s: status = %s, want %s (%s)", c.forge, r.Status, c.want, r.Reason)
		}
	}
}

// TestCorpus puts every real-world template, alone, at its original path
// in a repository and runs the check: issue templates pass without
// findings (every real issue form parses), a chooser config alone fails,
// change-request templates leave the question to the forge.
func TestCorpus(t *testing.T) {
	counts := map[check.Status]int{}
	for _, c := range sharedtest.Corpus(t, "templates") {
		repo, orig := c.Repo, c.Path
		b, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		snap := collect.FS(context.Background(), fstest.MapFS{orig: {Data: b}}, collect.Options{Path: "."}, nil)
		r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		counts[r.Status]++
		base := strings.ToLower(filepath.Base(orig))
		var want check.Status
		switch {
		case base == "config.yml" || base == "config.yaml":
			want = check.Failed
		case strings.Contains(strings.ToLower(orig), "issue_template"):
			want = check.Passed
		default:
			want = check.Unknown // a change-request template
		}
		if r.Status != want {
			t.Errorf("%s (%s): status = %s, want %s (%s)", repo, orig, r.Status, want, r.Reason)
		}
		if len(r.Findings) > 0 {
			t.Errorf("%s (%s): unexpected findings %v", repo, orig, r.Findings)
		}
	}
	// 19 issue templates (12 GitHub issue forms, 3 GitHub and 4 GitLab
	// Markdown templates), 10 chooser configs, 10 change-request templates.
	want := map[check.Status]int{check.Passed: 19, check.Failed: 10, check.Unknown: 10}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("corpus outcomes (-want +got):\n%s", diff)
	}
}
