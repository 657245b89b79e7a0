package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// redmineFake follows Redmine's REST API (redmine.org/projects/redmine/
// wiki/Rest_api, Rest_Issues, Rest_IssueStatuses, Rest_Users) and what a
// real Redmine 5.0 answered (redmine_real_test.go runs the same adapter
// against one): X-Redmine-API-Key; an unknown key is the anonymous user,
// who may read this public project, gets 401 on writes and on
// GET /users/current.json; GET /issues.json with project_id (404 for an
// unknown project), status_id (open only unless "*"), subject=~ filter,
// offset/limit and total_count; GET/PUT /issues/{id}.json (PUT answers
// 204, and ignores a status_id the workflow does not allow, keeping the
// old status); POST /issues.json (201, 422 {"errors":[…]}); GET
// /issue_statuses.json. Descriptions come back with CRLF line endings, as
// Redmine stores them. Issue statuses are sent without is_closed, as
// older Redmines do, so the adapter must read /issue_statuses.json.
func newRedmineFake(t *testing.T) lgFake {
	f, _ := newRedmineFakeWorkflow(t)
	return f
}

// newRedmineFakeWorkflow also returns the set of status names the
// workflow forbids moving to: the test fills it.
func newRedmineFakeWorkflow(t *testing.T) (lgFake, map[string]bool) {
	const key = "rm-secret-key-456"
	s := &lgStore{}
	forbid := map[string]bool{}
	statuses := []map[string]any{
		{"id": 1, "name": "New", "is_closed": false}, {"id": 2, "name": "In Progress", "is_closed": false},
		{"id": 3, "name": "Approved", "is_closed": false}, {"id": 5, "name": "Closed", "is_closed": true},
		{"id": 6, "name": "Rejected", "is_closed": true},
	}
	stName := func(id string) (string, bool) {
		for _, st := range statuses {
			if strconv.Itoa(st["id"].(int)) == id {
				return st["name"].(string), st["is_closed"].(bool)
			}
		}
		return "", false
	}
	stID := func(name string) int {
		for _, st := range statuses {
			if st["name"] == name {
				return st["id"].(int)
			}
		}
		return 0
	}
	issue := func(is *lgIssue) map[string]any {
		return map[string]any{"id": is.ID, "project": map[string]any{"id": 1, "name": "Proj"}, "subject": is.Title,
			"description": is.Desc, "status": map[string]any{"id": stID(is.Status), "name": is.Status}}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail {
			http.Error(w, "Internal error; key="+r.Header.Get("X-Redmine-API-Key"), 500)
			return
		}
		if r.Header.Get("X-Redmine-API-Key") != key && (r.Method != "GET" || r.URL.Path == "/users/current.json") {
			w.Header().Set("WWW-Authenticate", `Basic realm="Redmine API"`)
			w.WriteHeader(401)
			return
		}
		var in struct {
			Issue map[string]any `json:"issue"`
		}
		if r.Body != nil {
			json.NewDecoder(r.Body).Decode(&in)
		}
		p := r.URL.Path
		switch {
		case r.Method == "GET" && p == "/users/current.json":
			lgJSON(w, 200, map[string]any{"user": map[string]any{"id": 5, "login": "ssdf-bot"}})
		case r.Method == "GET" && p == "/issue_statuses.json":
			lgJSON(w, 200, map[string]any{"issue_statuses": statuses})
		case r.Method == "GET" && p == "/issues.json":
			s.lists++
			q := r.URL.Query()
			if q.Get("project_id") != "proj" {
				w.WriteHeader(404)
				return
			}
			var hits []any
			for _, is := range s.issues {
				_, closed := stName(strconv.Itoa(stID(is.Status)))
				if q.Get("status_id") != "*" && closed {
					continue
				}
				if sub := q.Get("subject"); strings.HasPrefix(sub, "~") && !strings.Contains(strings.ToLower(is.Title), strings.ToLower(sub[1:])) {
					continue
				}
				hits = append(hits, issue(is))
			}
			total := len(hits)
			off, _ := strconv.Atoi(q.Get("offset"))
			lim, _ := strconv.Atoi(q.Get("limit"))
			if lim <= 0 {
				lim = 25
			}
			if off > len(hits) {
				off = len(hits)
			}
			hits = hits[off:]
			if lim < len(hits) {
				hits = hits[:lim]
			}
			if hits == nil {
				hits = []any{}
			}
			lgJSON(w, 200, map[string]any{"issues": hits, "total_count": total, "offset": off, "limit": lim})
		case r.Method == "POST" && p == "/issues.json":
			sub, _ := in.Issue["subject"].(string)
			if sub == "" {
				lgJSON(w, 422, map[string]any{"errors": []string{"Subject cannot be blank"}})
				return
			}
			if in.Issue["project_id"] != "proj" {
				lgJSON(w, 422, map[string]any{"errors": []string{"Project cannot be blank"}})
				return
			}
			d, _ := in.Issue["description"].(string)
			d = crlf(d)
			is := s.add(&lgIssue{Title: sub, Desc: d, Status: "New"})
			lgJSON(w, 201, map[string]any{"issue": issue(is)})
		default:
			id, ok := lgPathID(p, "/issues/", ".json")
			var is *lgIssue
			if ok {
				is = s.get(id)
			}
			if is == nil {
				w.WriteHeader(404)
				return
			}
			switch r.Method {
			case "GET":
				lgJSON(w, 200, map[string]any{"issue": issue(is)})
			case "PUT":
				if v, ok := in.Issue["subject"].(string); ok {
					is.Title = v
				}
				if v, ok := in.Issue["description"].(string); ok {
					is.Desc = crlf(v)
				}
				if v, ok := in.Issue["status_id"].(float64); ok {
					// Redmine keeps the old status, silently, when the
					// new one is unknown or not allowed.
					if name, _ := stName(strconv.Itoa(int(v))); name != "" && !forbid[name] {
						is.Status = name
					}
				}
				if v, ok := in.Issue["notes"].(string); ok && v != "" {
					is.Comments = append(is.Comments, v)
				}
				w.WriteHeader(204)
			default:
				w.WriteHeader(405)
			}
		}
	}))
	t.Cleanup(srv.Close)
	tr := NewRedmine(srv.URL, "proj", key, srv.Client())
	return lgFake{tr: tr, store: s, secret: key,
		approve: func(is *lgIssue) { is.Status = "Approved" },
		seed: func(title, body, fp string, open bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			is := &lgIssue{Title: rmPrefix + title, Desc: withMarker(body, fp), Status: "New"}
			if !open {
				is.Status = "Closed"
			}
			s.add(is)
		}}, forbid
}

