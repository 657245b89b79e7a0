package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	allchecks "github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// TestREADMEWalkthrough runs the README's "A first run, step by step"
// block as written: shell lines through bash, `ssdf` lines through the
// CLI in process. Every output line the README shows must appear, in
// order, in the real output, and a `# exit N` comment must match the exit
// code — so the walkthrough cannot drift from what ssdf prints.
func TestREADMEWalkthrough(t *testing.T) {
	sharedtest.RequireProgram(t, "git")
	sharedtest.RequireProgram(t, "bash")
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "## A first run, step by step")
	if !ok {
		t.Fatal("README has no walkthrough section")
	}
	_, block, ok := strings.Cut(after, "```console\n")
	if ok {
		block, _, ok = strings.Cut(block, "\n```")
	}
	if !ok {
		t.Fatal("the walkthrough has no ```console block")
	}

	root, home := t.TempDir(), t.TempDir()
	environ := []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=" + filepath.Join(home, "none"), "GIT_CONFIG_NOSYSTEM=1",
		"PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "SOURCE_DATE_EPOCH=1795687200"}
	shellEnv := append(environ, "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.org",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.org",
		"GIT_AUTHOR_DATE=2026-11-26T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-26T10:00:00Z")
	vars := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	exitRe := regexp.MustCompile(`#\s*exit (\d+)`)

	type step struct {
		cmd  string
		want []string
	}
	var steps []step
	for _, line := range strings.Split(block, "\n") {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, step{cmd: cmd})
		} else if strings.TrimSpace(line) != "" && len(steps) > 0 {
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, strings.TrimRight(line, " "))
		}
	}
	if len(steps) < 4 {
		t.Fatalf("the walkthrough has %d commands", len(steps))
	}
	dir, ran := root, 0
	for _, s := range steps {
		if args, ok := strings.CutPrefix(s.cmd, "ssdf "); ok {
			wantCode := -1
			if m := exitRe.FindStringSubmatch(args); m != nil {
				wantCode, _ = strconv.Atoi(m[1])
			}
			if i := strings.Index(args, "#"); i >= 0 {
				args = args[:i]
			}
			var out, errb bytes.Buffer
			env := &clienv.Env{In: strings.NewReader(""), Out: &out, Err: &errb,
				Getenv: func(k string) string { return vars[k] }, Environ: environ,
				Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
				Dir: dir, Checks: allchecks.List, Version: "test"}
			code := Run(context.Background(), env, strings.Fields(args))
			ran++
			if wantCode >= 0 && code != wantCode {
				t.Errorf("$ ssdf %s: exit %d, the README says %d\n%s", args, code, wantCode, errb.String())
			}
			// The README interleaves stdout and stderr as a terminal
			// shows them: keep the order within each stream.
			streams := [][]string{strings.Split(out.String(), "\n"), strings.Split(errb.String(), "\n")}
			at := []int{0, 0}
			for _, w := range s.want {
				found := false
				for k, lines := range streams {
					for j := at[k]; j < len(lines); j++ {
						if strings.TrimRight(lines[j], " ") == w {
							at[k], found = j+1, true
							break
						}
					}
					if found {
						break
					}
				}
				if !found {
					t.Errorf("$ ssdf %s: the README shows %q, which the real output lacks (or has out of order):\n%s%s", args, w, out.String(), errb.String())
					break
				}
			}
			continue
		}
		// A shell line; its last output line is where it left us.
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", s.cmd+"\npwd")
		cmd.Dir, cmd.Env = dir, shellEnv
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("$ %s: %v\n%s", s.cmd, err, b)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		dir = lines[len(lines)-1]
	}
	if ran < 3 {
		t.Fatalf("ran %d ssdf commands", ran)
	}
}
