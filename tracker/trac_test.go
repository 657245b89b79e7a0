package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// tracFake follows the Trac XmlRpcPlugin's JSON-RPC protocol
// (trac-hacks.org/wiki/XmlRpcPlugin; the API list at <trac>/rpc): POST
// {"method","params","id"} to /login/rpc with basic auth; answers
// {"result","error","id"}, errors {"code","name","message"};
// ticket.query(qstr) → ids (max/page paging, a page past the last one is
// an error), ticket.get(id) → [id, created, changed, attrs with _ts],
// ticket.create(summary, description, attrs, notify) → id,
// ticket.update(id, comment, attrs, notify) with action resolve/reopen/
// leave and _ts checked.
func newTracFake(t *testing.T) lgFake {
	const user, pass = "ssdf-bot", "trac-secret-pw-000"
	s := &lgStore{}
	date := map[string]any{"__jsonclass__": []any{"datetime", "2026-11-26T07:00:00"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, p, _ := r.BasicAuth()
		if s.fail {
			http.Error(w, "Internal Server Error: login "+u+":"+p, 500)
			return
		}
		if r.URL.Path != "/login/rpc" || r.Method != "POST" {
			http.Error(w, "not found", 404)
			return
		}
		if u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="trac"`)
			http.Error(w, "Authentication required", http.StatusUnauthorized)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "No protocol matching Content-Type", http.StatusUnsupportedMediaType)
			return
		}
		var req struct {
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
			ID     any               `json:"id"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		reply := func(res any) { lgJSON(w, 200, map[string]any{"result": res, "error": nil, "id": req.ID}) }
		fail := func(name, msg string) {
			lgJSON(w, 200, map[string]any{"result": nil, "id": req.ID,
				"error": map[string]any{"code": -32603, "name": name, "message": msg}})
		}
		var id int
		var is *lgIssue
		if strings.HasPrefix(req.Method, "ticket.") && req.Method != "ticket.query" && req.Method != "ticket.create" {
			if len(req.Params) == 0 || json.Unmarshal(req.Params[0], &id) != nil {
				fail("JSONRPCError", "bad params")
				return
			}
			if is = s.get(id); is == nil {
				fail("ResourceNotFound", fmt.Sprintf("Ticket %d does not exist.", id))
				return
			}
		}
		attrs := func(is *lgIssue) map[string]any {
			return map[string]any{"summary": is.Title, "description": is.Desc, "status": is.Status,
				"resolution": is.Resolution, "keywords": strings.Join(is.Keywords, " "), "_ts": strconv.Itoa(is.TS)}
		}
		switch req.Method {
		case "ticket.query":
			s.lists++
			var qs string
			json.Unmarshal(req.Params[0], &qs)
			q, _ := url.ParseQuery(qs)
			var ids []int
			for _, is := range s.issues {
				if v := q.Get("summary~"); v != "" && !strings.Contains(is.Title, v) {
					continue
				}
				ids = append(ids, is.ID)
			}
			max, _ := strconv.Atoi(q.Get("max"))
			page, _ := strconv.Atoi(q.Get("page"))
			if page <= 0 {
				page = 1
			}
			if max > 0 {
				if (page-1)*max >= len(ids) && page > 1 {
					fail("TracError", fmt.Sprintf("Page %d is beyond the number of pages in the query", page))
					return
				}
				ids = ids[min((page-1)*max, len(ids)):min(page*max, len(ids))]
			}
			if ids == nil {
				ids = []int{}
			}
			reply(ids)
		case "ticket.get":
			reply([]any{is.ID, date, date, attrs(is)})
		case "ticket.create":
			var sum, desc string
			json.Unmarshal(req.Params[0], &sum)
			json.Unmarshal(req.Params[1], &desc)
			is := s.add(&lgIssue{Title: sum, Desc: desc, Status: "new"})
			reply(is.ID)
		case "ticket.update":
			var comment string
			var in map[string]any
			json.Unmarshal(req.Params[1], &comment)
			json.Unmarshal(req.Params[2], &in)
			if in["_ts"] != strconv.Itoa(is.TS) {
				fail("TracError", "Ticket has been modified since it was read")
				return
			}
			switch in["action"] {
			case "resolve":
				if is.Status == "closed" {
					fail("TracError", "invalid action")
					return
				}
				is.Status, is.Resolution = "closed", in["action_resolve_resolve_resolution"].(string)
			case "reopen":
				if is.Status != "closed" {
					fail("TracError", "invalid action")
					return
				}
				is.Status, is.Resolution = "reopened", ""
			case "leave", nil:
			}
			if v, ok := in["summary"].(string); ok {
				is.Title = v
			}
			if v, ok := in["description"].(string); ok {
				is.Desc = v
			}
			if comment != "" {
				is.Comments = append(is.Comments, comment)
			}
			is.TS++
			reply([]any{is.ID, date, date, attrs(is)})
		default:
			fail("JSONRPCError", "RPC method \""+req.Method+"\" not found")
		}
	}))
	t.Cleanup(srv.Close)
	tr := NewTrac(srv.URL+"/", user, pass, srv.Client())
	return lgFake{tr: tr, store: s, secret: pass,
		approve: func(is *lgIssue) { is.Keywords = append(is.Keywords, "security", "approved") },
		seed: func(title, body, fp string, open bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			is := &lgIssue{Title: tcPrefix + title, Desc: withMarker(body, fp), Status: "new"}
			if !open {
				is.Status, is.Resolution = "closed", "fixed"
			}
			s.add(is)
		}}
}

