package sharedtest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// CorpusFile is one row of the corpus's SOURCES.tsv.
type CorpusFile struct {
	Kind string // the corpus folder: "github-workflows", "tekton", …
	Repo string // owner/repo
	Path string // the file's path in its repository
	File string // the file in the corpus
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._+-]`)

// CorpusName is the name the corpus gives the file at path in repo:
// owner__repo__path with "/" as "__", and every character outside
// [A-Za-z0-9._+-] as "_" (the corpus README's layout).
func CorpusName(repo, path string) string {
	owner, name, _ := strings.Cut(repo, "/")
	return owner + "__" + name + "__" + unsafeChars.ReplaceAllString(strings.ReplaceAll(path, "/", "__"), "_")
}

// Corpus returns the rows of SOURCES.tsv of the given kinds (of every kind
// when none is given), in its order. A row whose file is missing fails the
// test.
func Corpus(t testing.TB, kinds ...string) []CorpusFile {
	t.Helper()
	dir := Dir(t, "corpus")
	f, err := os.Open(filepath.Join(dir, "SOURCES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []CorpusFile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || cols[0] == "kind" || (len(kinds) > 0 && !slices.Contains(kinds, cols[0])) {
			continue
		}
		file := filepath.Join(dir, cols[0], CorpusName(cols[1], cols[3]))
		if _, err := os.Stat(file); err != nil {
			t.Fatalf("corpus file for %s %s: %v", cols[1], cols[3], err)
		}
		out = append(out, CorpusFile{Kind: cols[0], Repo: cols[1], Path: cols[3], File: file})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// CorpusTrees rebuilds, from the corpus, one tree per repository holding
// its files of the given kinds at their original paths, sorted.
func CorpusTrees(t testing.TB, kinds ...string) map[string]snapshot.Tree {
	t.Helper()
	trees := map[string]snapshot.Tree{}
	for _, c := range Corpus(t, kinds...) {
		b, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		tr := trees[c.Repo]
		if tr.Contents == nil {
			tr.Contents = map[string]snapshot.Content{}
		}
		tr.Files = append(tr.Files, c.Path)
		tr.Contents[c.Path] = snapshot.Content{Text: string(b), Size: int64(len(b))}
		trees[c.Repo] = tr
	}
	for repo, tr := range trees {
		slices.Sort(tr.Files)
		trees[repo] = tr
	}
	return trees
}
