package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// GitLab is a fake GitLab REST API (/api/v4) on the shared Server. Its
// answers are the real bodies of ../shared/api-examples/gitlab
// (documentation examples, quirks included: string and integer ids, absent
// rather than null settings, the string "false" in approval rules),
// patched per test by the builders of gitlab_world.go.
//
// Routes are keyed by the escaped path after /api/v4 ("/projects/7",
// "/groups/acme%2Fsub"), optionally with query pairs that must match
// ("/users?two_factor=disabled"). A list route is paginated like GitLab:
// offset (page, per_page, X-Next-Page, X-Total, Link) and, when asked with
// pagination=keyset, keyset (a Link rel="next" only). A path with no route
// answers 404, as GitLab does for an edition without the endpoint.
//
// Faults come from the shared Server (Inject): 401, 403, 404 for plan
// features (Free), 429 with RateLimit-Reset and Retry-After, 502, slow
// answers, truncated JSON, bodies echoing the credentials. Fault paths may
// leave out the /api/v4 prefix ("/projects/*/push_rule").
type GitLab struct {
	*Server

	examples string

	mu       sync.Mutex
	routes   map[string]*GitLabRoute
	projects map[int64]*GitLabProject
	groups   map[string]*GitLabGroup
}

// GitLabRoute is one canned answer.
type GitLabRoute struct {
	Status int
	Header http.Header
	// Body is served as is (JSON unless ContentType says otherwise).
	Body        []byte
	ContentType string
	// Items, when not nil, make the route a paginated JSON list.
	Items []json.RawMessage
}

// NewGitLab starts a fake GitLab; it is closed when the test ends.
func NewGitLab(t testing.TB) *GitLab {
	t.Helper()
	g := &GitLab{
		Server:   NewServer(t),
		examples: sharedtest.Dir(t, "api-examples", "gitlab"),
		routes:   map[string]*GitLabRoute{},
		projects: map[int64]*GitLabProject{},
		groups:   map[string]*GitLabGroup{},
	}
	g.Prefix = "/api/v4"
	g.Server.Handle("/api/v4/", g.serve)
	return g
}

// RequireToken makes every request without tok (PRIVATE-TOKEN or
// Authorization: Bearer) answer 401.
func (g *GitLab) RequireToken(tok string) {
	g.SetAuth(func(r *http.Request) bool {
		return r.Header.Get("PRIVATE-TOKEN") == tok || r.Header.Get("Authorization") == "Bearer "+tok
	})
}

// Example returns the body of api-examples/gitlab/name.
func (g *GitLab) Example(name string) []byte {
	b, err := os.ReadFile(filepath.Join(g.examples, name))
	if err != nil {
		panic(fmt.Sprintf("fake: %v", err))
	}
	return b
}

// GitLabID escapes a project or group path for a route ("acme/widget" →
// "acme%2Fwidget").
func GitLabID(p string) string { return url.PathEscape(p) }

// HandleJSON sets the answer to GET key.
func (g *GitLab) HandleJSON(key string, status int, body []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.routes[glNorm(key)] = &GitLabRoute{Status: status, Body: body}
}

// HandleRaw sets a text answer (raw blobs).
func (g *GitLab) HandleRaw(key string, body []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.routes[glNorm(key)] = &GitLabRoute{Status: 200, Body: body, ContentType: "text/plain; charset=utf-8"}
}

// HandleList sets a paginated JSON list.
func (g *GitLab) HandleList(key string, items []json.RawMessage) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if items == nil {
		items = []json.RawMessage{}
	}
	g.routes[glNorm(key)] = &GitLabRoute{Status: 200, Items: items}
}

// Route returns the route for key (nil if none), to change it in place.
func (g *GitLab) Route(key string) *GitLabRoute {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.routes[glNorm(key)]
}

// glNorm normalises an escaped path: no /api/v4 prefix, "." unescaped,
// upper-case hex, sorted query.
func glNorm(key string) string {
	p, q, _ := strings.Cut(key, "?")
	p = strings.TrimPrefix(p, "/api/v4")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	p = strings.NewReplacer("%2e", ".", "%2E", ".", "%2f", "%2F").Replace(p)
	if q == "" {
		return p
	}
	v, _ := url.ParseQuery(q)
	return p + "?" + v.Encode()
}

func glMessage(status int) []byte {
	b, _ := json.Marshal(map[string]string{"message": fmt.Sprintf("%d %s", status, http.StatusText(status))})
	return b
}

