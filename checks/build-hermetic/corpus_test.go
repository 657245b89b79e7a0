package buildhermetic

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// The real .tekton/ PipelineRuns of the corpus: the Konflux builds of
// conforma, integration-service and release-service are hermetic with
// prefetch-input (a JSON string, a YAML list, a JSON object); the
// Pipelines-as-Code runs of pipelines-as-code are not Konflux builds.
func TestCorpusTekton(t *testing.T) {
	repos := sharedtest.CorpusTrees(t, "tekton")
	for _, tc := range []struct {
		repo   string
		status check.Status
		found  []Item
	}{
		{"conforma/cli", check.Passed, []Item{
			{Konflux, ".tekton/cli-main-pull-request.yaml", 41},
			{Konflux, ".tekton/cli-main-push.yaml", 40},
		}},
		{"konflux-ci/integration-service", check.Passed, []Item{{Konflux, ".tekton/integration-service-pull-request.yaml", 34}}},
		{"konflux-ci/release-service", check.Passed, []Item{
			{Konflux, ".tekton/release-service-pull-request.yaml", 41},
			{Konflux, ".tekton/release-service-push.yaml", 35},
		}},
		{"openshift-pipelines/pipelines-as-code", check.Failed, []Item{}},
	} {
		tr, ok := repos[tc.repo]
		if !ok {
			t.Fatalf("%s not in the corpus", tc.repo)
		}
		r := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: tr}, policy.Default(), checktest.DefaultNow)[0].Result
		if r.Status != tc.status {
			t.Errorf("%s: %s (%s), want %s", tc.repo, r.Status, r.Reason, tc.status)
			continue
		}
		if got := r.Details.(details).Found; !slices.Equal(got, tc.found) {
			t.Errorf("%s: found %+v, want %+v", tc.repo, got, tc.found)
		}
	}
	// conforma's e2e PipelineRun is a Konflux test pipeline without the
	// params: were it alone, the check would fail and point at it.
	tr := repos["conforma/cli"]
	only := snapshot.Tree{Files: []string{".tekton/cli-e2e-push.yaml"}, Contents: map[string]snapshot.Content{".tekton/cli-e2e-push.yaml": tr.Contents[".tekton/cli-e2e-push.yaml"]}}
	r := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: only}, policy.Default(), checktest.DefaultNow)[0].Result
	if r.Status != check.Failed || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, "cli-e2e-on-push is not hermetic") {
		t.Errorf("e2e alone: %s %q %+v", r.Status, r.Reason, r.Findings)
	}
}
