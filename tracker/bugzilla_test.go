package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// lgIssue is one issue held by a bugzilla/redmine/mantis/trac fake; each
// fake maps it to and from its tracker's wire format.
type lgIssue struct {
	ID         int
	Project    string
	Title      string
	Desc       string
	Whiteboard string
	Status     string
	Resolution string
	Keywords   []string
	Comments   []string
	TS         int
	// Private: only an authenticated client sees it (Bugzilla: a bug in
	// a group the public is not in).
	Private bool
}

// lgStore is the state the four fakes share in shape.
type lgStore struct {
	mu     sync.Mutex
	issues []*lgIssue
	// fail answers every request with HTTP 500 echoing the credential
	// the client sent (a hostile server); lists counts list requests.
	fail  bool
	lists int
}

func (s *lgStore) get(id int) *lgIssue {
	for _, is := range s.issues {
		if is.ID == id {
			return is
		}
	}
	return nil
}

func (s *lgStore) add(is *lgIssue) *lgIssue {
	is.ID = len(s.issues) + 1
	is.TS = 1
	s.issues = append(s.issues, is)
	return is
}

func lgJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func lgPathID(p, prefix, suffix string) (int, bool) {
	if !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, prefix), suffix))
	return n, err == nil
}

// lgFake is what the shared tests need from each fake.
type lgFake struct {
	tr      Tracker
	store   *lgStore
	secret  string
	approve func(is *lgIssue)
	// seed adds an issue as the adapter would have created it.
	seed func(title, body, fp string, open bool)
}

