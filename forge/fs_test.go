package forge

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// fakeClient serves files from a map and counts reads.
type fakeClient struct {
	files map[string]string
	reads []string
}

func (f *fakeClient) Kind() string { return "github" }
func (f *fakeClient) Org(context.Context, string) (*snapshot.Org, error) {
	return nil, errors.New("unused")
}
func (f *fakeClient) Repo(context.Context, RepoRef, RepoOptions) (*snapshot.Repo, error) {
	return nil, errors.New("unused")
}
func (f *fakeClient) Repos(context.Context, string) ([]RepoRef, error) {
	return nil, errors.New("unused")
}
func (f *fakeClient) Tree(context.Context, RepoRef, string) (*Tree, error) {
	return nil, errors.New("unused")
}
func (f *fakeClient) File(_ context.Context, _ RepoRef, e TreeEntry) ([]byte, error) {
	f.reads = append(f.reads, e.Path)
	s, ok := f.files[e.Path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(s), nil
}

func TestTreeFS(t *testing.T) {
	c := &fakeClient{files: map[string]string{".github/CODEOWNERS": "* @a/b\n", "src/main.go": "package main\n", "README.md": "hi"}}
	tree := &Tree{Commit: "abc", Entries: []TreeEntry{
		{Path: ".github/CODEOWNERS", Size: 7},
		{Path: "src/main.go", Size: 13},
		{Path: "README.md", Size: 2},
		{Path: "link", Symlink: true},
		{Path: "sub", Submodule: true},
	}}
	plain := &Tree{Entries: tree.Entries[:3]}
	if err := fstest.TestFS(FS(context.Background(), c, RepoRef{}, plain), ".github/CODEOWNERS", "src/main.go", "README.md"); err != nil {
		t.Fatal(err)
	}
	fsys := FS(context.Background(), c, RepoRef{Owner: "o", Name: "r"}, tree)
	c.reads = nil
	var walked []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			walked = append(walked, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(walked) != 5 || len(c.reads) != 0 {
		t.Errorf("walk listed %v and read %v; want 5 entries and no reads", walked, c.reads)
	}
	if _, err := fsys.Open("link"); err == nil {
		t.Error("a symlink was opened")
	}
}
