// Package collect does all of ssdf's I/O on a checkout: one walk over the
// file tree, reading only the files that a claim asks for, and the git
// facts. Its result is a snapshot.Snapshot; checks never touch files.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/glob"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Limits bound the walk; a hostile repository cannot exceed them.
type Limits struct {
	// MaxFileSize is the largest file that is read; larger claimed files are
	// recorded as skipped.
	MaxFileSize int64
	// MaxFiles stops the walk after this many entries (the tree is then
	// marked truncated, so that an absent file proves nothing).
	MaxFiles int
	// MaxDepth stops descending below this many directory levels.
	MaxDepth int
	// Lazy leaves scripts unread by the walk (a remote tree pays a request
	// per file): ReadFiles reads those a pipeline runs.
	Lazy bool
}

// DefaultLimits are the limits of SPEC and the foundation issue.
var DefaultLimits = Limits{MaxFileSize: 4 << 20, MaxFiles: 1_000_000, MaxDepth: 256}

// DefaultExcludedSegments are path segments excluded from file checks
// (SPEC §3). A segment containing "{{" is excluded too.
var DefaultExcludedSegments = []string{"testdata", "fixtures", "examples", "example", "vendor", "node_modules", "third_party", ".git"}

// Excluder decides which paths the file checks ignore.
type Excluder struct {
	segments map[string]bool
	patterns []string
	// dirs are extra excluded directories (Backstage skeletons).
	dirs []string
}

// NewExcluder returns an Excluder with the default segments plus the
// policy's patterns.
func NewExcluder(patterns []string) *Excluder {
	e := &Excluder{segments: map[string]bool{}, patterns: patterns}
	for _, s := range DefaultExcludedSegments {
		e.segments[s] = true
	}
	return e
}

// Excluded reports whether a file or directory path is excluded.
func (e *Excluder) Excluded(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if e.segments[strings.ToLower(seg)] || strings.Contains(seg, "{{") {
			return true
		}
	}
	for _, d := range e.dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	for _, pat := range e.patterns {
		if glob.Match(pat, p) {
			return true
		}
	}
	return false
}

