package initcmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	allchecks "github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/internal/cli"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/report"
)

// repo makes a bare repository: git init, one commit, the origin remote
// (none when ""), with an isolated HOME and git configuration.
func repo(t *testing.T, origin string) (dir string, environ []string) {
	t.Helper()
	sharedtest.RequireProgram(t, "git")
	dir, home := t.TempDir(), t.TempDir()
	environ = []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=" + filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH")}
	gitEnv := append(slices.Clip(environ), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.org",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.org",
		"GIT_AUTHOR_DATE=2026-10-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-10-01T00:00:00Z")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmds := [][]string{{"init", "-q", "-b", "main"}, {"add", "main.go"}, {"commit", "-q", "-m", "first"}}
	if origin != "" {
		cmds = append(cmds, []string{"remote", "add", "origin", origin})
	}
	for _, args := range cmds {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gitEnv
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, b)
		}
	}
	return dir, environ
}

func run(t *testing.T, dir string, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &clienv.Env{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv:  func(string) string { return "" },
		Environ: environ,
		Now:     func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
		Dir:     dir, Checks: allchecks.List, Version: "0.1.0-dev",
	}
	code = cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func scan(t *testing.T, dir string, environ []string, checks ...string) map[string]report.Result {
	t.Helper()
	_, out, errOut := run(t, dir, environ, "scan", ".", "--format", "json", "--checks", strings.Join(checks, ","))
	rep, err := report.Read(strings.NewReader(out))
	if err != nil {
		t.Fatalf("scan: %v\n%s\n%s", err, out, errOut)
	}
	m := map[string]report.Result{}
	for _, r := range rep.Results {
		m[r.Check] = r
	}
	return m
}

// fileChecks are the file checks init addresses, with the statuses each
// may have after init.
var fileChecks = map[string][]string{
	"codeowners-present":          {report.StatusPass},
	"codeowners-valid":            {report.StatusPass},
	"codeowners-coverage":         {report.StatusPass},
	"codeowners-group":            {report.StatusPass},
	"criteria-issue-templates":    {report.StatusPass},
	"criteria-security-dod":       {report.StatusPass},
	"criteria-policy-defined":     {report.StatusPass},
	"pipeline-as-code":            {report.StatusPass},
	"pipeline-pinned-actions":     {report.StatusPass, report.StatusNotApplicable},
	"pipeline-pinned-images":      {report.StatusPass, report.StatusNotApplicable},
	"pipeline-token-permissions":  {report.StatusPass, report.StatusNotApplicable},
	"pipeline-dangerous-triggers": {report.StatusPass, report.StatusNotApplicable},
	"toolchain-required-tools":    {report.StatusPass, report.StatusNotApplicable},
}

func assertChecks(t *testing.T, res map[string]report.Result) {
	t.Helper()
	for id, want := range fileChecks {
		r, ok := res[id]
		if !ok {
			t.Errorf("%s: no result", id)
			continue
		}
		if !slices.Contains(want, r.Status) {
			t.Errorf("%s: %s (%s), want %v; findings %+v", id, r.Status, r.Reason, want, r.Findings)
		}
	}
}

func ids() []string {
	var out []string
	for id := range fileChecks {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInitThenScan(t *testing.T) {
	for _, tc := range []struct {
		forge, origin, codeowners string
		files                     []string
	}{
		{"github", "https://github.com/acme/widget", ".github/CODEOWNERS", []string{".github/ISSUE_TEMPLATE/bug.yml", ".github/ISSUE_TEMPLATE/security.yml", ".github/ISSUE_TEMPLATE/config.yml", ".github/pull_request_template.md", ".ssdf.yaml", ".github/workflows/ssdf.yml"}},
		{"gitlab", "https://gitlab.com/acme/widget", "CODEOWNERS", []string{".gitlab/issue_templates/Bug.md", ".gitlab/issue_templates/Security.md", ".gitlab/merge_request_templates/Default.md", ".ssdf.yaml", ".gitlab-ci.yml"}},
	} {
		t.Run(tc.forge, func(t *testing.T) {
			dir, environ := repo(t, tc.origin)
			code, out, errOut := run(t, dir, environ, "init")
			if code != 0 {
				t.Fatalf("init: exit %d\n%s\n%s", code, out, errOut)
			}
			for _, f := range append([]string{tc.codeowners}, tc.files...) {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s not written: %v\n%s", f, err, out)
				}
				if !strings.Contains(out, f) {
					t.Errorf("output does not name %s:\n%s", f, out)
				}
			}
			co := read(t, filepath.Join(dir, tc.codeowners))
			if !strings.Contains(co, "\n* @acme/maintainers\n") || !strings.Contains(co, "TO CONFIRM") {
				t.Errorf("CODEOWNERS:\n%s", co)
			}
			res := scan(t, dir, environ, ids()...)
			assertChecks(t, res)
			if r := res["codeowners-present"]; !strings.Contains(string(r.Details), tc.codeowners) {
				t.Errorf("codeowners-present details %s", r.Details)
			}
		})
	}
}

// TestOwnersFromHistory: without an origin, the two most frequent authors
// (ties: the more recent first)
// own the catch-all rule, and codeowners-group passes.
func TestOwnersFromHistory(t *testing.T) {
	dir, environ := repo(t, "")
	for _, who := range []string{"bob", "bob", "carol"} {
		cmd := exec.Command("git", "commit", "-q", "--allow-empty", "-m", who)
		cmd.Dir = dir
		cmd.Env = append(slices.Clip(environ), "GIT_AUTHOR_NAME="+who, "GIT_AUTHOR_EMAIL="+who+"@example.org", "GIT_COMMITTER_NAME=x", "GIT_COMMITTER_EMAIL=x@example.org")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, b)
		}
	}
	if code, out, errOut := run(t, dir, environ, "init"); code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	co := read(t, filepath.Join(dir, ".github/CODEOWNERS"))
	if !strings.Contains(co, "\n* bob@example.org carol@example.org\n") {
		t.Errorf("CODEOWNERS:\n%s", co)
	}
	assertChecks(t, scan(t, dir, environ, ids()...))
}

