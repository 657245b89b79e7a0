package buildlockedinstall

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
)

// BenchmarkCheck evaluates the check (pipeline, Dockerfile, Makefile and
// manifest parsing included) over a synthetic repository of 500 GitHub
// workflows, 200 GitLab CI files and 300 Dockerfiles cycled from the shared
// corpus, and 300 Makefiles. The walk is outside the timer.
func BenchmarkCheck(b *testing.B) {
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
	workflows, gitlab, docker := read("github-workflows"), read("gitlab-ci"), read("dockerfile")
	fsys := fstest.MapFS{}
	for i := range 500 {
		fsys[fmt.Sprintf(".github/workflows/w%03d.yml", i)] = &fstest.MapFile{Data: workflows[i%len(workflows)]}
	}
	for i := range 200 {
		fsys[fmt.Sprintf(".gitlab/ci/part%03d.yml", i)] = &fstest.MapFile{Data: gitlab[i%len(gitlab)]}
	}
	for i := range 300 {
		fsys[fmt.Sprintf("svc%03d/Dockerfile", i)] = &fstest.MapFile{Data: docker[i%len(docker)]}
		fsys[fmt.Sprintf("svc%03d/Makefile", i)] = &fstest.MapFile{Data: []byte(
			"NPM ?= npm\nexport BUNDLE_FROZEN = true\n.PHONY: deps build\ndeps:\n\t$(NPM) ci\n\tcd api && pip install -r requirements.txt\n" +
				"build: deps\n\tgo build -o bin/app ./cmd/app\n\tbundle install\n")}
		fsys[fmt.Sprintf("svc%03d/api/requirements.txt", i)] = &fstest.MapFile{Data: []byte(
			"idna==3.10 --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3\n")}
	}
	snap := collect.FS(context.Background(), fsys, collect.Options{Forge: "github"}, nil)
	b.ResetTimer()
	for b.Loop() {
		out := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)
		if out[0].Result.Status != check.Failed {
			b.Fatalf("status %s: %s", out[0].Result.Status, out[0].Result.Reason)
		}
	}
}