// testLegacyLifecycle: Create → Find → Update → Close → Reopen → Get by
// ID and URL, approval, ErrNotFound.
func testLegacyLifecycle(t *testing.T, f lgFake) {
	ctx := context.Background()
	tr := f.tr
	c, err := tr.Create(ctx, Ticket{Title: "ssdf: branch-protection fails", Body: "Details.", Fingerprint: "abc123"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if c.ID == "" || !c.Open || c.Fingerprint != "abc123" || c.Title != "ssdf: branch-protection fails" || c.URL == "" {
		t.Fatalf("Create = %+v", c)
	}
	if _, err := tr.Create(ctx, Ticket{Title: "other", Body: "x", Fingerprint: "zzz"}); err != nil {
		t.Fatal(err)
	}
	got, err := tr.Find(ctx, "abc123")
	if err != nil || got == nil || got.ID != c.ID {
		t.Fatalf("Find = %+v, %v; want ID %s", got, err, c.ID)
	}
	if got, err := tr.Find(ctx, "nope"); err != nil || got != nil {
		t.Fatalf("Find(nope) = %+v, %v", got, err)
	}
	if err := tr.Update(ctx, c.ID, Ticket{Title: "ssdf: branch-protection still fails", Body: "New details."}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	g, err := tr.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Title != "ssdf: branch-protection still fails" || !strings.Contains(g.Body, "New details.") || g.Fingerprint != "abc123" {
		t.Fatalf("after Update: %+v", g)
	}
	if err := tr.Close(ctx, c.ID, "fixed by scan"); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if g, err := tr.Get(ctx, c.ID); err != nil || g.Open {
		t.Fatalf("after Close: %+v, %v", g, err)
	}
	if got, err := tr.Find(ctx, "abc123"); err != nil || got == nil || got.ID != c.ID || got.Open {
		t.Fatalf("Find closed = %+v, %v", got, err)
	}
	if err := tr.Reopen(ctx, c.ID, "failing again"); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	if g, err := tr.Get(ctx, c.ID); err != nil || !g.Open || g.Approved {
		t.Fatalf("after Reopen: %+v, %v", g, err)
	}
	f.store.mu.Lock()
	n, _ := strconv.Atoi(c.ID)
	f.approve(f.store.get(n))
	f.store.mu.Unlock()
	byURL, err := tr.Get(ctx, c.URL)
	if err != nil || byURL.ID != c.ID || !byURL.Approved {
		t.Fatalf("Get(%s) = %+v, %v", c.URL, byURL, err)
	}
	if _, err := tr.Get(ctx, "999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(999) error = %v, want ErrNotFound", err)
	}
	if err := tr.Close(ctx, "999", "x"); err == nil {
		t.Fatal("Close(999) succeeded")
	}
	f.store.mu.Lock()
	cs := f.store.get(n).Comments
	f.store.mu.Unlock()
	if !strings.Contains(strings.Join(cs, "\n"), "failing again") {
		t.Errorf("comments = %q, want the reopen comment", cs)
	}
}

// testLegacy5xx: a server error is an error, without the credential even
// when the server echoes it.
func testLegacy5xx(t *testing.T, f lgFake) {
	ctx := context.Background()
	f.store.mu.Lock()
	f.store.fail = true
	f.store.mu.Unlock()
	calls := []func() error{
		func() error { _, err := f.tr.Find(ctx, "abc"); return err },
		func() error { _, err := f.tr.Create(ctx, Ticket{Title: "t", Fingerprint: "abc"}); return err },
		func() error { return f.tr.Update(ctx, "1", Ticket{Title: "t", Fingerprint: "abc"}) },
		func() error { return f.tr.Close(ctx, "1", "c") },
		func() error { return f.tr.Reopen(ctx, "1", "c") },
		func() error { _, err := f.tr.Get(ctx, "1"); return err },
	}
	for i, call := range calls {
		err := call()
		if err == nil {
			t.Fatalf("call %d: no error from a 500", i)
		}
		if errors.Is(err, ErrNotFound) {
			t.Errorf("call %d: 500 reported as not found: %v", i, err)
		}
		if strings.Contains(err.Error(), f.secret) {
			t.Errorf("call %d: error shows the credential: %v", i, err)
		}
	}
}

// testLegacyPages: Find reads every page, and among several tickets with
// one fingerprint (three closed, one open, on the last page) prefers the
// open one.
func testLegacyPages(t *testing.T, f lgFake) {
	old := legacyPageSize
	legacyPageSize = 2
	t.Cleanup(func() { legacyPageSize = old })
	for i := range 3 {
		f.seed("dup old", "old", "dup", false)
		f.seed(fmt.Sprintf("decoy %d", i), "decoy", fmt.Sprintf("fp%d", i), true)
	}
	f.seed("dup new", "new", "dup", true)
	f.store.mu.Lock()
	before := f.store.lists
	f.store.mu.Unlock()
	got, err := f.tr.Find(context.Background(), "dup")
	if err != nil || got == nil || got.ID != "7" || !got.Open {
		t.Fatalf("Find(dup) = %+v, %v; want the open #7", got, err)
	}
	f.store.mu.Lock()
	pages := f.store.lists - before
	f.store.mu.Unlock()
	if pages < 3 {
		t.Errorf("Find read %d pages, want at least 3", pages)
	}
}

func runLegacySuite(t *testing.T, mk func(t *testing.T) lgFake) {
	t.Run("lifecycle", func(t *testing.T) { testLegacyLifecycle(t, mk(t)) })
	t.Run("5xx", func(t *testing.T) { testLegacy5xx(t, mk(t)) })
	t.Run("pages", func(t *testing.T) { testLegacyPages(t, mk(t)) })
}

func TestLegacyRef(t *testing.T) {
	for _, c := range []struct{ ref, param, want string }{
		{"42", "id", "42"}, {"#7", "", "7"},
		{"https://bz.example.org/show_bug.cgi?id=12", "id", "12"},
		{"https://rm.example.org/issues/5", "", "5"},
		{"https://rm.example.org/issues/5.json", "", "5"},
		{"https://trac.example.org/p/ticket/9", "", "9"},
		{"https://mt.example.org/view.php?id=3", "id", "3"},
		{"not a ref", "", ""}, {"https://x.example.org/issues/", "", ""},
	} {
		got, ok := legacyRef(c.ref, c.param)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("legacyRef(%q) = %q, %v; want %q", c.ref, got, ok, c.want)
		}
	}
}

// bugzillaFake follows Bugzilla's REST API as the bugzilla/bugzilla
// repository documents it (tags release-5.2 and release-5.3.3):
//   - auth, docs/en/rst/api/core/v1/general.rst: the key as the
//     Bugzilla_api_key (or api_key) parameter, in a non-GET request's JSON
//     body too (Bugzilla/WebService/Server/REST.pm, _retrieve_json_params);
//     the X-BUGZILLA-API-KEY header only from 5.1 on (5.3.3's general.rst,
//     Bugzilla/WebService/Constants.pm X_BUGZILLA_API_KEY) — headerAuth
//     false is a 5.0/5.2 server that ignores the header;
//   - routes, Bugzilla/WebService/Server/REST/Resources/Bug.pm: GET/POST
//     /rest/bug, GET/PUT /rest/bug/{id}, GET /rest/bug/{id}/comment, GET
//     /rest/field/bug/{name} ({"fields":[{"values":[{name,is_open,
//     can_change_to:[{name}]}]}]}, docs/…/field.rst);
//   - search, Bugzilla/WebService/Bug.pm search: limit/offset,
//     whiteboard a case-insensitive substring (allwordssubstr);
//   - create, docs/…/bug.rst "Create Bug": product, component, summary,
//     version required; answers {"id":N};
//   - workflow, Bugzilla/Install.pm STATUS_WORKFLOW: the 4.0+ default
//     (new bugs CONFIRMED, RESOLVED → UNCONFIRMED or CONFIRMED, no
//     REOPENED); an unknown status is object_does_not_exist;
//   - errors, Bugzilla/WebService/Server/REST.pm "ERRORS" and
//     Constants.pm WS_ERROR_CODE / REST_STATUS_CODE_MAP:
//     {"error":true,"code","message","documentation"}; 51 and 101 and
//     32614 → 404, 410 → 401, 306 (bad key), 121 (missing resolution) and
//     123 (illegal transition) → the 400 default.
func newBugzillaFake(t *testing.T) lgFake { return newBugzillaFakeAuth(t, true) }

func newBugzillaFakeAuth(t *testing.T, headerAuth bool) lgFake {
	return newBugzillaFakeOpts(t, bzFakeOpts{headerAuth: headerAuth})
}

// bzFakeOpts: headerAuth — the server reads X-BUGZILLA-API-KEY and has
// /rest/whoami (5.1+, bugzilla.mozilla.org), else it is a stable 5.0/5.2
// (the key only as a parameter, no whoami); private — every bug the
// adapter creates is in a group the public cannot see.
type bzFakeOpts struct {
	headerAuth bool
	private    bool
}

func newBugzillaFakeOpts(t *testing.T, opts bzFakeOpts) lgFake {
	headerAuth := opts.headerAuth
	const key = "bz-secret-key-123"
	s := &lgStore{}
	type stDef struct {
		open bool
		to   []string
	}
	workflow := map[string]stDef{
		"UNCONFIRMED": {true, []string{"CONFIRMED", "IN_PROGRESS", "RESOLVED"}},
		"CONFIRMED":   {true, []string{"IN_PROGRESS", "RESOLVED"}},
		"IN_PROGRESS": {true, []string{"CONFIRMED", "RESOLVED"}},
		"RESOLVED":    {false, []string{"UNCONFIRMED", "CONFIRMED", "VERIFIED"}},
		"VERIFIED":    {false, []string{"UNCONFIRMED", "CONFIRMED"}},
	}
	bug := func(is *lgIssue) map[string]any {
		kw := is.Keywords
		if kw == nil {
			kw = []string{}
		}
		return map[string]any{"id": is.ID, "summary": is.Title, "status": is.Status, "resolution": is.Resolution,
			"is_open": workflow[is.Status].open, "whiteboard": is.Whiteboard, "keywords": kw, "product": "Prod", "component": "Comp"}
	}
	// statusField is Bug.fields for bug_status; comments is Bug.comments
	// of one bug: the same over REST and JSON-RPC.
	statusField := func() map[string]any {
		var vals []any
		for name, st := range workflow {
			var to []any
			for _, n := range st.to {
				to = append(to, map[string]any{"name": n, "comment_required": false})
			}
			vals = append(vals, map[string]any{"name": name, "is_open": st.open, "can_change_to": to})
		}
		return map[string]any{"fields": []any{map[string]any{"name": "bug_status", "values": vals}}}
	}
	comments := func(is *lgIssue) map[string]any {
		var cs []any
		for i, c := range is.Comments {
			cs = append(cs, map[string]any{"id": 100*is.ID + i, "count": i, "text": c})
		}
		return map[string]any{"bugs": map[string]any{strconv.Itoa(is.ID): map[string]any{"comments": cs}}, "comments": map[string]any{}}
	}
	bzErr := func(w http.ResponseWriter, status, code int, msg string) {
		lgJSON(w, status, map[string]any{"error": true, "code": code, "message": msg, "documentation": "https://bugzilla.readthedocs.org/en/latest/api/"})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail {
			bzErr(w, 500, -32000, "internal error for key "+r.Header.Get("X-BUGZILLA-API-KEY"))
			return
		}
		p := r.URL.Path
		if strings.Contains(r.URL.RawQuery, key) {
			t.Errorf("the API key travels in a URL: %s %s", r.Method, p)
		}
		var in map[string]any
		if r.Body != nil && r.Method != "GET" {
			json.NewDecoder(r.Body).Decode(&in)
		}
		sent := r.URL.Query().Get("Bugzilla_api_key")
		if v, ok := in["Bugzilla_api_key"].(string); ok {
			sent = v
		}
		if headerAuth && r.Header.Get("X-BUGZILLA-API-KEY") != "" {
			sent = r.Header.Get("X-BUGZILLA-API-KEY")
		}
		if sent != "" && sent != key {
			bzErr(w, 400, 306, "The API key you specified is invalid.")
			return
		}
		authed := sent == key
		if p == "/jsonrpc.cgi" && r.Method == "POST" {
			// JSON-RPC (Bugzilla/WebService/Server/JSONRPC.pm): the key
			// among the params; errors in the envelope, HTTP 200.
			var params map[string]any
			if ps, ok := in["params"].([]any); ok && len(ps) == 1 {
				params, _ = ps[0].(map[string]any)
			}
			rpcErr := func(code int, msg string) {
				lgJSON(w, 200, map[string]any{"result": nil, "error": map[string]any{"code": code, "message": msg}, "id": in["id"]})
			}
			if params == nil {
				rpcErr(-32600, "params must be an array of one object")
				return
			}
			if k, _ := params["Bugzilla_api_key"].(string); k != "" && k != key {
				rpcErr(306, "The API key you specified is invalid.")
				return
			} else {
				authed = k == key
			}
			num := func(v any) int { f, _ := v.(float64); return int(f) }
			firstID := func() int {
				ids, _ := params["ids"].([]any)
				if len(ids) != 1 {
					return 0
				}
				return num(ids[0])
			}
			result := func(v any) { lgJSON(w, 200, map[string]any{"result": v, "error": nil, "id": in["id"]}) }
			switch in["method"] {
			case "Bug.search":
				s.lists++
				str := func(k string) string { v, _ := params[k].(string); return v }
				if str("product") != "Prod" || str("component") != "Comp" {
					t.Errorf("Bug.search without product/component: %v", params)
				}
				var hits []any
				for _, is := range s.issues {
					if is.Private && !authed {
						continue
					}
					if wb := str("whiteboard"); wb != "" && !strings.Contains(strings.ToLower(is.Whiteboard), strings.ToLower(wb)) {
						continue
					}
					hits = append(hits, bug(is))
				}
				off, lim := num(params["offset"]), num(params["limit"])
				off = min(off, len(hits))
				hits = hits[off:]
				if lim > 0 && lim < len(hits) {
					hits = hits[:lim]
				}
				if hits == nil {
					hits = []any{}
				}
				result(map[string]any{"bugs": hits})
			case "Bug.get", "Bug.comments":
				id := firstID()
				is := s.get(id)
				switch {
				case is == nil:
					rpcErr(101, fmt.Sprintf("Bug #%d does not exist.", id))
				case is.Private && !authed:
					rpcErr(102, fmt.Sprintf("You are not authorized to access bug #%d.", id))
				case in["method"] == "Bug.get":
					result(map[string]any{"bugs": []any{bug(is)}, "faults": []any{}})
				default:
					result(comments(is))
				}
			case "Bug.fields":
				result(statusField())
			default:
				rpcErr(32000, fmt.Sprintf("The method '%v' is not supported by this fake.", in["method"]))
			}
			return
		}
		if sent == "" && r.Method != "GET" {
			bzErr(w, 401, 410, "You must log in before using this part of Bugzilla.")
			return
		}
		switch {
		case r.Method == "GET" && p == "/rest/whoami":
			// User.whoami exists from 5.1 on; 5.0/5.2 answer "no such
			// resource".
			switch {
			case !headerAuth:
				bzErr(w, 404, 32614, "A REST API resource was not found for 'GET /rest/whoami'.")
			case !authed:
				bzErr(w, 401, 410, "You must log in before using this part of Bugzilla.")
			default:
				lgJSON(w, 200, map[string]any{"id": 7, "name": "ssdf-bot@example.org", "real_name": "ssdf bot", "login": "ssdf-bot@example.org"})
			}
		case r.Method == "GET" && p == "/rest/bug":
			s.lists++
			q := r.URL.Query()
			if q.Get("product") != "Prod" || q.Get("component") != "Comp" {
				t.Errorf("search without product/component: %s", r.URL.RawQuery)
			}
			var hits []any
			for _, is := range s.issues {
				if is.Private && !authed {
					continue
				}
				if wb := q.Get("whiteboard"); wb != "" && !strings.Contains(strings.ToLower(is.Whiteboard), strings.ToLower(wb)) {
					continue
				}
				hits = append(hits, bug(is))
			}
			if q.Has("offset") && !q.Has("limit") {
				bzErr(w, 400, 50, "The function Bug.search() requires that you set one of the following parameters: limit")
				return
			}
			off, _ := strconv.Atoi(q.Get("offset"))
			lim, _ := strconv.Atoi(q.Get("limit"))
			if off > len(hits) {
				off = len(hits)
			}
			hits = hits[off:]
			if lim > 0 && lim < len(hits) {
				hits = hits[:lim]
			}
			if hits == nil {
				hits = []any{}
			}
			lgJSON(w, 200, map[string]any{"bugs": hits})
		case r.Method == "GET" && p == "/rest/field/bug/bug_status":
			lgJSON(w, 200, statusField())
		case r.Method == "POST" && p == "/rest/bug":
			for _, k := range []string{"product", "component", "summary", "version"} {
				if in[k] == nil || in[k] == "" {
					bzErr(w, 400, 50, "You must select/enter a "+k+".")
					return
				}
			}
			d, _ := in["description"].(string)
			wb, _ := in["whiteboard"].(string)
			is := s.add(&lgIssue{Title: in["summary"].(string), Whiteboard: wb, Status: "CONFIRMED", Comments: []string{d}, Private: opts.private})
			lgJSON(w, 200, map[string]any{"id": is.ID})
		default:
			id, ok := lgPathID(p, "/rest/bug/", "/comment")
			if ok && r.Method == "GET" {
				is := s.get(id)
				if is == nil {
					bzErr(w, 404, 101, fmt.Sprintf("Bug #%d does not exist.", id))
					return
				}
				if is.Private && !authed {
					bzErr(w, 401, 102, fmt.Sprintf("You are not authorized to access bug #%d.", id))
					return
				}
				lgJSON(w, 200, comments(is))
				return
			}
			id, ok = lgPathID(p, "/rest/bug/", "")
			if !ok {
				bzErr(w, 404, 32614, "A REST API resource was not found for '"+r.Method+" "+p+"'.")
				return
			}
			is := s.get(id)
			if is == nil {
				bzErr(w, 404, 101, fmt.Sprintf("Bug #%d does not exist.", id))
				return
			}
			if is.Private && !authed {
				bzErr(w, 401, 102, fmt.Sprintf("You are not authorized to access bug #%d.", id))
				return
			}
			switch r.Method {
			case "GET":
				lgJSON(w, 200, map[string]any{"bugs": []any{bug(is)}, "faults": []any{}})
			case "PUT":
				status, resolution := is.Status, is.Resolution
				if v, ok := in["status"].(string); ok && v != is.Status {
					st, known := workflow[v]
					if !known {
						bzErr(w, 404, 51, fmt.Sprintf("There is no status called '%s'.", v))
						return
					}
					if !slices.Contains(workflow[is.Status].to, v) {
						bzErr(w, 400, 123, fmt.Sprintf("You are not allowed to change the bug status from %s to %s.", is.Status, v))
						return
					}
					status = v
					if st.open {
						resolution = ""
					}
				}
				if v, ok := in["resolution"].(string); ok && !workflow[status].open {
					resolution = v
				}
				if !workflow[status].open && resolution == "" {
					bzErr(w, 400, 121, "A valid resolution is required to mark bugs as "+status+".")
					return
				}
				is.Status, is.Resolution = status, resolution
				if v, ok := in["summary"].(string); ok {
					is.Title = v
				}
				if c, ok := in["comment"].(map[string]any); ok {
					is.Comments = append(is.Comments, c["body"].(string))
				}
				lgJSON(w, 200, map[string]any{"bugs": []any{map[string]any{"id": id, "changes": map[string]any{}}}})
			default:
				bzErr(w, 404, 32614, "A REST API resource was not found for '"+r.Method+" "+p+"'.")
			}
		}
	}))
	t.Cleanup(srv.Close)
	tr := NewBugzilla(srv.URL+"/", "Prod/Comp", key, srv.Client())
	return lgFake{tr: tr, store: s, secret: key,
		approve: func(is *lgIssue) { is.Keywords = append(is.Keywords, "approved") },
		seed: func(title, body, fp string, open bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			is := &lgIssue{Title: title, Whiteboard: "[ssdf:" + fp + "]", Status: "CONFIRMED", Comments: []string{withMarker(body, fp)}}
			if !open {
				is.Status, is.Resolution = "RESOLVED", "FIXED"
			}
			s.add(is)
		}}
}

