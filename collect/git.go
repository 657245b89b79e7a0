package collect

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
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
	// Commits is how many of the newest commits reachable from HEAD to
	// read with their signatures (the policy's signedCommits.window); 0 reads
	// DefaultCommits.
	Commits int
}

// DefaultCommits is how many commits Read reads when Git.Commits is 0: the
// default signedCommits.window (SPEC §6).
const DefaultCommits = 50

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
	shallow := g.shallowCommits(ctx)
	if len(changed) > 0 {
		s.Changes = map[string]snapshot.Change{}
		for _, p := range changed {
			s.Changes[p] = g.lastChange(ctx, p, s.Head, shallow)
		}
	}
	if s.Head != "" {
		n := g.Commits
		if n <= 0 {
			n = DefaultCommits
		}
		s.Commits, err = g.commits(ctx, n, shallow)
		if err != nil {
			s.Commits, s.CommitsError = nil, err.Error()
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

// command prepares one git command in g.Dir, hardened: hooks and
// fsmonitor off, no prompts, no optional locks, the C locale.
func (g Git) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.quotePath=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = g.Dir
	env := g.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(slices.Clip(env), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	return cmd
}

// run runs one git command in g.Dir and returns its standard output.
func (g Git) run(ctx context.Context, args ...string) (string, error) {
	cmd := g.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		verb := args[0]
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				verb = a
				break
			}
		}
		return "", gitError(verb, err, stderr.String())
	}
	return stdout.String(), nil
}

// gitError turns a failed git command into a one-line error.
func gitError(verb string, err error, stderr string) error {
	if errors.Is(err, exec.ErrNotFound) {
		return errors.New("git is not installed")
	}
	msg := strings.TrimSpace(stderr)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if strings.Contains(msg, "not a git repository") {
		return errors.New("not a git repository")
	}
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("git %s: %s", verb, strings.TrimPrefix(msg, "fatal: "))
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

// maxHeaderLine bounds one header line of a commit object; longer lines
// (a hostile author name) are skipped, not kept.
const maxHeaderLine = 64 << 10

// commits reads the n newest commits reachable from HEAD (as `git log`
// lists them, merged branches included — the commits the forge lists for
// the branch) with
// the kind of signature each carries. The raw commit objects are read
// with `git cat-file --batch` and only their headers are parsed: nothing
// is verified, so neither gpg nor ssh-keygen ever runs, whatever the
// repository's configuration says. Replace refs are ignored, so that the
// objects read are the commits themselves.
func (g Git) commits(ctx context.Context, n int, shallow map[string]bool) ([]snapshot.GitCommit, error) {
	out, err := g.run(ctx, "--no-replace-objects", "rev-list", "--parents", "-n", strconv.Itoa(n), "HEAD", "--")
	if err != nil {
		return nil, err
	}
	var list []snapshot.GitCommit
	var in strings.Builder
	for l := range strings.SplitSeq(out, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		c := snapshot.GitCommit{SHA: f[0], Boundary: shallow[f[0]]}
		c.Root = len(f) == 1 && !c.Boundary
		list = append(list, c)
		in.WriteString(f[0])
		in.WriteByte('\n')
	}
	if len(list) == 0 {
		return list, nil
	}
	cmd := g.command(ctx, "--no-replace-objects", "cat-file", "--batch")
	// A partial clone must not fetch from its remote behind the scan's back.
	cmd.Env = append(cmd.Env, "GIT_NO_LAZY_FETCH=1")
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, gitError("cat-file", err, "")
	}
	br := bufio.NewReaderSize(stdout, maxHeaderLine)
	obj := bufio.NewReaderSize(nil, maxHeaderLine)
	perr := func() error {
		for i := range list {
			if err := readCommit(br, obj, &list[i]); err != nil {
				return err
			}
		}
		return nil
	}()
	if perr != nil {
		_, _ = io.Copy(io.Discard, stdout)
	}
	if err := cmd.Wait(); err != nil {
		return nil, gitError("cat-file", err, stderr.String())
	}
	if perr != nil {
		return nil, fmt.Errorf("git cat-file: %w", perr)
	}
	return list, nil
}

// readCommit reads one `cat-file --batch` answer for c: the line
// "<sha> commit <size>", then the object, then a newline. It keeps the
// committer date and the signature kind and discards the rest. obj is a
// reader to reuse for the object.
func readCommit(br, obj *bufio.Reader, c *snapshot.GitCommit) error {
	head, err := br.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading %s: %w", c.SHA, err)
	}
	f := strings.Fields(head)
	if len(f) != 3 || f[0] != c.SHA || f[1] != "commit" {
		return fmt.Errorf("unexpected answer for %s: %q", c.SHA, strings.TrimSpace(head))
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return fmt.Errorf("unexpected size for %s: %q", c.SHA, f[2])
	}
	obj.Reset(io.LimitReader(br, size))
	for {
		line, err := obj.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An overlong header line: skip the rest of it.
			for err == bufio.ErrBufferFull {
				_, err = obj.ReadSlice('\n')
			}
			if err != nil {
				break
			}
			continue
		}
		l := strings.TrimSuffix(string(line), "\n")
		if l == "" {
			break // the end of the headers (or of the object)
		}
		key, val, _ := strings.Cut(l, " ")
		switch key {
		case "committer":
			c.Date = identDate(val)
		case "gpgsig", "gpgsig-sha256":
			if c.Signature == "" {
				c.Signature = signatureKind(val)
			}
		}
		if err != nil {
			break
		}
	}
	if _, err := io.Copy(io.Discard, obj); err != nil {
		return fmt.Errorf("reading %s: %w", c.SHA, err)
	}
	if b, err := br.ReadByte(); err != nil || b != '\n' {
		return fmt.Errorf("reading %s: object not terminated", c.SHA)
	}
	return nil
}

// identDate parses the date of a git identity "Name <email> 1700000000 +0100".
func identDate(ident string) time.Time {
	f := strings.Fields(ident[strings.LastIndexByte(ident, '>')+1:])
	if len(f) < 1 {
		return time.Time{}
	}
	secs, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

// signatureKind names the kind of a signature from the first line of its
// armor, as git itself tells them apart (gpg-interface.c).
func signatureKind(first string) string {
	switch strings.TrimSpace(first) {
	case "-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----":
		return "gpg"
	case "-----BEGIN SSH SIGNATURE-----":
		return "ssh"
	case "-----BEGIN SIGNED MESSAGE-----":
		return "x509"
	}
	return ""
}

// Head returns the commit that HEAD names in g.Dir, read with the same
// hardened git invocation as Read (hooks and fsmonitor off). It fails when
// g.Dir is not in a git repository or HEAD names no commit.
func (g Git) Head(ctx context.Context) (string, error) {
	if _, err := g.run(ctx, "rev-parse", "--show-toplevel"); err != nil {
		return "", err
	}
	out, err := g.run(ctx, "rev-parse", "--verify", "-q", "HEAD^{commit}")
	if err != nil || strings.TrimSpace(out) == "" {
		return "", errors.New("HEAD names no commit")
	}
	return strings.TrimSpace(out), nil
}
