package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/redminetest"
	"github.com/ssdf-dev/ssdf/report"
)

// TestScanWithRealRedmine is `ssdf scan` end to end with the policy's
// tracker a real Redmine (see internal/redminetest): audit-exceptions-
// tracked reads each exception's ticket from it, and --open-issues keeps
// one issue per failing required check there, without duplicates. The
// API key is never printed.
func TestScanWithRealRedmine(t *testing.T) {
	e := redminetest.New(t, "Developer")
	approved := e.CreateIssue("Exception: build-lockfile on the legacy branch", "Why, and until when.")
	e.SetStatus(approved, "Approved", "Approved by the security lead.")
	pending := e.CreateIssue("Exception: codeowners-coverage", "Not yet approved.")
	vars := map[string]string{"SSDF_TRACKER_TOKEN": e.UserKey}
	policy := func(dir string, excs ...string) {
		t.Helper()
		pol := fmt.Sprintf("version: 1\ntracker:\n  kind: redmine\n  url: %s\n  project: %s\n", e.URL, e.Project)
		if len(excs) > 0 {
			pol += "exceptions:\n" + strings.Join(excs, "")
		}
		if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte(pol), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exc := func(check, ticket string) string {
		return fmt.Sprintf("  - check: %s\n    reason: r\n    ticket: %q\n    approvedBy: alice\n    expires: 2027-03-31\n", check, ticket)
	}
	noKey := func(t *testing.T, s ...string) {
		t.Helper()
		if strings.Contains(strings.Join(s, ""), e.UserKey) {
			t.Fatal("the Redmine API key appears in the output")
		}
	}

	t.Run("exception tickets", func(t *testing.T) {
		dir := t.TempDir()
		policy(dir, exc("build-lockfile", fmt.Sprintf("#%d", approved)))
		_, out, errOut := runIn(t, dir, vars, "scan", "--format", "json", "--checks", "audit-exceptions-tracked")
		noKey(t, out, errOut)
		if r := results(t, out)["audit-exceptions-tracked"]; r.Status != "pass" || !strings.Contains(r.Reason, "redmine") {
			t.Fatalf("approved ticket: %s: %s\n%s", r.Status, r.Reason, errOut)
		}
		policy(dir, exc("build-lockfile", fmt.Sprintf("%s/issues/%d", e.URL, approved)),
			exc("codeowners-coverage", fmt.Sprint(pending)), exc("pipeline-pinned-images", "99999999"))
		_, out, errOut = runIn(t, dir, vars, "scan", "--format", "json", "--checks", "audit-exceptions-tracked")
		noKey(t, out, errOut)
		r := results(t, out)["audit-exceptions-tracked"]
		var msgs []string
		for _, f := range r.Findings {
			msgs = append(msgs, f.Message)
		}
		all := strings.Join(msgs, "\n")
		if r.Status != "fail" || len(r.Findings) != 2 ||
			!strings.Contains(all, fmt.Sprintf("ticket %d is not approved in the redmine tracker (status New)", pending)) ||
			!strings.Contains(all, "ticket 99999999 does not exist in the redmine tracker") {
			t.Fatalf("%s: %s\n%s", r.Status, r.Reason, all)
		}
	})

	// The scan waives a failing check only with an exception whose ticket
	// the tracker shows approved.
	t.Run("waivers", func(t *testing.T) {
		dir := t.TempDir()
		for _, tc := range []struct {
			ticket int
			want   string
		}{{approved, "waived"}, {pending, "fail"}} {
			policy(dir, exc("codeowners-present", fmt.Sprint(tc.ticket)))
			_, out, errOut := runIn(t, dir, vars, "scan", "--format", "json", "--checks", "codeowners-present,audit-exceptions-tracked")
			noKey(t, out, errOut)
			if r := results(t, out)["codeowners-present"]; r.Status != tc.want {
				t.Errorf("exception on ticket %d: codeowners-present is %s, want %s (%s)", tc.ticket, r.Status, tc.want, r.Reason)
			}
		}
	})

	t.Run("open issues", func(t *testing.T) {
		dir := t.TempDir()
		policy(dir)
		code, out, errOut := runIn(t, dir, vars, "scan", "--format", "json", "--open-issues")
		noKey(t, out, errOut)
		if code != 1 {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
		rep, err := report.Read(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		failing := 0
		for _, r := range rep.Results {
			if r.Required && r.Status == report.StatusFail {
				failing++
			}
		}
		count := func() int {
			n := 0
			for _, is := range e.Issues() {
				if strings.HasPrefix(is.Subject, "[ssdf] ") && !e.Closed(is) {
					n++
				}
			}
			return n
		}
		if failing == 0 || count() != failing {
			t.Fatalf("%d failing required checks, %d open ssdf issues in Redmine\n%s", failing, count(), errOut)
		}
		for range 2 {
			_, out, errOut = runIn(t, dir, vars, "scan", "--format", "json", "--open-issues")
			noKey(t, out, errOut)
		}
		if n := count(); n != failing {
			t.Fatalf("after three scans %d open ssdf issues, want %d\n%s", n, failing, errOut)
		}
		if !strings.Contains(errOut, "0 opened, 0 updated, 0 closed, 0 reopened, 0 errors") {
			t.Fatalf("a repeated scan changed tickets:\n%s", errOut)
		}
	})
}
