package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// mantisFake follows MantisBT's REST API as the mantisbt/mantisbt
// repository defines it (master, api/rest/):
//   - auth, restcore/AuthMiddleware.php: the token as the Authorization
//     header's value (bare; "Bearer " also taken by new releases); a token
//     that matches nobody falls back to the anonymous account when
//     anonymous access is on (anon), else 401 with an empty body; every
//     answer carries X-Mantis-Username and X-Mantis-LoginMethod
//     (core/constant_inc.php: api-token, cookie, anonymous);
//   - routes, restcore/issues_rest.php: GET /issues?project_id&page_size&
//     page[&filter_id] → {"issues":[…]} (no filter_id: the "any" standard
//     filter, closed issues included, core/filter_api.php; a page past
//     the last is empty, api/soap/mc_filter_api.php, bug #12991; an
//     unknown project is 404 with no body); GET /issues/{id} →
//     {"issues":[…]}; POST /issues → 201 {"issue":…} or 202 with no body
//     when moderated; PATCH /issues/{id} → 200 {"issues":[…]}; POST
//     /issues/{id}/notes → 201 {"note","issue"};
//   - objects: status and resolution {id,name,label,color}
//     (api/rest/mantisbt_openapi.yaml);
//   - errors, api/rest/index.php and core/error_api.php:
//     {"message","code","localized"}, 404 for ERROR_BUG_NOT_FOUND (1100).
func newMantisFake(t *testing.T) lgFake { return newMantisFakeOpts(t, false, false) }

func newMantisFakeOpts(t *testing.T, anon, moderated bool) lgFake {
	const token = "mt-secret-token-789"
	s := &lgStore{}
	enumID := map[string]int{"new": 10, "feedback": 20, "acknowledged": 30, "confirmed": 40, "assigned": 50,
		"resolved": 80, "closed": 90, "open": 10, "fixed": 20, "reopened": 30}
	named := func(n string) map[string]any {
		return map[string]any{"id": enumID[n], "name": n, "label": n, "color": "#fcbdbd"}
	}
	issue := func(is *lgIssue) map[string]any {
		res := is.Resolution
		if res == "" {
			res = "open"
		}
		return map[string]any{"id": is.ID, "summary": is.Title, "description": is.Desc,
			"project": map[string]any{"id": 3, "name": "Proj"}, "category": map[string]any{"id": 1, "name": "General"},
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
		if r.Header.Get("Authorization") != token && strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") != token {
			if !anon {
				w.Header().Set("WWW-Authenticate", "Bearer")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("X-Mantis-Username", "anonymous")
			w.Header().Set("X-Mantis-LoginMethod", "anonymous")
		} else {
			w.Header().Set("X-Mantis-Username", "ssdf-bot")
			w.Header().Set("X-Mantis-LoginMethod", "api-token")
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
				w.WriteHeader(http.StatusNotFound) // "Project '…' doesn't exist", reason phrase only
				return
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
			if moderated {
				w.WriteHeader(http.StatusAccepted)
				return
			}
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
			if !ok {
				lgJSON(w, 404, map[string]any{"message": "Not found"}) // Slim's own 404
				return
			}
			is := s.get(id)
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
		seed:    lgSeed(s, mtPrefix)}
}

// lgSeed is the seed of a fake (Mantis, Trac) whose adapter writes prefix
// before the title and the fingerprint marker into the description: the
// issue is "new" while open, "closed" and "fixed" once closed.
func lgSeed(s *lgStore, prefix string) func(title, body, fp string, open bool) {
	return func(title, body, fp string, open bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		is := &lgIssue{Title: prefix + title, Desc: withMarker(body, fp), Status: "new"}
		if !open {
			is.Status, is.Resolution = "closed", "fixed"
		}
		s.add(is)
	}
}

// testLegacyShape creates ticket "x" with fingerprint fp9 through f and
// checks what the fake holds and what Create returned: the "[ssdf] " title,
// the fingerprint marker in the description, and a URL ending in urlSuffix.
// It returns the issue (the first in the store) and the ticket.
func testLegacyShape(t *testing.T, f lgFake, urlSuffix string) (*lgIssue, *Ticket) {
	t.Helper()
	c, err := f.tr.Create(context.Background(), Ticket{Title: "x", Body: "b", Fingerprint: "fp9"})
	if err != nil {
		t.Fatal(err)
	}
	is := f.store.get(1)
	if is.Title != "[ssdf] x" || !strings.Contains(is.Desc, FingerprintMarker("fp9")) || c.Title != "x" {
		t.Errorf("issue = %+v, ticket = %+v", is, c)
	}
	if !strings.HasSuffix(c.URL, urlSuffix) {
		t.Errorf("URL = %s, want it to end in %s", c.URL, urlSuffix)
	}
	return is, c
}

func TestMantis(t *testing.T) {
	runLegacySuite(t, newMantisFake)
	t.Run("shape", func(t *testing.T) {
		f := newMantisFake(t)
		is, _ := testLegacyShape(t, f, "/view.php?id=1")
		if err := f.tr.Close(context.Background(), "1", "done"); err != nil || is.Status != "resolved" || is.Resolution != "fixed" {
			t.Errorf("Close: %v, %+v", err, is)
		}
	})
}

// TestMantisDocumented pins what the REST API documents and the first
// version of the adapter got wrong.
func TestMantisDocumented(t *testing.T) {
	ctx := context.Background()
	t.Run("anonymous-fallback", func(t *testing.T) {
		// A token MantisBT does not take becomes the anonymous user when
		// anonymous access is on: reading on would be guessing.
		f := newMantisFakeOpts(t, true, false)
		f.seed("x", "b", "fp1", true)
		bad := NewMantis(f.tr.(*Mantis).base, "3", "revoked-token", nil)
		if _, err := bad.Get(ctx, "1"); err == nil || !strings.Contains(err.Error(), "anonymous") {
			t.Errorf("Get as anonymous: %v, want an error", err)
		}
		if got, err := bad.Find(ctx, "fp1"); err == nil {
			t.Errorf("Find as anonymous = %+v, want an error", got)
		}
		if _, err := f.tr.Get(ctx, "1"); err != nil {
			t.Errorf("Get with the token: %v", err)
		}
	})
	t.Run("404-is-not-always-not-found", func(t *testing.T) {
		f := newMantisFake(t)
		other := NewMantis(f.tr.(*Mantis).base, "4", f.secret, nil)
		if _, err := other.Find(ctx, "fp"); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Find in an unknown project: %v, want a plain error", err)
		}
		wrong := NewMantis(f.tr.(*Mantis).base+"/mantis", "3", f.secret, nil)
		if _, err := wrong.Get(ctx, "1"); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get through a wrong base URL: %v, want a plain error", err)
		}
		if _, err := f.tr.Get(ctx, "7"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "mantis") {
			t.Errorf("Get(7) = %v, want ErrNotFound (code 1100)", err)
		}
	})
	t.Run("moderated-create", func(t *testing.T) {
		f := newMantisFakeOpts(t, false, true)
		if c, err := f.tr.Create(ctx, Ticket{Title: "x", Body: "b", Fingerprint: "fp"}); err == nil {
			t.Errorf("Create held for moderation = %+v, want an error", c)
		}
	})
}
