package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	allchecks "github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/report"
)

const secret = "ghp_SUPERSECRETTOKEN0123456789abcdefABCD"

// runIn runs ssdf in-process with the given environment and returns its
// exit code and output.
func runIn(t *testing.T, dir string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runInB(t, dir, vars, args...)
}

func runInB(t testing.TB, dir string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &clienv.Env{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) string { return vars[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
		Dir:    dir, Checks: allchecks.List, Version: "test",
		Environ: []string{"HOME=" + dir, "GIT_CONFIG_GLOBAL=" + filepath.Join(dir, ".gitconfig-none"), "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH")},
	}
	code := Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func results(t *testing.T, out string) map[string]report.Result {
	t.Helper()
	rep, err := report.Read(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]report.Result{}
	for _, r := range rep.Results {
		m[r.Check] = r
	}
	return m
}

// TestRemoteScan scans a repository served by the fake GitHub without a
// clone: one tree call, one call per claimed file, the settings calls; its
// file-check results equal those of a local scan of the same files.
func TestRemoteScan(t *testing.T) {
	gh := fake.GitHub(t, fake.OrgRulesetOnly(), fake.Enterprise())
	vars := map[string]string{"GITHUB_TOKEN": secret}
	code, out, errOut := runIn(t, t.TempDir(), vars, "scan", gh.URL+"/acme/gadget", "--forge", "github", "--forge-url", gh.URL, "--format", "json")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := results(t, out)
	for id, want := range map[string]string{
		"access-branch-protected":        report.StatusPass, // by the organization ruleset alone
		"access-signed-commits-required": report.StatusPass,
		"codeowners-review-enforced":     report.StatusPass,
		"codeowners-present":             report.StatusPass,
		"access-ssh-only":                report.StatusNotApplicable,
	} {
		if got := res[id].Status; got != want {
			t.Errorf("%s = %s, want %s (%s)", id, got, want, res[id].Reason)
		}
	}
	// The request count: the tree, the claimed files, the settings.
	reqs := gh.Requests()
	var files, other int
	for _, r := range reqs {
		switch {
		case strings.Contains(r.Path, "/repos/acme/gadget/git/blobs/") || strings.Contains(r.Path, "/repos/acme/gadget/contents/"):
			files++
		default:
			other++
		}
	}
	if files != 1 { // gadget: README.md is not claimed; CODEOWNERS is
		t.Errorf("%d file requests, want only the claimed files: %v", files, reqs)
	}
	if other > 12 {
		t.Errorf("%d other requests (tree + settings + organization): %v", other, reqs)
	}

	// A local scan of the same files gives the same file-check results.
	dir := t.TempDir()
	for name, text := range map[string]string{"README.md": "# gadget\n", "CODEOWNERS": "* @acme/maintainers\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, localOut, _ := runIn(t, dir, nil, "scan", ".", "--forge", "github", "--format", "json")
	local := results(t, localOut)
	for _, c := range allchecks.List {
		if len(c.Sources) != 1 || c.Sources[0] != "files" {
			continue
		}
		l, r := local[c.ID], res[c.ID]
		if diff := cmp.Diff(l.Status+" "+l.Reason, r.Status+" "+r.Reason); diff != "" {
			t.Errorf("%s differs between local and remote scans (-local +remote):\n%s", c.ID, diff)
		}
	}
}

// TestTokenNeverLeaks scans with a token against a fake that echoes the
// credentials back in error bodies, and looks for the token everywhere.
func TestTokenNeverLeaks(t *testing.T) {
	gh := fake.GitHub(t, nil, fake.Enterprise())
	gh.AllowUnknown()
	gh.Inject(fake.Fault{Path: "/orgs/*", Status: 403, Body: `{"message":"forbidden"}`, EchoAuth: true})
	gh.Inject(fake.Fault{Path: "/repos/*/*/keys", Status: 500, Body: `{"message":"boom"}`, EchoAuth: true})
	vars := map[string]string{"GITHUB_TOKEN": secret, "GH_TOKEN": secret}
	dir := t.TempDir()
	target := gh.URL + "/acme/widget"
	for _, args := range [][]string{
		{"scan", target, "--forge", "github", "--forge-url", gh.URL, "--format", "json"},
		{"scan", target, "--forge", "github", "--forge-url", gh.URL, "--raw"},
		{"scan", target, "--forge", "github", "--forge-url", gh.URL, "--format", "text"},
		{"scan", target, "--forge", "github", "--forge-url", gh.URL, "--format", "sarif", "--output", "out.sarif"},
		{"scan", "--org", strings.TrimPrefix(gh.URL, "http://") + "/acme", "--forge", "github", "--forge-url", gh.URL, "--format", "json", "--output", "org"},
	} {
		code, out, errOut := runIn(t, dir, vars, args...)
		if code > 1 {
			t.Errorf("ssdf %v: exit %d: %s", args, code, errOut)
		}
		if strings.Contains(out, secret) || strings.Contains(errOut, secret) {
			t.Errorf("ssdf %v printed the token", args)
		}
	}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the token", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOrgScan scans the fake organization: one report per repository and
// an organization summary.
func TestOrgScan(t *testing.T) {
	gh := fake.GitHub(t, nil, fake.Enterprise())
	dir := t.TempDir()
	code, out, errOut := runIn(t, dir, map[string]string{"GITHUB_TOKEN": secret},
		"scan", "--org", strings.TrimPrefix(gh.URL, "http://")+"/acme", "--forge", "github", "--forge-url", gh.URL, "--format", "json", "--output", "reports")
	if code > 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum report.Report
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Target.Kind != "organization" || len(sum.Results) == 0 || len(sum.Tasks) == 0 {
		t.Errorf("summary: kind %q, %d results, %d tasks", sum.Target.Kind, len(sum.Results), len(sum.Tasks))
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "reports"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) < 3 || !contains(names, "organization.json") || !contains(names, "acme__widget.json") {
		t.Errorf("reports written: %v", names)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestLocalScanConsultsForge: a checkout whose origin is on the forge
// host, with a token, is scanned with the forge's facts too; without a
// token the reason says which variable is missing.
func TestLocalScanConsultsForge(t *testing.T) {
	sharedtest.RequireProgram(t, "git")
	gh := fake.GitHub(t, nil, fake.Enterprise())
	dir := t.TempDir()
	home := t.TempDir()
	gitEnv := append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "x"}, {"remote", "add", "origin", gh.URL + "/acme/widget.git"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gitEnv
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, b)
		}
	}
	_, out, _ := runIn(t, dir, nil, "scan", ".", "--forge-url", gh.URL, "--format", "json")
	if r := results(t, out)["access-mfa-required"]; r.Status != report.StatusUnknown || !strings.Contains(r.Reason, "GITHUB_TOKEN") {
		t.Errorf("without a token: %s %q", r.Status, r.Reason)
	}
	_, out, errOut := runIn(t, dir, map[string]string{"GITHUB_TOKEN": secret}, "scan", ".", "--forge", "github", "--forge-url", gh.URL, "--format", "json")
	r := results(t, out)["access-mfa-required"]
	if r.Status == report.StatusUnknown && strings.Contains(r.Reason, "not consulted") {
		t.Errorf("with a token the forge was not consulted: %q %s", r.Reason, errOut)
	}
}