// Walk walks fsys once. Every regular file that is not excluded is listed;
// files that a claim wants are read (up to the size cap) and their text kept.
// Symlinks are recorded as skipped and never followed. The walk stops early,
// marking the tree truncated, on cancellation or at the file-count cap.
func Walk(ctx context.Context, fsys fs.FS, ex *Excluder, lim Limits) snapshot.Tree {
	t := snapshot.Tree{Files: []string{}, Contents: map[string]snapshot.Content{}}
	count := 0
	var stop error
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if p == "." {
			if err != nil {
				return err
			}
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			stop = fmt.Errorf("walk cancelled: %w", cerr)
			return fs.SkipAll
		}
		if err != nil {
			t.Skipped = append(t.Skipped, snapshot.Skipped{Path: p, Reason: "unreadable: " + cleanErr(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		count++
		if count > lim.MaxFiles {
			stop = fmt.Errorf("walk stopped at the cap of %d entries", lim.MaxFiles)
			return fs.SkipAll
		}
		if ex.Excluded(p) {
			t.Excluded++
			if d.IsDir() {
				if v := vendoredModules(fsys, ex, p, d); v != "" {
					t.Vendored = append(t.Vendored, v)
				}
				return fs.SkipDir
			}
			return nil
		}
		typ := d.Type()
		switch {
		case typ&fs.ModeSymlink != 0:
			t.Skipped = append(t.Skipped, snapshot.Skipped{Path: p, Reason: "symlink, not followed"})
			return nil
		case d.IsDir():
			if strings.Count(p, "/")+1 >= lim.MaxDepth {
				t.Skipped = append(t.Skipped, snapshot.Skipped{Path: p, Reason: fmt.Sprintf("deeper than %d levels, not walked", lim.MaxDepth)})
				t.Truncated = true
				return fs.SkipDir
			}
			return nil
		case !typ.IsRegular():
			t.Skipped = append(t.Skipped, snapshot.Skipped{Path: p, Reason: "not a regular file"})
			return nil
		}
		t.Files = append(t.Files, p)
		switch claimed(p) {
		case script:
			if !lim.Lazy {
				// An extensionless file is kept only as a script (#!): bin/
				// may hold binaries.
				if c := read(fsys, p, d, lim.MaxFileSize); path.Ext(p) != "" || c.Skipped != "" || strings.HasPrefix(c.Text, "#!") {
					t.Contents[p] = c
				}
			}
		case keep:
			t.Contents[p] = read(fsys, p, d, lim.MaxFileSize)
		case sniff:
			if c := read(fsys, p, d, lim.MaxFileSize); c.Skipped != "" || sniffed(c.Text) {
				t.Contents[p] = c
			}
		}
		return nil
	})
	if err != nil && stop == nil {
		stop = fmt.Errorf("walk: %s", cleanErr(err))
	}
	if stop != nil {
		t.Truncated = true
		t.Error = stop.Error()
	}
	slices.Sort(t.Files)
	slices.Sort(t.Vendored)
	slices.SortFunc(t.Skipped, func(a, b snapshot.Skipped) int { return strings.Compare(a.Path, b.Path) })
	return t
}

// vendoredModules returns p/modules.txt when p is a real directory named
// `vendor` that only the default "vendor" segment excludes (not a policy
// pattern) and that holds a regular file modules.txt, the file `go mod
// vendor` writes. Only that one directory listing is read; the rest of
// vendor/ stays unwalked.
func vendoredModules(fsys fs.FS, ex *Excluder, p string, d fs.DirEntry) string {
	if path.Base(p) != "vendor" || d.Type()&fs.ModeSymlink != 0 {
		return ""
	}
	for _, pat := range ex.patterns {
		if glob.Match(pat, p) || glob.Match(pat, p+"/modules.txt") {
			return ""
		}
	}
	entries, err := fs.ReadDir(fsys, p)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.Name() == "modules.txt" && e.Type().IsRegular() {
			return p + "/modules.txt"
		}
	}
	return ""
}

// ReadFiles reads into t the files at paths that the walk listed but did
// not read (a lazy walk's scripts), with the walk's size cap. Paths t does
// not list as regular files (symlinks, excluded, absent) are ignored.
func ReadFiles(ctx context.Context, fsys fs.FS, t *snapshot.Tree, paths []string, lim Limits) {
	lim = Options{Limits: lim}.limits()
	for _, p := range paths {
		if ctx.Err() != nil {
			return
		}
		if _, done := t.Contents[p]; done {
			continue
		}
		if _, listed := slices.BinarySearch(t.Files, p); !listed {
			continue
		}
		// The entry comes from its directory's listing, which a forge tree
		// answers without a request (fs.Stat would fetch the file).
		var entry fs.DirEntry
		entries, err := fs.ReadDir(fsys, path.Dir(p))
		for _, e := range entries {
			if e.Name() == path.Base(p) {
				entry = e
			}
		}
		switch {
		case err != nil:
			t.Contents[p] = snapshot.Content{Skipped: "unreadable: " + cleanErr(err)}
		case entry == nil || !entry.Type().IsRegular():
			// Gone, or not a regular file: never followed.
		default:
			t.Contents[p] = read(fsys, p, entry, lim.MaxFileSize)
		}
	}
}

// read reads a claimed file up to max bytes. It opens the entry through
// fsys (an os.Root FS for a checkout), which refuses to leave the root.
func read(fsys fs.FS, p string, d fs.DirEntry, max int64) snapshot.Content {
	info, err := d.Info()
	if err != nil {
		return snapshot.Content{Skipped: "unreadable: " + cleanErr(err)}
	}
	if info.Size() > max {
		return snapshot.Content{Size: info.Size(), Skipped: fmt.Sprintf("%d bytes, over the %d-byte cap", info.Size(), max)}
	}
	f, err := fsys.Open(p)
	if err != nil {
		return snapshot.Content{Skipped: "unreadable: " + cleanErr(err)}
	}
	defer f.Close()
	// The file may have grown since Info: never read more than the cap.
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return snapshot.Content{Skipped: "unreadable: " + cleanErr(err)}
	}
	if int64(len(b)) > max {
		return snapshot.Content{Size: int64(len(b)), Skipped: fmt.Sprintf("over the %d-byte cap", max)}
	}
	return snapshot.Content{Text: string(b), Size: int64(len(b))}
}

// cleanErr drops the absolute path that os errors carry, so that reports
// say nothing about the machine that ran the scan.
func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + " " + path.Base(pe.Path) + ": " + pe.Err.Error()
	}
	return err.Error()
}
