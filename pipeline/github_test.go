package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func perms(p *Permissions) string {
	if p == nil {
		return "<nil>"
	}
	parts := []string{fmt.Sprint(p.Line)}
	if p.All != "" {
		parts = append(parts, p.All)
	}
	for _, v := range p.Scopes {
		parts = append(parts, fmt.Sprintf("%s=%s@%d", v.Name, v.Value, v.ValueLine))
	}
	return strings.Join(parts, " ")
}

func TestWorkflowPermissionsAndTriggers(t *testing.T) {
	const p = ".github/workflows/ci.yml"
	s := Parse(treeOf(map[string]string{p: `name: ci
on:
  push:
    branches: [main, 'release/**']
    tags: ["v*"]
    paths-ignore:
      - docs/**
  pull_request_target:
    types: [opened, synchronize]
  workflow_run:
    workflows: [build]
    types: completed
  schedule:
    - cron: "0 0 * * *"
permissions: read-all
jobs:
  a:
    if: github.event_name == 'push'
    permissions: write-all
    runs-on: x
    steps:
      - if: ${{ always() }}
        run: echo a
  b:
    permissions: {}
    runs-on: x
  c:
    permissions:
      contents: read
      pull-requests: write
    runs-on: x
  d:
    permissions:
    runs-on: x
  e:
    runs-on: x
`,
		".github/workflows/w.yml":   "on: write-all\npermissions: write-all\njobs: {}\n",
		".github/workflows/lib.yml": "\"on\":\n  workflow_call:\n    inputs: {x: {type: string}}\njobs: {}\n",
		".github/workflows/two.yml": "on: [workflow_call, push]\njobs: {}\n",
	}))
	f := s.File(p)
	if f.Problem != "" {
		t.Fatal(f.Problem)
	}
	if f.OnLine != 2 || f.JobsLine != 16 || perms(f.Permissions) != "15 read-all" {
		t.Errorf("on line %d, jobs line %d, permissions %s", f.OnLine, f.JobsLine, perms(f.Permissions))
	}
	var got []string
	for _, tr := range f.Triggers {
		got = append(got, fmt.Sprintf("%d %s types=%v branches=%v tags=%v paths-ignore=%v workflows=%v",
			tr.Line, tr.Event, tr.Types, tr.Branches, tr.Tags, tr.PathsIgnore, tr.Workflows))
	}
	want := []string{
		"3 push types=[] branches=[main release/**] tags=[v*] paths-ignore=[docs/**] workflows=[]",
		"8 pull_request_target types=[opened synchronize] branches=[] tags=[] paths-ignore=[] workflows=[]",
		"10 workflow_run types=[completed] branches=[] tags=[] paths-ignore=[] workflows=[build]",
		"13 schedule types=[] branches=[] tags=[] paths-ignore=[] workflows=[]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("triggers (-want +got):\n%s", diff)
	}
	got = nil
	for _, j := range f.Jobs {
		got = append(got, j.ID+" "+perms(j.Permissions))
	}
	want = []string{"a 19 write-all", "b 25", "c 28 contents=read@29 pull-requests=write@30", "d 33", "e <nil>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job permissions (-want +got):\n%s", diff)
	}
	a := job(t, s, p, "a")
	if a.If == nil || a.If.Line != 18 || a.If.Value != "github.event_name == 'push'" || !a.Permissions.WriteAll() {
		t.Errorf("job a: if %+v", a.If)
	}
	if st := a.Steps[0]; st.If == nil || st.If.Line != 22 {
		t.Errorf("step if %+v", st.If)
	}
	if c := job(t, s, p, "c"); c.Permissions.Level("pull-requests") != "write" || c.Permissions.Level("issues") != "" {
		t.Errorf("levels of c")
	}
	if !f.HasTrigger("workflow_run") || f.HasTrigger("issues") || f.OnlyWorkflowCall() {
		t.Error("HasTrigger / OnlyWorkflowCall")
	}
	// `on: write-all` is an event name, not permissions.
	if w := s.File(".github/workflows/w.yml"); !w.Permissions.WriteAll() || len(w.Triggers) != 1 || w.Triggers[0].Event != "write-all" {
		t.Errorf("w.yml: %+v %+v", w.Permissions, w.Triggers)
	}
	if l := s.File(".github/workflows/lib.yml"); !l.OnlyWorkflowCall() || l.OnLine != 1 {
		t.Errorf("lib.yml: triggers %+v", l.Triggers)
	}
	if s.File(".github/workflows/two.yml").OnlyWorkflowCall() {
		t.Error("two.yml has another trigger")
	}
}

