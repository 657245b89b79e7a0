package cdevents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ssdf-dev/ssdf/cdevents"
	allchecks "github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/internal/cli"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/report"
)

// schemas compiles the official CDEvents v0.5.1 schemas from the shared
// folder, keyed by event type. Every schema (links included) is added as a
// resource under its $id, and the loader refuses everything else, so no
// $ref is ever fetched from the network.
func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir := sharedtest.Dir(t, "schemas", "cdevents-0.5.1", "schemas")
	c := jsonschema.NewCompiler()
	c.UseLoader(refuseLoader{})
	c.AssertFormat()
	ids := map[string]string{} // file base name → $id
	for _, pat := range []string{"*.json", "links/*.json"} {
		files, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			id, _ := doc.(map[string]any)["$id"].(string)
			if id == "" {
				t.Fatalf("%s: no $id", f)
			}
			if err := c.AddResource(id, doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			ids[strings.TrimSuffix(filepath.Base(f), ".json")] = id
		}
	}
	out := map[string]*jsonschema.Schema{}
	for typ, file := range map[string]string{
		cdevents.TypeTestSuiteRunStarted:  "testsuiterunstarted",
		cdevents.TypeTestSuiteRunFinished: "testsuiterunfinished",
		cdevents.TypeTestCaseRunFinished:  "testcaserunfinished",
	} {
		sch, err := c.Compile(ids[file])
		if err != nil {
			t.Fatalf("compile %s: %v", file, err)
		}
		out[typ] = sch
	}
	return out
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not in the shared folder (network loading is blocked)", url)
}

// validate checks one CDEvent, as JSON, against the schema of its type.
func validate(t *testing.T, sch map[string]*jsonschema.Schema, b []byte) map[string]any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	m := doc.(map[string]any)
	typ, _ := m["context"].(map[string]any)["type"].(string)
	s := sch[typ]
	if s == nil {
		t.Fatalf("event of type %q: no schema", typ)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("event %s does not validate: %v\n%s", typ, err, b)
	}
	var plain map[string]any
	if err := json.Unmarshal(b, &plain); err != nil {
		t.Fatal(err)
	}
	return plain
}

// handReport has a task of every status, a result of every status, and a
// URL target with credentials in it.
func handReport() *report.Report {
	return &report.Report{
		Schema:      report.Schema,
		Tool:        report.Tool{Name: "ssdf", Version: "0.1.0"},
		GeneratedAt: time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC),
		Target:      report.Target{Kind: "repository", URL: "https://bob:hunter2@github.com/acme/widget?token=abc", Forge: "github", Commit: strings.Repeat("a", 40)},
		Policy:      report.Policy{Source: "(default)", Digest: "sha256:00"},
		Summary:     report.Summary{Pass: 1, Fail: 1, Unknown: 1, NotApplicable: 1, Waived: 1},
		Tasks: []report.Task{
			{ID: "PO.1.1", Title: "one", Status: "pass", Checks: []string{"a", "w"}},
			{ID: "PO.2.1", Title: "two", Status: "fail", Checks: []string{"b"}},
			{ID: "PO.3.1", Title: "three", Status: "unknown", Checks: []string{"c", "missing"}},
			{ID: "PO.5.1", Title: "five", Status: "not-applicable", Checks: []string{"d"}},
		},
		Results: []report.Result{
			{Check: "a", Tasks: []string{"PO.1.1"}, Required: true, Status: "pass", Reason: "ok", Findings: []report.Finding{}},
			{Check: "w", Tasks: []string{"PO.1.1"}, Required: true, Status: "waived", Reason: "waived", Findings: []report.Finding{}},
			{Check: "b", Tasks: []string{"PO.2.1"}, Required: true, Status: "fail", Reason: "no", Findings: []report.Finding{}},
			{Check: "c", Tasks: []string{"PO.3.1"}, Required: true, Status: "unknown", Reason: "?", Findings: []report.Finding{}},
			{Check: "d", Tasks: []string{"PO.5.1"}, Required: true, Status: "not-applicable", Reason: "n/a", Findings: []report.Finding{}},
		},
	}
}

// scanReport scans a small checkout with every check and returns the JSON
// report.
func scanReport(t *testing.T) *report.Report {
	t.Helper()
	code, out, errs := runScan(t, testCheckout(t))
	if code != clienv.ExitOK && code != clienv.ExitFailed {
		t.Fatalf("scan exit %d: %s", code, errs)
	}
	rep, err := report.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tasks) == 0 {
		t.Fatal("the scan reported no task")
	}
	return rep
}

func testCheckout(t *testing.T) string {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"README.md":          "hello\n",
		".github/CODEOWNERS": "* @acme/maintainers\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runScan(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &clienv.Env{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
		Dir:    dir, Checks: allchecks.List, Version: "test",
		Environ: []string{"HOME=" + dir, "GIT_CONFIG_GLOBAL=" + filepath.Join(dir, ".gitconfig-none"), "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH")},
	}
	code := cli.Run(context.Background(), env, append([]string{"scan", "--format", "json"}, args...))
	return code, out.String(), errb.String()
}

