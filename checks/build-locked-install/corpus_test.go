package buildlockedinstall

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// judged runs the check's evaluation over a tree and returns the verdict
// at each "path:line tool".
func judged(tree snapshot.Tree) map[string]verdict {
	set := pipeline.Parse(tree)
	e := newEval(tree, manifest.Parse(tree))
	e.pipelines(set)
	for _, d := range set.Dockerfiles {
		e.dockerfile(d)
	}
	for _, m := range set.Makefiles {
		e.makefile(m)
	}
	out := map[string]verdict{}
	for _, r := range e.seen {
		k := fmt.Sprintf("%s %s", r.pos.Loc(), r.j.tool)
		if rank(r.j.v) > rank(out[k]) {
			out[k] = r.j.v
		}
	}
	return out
}

func TestCorpus(t *testing.T) {
	trees := sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton", "dockerfile")
	results := map[string]check.Result{}
	verdicts := map[string]map[string]verdict{}
	for repo, tr := range trees {
		out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: tr}, policy.Default(), checktest.DefaultNow)
		r := out[0].Result
		if r.Status == check.Unknown {
			t.Errorf("%s: unknown: %s", repo, r.Reason)
		}
		results[repo] = r
		verdicts[repo] = judged(tr)
	}
	status := func(repo string, s check.Status, reason string) {
		t.Helper()
		r, ok := results[repo]
		if !ok {
			t.Fatalf("no corpus repository %s", repo)
		}
		if r.Status != s || !regexp.MustCompile(reason).MatchString(r.Reason) {
			t.Errorf("%s: %s %q, want %s matching %q", repo, r.Status, r.Reason, s, reason)
		}
	}
	is := func(repo, loc string, want verdict) {
		t.Helper()
		if got := verdicts[repo][loc]; got != want {
			t.Errorf("%s: %s is %v, want %v (all: %v)", repo, loc, got, want, verdicts[repo])
		}
	}
	has := func(repo, loc, msg string) {
		t.Helper()
		re := regexp.MustCompile(msg)
		for _, f := range results[repo].Findings {
			if f.Path+":"+strconv.Itoa(f.Line) == loc && re.MatchString(f.Message) {
				return
			}
		}
		t.Errorf("%s: no finding %s %q in %+v", repo, loc, msg, results[repo].Findings)
	}

	// argo-cd: pnpm with --frozen-lockfile in the Dockerfile's UI stage
	// (line 107, after a global corepack install) and in the release
	// workflow; corepack installed globally by npm (a named package, left
	// aside) in the test image and the UI stage.
	status("argoproj/argo-cd", check.Passed, `^all 2 dependency-install commands use the locked form \(pnpm 2\)$`)
	is("argoproj/argo-cd", "Dockerfile:107 pnpm", locked)
	is("argoproj/argo-cd", "Dockerfile:107 npm", notInstall)
	is("argoproj/argo-cd", ".github/workflows/release.yaml:258 pnpm", locked)
	is("argoproj/argo-cd", "test/container/Dockerfile:140 npm", notInstall)
	// `go install …@latest` (test/container/Dockerfile:77) and `go install
	// …@$SPDX_GEN_VERSION` (release.yaml:259) install tools: not judged.
	is("argoproj/argo-cd", "test/container/Dockerfile:77 go", notInstall)
	is("argoproj/argo-cd", ".github/workflows/release.yaml:259 go", notInstall)

	// vuejs/core: a bare `pnpm install` on GitHub Actions is frozen (CI).
	status("vuejs/core", check.Passed, `\(pnpm 2\)`)
	is("vuejs/core", ".github/workflows/ci.yml:45 pnpm", locked)
	is("vuejs/core", ".github/workflows/size-report.yml:39 pnpm", locked)

	// npm ci in three repositories, one after `cd` in a GitLab script.
	is("actions/checkout", ".github/workflows/test.yml:23 npm", locked)
	is("octokit/fixtures", ".github/workflows/release.yml:26 npm", locked)
	is("python-poetry/poetry", ".github/workflows/docs.yaml:65 npm", locked)
	is("gitlabhq/cli", ".gitlab-ci.yml:215 npm", locked)
	status("gitlabhq/cli", check.Passed, `\(npm 1\)`)

	// safe-settings creates its release after a bare `npm install`.
	status("github/safe-settings", check.Failed, `^1 of 1 dependency-install command does not use the locked form \(npm 1\)$`)
	has("github/safe-settings", ".github/workflows/create-release.yml:27", "^`npm install` resolves package.json afresh.*use `npm ci`$")

	// zizmor builds its release binaries without --locked.
	status("zizmorcore/zizmor", check.Failed, `\(cargo 1\)`)
	has("zizmorcore/zizmor", ".github/workflows/release-binaries.yml:52", "use `cargo build --release --target \"\\$\\{TARGET\\}\" --locked`$")

	// NVIDIA warp: five `uv sync` without --locked and three editable
	// installs of the project; `uv pip install mujoco` (a named package)
	// is not judged.
	status("NVIDIA/warp", check.Failed, `^8 of 8 dependency-install commands do not use the locked form \(uv 8\)$`)
	for _, l := range []int{493, 510, 527, 546, 625} {
		has("NVIDIA/warp", ".gitlab-ci.yml:"+strconv.Itoa(l), "^`uv sync .*use `uv sync --locked")
	}
	for _, l := range []int{792, 820, 847} {
		has("NVIDIA/warp", ".gitlab-ci.yml:"+strconv.Itoa(l), "installs the local project `.`")
	}
	is("NVIDIA/warp", ".gitlab-ci.yml:793 uv", notInstall)

	// Go builds and tests pass (no -mod=mod): gitlab-runner's eight test
	// lines and three `(cd scripts/pusher && go build)`; rekor's
	// Dockerfile; compose's docs generator. `go install …@latest` is not
	// judged.
	status("gitlabhq/gitlab-runner", check.Passed, `\(go 11\)`)
	is("gitlabhq/gitlab-runner", ".gitlab/ci/release.gitlab-ci.yml:132 go", locked)
	is("gitlabhq/gitlab-runner", ".gitlab/ci/test.gitlab-ci.yml:277 go", locked)
	is("gitlabhq/gitlab-runner", ".gitlab/ci/test.gitlab-ci.yml:71 go", notInstall)
	status("sigstore/rekor", check.Passed, `\(go 3\)`)
	for _, l := range []int{30, 31, 32} {
		is("sigstore/rekor", "Dockerfile:"+strconv.Itoa(l)+" go", locked)
	}
	is("docker/compose", "Dockerfile:160 go", locked)

	// Tools installed by name are not dependency installs: glib's
	// `pip3 install meson==1.4.2`, the linters of pipelines-as-code.
	status("GNOME/glib", check.NotApplicable, "")
	status("openshift-pipelines/pipelines-as-code", check.NotApplicable, "")
	is("GNOME/glib", ".gitlab-ci/fedora.Dockerfile:86 pip", notInstall)
}
