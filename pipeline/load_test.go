package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Load parses once per scan: every check of the scan gets the same set.
func TestLoadOncePerScan(t *testing.T) {
	var sets []*Set
	mk := func(id string) *check.Check {
		return &check.Check{ID: id, Run: func(p *check.Pass) check.Result {
			sets = append(sets, Load(p))
			return check.Resultf(check.NotApplicable, "test")
		}}
	}
	snap := &snapshot.Snapshot{Tree: treeOf(map[string]string{".gitlab-ci.yml": "b: {script: [make]}\n"})}
	check.Run(context.Background(), []*check.Check{mk("a-a"), mk("b-b")}, snap, policy.Default(), time.Time{})
	if len(sets) != 2 || sets[0] != sets[1] || len(sets[0].Files) != 1 {
		t.Errorf("sets = %v", sets)
	}
}
