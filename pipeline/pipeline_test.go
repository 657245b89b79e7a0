package pipeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// treeOf builds a snapshot tree whose files all have contents.
func treeOf(files map[string]string) snapshot.Tree {
	t := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for p, text := range files {
		t.Files = append(t.Files, p)
		t.Contents[p] = snapshot.Content{Text: text, Size: int64(len(text))}
	}
	slices.Sort(t.Files)
	return t
}

func job(t *testing.T, s *Set, path, id string) *Job {
	t.Helper()
	f := s.File(path)
	if f == nil {
		t.Fatalf("no file %s", path)
	}
	for _, j := range f.Jobs {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("%s: no job %q", path, id)
	return nil
}

// refs lists "line uses" of a job's job-level and step-level uses.
func refs(j *Job) []string {
	var out []string
	if j.Uses != nil {
		out = append(out, j.Uses.Loc()+" "+j.Uses.Raw)
	}
	for _, st := range j.Steps {
		if st.Uses != nil {
			out = append(out, st.Uses.Loc()+" "+st.Uses.Raw)
		}
	}
	return out
}

func commands(j *Job) []string {
	var out []string
	for _, st := range j.Steps {
		for _, c := range st.Run.Commands() {
			out = append(out, strings.TrimSpace(c.Loc()+" "+c.Name+" "+strings.Join(c.Args, " ")))
		}
	}
	return out
}

func TestCorpusGitHubWorkflow(t *testing.T) {
	s := repoSet(t, "ossf/scorecard", nil)
	const p = ".github/workflows/goreleaser.yaml"
	f := s.File(p)
	if f.Problem != "" || !f.Active {
		t.Fatalf("problem %q, active %v", f.Problem, f.Active)
	}
	// `on:` is a key, not YAML 1.1's true.
	if len(f.Triggers) == 0 || f.Triggers[0].Event != "push" || f.Triggers[0].Line != 18 {
		t.Errorf("triggers = %+v", f.Triggers)
	}
	want := []string{
		p + ":37 step-security/harden-runner@bf7454d06d71f1098171f2acdf0cd4708d7b5920",
		p + ":42 actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
		p + ":46 actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e",
		p + ":55 goreleaser/goreleaser-action@f06c13b6b1a9625abc9e6e439d9c05a8f2190e94",
	}
	if diff := cmp.Diff(want, refs(job(t, s, p, "goreleaser"))); diff != "" {
		t.Errorf("goreleaser uses (-want +got):\n%s", diff)
	}
	prov := job(t, s, p, "provenance")
	if prov.Uses == nil || prov.Uses.Kind != RemoteRef || prov.Uses.Line != 77 ||
		prov.Uses.Name != "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml" || prov.Uses.Version != "v2.1.0" {
		t.Errorf("provenance job uses = %+v", prov.Uses)
	}
	if v, _ := prov.Input("upload-assets"); v != "true" {
		t.Errorf("upload-assets = %q", v)
	}
	// The version comment of a SHA-pinned action is kept.
	for _, st := range job(t, s, p, "goreleaser").Steps {
		if st.Uses.Is("goreleaser/goreleaser-action") && st.Uses.Comment != "v7.2.3" {
			t.Errorf("comment = %q", st.Uses.Comment)
		}
	}
	// Commands keep their line inside a `run: |` block.
	got := commands(job(t, s, p, "verification"))
	if !slices.Contains(got, p+`:96 gh -R $GITHUB_REPOSITORY release download $GITHUB_REF_NAME -p *.tar.gz`) {
		t.Errorf("verification commands: %q", got)
	}
}

func TestCorpusGitHubScriptAndServices(t *testing.T) {
	// actions/github-script's script: input is kept, placed at its first line.
	s := repoSet(t, "vuejs/core", nil)
	st := job(t, s, ".github/workflows/ecosystem-ci-trigger.yml", "trigger").Steps[0]
	if !st.Uses.Is("actions/github-script") || st.Uses.Line != 18 {
		t.Fatalf("first step uses %+v", st.Uses)
	}
	var script Var
	for _, v := range st.With {
		if v.Name == "script" {
			script = v
		}
	}
	if script.Line != 20 || script.Text().Line != 21 || !strings.HasPrefix(script.Value, "const user = context.payload.sender.login\n") {
		t.Errorf("script input = %+v", script)
	}
	// A reusable workflow only called through workflow_call is inactive.
	z := repoSet(t, "zizmorcore/zizmor", nil)
	if f := z.File(".github/workflows/release-binaries.yml"); f == nil || f.Active {
		t.Errorf("release-binaries.yml (workflow_call only, no caller) active")
	}
	if f := z.File(".github/workflows/zizmor.yml"); f == nil || !f.Active {
		t.Errorf("zizmor.yml not active")
	}
}

func TestCorpusGitLabReference(t *testing.T) {
	s := repoSet(t, "GNOME/glib", nil)
	const p = ".gitlab-ci.yml"
	f := s.File(p)
	if f.Problem != "" {
		t.Fatal(f.Problem)
	}
	if len(f.Includes) != 1 || f.Includes[0].Kind != "component" ||
		f.Includes[0].Value != "gitlab.gnome.org/GNOME/citemplates/release-service@master" || f.Includes[0].Line != 2 {
		t.Errorf("includes = %+v", f.Includes)
	}
	j := job(t, s, p, "fedora-x86_64")
	if !j.Active || j.Hidden {
		t.Error("fedora-x86_64 is not an active job")
	}
	if len(j.Images) != 1 || j.Images[0].Ref != "${FEDORA_IMAGE}" || j.Images[0].Line != 253 {
		t.Errorf("images = %+v", j.Images)
	}
	// before_script is three !reference tags, resolved to the lines they
	// name, each at its own place.
	got := commands(j)[:4]
	want := []string{
		p + ":177 bash .gitlab-ci/show-execution-environment.sh",
		p + ":178 cp -r ${HOME}/subprojects/* subprojects/",
		p + ":184 git config --global --add safe.directory ${PWD}",
		p + ":185 git config --global --add safe.directory ${PWD}/subprojects/gvdb",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fedora-x86_64 before_script (-want +got):\n%s", diff)
	}
	if hidden := job(t, s, p, ".build-linux"); hidden.Active || !hidden.Hidden {
		t.Error(".build-linux is a hidden job")
	}
}

func TestCorpusGitLabIncludesAcrossFiles(t *testing.T) {
	s := repoSet(t, "gitlabhq/gitlab-runner", nil)
	root := s.File(".gitlab-ci.yml")
	var kinds []string
	for _, inc := range root.Includes {
		kinds = append(kinds, inc.Kind)
	}
	if len(kinds) != 19 || kinds[0] != "local" || kinds[17] != "component" || kinds[18] != "project" {
		t.Errorf("include kinds = %v", kinds)
	}
	proj := root.Includes[18]
	if proj.Value != "gitlab-com/gl-security/security-operations/infrastructure-security-public/oidc-modules" ||
		proj.Ref != "3.4.0" || !slices.Equal(proj.Files, []string{"templates/gcp_auth.yaml"}) || proj.Line != 44 {
		t.Errorf("project include = %+v", proj)
	}
	// `development S3` extends .release_s3 (same file) whose image comes
	// from default: in _common.gitlab-ci.yml.
	j := job(t, s, ".gitlab/ci/release.gitlab-ci.yml", "development S3")
	if !slices.Contains(j.Extends, ".release_s3") {
		t.Errorf("extends = %v", j.Extends)
	}
	if len(j.Images) == 0 || j.Images[0].Path != ".gitlab/ci/_common.gitlab-ci.yml" || j.Images[0].Ref != "$CI_IMAGE" {
		t.Errorf("images = %+v", j.Images)
	}
	if c := commands(j); len(c) == 0 || c[len(c)-1] != ".gitlab/ci/release.gitlab-ci.yml:23 make release_s3" {
		t.Errorf("commands = %q", c)
	}

	// !reference into another file: NVIDIA/warp's .snippets live in
	// .gitlab/ci/common.yml, included by `- /.gitlab/ci/common.yml`.
	w := repoSet(t, "NVIDIA/warp", nil)
	wj := job(t, w, ".gitlab-ci.yml", "windows-x86_64 build")
	c := commands(wj)
	if len(c) == 0 || !strings.HasPrefix(c[0], ".gitlab/ci/common.yml:131 powershell") {
		t.Errorf("windows-x86_64 build commands = %q", c)
	}
	// A Windows path survives: tools\packman\packman is the program packman.
	if !slices.ContainsFunc(c, func(s string) bool { return strings.HasPrefix(s, ".gitlab-ci.yml:135 packman pull") }) {
		t.Errorf("packman not found in %q", c)
	}
}

func TestCorpusGitLabSpecHeaderAndIncludes(t *testing.T) {
	s := repoSet(t, "boostsecurityio/poutine", map[string]string{"scanner/testdata/.gitlab-ci.yml": ".gitlab-ci.yml"})
	f := s.File(".gitlab-ci.yml")
	if f.Problem != "" {
		t.Fatal(f.Problem)
	}
	var got []string
	for _, inc := range f.Includes {
		got = append(got, inc.Kind+" "+inc.Value)
	}
	want := []string{
		"local /include.yml",
		"project $CI_PROJECT_PATH",
		"project my-group/my-project",
		"template Auto-DevOps.gitlab-ci.yml",
		"remote https://example.com/.gitlab-ci.yml",
		"component gitlab.example.com/my-org/security-components/secret-detection@1.0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("includes (-want +got):\n%s", diff)
	}
	// rubocop extends .ruby_matrix (its own image) and takes the default
	// services and before_script.
	j := job(t, s, ".gitlab-ci.yml", "rubocop")
	var imgs []string
	for _, im := range j.Images {
		imgs = append(imgs, im.Role+" "+im.Ref)
	}
	if diff := cmp.Diff([]string{"image ruby:${RUBY_VERSION}", "service postgres:15"}, imgs); diff != "" {
		t.Errorf("rubocop images (-want +got):\n%s", diff)
	}
	// Ten commands: those inside `$(...)` count too (grep, tail, sed, nproc).
	if c := commands(j); len(c) != 10 || c[0] != ".gitlab-ci.yml:48 cd $[[inputs.gem_path_prefix]]$[[inputs.gem_name|expand_vars]]" ||
		c[9] != ".gitlab-ci.yml:68 rubocop" {
		t.Errorf("rubocop commands = %q", c)
	}
	if v, _ := lookup(f.Env, "BUNDLE_FROZEN"); v != "true" {
		t.Errorf("BUNDLE_FROZEN = %q", v)
	}
}

func TestCorpusJenkinsfile(t *testing.T) {
	s := repoSet(t, "apache/zookeeper", map[string]string{"Jenkinsfile-owasp": "ci/owasp.Jenkinsfile"})
	j := job(t, s, "ci/owasp.Jenkinsfile", "jenkinsfile")
	want := []string{
		"ci/owasp.Jenkinsfile:38 git clean -fxd",
		"ci/owasp.Jenkinsfile:39 mvn clean package -DskipTests dependency-check:check",
		`ci/owasp.Jenkinsfile:55 chmod -R u+rxw ${WORKSPACE}`,
	}
	if diff := cmp.Diff(want, commands(j)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if j.Steps[0].Name != "BuildAndTest" || j.Steps[0].Run.Shell != "sh" {
		t.Errorf("first step = %+v", j.Steps[0])
	}
	// Only plugin calls: one job, no steps.
	g := repoSet(t, "jenkinsci/git-plugin", nil)
	if j := job(t, g, "Jenkinsfile", "jenkinsfile"); len(j.Steps) != 0 {
		t.Errorf("git-plugin steps = %d", len(j.Steps))
	}
	// bat steps are kept with their shell.
	jk := job(t, repoSet(t, "jenkinsci/jenkins", nil), "Jenkinsfile", "jenkinsfile")
	shells := map[string]int{}
	for _, st := range jk.Steps {
		shells[st.Run.Shell]++
	}
	if shells["sh"] == 0 || shells["bat"] == 0 {
		t.Errorf("jenkins shells = %v", shells)
	}
}

func TestCorpusTekton(t *testing.T) {
	s := repoSet(t, "openshift-pipelines/pipelines-as-code", nil)
	f := s.File(".tekton/go.yaml")
	if len(f.Resources) != 1 {
		t.Fatalf("resources = %d", len(f.Resources))
	}
	r := f.Resources[0]
	if r.Kind != "PipelineRun" || r.Name != "go-testing" || !r.Active {
		t.Errorf("resource = %s %s active=%v", r.Kind, r.Name, r.Active)
	}
	if v, _ := r.Annotation("pipelinesascode.tekton.dev/on-event"); v != "pull_request" {
		t.Errorf("on-event = %q", v)
	}
	if v, _ := r.Annotation("pipelinesascode.tekton.dev/max-keep-runs"); v != "2" {
		t.Errorf("max-keep-runs = %q", v)
	}
	if a, ok := r.HasAnnotationPrefix(PaCAnnotation); !ok || a.Line != 7 {
		t.Errorf("first PaC annotation = %+v", a)
	}
	if v, _ := r.Param("repo_url"); v != "{{repo_url}}" {
		t.Errorf("param repo_url = %q", v)
	}
	j := job(t, s, ".tekton/go.yaml", "go")
	var steps []string
	for _, st := range j.Steps {
		s := st.Name
		if st.Image != nil {
			s += " " + st.Image.Ref
		}
		if st.Ref != nil {
			s += " ref:" + st.Ref.Resolver
		}
		steps = append(steps, s)
	}
	if len(steps) < 4 || steps[0] != "fetch-repo ref:http" || steps[2] != "unittest docker.io/golang:1.25" {
		t.Errorf("steps = %q", steps)
	}
	// The goreleaser Task under .tekton/tasks is not referenced by any
	// PipelineRun of the corpus: it does not run.
	if tf := s.File(".tekton/tasks/goreleaser.yaml"); tf.Active || tf.Resources[0].Kind != "Task" {
		t.Errorf("goreleaser task active = %v", tf.Active)
	}

	k := repoSet(t, "konflux-ci/release-service", nil)
	push := k.File(".tekton/release-service-push.yaml").Resources[0]
	if v, _ := push.Label("appstudio.openshift.io/application"); v != "release-service" {
		t.Errorf("application label = %q", v)
	}
	if v, _ := push.Param("hermetic"); v != "true" {
		t.Errorf("hermetic = %q", v)
	}
	snyk := job(t, k, ".tekton/release-service-push.yaml", "sast-snyk-check-oci-ta")
	tr := snyk.TaskRef
	if tr == nil || tr.Resolver != "bundles" || tr.TaskName() != "sast-snyk-check-oci-ta" ||
		!strings.Contains(tr.BundleRef(), "task-sast-snyk-check-oci-ta:0.5@sha256:") {
		t.Errorf("taskRef = %+v", tr)
	}

	e2e := repoSet(t, "conforma/cli", nil).File(".tekton/cli-e2e-push.yaml").Resources[0]
	if e2e.PipelineRef == nil || e2e.PipelineRef.Resolver != "git" {
		t.Errorf("pipelineRef = %+v", e2e.PipelineRef)
	}
}

func TestLocalActionsAndReusableWorkflows(t *testing.T) {
	s := Parse(treeOf(map[string]string{
		".github/workflows/ci.yml": `on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    container: {image: "node:20"}
    services:
      db: {image: postgres:16}
    steps:
      - uses: ./.github/actions/setup
      - uses: docker://alpine:3.20
  release:
    uses: ./.github/workflows/release.yml
    secrets: inherit
`,
		".github/workflows/release.yml": "on: {workflow_call: {}}\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo hi\n",
		".github/workflows/orphan.yml":  "on: workflow_call\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo hi\n",
		".github/actions/setup/action.yml": `name: setup
runs:
  using: composite
  steps:
    - uses: ./.github/actions/inner
    - run: make setup
      shell: bash
`,
		".github/actions/inner/action.yaml": "runs:\n  using: composite\n  steps:\n    - run: echo inner\n      shell: bash\n",
		"action.yml":                        "runs:\n  using: docker\n  image: docker://ghcr.io/x/y:1\n",
	}))
	active := map[string]bool{}
	for _, f := range s.Files {
		active[f.Path] = f.Active
	}
	want := map[string]bool{
		".github/workflows/ci.yml": true, ".github/workflows/release.yml": true, ".github/workflows/orphan.yml": false,
		".github/actions/setup/action.yml": true, ".github/actions/inner/action.yaml": true, "action.yml": false,
	}
	if diff := cmp.Diff(want, active); diff != "" {
		t.Errorf("active (-want +got):\n%s", diff)
	}
	b := job(t, s, ".github/workflows/ci.yml", "build")
	var imgs []string
	for _, im := range b.Images {
		imgs = append(imgs, im.Role+" "+im.Ref)
	}
	for _, st := range b.Steps {
		if st.Image != nil {
			imgs = append(imgs, st.Image.Role+" "+st.Image.Ref)
		}
	}
	if diff := cmp.Diff([]string{"container node:20", "service postgres:16", "step alpine:3.20"}, imgs); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if r := s.File("action.yml").Runs; r == nil || r.Using != "docker" || r.Image == nil || r.Image.Ref != "ghcr.io/x/y:1" {
		t.Errorf("runs = %+v", r)
	}
}

func TestProblems(t *testing.T) {
	tree := treeOf(map[string]string{
		".github/workflows/bad.yml": "on: [push\njobs: {}\n",
		".gitlab-ci.yml":            "build:\n  script: [make]\n\xff\xfe",
		".tekton/run.yaml":          "- just\n- a list\n",
	})
	tree.Files = append(tree.Files, ".github/workflows/huge.yml")
	tree.Contents[".github/workflows/huge.yml"] = snapshot.Content{Skipped: "5000000 bytes, over the 4194304-byte cap", Size: 5000000}
	s := Parse(tree)
	got := map[string]string{}
	for _, p := range s.Problems() {
		got[p.Path] = p.Reason
	}
	for p, want := range map[string]string{
		".github/workflows/bad.yml":  "invalid YAML",
		".gitlab-ci.yml":             "not valid UTF-8",
		".tekton/run.yaml":           "not a Tekton resource",
		".github/workflows/huge.yml": "not read: 5000000 bytes",
	} {
		if !strings.Contains(got[p], want) {
			t.Errorf("%s: problem %q, want %q", p, got[p], want)
		}
	}
}

func TestGitLabLocalIncludeNotRead(t *testing.T) {
	tree := treeOf(map[string]string{
		".gitlab-ci.yml": "include:\n  - local: ci/build.yml\n  - local: /ci/*.yaml\n",
		"ci/build.yml":   "build:\n  image: golang:1.23\n  script: [go build ./...]\n",
	})
	// ci/other.yaml is listed but its content was not kept.
	tree.Files = append(tree.Files, "ci/other.yaml")
	slices.Sort(tree.Files)
	s := Parse(tree)
	if f := s.File("ci/build.yml"); f == nil || f.System != GitLabCI || len(f.Jobs) != 1 {
		t.Fatalf("ci/build.yml not parsed as GitLab CI: %+v", f)
	}
	if f := s.File("ci/other.yaml"); f == nil || f.Problem != "not read by the collector" {
		t.Errorf("ci/other.yaml = %+v", f)
	}
}

func contentOf(text string) snapshot.Content {
	return snapshot.Content{Text: text, Size: int64(len(text))}
}
