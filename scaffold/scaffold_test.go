package scaffold

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
)

func gen(t *testing.T, o Options) map[string]string {
	t.Helper()
	files, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range files {
		m[f.Path] = string(f.Content)
	}
	return m
}

// TestPolicyIsDefault: the generated .ssdf.yaml loads, and equals the
// default policy in its values.
func TestPolicyIsDefault(t *testing.T) {
	m := gen(t, Options{Forge: collect.GitHub, Owners: []string{"@acme/maintainers"}})
	p, err := policy.Load(".ssdf.yaml", []byte(m[".ssdf.yaml"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(policy.Default(), p); d != "" {
		t.Errorf("generated policy differs from the default (-want +got):\n%s", d)
	}
}

func TestGenerate(t *testing.T) {
	m := gen(t, Options{Forge: collect.GitHub, Owners: []string{"@acme/maintainers"}, Pipelines: Pipelines, Version: "v1.2.3", Branch: "trunk"})
	if !strings.Contains(m[".github/workflows/ssdf.yml"], "go install github.com/ssdf-dev/ssdf/cmd/ssdf@v1.2.3\n") {
		t.Error("version not in workflow")
	}
	if !strings.Contains(m[".tekton/ssdf-pull-request.yaml"], `on-target-branch: "[trunk]"`) {
		t.Error("branch not in PipelineRun")
	}
	for p, c := range m {
		if strings.Contains(c, "[[") || strings.Contains(c, "<no value>") {
			t.Errorf("%s: unexpanded template", p)
		}
	}
	if _, err := Generate(Options{Forge: "bitbucket", Owners: []string{"x@y"}}); err == nil {
		t.Error("bitbucket accepted")
	}
	if _, err := Generate(Options{Forge: collect.GitLab}); err == nil {
		t.Error("no owners accepted")
	}
}

func TestSuggestOwners(t *testing.T) {
	as := []collect.Author{{Name: "A", Email: "a@x.org"}, {Name: "B", Email: "B@x.org"}, {Name: "B", Email: "b@x.org"}, {Email: "not-an-email"}}
	for _, tc := range []struct {
		origin string
		want   []string
	}{
		{"git@github.com:acme/widget.git", []string{"@acme/maintainers"}},
		{"https://gitlab.com/acme/platform/widget", []string{"@acme/platform/maintainers"}},
		{"", []string{"b@x.org", "a@x.org"}},
	} {
		if got := SuggestOwners(tc.origin, as).Owners; !cmp.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.origin, got, tc.want)
		}
	}
	if got := SuggestOwners("", as[:1]).Owners; !cmp.Equal(got, []string{"@ORG/maintainers"}) {
		t.Errorf("one author: %v", got)
	}
}

func TestDiff(t *testing.T) {
	got := Diff("f", []byte("a\nb\nc\n"), []byte("a\nc\nd\n"), false)
	want := "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
