package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// The shared corpus holds real pipeline files, named
// <owner>__<repo>__<path with "/" as "__">, with their origin in
// SOURCES.tsv. Tests rebuild each repository's tree from it.

type corpusEntry struct {
	kind, repo, path, file string
}

func corpusDir(t testing.TB) string { return sharedtest.Dir(t, "corpus") }

// corpus returns the entries of the pipeline kinds.
func corpus(t testing.TB) []corpusEntry {
	t.Helper()
	var out []corpusEntry
	for _, c := range sharedtest.Corpus(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton") {
		out = append(out, corpusEntry{kind: c.Kind, repo: c.Repo, path: c.Path, file: c.File})
	}
	if len(out) < 50 {
		t.Fatalf("only %d pipeline files in the corpus", len(out))
	}
	return out
}

// repoTree builds the tree of one corpus repository: its pipeline files at
// their original paths, or where remap puts them.
func repoTree(t testing.TB, repo string, remap map[string]string) snapshot.Tree {
	t.Helper()
	tree := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for _, e := range corpus(t) {
		if e.repo != repo {
			continue
		}
		b, err := os.ReadFile(e.file)
		if err != nil {
			t.Fatal(err)
		}
		p := e.path
		if r, ok := remap[p]; ok {
			p = r
		}
		tree.Files = append(tree.Files, p)
		tree.Contents[p] = snapshot.Content{Text: string(b), Size: int64(len(b))}
	}
	if len(tree.Files) == 0 {
		t.Fatalf("no corpus files for %s", repo)
	}
	slices.Sort(tree.Files)
	return tree
}

func repoSet(t testing.TB, repo string, remap map[string]string) *Set {
	t.Helper()
	return Parse(repoTree(t, repo, remap))
}

// TestCorpusParses parses every corpus pipeline file as its kind, wherever
// it sits, and requires no problem and at least one job or resource.
func TestCorpusParses(t *testing.T) {
	for _, e := range corpus(t) {
		b, err := os.ReadFile(e.file)
		if err != nil {
			t.Fatal(err)
		}
		var p string
		switch e.kind {
		case "github-workflows":
			p = ".github/workflows/" + filepath.Base(e.path)
		case "gitlab-ci":
			p = ".gitlab-ci.yml"
		case "jenkinsfile":
			p = "Jenkinsfile"
		case "tekton":
			p = ".tekton/" + filepath.Base(e.path)
		}
		s := Parse(snapshot.Tree{Files: []string{p}, Contents: map[string]snapshot.Content{p: {Text: string(b)}}})
		f := s.File(p)
		if f == nil {
			t.Errorf("%s %s: not parsed", e.repo, e.path)
			continue
		}
		if f.Problem != "" {
			t.Errorf("%s %s: %s", e.repo, e.path, f.Problem)
		}
		if len(f.Jobs) == 0 && len(f.Includes) == 0 && len(f.Resources) == 0 {
			t.Errorf("%s %s: no jobs", e.repo, e.path)
		}
		// Every command of every step has a place in the file.
		for _, j := range f.Jobs {
			for _, st := range j.Steps {
				for _, c := range st.Run.Commands() {
					if c.Path != p || c.Line < 1 || c.Line > strings.Count(string(b), "\n")+1 {
						t.Errorf("%s %s: command %q at %v", e.repo, e.path, c.Text, c.Pos)
					}
				}
			}
		}
	}
}
