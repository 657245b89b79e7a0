package inspect_test

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

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/ssdf-dev/ssdf/buildinfo"
	"github.com/ssdf-dev/ssdf/internal/cli"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/inspect"
)

// sandbox is a temporary module in a git repository, with git and the go
// command isolated from the machine's configuration (HOME, global and
// system git configuration, GOFLAGS, GOPROXY), and a file proxy holding
// one dependency.
type sandbox struct {
	t     *testing.T
	repo  string
	bin   string
	env   []string
	goCmd string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	// `go test` runs with the go command on PATH; git is needed too.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build a binary to inspect: %v", err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed: %v", err)
	}
	// The real build cache keeps the standard library compiled.
	out, err := exec.Command(goCmd, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cache := strings.TrimSpace(string(out))
	tmp := t.TempDir()
	s := &sandbox{t: t, repo: filepath.Join(tmp, "repo"), bin: filepath.Join(tmp, "bin"), goCmd: goCmd}
	home := filepath.Join(tmp, "home")
	proxy := filepath.Join(tmp, "proxy")
	for _, d := range []string{s.repo, s.bin, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	s.write(gitconfig, "[user]\n\tname = Test\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n")
	s.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"GIT_CONFIG_GLOBAL=" + gitconfig,
		"GIT_CONFIG_NOSYSTEM=1",
		"GOCACHE=" + cache,
		"GOMODCACHE=" + filepath.Join(tmp, "modcache"),
		"GOPATH=" + filepath.Join(tmp, "gopath"),
		"GOFLAGS=-modcacherw",
		"GOPROXY=file://" + filepath.ToSlash(proxy),
		"GOSUMDB=off",
		"GOTOOLCHAIN=local",
		"GOWORK=off",
		"CGO_ENABLED=0",
		"GOENV=off",
	}
	s.proxyModule(proxy, "example.com/dep", "v1.0.0", map[string]string{
		"go.mod": "module example.com/dep\n\ngo 1.22\n",
		"dep.go": "package dep\n\n// Greeting is the greeting.\nconst Greeting = \"hello\"\n",
	})
	return s
}

func (s *sandbox) write(p, text string) {
	s.t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// proxyModule writes a module version into a GOPROXY file tree.
func (s *sandbox) proxyModule(proxy, path, version string, files map[string]string) {
	s.t.Helper()
	src := filepath.Join(s.t.TempDir(), "src")
	for name, text := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			s.t.Fatal(err)
		}
		s.write(p, text)
	}
	dir := filepath.Join(proxy, filepath.FromSlash(path), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	var zb bytes.Buffer
	if err := modzip.CreateFromDir(&zb, module.Version{Path: path, Version: version}, src); err != nil {
		s.t.Fatal(err)
	}
	s.write(filepath.Join(dir, version+".zip"), zb.String())
	s.write(filepath.Join(dir, version+".mod"), files["go.mod"])
	s.write(filepath.Join(dir, version+".info"), `{"Version":"`+version+`","Time":"2026-01-01T00:00:00Z"}`)
	s.write(filepath.Join(dir, "list"), version+"\n")
}

// run runs a program in the repository and returns its output.
func (s *sandbox) run(name string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = s.repo
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (s *sandbox) commit(msg string) string {
	s.t.Helper()
	s.run("git", "add", "-A")
	s.run("git", "commit", "-q", "--allow-empty", "-m", msg)
	return s.run("git", "rev-parse", "HEAD")
}

// inspect runs `ssdf inspect` through the real command line, in the
// repository, and returns the exit code, standard output and error.
func (s *sandbox) inspect(args ...string) (int, string, string) {
	s.t.Helper()
	var out, errb bytes.Buffer
	m := map[string]string{}
	for _, kv := range s.env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	env := &clienv.Env{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) string { return m[k] }, Environ: s.env,
		Now: func() time.Time { return time.Unix(0, 0) }, Dir: s.repo,
	}
	code := cli.Run(context.Background(), env, append([]string{"inspect"}, args...))
	return code, out.String(), errb.String()
}

