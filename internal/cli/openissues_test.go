package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestScanOpenIssues runs `ssdf scan --open-issues` against a GitLab
// issues fake named by the policy's tracker: failing required checks get
// one issue each, a second scan opens none, and a tracker answering 503
// changes neither the report nor the exit code; the token is never printed.
func TestScanOpenIssues(t *testing.T) {
	var mu sync.Mutex
	var issues []map[string]any
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if fail {
			w.WriteHeader(503)
			w.Write([]byte(`{"message":"down, token ` + r.Header.Get("PRIVATE-TOKEN") + `"}`))
			return
		}
		if r.Header.Get("PRIVATE-TOKEN") != secret || r.URL.EscapedPath() != "/api/v4/projects/acme%2Fwidget/issues" {
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"404 Not found"}`))
			return
		}
		switch r.Method {
		case http.MethodGet:
			json.NewEncoder(w).Encode(issues)
		case http.MethodPost:
			var m map[string]any
			json.NewDecoder(r.Body).Decode(&m)
			is := map[string]any{"iid": len(issues) + 1, "title": m["title"], "description": m["description"], "state": "opened", "labels": []string{"ssdf"}}
			issues = append(issues, is)
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(is)
		default:
			w.WriteHeader(405)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	pol := "version: 1\ntracker:\n  kind: gitlab\n  url: " + srv.URL + "\n  project: acme/widget\n"
	if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte(pol), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"GITLAB_TOKEN": secret}
	code0, out0, _ := runIn(t, dir, vars, "scan", "--format", "json")
	code, out, errOut := runIn(t, dir, vars, "scan", "--format", "json", "--open-issues")
	if code != code0 || code != 1 || out != out0 {
		t.Fatalf("exit %d (without --open-issues %d)\n%s", code, code0, errOut)
	}
	failing := 0
	for _, r := range results(t, out) {
		if r.Required && r.Status == "fail" {
			failing++
		}
	}
	if len(issues) != failing || failing == 0 || !strings.Contains(errOut, "--open-issues (gitlab): ") {
		t.Fatalf("%d issues for %d failing checks\n%s", len(issues), failing, errOut)
	}
	_, _, errOut = runIn(t, dir, vars, "scan", "--format", "json", "--open-issues")
	if len(issues) != failing || !strings.Contains(errOut, "0 opened, 0 updated, 0 closed, 0 reopened, 0 errors") {
		t.Fatalf("second scan: %d issues\n%s", len(issues), errOut)
	}
	fail = true
	code, out, errOut = runIn(t, dir, vars, "scan", "--format", "json", "--open-issues")
	if code != 1 || out != out0 {
		t.Fatalf("with a failing tracker: exit %d", code)
	}
	if !strings.Contains(errOut, "errors") || !strings.Contains(errOut, "503") || strings.Contains(errOut+out, secret) {
		t.Fatalf("stderr: %s", errOut)
	}
}