func exprLines(st *Step) []string {
	var out []string
	for _, e := range st.Exprs {
		out = append(out, fmt.Sprintf("%d %s %s", e.Line, e.In, e.Raw))
	}
	return out
}

// Every expression of a sink is placed at the line of its `${{`,
// whatever the scalar's style.
func TestWorkflowExpressionLines(t *testing.T) {
	const p = ".github/workflows/x.yml"
	s := Parse(treeOf(map[string]string{p: `on: issues
jobs:
  j:
    runs-on: x
    steps:
      - run: |
          echo "${{ github.event.issue.title }}"

          echo '${{ github.event.issue.body }}' ${{ github.sha }}
      - run: >
          echo
          ${{ github.event.comment.body }}

          ${{ github.head_ref }}
      - run: echo ${{ a }}
          ${{ b }}
      - run: "echo ${{ format('{0}}}', c) }}\n${{ d }}"
      - {name: "${{ x }}", run: "echo ${{ e }}"}
      - run: echo ${{ 'unterminated
      - name: script
        uses: actions/github-script@v7
        with:
          script: |
            const t = "${{ github.event.pull_request.title }}"
            core.info(t)
            ${{ github.event.review.body }}
      - uses: actions/checkout@v4
        with:
          script: ${{ not-a-sink }}
        env:
          X: ${{ github.event.issue.title }}
`}))
	j := job(t, s, p, "j")
	var got []string
	for _, st := range j.Steps {
		got = append(got, exprLines(st)...)
	}
	want := []string{
		"7 run ${{ github.event.issue.title }}",
		"9 run ${{ github.event.issue.body }}",
		"9 run ${{ github.sha }}",
		"12 run ${{ github.event.comment.body }}",
		"14 run ${{ github.head_ref }}",
		"15 run ${{ a }}",
		"16 run ${{ b }}",
		"17 run ${{ format('{0}}}', c) }}",
		"17 run ${{ d }}",
		"18 run ${{ e }}",
		"19 run ${{ 'unterminated",
		"24 script ${{ github.event.pull_request.title }}",
		"26 script ${{ github.event.review.body }}",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expressions (-want +got):\n%s", diff)
	}
	co := j.Steps[len(j.Steps)-1]
	if !co.IsCheckout() || j.Steps[0].IsCheckout() {
		t.Error("IsCheckout")
	}
	if v, ok := co.InputVar("script"); !ok || v.Line != 29 || v.Value != "${{ not-a-sink }}" {
		t.Errorf("InputVar = %+v", v)
	}
}

// An aliased run: block is placed where the anchor is written; a composite
// action's run: steps carry expressions too.
func TestExpressionsAliasAndAction(t *testing.T) {
	s := Parse(treeOf(map[string]string{
		".github/workflows/a.yml": "on: push\nx: &r |\n  echo ${{ github.event.head_commit.message }}\njobs:\n  j:\n    steps:\n      - run: *r\n",
		"act/action.yml":          "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo \"${{ inputs.x }}\"\n",
	}))
	if got := exprLines(job(t, s, ".github/workflows/a.yml", "j").Steps[0]); len(got) != 1 || got[0] != "3 run ${{ github.event.head_commit.message }}" {
		t.Errorf("alias: %q", got)
	}
	if got := exprLines(job(t, s, "act/action.yml", "composite").Steps[0]); len(got) != 1 || got[0] != "5 run ${{ inputs.x }}" {
		t.Errorf("action: %q", got)
	}
}

