package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// mantisFake follows MantisBT's REST API (documentation.mantisbt.org,
// the REST API reference): the token as the Authorization header's value;
// GET /api/rest/issues?project_id&page_size&page; GET, PATCH
// /api/rest/issues/{id} (both answer {"issues":[…]}); POST
// /api/rest/issues (201 {"issue":…}); POST /api/rest/issues/{id}/notes;
// errors {"message","code","localized"}, 404 for a missing issue.
func newMantisFake(t *testing.T) lgFake {
	const token = "mt-secret-token-789"
	s := &lgStore{}
	named := func(n string) map[string]any { return map[string]any{"name": n, "label": n} }
	issue := func(is *lgIssue) map[string]any {
		res := is.Resolution
		if res == "" {
			res = "open"
		}
		return map[string]any{"id": is.ID, "summary": is.Title, "description": is.Desc,
			"project": map[string]any{"id": 3, "name": "Proj"}, "category": named("General"),
			"status": named(is.Status), "resolution": named(res)}
	}
	mtErr := func(w http.ResponseWriter, status, code int, msg string) {
		lgJSON(w, status, map[string]any{"message": msg, "code": code, "localized": msg})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail {
			mtErr(w, 500, 11, "Database query failed for "+r.Header.Get("Authorization"))
			return
		}
		if r.Header.Get("Authorization") != token {
			mtErr(w, 401, 1000, "API token not found")
			return
		}
		var in map[string]any
		if r.Body != nil {
			json.NewDecoder(r.Body).Decode(&in)
		}
		p := r.URL.Path
		switch {
		case r.Method == "GET" && p == "/api/rest/issues":
			s.lists++
			q := r.URL.Query()
			if q.Get("project_id") != "3" {
				t.Errorf("list without project_id: %s", r.URL.RawQuery)
			}
			size, _ := strconv.Atoi(q.Get("page_size"))
			page, _ := strconv.Atoi(q.Get("page"))
			if size <= 0 {
				size = 50
			}
			if page <= 0 {
				page = 1
			}
			all := []any{}
			// MantisBT lists newest first.
			for i := len(s.issues) - 1; i >= 0; i-- {
				all = append(all, issue(s.issues[i]))
			}
			lo, hi := min((page-1)*size, len(all)), min(page*size, len(all))
			lgJSON(w, 200, map[string]any{"issues": all[lo:hi]})
		case r.Method == "POST" && p == "/api/rest/issues":
			sum, _ := in["summary"].(string)
			pr, _ := in["project"].(map[string]any)
			cat, _ := in["category"].(map[string]any)
			if sum == "" || pr == nil || pr["id"] != float64(3) || cat == nil {
				mtErr(w, 400, 11, "Invalid issue")
				return
			}
			d, _ := in["description"].(string)
			is := s.add(&lgIssue{Title: sum, Desc: d, Status: "new"})
			lgJSON(w, 201, map[string]any{"issue": issue(is)})
		default:
			if id, ok := lgPathID(p, "/api/rest/issues/", "/notes"); ok && r.Method == "POST" {
				is := s.get(id)
				if is == nil {
					mtErr(w, 404, 1100, fmt.Sprintf("Issue #%d not found", id))
					return
				}
				text, _ := in["text"].(string)
				is.Comments = append(is.Comments, text)
				lgJSON(w, 201, map[string]any{"note": map[string]any{"id": 1, "text": text}, "issue": issue(is)})
				return
			}
			id, ok := lgPathID(p, "/api/rest/issues/", "")
			var is *lgIssue
			if ok {
				is = s.get(id)
			}
			if is == nil {
				mtErr(w, 404, 1100, fmt.Sprintf("Issue #%d not found", id))
				return
			}
			switch r.Method {
			case "GET":
				lgJSON(w, 200, map[string]any{"issues": []any{issue(is)}})
			case "PATCH":
				if v, ok := in["summary"].(string); ok {
					is.Title = v
				}
				if v, ok := in["description"].(string); ok {
					is.Desc = v
				}
				if v, ok := in["status"].(map[string]any); ok {
					is.Status = v["name"].(string)
				}
				if v, ok := in["resolution"].(map[string]any); ok {
					is.Resolution = v["name"].(string)
				}
				lgJSON(w, 200, map[string]any{"issues": []any{issue(is)}})
			default:
				mtErr(w, 405, 0, "Method Not Allowed")
			}
		}
	}))
	t.Cleanup(srv.Close)
	tr := NewMantis(srv.URL, "3", token, srv.Client())
	return lgFake{tr: tr, store: s, secret: token,
		approve: func(is *lgIssue) { is.Status = "confirmed" },
		seed: func(title, body, fp string, open bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			is := &lgIssue{Title: mtPrefix + title, Desc: withMarker(body, fp), Status: "new"}
			if !open {
				is.Status, is.Resolution = "closed", "fixed"
			}
			s.add(is)
		}}
}

func TestMantis(t *testing.T) {
	runLegacySuite(t, newMantisFake)
	t.Run("shape", func(t *testing.T) {
		f := newMantisFake(t)
		c, err := f.tr.Create(context.Background(), Ticket{Title: "x", Body: "b", Fingerprint: "fp9"})
		if err != nil {
			t.Fatal(err)
		}
		is := f.store.get(1)
		if is.Title != "[ssdf] x" || !strings.Contains(is.Desc, FingerprintMarker("fp9")) || c.Title != "x" {
			t.Errorf("issue = %+v, ticket = %+v", is, c)
		}
		if !strings.HasSuffix(c.URL, "/view.php?id=1") {
			t.Errorf("URL = %s", c.URL)
		}
		if err := f.tr.Close(context.Background(), "1", "done"); err != nil || is.Status != "resolved" || is.Resolution != "fixed" {
			t.Errorf("Close: %v, %+v", err, is)
		}
	})
}
