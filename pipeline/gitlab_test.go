package pipeline

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func includes(f *File) []string {
	var out []string
	for _, inc := range f.Includes {
		s := fmt.Sprintf("%d %s %s", inc.Line, inc.Kind, inc.Value)
		if inc.Ref != "" {
			s += " ref=" + inc.Ref
		}
		if inc.Version != "" {
			s += " version=" + inc.Version
		}
		if inc.Integrity != "" {
			s += " integrity=" + inc.Integrity
		}
		if inc.Trigger {
			s += " trigger"
		}
		out = append(out, s)
	}
	return out
}

func TestGitLabIncludeKinds(t *testing.T) {
	s := Parse(treeOf(map[string]string{".gitlab-ci.yml": `include:
  - https://example.com/a.yml
  - ' /ci/a.yml '
  - remote: https://example.com/b.yml
    integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=
  - project: group/proj
    ref: 0123456789abcdef0123456789abcdef01234567
    file: [/a.yml, /b.yml]
  - project: group/other
    file: /c.yml
  - template: Jobs/SAST.gitlab-ci.yml
  - component: $CI_SERVER_FQDN/org/comp/build@~latest
  - component: gitlab.com/org/comp/scan@1.2.3
    inputs: {stage: test}
  - component: gitlab.com/org/comp/nover
  - {}
  - ""
child:
  trigger:
    include:
      - project: group/child
        ref: main
        file: child.yml
`}))
	f := s.File(".gitlab-ci.yml")
	if f.Problem != "" {
		t.Fatal(f.Problem)
	}
	want := []string{
		"2 remote https://example.com/a.yml",
		"3 local /ci/a.yml",
		"4 remote https://example.com/b.yml integrity=sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=",
		"6 project group/proj ref=0123456789abcdef0123456789abcdef01234567",
		"9 project group/other",
		"11 template Jobs/SAST.gitlab-ci.yml",
		"12 component $CI_SERVER_FQDN/org/comp/build@~latest version=~latest",
		"13 component gitlab.com/org/comp/scan@1.2.3 version=1.2.3",
		"15 component gitlab.com/org/comp/nover",
		"21 project group/child ref=main trigger",
	}
	if diff := cmp.Diff(want, includes(f)); diff != "" {
		t.Errorf("includes (-want +got):\n%s", diff)
	}
	if got := f.Includes[3].Files; !slices.Equal(got, []string{"/a.yml", "/b.yml"}) {
		t.Errorf("files = %q", got)
	}
}

// Wildcard local includes follow GitLab: `*` within a directory, `**`
// across directories, `**/` none or more directories.
func TestGitLabLocalGlobs(t *testing.T) {
	files := []string{".gitlab-ci.yml", "configs/a.yml", "configs/a.yaml", "configs/sub/b.yml", "configs/sub/deep/c.yml",
		"other/configs/d.yml", "root.yml", "x[1].yml"}
	b := &builder{}
	b.tree.Files = files
	for pattern, want := range map[string][]string{
		"configs/*.yml":     {"configs/a.yml"},
		"/configs/*.yml":    {"configs/a.yml"},
		"configs/**.yml":    {"configs/a.yml", "configs/sub/b.yml", "configs/sub/deep/c.yml"},
		"configs/**/*.yml":  {"configs/a.yml", "configs/sub/b.yml", "configs/sub/deep/c.yml"},
		"configs/*/*.yml":   {"configs/sub/b.yml"},
		"*.yml":             {".gitlab-ci.yml", "root.yml", "x[1].yml"},
		"**/configs/*.yml":  {"configs/a.yml", "other/configs/d.yml"},
		"x[1].yml":          {"x[1].yml"},
		"configs/a.y?l":     nil,
		"configs/sub/b.yml": {"configs/sub/b.yml"},
		"$CI_DIR/*.yml":     nil,
	} {
		if got := b.resolveLocal(pattern); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", pattern, got, want)
		}
	}
}

func TestCorpusGitLabIncludes(t *testing.T) {
	// gitlab-shell: templates and components with their versions.
	s := repoSet(t, "gitlabhq/gitlab-shell", nil)
	want := []string{
		"2 template Code-Quality.gitlab-ci.yml",
		"3 template Security/SAST.gitlab-ci.yml",
		"4 template Security/Dependency-Scanning.gitlab-ci.yml",
		"5 template Security/Secret-Detection.gitlab-ci.yml",
		"6 component ${CI_SERVER_FQDN}/gitlab-org/components/danger-review/danger-review@2.1.0 version=2.1.0",
		"7 component ${CI_SERVER_FQDN}/components/code-intelligence/golang-code-intel@v0.1.2 version=v0.1.2",
	}
	if diff := cmp.Diff(want, includes(s.File(".gitlab-ci.yml"))); diff != "" {
		t.Errorf("gitlab-shell includes (-want +got):\n%s", diff)
	}
	// NVIDIA/warp: project includes on a branch, and a bare-string local
	// include followed to its file.
	w := repoSet(t, "NVIDIA/warp", nil)
	got := includes(w.File(".gitlab-ci.yml"))
	if len(got) < 3 || got[0] != "9 local /.gitlab/ci/common.yml" || got[1] != "10 project omniverse/warp-gitlab-ci ref=main" {
		t.Errorf("warp includes = %q", got)
	}
	if f := w.File(".gitlab/ci/common.yml"); f == nil || f.System != GitLabCI || f.Problem != "" {
		t.Errorf("common.yml = %+v", f)
	}
}

func TestCorpusTektonBundles(t *testing.T) {
	s := repoSet(t, "conforma/cli", nil)
	init := job(t, s, ".tekton/cli-main-pull-request.yaml", "init")
	tr := init.TaskRef
	if tr == nil || tr.Resolver != "bundles" || tr.BundleLine != 156 || tr.Line != 152 ||
		tr.BundleRef() != "quay.io/konflux-ci/tekton-catalog/task-init:0.4.3@sha256:4dbbfedc4edb21884fa2ad84521408d2fad090d4d34eb6c555992f8444eba40d" {
		t.Errorf("init taskRef = %+v", tr)
	}
	old := Parse(treeOf(map[string]string{".tekton/p.yaml": `kind: Pipeline
spec:
  tasks:
    - name: a
      taskRef:
        name: build
        bundle: quay.io/x/task-build:1
`}))
	if tr := job(t, old, ".tekton/p.yaml", "a").TaskRef; tr.BundleRef() != "quay.io/x/task-build:1" || tr.BundleLine != 7 {
		t.Errorf("bundle: taskRef = %+v", tr)
	}
}