func TestRedmine(t *testing.T) {
	runLegacySuite(t, newRedmineFake)
	t.Run("shape", func(t *testing.T) {
		f := newRedmineFake(t)
		testLegacyShape(t, f, "/issues/1")
		// Close picks the status named Closed, not Rejected.
		if err := f.tr.Close(context.Background(), "1", "done"); err != nil || f.store.get(1).Status != "Closed" {
			t.Errorf("Close: %v, status %s", err, f.store.get(1).Status)
		}
	})
}

// TestRedmineGuards: what a real Redmine does quietly must not pass for
// success.
func TestRedmineGuards(t *testing.T) {
	ctx := context.Background()
	t.Run("workflow forbids closing", func(t *testing.T) {
		f, forbid := newRedmineFakeWorkflow(t)
		c, err := f.tr.Create(ctx, Ticket{Title: "x", Body: "b", Fingerprint: "fp1"})
		if err != nil {
			t.Fatal(err)
		}
		forbid["Closed"], forbid["Rejected"] = true, true
		err = f.tr.Close(ctx, c.ID, "fixed")
		if err == nil || !strings.Contains(err.Error(), "workflow") {
			t.Fatalf("Close under a forbidding workflow = %v, want an error naming the workflow", err)
		}
		if got := f.store.get(1).Status; got != "New" {
			t.Errorf("status = %s", got)
		}
	})
	t.Run("unknown key is refused, not anonymous", func(t *testing.T) {
		f := newRedmineFake(t)
		f.seed("x", "b", "fp2", true)
		srvURL := strings.TrimSuffix(f.tr.(*Redmine).base, "/")
		bad := NewRedmine(srvURL, "proj", "wrong-key-789", f.tr.(*Redmine).c.hc)
		if _, err := bad.Find(ctx, "fp2"); err == nil || strings.Contains(err.Error(), "wrong-key-789") {
			t.Fatalf("Find with an unknown key = %v, want an error without the key", err)
		}
		if _, err := bad.Get(ctx, "1"); err == nil {
			t.Fatal("Get with an unknown key succeeded as the anonymous user")
		}
		// Without a key the adapter is anonymous on purpose: it may read.
		anon := NewRedmine(srvURL, "proj", "", f.tr.(*Redmine).c.hc)
		if tk, err := anon.Get(ctx, "1"); err != nil || tk.Fingerprint != "fp2" {
			t.Fatalf("anonymous Get = %+v, %v", tk, err)
		}
	})
	t.Run("unknown project is not 'no ticket'", func(t *testing.T) {
		f := newRedmineFake(t)
		r := f.tr.(*Redmine)
		other := NewRedmine(r.base, "nope", "rm-secret-key-456", r.c.hc)
		_, err := other.Find(ctx, "fp3")
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("Find in an unknown project = %v, want an error naming it, not ErrNotFound", err)
		}
	})
}

// crlf stores text as Redmine does: every line ending CRLF.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
