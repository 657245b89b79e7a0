package toolchainrequiredtools

import (
	"context"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// A workflow over the size cap may hold the missing tool: unknown.
func TestUnknownSkipped(t *testing.T) {
	pol := policy.Default()
	pol.RequiredTools = []string{"sast"}
	snap := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{".github/workflows/big.yml"},
		Contents: map[string]snapshot.Content{".github/workflows/big.yml": {Skipped: "over the 4194304-byte cap", Size: 5 << 20}},
	}}
	r := check.Run(context.Background(), []*check.Check{Check}, snap, pol, checktest.DefaultNow)[0].Result
	if r.Status != check.Unknown || len(r.Findings) != 1 || r.Findings[0].Path != ".github/workflows/big.yml" {
		t.Errorf("got %s %q %+v, want unknown with a finding on big.yml", r.Status, r.Reason, r.Findings)
	}
}