func TestInspect(t *testing.T) {
	s := newSandbox(t)
	s.write(filepath.Join(s.repo, "go.mod"), "module example.com/hello\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n")
	s.write(filepath.Join(s.repo, "main.go"), "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/dep\"\n)\n\nfunc main() { fmt.Println(dep.Greeting) }\n")
	s.run("git", "init", "-q")
	s.run(s.goCmd, "mod", "download", "example.com/dep")
	s.run(s.goCmd, "mod", "tidy")
	sum, err := os.ReadFile(filepath.Join(s.repo, "go.sum"))
	if err != nil || !strings.Contains(string(sum), "example.com/dep v1.0.0 h1:") {
		t.Fatalf("go.sum: %v %q", err, sum)
	}
	head := s.commit("first")
	bin := filepath.Join(s.bin, "hello")
	s.run(s.goCmd, "build", "-trimpath", "-buildvcs=true", "-o", bin, ".")

	// Built from HEAD, clean, with go.sum's hash: exit 0.
	code, stdout, stderr := s.inspect(bin, "--format", "json")
	if code != clienv.ExitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	var rep inspect.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, stdout)
	}
	if !rep.Match || !rep.Info.Trimpath || rep.Info.CgoEnabled != "0" || rep.Info.BuildMode != "exe" ||
		rep.Info.VCS == nil || rep.Info.VCS.Revision != head || rep.Info.VCS.Modified ||
		rep.Revision.Status != buildinfo.Match || rep.MainModule.Status != buildinfo.Match {
		t.Errorf("report: %s", stdout)
	}
	if len(rep.Modules) != 1 || rep.Modules[0].Path != "example.com/dep" || rep.Modules[0].Status != buildinfo.Match ||
		!strings.HasPrefix(rep.Modules[0].Binary, "h1:") {
		t.Errorf("modules: %+v", rep.Modules)
	}
	code, text, _ := s.inspect(bin)
	if code != 0 || !strings.Contains(text, "-trimpath=true CGO_ENABLED=0 -buildmode=exe") || !strings.Contains(text, "result     match") {
		t.Errorf("text (exit %d):\n%s", code, text)
	}

	// A wrong hash in go.sum (HEAD unchanged): exit 1, the module named.
	orig := string(sum)
	s.write(filepath.Join(s.repo, "go.sum"), strings.Replace(orig, "example.com/dep v1.0.0 h1:", "example.com/dep v1.0.0 h1:X", 1))
	code, text, _ = s.inspect(bin)
	if code != clienv.ExitFailed || !strings.Contains(text, "mismatch   example.com/dep v1.0.0") {
		t.Errorf("tampered go.sum (exit %d):\n%s", code, text)
	}
	s.write(filepath.Join(s.repo, "go.sum"), orig)

	// Another commit: the binary no longer matches HEAD.
	newHead := s.commit("second")
	code, text, _ = s.inspect(bin, "--checkout", ".")
	if code != clienv.ExitFailed || !strings.Contains(text, "revision: the binary was built from "+head+", HEAD is "+newHead) {
		t.Errorf("after a commit (exit %d):\n%s", code, text)
	}

	// A file that is not a Go binary: exit 3.
	code, _, stderr = s.inspect("main.go")
	if code != clienv.ExitTarget || !strings.Contains(stderr, "not a Go binary") {
		t.Errorf("main.go: exit %d, stderr %q", code, stderr)
	}
	code, _, _ = s.inspect("does-not-exist")
	if code != clienv.ExitTarget {
		t.Errorf("missing binary: exit %d, want 3", code)
	}
	// Usage errors: exit 2.
	if code, _, _ := s.inspect(); code != clienv.ExitUsage {
		t.Errorf("no argument: exit %d, want 2", code)
	}
	if code, _, _ := s.inspect(bin, "--format", "sarif"); code != clienv.ExitUsage {
		t.Errorf("bad format: exit %d, want 2", code)
	}
	if code, _, _ := s.inspect(bin, "--checkout", "no-such-dir"); code != clienv.ExitUsage {
		t.Errorf("bad checkout: exit %d, want 2", code)
	}
}

// NewCmd hands the parsed options to runF.
func TestNewCmdOptions(t *testing.T) {
	var got *inspect.Options
	cmd := inspect.NewCmd(&clienv.Env{}, func(_ context.Context, o *inspect.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"dist/widget", "--checkout", "../widget", "--format", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if *got != (inspect.Options{Binary: "dist/widget", Checkout: "../widget", Format: "json"}) {
		t.Errorf("options: %+v", *got)
	}
}
