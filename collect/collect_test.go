package collect

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestWalkClaimsAndExclusions(t *testing.T) {
	fsys := fstest.MapFS{
		".github/CODEOWNERS":                 {Data: []byte("* @acme/team\n")},
		"src/main.go":                        {Data: []byte("package main\n")},
		"vendor/x/CODEOWNERS":                {Data: []byte("* @x\n")},
		"pkg/testdata/a.txt":                 {Data: []byte("a")},
		"{{cookiecutter.name}}/README.md":    {Data: []byte("x")},
		"legacy/old.go":                      {Data: []byte("x")},
		"deploy/app.yaml":                    {Data: []byte("apiVersion: argoproj.io/v1alpha1\nkind: Application\n")},
		"deploy/cm.yaml":                     {Data: []byte("apiVersion: v1\nkind: ConfigMap\n")},
		".github/workflows/ci.yml":           {Data: []byte("on: push\n")},
		".github/ISSUE_TEMPLATE/bug.yml":     {Data: []byte("name: bug\n")},
		".GitHub/pull_request_template.md":   {Data: []byte("- [ ] security\n")},
		"templates/svc/template.yaml":        {Data: []byte(backstageTemplate)},
		"templates/svc/skeleton/CODEOWNERS":  {Data: []byte("* @${{ values.owner }}\n")},
		"templates/svc/skeleton/catalog.txt": {Data: []byte("x")},
	}
	tree := FS(context.Background(), fsys, Options{Exclude: []string{"legacy/**"}}, nil).Tree
	want := []string{
		".GitHub/pull_request_template.md",
		".github/CODEOWNERS",
		".github/ISSUE_TEMPLATE/bug.yml",
		".github/workflows/ci.yml",
		"deploy/app.yaml",
		"deploy/cm.yaml",
		"src/main.go",
		"templates/svc/template.yaml",
	}
	if diff := cmp.Diff(want, tree.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	var contents []string
	for p := range tree.Contents {
		contents = append(contents, p)
	}
	wantContents := []string{".GitHub/pull_request_template.md", ".github/CODEOWNERS", ".github/ISSUE_TEMPLATE/bug.yml", ".github/workflows/ci.yml", "deploy/app.yaml", "templates/svc/template.yaml"}
	if diff := cmp.Diff(wantContents, contents, cmpSorted); diff != "" {
		t.Errorf("contents (-want +got):\n%s", diff)
	}
	if tree.Excluded != 6 {
		t.Errorf("excluded = %d, want 6 (vendor, testdata, cookiecutter, legacy, 2 skeleton files)", tree.Excluded)
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

const backstageTemplate = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc
spec:
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
`

func TestWalkLimits(t *testing.T) {
	big := strings.Repeat("x", 2048)
	fsys := fstest.MapFS{
		"CODEOWNERS": {Data: []byte(big)},
		"a/b/c/d/e":  {Data: []byte("deep")},
	}
	tree := FS(context.Background(), fsys, Options{Limits: Limits{MaxFileSize: 1024, MaxDepth: 3}}, nil).Tree
	c := tree.Contents["CODEOWNERS"]
	if c.Skipped == "" || c.Text != "" || c.Size != 2048 {
		t.Errorf("over-cap file: got %+v, want skipped with size 2048 and no text", c)
	}
	if !tree.Truncated {
		t.Error("a tree cut at the depth limit must be marked truncated")
	}

	tree = FS(context.Background(), fstest.MapFS{"a": {}, "b": {}, "c": {}}, Options{Limits: Limits{MaxFiles: 2}}, nil).Tree
	if !tree.Truncated || len(tree.Files) != 2 || tree.Error == "" {
		t.Errorf("file cap: truncated=%v files=%v error=%q", tree.Truncated, tree.Files, tree.Error)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tree = FS(ctx, fstest.MapFS{"a": {}}, Options{}, nil).Tree
	if !tree.Truncated || !strings.Contains(tree.Error, "cancel") {
		t.Errorf("cancelled walk: truncated=%v error=%q", tree.Truncated, tree.Error)
	}
}

func TestDirNeverLeavesRoot(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("* @attacker\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, ".github"))
	for link, target := range map[string]string{
		".github/CODEOWNERS": secret,
		"passwd":             "/etc/passwd",
		"outdir":             outside,
		"loop":               "loop",
		"docs":               "..",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Dir(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tree.Files) != 0 || len(s.Tree.Contents) != 0 {
		t.Errorf("symlinks were read: files %v contents %v", s.Tree.Files, s.Tree.Contents)
	}
	if len(s.Tree.Skipped) != 5 {
		t.Errorf("skipped = %v, want the 5 symlinks", s.Tree.Skipped)
	}
	for _, sk := range s.Tree.Skipped {
		if strings.Contains(sk.Reason, outside) {
			t.Errorf("a reason names a path outside the root: %v", sk)
		}
	}
}

func TestForge(t *testing.T) {
	gl := snapshot.Tree{Files: []string{".gitlab-ci.yml"}}
	gh := snapshot.Tree{Files: []string{"main.go"}}
	sections := snapshot.Tree{Files: []string{"CODEOWNERS"}, Contents: map[string]snapshot.Content{"CODEOWNERS": {Text: "# x\n^[Docs][2] @a\n*.md @b\n"}}}
	for _, tc := range []struct {
		name, flag, forgeURL, origin string
		tree                         snapshot.Tree
		forge, source                string
	}{
		{"flag wins", "gitlab", "", "https://github.com/a/b", gh, "gitlab", "flag"},
		{"github origin", "", "", "git@github.com:acme/widget.git", gl, "github", "origin"},
		{"gitlab origin", "", "", "https://gitlab.com/g/sub/p.git", gh, "gitlab", "origin"},
		{"ssh url", "", "", "ssh://git@gitlab.com/g/p.git", gh, "gitlab", "origin"},
		{"self-hosted", "", "https://git.example.org", "https://git.example.org/g/p", sections, "gitlab", "origin"},
		{"unknown host guesses", "", "", "https://example.org/a/b", gl, "gitlab", "guess"},
		{"file remote guesses", "", "", "file:///srv/repo", gh, "github", "guess"},
		{"sections mean gitlab", "", "", "", sections, "gitlab", "guess"},
		{"a bare section means gitlab", "", "", "", snapshot.Tree{Files: []string{"CODEOWNERS"}, Contents: map[string]snapshot.Content{"CODEOWNERS": {Text: "[Backend]\n*.go @b\n"}}}, "gitlab", "guess"},
		{"a character class is not a section", "", "", "", snapshot.Tree{Files: []string{".github/CODEOWNERS"}, Contents: map[string]snapshot.Content{".github/CODEOWNERS": {Text: "[abc].go @bob\n"}}}, "github", "guess"},
		{"default github", "", "", "", gh, "github", "guess"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, s := DecideForge(tc.flag, tc.forgeURL, tc.origin, tc.tree)
			if f != tc.forge || s != tc.source {
				t.Errorf("got %s/%s, want %s/%s", f, s, tc.forge, tc.source)
			}
		})
	}
}

func TestStripCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"https://x-access-token:ghs_SECRET@github.com/a/b.git": "https://github.com/a/b.git",
		"https://oauth2:glpat-SECRET@gitlab.com/g/p.git":       "https://gitlab.com/g/p.git",
		"git@github.com:a/b.git":                               "git@github.com:a/b.git",
		"user:SECRET@host.example:a/b":                         "user@host.example:a/b",
		"/srv/repo":                                            "/srv/repo",
	} {
		if got := StripCredentials(in); got != want {
			t.Errorf("StripCredentials(%q) = %q, want %q", in, got, want)
		}
	}
}

// gitEnv isolates git from the machine's configuration.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = T\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=" + cfg, "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH")}
}

func git(t *testing.T, env []string, dir string, date string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestGitFacts(t *testing.T) {
	sharedtest.RequireProgram(t, "git")
	env := gitEnv(t)
	dir := t.TempDir()
	git(t, env, dir, "", "init", "-q")
	mustMkdir(t, filepath.Join(dir, ".github"))
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".github/CODEOWNERS", "* @acme/a\n")
	write("main.go", "package main\n")
	git(t, env, dir, "2024-01-02T03:04:05+02:00", "add", ".")
	git(t, env, dir, "2024-01-02T03:04:05+02:00", "commit", "-q", "-m", "one")
	write(".github/CODEOWNERS", "* @acme/b\n")
	git(t, env, dir, "2025-06-01T00:00:00Z", "commit", "-q", "-am", "two")
	write("main.go", "package main // x\n")
	write("untracked.txt", "x")
	git(t, env, dir, "2026-01-01T00:00:00Z", "commit", "-q", "-am", "three")
	git(t, env, dir, "", "remote", "add", "origin", "https://x-access-token:ghs_TOKEN@github.com/acme/widget.git")
	head := git(t, env, dir, "", "rev-parse", "HEAD")

	s, err := Dir(context.Background(), dir, Options{GitEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	g := s.Git
	if !g.Available || g.Head != head || g.Branch != "main" || g.Shallow {
		t.Fatalf("git facts: %+v", g)
	}
	if strings.Contains(g.Origin, "TOKEN") || s.Target.URL != "https://github.com/acme/widget" || s.Target.Forge != "github" || s.Target.ForgeSource != "origin" {
		t.Errorf("origin %q url %q forge %s/%s", g.Origin, s.Target.URL, s.Target.Forge, s.Target.ForgeSource)
	}
	if diff := cmp.Diff([]string{".github/CODEOWNERS", "main.go"}, g.Tracked); diff != "" {
		t.Errorf("tracked (-want +got):\n%s", diff)
	}
	c := g.Changes[".github/CODEOWNERS"]
	if want := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC); !c.Date.Equal(want) || c.Boundary || c.Error != "" {
		t.Errorf("last change = %+v, want %v", c, want)
	}

	// A shallow clone of depth 1 only shows the boundary commit.
	clone := t.TempDir()
	git(t, env, clone, "", "clone", "-q", "--depth", "1", "file://"+dir, "c")
	s, err = Dir(context.Background(), filepath.Join(clone, "c"), Options{GitEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	c = s.Git.Changes[".github/CODEOWNERS"]
	if !s.Git.Shallow || !c.Boundary {
		t.Errorf("shallow clone: shallow=%v change=%+v, want a boundary", s.Git.Shallow, c)
	}
}

func TestNotARepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "CODEOWNERS"), []byte("* @a @b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Dir(context.Background(), dir, Options{GitEnv: gitEnv(t)})
	if err != nil {
		t.Fatal(err)
	}
	if s.Git.Available || s.Git.Error == "" {
		t.Errorf("git = %+v, want unavailable with a reason", s.Git)
	}
	if len(s.Tree.Files) != 1 {
		t.Errorf("files = %v", s.Tree.Files)
	}
}

// TestLazyScripts: a local walk keeps every script; a lazy (remote) walk
// lists them unread, and ReadFiles reads only the ones asked for, with the
// size cap, never a symlink or a path the walk did not list.
func TestLazyScripts(t *testing.T) {
	fsys := fstest.MapFS{
		"build.sh":         {Data: []byte("#!/bin/sh\nmake\n")},
		"hack/big.sh":      {Data: []byte(strings.Repeat("x", 100))},
		"hack/link.sh":     {Data: []byte("../build.sh"), Mode: fs.ModeSymlink},
		"docs/deploy.ps1":  {Data: []byte("dotnet nuget push x\n")},
		"testdata/skip.sh": {Data: []byte("echo\n")},
		"src/main.go":      {Data: []byte("package main\n")},
	}
	local := FS(context.Background(), fsys, Options{}, nil).Tree
	for _, p := range []string{"build.sh", "hack/big.sh", "docs/deploy.ps1"} {
		if _, ok := local.Contents[p]; !ok {
			t.Errorf("local walk did not keep %s", p)
		}
	}
	lazy := FS(context.Background(), fsys, Options{Limits: Limits{Lazy: true, MaxFileSize: 50}}, nil).Tree
	if len(lazy.Contents) != 0 {
		t.Fatalf("lazy walk read %v", lazy.Contents)
	}
	ReadFiles(context.Background(), fsys, &lazy, []string{"build.sh", "hack/big.sh", "hack/link.sh", "testdata/skip.sh", "nope.sh"}, Limits{MaxFileSize: 50})
	if c := lazy.Contents["build.sh"]; c.Text != "#!/bin/sh\nmake\n" {
		t.Errorf("build.sh = %+v", c)
	}
	if c := lazy.Contents["hack/big.sh"]; c.Skipped == "" || c.Text != "" {
		t.Errorf("hack/big.sh over the cap = %+v", c)
	}
	for _, p := range []string{"hack/link.sh", "testdata/skip.sh", "nope.sh", "docs/deploy.ps1"} {
		if c, ok := lazy.Contents[p]; ok {
			t.Errorf("%s read: %+v", p, c)
		}
	}
}

// TestExtensionlessScripts: a file without an extension in a script
// directory is kept when it is a script (#!), not when it is a binary or
// text; elsewhere it is not read at all.
func TestExtensionlessScripts(t *testing.T) {
	fsys := fstest.MapFS{
		"scripts/publish": {Data: []byte("#!/bin/sh\ntwine upload dist/*\n")},
		"bin/tool":        {Data: []byte("\x7fELF\x02\x01\x01binary")},
		"hack/notes":      {Data: []byte("just text\n")},
		"docs/publish":    {Data: []byte("#!/bin/sh\necho\n")},
	}
	tree := FS(context.Background(), fsys, Options{}, nil).Tree
	if c, ok := tree.Contents["scripts/publish"]; !ok || !strings.HasPrefix(c.Text, "#!") {
		t.Errorf("scripts/publish not kept: %+v", c)
	}
	for _, p := range []string{"bin/tool", "hack/notes", "docs/publish"} {
		if _, ok := tree.Contents[p]; ok {
			t.Errorf("%s kept", p)
		}
	}
	for p, want := range map[string]bool{"scripts/publish": true, "a/b/bin/setup": true, "build.sh": true, "x/Deploy.PS1": true,
		"docs/publish": false, "scripts/.hidden": false, "scripts/run.py": false, "Makefile": false} {
		if got := ScriptPath(p); got != want {
			t.Errorf("ScriptPath(%q) = %v", p, got)
		}
	}
}
