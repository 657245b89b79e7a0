package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The fuzz targets of the three recognisers (run one with, for example,
// `go test ./pipeline -run '^$' -fuzz FuzzGitHubWorkflow -fuzztime 60s
// -fuzzminimizetime 3s`: the default minimisation budget, 60 s per new
// input, stalls the engine on these multi-kilobyte seeds).
// They are seeded with every corpus file of their kind and assert that
// parsing never panics, that what cannot be parsed is the file's Problem,
// and that the model stays proportional to the text: aliases and merge
// keys must not let a small file stand for an unbounded model.

// maxSeed bounds a seed: the coverage-guided engine minimises every
// interesting input by re-running it once per byte removed, and stalls
// for minutes on the corpus's 40 KB files. Longer files are cut at the
// last line break before the bound.
const maxSeed = 8 << 10

// seedCorpus adds every corpus file of a kind.
func seedCorpus(f *testing.F, kind string) {
	f.Helper()
	n := 0
	for _, e := range corpus(f) {
		if e.kind != kind {
			continue
		}
		b, err := os.ReadFile(e.file)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > maxSeed {
			b = b[:maxSeed]
			if i := strings.LastIndexByte(string(b), '\n'); i > 0 {
				b = b[:i+1]
			}
		}
		f.Add(string(b))
		n++
	}
	if n == 0 {
		f.Fatalf("no corpus files of kind %s", kind)
	}
}

// modelSize counts what the model of a set holds, expressions and
// context uses included.
func modelSize(s *Set) int {
	n := 0
	vars := func(vs []Var) { n += len(vs) }
	for _, f := range s.Files {
		n++
		n += len(f.Triggers) + len(f.Includes) + len(f.Libraries)
		vars(f.Env)
		if f.Permissions != nil {
			vars(f.Permissions.Scopes)
		}
		for _, r := range f.Resources {
			n++
			vars(r.Labels)
			vars(r.Annotations)
			vars(r.Params)
		}
		for _, j := range f.Jobs {
			n += 1 + len(j.Images) + len(j.Extends)
			vars(j.Env)
			vars(j.With)
			if j.Permissions != nil {
				vars(j.Permissions.Scopes)
			}
			for _, st := range j.Steps {
				n++
				vars(st.With)
				vars(st.Env)
				n += len(st.Exprs)
				if st.Run != nil {
					n += len(st.Run.Parts)
				}
			}
		}
	}
	return n
}

// checkModel exercises everything checks read from a parsed set and
// asserts the invariants.
func checkModel(t *testing.T, s *Set, text string) {
	t.Helper()
	for _, f := range s.Files {
		if strings.Contains(f.Problem, "internal error") {
			t.Fatalf("%s: %s", f.Path, f.Problem)
		}
		lines := strings.Count(text, "\n") + 1
		for _, j := range f.Jobs {
			for _, st := range j.Steps {
				_ = st.Run.Commands()
				_ = st.IsCheckout()
				for _, e := range st.Exprs {
					if e.Line < 1 || e.Line > lines {
						t.Fatalf("%s: expression %q at line %d of %d", f.Path, e.Raw, e.Line, lines)
					}
					if !strings.HasPrefix(e.Raw, "${{") {
						t.Fatalf("expression %q", e.Raw)
					}
					_ = e.Contexts()
				}
			}
			if j.If != nil {
				_ = Contexts(j.If.Value)
			}
		}
		_ = f.OnlyWorkflowCall()
	}
	// Bounded output: the model is paid for from a budget linear in the
	// text (see yreader.charge), whatever aliases stand for.
	if n, limit := modelSize(s), 2*(baseBudget+len(text))+16; n > limit {
		t.Fatalf("model of %d items for %d bytes (limit %d)", n, len(text), limit)
	}
	_ = s.Provenance()
	_ = s.Attestations()
	_ = s.Publishes()
}

func FuzzGitHubWorkflow(f *testing.F) {
	seedCorpus(f, "github-workflows")
	f.Add("on: pull_request_target\npermissions: write-all\njobs:\n  j:\n    if: ${{ github.event.issue.title }}\n    steps:\n" +
		"      - uses: actions/checkout@v4\n        with: {ref: \"${{ github.event.pull_request.head.sha }}\"}\n" +
		"      - run: |\n          echo \"${{ toJSON(github.event.commits[0].message) }}\"\n" +
		"      - uses: actions/github-script@v7\n        with:\n          script: ${{ format('{0}}}', github.head_ref) }}\n")
	f.Add("x: &s [{run: '${{ a }}'}]\non: [push]\njobs: {a: {steps: *s}, b: {steps: *s, env: {<<: {k: v}}}}\n")
	f.Fuzz(func(t *testing.T, text string) {
		const p = ".github/workflows/f.yml"
		s := Parse(treeOf(map[string]string{p: text, "a/action.yml": text}))
		checkModel(t, s, text)
	})
}

func FuzzGitLabCI(f *testing.F) {
	seedCorpus(f, "gitlab-ci")
	f.Add("spec:\n  inputs: {x: {default: y}}\n---\ninclude:\n  - local: '/ci/**.yml'\n  - component: $CI_SERVER_FQDN/a/b@~latest\n" +
		".t: &t {script: [a, b]}\njob:\n  <<: *t\n  extends: [.t]\n  before_script: [!reference [.t, script]]\n")
	f.Fuzz(func(t *testing.T, text string) {
		s := Parse(treeOf(map[string]string{".gitlab-ci.yml": text, "ci/a.yml": text}))
		checkModel(t, s, text)
	})
}

func FuzzJenkinsfile(f *testing.F) {
	seedCorpus(f, "jenkinsfile")
	f.Add("@Library('lib@main') _\npipeline { agent { docker { image 'golang:1.23' } }\n stages { stage('b') { steps { sh \"\"\"make ${x}\"\"\" } } } }\n")
	f.Fuzz(func(t *testing.T, text string) {
		s := Parse(treeOf(map[string]string{"Jenkinsfile": text}))
		checkModel(t, s, text)
	})
}

// One anchored list or mapping reused by every job must not make the
// model quadratic in the file (it made 64 million steps and 8 GB of heap
// from 340 KB before every kept item was paid for).
func TestAliasReuseBounded(t *testing.T) {
	const n = 2000
	var gh, gl strings.Builder
	gh.WriteString("x: &s\n")
	gl.WriteString("x: &s\n")
	for range n {
		gh.WriteString("  - run: echo ${{ github.event.issue.title }}\n")
		gl.WriteString("  - make\n")
	}
	gh.WriteString("e: &e\n")
	gl.WriteString("e: &e\n")
	for i := range n {
		fmt.Fprintf(&gh, "  k%d: v\n", i)
		fmt.Fprintf(&gl, "  k%d: v\n", i)
	}
	gh.WriteString("on: push\njobs:\n")
	for i := range n {
		fmt.Fprintf(&gh, "  j%d: {steps: *s, env: *e}\n", i)
		fmt.Fprintf(&gl, "j%d: {script: *s, variables: *e, trigger: {include: [{local: a.yml}]}}\n", i)
	}
	var tk strings.Builder
	tk.WriteString("kind: Pipeline\nx: &s\n")
	for range n {
		tk.WriteString("  - {name: s, image: alpine}\n")
	}
	tk.WriteString("spec:\n  tasks:\n")
	for range n {
		tk.WriteString("    - {name: t, taskSpec: {steps: *s}}\n")
	}
	for p, text := range map[string]string{".github/workflows/a.yml": gh.String(), ".gitlab-ci.yml": gl.String(), ".tekton/a.yaml": tk.String()} {
		start := time.Now()
		s := Parse(treeOf(map[string]string{p: text}))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", p, d)
		}
		if n, limit := modelSize(s), 2*(baseBudget+len(text)); n > limit {
			t.Errorf("%s: model of %d items for %d bytes", p, n, len(text))
		}
		if f := s.File(p); !strings.Contains(f.Problem, "alias budget") {
			t.Errorf("%s: problem %q", p, f.Problem)
		}
	}
}

func TestFuzzSeedsExist(t *testing.T) {
	for _, kind := range []string{"github-workflows", "gitlab-ci", "jenkinsfile"} {
		m, _ := filepath.Glob(filepath.Join(corpusDir(t), kind, "*"))
		if len(m) == 0 {
			t.Errorf("no corpus seeds for %s", kind)
		}
	}
}