func TestTrac(t *testing.T) {
	runLegacySuite(t, newTracFake)
	t.Run("shape", func(t *testing.T) {
		f := newTracFake(t)
		c, err := f.tr.Create(context.Background(), Ticket{Title: "x", Body: "b", Fingerprint: "fp9"})
		if err != nil {
			t.Fatal(err)
		}
		is := f.store.get(1)
		if is.Title != "[ssdf] x" || !strings.Contains(is.Desc, FingerprintMarker("fp9")) || c.Title != "x" {
			t.Errorf("ticket = %+v, %+v", is, c)
		}
		if !strings.HasSuffix(c.URL, "/ticket/1") || strings.Contains(c.URL, "//ticket") {
			t.Errorf("URL = %s", c.URL)
		}
	})
	t.Run("full-last-page", func(t *testing.T) {
		// Four hits with pages of two: page 3 is past the end, which
		// Trac reports as an error that Find must take as the end.
		f := newTracFake(t)
		old := legacyPageSize
		legacyPageSize = 2
		defer func() { legacyPageSize = old }()
		for i := range 4 {
			f.seed(fmt.Sprint("t", i), "b", "fp"+strconv.Itoa(i), true)
		}
		got, err := f.tr.Find(context.Background(), "fp3")
		if err != nil || got == nil || got.ID != "4" {
			t.Fatalf("Find = %+v, %v", got, err)
		}
	})
}

func TestFromPolicyLegacy(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"SSDF_TRACKER_TOKEN": "tok-secret", "SSDF_TRACKER_USER": "bot", "SSDF_TRACKER_PASSWORD": "pw-secret"}[k]
	}
	for _, c := range []struct{ kind, url, project, err string }{
		{"bugzilla", "https://bz.example.org/", "Prod/Comp", ""},
		{"bugzilla", "https://bz.example.org/", "Prod", "Product/Component"},
		{"redmine", "https://rm.example.org", "proj", ""},
		{"redmine", "https://rm.example.org", "", "project is required"},
		{"mantis", "https://mt.example.org/mantis", "3", ""},
		{"mantis", "https://mt.example.org/mantis", "Proj", "numeric"},
		{"trac", "https://trac.example.org/p", "", ""},
		{"trac", "", "", "want https"},
		{"trac", "https://bot:pw@trac.example.org/p", "", "credentials"},
	} {
		tr, err := FromPolicy(c.kind, c.url, c.project, env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v", c, err)
			}
			if err != nil && (strings.Contains(err.Error(), ":pw@") || strings.Contains(err.Error(), "secret")) {
				t.Errorf("%v: credential in %v", c, err)
			}
			continue
		}
		if err != nil || tr.Kind() != c.kind {
			t.Errorf("%v: %v, %v", c, tr, err)
		}
	}
	tr, _ := FromPolicy("trac", "https://trac.example.org/p/", "", env)
	if x := tr.(*Trac); x.user != "bot" || x.pass != "pw-secret" || x.base != "https://trac.example.org/p" {
		t.Errorf("trac = %+v", x)
	}
}