func TestBugzilla(t *testing.T) {
	runLegacySuite(t, newBugzillaFake)
	t.Run("shape", func(t *testing.T) {
		f := newBugzillaFake(t)
		c, err := f.tr.Create(context.Background(), Ticket{Title: "x", Body: "b", Fingerprint: "fp9"})
		if err != nil {
			t.Fatal(err)
		}
		is := f.store.get(1)
		if is.Whiteboard != "[ssdf:fp9]" || !strings.Contains(is.Comments[0], FingerprintMarker("fp9")) {
			t.Errorf("bug = %+v", is)
		}
		if !strings.HasSuffix(c.URL, "/show_bug.cgi?id=1") || strings.Contains(c.URL, "//show") {
			t.Errorf("URL = %s", c.URL)
		}
	})
}

// TestBugzillaDocumented pins what the REST API documents and the first
// version of the adapter got wrong.
func TestBugzillaDocumented(t *testing.T) {
	ctx := context.Background()
	t.Run("5.0-5.2-key-as-parameter", func(t *testing.T) {
		// Stable 5.0/5.2 ignore X-BUGZILLA-API-KEY: writes must carry
		// Bugzilla_api_key in their body (never in the URL).
		f := newBugzillaFakeAuth(t, false)
		c, err := f.tr.Create(ctx, Ticket{Title: "x", Body: "b", Fingerprint: "fp1"})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if err := f.tr.Close(ctx, c.ID, "done"); err != nil {
			t.Fatalf("Close: %v", err)
		}
	})
	t.Run("reopen-default-workflow", func(t *testing.T) {
		// The 4.0+ default workflow has no REOPENED: RESOLVED goes back
		// to CONFIRMED.
		f := newBugzillaFake(t)
		f.seed("x", "b", "fp2", false)
		if err := f.tr.Reopen(ctx, "1", "again"); err != nil {
			t.Fatalf("Reopen: %v", err)
		}
		if is := f.store.get(1); is.Status != "CONFIRMED" || is.Resolution != "" {
			t.Errorf("after Reopen: %+v", is)
		}
	})
	t.Run("404-is-not-always-not-found", func(t *testing.T) {
		// 32614: no such REST resource — a wrong base URL, not a missing bug.
		f := newBugzillaFake(t)
		bz := f.tr.(*Bugzilla)
		wrong := NewBugzilla(bz.base+"/bugzilla", "Prod/Comp", f.secret, nil)
		_, err := wrong.Get(ctx, "1")
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "32614") {
			t.Errorf("Get through a wrong base URL: %v, want a plain error naming code 32614", err)
		}
		if _, err := f.tr.Get(ctx, "42"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(42) = %v, want ErrNotFound (code 101)", err)
		}
	})
	t.Run("error-body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lgJSON(w, 200, map[string]any{"error": true, "code": 102, "message": "You are not authorized to access bug #1."})
		}))
		defer srv.Close()
		_, err := NewBugzilla(srv.URL, "P/C", "k", srv.Client()).Get(ctx, "1")
		if err == nil || !strings.Contains(err.Error(), "not authorized") {
			t.Errorf("Get with an error body in a 200: %v", err)
		}
	})
}

