package criteriasecuritydod

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/template"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// An unreadable template is unknown, never pass or fail, while no other
// template carries a criterion.
func TestUnreadableTemplate(t *testing.T) {
	snap := &snapshot.Snapshot{
		Target: snapshot.Target{Forge: "github"},
		Tree: snapshot.Tree{
			Files: []string{".github/PULL_REQUEST_TEMPLATE/a.md", ".github/PULL_REQUEST_TEMPLATE/b.md"},
			Contents: map[string]snapshot.Content{
				".github/PULL_REQUEST_TEMPLATE/a.md": {Text: "- [ ] Tests pass\n"},
				".github/PULL_REQUEST_TEMPLATE/b.md": {Skipped: "5000000 bytes, over the 4194304-byte cap", Size: 5000000},
			},
		},
	}
	out := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)
	if got := out[0].Result.Status; got != check.Unknown {
		t.Fatalf("status = %s, want unknown (%s)", got, out[0].Result.Reason)
	}
	// The same with a readable criterion elsewhere passes.
	snap.Tree.Contents[".github/PULL_REQUEST_TEMPLATE/a.md"] = snapshot.Content{Text: "- [ ] Security reviewed\n"}
	out = check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)
	if got := out[0].Result.Status; got != check.Passed {
		t.Fatalf("status = %s, want pass (%s)", got, out[0].Result.Reason)
	}
}

// A walk cut short proves nothing by the absence of templates.
func TestTruncatedWalk(t *testing.T) {
	snap := &snapshot.Snapshot{Tree: snapshot.Tree{Truncated: true, Error: "walk stopped at the cap of 10 entries"}}
	out := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)
	if got := out[0].Result.Status; got != check.Unknown {
		t.Fatalf("status = %s, want unknown (%s)", got, out[0].Result.Reason)
	}
}

func corpusDir(t *testing.T) string { return sharedtest.Dir(t, "corpus") }

// corpusTemplates maps each corpus file of kind "templates" to its path in
// its repository, from SOURCES.tsv.
func corpusTemplates(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range sharedtest.Corpus(t, "templates") {
		out[filepath.Base(c.File)] = c.Path
	}
	return out
}

// TestCorpus runs every real-world template through the detector, and
// every change-request template through the whole check as the only file
// of a repository at its original path.
func TestCorpus(t *testing.T) {
	corpus := corpusDir(t)
	paths := corpusTemplates(t)
	files, err := filepath.Glob(filepath.Join(corpus, "templates", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus templates: %v", err)
	}
	type outcome struct {
		Status  check.Status
		Line    int
		Keyword string
	}
	got := map[string]outcome{}
	for _, f := range files {
		name := filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The detector accepts every template, Markdown or not.
		Criterion(template.Markdown(string(b)), policy.DefaultSecurityKeywords)

		orig, ok := paths[name]
		if !ok {
			t.Errorf("%s: not in SOURCES.tsv", name)
			continue
		}
		if !template.ChangeRequest(orig) {
			continue
		}
		fsys := fstest.MapFS{orig: {Data: b}}
		snap := collect.FS(context.Background(), fsys, collect.Options{Path: "."}, nil)
		r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		o := outcome{Status: r.Status}
		if d, ok := r.Details.(details); ok {
			o.Line, o.Keyword = d.Line, d.Keyword
		}
		got[name] = o
	}
	want := map[string]outcome{
		// "UI changes do not introduce regressions when enforcing ... Content Security Policy Plugin"
		"jenkinsci__jenkins__.github__PULL_REQUEST_TEMPLATE.md": {check.Passed, 107, "security"},
		// "[GitLab Runner Security] issue it belongs to"
		"gitlabhq__gitlab-runner__.gitlab__merge_request_templates__Security_Release.md": {check.Passed, 17, "security"},
		// "[Omnibus GitLab Security] issue it belongs to"
		"gitlabhq__omnibus-gitlab__.gitlab__merge_request_templates__Security_Release.md": {check.Passed, 14, "security"},
		// Checklists about DCO, docs, tests: nothing on security.
		"argoproj__argo-cd__.github__pull_request_template.md": {Status: check.Failed},
		// Risk assessment prose and plain lists, no task items or security headings.
		"github__codeql-action__.github__pull_request_template.md":               {Status: check.Failed},
		"Electric-Coin-Company__kotlin-bip39__.github__PULL_REQUEST_TEMPLATE.md": {Status: check.Failed},
		"konflux-ci__integration-service__docs__pull_request_template.md":        {Status: check.Failed},
		"opentofu__opentofu__.github__pull_request_template.md":                  {Status: check.Failed},
		"NVIDIA__warp__.gitlab__merge_request_templates__Default.md":             {Status: check.Failed},
		"gitlabhq__cli__.gitlab__merge_request_templates__Default.md":            {Status: check.Failed},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corpus outcomes (-want +got):\n%s", diff)
	}
}
