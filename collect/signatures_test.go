package collect

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// TestGitCommitSignatures builds a history by hand — commits with an
// OpenPGP, an SSH and an X.509 signature header, an unsigned one, one
// whose message only quotes a signature, one with an armor git would not
// recognise, a merge whose side branch is signed — and checks the kind of
// signature read for each commit reachable from HEAD, newest first, the
// merged branch's included (as git log and the forge list them). gpg is set
// up to leave a mark if anything ever ran it: nothing may.
func TestGitCommitSignatures(t *testing.T) {
	sharedtest.RequireProgram(t, "git")
	env := gitEnv(t)
	dir := t.TempDir()
	git(t, env, dir, "", "init", "-q")
	mark := filepath.Join(t.TempDir(), "gpg-ran")
	fakeGPG := filepath.Join(t.TempDir(), "gpg")
	if err := os.WriteFile(fakeGPG, []byte("#!/bin/sh\ntouch "+mark+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"gpg.program", fakeGPG}, {"gpg.ssh.program", fakeGPG}, {"gpg.x509.program", fakeGPG}, {"log.showSignature", "true"}} {
		git(t, env, dir, "", "config", kv[0], kv[1])
	}
	tree := git(t, env, dir, "", "hash-object", "-t", "tree", "-w", "/dev/null")

	day := func(d int) int64 { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC).Unix() }
	obj := func(parents []string, date int64, extra, msg string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "tree %s\n", tree)
		for _, p := range parents {
			fmt.Fprintf(&b, "parent %s\n", p)
		}
		fmt.Fprintf(&b, "author T <t@example.org> %d +0100\ncommitter T <t@example.org> %d +0100\n", date, date)
		b.WriteString(extra)
		b.WriteString("\n" + msg + "\n")
		f := filepath.Join(t.TempDir(), "commit")
		if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return git(t, env, dir, "", "hash-object", "-t", "commit", "-w", f)
	}
	sig := func(header, armor string) string {
		return header + " -----BEGIN " + armor + "-----\n \n AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n -----END " + armor + "-----\n"
	}
	root := obj(nil, day(1), "", "root, unsigned")
	gpg := obj([]string{root}, day(2), sig("gpgsig", "PGP SIGNATURE"), "signed with OpenPGP")
	ssh := obj([]string{gpg}, day(3), sig("gpgsig", "SSH SIGNATURE"), "signed with SSH")
	x509 := obj([]string{ssh}, day(4), sig("gpgsig-sha256", "SIGNED MESSAGE"), "signed with X.509")
	quoted := obj([]string{x509}, day(5), "", "only quotes one:\n\ngpgsig -----BEGIN PGP SIGNATURE-----\n")
	odd := obj([]string{quoted}, day(6), sig("gpgsig", "FOO SIGNATURE"), "an armor git does not know")
	long := obj([]string{odd}, day(7), "x-long "+strings.Repeat("x", 200<<10)+"\n"+sig("gpgsig", "PGP SIGNATURE"), "a header line over the cap, then a signature")
	side := obj([]string{long}, day(8), sig("gpgsig", "PGP SIGNATURE"), "signed, on a side branch")
	merge := obj([]string{long, side}, day(9), "", "an unsigned merge")
	git(t, env, dir, "", "update-ref", "refs/heads/main", merge)

	g := Git{Dir: dir, Env: env, Commits: 100}
	got := g.Read(context.Background(), NewExcluder(nil), nil)
	at := func(d int) time.Time { return time.Unix(day(d), 0).UTC() }
	want := []snapshot.GitCommit{
		{SHA: merge, Date: at(9)},
		{SHA: side, Date: at(8), Signature: "gpg"},
		{SHA: long, Date: at(7), Signature: "gpg"},
		{SHA: odd, Date: at(6)},
		{SHA: quoted, Date: at(5)},
		{SHA: x509, Date: at(4), Signature: "x509"},
		{SHA: ssh, Date: at(3), Signature: "ssh"},
		{SHA: gpg, Date: at(2), Signature: "gpg"},
		{SHA: root, Date: at(1), Root: true},
	}
	if diff := cmp.Diff(want, got.Commits); diff != "" || got.CommitsError != "" {
		t.Errorf("commits (-want +got):\n%s\nerror: %s", diff, got.CommitsError)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("reading the commits ran the gpg program")
	}

	// The window bounds what is read.
	g.Commits = 2
	if got := g.Read(context.Background(), NewExcluder(nil), nil).Commits; len(got) != 2 || got[1].SHA != side || got[1].Root {
		t.Errorf("window of 2: %+v", got)
	}
	// Zero reads the default window.
	g.Commits = 0
	if got := g.Read(context.Background(), NewExcluder(nil), nil).Commits; len(got) != len(want) {
		t.Errorf("default window: %d commits, want %d", len(got), len(want))
	}

	// A shallow clone shows its boundary commits as such, not as roots:
	// depth 2 from the merge keeps both of its parents.
	clone := t.TempDir()
	git(t, env, clone, "", "clone", "-q", "--depth", "2", "file://"+dir, "c")
	s := Git{Dir: filepath.Join(clone, "c"), Env: env}.Read(context.Background(), NewExcluder(nil), nil)
	if len(s.Commits) != 3 || !s.Shallow || !s.Commits[1].Boundary || s.Commits[1].Root || s.Commits[1].SHA != side ||
		!s.Commits[2].Boundary || s.Commits[2].SHA != long || s.Commits[2].Signature != "gpg" {
		t.Errorf("shallow clone: shallow=%v commits=%+v", s.Shallow, s.Commits)
	}

	// A repository without commits has none to read, and no error.
	empty := t.TempDir()
	git(t, env, empty, "", "init", "-q")
	if s := (Git{Dir: empty, Env: env}).Read(context.Background(), NewExcluder(nil), nil); s.Commits != nil || s.CommitsError != "" {
		t.Errorf("empty repository: %+v %q", s.Commits, s.CommitsError)
	}
}
