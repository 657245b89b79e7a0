package pipelinedangeroustriggers

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
		// pull_request_target workflows that check out the head SHA.
		"Legit-Labs/legitify":  {"fail", ".github/workflows/e2e_testing.yaml:60 checks out the untrusted head (`ref: ${{ github.event.pull_request.head.sha }}`, from `github.event.pull_request.head.sha`) in a `pull_request_target` workflow"},
		"python-poetry/poetry": {"fail", ".github/workflows/docs.yaml:47 from `github.event.pull_request.head.sha`) in a `pull_request_target` workflow"},
		// cli/cli's triage (issues, pull_request_target) hands the issue
		// and PR title and body to run: through env: — the safe form.
		"cli/cli": {"pass"},
		// docker/compose: workflow_run consumes artifacts only; the
		// trigger workflow interpolates only github.event_name.
		"docker/compose": {"pass"},
		// octokit: pull_request_target, interpolating only numbers.
		"octokit/fixtures": {"pass"},
		// slsa-github-generator's reusable workflows (workflow_call)
		// check out through their own action, refs from step outputs.
		"slsa-framework/slsa-github-generator": {"pass"},
		"gitlabhq/gitlab-runner":               {"not-applicable"},
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
	if d := results["docker/compose"].Details.(details); d.SinkExpressions != 2 || len(d.Privileged) != 1 {
		t.Errorf("docker/compose details = %+v", d)
	}
	if d := results["slsa-framework/slsa-github-generator"].Details.(details); len(d.Privileged) != 2 || d.Checkouts != 0 {
		t.Errorf("slsa-github-generator details = %+v", d)
	}
}
