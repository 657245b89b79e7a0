package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/report"
)

const ghglSecret = "ghp_s3cr3tT0kenValue0123456789"

const syncRepo = "https://github.com/acme/widget"

func syncReport(status map[string]string, findings ...report.Finding) *report.Report {
	r := &report.Report{Schema: report.Schema, Target: report.Target{Kind: "repository", URL: syncRepo, Commit: "0123456789abcdef0123"}}
	for _, id := range []string{"codeowners-present", "branch-protection", "sbom-generated", "optional-one"} {
		st, ok := status[id]
		if !ok {
			continue
		}
		r.Results = append(r.Results, report.Result{Check: id, Title: "Title of " + id, Tasks: []string{"PO.3.2"},
			Required: id != "optional-one", Status: st, Reason: "because", Findings: findings, Remediation: "Fix it."})
	}
	return r
}

func forgeKinds(t *testing.T, f func(t *testing.T, fk *fakeServer, tr Tracker)) {
	for _, k := range []string{"github", "gitlab"} {
		t.Run(k, func(t *testing.T) {
			fk := newFake(t, k, ghglSecret)
			f(t, fk, fk.tracker(t))
		})
	}
}

func mustSync(t *testing.T, tr Tracker, r *report.Report) Summary {
	t.Helper()
	s, err := Sync(context.Background(), tr, syncRepo, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Errors) > 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	return s
}

// syncIssue is a tracker-neutral view of one ticket held by a fake: Body
// is the raw text that carries the fingerprint marker, Comments the
// comments other than the body.
type syncIssue struct {
	ID       string
	Title    string
	Body     string
	Open     bool
	Comments []string
}

// syncFake is what the scan-level tests need from any of the six fakes.
type syncFake struct {
	tr     Tracker
	secret string
	// snapshot lists the fake's tickets in creation order.
	snapshot func() []syncIssue
	// fail makes every request fail with a server error and returns the
	// status the fake answers.
	fail func() int
	// seedOthers adds n ssdf tickets of another repository (some closed).
	seedOthers func(n int)
	forge      *fakeServer // nil for bugzilla, redmine, mantis, trac
}

func forgeSyncFake(t *testing.T, kind string) syncFake {
	fk := newFake(t, kind, ghglSecret)
	tr := fk.tracker(t)
	return syncFake{tr: tr, secret: ghglSecret, forge: fk,
		snapshot: func() []syncIssue {
			var out []syncIssue
			for _, is := range fk.snapshot() {
				out = append(out, syncIssue{ID: strconv.Itoa(is.N), Title: is.Title, Body: is.Body, Open: is.Open, Comments: is.Comments})
			}
			return out
		},
		fail: func() int { fk.mu.Lock(); defer fk.mu.Unlock(); fk.fail5xx, fk.echo = 503, true; return 503 },
		seedOthers: func(n int) {
			fk.mu.Lock()
			defer fk.mu.Unlock()
			for i := range n {
				fk.issues = append(fk.issues, &fakeIssue{N: len(fk.issues) + 1, Title: "other", Body: "x\n" + FingerprintMarker(Fingerprint("other", "c")),
					Open: i%2 == 0, Labels: []string{"ssdf"}, PR: fk.kind == "github" && i == 0})
			}
		}}
}

func legacySyncFake(t *testing.T, mk func(t *testing.T) lgFake) syncFake {
	f := mk(t)
	return syncFake{tr: f.tr, secret: f.secret,
		snapshot: func() []syncIssue {
			f.store.mu.Lock()
			ids := make([]int, 0, len(f.store.issues))
			raw := map[int]syncIssue{}
			for _, is := range f.store.issues {
				ids = append(ids, is.ID)
				si := syncIssue{ID: strconv.Itoa(is.ID), Title: is.Title, Body: is.Desc}
				for _, c := range is.Comments {
					if strings.Contains(c, "ssdf:fingerprint") { // Bugzilla keeps the body in comments
						si.Body = c
						continue
					}
					si.Comments = append(si.Comments, c)
				}
				raw[is.ID] = si
			}
			f.store.mu.Unlock()
			var out []syncIssue
			for _, id := range ids {
				si := raw[id]
				got, err := f.tr.Get(context.Background(), si.ID)
				if err != nil {
					t.Fatalf("Get(%s): %v", si.ID, err)
				}
				si.Open = got.Open
				out = append(out, si)
			}
			return out
		},
		fail: func() int { f.store.mu.Lock(); defer f.store.mu.Unlock(); f.store.fail = true; return 500 },
		seedOthers: func(n int) {
			for i := range n {
				f.seed("other", "x", Fingerprint("other", "c"), i%2 == 0)
			}
		}}
}