func TestEventsValidate(t *testing.T) {
	sch := schemas(t)
	for name, rep := range map[string]*report.Report{"hand": handReport(), "scan": scanReport(t)} {
		t.Run(name, func(t *testing.T) {
			events, err := cdevents.Events(rep)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != len(rep.Tasks)+2 {
				t.Fatalf("%d events for %d tasks", len(events), len(rep.Tasks))
			}
			digest, err := cdevents.Digest(rep)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for i, ev := range events {
				b, err := json.Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				m := validate(t, sch, b)
				ctx := m["context"].(map[string]any)
				want := cdevents.TypeTestCaseRunFinished
				switch i {
				case 0:
					want = cdevents.TypeTestSuiteRunStarted
				case len(events) - 1:
					want = cdevents.TypeTestSuiteRunFinished
				}
				if ctx["type"] != want || ctx["specversion"] != "0.5.1" {
					t.Errorf("event %d: type %v specversion %v, want %s 0.5.1", i, ctx["type"], ctx["specversion"], want)
				}
				if ctx["timestamp"] != rep.GeneratedAt.UTC().Format(time.RFC3339Nano) {
					t.Errorf("event %d: timestamp %v, want the report's generatedAt %s", i, ctx["timestamp"], rep.GeneratedAt)
				}
				id := ctx["id"].(string)
				if seen[id] || len(id) != 36 || id[14] != '4' {
					t.Errorf("event %d: id %q is not a fresh UUID v4", i, id)
				}
				seen[id] = true
				if !strings.HasPrefix(ctx["source"].(string), "ssdf/") {
					t.Errorf("event %d: source %v", i, ctx["source"])
				}
				if strings.Contains(string(b), "hunter2") || strings.Contains(string(b), "token=abc") {
					t.Errorf("event %d carries the target's credentials: %s", i, b)
				}
				if d := m["customData"].(map[string]any)["reportDigest"]; d != digest {
					t.Errorf("event %d: reportDigest %v, want %s", i, d, digest)
				}
				if want == cdevents.TypeTestCaseRunFinished {
					task := rep.Tasks[i-1]
					cd := m["customData"].(map[string]any)
					if cd["task"] != task.ID || cd["status"] != task.Status || len(cd["checks"].([]any)) != len(task.Checks) {
						t.Errorf("event %d: customData %v for task %+v", i, cd, task)
					}
				}
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	events, err := cdevents.Events(handReport())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"success", "failure", "error", "success"}
	for i, w := range want {
		c := events[i+1].Subject.Content.(*cdevents.CaseFinished)
		if c.Outcome != w {
			t.Errorf("task %s: outcome %s, want %s", c.TestCase.ID, c.Outcome, w)
		}
	}
	if got := events[len(events)-1].Subject.Content.(*cdevents.SuiteFinished).Outcome; got != "failure" {
		t.Errorf("suite outcome %s, want failure", got)
	}
	if got := events[0].Context.Source; got != "ssdf/github.com/acme/widget" {
		t.Errorf("source %q", got)
	}
	if got := cdevents.Outcome("something-new"); got != "error" {
		t.Errorf("unknown status → %s, want error", got)
	}
}

// sink is an httptest CloudEvents receiver that records the requests.
type sink struct {
	mu       sync.Mutex
	reqs     []*http.Request
	bodies   [][]byte
	statuses []int // answered in turn; then 200
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.bodies = append(s.bodies, b)
	code := http.StatusOK
	if len(s.statuses) > 0 {
		code, s.statuses = s.statuses[0], s.statuses[1:]
	}
	s.mu.Unlock()
	w.WriteHeader(code)
}

func fastRetries(t *testing.T) {
	old := cdevents.SetBackoff(func(int) time.Duration { return time.Millisecond })
	t.Cleanup(func() { cdevents.SetBackoff(old) })
}

func TestSendHeaders(t *testing.T) {
	sch := schemas(t)
	rep := handReport()
	events, err := cdevents.Events(rep)
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if err := cdevents.Send(context.Background(), srv.URL, events, srv.Client()); err != nil {
		t.Fatal(err)
	}
	if len(s.reqs) != 2+len(rep.Tasks) {
		t.Fatalf("sink got %d events, want %d", len(s.reqs), 2+len(rep.Tasks))
	}
	for i, r := range s.reqs {
		ev := events[i]
		h := r.Header
		if r.Method != http.MethodPost || h.Get("ce-specversion") != "1.0" || h.Get("ce-type") != ev.Context.Type ||
			h.Get("ce-id") != ev.Context.ID || h.Get("ce-source") != ev.Context.Source || h.Get("ce-time") == "" {
			t.Errorf("request %d: %s headers %v, want the CloudEvents attributes of %+v", i, r.Method, h, ev.Context)
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("request %d: Content-Type %q", i, ct)
		}
		m := validate(t, sch, s.bodies[i])
		if m["context"].(map[string]any)["id"] != ev.Context.ID {
			t.Errorf("request %d: body is not event %d", i, i)
		}
	}
}

func TestSendRetries(t *testing.T) {
	fastRetries(t)
	events, err := cdevents.Events(handReport())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("503 then 200", func(t *testing.T) {
		s := &sink{statuses: []int{503}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		if err := cdevents.Send(context.Background(), srv.URL, events[:1], nil); err != nil {
			t.Fatal(err)
		}
		if len(s.reqs) != 2 || s.reqs[0].Header.Get("ce-id") != s.reqs[1].Header.Get("ce-id") {
			t.Fatalf("%d requests, want the event sent twice", len(s.reqs))
		}
	})
	t.Run("always 500", func(t *testing.T) {
		s := &sink{statuses: []int{500, 500, 500, 500, 500}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		err := cdevents.Send(context.Background(), srv.URL, events, nil)
		if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("err = %v", err)
		}
		if len(s.reqs) != cdevents.Attempts {
			t.Fatalf("%d requests, want %d (bounded retries, then stop)", len(s.reqs), cdevents.Attempts)
		}
	})
	t.Run("400 is not retried", func(t *testing.T) {
		s := &sink{statuses: []int{400}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		if err := cdevents.Send(context.Background(), srv.URL, events, nil); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
			t.Fatalf("err = %v", err)
		}
		if len(s.reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(s.reqs))
		}
	})
}

// deadURL is an http URL on 127.0.0.1 whose port nobody listens on.
func deadURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestScanSink(t *testing.T) {
	dir := testCheckout(t)
	s := &sink{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	code, out, errs := runScan(t, dir, "--cdevents-sink", srv.URL+"/events")
	rep, err := report.Read(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	if len(s.reqs) != 2+len(rep.Tasks) {
		t.Fatalf("sink got %d events, want %d; stderr: %s", len(s.reqs), 2+len(rep.Tasks), errs)
	}
	wantCode := clienv.ExitOK
	if rep.Failed(false) {
		wantCode = clienv.ExitFailed
	}
	if code != wantCode {
		t.Errorf("exit %d, want %d", code, wantCode)
	}
	digest, _ := cdevents.Digest(rep)
	if !bytes.Contains(s.bodies[1], []byte(digest)) {
		t.Errorf("the events do not carry the report digest %s", digest)
	}
}

func TestScanDeadSink(t *testing.T) {
	fastRetries(t)
	dir := testCheckout(t)
	base, _, _ := runScan(t, dir)
	dead := deadURL(t)
	withCreds := strings.Replace(dead, "http://", "http://alice:s3cretpw@", 1) + "/hook?token=t0ken"
	code, out, errs := runScan(t, dir, "--cdevents-sink", withCreds)
	if code != base {
		t.Errorf("exit %d with a dead sink, %d without", code, base)
	}
	if _, err := report.Read(strings.NewReader(out)); err != nil {
		t.Errorf("no report with a dead sink: %v", err)
	}
	host := strings.TrimPrefix(dead, "http://")
	if !strings.Contains(errs, host+"/hook") || !strings.Contains(errs, "not delivered") {
		t.Errorf("stderr does not name the sink %s: %q", host, errs)
	}
	for _, secret := range []string{"alice", "s3cretpw", "t0ken"} {
		if strings.Contains(errs, secret) {
			t.Errorf("stderr leaks %q: %q", secret, errs)
		}
	}
}

func TestScanBadSink(t *testing.T) {
	code, _, errs := runScan(t, testCheckout(t), "--cdevents-sink", "ftp://example.org/x")
	if code != clienv.ExitUsage || !strings.Contains(errs, "--cdevents-sink") {
		t.Errorf("exit %d, stderr %q; want a usage error", code, errs)
	}
}

// TestSchemasReject makes sure the validation above is not vacuous: the
// schemas refuse an outcome CDEvents does not know and a wrong type version.
func TestSchemasReject(t *testing.T) {
	sch := schemas(t)
	events, err := cdevents.Events(handReport())
	if err != nil {
		t.Fatal(err)
	}
	ev := events[1]
	c := *ev.Subject.Content.(*cdevents.CaseFinished)
	c.Outcome = "pass"
	ev.Subject.Content = &c
	b, _ := json.Marshal(ev)
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if sch[cdevents.TypeTestCaseRunFinished].Validate(doc) == nil {
		t.Error("outcome \"pass\" validated")
	}
	ev = events[0]
	ev.Context.Type = "dev.cdevents.testsuiterun.started.0.2.0"
	b, _ = json.Marshal(ev)
	doc, _ = jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if sch[cdevents.TypeTestSuiteRunStarted].Validate(doc) == nil {
		t.Error("type version 0.2.0 validated")
	}
}
