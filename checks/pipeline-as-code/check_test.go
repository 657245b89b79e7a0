package pipelineascode

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

func TestValidate(t *testing.T) {
	if err := check.Validate([]*check.Check{Check}); err != nil {
		t.Fatal(err)
	}
}

// Cases that a txtar archive cannot build: files the walk did not read.
func TestUnread(t *testing.T) {
	cases := []struct {
		name     string
		tree     snapshot.Tree
		status   check.Status
		findings []string
	}{
		{
			name: "YAML over the size cap may be an Argo CD manifest",
			tree: snapshot.Tree{Files: []string{"README.md", "deploy/apps.yaml"}, Contents: map[string]snapshot.Content{
				"deploy/apps.yaml": {Size: 5 << 20, Skipped: "5242880 bytes, over the 4194304-byte cap"}}},
			status:   check.Unknown,
			findings: []string{"deploy/apps.yaml:0 not read (5242880 bytes, over the 4194304-byte cap); it may hold an Argo CD manifest"},
		},
		{
			name:     "a symlink at a definition's path",
			tree:     snapshot.Tree{Files: []string{"README.md"}, Skipped: []snapshot.Skipped{{Path: "Jenkinsfile", Reason: "symlink, not followed"}}},
			status:   check.Unknown,
			findings: []string{"Jenkinsfile:0 a jenkins definition's path, not read (symlink, not followed)"},
		},
		{
			name:     "an unreadable directory",
			tree:     snapshot.Tree{Files: []string{"README.md"}, Skipped: []snapshot.Skipped{{Path: "ci", Reason: "unreadable: open ci: permission denied"}}},
			status:   check.Unknown,
			findings: []string{"ci:0 directory not read (unreadable: open ci: permission denied); it may hold pipeline definitions"},
		},
		{
			name:   "a symlinked YAML file elsewhere proves nothing either way",
			tree:   snapshot.Tree{Files: []string{"README.md"}, Skipped: []snapshot.Skipped{{Path: "docs/config.yaml", Reason: "symlink, not followed"}}},
			status: check.Failed,
		},
		{
			name: "a definition recognised by name passes even when not read",
			tree: snapshot.Tree{Files: []string{".gitlab-ci.yml"}, Contents: map[string]snapshot.Content{
				".gitlab-ci.yml": {Size: 5 << 20, Skipped: "over the cap"}, "big.yaml": {Skipped: "over the cap"}}},
			status: check.Passed,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: c.tree}, nil, time.Time{})
			r := out[0].Result
			if r.Status != c.status {
				t.Errorf("status = %s (%s), want %s", r.Status, r.Reason, c.status)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Message))
			}
			if diff := cmp.Diff(c.findings, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
