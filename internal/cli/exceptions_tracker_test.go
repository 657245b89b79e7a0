package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestScanExceptionTickets runs `ssdf scan` with a policy whose exceptions
// name tickets of a GitLab issues fake (the policy's tracker): approved
// tickets pass audit-exceptions-tracked, a missing or unapproved one fails
// it at the exception's line, an unreadable one makes it unknown, and
// without a reachable tracker it passes as before, saying so. The token is
// never printed, even when the fake echoes it.
func TestScanExceptionTickets(t *testing.T) {
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		const prefix = "/api/v4/projects/acme%2Fwidget/issues/"
		id, ok := strings.CutPrefix(r.URL.EscapedPath(), prefix)
		if r.Method != http.MethodGet || !ok || r.Header.Get("PRIVATE-TOKEN") != secret {
			w.WriteHeader(401)
			w.Write([]byte(`{"message":"401 Unauthorized"}`))
			return
		}
		gets.Add(1)
		issue := func(state string, labels ...string) {
			n, _ := strconv.Atoi(id)
			json.NewEncoder(w).Encode(map[string]any{"iid": n, "web_url": "https://gitlab.example/acme/widget/-/issues/" + id,
				"title": "exception", "description": "", "state": state, "labels": labels})
		}
		switch id {
		case "41":
			issue("opened", "approved")
		case "42":
			issue("opened", "security")
		case "44":
			w.WriteHeader(403)
			w.Write([]byte(`{"message":"403 Forbidden for token ` + r.Header.Get("PRIVATE-TOKEN") + `"}`))
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"404 Issue Not Found"}`))
		}
	}))
	defer srv.Close()
	vars := map[string]string{"GITLAB_TOKEN": secret}
	exc := func(check, ticket string) string {
		return fmt.Sprintf("  - check: %s\n    reason: r\n    ticket: %q\n    approvedBy: alice\n    expires: 2027-03-31\n", check, ticket)
	}
	scan := func(t *testing.T, tracker bool, excs ...string) (string, string, string) {
		t.Helper()
		dir := t.TempDir()
		pol := "version: 1\n"
		if tracker {
			pol += "tracker:\n  kind: gitlab\n  url: " + srv.URL + "\n  project: acme/widget\n"
		}
		pol += "exceptions:\n" + strings.Join(excs, "")
		if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte(pol), 0o644); err != nil {
			t.Fatal(err)
		}
		_, out, errOut := runIn(t, dir, vars, "scan", "--format", "json", "--checks", "audit-exceptions-tracked")
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("the token appears in the output:\n%s\n%s", out, errOut)
		}
		r := results(t, out)["audit-exceptions-tracked"]
		var lines []string
		for _, f := range r.Findings {
			lines = append(lines, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Message))
		}
		return r.Status, r.Reason, strings.Join(lines, "\n")
	}

	t.Run("approved", func(t *testing.T) {
		st, why, _ := scan(t, true, exc("build-lockfile", "41"), exc("codeowners-coverage", srv.URL+"/acme/widget/-/issues/41"))
		if st != "pass" || !strings.Contains(why, "each ticket exists and is approved in the gitlab tracker") {
			t.Fatalf("%s: %s", st, why)
		}
	})
	t.Run("missing and unapproved", func(t *testing.T) {
		st, why, f := scan(t, true, exc("build-lockfile", "41"), exc("codeowners-coverage", "42"), exc("pipeline-pinned-images", "43"))
		want := ".ssdf.yaml:12 the exception for codeowners-coverage is not valid: its ticket 42 is not approved in the gitlab tracker (status opened); it waives nothing\n" +
			".ssdf.yaml:17 the exception for pipeline-pinned-images is not valid: its ticket 43 does not exist in the gitlab tracker; it waives nothing"
		if st != "fail" || f != want {
			t.Fatalf("%s: %s\n%s", st, why, f)
		}
	})
	t.Run("read error", func(t *testing.T) {
		st, why, _ := scan(t, true, exc("build-lockfile", "41"), exc("codeowners-coverage", "44"))
		if st != "unknown" || !strings.Contains(why, "44 (") || !strings.Contains(why, "403") {
			t.Fatalf("%s: %s", st, why)
		}
	})
	t.Run("no tracker", func(t *testing.T) {
		before := gets.Load()
		st, why, _ := scan(t, false, exc("build-lockfile", "43"))
		if st != "pass" || !strings.Contains(why, "whether the tickets exist was not verified, because no tracker was reachable (the policy names no tracker") {
			t.Fatalf("%s: %s", st, why)
		}
		if gets.Load() != before {
			t.Fatal("the tracker was asked although the policy names none")
		}
	})
}
