package toolchaintemplate

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

// Files that could hold the evidence but were not read make the result
// unknown, on either forge and whether or not the forge was read.
func TestUnknown(t *testing.T) {
	for name, snap := range map[string]*snapshot.Snapshot{
		"truncated": {Tree: snapshot.Tree{Truncated: true, Error: "walk stopped at the cap of 10 entries"}, Forge: snapshot.Forge{Consulted: true}},
		"catalog over the cap": {
			Target: snapshot.Target{Forge: "gitlab"},
			Tree: snapshot.Tree{
				Files:    []string{"catalog-info.yaml"},
				Contents: map[string]snapshot.Content{"catalog-info.yaml": {Skipped: "over the 4194304-byte cap", Size: 5 << 20}},
			},
		},
		"tekton run unparsable": {
			Forge: snapshot.Forge{Consulted: true},
			Tree: snapshot.Tree{
				Files:    []string{".tekton/push.yaml"},
				Contents: map[string]snapshot.Content{".tekton/push.yaml": {Text: "kind: PipelineRun\nmetadata: [\n"}},
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
			if r.Status != check.Unknown {
				t.Errorf("status = %s, want unknown (%s)", r.Status, r.Reason)
			}
		})
	}
}
