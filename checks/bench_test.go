package checks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
)

// BenchmarkPipelineChecks evaluates every pipeline check (parsing
// included: it happens once per scan, inside the first check that needs
// it) over a synthetic repository of 500 GitHub workflows and 200 GitLab CI
// files, made by cycling the real files of the shared corpus. The walk is
// outside the timer.
func BenchmarkPipelineChecks(b *testing.B) {
	corpus := sharedtest.Dir(b, "corpus")
	read := func(kind string) [][]byte {
		paths, _ := filepath.Glob(filepath.Join(corpus, kind, "*"))
		var out [][]byte
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, data)
		}
		if len(out) == 0 {
			b.Fatalf("no %s in the corpus", kind)
		}
		return out
	}
	workflows, gitlab := read("github-workflows"), read("gitlab-ci")
	fsys := fstest.MapFS{}
	for i := range 500 {
		fsys[fmt.Sprintf(".github/workflows/w%03d.yml", i)] = &fstest.MapFile{Data: workflows[i%len(workflows)]}
	}
	var includes strings.Builder
	includes.WriteString("include:\n")
	for i := range 199 {
		name := fmt.Sprintf(".gitlab/ci/part%03d.yml", i)
		fsys[name] = &fstest.MapFile{Data: gitlab[i%len(gitlab)]}
		fmt.Fprintf(&includes, "  - local: %s\n", name)
	}
	fsys[".gitlab-ci.yml"] = &fstest.MapFile{Data: []byte(includes.String() + string(gitlab[0]))}
	snap := collect.FS(context.Background(), fsys, collect.Options{Forge: "github"}, nil)

	var list []*check.Check
	for _, c := range checks.List {
		if strings.HasPrefix(c.ID, "pipeline-") {
			list = append(list, c)
		}
	}
	if len(list) < 5 {
		b.Fatalf("only %d pipeline checks", len(list))
	}
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	pol := policy.Default()
	b.ResetTimer()
	for b.Loop() {
		out := check.Run(context.Background(), list, snap, pol, now)
		for _, o := range out {
			if strings.Contains(o.Result.Reason, "internal error") {
				b.Fatal(o.Result.Reason)
			}
		}
	}
}
