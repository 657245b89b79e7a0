package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/serve"
)

// now is the fixture's clock.
var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// Hostile strings put where the ledger's text is shown: each must come out
// as text.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	`</td></tr></table><h1 id="forged">forged</h1>`,
	`<link rel=stylesheet href=//evil.example/x.css>`,
}

const (
	widget = "https://github.com/acme/widget"
	// evil is a target whose name is markup.
	evil = "https://example.org/" + `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
)

func tasks(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// records are the fixture's entries, appended one at a time (a signed
// checkpoint each): three scans of widget and two of evil (one of them
// recorded with an older time after a newer one), reviews, and exception
// requests, approvals and rejections.
func records() []ledger.Record {
	at := func(days int) time.Time { return now.AddDate(0, 0, days) }
	return []ledger.Record{
		/* 0 */ ledger.Scan{ReportDigest: "sha256:00", Target: widget, Commit: "c0", At: at(-30),
			Tasks: tasks("PO.2.1", "fail", "PO.3.1", "pass", "PO.3.2", "fail", "PO.3.3", "unknown", "PO.4.1", "pass", "PO.4.2", "unknown", "PO.5.1", "unknown")},
		/* 1 */ ledger.Scan{ReportDigest: "sha256:01", Target: evil, Commit: hostile[2], At: at(-20),
			Tasks: tasks("PO.2.1", "pass", "PO.3.2", "not-applicable")},
		/* 2 */ ledger.Review{Subject: ledger.SubjectCodeowners, Digest: "sha256:c0de", By: "alice " + hostile[1], At: at(-19)},
		/* 3 */ ledger.Exception{Action: ledger.ActionRequest, Check: "build-lockfile", Ticket: "REDMINE-4711", Reason: "vendored tool " + hostile[0], By: "carol", At: at(-18)},
		/* 4 */ ledger.Scan{ReportDigest: "sha256:04", Target: widget, Commit: "c4", At: at(-10),
			Tasks: tasks("PO.2.1", "pass", "PO.3.1", "pass", "PO.3.2", "waived", "PO.3.3", "pass", "PO.4.1", "fail", "PO.4.2", "unknown", "PO.5.1", "not-applicable")},
		/* 5 */ ledger.Exception{Action: ledger.ActionApprove, Check: "build-lockfile", Ticket: "REDMINE-4711", Approver: "bob", Expires: "2026-12-10", By: "bob", At: at(-9)},
		/* 6 */ ledger.Exception{Action: ledger.ActionRequest, Check: "pipeline-pinned-actions", Ticket: "T-2", Reason: "r2", By: "dave", At: at(-8)},
		/* 7 */ ledger.Exception{Action: ledger.ActionReject, Check: "pipeline-pinned-actions", Ticket: "T-2", Approver: "bob", By: "bob", At: at(-7)},
		/* 8 */ ledger.Review{Subject: ledger.SubjectOwners, Org: "github.com/acme", Owners: []string{"ann", "ben"}, By: "erin", At: at(-6)},
		/* 9 */ ledger.Scan{ReportDigest: "sha256:09", Target: evil, Commit: "c9", At: at(-5),
			Tasks: tasks("PO.2.1", "fail", "PO.3.2", "pass", "PO.9.9", "pass")},
		/* 10 */ ledger.Exception{Action: ledger.ActionRequest, Check: "build-provenance", Ticket: "T-3", Reason: "pending " + hostile[3], By: "frank", At: at(-4)},
		/* 11 */ ledger.Exception{Action: ledger.ActionRequest, Check: "codeowners-valid", Ticket: "T-4", Reason: "r4", By: "gina", At: at(-3)},
		/* 12 */ ledger.Exception{Action: ledger.ActionApprove, Check: "codeowners-valid", Ticket: "T-4", Approver: "bob", Expires: "2027-06-30", By: "bob", At: at(-2)},
		/* 13 */ ledger.Scan{ReportDigest: "sha256:13", Target: widget, Commit: "c13", At: at(-1),
			Tasks: tasks("PO.2.1", "pass", "PO.3.1", "pass", "PO.3.2", "pass", "PO.3.3", "pass", "PO.4.1", "pass", "PO.4.2", "fail", "PO.5.1", "unknown")},
		/* 14 */ ledger.Scan{ReportDigest: "sha256:14", Target: widget, Commit: "c14-old", At: at(-40),
			Tasks: tasks("PO.2.1", "fail")},
	}
}

// fixture is a served ledger.
type fixture struct {
	l    *ledger.Ledger
	path string
	srv  *httptest.Server
}

// newFixture builds the ledger in a temporary SQLite file with the ledger
// package, reopens it read-only as `ssdf serve` does, and serves it.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	w, err := ledger.Open(ctx, path, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records() {
		if _, err := w.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(ctx, path, ledger.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv := httptest.NewServer(serve.New(l, serve.Options{Now: func() time.Time { return now }, Version: "test"}))
	t.Cleanup(srv.Close)
	return &fixture{l: l, path: path, srv: srv}
}

// tamper drops the triggers (if a previous call has not) and rewrites an entry in the SQLite file, as
// the ledger's own tamper tests do (someone holding the file could).
func (f *fixture) tamper(t *testing.T, index int64, data []byte) {
	t.Helper()
	db := f.l.Store().(*ledger.SQLiteStore).DB()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
	if err != nil {
		t.Fatal(err)
	}
	var drops []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		drops = append(drops, "DROP TRIGGER "+n)
	}
	rows.Close()
	for _, q := range drops {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("UPDATE entries SET data = ? WHERE idx = ?", data, index); err != nil {
		t.Fatal(err)
	}
}

// get fetches path and checks the headers every response carries.
func (f *fixture) get(t *testing.T, path string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("GET %s: Cache-Control %q, want no-store", path, got)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, got)
	}
	ct := res.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(path, "/api/"):
		if ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
	default:
		if ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != serve.CSP {
			t.Errorf("GET %s: Content-Security-Policy %q", path, got)
		}
	}
	return res.StatusCode, res.Header, body
}

// getJSON fetches path, wants status, and decodes the body into v.
func (f *fixture) getJSON(t *testing.T, path string, status int, v any) {
	t.Helper()
	code, _, body := f.get(t, path)
	if code != status {
		t.Fatalf("GET %s: status %d, want %d: %s", path, code, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}
