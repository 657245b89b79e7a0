package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// tracFake follows the Trac XmlRpcPlugin's JSON-RPC protocol as its
// source defines it (trac-hacks.org/wiki/XmlRpcPlugin, tracrpc/):
//   - json_rpc.py: POST {"method","params","id"} with Content-Type
//     application/json to /rpc or /jsonrpc (/login/… with basic auth);
//     HTTP 200 with {"result","error","id"}; an error is {"name":
//     "JSONRPCError","code","message"}, code 404 for ResourceNotFound,
//     403 for PermissionError, -32601 for an unknown method, else -32603;
//     datetimes as {"__jsonclass__":["datetime","YYYY-MM-DDTHH:MM:SS"]};
//   - web_ui.py: an error the protocol cannot encode is HTTP 500 text;
//   - ticket.py: query(qstr) → ids; get(id) → [id, time, changetime,
//     attrs with _ts = the change time in microseconds, as a string];
//     create(summary, description, attrs, notify) → id; update(id,
//     comment, attrs, notify, author) with "action" (an available
//     workflow action, else "invalid action") and "_ts" (compared with
//     the change time);
//   - trac/ticket/query.py (edgewall/trac) Query.execute: max/page; when
//     every hit fits in one page, page is ignored and all are returned;
//     otherwise a page past the last is "Page N is beyond the number of
//     pages in the query";
//   - trac/ticket/model.py: "Ticket N does not exist.".
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
		if (r.URL.Path != "/login/rpc" && r.URL.Path != "/login/jsonrpc") || r.Method != "POST" {
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
		failCode := func(code int, msg string) {
			lgJSON(w, 200, map[string]any{"result": nil, "id": req.ID,
				"error": map[string]any{"code": code, "name": "JSONRPCError", "message": msg}})
		}
		fail := func(msg string) { failCode(-32603, msg) }
		var id int
		var is *lgIssue
		if strings.HasPrefix(req.Method, "ticket.") && req.Method != "ticket.query" && req.Method != "ticket.create" {
			if len(req.Params) == 0 || json.Unmarshal(req.Params[0], &id) != nil {
				fail("bad params")
				return
			}
			if is = s.get(id); is == nil {
				failCode(404, fmt.Sprintf("Ticket %d does not exist.", id))
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
			if page > 50 {
				fail("test fake: page 51, Find does not stop")
				return
			}
			if max > 0 && len(ids) > max {
				if page > (len(ids)+max-1)/max {
					fail(fmt.Sprintf("Page %d is beyond the number of pages in the query", page))
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
				fail("Sorry, can not save your changes. This ticket has been modified by someone else since you started")
				return
			}
			invalid := fmt.Sprintf("Rpc: Ticket %d by %s invalid action '%v'", is.ID, u, in["action"])
			switch in["action"] {
			case "resolve":
				res, _ := in["action_resolve_resolve_resolution"].(string)
				if is.Status == "closed" || res == "" {
					fail(invalid)
					return
				}
				is.Status, is.Resolution = "closed", res
			case "reopen":
				if is.Status != "closed" {
					fail(invalid)
					return
				}
				is.Status, is.Resolution = "reopened", ""
			case "leave", nil:
			default:
				fail(invalid)
				return
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
			failCode(-32601, "RPC method \""+req.Method+"\" not found")
		}
	}))
	t.Cleanup(srv.Close)
	tr := NewTrac(srv.URL+"/", user, pass, srv.Client())
	return lgFake{tr: tr, store: s, secret: pass,
		approve: func(is *lgIssue) { is.Keywords = append(is.Keywords, "security", "approved") },
		seed:    lgSeed(s, tcPrefix)}
}

func TestTrac(t *testing.T) {
	runLegacySuite(t, newTracFake)
	t.Run("shape", func(t *testing.T) {
		_, c := testLegacyShape(t, newTracFake(t), "/ticket/1")
		if strings.Contains(c.URL, "//ticket") {
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

// TestTracDocumented pins what the plugin and Trac document and the first
// version of the adapter got wrong.
func TestTracDocumented(t *testing.T) {
	ctx := context.Background()
	t.Run("exactly-one-page", func(t *testing.T) {
		// Two hits, pages of two: Trac ignores page=2 and answers both
		// again; Find must stop instead of asking for ever.
		f := newTracFake(t)
		old := legacyPageSize
		legacyPageSize = 2
		defer func() { legacyPageSize = old }()
		f.seed("a", "b", "fpa", true)
		f.seed("b", "b", "fpb", true)
		got, err := f.tr.Find(ctx, "fpb")
		if err != nil || got == nil || got.ID != "2" {
			t.Fatalf("Find = %+v, %v", got, err)
		}
		if got, err := f.tr.Find(ctx, "none"); err != nil || got != nil {
			t.Fatalf("Find(none) = %+v, %v", got, err)
		}
	})
	t.Run("not-found-by-code", func(t *testing.T) {
		// ResourceNotFound comes as code 404 named JSONRPCError; other
		// errors naming something that "does not exist" are not a
		// missing ticket.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lgJSON(w, 200, map[string]any{"result": nil, "id": 1, "error": map[string]any{
				"code": -32603, "name": "JSONRPCError", "message": "Milestone m1 does not exist."}})
		}))
		defer srv.Close()
		_, err := NewTrac(srv.URL, "u", "p", srv.Client()).Get(ctx, "1")
		if err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get with a milestone error: %v, want a plain error", err)
		}
		f := newTracFake(t)
		if _, err := f.tr.Get(ctx, "5"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(5) = %v, want ErrNotFound", err)
		}
	})
}
