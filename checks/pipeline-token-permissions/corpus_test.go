package pipelinetokenpermissions

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCorpus(t *testing.T) {
	results := map[string]check.Result{}
	for repo, tr := range sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "tekton") {
		out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: tr}, policy.Default(), checktest.DefaultNow)
		if out[0].Result.Status == check.Unknown {
			t.Errorf("%s: unknown: %s", repo, out[0].Result.Reason)
		}
		results[repo] = out[0].Result
	}
	want := map[string][]string{
		// cli/cli: the triage workflow (issues, pull_request_target) sets
		// no permissions anywhere; deployment.yml sets them.
		"cli/cli": {"fail", ".github/workflows/triage.yml:3 no top-level `permissions:` and all its 2 jobs are without"},
		// actions/runner: no top-level permissions and three jobs without.
		"actions/runner": {"fail", ".github/workflows/release.yml:3 jobs `check`, `build`, `release` are without"},
		"apache/maven":   {"fail", ".github/workflows/pr-automation.yml:19 job `pr-automation` is without"},
		// docker/compose: `permissions: {}` and a mapping at the top.
		"docker/compose": {"pass"},
		// sigstore/fulcio: no top-level block, but every job has one.
		"sigstore/fulcio": {"pass"},
		// zizmor's release-binaries.yml is only called (workflow_call):
		// exempt, reported.
		"zizmorcore/zizmor": {"pass", ".github/workflows/release-binaries.yml:3 informational: exempt"},
		"mindersec/minder":  {"pass", ".github/workflows/security.yml:4 informational: exempt"},
		// The corpus holds only two of its workflows, both reusable:
		// nothing here grants a token, so not-applicable.
		"slsa-framework/slsa-github-generator": {"not-applicable",
			".github/workflows/builder_go_slsa3.yml:49 informational: exempt",
			".github/workflows/generator_generic_slsa3.yml:30 informational: exempt"},
		"gitlabhq/gitlab-runner": {"not-applicable"},
	}
	for repo, w := range want {
		r, ok := results[repo]
		if !ok {
			t.Fatalf("no corpus repository %s", repo)
		}
		if string(r.Status) != w[0] {
			t.Errorf("%s: %s (%s), want %s", repo, r.Status, r.Reason, w[0])
		}
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Path+":"+strconv.Itoa(f.Line)+" "+f.Message)
		}
		if len(got) != len(w)-1 {
			t.Errorf("%s: findings %q, want %q", repo, got, w[1:])
			continue
		}
		for i, f := range w[1:] {
			loc, msg, _ := strings.Cut(f, " ")
			if !strings.HasPrefix(got[i], loc+" ") || !strings.Contains(got[i], msg) {
				t.Errorf("%s: finding %q, want %q", repo, got[i], f)
			}
		}
	}
	if d := results["docker/compose"].Details.(details); d.TopLevel != 2 || d.Workflows != 2 {
		t.Errorf("docker/compose details = %+v", d)
	}
}
