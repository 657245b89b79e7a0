package ledger_test

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/forge/fake"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

const auditSecret = "ghp_AUDITSECRETTOKEN0123456789abcdefABCD"

// auditEntries lists the ledger's auditlog entries.
func auditEntries(t *testing.T, env []string, db string) []ledgerlib.AuditLog {
	t.Helper()
	code, out, errOut := run(t, env, "ledger", "list", "--ledger", db)
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	var got []ledgerlib.AuditLog
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		r, err := ledgerlib.Decode([]byte(strings.SplitN(line, "\t", 2)[1]))
		if err != nil {
			t.Fatal(err)
		}
		if a, ok := r.(ledgerlib.AuditLog); ok {
			got = append(got, a)
		}
	}
	return got
}

func noSecret(t *testing.T, s ...string) {
	t.Helper()
	for _, x := range s {
		if strings.Contains(x, auditSecret) {
			t.Fatalf("token printed: %s", x)
		}
	}
}

func TestCollectAuditLogGitHub(t *testing.T) {
	gh := fake.GitHub(t, nil, fake.Enterprise())
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	env := []string{"HOME=" + dir, "GITHUB_TOKEN=" + auditSecret, "SOURCE_DATE_EPOCH=1795694400"}
	u, _ := url.Parse(gh.URL)
	args := []string{"ledger", "collect-auditlog", "--ledger", db, "--org", u.Host + "/acme", "--forge", "github", "--forge-url", gh.URL}

	// First run: the three example events, oldest first.
	code, out, errOut := run(t, env, args...)
	noSecret(t, out, errOut)
	if code != 0 || !strings.Contains(out, "3 new audit events recorded in the ledger as entry 0") {
		t.Fatalf("first run: %d\n%s\n%s", code, out, errOut)
	}
	es := auditEntries(t, env, db)
	if len(es) != 1 || len(es[0].Events) != 3 || es[0].Gap || !strings.HasSuffix(es[0].Cursor, " xJJFlFOhQ6b-5vaAFy9Rjw") || !strings.HasPrefix(es[0].Cursor, "2020-12-02T17:24:34.512Z") {
		t.Fatalf("first entry: %+v", es)
	}
	if !strings.Contains(string(es[0].Events[0]), "LwW2vpJZCDS-WUmo9Z-ifw") {
		t.Errorf("events not oldest first: %s", es[0].Events[0])
	}

	// Second run: nothing new, a zero-event entry (the collection time).
	code, out, errOut = run(t, env, args...)
	if code != 0 || !strings.Contains(out, "0 new audit events") || errOut != "" {
		t.Fatalf("second run: %d\n%s\n%s", code, out, errOut)
	}
	es = auditEntries(t, env, db)
	if len(es) != 2 || len(es[1].Events) != 0 || es[1].Gap || es[1].Cursor != es[0].Cursor {
		t.Fatalf("second entry: %+v", es[1])
	}

	// Gap: the forge dropped the cursor's event; only a newer one is left.
	newer := `[{"@timestamp":1606939874512,"action":"repo.create","actor":"monalisa","_document_id":"NEWER-1","org":"acme"}]`
	gh.Inject(fake.Fault{Path: "/orgs/acme/audit-log", Status: 200, Body: newer, Times: 1})
	code, out, errOut = run(t, env, args...)
	if code != 0 || !strings.Contains(out, "1 new audit events") || !strings.Contains(errOut, "gap in the audit log") {
		t.Fatalf("gap run: %d\n%s\n%s", code, out, errOut)
	}
	es = auditEntries(t, env, db)
	if len(es) != 3 || !es[2].Gap || len(es[2].Events) != 1 || !strings.HasSuffix(es[2].Cursor, " NEWER-1") {
		t.Fatalf("gap entry: %+v", es[2])
	}

	// A forge error (echoing the credentials, as a careless proxy would):
	// exit 3 with the reason, nothing appended, no token.
	gh.Inject(fake.Fault{Path: "/orgs/acme/audit-log", Status: 403, Body: `{"message":"Resource not accessible by personal access token"}`, EchoAuth: true})
	code, out, errOut = run(t, env, args...)
	noSecret(t, out, errOut)
	if code != 3 || !strings.Contains(errOut, "403") || !strings.Contains(errOut, "nothing appended") {
		t.Fatalf("forge error: %d\n%s\n%s", code, out, errOut)
	}
	if n := len(auditEntries(t, env, db)); n != 3 {
		t.Fatalf("forge error appended: %d entries", n)
	}

	// The freshness fact: the newest collection.
	l, err := ledgerlib.Open(t.Context(), db, ledgerlib.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f := ledgerlib.Facts(t.Context(), l, u.Host+"/acme")
	if f.AuditLog == nil || !f.AuditLog.Gap {
		t.Errorf("facts: %+v", f.AuditLog)
	}
}

func TestCollectAuditLogGitLab(t *testing.T) {
	g := fake.NewGitLab(t)
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme"})
	g.AddGroup(fake.GitLabGroup{ID: 5, Path: "basic", AuditStatus: 403})
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	env := []string{"HOME=" + dir, "GITLAB_TOKEN=" + auditSecret}
	u, _ := url.Parse(g.URL)
	args := func(group string) []string {
		return []string{"ledger", "collect-auditlog", "--ledger", db, "--org", u.Host + "/" + group, "--forge", "gitlab", "--forge-url", g.URL}
	}
	code, out, errOut := run(t, env, args("acme")...)
	noSecret(t, out, errOut)
	if code != 0 || !strings.Contains(out, "2 new audit events recorded in the ledger as entry 0") {
		t.Fatalf("first run: %d\n%s\n%s", code, out, errOut)
	}
	es := auditEntries(t, env, db)
	if len(es) != 1 || es[0].Cursor != "2019-08-28T19:36:44.162Z 2" || es[0].Gap || !strings.Contains(string(es[0].Events[0]), `"id":1`) {
		t.Fatalf("first entry: %+v", es)
	}
	code, out, _ = run(t, env, args("acme")...)
	if code != 0 || !strings.Contains(out, "0 new audit events") {
		t.Fatalf("second run: %d %s", code, out)
	}

	// Gap: GitLab's retention dropped events 1 and 2; event 9 is newer.
	var ev map[string]any
	json.Unmarshal(es[0].Events[0], &ev)
	ev["id"], ev["created_at"] = 9, "2019-09-30T10:00:00.000Z"
	b, _ := json.Marshal(ev)
	g.Route("/groups/acme/audit_events").Items = []json.RawMessage{b}
	code, out, errOut = run(t, env, args("acme")...)
	es = auditEntries(t, env, db)
	if code != 0 || !strings.Contains(errOut, "gap") || len(es) != 3 || !es[2].Gap || len(es[2].Events) != 1 || es[2].Cursor != "2019-09-30T10:00:00Z 9" {
		t.Fatalf("gap run: %d\n%s\n%s\n%+v", code, out, errOut, es)
	}

	// No Premium: 403, exit 3, nothing appended.
	code, out, errOut = run(t, env, args("basic")...)
	noSecret(t, out, errOut)
	if code != 3 || !strings.Contains(errOut, "403") {
		t.Fatalf("forge error: %d\n%s\n%s", code, out, errOut)
	}
	if n := len(auditEntries(t, env, db)); n != 3 {
		t.Fatalf("forge error appended: %d entries", n)
	}
}
