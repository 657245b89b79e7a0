package tracker

// The Redmine adapter against a real Redmine (Debian's package, started on
// loopback by .ci/run through .ci/redmine); internal/redminetest gives
// each test its own project and non-admin member. Without a configured
// server these tests skip, saying so; in CI they must run.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/redminetest"
)

// failingTransport answers 500, echoing the request's API key in the
// body, while failing is set — a tracker outage in front of the real one.
type failingTransport struct {
	failing atomic.Bool
	next    http.RoundTripper
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.failing.Load() {
		body := "Internal error for key " + r.Header.Get("X-Redmine-API-Key")
		return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Body: io.NopCloser(strings.NewReader(body)),
			Header: http.Header{"Content-Type": {"text/plain"}}, Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

// realRedmineSyncFake is the real Redmine as one of allTrackers' trackers.
func realRedmineSyncFake(t *testing.T) syncFake {
	e := redminetest.New(t, "Developer")
	ft := &failingTransport{next: http.DefaultTransport}
	tr := NewRedmine(e.URL, e.Project, e.UserKey, &http.Client{Transport: ft, Timeout: time.Minute})
	return syncFake{tr: tr, secret: e.UserKey,
		snapshot: func() []syncIssue {
			var out []syncIssue
			for _, is := range e.Issues() {
				si := syncIssue{ID: strconv.Itoa(is.ID), Title: is.Subject, Body: is.Description, Open: !e.Closed(is)}
				for _, j := range is.Journals {
					if j.Notes != "" {
						si.Comments = append(si.Comments, j.Notes)
					}
				}
				out = append(out, si)
			}
			return out
		},
		fail: func() int { ft.failing.Store(true); return 500 },
		seedOthers: func(n int) {
			for i := range n {
				id := e.CreateIssue(rmPrefix+"other", withMarker("x", Fingerprint("other", "c")))
				if i%2 != 0 {
					e.SetStatus(id, "Closed", "")
				}
			}
		}}
}

// TestRedmineReal: what the scan-level suite (allTrackers) cannot show —
// references, approval set by a person, refusals — on a real server.
func TestRedmineReal(t *testing.T) {
	ctx := context.Background()
	e := redminetest.New(t, "Developer")
	client := &http.Client{Timeout: time.Minute}
	tr := NewRedmine(e.URL, e.Project, e.UserKey, client)

	c, err := tr.Create(ctx, Ticket{Title: "exception: branch-protection", Body: "Why: legacy release branch.", Fingerprint: "fp-real-1"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.Atoi(c.ID)
	t.Run("references", func(t *testing.T) {
		for _, ref := range []string{c.ID, "#" + c.ID, e.URL + "/issues/" + c.ID, e.URL + "/issues/" + c.ID + ".json"} {
			got, err := tr.Get(ctx, ref)
			if err != nil || got.ID != c.ID || got.Fingerprint != "fp-real-1" || !got.Open || got.Approved || got.Status != "New" {
				t.Errorf("Get(%q) = %+v, %v", ref, got, err)
			}
		}
		if _, err := tr.Get(ctx, "99999999"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(missing) = %v, want ErrNotFound", err)
		}
	})
	t.Run("approval is the Approved status", func(t *testing.T) {
		// A person with the right role approves the exception in Redmine.
		e.SetStatus(id, "Approved", "Approved by the security lead.")
		got, err := tr.Get(ctx, c.ID)
		if err != nil || !got.Approved || !got.Open || got.Status != "Approved" {
			t.Fatalf("after approval: %+v, %v", got, err)
		}
		e.SetStatus(id, "Rejected", "")
		if got, err = tr.Get(ctx, c.ID); err != nil || got.Approved || got.Open {
			t.Fatalf("after rejection: %+v, %v", got, err)
		}
	})
	t.Run("Find ignores other projects and non-ssdf issues", func(t *testing.T) {
		other := redminetest.New(t, "Developer")
		other.CreateIssue(rmPrefix+"elsewhere", withMarker("x", "fp-real-2"))
		e.CreateIssue("no prefix", withMarker("x", "fp-real-2"))
		if got, err := tr.Find(ctx, "fp-real-2"); err != nil || got != nil {
			t.Fatalf("Find = %+v, %v; want none", got, err)
		}
	})
	t.Run("an unknown key is refused, not anonymous", func(t *testing.T) {
		const wrong = "0123456789abcdef0123456789abcdef01234567"
		bad := NewRedmine(e.URL, e.Project, wrong, client)
		for _, err := range []error{
			func() error { _, err := bad.Find(ctx, "fp-real-1"); return err }(),
			func() error { _, err := bad.Get(ctx, c.ID); return err }(),
			func() error {
				_, err := bad.Create(ctx, Ticket{Title: "x", Body: "y", Fingerprint: "z"})
				return err
			}(),
		} {
			if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), wrong) {
				t.Errorf("with an unknown key: %v", err)
			}
		}
	})
	t.Run("an unknown project is an error, not 'no ticket'", func(t *testing.T) {
		nope := NewRedmine(e.URL, e.Project+"-missing", e.UserKey, client)
		_, err := nope.Find(ctx, "fp-real-1")
		if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("Find in a missing project = %v", err)
		}
	})
	t.Run("a status change the workflow forbids is an error", func(t *testing.T) {
		stuck := redminetest.New(t, "ssdf-test-no-workflow")
		str := NewRedmine(stuck.URL, stuck.Project, stuck.UserKey, client)
		tk, err := str.Create(ctx, Ticket{Title: "t", Body: "b", Fingerprint: "fp-real-3"})
		if err != nil {
			t.Fatal(err)
		}
		err = str.Close(ctx, tk.ID, "passes now")
		if err == nil || !strings.Contains(err.Error(), "workflow") {
			t.Fatalf("Close without a workflow = %v, want an error", err)
		}
		if got, err := str.Get(ctx, tk.ID); err != nil || !got.Open {
			t.Fatalf("after refused Close: %+v, %v", got, err)
		}
	})
}

// TestRedmineRealFromPolicy: the path a scan takes — FromPolicy with the
// key in SSDF_TRACKER_TOKEN and the shared transport — reads and writes.
func TestRedmineRealFromPolicy(t *testing.T) {
	e := redminetest.New(t, "Developer")
	tr, err := FromPolicy("redmine", e.URL+"/", e.Project, func(k string) string {
		if k == "SSDF_TRACKER_TOKEN" {
			return e.UserKey
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	r := syncReport(map[string]string{"codeowners-present": "fail", "branch-protection": "pass"})
	s, err := Sync(context.Background(), tr, syncRepo, r)
	if err != nil || len(s.Errors) != 0 || len(s.Opened) != 1 {
		t.Fatalf("Sync = %v, %v", s, err)
	}
	if is := e.Issues(); len(is) != 1 || !strings.HasPrefix(is[0].Subject, rmPrefix) ||
		!strings.Contains(is[0].Description, FingerprintMarker(Fingerprint(syncRepo, "codeowners-present"))) {
		t.Fatalf("issues = %+v", is)
	}
}
