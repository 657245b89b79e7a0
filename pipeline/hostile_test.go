package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// aliasBomb returns YAML whose last anchor stands for 9^levels scalars.
func aliasBomb(levels int) (string, string) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= levels; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.Repeat(p+", ", 8)+p)
	}
	return b.String(), fmt.Sprintf("*a%d", levels)
}

func mergeBomb(levels int) (string, string) {
	var b strings.Builder
	b.WriteString("m0: &m0 {k: v}\n")
	for i := 1; i <= levels; i++ {
		p := fmt.Sprintf("*m%d", i-1)
		fmt.Fprintf(&b, "m%d: &m%d {<<: [%s], k%d: v}\n", i, i, strings.Repeat(p+", ", 8)+p, i)
	}
	return b.String(), fmt.Sprintf("*m%d", levels)
}

// Every hostile input parses within a bounded time, without a panic, and
// whatever cannot be read is a problem of its file.
func TestHostile(t *testing.T) {
	bomb, last := aliasBomb(12)
	mbomb, mlast := mergeBomb(12)
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	deepMap := strings.Repeat("{a: ", 20000) + "x" + strings.Repeat("}", 20000)
	var manyDocs strings.Builder
	for range 5000 {
		manyDocs.WriteString("---\nkind: Task\n")
	}
	cases := map[string]map[string]string{
		"workflow alias bomb in steps": {".github/workflows/a.yml": "x: &s {run: echo}\n" + bomb +
			"on: push\njobs:\n  j:\n    steps: " + last + "\n    env: " + last + "\n"},
		"workflow merge-key bomb":  {".github/workflows/a.yml": mbomb + "on: push\njobs:\n  j: " + mlast + "\n"},
		"gitlab script alias bomb": {".gitlab-ci.yml": bomb + "build:\n  script: " + last + "\n  variables: " + last + "\n"},
		"gitlab merge-key bomb":    {".gitlab-ci.yml": mbomb + "build:\n  <<: " + mlast + "\n  script: [make]\n"},
		"gitlab reference cycle": {".gitlab-ci.yml": ".a:\n  script: !reference [.b, script]\n.b:\n  script: !reference [.a, script]\n" +
			"build:\n  script: !reference [.a, script]\n"},
		"gitlab extends cycle":     {".gitlab-ci.yml": ".a:\n  extends: .b\n.b:\n  extends: [.a, .b]\nbuild:\n  extends: .a\n  script: [make]\n"},
		"gitlab include glob bomb": {".gitlab-ci.yml": "include:\n  - local: '" + strings.Repeat("**/", 40) + "x.yml'\n  - local: '/**/*.yml'\n"},
		"gitlab self include":      {".gitlab-ci.yml": "include: .gitlab-ci.yml\nbuild: {script: [make]}\n"},
		"deep sequence":            {".github/workflows/a.yml": "on: push\njobs: " + deep + "\n"},
		"deep mapping":             {".tekton/a.yaml": "spec: " + deepMap + "\n"},
		"invalid UTF-8":            {".github/workflows/a.yml": "on: push\njobs:\n  j:\n    steps:\n      - run: \xc3\x28 \xff\n"},
		"many documents":           {".tekton/a.yaml": manyDocs.String()},
		"binary":                   {".gitlab-ci.yml": "\x00\x01\x02\x03"},
		"long line":                {".github/workflows/a.yml": "on: push\njobs:\n  j:\n    steps:\n      - run: " + strings.Repeat("a ", 1<<19) + "\n"},
		"unterminated jenkins":     {"Jenkinsfile": "pipeline { stages { stage('x') { steps { sh '''echo " + strings.Repeat("x", 10000)},
		"unterminated comment":     {"Jenkinsfile": "/* " + strings.Repeat("sh 'x' ", 1000)},
		"jenkins gstring nest":     {"Jenkinsfile": "sh \"${" + strings.Repeat("{", 10000) + "\"\n"},
		"shell heredoc open":       {".github/workflows/a.yml": "on: push\njobs:\n  j:\n    steps:\n      - run: |\n          cat <<EOF\n          cosign sign x\n"},
		"shell quotes open":        {".github/workflows/a.yml": "on: push\njobs:\n  j:\n    steps:\n      - run: \"echo '$(( ${{ `\"\n"},
		"tekton wrong shapes":      {".tekton/a.yaml": "kind: PipelineRun\nmetadata: [1]\nspec:\n  pipelineSpec: {tasks: {a: b}}\n  params: x\n"},
		"workflow wrong shapes":    {".github/workflows/a.yml": "on: {push: [1]}\njobs:\n  j: [1, 2]\n  k:\n    steps: {a: b}\n    services: [x]\n    container: [y]\n"},
		"gitlab wrong shapes":      {".gitlab-ci.yml": "include: {local: [1]}\ndefault: [1]\nbuild:\n  image: {name: [x]}\n  services: x\n  script: {a: b}\n  extends: [[1]]\n  inherit: 3\n"},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			s := Parse(treeOf(files))
			for _, f := range s.Files {
				for _, j := range f.Jobs {
					for _, st := range j.Steps {
						_ = st.Run.Commands()
					}
				}
			}
			_ = s.Provenance()
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			for _, f := range s.Files {
				if strings.Contains(f.Problem, "internal error") {
					t.Errorf("%s: %s", f.Path, f.Problem)
				}
			}
		})
	}
}

func TestHostileProblems(t *testing.T) {
	bomb, last := aliasBomb(12)
	s := Parse(treeOf(map[string]string{".gitlab-ci.yml": bomb + "build:\n  script: " + last + "\n"}))
	if p := s.File(".gitlab-ci.yml").Problem; !strings.Contains(p, "not fully parsed") {
		t.Errorf("alias bomb: problem %q", p)
	}
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	s = Parse(treeOf(map[string]string{".github/workflows/a.yml": "on: push\njobs: " + deep + "\n"}))
	if p := s.File(".github/workflows/a.yml").Problem; !strings.Contains(p, "invalid YAML") {
		t.Errorf("deep nesting: problem %q", p)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(".github/workflows/a.yml", "on: push\njobs:\n  j:\n    steps:\n      - uses: a/b@v1\n      - run: cosign sign x\n")
	f.Add(".gitlab-ci.yml", "include: [{template: Jobs/SAST.gitlab-ci.yml}]\n.a: {script: [x]}\nb: {extends: .a, script: [!reference [.a, script]]}\n")
	f.Add("Jenkinsfile", "pipeline { stages { stage('b') { steps { sh '''\nmake\n''' } } } }\n")
	f.Add(".tekton/a.yaml", "kind: PipelineRun\nspec:\n  pipelineSpec:\n    tasks:\n      - name: a\n        taskSpec: {steps: [{image: x, script: y}]}\n")
	f.Fuzz(func(t *testing.T, p, text string) {
		s := Parse(treeOf(map[string]string{p: text}))
		for _, j := range s.Jobs() {
			for _, st := range j.Steps {
				_ = st.Run.Commands()
			}
		}
		_ = s.Attestations()
		_ = s.Publishes()
		for _, f := range s.Files {
			if strings.Contains(f.Problem, "internal error") {
				t.Errorf("%s: %s", f.Path, f.Problem)
			}
		}
	})
}
