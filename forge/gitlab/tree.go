package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/forge"
)

// Tree lists every file of the project at ref ("" for the default
// branch): one request to resolve ref to a commit, then the recursive tree
// (100 entries a request, keyset pagination where the server offers it).
// GitLab's tree has no blob sizes: File caps what it reads instead.
func (c *Client) Tree(ctx context.Context, ref forge.RepoRef, rev string) (*forge.Tree, error) {
	p, err := c.project(ctx, ref)
	if err != nil {
		return nil, err
	}
	if rev == "" {
		rev = p.DefaultBranch.V
	}
	if rev == "" {
		return &forge.Tree{Entries: []forge.TreeEntry{}}, nil
	}
	var cm struct {
		ID string `json:"id"`
	}
	if _, err := c.get(ctx, pid(p)+"/repository/commits/"+url.PathEscape(rev), nil, &cm); err != nil {
		return nil, fmt.Errorf("gitlab: resolve %s of %s: %w", rev, ref.FullName(), err)
	}
	if cm.ID == "" {
		return nil, fmt.Errorf("gitlab: resolve %s of %s: no commit id in the answer", rev, ref.FullName())
	}
	type node struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Path string `json:"path"`
		Mode string `json:"mode"`
	}
	nodes, err := list[node](ctx, c, pid(p)+"/repository/tree", url.Values{
		"recursive": {"true"}, "ref": {cm.ID}, "pagination": {"keyset"},
	}, 0)
	if err != nil {
		return nil, fmt.Errorf("gitlab: list files of %s: %w", ref.FullName(), err)
	}
	t := &forge.Tree{Commit: cm.ID, Entries: make([]forge.TreeEntry, 0, len(nodes))}
	for _, n := range nodes {
		switch n.Type {
		case "blob":
			t.Entries = append(t.Entries, forge.TreeEntry{Path: n.Path, SHA: n.ID, Symlink: n.Mode == "120000"})
		case "commit":
			t.Entries = append(t.Entries, forge.TreeEntry{Path: n.Path, SHA: n.ID, Submodule: true})
		}
	}
	return t, nil
}

// errCapped stops reading a blob past the cap.
var errCapped = errors.New("blob over the size cap")

type capWriter struct {
	b   []byte
	max int64
}

func (w *capWriter) Write(p []byte) (int, error) {
	room := w.max - int64(len(w.b))
	if int64(len(p)) > room {
		w.b = append(w.b, p[:max(room, 0)]...)
		return int(max(room, 0)), errCapped
	}
	w.b = append(w.b, p...)
	return len(p), nil
}

// File reads one blob (GET /projects/:id/repository/blobs/:sha/raw, or the
// file by path at the default branch when the entry has no SHA). A blob
// larger than the cap is returned cut at cap+1 bytes, so that the walk
// records it as skipped without downloading it whole.
func (c *Client) File(ctx context.Context, ref forge.RepoRef, e forge.TreeEntry) ([]byte, error) {
	p, err := c.project(ctx, ref)
	if err != nil {
		return nil, err
	}
	w := &capWriter{max: c.maxFile + 1}
	var q url.Values
	path := pid(p) + "/repository/blobs/" + url.PathEscape(e.SHA) + "/raw"
	if e.SHA == "" {
		path = pid(p) + "/repository/files/" + esc(strings.TrimPrefix(e.Path, "/")) + "/raw"
		q = url.Values{"ref": {p.DefaultBranch.V}}
	}
	_, err = c.get(ctx, path, q, w)
	if err != nil && !errors.Is(err, errCapped) {
		return nil, fmt.Errorf("gitlab: read %s of %s: %w", e.Path, ref.FullName(), err)
	}
	return w.b, nil
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