// allTrackers runs f over the six trackers, each through its fake, and
// over a real Redmine.
func allTrackers(t *testing.T, f func(t *testing.T, sf syncFake)) {
	for _, c := range []struct {
		kind string
		mk   func(t *testing.T) syncFake
	}{
		{"github", func(t *testing.T) syncFake { return forgeSyncFake(t, "github") }},
		{"gitlab", func(t *testing.T) syncFake { return forgeSyncFake(t, "gitlab") }},
		{"bugzilla", func(t *testing.T) syncFake { return legacySyncFake(t, newBugzillaFake) }},
		{"redmine", func(t *testing.T) syncFake { return legacySyncFake(t, newRedmineFake) }},
		{"mantis", func(t *testing.T) syncFake { return legacySyncFake(t, newMantisFake) }},
		{"trac", func(t *testing.T) syncFake { return legacySyncFake(t, newTracFake) }},
		// A real Redmine, where one is configured (CI starts one).
		{"redmine-real", realRedmineSyncFake},
	} {
		t.Run(c.kind, func(t *testing.T) { f(t, c.mk(t)) })
	}
}

// checkNoRewrite: a scan with an unchanged report does nothing.
func checkNoRewrite(t *testing.T, sf syncFake, s Summary, n int) {
	t.Helper()
	if len(s.Opened)+len(s.Closed)+len(s.Reopened)+len(s.Updated) != 0 {
		t.Fatalf("unchanged report changed tickets (%d failing): %v", n, s)
	}
}

func hasComment(cs []string, sub string) bool {
	for _, c := range cs {
		if strings.Contains(c, sub) {
			return true
		}
	}
	return false
}

func TestLifecycle(t *testing.T) {
	allTrackers(t, func(t *testing.T, sf syncFake) {
		ctx := context.Background()
		tr := sf.tr
		fp := Fingerprint(syncRepo, "codeowners-present")
		// Open: one ticket per failing required check; unknown, n/a,
		// waived and a failing optional check open nothing.
		s := mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "unknown", "sbom-generated": "waived", "optional-one": "fail"},
			report.Finding{Message: "no CODEOWNERS", Path: ".github/CODEOWNERS", Line: 1}))
		if len(s.Opened) != 1 || s.Opened[0] != "codeowners-present" {
			t.Fatalf("opened %v", s)
		}
		is := sf.snapshot()
		if len(is) != 1 || !is[0].Open || !strings.Contains(is[0].Body, FingerprintMarker(fp)) ||
			!strings.Contains(is[0].Body, "`.github/CODEOWNERS:1`: no CODEOWNERS") || !strings.Contains(is[0].Title, "codeowners-present") {
			t.Fatalf("issue %+v", is)
		}
		if sf.forge != nil {
			if l := sf.forge.snapshot()[0].Labels; len(l) == 0 || l[0] != "ssdf" {
				t.Errorf("labels %v", l)
			}
		}
		id := is[0].ID
		// Update: other findings rewrite the body.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail"}, report.Finding{Message: "CODEOWNERS is empty", Path: "CODEOWNERS", Line: 3}))
		if len(s.Updated) != 1 || len(s.Opened) != 0 {
			t.Fatalf("update: %v", s)
		}
		if is = sf.snapshot(); len(is) != 1 || !strings.Contains(is[0].Body, "CODEOWNERS is empty") || strings.Count(is[0].Body, "ssdf:fingerprint") != 1 {
			t.Fatalf("after update %+v", is)
		}
		// An unchanged failure is not rewritten.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail"}, report.Finding{Message: "CODEOWNERS is empty", Path: "CODEOWNERS", Line: 3}))
		checkNoRewrite(t, sf, s, 1)
		// Close on pass, with a comment.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "pass"}))
		if len(s.Closed) != 1 {
			t.Fatalf("close: %v", s)
		}
		if is = sf.snapshot(); len(is) != 1 || is[0].Open || !hasComment(is[0].Comments, "passes") {
			t.Fatalf("after close %+v", is)
		}
		// A pass again does nothing; unknown leaves the closed ticket alone.
		if s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "pass"})); s.String() != "0 opened, 0 updated, 0 closed, 0 reopened, 0 errors" {
			t.Fatal(s)
		}
		mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "unknown"}))
		if is = sf.snapshot(); is[0].Open {
			t.Fatalf("unknown reopened %+v", is)
		}
		// Reopen on regression: the same ticket, not a new one.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail"}))
		if len(s.Reopened) != 1 || len(s.Opened) != 0 {
			t.Fatalf("reopen: %v", s)
		}
		if is = sf.snapshot(); len(is) != 1 || is[0].ID != id || !is[0].Open || !hasComment(is[0].Comments, "regression") {
			t.Fatalf("after reopen %+v", is)
		}
		// Find and Get agree.
		found, err := tr.Find(ctx, fp)
		if err != nil || found == nil || found.ID != id || !found.Open {
			t.Fatalf("Find: %+v %v", found, err)
		}
		got, err := tr.Get(ctx, id)
		if err != nil || got.Fingerprint != fp || !got.Open || got.Approved {
			t.Fatalf("Get: %+v %v", got, err)
		}
	})
}

