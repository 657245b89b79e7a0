package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Git reads the git facts of the repository at dir with the git program.
// It never runs repository content: hooks and fsmonitor are switched off on
// the command line, and git's own safe.directory rule is respected (a
// repository owned by another user is reported, not read). env is the
// environment for git (nil: the process's).
type Git struct {
	Dir string
	Env []string
}

// Read returns the git facts, with Available false and the reason when dir
// is not a git repository or git cannot read it. changed lists the paths
// whose last change is wanted.
func (g Git) Read(ctx context.Context, ex *Excluder, changed []string) snapshot.Git {
	var s snapshot.Git
	top, err := g.run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		s.Error = err.Error()
		return s
	}
	_ = top
	s.Available = true
	if out, err := g.run(ctx, "rev-parse", "--is-shallow-repository"); err == nil {
		s.Shallow = strings.TrimSpace(out) == "true"
	}
	if out, err := g.run(ctx, "rev-parse", "--verify", "-q", "HEAD^{commit}"); err == nil {
		s.Head = strings.TrimSpace(out)
	}
	if out, err := g.run(ctx, "symbolic-ref", "--short", "-q", "HEAD"); err == nil {
		s.Branch = strings.TrimSpace(out)
	}
	if out, err := g.run(ctx, "config", "--get", "remote.origin.url"); err == nil {
		s.Origin = StripCredentials(strings.TrimSpace(out))
	}
	out, err := g.run(ctx, "ls-files", "-z")
	if err != nil {
		s.Available = false
		s.Error = err.Error()
		return s
	}
	s.Tracked = []string{}
	for p := range strings.SplitSeq(out, "\x00") {
		if p != "" && !ex.Excluded(p) {
			s.Tracked = append(s.Tracked, p)
		}
	}
	slices.Sort(s.Tracked)
	if len(changed) > 0 {
		shallow := g.shallowCommits(ctx)
		s.Changes = map[string]snapshot.Change{}
		for _, p := range changed {
			s.Changes[p] = g.lastChange(ctx, p, s.Head, shallow)
		}
	}
	return s
}

func (g Git) lastChange(ctx context.Context, p, head string, shallow map[string]bool) snapshot.Change {
	if head == "" {
		return snapshot.Change{Error: "the repository has no commits"}
	}
	out, err := g.run(ctx, "log", "--first-parent", "-1", "--format=%H%x00%cI", "--", p)
	if err != nil {
		return snapshot.Change{Error: err.Error()}
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return snapshot.Change{Error: "no commit on HEAD's first-parent history changes " + p}
	}
	hash, date, _ := strings.Cut(out, "\x00")
	t, err := time.Parse(time.RFC3339, date)
	if err != nil {
		return snapshot.Change{Commit: hash, Error: fmt.Sprintf("unparsable commit date %q", date)}
	}
	return snapshot.Change{Commit: hash, Date: t.UTC(), Boundary: shallow[hash]}
}

// shallowCommits returns the boundary commits of a shallow clone.
func (g Git) shallowCommits(ctx context.Context) map[string]bool {
	m := map[string]bool{}
	p, err := g.run(ctx, "rev-parse", "--path-format=absolute", "--git-path", "shallow")
	if err != nil {
		return m
	}
	b, err := os.ReadFile(strings.TrimSpace(p))
	if err != nil {
		return m
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[l] = true
		}
	}
	return m
}

// run runs one git command in g.Dir and returns its standard output.
func (g Git) run(ctx context.Context, args ...string) (string, error) {
	full := append([]string{"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.quotePath=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = g.Dir
	env := g.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(slices.Clip(env), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", errors.New("git is not installed")
		}
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if strings.Contains(msg, "not a git repository") {
			return "", errors.New("not a git repository")
		}
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", args[0], strings.TrimPrefix(msg, "fatal: "))
	}
	return stdout.String(), nil
}

// StripCredentials removes a user name and password from a remote URL, so
// that a token embedded in `origin` never reaches a report.
func StripCredentials(remote string) string {
	u, err := url.Parse(remote)
	if err != nil || u.Scheme == "" || u.Host == "" {
		// scp-like "git@host:org/repo": the user part is not a secret, but
		// "user:token@host:path" would be.
		if at := strings.LastIndex(remote, "@"); at >= 0 && !strings.Contains(remote[:at], "/") {
			if user, _, ok := strings.Cut(remote[:at], ":"); ok {
				return user + remote[at:]
			}
		}
		return remote
	}
	u.User = nil
	return u.String()
}
