package forge

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// FS presents a forge tree as a read-only fs.FS, so that a remote scan
// runs the very same walk, claims and size cap as a local one. Listing
// costs nothing (the tree was fetched in one call); only the files the walk
// opens are fetched, one request each. Symlinks and submodules are listed
// with their type and never read.
func FS(ctx context.Context, c Client, repo RepoRef, t *Tree) *TreeFS {
	fsys := &TreeFS{ctx: ctx, c: c, repo: repo, files: map[string]TreeEntry{}, dirs: map[string][]fs.DirEntry{}}
	seenDir := map[string]bool{".": true}
	var addDir func(d string)
	addDir = func(d string) {
		if seenDir[d] {
			return
		}
		seenDir[d] = true
		parent := path.Dir(d)
		addDir(parent)
		fsys.dirs[parent] = append(fsys.dirs[parent], dirEntry{name: path.Base(d), mode: fs.ModeDir | 0o555})
	}
	for _, e := range t.Entries {
		p := strings.Trim(e.Path, "/")
		if p == "" || !fs.ValidPath(p) {
			continue
		}
		fsys.files[p] = e
		dir := path.Dir(p)
		addDir(dir)
		mode := fs.FileMode(0o444)
		switch {
		case e.Symlink:
			mode = fs.ModeSymlink
		case e.Submodule:
			mode = fs.ModeIrregular
		}
		fsys.dirs[dir] = append(fsys.dirs[dir], dirEntry{name: path.Base(p), mode: mode, size: e.Size})
	}
	for d := range fsys.dirs {
		slices.SortFunc(fsys.dirs[d], func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	return fsys
}

// TreeFS is the fs.FS of a forge tree.
type TreeFS struct {
	ctx   context.Context
	c     Client
	repo  RepoRef
	files map[string]TreeEntry
	dirs  map[string][]fs.DirEntry
	// Fetched counts the files read from the forge.
	Fetched atomic.Int64
}

// Open opens a file (fetching it) or a directory.
func (t *TreeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if entries, ok := t.dirs[name]; ok {
		return &dirFile{name: name, entries: entries}, nil
	}
	e, ok := t.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if e.Symlink || e.Submodule {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("not a regular file")}
	}
	t.Fetched.Add(1)
	b, err := t.c.File(t.ctx, t.repo, e)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{name: path.Base(name), r: bytes.NewReader(b), size: int64(len(b))}, nil
}

// ReadDir lists a directory without any request.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, ok := t.dirs[name]
	if !ok {
		if _, isFile := t.files[name]; isFile {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
		}
		if name != "." {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
		}
	}
	return slices.Clone(entries), nil
}

type dirEntry struct {
	name string
	mode fs.FileMode
	size int64
}

func (d dirEntry) Name() string               { return d.name }
func (d dirEntry) IsDir() bool                { return d.mode.IsDir() }
func (d dirEntry) Type() fs.FileMode          { return d.mode.Type() }
func (d dirEntry) Info() (fs.FileInfo, error) { return fileInfo(d), nil }

type fileInfo dirEntry

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() fs.FileMode  { return f.mode }
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fileInfo) Sys() any           { return nil }

type file struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *file) Stat() (fs.FileInfo, error) {
	return fileInfo{name: f.name, mode: 0o444, size: f.size}, nil
}
func (f *file) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *file) Close() error               { return nil }

type dirFile struct {
	name    string
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(d.name), mode: fs.ModeDir | 0o555}, nil
}
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *dirFile) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}