func TestNoDuplicateAfterTenScans(t *testing.T) {
	allTrackers(t, func(t *testing.T, sf syncFake) {
		// Pagination is exercised.
		if sf.forge != nil {
			sf.forge.perPage = 2
		} else {
			old := legacyPageSize
			legacyPageSize = 2
			t.Cleanup(func() { legacyPageSize = old })
		}
		// Other ssdf tickets (and, on GitHub, a pull request) fill pages.
		sf.seedOthers(5)
		r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "fail"})
		for i := range 10 {
			s := mustSync(t, sf.tr, r)
			if i == 0 && len(s.Opened) != 2 {
				t.Fatalf("scan 0: %v", s)
			}
			if i > 0 {
				checkNoRewrite(t, sf, s, 2)
			}
		}
		n := map[string]int{}
		all := sf.snapshot()
		for _, is := range all {
			for _, c := range []string{"codeowners-present", "branch-protection"} {
				if strings.Contains(is.Body, FingerprintMarker(Fingerprint(syncRepo, c))) {
					n[c]++
				}
			}
		}
		for _, c := range []string{"codeowners-present", "branch-protection"} {
			if n[c] != 1 {
				t.Errorf("%s: %d tickets", c, n[c])
			}
		}
		if len(all) != 7 {
			t.Errorf("%d tickets, want 7", len(all))
		}
	})
}

func TestServerErrorReportedPerCheck(t *testing.T) {
	allTrackers(t, func(t *testing.T, sf syncFake) {
		status := sf.fail()
		r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "pass"})
		before := r.Failed(false)
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Sync(context.Background(), sf.tr, syncRepo, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Errors) != 2 || s.Errors[0].Check != "codeowners-present" || s.Errors[1].Check != "branch-protection" {
			t.Fatalf("%v", s)
		}
		if len(s.Opened)+len(s.Updated)+len(s.Closed)+len(s.Reopened) != 0 {
			t.Errorf("actions despite errors: %v", s)
		}
		if sf.forge != nil {
			var ae *APIError
			if !errors.As(s.Errors[0].Err, &ae) || ae.Status != status {
				t.Fatalf("%v", s.Errors[0].Err)
			}
			if sf.forge.requests < 8 { // the transport retried (4 attempts per request)
				t.Errorf("%d requests: no retries?", sf.forge.requests)
			}
		}
		if r.Failed(false) != before || r.Results[0].Status != "fail" {
			t.Error("Sync changed the report")
		}
		if js2, _ := json.Marshal(r); string(js2) != string(js) {
			t.Errorf("Sync changed the report JSON:\n%s\n%s", js, js2)
		}
		if msg := s.String(); strings.Contains(msg, sf.secret) || !strings.Contains(msg, "2 errors") || !strings.Contains(msg, strconv.Itoa(status)) {
			t.Errorf("summary %q", msg)
		}
		for _, e := range s.Errors {
			if strings.Contains(e.Error(), sf.secret) || errors.Is(e.Err, ErrNotFound) {
				t.Errorf("error %q", e)
			}
		}
	})
}