func (g *GitLab) serve(w http.ResponseWriter, r *http.Request) {
	p := glNorm(r.URL.EscapedPath())
	g.mu.Lock()
	route := g.match(p, r.URL.Query())
	g.mu.Unlock()
	if route == nil || r.Method != http.MethodGet {
		WriteBody(w, r, http.StatusNotFound, "application/json", glMessage(http.StatusNotFound))
		return
	}
	for k, vs := range route.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body, status := route.Body, route.Status
	if route.Items != nil {
		body, status = g.page(w, r, route.Items)
	}
	ct := route.ContentType
	if ct == "" {
		ct = "application/json"
	}
	WriteBody(w, r, status, ct, body)
}

// match finds the route for p: the one with the most query pairs that all
// match the request, else the bare path.
func (g *GitLab) match(p string, q url.Values) *GitLabRoute {
	if rt, ok := g.routes[p]; ok {
		best, bestN := rt, 0
		for k, r := range g.routes {
			kp, kq, ok := strings.Cut(k, "?")
			if !ok || kp != p {
				continue
			}
			want, _ := url.ParseQuery(kq)
			n := 0
			for wk := range want {
				if q.Get(wk) != want.Get(wk) {
					n = -1
					break
				}
				n++
			}
			if n > bestN {
				best, bestN = r, n
			}
		}
		return best
	}
	for k, r := range g.routes {
		kp, kq, ok := strings.Cut(k, "?")
		if !ok || kp != p {
			continue
		}
		want, _ := url.ParseQuery(kq)
		all := true
		for wk := range want {
			if q.Get(wk) != want.Get(wk) {
				all = false
			}
		}
		if all {
			return r
		}
	}
	return nil
}

// page serves one page of items, filtered by query/search like GitLab's
// member and user lists.
func (g *GitLab) page(w http.ResponseWriter, r *http.Request, items []json.RawMessage) ([]byte, int) {
	q := r.URL.Query()
	if s := strings.ToLower(q.Get("query") + q.Get("search")); s != "" {
		var kept []json.RawMessage
		for _, it := range items {
			var m struct{ Username, Name, Email, FullPath string }
			_ = json.Unmarshal(it, &m)
			if strings.Contains(strings.ToLower(m.Username), s) || strings.Contains(strings.ToLower(m.Name), s) ||
				strings.EqualFold(m.Email, s) || strings.Contains(strings.ToLower(m.FullPath), s) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 20
	}
	per = min(per, 100)
	link := func(set map[string]string, rel string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		for k, val := range set {
			v.Set(k, val)
		}
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		u.RawQuery = v.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	h := w.Header()
	if q.Get("pagination") == "keyset" {
		cursorKey := "id_after"
		if strings.HasSuffix(r.URL.Path, "/repository/tree") {
			cursorKey = "page_token"
		}
		start, _ := strconv.Atoi(q.Get(cursorKey))
		start = min(max(start, 0), len(items))
		end := min(start+per, len(items))
		if end < len(items) {
			h.Set("Link", link(map[string]string{cursorKey: strconv.Itoa(end)}, "next"))
		}
		return glItems(items[start:end]), http.StatusOK
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	if pg <= 0 {
		pg = 1
	}
	total := len(items)
	pages := max((total+per-1)/per, 1)
	start := min((pg-1)*per, total)
	end := min(start+per, total)
	h.Set("X-Page", strconv.Itoa(pg))
	h.Set("X-Per-Page", strconv.Itoa(per))
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	var links []string
	if pg < pages {
		h.Set("X-Next-Page", strconv.Itoa(pg+1))
		links = append(links, link(map[string]string{"page": strconv.Itoa(pg + 1)}, "next"))
	}
	if pg > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(pg-1))
		links = append(links, link(map[string]string{"page": strconv.Itoa(pg - 1)}, "prev"))
	}
	links = append(links, link(map[string]string{"page": "1"}, "first"), link(map[string]string{"page": strconv.Itoa(pages)}, "last"))
	h.Set("Link", strings.Join(links, ", "))
	return glItems(items[start:end]), http.StatusOK
}

func glItems(items []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// GitLabDelete marks a key to remove in GitLabPatch.
var GitLabDelete = &struct{ delete bool }{true}

// GitLabPatch sets (or, with GitLabDelete, removes) top-level keys of a
// JSON object and returns the new object. Key order is not kept.
func GitLabPatch(obj []byte, set map[string]any) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		panic(fmt.Sprintf("fake: patch: %v", err))
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := set[k]
		if v == GitLabDelete {
			delete(m, k)
			continue
		}
		if raw, ok := v.(json.RawMessage); ok {
			m[k] = raw
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("fake: patch %s: %v", k, err))
		}
		m[k] = b
	}
	b, _ := json.Marshal(m)
	return b
}

// gitlabElems splits a JSON array.
func gitlabElems(arr []byte) []json.RawMessage {
	var out []json.RawMessage
	if err := json.Unmarshal(arr, &out); err != nil {
		panic(fmt.Sprintf("fake: %v", err))
	}
	return out
}

func gitlabMust(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
