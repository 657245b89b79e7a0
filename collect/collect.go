package collect

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Options configure a collection.
type Options struct {
	// Forge is --forge ("github", "gitlab" or empty); ForgeURL is --forge-url.
	Forge    string
	ForgeURL string
	// Exclude are the policy's exclusion patterns, added to the defaults.
	Exclude []string
	Limits  Limits
	// GitEnv is the environment for the git program (nil: the process's).
	GitEnv []string
	// Path is the target path as the user gave it, for the report.
	Path string
	// Commits is how many of the newest commits reachable from HEAD to
	// read with their signatures (the policy's signedCommits.window).
	Commits int
}

func (o Options) limits() Limits {
	l := o.Limits
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultLimits.MaxFileSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultLimits.MaxFiles
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	return l
}

// CodeOwnersLocations are the paths where either forge looks for a
// CODEOWNERS file (SPEC §3).
var CodeOwnersLocations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}

// Dir collects a checkout. The directory is opened with os.OpenRoot, so no
// read can leave it, symlinks included. It fails only when dir cannot be
// opened at all (exit 3).
func Dir(ctx context.Context, dir string, o Options) (*snapshot.Snapshot, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	defer root.Close()
	g := &Git{Dir: dir, Env: o.GitEnv, Commits: o.Commits}
	return collect(ctx, root.FS(), g, o), nil
}

// FS collects a file system without git (tests, remote trees): the
// git-sourced facts are unavailable with the given reason, or gitFacts
// when not nil.
func FS(ctx context.Context, fsys fs.FS, o Options, gitFacts *snapshot.Git) *snapshot.Snapshot {
	s := collect(ctx, fsys, nil, o)
	if gitFacts != nil {
		s.Git = *gitFacts
		s.Target.Branch, s.Target.Commit = gitFacts.Branch, gitFacts.Head
		s.Target.Forge, s.Target.ForgeSource = DecideForge(o.Forge, o.ForgeURL, gitFacts.Origin, s.Tree)
		s.Target.URL = WebURL(gitFacts.Origin)
	}
	return s
}

func collect(ctx context.Context, fsys fs.FS, g *Git, o Options) *snapshot.Snapshot {
	ex := NewExcluder(o.Exclude)
	tree := Walk(ctx, fsys, ex, o.limits())
	if dirs := skeletonDirs(tree); len(dirs) > 0 {
		ex.dirs = dirs
		dropDirs(&tree, dirs)
	}
	s := &snapshot.Snapshot{
		Schema: snapshot.Schema,
		Target: snapshot.Target{Kind: "repository", Path: o.Path},
		Tree:   tree,
		Forge:  snapshot.Forge{Reason: "offline scan: no forge was consulted"},
	}
	if g != nil {
		s.Git = g.Read(ctx, ex, codeOwnersFound(tree))
	} else {
		s.Git = snapshot.Git{Error: "not a git repository"}
	}
	s.Target.Branch, s.Target.Commit = s.Git.Branch, s.Git.Head
	s.Target.Forge, s.Target.ForgeSource = DecideForge(o.Forge, o.ForgeURL, s.Git.Origin, s.Tree)
	s.Target.URL = WebURL(s.Git.Origin)
	return s
}

// codeOwnersFound lists the CODEOWNERS files present at any location, with
// their real spelling, so that git is asked about each.
func codeOwnersFound(t snapshot.Tree) []string {
	var out []string
	for p := range t.Contents {
		if strings.EqualFold(path.Base(p), "CODEOWNERS") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
