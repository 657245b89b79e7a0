package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func res(id string, required bool, status string) report.Result {
	return report.Result{Check: id, Required: required, Status: status}
}

func TestTaskStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		results []report.Result
		want    string
	}{
		{"fail wins", []report.Result{res("a", true, "pass"), res("b", true, "unknown"), res("c", true, "fail")}, "fail"},
		{"unknown next", []report.Result{res("a", true, "pass"), res("b", true, "unknown")}, "unknown"},
		{"waived counts as pass", []report.Result{res("a", true, "waived"), res("b", true, "not-applicable")}, "pass"},
		{"advisory failure ignored", []report.Result{res("a", false, "fail"), res("b", true, "pass")}, "pass"},
		{"advisory only", []report.Result{res("a", false, "pass")}, "not-applicable"},
		{"all n/a", []report.Result{res("a", true, "not-applicable")}, "not-applicable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			for _, r := range tc.results {
				ids = append(ids, r.Check)
			}
			if got := TaskStatus(tc.results, ids); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	mk := func(id, task string, s check.Status) *check.Check {
		return &check.Check{ID: id, Title: id, Tasks: []string{task}, Sources: []check.Source{check.Files}, Doc: "d", Remediation: "r",
			Run: func(*check.Pass) check.Result {
				return check.Result{Status: s, Reason: "because", Findings: []check.Finding{{Message: "m", Path: "b", Line: 2}, {Message: "m", Path: "a", Line: 9}}}
			}}
	}
	snap := &snapshot.Snapshot{Target: snapshot.Target{Kind: "repository", Path: ".", Forge: "github"}}
	now := time.Date(2026, 11, 26, 12, 0, 0, 5, time.UTC)
	r := Evaluate(context.Background(), snap, policy.Default(),
		[]*check.Check{mk("zz-last", "PO.4.1", check.Passed), mk("aa-first", "PO.2.1", check.Failed)}, now, "1.2.3")
	if r.Schema != report.Schema || r.Tool.Version != "1.2.3" || !r.GeneratedAt.Equal(now.Truncate(time.Second)) {
		t.Errorf("header: %+v %+v", r.Schema, r.GeneratedAt)
	}
	if r.Results[0].Check != "aa-first" || r.Results[1].Check != "zz-last" {
		t.Errorf("results not sorted: %s, %s", r.Results[0].Check, r.Results[1].Check)
	}
	if f := r.Results[0].Findings; f[0].Path != "a" || f[1].Path != "b" {
		t.Errorf("findings not sorted: %+v", f)
	}
	if len(r.Tasks) != 2 || r.Tasks[0].ID != "PO.2.1" || r.Tasks[0].Status != "fail" || r.Tasks[1].Status != "pass" {
		t.Errorf("tasks: %+v", r.Tasks)
	}
	if r.Summary != (report.Summary{Pass: 1, Fail: 1}) {
		t.Errorf("summary: %+v", r.Summary)
	}
	if r.Policy.Source != "default" || r.Policy.Digest != policy.DefaultDigest() {
		t.Errorf("policy: %+v", r.Policy)
	}
	if !r.Failed(false) {
		t.Error("a failed required check must fail the scan")
	}
}

func TestCollectErrors(t *testing.T) {
	_, _, err := Collect(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{})
	if !errors.Is(err, ErrTarget) {
		t.Errorf("missing dir: %v, want ErrTarget", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte("version: 1\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = Collect(context.Background(), dir, Options{GitEnv: []string{"HOME=" + dir}})
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Key != "bogus" {
		t.Errorf("policy error = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".ssdf.yaml"), []byte("version: 1\nreviewPeriodDays: 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, pol, err := Collect(context.Background(), dir, Options{GitEnv: []string{"HOME=" + dir}})
	if err != nil || pol.ReviewPeriodDays != 90 || snap.Policy == nil || snap.Policy.Source != ".ssdf.yaml" {
		t.Fatalf("policy not loaded: %v %+v", err, snap.Policy)
	}
	// The snapshot carries the policy, so --from-raw evaluates the same one.
	again, err := PolicyOf(snap)
	if err != nil || again.ReviewPeriodDays != 90 {
		t.Errorf("PolicyOf: %v %+v", err, again)
	}
}