func TestCredentialsNeverPrinted(t *testing.T) {
	forgeKinds(t, func(t *testing.T, fk *fakeServer, tr Tracker) {
		ctx := context.Background()
		// A refused token: the 401 message is returned, not the token.
		bad := newFake(t, fk.kind, "other-token")
		tr2 := bad.tracker(t)
		bad.token = "something-else"
		_, err := tr2.Find(ctx, "x")
		if err == nil || strings.Contains(err.Error(), ghglSecret) || !strings.Contains(err.Error(), "401") {
			t.Fatalf("%v", err)
		}
		// An echoing server.
		fk.fail5xx, fk.echo = 500, true
		for _, err := range []error{
			func() error { _, err := tr.Find(ctx, "x"); return err }(),
			func() error { _, err := tr.Get(ctx, "3"); return err }(),
			tr.Close(ctx, "1", "c"),
		} {
			if err == nil || strings.Contains(err.Error(), ghglSecret) || !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("%v", err)
			}
		}
	})
}

func TestGetRefsAndNotFound(t *testing.T) {
	forgeKinds(t, func(t *testing.T, fk *fakeServer, tr Tracker) {
		ctx := context.Background()
		fk.issues = append(fk.issues, &fakeIssue{N: 1, Title: "exception", Body: "ok", Open: false, Labels: []string{"ssdf", "approved"}})
		ref := "https://github.com/acme/widget/issues/1"
		if fk.kind == "gitlab" {
			ref = "https://gitlab.com/acme/widget/-/issues/1"
		}
		for _, r := range []string{"1", "#1", ref} {
			got, err := tr.Get(ctx, r)
			if err != nil || got.ID != "1" || got.Open || !got.Approved || got.Title != "exception" {
				t.Errorf("Get(%q) = %+v, %v", r, got, err)
			}
		}
		if _, err := tr.Get(ctx, "99"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(99): %v", err)
		}
		if _, err := tr.Get(ctx, "nonsense"); err == nil {
			t.Error("Get(nonsense): no error")
		}
	})
}

func TestFromPolicy(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"GITHUB_TOKEN": ghglSecret, "GITLAB_TOKEN": ghglSecret}[k]
	}
	for _, c := range []struct{ kind, url, project, api, err string }{
		{"github", "", "acme/widget", "https://api.github.com", ""},
		{"github", "https://github.com", "acme/widget", "https://api.github.com", ""},
		{"github", "https://ghe.example.com/", "acme/widget", "https://ghe.example.com/api/v3", ""},
		{"gitlab", "", "acme/widget", "https://gitlab.com/api/v4", ""},
		{"gitlab", "https://gitlab.example.com", "g/s/p", "https://gitlab.example.com/api/v4", ""},
		{"github", "", "widget", "", "owner/name"},
		{"github", "https://u:p@ghe.example.com", "a/b", "", "credentials"},
		{"redmine", "https://u:p@redmine.example.com", "p", "", "credentials"},
		{"jira", "", "", "", "want one of"},
	} {
		tr, err := FromPolicy(c.kind, c.url, c.project, env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v", c, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c, err)
			continue
		}
		var base string
		switch x := tr.(type) {
		case *GitHub:
			base = x.api.base
		case *GitLab:
			base = x.api.base
		}
		if tr.Kind() != c.kind || base != c.api {
			t.Errorf("%v: %s %s", c, tr.Kind(), base)
		}
	}
}

func TestMarker(t *testing.T) {
	b := withMarker("hello\n", "abc")
	if b != "hello\n\n<!-- ssdf:fingerprint=abc -->\n" {
		t.Fatalf("%q", b)
	}
	if body, fp := splitMarker(withMarker(b, "abc")); body != "hello" || fp != "abc" {
		t.Fatalf("%q %q", body, fp)
	}
	if len(Fingerprint("r", "c")) != 32 {
		t.Fatal("fingerprint length")
	}
}