func TestContexts(t *testing.T) {
	str := func(us []ContextUse) string {
		var out []string
		for _, u := range us {
			s := u.Path
			switch {
			case u.Serialised:
				s += ":json"
			case u.Result:
				s += ":value"
			default:
				s += ":test"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	for body, want := range map[string]string{
		"github.event.issue.title":                       "github.event.issue.title:value",
		"GitHub.Event.Issue.Title":                       "github.event.issue.title:value",
		"github.event.commits[0].message":                "github.event.commits.*.message:value",
		"github['event']['pages'][1]['page_name']":       "github.event.pages.*.page_name:value",
		"github.event.commits.*.author.email":            "github.event.commits.*.author.email:value",
		"join(github.event.commits.*.message, ', ')":     "github.event.commits.*.message:value",
		"format('x {0}', github.head_ref)":               "github.head_ref:value",
		"toJSON(github.event.pull_request)":              "github.event.pull_request:json",
		"toJson(format('{0}', github.event.issue))":      "github.event.issue:value",
		"fromJSON(steps.x.outputs.y).z":                  "steps.x.outputs.y:value",
		"github.event.issue.title == 'x'":                "github.event.issue.title:test",
		"!github.event.issue.title":                      "github.event.issue.title:test",
		"contains(github.event.issue.body, 'ok')":        "github.event.issue.body:test",
		"startsWith(github.head_ref, 'x') && 'a' || 'b'": "github.head_ref:test",
		"github.event.issue.title && github.event.x":     "github.event.issue.title:test github.event.x:value",
		"a || github.event.issue.body":                   "a:value github.event.issue.body:value",
		"(github.event_name == 'issues') && (x.y)":       "github.event_name:test x.y:value",
		"github.event.commits[github.event.n].message":   "github.event.commits.*.message:value github.event.n:test",
		"matrix.os":                                      "matrix.os:value",
		"steps.my-step.outputs.v-1":                      "steps.my-step.outputs.v-1:value",
		"true && null || 1.5e-3 || -2 || 0xff":           "",
		"'it''s' == github.event.issue.title":            "github.event.issue.title:test",
		"toJSON(contains(github.event.issue.body, 'x'))": "github.event.issue.body:test",
		"github.event.issue.title ~ broken":              "github.event.issue.title:value",
		"github.event.issue.title )(":                    "github.event.issue.title:value",
		"x[ 'unterminated":                               "x:value",
		strings.Repeat("(", 500) + "github.head_ref" + strings.Repeat(")", 500): "github.head_ref:value",
	} {
		if got := str(Contexts(body)); got != want {
			t.Errorf("Contexts(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestExprsIn(t *testing.T) {
	got := ExprsIn("a ${{ x }} b ${{ 'c}}' }}${{y}} ${{ z")
	want := []string{"${{ x }}", "${{ 'c}}' }}", "${{y}}", "${{ z"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if b := (Expr{Raw: "${{  a.b }}"}).Body(); b != "a.b" {
		t.Errorf("Body = %q", b)
	}
}

func TestCorpusGitHubModel(t *testing.T) {
	// legitify's e2e tests run on pull_request_target and check out the
	// head SHA at line 60.
	s := repoSet(t, "Legit-Labs/legitify", nil)
	const p = ".github/workflows/e2e_testing.yaml"
	f := s.File(p)
	if !f.HasTrigger("pull_request_target") || f.OnLine != 2 || f.Triggers[4].Line != 9 || perms(f.Permissions) != "11 contents=read@12 pull-requests=write@13" {
		t.Errorf("legitify: triggers %+v, permissions %s", f.Triggers, perms(f.Permissions))
	}
	j := job(t, s, p, "install_and_run_e2e_tests")
	if j.If == nil || j.If.Line != 16 {
		t.Errorf("if = %+v", j.If)
	}
	st := j.Steps[1]
	if ref, ok := st.InputVar("ref"); !st.IsCheckout() || !ok || ref.Line != 60 || ref.Value != "${{ github.event.pull_request.head.sha }}" {
		t.Errorf("checkout fork: %+v", st.With)
	}
	if st.Uses.Comment != "ratchet:actions/checkout@v3" {
		t.Errorf("comment = %q", st.Uses.Comment)
	}
	// docker/compose: the untrusted values reach run: only through env;
	// the run: block interpolates github.event_name twice.
	d := repoSet(t, "docker/compose", nil)
	got := exprLines(job(t, d, ".github/workflows/pr-review-trigger.yml", "save-context").Steps[0])
	want := []string{"32 run ${{ github.event_name }}", "35 run ${{ github.event_name }}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pr-review-trigger expressions (-want +got):\n%s", diff)
	}
	rev := d.File(".github/workflows/pr-review.yml")
	if !rev.HasTrigger("workflow_run") || rev.Triggers[1].Line != 12 || rev.Triggers[1].Workflows[0] != "PR Review - Trigger" {
		t.Errorf("pr-review triggers = %+v", rev.Triggers)
	}
	if rj := job(t, d, ".github/workflows/pr-review.yml", "review"); rj.Uses == nil || rj.Uses.Line != 21 || rj.Permissions == nil ||
		rj.Permissions.Line != 23 || rj.Permissions.Level("actions") != "write" {
		t.Errorf("review job: uses %+v permissions %s", rj.Uses, perms(rj.Permissions))
	}
	// vuejs/core: github-script's script is a sink; its expressions keep
	// their lines.
	v := repoSet(t, "vuejs/core", nil)
	for _, e := range job(t, v, ".github/workflows/ecosystem-ci-trigger.yml", "trigger").Steps[0].Exprs {
		if e.In != "script" || e.Line < 21 {
			t.Errorf("vue expr %+v", e)
		}
	}
}

// TestProgramFromEnvAndMatrix: `${{ env.CARGO }} build` and `$CARGO test`
// run the program the env names (step env over job env over workflow
// env; a value that is an expression names nothing), and a job's matrix
// is kept with its include values.
func TestProgramFromEnvAndMatrix(t *testing.T) {
	const p = ".github/workflows/ci.yml"
	s := Parse(treeOf(map[string]string{p: `on: push
env:
  CARGO: cargo
  DYN: ${{ matrix.tool }}
jobs:
  build:
    strategy:
      matrix:
        container: [debian:stable, "ubuntu:latest"]
        os: [ubuntu-24.04]
        dyn: ${{ fromJSON(needs.x.outputs.m) }}
        include:
          - container: rockylinux/rockylinux:8
            extra: yes
        exclude:
          - container: debian:stable
    container: ${{ matrix.container }}
    steps:
      - run: |
          ${{ env.CARGO }} build --release
          $CARGO test
          ${CARGO} install --path .
          $DYN run
          $UNSET build
      - env: {CARGO: cross}
        run: ${{ env.CARGO }} build --locked
    env:
      OTHER: x
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || len(f.Jobs) != 1 {
		t.Fatalf("file %+v", f)
	}
	j := f.Jobs[0]
	var got []string
	for _, st := range j.Steps {
		for _, c := range st.Run.Commands() {
			got = append(got, c.Name+" "+strings.Join(c.Args, " "))
		}
	}
	want := []string{"cargo build --release", "cargo test", "cargo install --path .", "$dyn run", "$unset build", "cross build --locked"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("commands:\n got %q\nwant %q", got, want)
	}
	// debian:stable is excluded from every combination.
	wantM := map[string][]string{"container": {"ubuntu:latest", "rockylinux/rockylinux:8"}, "os": {"ubuntu-24.04"}, "extra": {"yes"}}
	if fmt.Sprint(j.Matrix) != fmt.Sprint(wantM) {
		t.Errorf("matrix = %v, want %v", j.Matrix, wantM)
	}
}

// TestParallelSteps: the steps of a `parallel:` group (and of a sequence
// inside one) are steps of the job, in order, with their own lines; wait
// and background markers are plain steps.
func TestParallelSteps(t *testing.T) {
	const p = ".github/workflows/ci.yml"
	s := Parse(treeOf(map[string]string{p: `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - parallel:
          - name: lint
            run: npm run lint
          - steps:
              - run: npm ci
              - run: npm test
          - parallel:
              - uses: actions/setup-go@v5
      - run: make
        background: true
      - wait-all: true
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || len(f.Jobs) != 1 {
		t.Fatalf("file %+v", f)
	}
	var got []string
	for _, st := range f.Jobs[0].Steps {
		switch {
		case st.Uses != nil:
			got = append(got, fmt.Sprintf("%d uses %s", st.Line, st.Uses.Name))
		case st.Run != nil:
			got = append(got, fmt.Sprintf("%d run %s", st.Line, st.Run.Parts[0].Value))
		default:
			got = append(got, fmt.Sprintf("%d other", st.Line))
		}
	}
	want := []string{"6 uses actions/checkout", "8 run npm run lint", "11 run npm ci", "12 run npm test", "14 uses actions/setup-go", "15 run make", "17 other"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("steps:\n got %q\nwant %q", got, want)
	}
}
