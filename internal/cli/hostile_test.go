package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/report"
)

// marker is written outside the scanned tree; it must never reach the output.
const marker = "OUTSIDE-THE-ROOT-7f3a9c"

// hostileRepo builds a repository designed to make a scanner crash, hang,
// blow its memory or read outside the tree.
func hostileRepo(t *testing.T, codeowners []byte) string {
	t.Helper()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "CODEOWNERS"), []byte("* @"+marker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(name, target string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(".github/CODEOWNERS", codeowners)
	link("CODEOWNERS", filepath.Join(outside, "CODEOWNERS"))
	link("docs", outside)
	link("passwd", "/etc/passwd")
	link("loop", "loop")
	// A 2 GiB sparse file, once unclaimed and once where a check looks.
	for _, name := range []string{"big.bin", ".github/workflows/huge.yml"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(2 << 30); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	deep := strings.Repeat("d/", 100)
	write(deep+"CODEOWNERS", []byte("* @deep\n"))
	write(deep+"file.txt", []byte("x"))
	bomb := "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
	for i, prev := 0, "a"; i < 9; i++ {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = name
	}
	write(".github/ISSUE_TEMPLATE/bomb.yml", []byte(bomb))
	write(".github/ISSUE_TEMPLATE/evil\nname.md", []byte("---\nname: x\n---\n"))
	write("a\nb\r\n.txt", []byte("x"))
	write(".github/pull_request_template.md", []byte(strings.Repeat("[", 100000)+"\n- [ ] security\xff\xfe\n"))
	return dir
}

// runSSDF runs ssdf in a child process and returns its output, exit code
// and peak resident memory. Linux counts the spawning process's resident
// size in the child's peak (the child starts in the parent's memory until
// it execs), so the figure is an upper bound on the scan's own peak.
func runSSDF(t *testing.T, dir string, args ...string) (stdout, stderr []byte, code int, maxRSS int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "SSDF_TEST_MAIN=1", "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("ssdf %v did not finish in 2 minutes", args)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	t.Logf("ssdf %v: peak RSS %d MiB", args, ru.Maxrss>>10)
	return out.Bytes(), errb.Bytes(), cmd.ProcessState.ExitCode(), ru.Maxrss * 1024
}

func TestHostileRepository(t *testing.T) {
	for name, co := range map[string][]byte{
		"invalid-utf8": []byte("* @acme/team\n\xff\xfe\xfd @bad\xff\n/src/\xc3\x28 @x\n"),
		"10MiB-line":   append(bytes.Repeat([]byte("a"), 10<<20), []byte(" @acme/team\n")...),
	} {
		t.Run(name, func(t *testing.T) {
			dir := hostileRepo(t, co)
			for _, args := range [][]string{{"scan", "--format", "json"}, {"scan", "--raw"}, {"scan", "--format", "text"}, {"scan", "--format", "sarif"}, {"scan", "--format", "html"}} {
				out, errOut, code, rss := runSSDF(t, dir, args...)
				if code != 0 && code != 1 {
					t.Fatalf("ssdf %v: exit %d\n%s", args, code, errOut)
				}
				if bytes.Contains(out, []byte(marker)) || bytes.Contains(errOut, []byte(marker)) {
					t.Errorf("ssdf %v read a file outside the root", args)
				}
				if bytes.Contains(out, []byte("root:x:0:0")) {
					t.Errorf("ssdf %v read /etc/passwd", args)
				}
				if rss > 200<<20 {
					t.Errorf("ssdf %v: peak memory %d MiB, want under 200 MiB", args, rss>>20)
				}
				if len(args) < 3 || args[2] != "json" {
					continue
				}
				rep, err := report.Read(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("report: %v", err)
				}
				for _, r := range rep.Results {
					if strings.HasPrefix(r.Check, "codeowners-") && r.Status == report.StatusPass && name == "10MiB-line" {
						t.Errorf("%s passed on a CODEOWNERS too large to read: %s", r.Check, r.Reason)
					}
					if r.Check == "codeowners-valid" && r.Status == report.StatusPass {
						t.Errorf("codeowners-valid passed on %s: %s", name, r.Reason)
					}
				}
			}
		})
	}
}

// TestHostileRawIsValidJSON checks that odd file names survive the raw
// snapshot as valid JSON.
func TestHostileRawIsValidJSON(t *testing.T) {
	dir := hostileRepo(t, []byte("* @acme/team\n"))
	out, errOut, code, _ := runSSDF(t, dir, "scan", "--raw")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw struct {
		Tree struct {
			Files   []string `json:"files"`
			Skipped []struct{ Path, Reason string }
		} `json:"tree"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range raw.Tree.Files {
		if f == "a\nb\r\n.txt" {
			found = true
		}
	}
	if !found {
		t.Errorf("file with newlines in its name missing from %v", raw.Tree.Files)
	}
	if len(raw.Tree.Skipped) < 4 {
		t.Errorf("skipped = %v, want the four symlinks", raw.Tree.Skipped)
	}
}

// TestHostilePipelines: YAML alias bombs, a 50 MiB workflow and a document
// nested 20,000 levels deep are refused with a finding (or, where the model
// never expands the alias, read harmlessly), and the scan stays small.
func TestHostilePipelines(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	var bomb strings.Builder
	bomb.WriteString("on: push\nx0: &x0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < 12; i++ {
		bomb.WriteString("x" + itoa(i) + ": &x" + itoa(i) + " [" + strings.TrimSuffix(strings.Repeat("*x"+itoa(i-1)+",", 9), ",") + "]\n")
	}
	// GitHub steps must be mappings: a bomb of nested lists there is never
	// expanded. GitLab flattens nested script lists: there it would be.
	gitlabBomb := strings.ReplaceAll(strings.ReplaceAll(bomb.String(), "x", ".x"), "*.x", "*x")
	gitlabBomb = strings.ReplaceAll(strings.ReplaceAll(gitlabBomb, "&.x", "&x"), "on: push\n", "")
	bomb.WriteString("jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: *x11\n")
	gitlabBomb += "job:\n  script: *x11\n"
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(gitlabBomb), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"bomb.yml": bomb.String(),
		"deep.yml": "on: push\njobs: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
	} {
		if err := os.WriteFile(filepath.Join(wf, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The 50 MiB workflow is written in chunks: the child's peak RSS, as
	// Linux reports it, starts from this process's size when it is spawned.
	writeHuge(t, filepath.Join(wf, "huge.yml"), "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n", "      - uses: actions/checkout@v4\n", 50<<20)
	out, errOut, code, rss := runSSDF(t, dir, "scan", "--format", "json")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if rss > 200<<20 {
		t.Errorf("peak memory %d MiB, want under 200 MiB", rss>>20)
	}
	rep, err := report.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Result("pipeline-pinned-actions")
	if r == nil {
		t.Fatal("no pipeline-pinned-actions result")
	}
	if r.Status == report.StatusPass || r.Status == report.StatusNotApplicable {
		t.Errorf("pipeline-pinned-actions = %s on unreadable workflows: %s", r.Status, r.Reason)
	}
	refused := map[string]bool{}
	for _, f := range r.Findings {
		refused[f.Path] = true
	}
	for _, name := range []string{".gitlab-ci.yml", ".github/workflows/deep.yml", ".github/workflows/huge.yml"} {
		if !refused[name] {
			t.Errorf("no finding names %s: %+v", name, r.Findings)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// writeHuge writes head, then line repeated up to size bytes, without
// holding the file in memory.
func writeHuge(t *testing.T, p, head, line string, size int) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(head); err != nil {
		t.Fatal(err)
	}
	chunk := strings.Repeat(line, 64<<10/len(line))
	for n := 0; n < size; n += len(chunk) {
		if _, err := f.WriteString(chunk); err != nil {
			t.Fatal(err)
		}
	}
}
