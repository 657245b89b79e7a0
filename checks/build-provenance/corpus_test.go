package buildprovenance

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// The check over the real pipelines of the corpus, repository by
// repository: every repository is judged (no unknown: every file parses),
// and these facts hold.
func TestCorpus(t *testing.T) {
	repos := sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton")
	type want struct {
		status   check.Status
		first    string   // "path:line mechanism" of the first provenance item
		findings []string // "path:line mechanism" of the findings
	}
	wants := map[string]want{
		// slsa-github-generator called by tag from the GoReleaser workflow.
		"ossf/scorecard":               {status: check.Passed, first: ".github/workflows/goreleaser.yaml:77 slsa-github-generator"},
		"slsa-framework/slsa-verifier": {status: check.Passed, first: ".github/workflows/release.yml:52 slsa-github-generator"},
		"cli/cli":                      {status: check.Passed, first: ".github/workflows/deployment.yml:302 actions/attest-build-provenance"},
		"sigstore/sigstore-python":     {status: check.Passed, first: ".github/workflows/release.yml:96 actions/attest-build-provenance"},
		// Konflux PipelineRuns: Tekton Chains.
		"konflux-ci/release-service": {status: check.Passed, first: ".tekton/release-service-pull-request.yaml:1 konflux"},
		"conforma/cli":               {status: check.Passed, first: ".tekton/cli-e2e-push.yaml:1 konflux"},
		// GoReleaser publishes and chainloop's own attestations are not
		// SLSA provenance by SPEC's list.
		"chainloop-dev/chainloop": {status: check.Failed, findings: []string{".github/workflows/release.yaml:116 goreleaser", ".github/workflows/release.yaml:171 release-upload"}},
		"Qowaiv/Qowaiv":           {status: check.Failed, findings: []string{".github/workflows/build-publish.yaml:138 release-upload", ".github/workflows/build-publish.yaml:146 dotnet-nuget-push"}},
		"github/safe-settings":    {status: check.Failed, findings: []string{".github/workflows/create-release.yml:60 docker/build-push-action"}},
		// release-binaries.yml attests, but it is a reusable workflow
		// whose caller is not in the corpus.
		"zizmorcore/zizmor": {status: check.NotApplicable},
		"vuejs/core":        {status: check.NotApplicable},
	}
	var names []string
	for k := range repos {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		snap := &snapshot.Snapshot{Tree: repos[n]}
		r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		if r.Status == check.Unknown {
			t.Errorf("%s: unknown: %s", n, r.Reason)
		}
		w, ok := wants[n]
		if !ok {
			continue
		}
		delete(wants, n)
		if r.Status != w.status {
			t.Errorf("%s: status %s, want %s (%s)", n, r.Status, w.status, r.Reason)
			continue
		}
		d := r.Details.(details)
		if w.first != "" {
			if got := fmt.Sprintf("%s:%d %s", d.Provenance[0].Path, d.Provenance[0].Line, d.Provenance[0].Mechanism); got != w.first {
				t.Errorf("%s: first provenance %s, want %s", n, got, w.first)
			}
		}
		var got []string
		for _, f := range r.Findings {
			mech, _, _ := strings.Cut(strings.TrimPrefix(f.Message, "publishes an artifact ("), ":")
			got = append(got, fmt.Sprintf("%s:%d %s", f.Path, f.Line, mech))
		}
		if diff := cmp.Diff(w.findings, got); diff != "" {
			t.Errorf("%s: findings (-want +got):\n%s", n, diff)
		}
	}
	for n := range wants {
		t.Errorf("%s: not in the corpus", n)
	}
}
