package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is accepted so that go test ./report/... -update runs here too; this
// package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

// compactJSON compares raw JSON without its layout: Write indents details.
var compactJSON = cmp.Transformer("compact", func(m json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, m); err != nil {
		return "invalid JSON: " + string(m)
	}
	return buf.String()
})

func readFixture(t *testing.T, name string) (*Report, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return r, data
}

func TestRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r, _ := readFixture(t, filepath.Base(file))
			var buf bytes.Buffer
			if err := Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(buf.Bytes(), []byte("}\n")) {
				t.Errorf("Write output does not end in a newline")
			}
			again, err := Read(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, again, compactJSON); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			// Writing twice gives the same bytes.
			var b1, b2 bytes.Buffer
			if err := Write(&b1, r); err != nil {
				t.Fatal(err)
			}
			if err := Write(&b2, again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
				t.Errorf("Write is not deterministic")
			}
		})
	}
}

func TestWriteDoesNotEscapeHTML(t *testing.T) {
	r := &Report{Schema: Schema, Results: []Result{{Check: "x", Reason: "a <b> & c"}}}
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"a <b> & c"`) {
		t.Errorf("Write escaped HTML characters:\n%s", buf.String())
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"wrong schema", `{"schema": "ssdf.report/v2"}`, `schema "ssdf.report/v2", want "ssdf.report/v1"`},
		{"no schema", `{}`, `schema "", want`},
		{"not JSON", `schema: v1`, "read report: "},
		{"empty", ``, "read report: EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestFailed(t *testing.T) {
	res := func(status string, required bool) Result {
		return Result{Check: status, Status: status, Required: required}
	}
	for _, tc := range []struct {
		name                 string
		results              []Result
		want, wantIfUnknowns bool
	}{
		{"empty", nil, false, false},
		{"all pass", []Result{res(StatusPass, true), res(StatusNotApplicable, true), res(StatusWaived, true)}, false, false},
		{"required fail", []Result{res(StatusPass, true), res(StatusFail, true)}, true, true},
		{"advisory fail", []Result{res(StatusFail, false)}, false, false},
		{"required unknown", []Result{res(StatusUnknown, true)}, false, true},
		{"advisory unknown", []Result{res(StatusUnknown, false)}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Results: tc.results}
			if got := r.Failed(false); got != tc.want {
				t.Errorf("Failed(false) = %v, want %v", got, tc.want)
			}
			if got := r.Failed(true); got != tc.wantIfUnknowns {
				t.Errorf("Failed(true) = %v, want %v", got, tc.wantIfUnknowns)
			}
		})
	}
}

func TestFailedFixtures(t *testing.T) {
	for _, tc := range []struct {
		file                 string
		want, wantIfUnknowns bool
	}{
		{"full.json", true, true},
		{"hostile.json", true, true},
		{"empty.json", false, false},
	} {
		r, _ := readFixture(t, tc.file)
		if got := r.Failed(false); got != tc.want {
			t.Errorf("%s: Failed(false) = %v, want %v", tc.file, got, tc.want)
		}
		if got := r.Failed(true); got != tc.wantIfUnknowns {
			t.Errorf("%s: Failed(true) = %v, want %v", tc.file, got, tc.wantIfUnknowns)
		}
	}
}

func TestStatus(t *testing.T) {
	res := func(status string, required bool) Result {
		return Result{Status: status, Required: required}
	}
	for _, tc := range []struct {
		name    string
		results []Result
		want    string
	}{
		{"empty", nil, StatusNotApplicable},
		{"only not-applicable", []Result{res(StatusNotApplicable, true)}, StatusNotApplicable},
		{"only advisory", []Result{res(StatusPass, false), res(StatusFail, false)}, StatusNotApplicable},
		{"waived counts as pass", []Result{res(StatusWaived, true), res(StatusNotApplicable, true)}, StatusPass},
		{"unknown beats pass", []Result{res(StatusPass, true), res(StatusUnknown, true)}, StatusUnknown},
		{"fail beats unknown", []Result{res(StatusUnknown, true), res(StatusFail, true)}, StatusFail},
		{"strange status is unknown", []Result{res(StatusPass, true), res("maybe", true)}, StatusUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Results: tc.results}
			if got := r.Status(); got != tc.want {
				t.Errorf("Status() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFixturesConsistent keeps the hand-made fixture full.json honest: its
// summary counts its results and its task statuses follow SPEC §2.
func TestFixturesConsistent(t *testing.T) {
	r, _ := readFixture(t, "full.json")
	var got Summary
	for _, res := range r.Results {
		switch res.Status {
		case StatusPass:
			got.Pass++
		case StatusFail:
			got.Fail++
		case StatusUnknown:
			got.Unknown++
		case StatusNotApplicable:
			got.NotApplicable++
		case StatusWaived:
			got.Waived++
		default:
			t.Errorf("result %s: status %q", res.Check, res.Status)
		}
	}
	if diff := cmp.Diff(r.Summary, got); diff != "" {
		t.Errorf("summary (-fixture +counted):\n%s", diff)
	}
	for _, task := range r.Tasks {
		for _, id := range task.Checks {
			if r.Result(id) == nil {
				t.Errorf("task %s names %s, which has no result", task.ID, id)
			}
		}
		sub := &Report{Results: r.TaskResults(task)}
		if want := sub.Status(); task.Status != want {
			t.Errorf("task %s: status %q, SPEC §2 gives %q", task.ID, task.Status, want)
		}
	}
	if u := r.Unassigned(); len(u) != 0 {
		t.Errorf("Unassigned() = %d results, want none", len(u))
	}
}

func TestQueries(t *testing.T) {
	r, _ := readFixture(t, "hostile.json")
	if res := r.Result("codeowners-valid"); res == nil || res.Title == "" {
		t.Errorf("Result(codeowners-valid) = %v", res)
	}
	if res := r.Result("nope"); res != nil {
		t.Errorf("Result(nope) = %v, want nil", res)
	}
	var ids []string
	for _, res := range r.TaskResults(r.Tasks[0]) {
		ids = append(ids, res.Check+" "+res.Status)
	}
	want := []string{"codeowners-valid fail", "missing-check unknown", "weird<check> waived"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("TaskResults (-want +got):\n%s", diff)
	}
	ids = nil
	for _, res := range r.AllResults() {
		ids = append(ids, res.Check)
	}
	want = []string{"codeowners-valid", "pipeline-dangerous-triggers", "weird<check>", "zz-orphan", "zz-orphan-fail", "missing-check"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("AllResults (-want +got):\n%s", diff)
	}
	ids = nil
	for _, res := range r.Unassigned() {
		ids = append(ids, res.Check)
	}
	if diff := cmp.Diff([]string{"zz-orphan", "zz-orphan-fail"}, ids); diff != "" {
		t.Errorf("Unassigned (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		target      Target
		name, short string
	}{
		{Target{Kind: "repository", Path: ".", URL: "https://x/y", Commit: "0123456789abcdef"}, "https://x/y", "0123456789ab"},
		{Target{Kind: "repository", Path: "."}, ".", ""},
		{Target{Kind: "organization", Commit: "abc"}, "organization", "abc"},
	} {
		if got := tc.target.Name(); got != tc.name {
			t.Errorf("%+v.Name() = %q, want %q", tc.target, got, tc.name)
		}
		if got := tc.target.ShortCommit(); got != tc.short {
			t.Errorf("%+v.ShortCommit() = %q, want %q", tc.target, got, tc.short)
		}
	}
}
