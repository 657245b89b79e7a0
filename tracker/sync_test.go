package tracker

import (
	"context"
	"errors"
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

func TestLifecycle(t *testing.T) {
	forgeKinds(t, func(t *testing.T, fk *fakeServer, tr Tracker) {
		ctx := context.Background()
		// Open: one ticket per failing required check; unknown, n/a,
		// waived and a failing optional check open nothing.
		s := mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "unknown", "sbom-generated": "waived", "optional-one": "fail"},
			report.Finding{Message: "no CODEOWNERS", Path: ".github/CODEOWNERS", Line: 1}))
		if len(s.Opened) != 1 || s.Opened[0] != "codeowners-present" {
			t.Fatalf("opened %v", s)
		}
		is := fk.snapshot()
		if len(is) != 1 || !is[0].Open || !strings.Contains(is[0].Body, FingerprintMarker(Fingerprint(syncRepo, "codeowners-present"))) ||
			!strings.Contains(is[0].Body, "`.github/CODEOWNERS:1`: no CODEOWNERS") || !strings.Contains(is[0].Title, "codeowners-present") {
			t.Fatalf("issue %+v", is)
		}
		if is[0].Labels[0] != "ssdf" {
			t.Errorf("labels %v", is[0].Labels)
		}
		// Update: other findings rewrite the body.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail"}, report.Finding{Message: "CODEOWNERS is empty", Path: "CODEOWNERS", Line: 3}))
		if len(s.Updated) != 1 || len(s.Opened) != 0 {
			t.Fatalf("update: %v", s)
		}
		if is = fk.snapshot(); len(is) != 1 || !strings.Contains(is[0].Body, "CODEOWNERS is empty") || strings.Count(is[0].Body, "ssdf:fingerprint") != 1 {
			t.Fatalf("after update %+v", is)
		}
		// Close on pass, with a comment.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "pass"}))
		if len(s.Closed) != 1 {
			t.Fatalf("close: %v", s)
		}
		if is = fk.snapshot(); is[0].Open || len(is[0].Comments) != 1 || !strings.Contains(is[0].Comments[0], "passes") {
			t.Fatalf("after close %+v", is)
		}
		// A pass again does nothing; unknown leaves the closed ticket alone.
		if s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "pass"})); s.String() != "0 opened, 0 updated, 0 closed, 0 reopened, 0 errors" {
			t.Fatal(s)
		}
		mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "unknown"}))
		// Reopen on regression: the same ticket, not a new one.
		s = mustSync(t, tr, syncReport(map[string]string{"codeowners-present": "fail"}))
		if len(s.Reopened) != 1 || len(s.Opened) != 0 {
			t.Fatalf("reopen: %v", s)
		}
		if is = fk.snapshot(); len(is) != 1 || !is[0].Open || !strings.Contains(is[0].Comments[1], "regression") {
			t.Fatalf("after reopen %+v", is)
		}
		// Find and Get agree.
		got, err := tr.Get(ctx, "1")
		if err != nil || got.Fingerprint != Fingerprint(syncRepo, "codeowners-present") || !got.Open || got.Approved {
			t.Fatalf("Get: %+v %v", got, err)
		}
	})
}

func TestNoDuplicateAfterTenScans(t *testing.T) {
	forgeKinds(t, func(t *testing.T, fk *fakeServer, tr Tracker) {
		fk.perPage = 2 // pagination is exercised
		// Other ssdf issues (and, on GitHub, a pull request) fill pages.
		for i := range 5 {
			fk.issues = append(fk.issues, &fakeIssue{N: i + 1, Title: "other", Body: "x\n" + FingerprintMarker(Fingerprint("other", "c")), Open: i%2 == 0, Labels: []string{"ssdf"}, PR: fk.kind == "github" && i == 0})
		}
		r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "fail"})
		for i := range 10 {
			s := mustSync(t, tr, r)
			if i > 0 && (len(s.Opened)+len(s.Updated)+len(s.Reopened)) != 0 {
				t.Fatalf("scan %d: %v", i, s)
			}
		}
		n := map[string]int{}
		for _, is := range fk.snapshot() {
			_, fp := splitMarker(is.Body)
			n[fp]++
		}
		for _, c := range []string{"codeowners-present", "branch-protection"} {
			if n[Fingerprint(syncRepo, c)] != 1 {
				t.Errorf("%s: %d tickets", c, n[Fingerprint(syncRepo, c)])
			}
		}
		if len(fk.snapshot()) != 7 {
			t.Errorf("%d issues, want 7", len(fk.snapshot()))
		}
	})
}

func TestServerErrorReportedPerCheck(t *testing.T) {
	forgeKinds(t, func(t *testing.T, fk *fakeServer, tr Tracker) {
		fk.fail5xx, fk.echo = 503, true
		r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "pass"})
		before := r.Failed(false)
		s, err := Sync(context.Background(), tr, syncRepo, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Errors) != 2 || s.Errors[0].Check != "codeowners-present" {
			t.Fatalf("%v", s)
		}
		var ae *APIError
		if !errors.As(s.Errors[0].Err, &ae) || ae.Status != 503 {
			t.Fatalf("%v", s.Errors[0].Err)
		}
		if fk.requests < 8 { // the transport retried (4 attempts per request)
			t.Errorf("%d requests: no retries?", fk.requests)
		}
		if r.Failed(false) != before || r.Results[0].Status != "fail" {
			t.Error("Sync changed the report")
		}
		if msg := s.String(); strings.Contains(msg, ghglSecret) || !strings.Contains(msg, "2 errors") || !strings.Contains(msg, "503") {
			t.Errorf("summary %q", msg)
		}
		for _, e := range s.Errors {
			if strings.Contains(e.Error(), ghglSecret) {
				t.Errorf("token in %q", e)
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
