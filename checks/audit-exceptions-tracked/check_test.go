package auditexceptionstracked

import (
	"context"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// Findings name the policy file the scan loaded, wherever it was.
func TestPolicySource(t *testing.T) {
	pol := policy.Default()
	pol.Exceptions = []policy.Exception{{Check: "build-lockfile", Reason: "r", Line: 7}}
	snap := &snapshot.Snapshot{Policy: &snapshot.PolicyRef{Source: "ci/ssdf-policy.yaml", Digest: "sha256:00"}}
	r := check.Run(context.Background(), []*check.Check{Check}, snap, pol, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))[0].Result
	if r.Status != check.Failed || len(r.Findings) != 1 {
		t.Fatalf("got %s with %d findings, want fail with 1 (%s)", r.Status, len(r.Findings), r.Reason)
	}
	if f := r.Findings[0]; f.Path != "ci/ssdf-policy.yaml" || f.Line != 7 {
		t.Errorf("finding at %s:%d, want ci/ssdf-policy.yaml:7", f.Path, f.Line)
	}
}
