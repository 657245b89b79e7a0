package tracker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/forge/transport"
)

// fakeIssue is one issue held by a fake.
type fakeIssue struct {
	N        int
	Title    string
	Body     string
	Open     bool
	Labels   []string
	Comments []string
	PR       bool // GitHub lists pull requests among issues
}

// fakeServer is GitHub Issues or GitLab issues in memory, following their
// documented REST API: paths, auth headers, pagination (GitHub: Link
// rel="next"; GitLab: X-Next-Page and Link), error bodies ({"message"}).
type fakeServer struct {
	t       *testing.T
	kind    string // github or gitlab
	token   string
	perPage int

	mu     sync.Mutex
	issues []*fakeIssue
	// fail5xx answers every request with this status when set; echo puts
	// the request's credential in the error body (a hostile server).
	fail5xx  int
	echo     bool
	requests int
	srv      *httptest.Server
}

func newFake(t *testing.T, kind, token string) *fakeServer {
	f := &fakeServer{t: t, kind: kind, token: token, perPage: 100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) errorBody(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if f.kind == "gitlab" {
		json.NewEncoder(w).Encode(map[string]any{"message": msg})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	var cred string
	if f.kind == "github" {
		cred = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	} else {
		cred = r.Header.Get("PRIVATE-TOKEN")
	}
	if f.fail5xx != 0 {
		msg := "upstream unavailable"
		if f.echo {
			msg += " for token " + cred
		}
		f.errorBody(w, f.fail5xx, msg)
		return
	}
	if cred != f.token {
		f.errorBody(w, 401, "Bad credentials")
		return
	}
	if f.kind == "github" {
		f.serveGitHub(w, r)
	} else {
		f.serveGitLab(w, r)
	}
}

func (f *fakeServer) find(n string) *fakeIssue {
	i, _ := strconv.Atoi(n)
	for _, is := range f.issues {
		if is.N == i {
			return is
		}
	}
	return nil
}

func (f *fakeServer) list(w http.ResponseWriter, r *http.Request, label string, toJSON func(*fakeIssue) any) {
	q := r.URL.Query()
	var sel []*fakeIssue
	for _, is := range f.issues {
		if q.Get("labels") != "" && !slices.Contains(is.Labels, q.Get("labels")) {
			continue
		}
		st := q.Get("state")
		if (st == "open" || st == "opened") && !is.Open || (st == "closed" && is.Open) {
			continue
		}
		if f.kind == "github" && st == "" && !is.Open { // GitHub's default is open
			continue
		}
		sel = append(sel, is)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	per := f.perPage
	lo, hi := min((page-1)*per, len(sel)), min(page*per, len(sel))
	if hi < len(sel) {
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(page+1))
		next := "http://" + r.Host + r.URL.Path + "?" + nq.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, next, next))
		if f.kind == "gitlab" {
			w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		}
	} else if f.kind == "gitlab" {
		w.Header().Set("X-Next-Page", "")
	}
	out := []any{}
	for _, is := range sel[lo:hi] {
		out = append(out, toJSON(is))
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeServer) ghJSON(is *fakeIssue) any {
	labels := []map[string]any{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	state := "open"
	if !is.Open {
		state = "closed"
	}
	m := map[string]any{"number": is.N, "html_url": fmt.Sprintf("https://github.com/acme/widget/issues/%d", is.N),
		"title": is.Title, "body": is.Body, "state": state, "labels": labels}
	if is.PR {
		m["pull_request"] = map[string]any{"url": "x"}
	}
	return m
}

func (f *fakeServer) glJSON(is *fakeIssue) any {
	state := "opened"
	if !is.Open {
		state = "closed"
	}
	return map[string]any{"iid": is.N, "id": 1000 + is.N, "web_url": fmt.Sprintf("https://gitlab.com/acme/widget/-/issues/%d", is.N),
		"title": is.Title, "description": is.Body, "state": state, "labels": is.Labels}
}

func fakeDecode(r *http.Request) map[string]any {
	var m map[string]any
	json.NewDecoder(r.Body).Decode(&m)
	return m
}

func (f *fakeServer) serveGitHub(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/api/v3")
	const pre = "/repos/acme/widget/issues"
	if !strings.HasPrefix(p, pre) || r.Header.Get("Accept") != "application/vnd.github+json" {
		f.errorBody(w, 404, "Not Found")
		return
	}
	rest := strings.Trim(strings.TrimPrefix(p, pre), "/")
	parts := strings.Split(rest, "/")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		f.list(w, r, "ssdf", f.ghJSON)
	case rest == "" && r.Method == http.MethodPost:
		m := fakeDecode(r)
		is := &fakeIssue{N: len(f.issues) + 1, Title: m["title"].(string), Body: m["body"].(string), Open: true}
		for _, l := range m["labels"].([]any) {
			is.Labels = append(is.Labels, l.(string))
		}
		f.issues = append(f.issues, is)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(f.ghJSON(is))
	case len(parts) >= 1:
		is := f.find(parts[0])
		if is == nil {
			f.errorBody(w, 404, "Not Found")
			return
		}
		switch {
		case len(parts) == 2 && parts[1] == "comments" && r.Method == http.MethodPost:
			is.Comments = append(is.Comments, fakeDecode(r)["body"].(string))
			w.WriteHeader(201)
			w.Write([]byte(`{"id":1}`))
		case len(parts) == 1 && r.Method == http.MethodGet:
			json.NewEncoder(w).Encode(f.ghJSON(is))
		case len(parts) == 1 && r.Method == http.MethodPatch:
			m := fakeDecode(r)
			if v, ok := m["title"].(string); ok {
				is.Title = v
			}
			if v, ok := m["body"].(string); ok {
				is.Body = v
			}
			if v, ok := m["state"].(string); ok {
				is.Open = v == "open"
			}
			json.NewEncoder(w).Encode(f.ghJSON(is))
		default:
			f.errorBody(w, 404, "Not Found")
		}
	}
}

func (f *fakeServer) serveGitLab(w http.ResponseWriter, r *http.Request) {
	// The project is addressed by its URL-encoded path.
	const pre = "/api/v4/projects/acme%2Fwidget/issues"
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, pre) {
		f.errorBody(w, 404, "404 Project Not Found")
		return
	}
	rest := strings.Trim(strings.TrimPrefix(p, pre), "/")
	parts := strings.Split(rest, "/")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		f.list(w, r, "ssdf", f.glJSON)
	case rest == "" && r.Method == http.MethodPost:
		m := fakeDecode(r)
		is := &fakeIssue{N: len(f.issues) + 1, Title: m["title"].(string), Body: m["description"].(string), Open: true,
			Labels: strings.Split(m["labels"].(string), ",")}
		f.issues = append(f.issues, is)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(f.glJSON(is))
	default:
		is := f.find(parts[0])
		if is == nil {
			f.errorBody(w, 404, "404 Not found")
			return
		}
		switch {
		case len(parts) == 2 && parts[1] == "notes" && r.Method == http.MethodPost:
			is.Comments = append(is.Comments, fakeDecode(r)["body"].(string))
			w.WriteHeader(201)
			w.Write([]byte(`{"id":1}`))
		case len(parts) == 1 && r.Method == http.MethodGet:
			json.NewEncoder(w).Encode(f.glJSON(is))
		case len(parts) == 1 && r.Method == http.MethodPut:
			m := fakeDecode(r)
			if v, ok := m["title"].(string); ok {
				is.Title = v
			}
			if v, ok := m["description"].(string); ok {
				is.Body = v
			}
			switch m["state_event"] {
			case "close":
				is.Open = false
			case "reopen":
				is.Open = true
			}
			json.NewEncoder(w).Encode(f.glJSON(is))
		default:
			f.errorBody(w, 404, "404 Not found")
		}
	}
}

// client is the shared transport (retries on 5xx) with waits of
// microseconds.
func (f *fakeServer) client() *http.Client {
	return transport.New(transport.Options{Base: f.srv.Client().Transport, NoCache: true,
		BaseBackoff: time.Microsecond, MaxBackoff: time.Microsecond}).Client()
}

// tracker returns the adapter under test pointed at the fake.
func (f *fakeServer) tracker(t *testing.T) Tracker {
	t.Helper()
	var tr Tracker
	var err error
	if f.kind == "github" {
		tr, err = NewGitHub(GitHubOptions{APIURL: f.srv.URL + "/api/v3", Repo: "acme/widget", Token: f.token, HTTPClient: f.client()})
	} else {
		tr, err = NewGitLab(GitLabOptions{APIURL: f.srv.URL + "/api/v4", Project: "acme/widget", Token: f.token, HTTPClient: f.client()})
	}
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (f *fakeServer) snapshot() []fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeIssue
	for _, is := range f.issues {
		c := *is
		c.Comments = slices.Clone(is.Comments)
		out = append(out, c)
	}
	return out
}

var _ = url.PathEscape