// TestBugzillaPrivateBugs: on a stable 5.0/5.2, which ignores the key
// header, reads go through JSON-RPC with the key in the body, so private
// ssdf bugs are found again and never duplicated; on 5.1+ they stay on
// REST. The key never travels in a URL (the fake fails the test if it
// does) and never appears in an error.
func TestBugzillaPrivateBugs(t *testing.T) {
	ctx := context.Background()
	for _, headerAuth := range []bool{false, true} {
		t.Run(fmt.Sprintf("headerAuth=%v", headerAuth), func(t *testing.T) {
			f := newBugzillaFakeOpts(t, bzFakeOpts{headerAuth: headerAuth, private: true})
			r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "fail"})
			for i := range 3 {
				s, err := Sync(ctx, f.tr, syncRepo, r)
				if err != nil || len(s.Errors) > 0 {
					t.Fatalf("scan %d: %v %v", i, s, err)
				}
				if i > 0 && len(s.Opened) != 0 {
					t.Fatalf("scan %d opened %v: a private bug was not found again", i, s.Opened)
				}
			}
			if n := len(f.store.issues); n != 2 {
				t.Fatalf("%d bugs, want 2", n)
			}
			got, err := f.tr.Get(ctx, "1")
			if err != nil || got.Fingerprint == "" || !got.Open {
				t.Fatalf("Get(private bug) = %+v, %v", got, err)
			}
			if _, err := f.tr.Get(ctx, "99"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(99) = %v, want ErrNotFound", err)
			}
			if err := f.tr.Close(ctx, "1", "fixed"); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.tr.Get(ctx, "1"); got == nil || got.Open {
				t.Errorf("after Close: %+v", got)
			}
		})
	}
	t.Run("refused key", func(t *testing.T) {
		f := newBugzillaFake(t)
		bad := NewBugzilla(f.tr.(*Bugzilla).base, "Prod/Comp", "not-the-key-4242", f.tr.(*Bugzilla).c.hc)
		_, err := bad.Find(ctx, "fp")
		if err == nil || !strings.Contains(err.Error(), "306") || strings.Contains(err.Error(), "not-the-key-4242") {
			t.Fatalf("Find with a refused key = %v", err)
		}
	})
}