// TestAllPipelines: every generated pipeline passes ssdf's own pipeline
// checks, is recognised, and runs ssdf (toolchain-required-tools passes
// with requiredTools: [ssdf]).
func TestAllPipelines(t *testing.T) {
	for _, origin := range []string{"https://github.com/acme/widget", "https://gitlab.com/acme/widget"} {
		dir, environ := repo(t, origin)
		if code, out, errOut := run(t, dir, environ, "init", "--all-pipelines"); code != 0 {
			t.Fatalf("init: %d %s %s", code, out, errOut)
		}
		for _, f := range []string{".github/workflows/ssdf.yml", ".gitlab-ci.yml", ".tekton/ssdf-task.yaml", ".tekton/ssdf-pull-request.yaml", "Jenkinsfile"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
		pol := read(t, filepath.Join(dir, ".ssdf.yaml")) + "requiredTools: [ssdf]\n"
		if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte(pol), 0o644); err != nil {
			t.Fatal(err)
		}
		res := scan(t, dir, environ, ids()...)
		assertChecks(t, res)
		for _, id := range []string{"pipeline-pinned-actions", "pipeline-pinned-images", "pipeline-token-permissions", "pipeline-dangerous-triggers", "toolchain-required-tools", "pipeline-as-code"} {
			if res[id].Status != report.StatusPass {
				t.Errorf("%s: %s (%s)", id, res[id].Status, res[id].Reason)
			}
		}
		var d struct {
			Systems []string `json:"systems"`
		}
		_ = json.Unmarshal(res["pipeline-as-code"].Details, &d)
		for _, s := range []string{"github-actions", "gitlab-ci", "jenkins", "tekton"} {
			if !slices.Contains(d.Systems, s) {
				t.Errorf("pipeline-as-code systems %v lack %s", d.Systems, s)
			}
		}
		// toolchain-required-tools must find ssdf in each system's file.
		tools := string(res["toolchain-required-tools"].Details) + " " + string(mustJSON(res["toolchain-required-tools"].Findings))
		for _, f := range []string{".github/workflows/ssdf.yml", ".gitlab-ci.yml", ".tekton/ssdf-task.yaml", "Jenkinsfile"} {
			if !strings.Contains(tools, f) {
				t.Errorf("toolchain-required-tools does not find ssdf in %s: %s", f, tools)
			}
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestNoOverwriteWithoutForce(t *testing.T) {
	dir, environ := repo(t, "https://github.com/acme/widget")
	mine := map[string]string{
		".github/workflows/ssdf.yml": "name: mine\n",
		"docs/CODEOWNERS":            "* @acme/core\n",
	}
	for p, c := range mine {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, dir, environ, "init")
	if code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	if got := read(t, filepath.Join(dir, ".github/workflows/ssdf.yml")); got != mine[".github/workflows/ssdf.yml"] {
		t.Errorf("workflow overwritten without --force:\n%s", got)
	}
	if !strings.Contains(out, "skip   .github/workflows/ssdf.yml: exists (use --force to overwrite)") {
		t.Errorf("skip not reported:\n%s", out)
	}
	// A CODEOWNERS elsewhere means none is written at .github/ (it would shadow docs/CODEOWNERS).
	if _, err := os.Stat(filepath.Join(dir, ".github/CODEOWNERS")); err == nil {
		t.Error(".github/CODEOWNERS written although docs/CODEOWNERS exists")
	}
	if !strings.Contains(out, "skip   .github/CODEOWNERS: docs/CODEOWNERS already exists") {
		t.Errorf("CODEOWNERS skip not reported:\n%s", out)
	}
	if code, out, _ := run(t, dir, environ, "init", "--force"); code != 0 || !strings.Contains(out, "overwrite .github/workflows/ssdf.yml") {
		t.Errorf("--force: %d\n%s", code, out)
	}
	if got := read(t, filepath.Join(dir, ".github/workflows/ssdf.yml")); !strings.Contains(got, "ssdf scan") {
		t.Errorf("--force did not overwrite:\n%s", got)
	}
	if got := read(t, filepath.Join(dir, "docs/CODEOWNERS")); got != mine["docs/CODEOWNERS"] {
		t.Errorf("docs/CODEOWNERS changed: %s", got)
	}
	// A second run finds everything in place.
	_, out, _ = run(t, dir, environ, "init")
	if strings.Contains(out, "write ") {
		t.Errorf("second run wrote:\n%s", out)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir, environ := repo(t, "https://gitlab.com/acme/widget")
	before := listing(t, dir)
	code, out, errOut := run(t, dir, environ, "init", "--dry-run", "--all-pipelines")
	if code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	if after := listing(t, dir); !slices.Equal(before, after) {
		t.Errorf("dry run changed the tree:\n%v\n%v", before, after)
	}
	for _, want := range []string{"--- /dev/null\n+++ b/CODEOWNERS\n@@ -0,0 +1,", "+* @acme/maintainers\n", "+++ b/.gitlab-ci.yml", "+++ b/Jenkinsfile"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	// A dry run against an existing file with --force shows a change diff.
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte("test:\n  script: [make]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ = run(t, dir, environ, "init", "--dry-run", "--force")
	if !strings.Contains(out, "--- a/.gitlab-ci.yml\n+++ b/.gitlab-ci.yml\n") || !strings.Contains(out, "-test:\n") {
		t.Errorf("change diff:\n%s", out)
	}
	if got := read(t, filepath.Join(dir, ".gitlab-ci.yml")); got != "test:\n  script: [make]\n" {
		t.Errorf("dry run --force wrote: %s", got)
	}
}

func listing(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		info, _ := d.Info()
		out = append(out, p+" "+info.ModTime().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUsage(t *testing.T) {
	dir, environ := repo(t, "")
	if code, _, _ := run(t, dir, environ, "init", "--pipeline", "circleci"); code != clienv.ExitUsage {
		t.Errorf("--pipeline circleci: exit %d", code)
	}
	if code, _, _ := run(t, dir, environ, "init", "--forge", "bitbucket"); code != clienv.ExitUsage {
		t.Errorf("--forge bitbucket: exit %d", code)
	}
}
