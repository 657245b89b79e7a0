package pipelinepinnedactions

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCorpus(t *testing.T) {
	trees := sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "tekton")
	results := map[string]check.Result{}
	for repo, tr := range trees {
		out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: tr}, policy.Default(), checktest.DefaultNow)
		r := out[0].Result
		if r.Status == check.Unknown {
			t.Errorf("%s: unknown: %s", repo, r.Reason)
		}
		results[repo] = r
	}
	has := func(repo, loc, msg string) {
		t.Helper()
		r, ok := results[repo]
		if !ok {
			t.Fatalf("no corpus repository %s", repo)
		}
		re := regexp.MustCompile(msg)
		for _, f := range r.Findings {
			if f.Path+":"+strconv.Itoa(f.Line) == loc && re.MatchString(f.Message) {
				return
			}
		}
		t.Errorf("%s: no finding %s %q in %+v", repo, loc, msg, r.Findings)
	}
	status := func(repo string, s check.Status, reason string) check.Result {
		t.Helper()
		r := results[repo]
		if r.Status != s || !regexp.MustCompile(reason).MatchString(r.Reason) {
			t.Errorf("%s: %s %q, want %s matching %q", repo, r.Status, r.Reason, s, reason)
		}
		return r
	}
	count := func(r check.Result, kind string) Count { return r.Details.(details).Counts[kind] }

	// An unpinned `uses:` of a tag.
	status("octokit/fixtures", check.Failed, "")
	has("octokit/fixtures", ".github/workflows/immediate-response.yml:22", "`uses: peter-evans/create-or-update-comment@v5`.*# v5`")
	// A reusable workflow pinned to a SHA with its tag in a comment.
	r := status("docker/compose", check.Passed, `all 2 pipeline references are pinned \(1 action, 1 reusable-workflow\)`)
	if c := count(r, kindWorkflow); c.Pinned != 1 {
		t.Errorf("docker/compose reusable workflows = %+v", c)
	}
	// slsa-github-generator reusable workflows on their release tag fail
	// like any other tag (SPEC §3 makes no exception), and the finding
	// says how to keep the tag.
	r = status("kyverno/kyverno", check.Failed, "")
	if c := count(r, kindWorkflow); c.Unpinned != 7 {
		t.Errorf("kyverno reusable workflows = %+v", c)
	}
	status("slsa-framework/slsa-verifier", check.Failed, "")
	has("slsa-framework/slsa-verifier", ".github/workflows/release.yml:52", "builder_go_slsa3.yml@v2.0.0` \\(an slsa-github-generator reusable workflow\\) follows the tag or branch `v2.0.0`.*policy exception")
	// A reusable workflow on a branch.
	has("apache/maven", ".github/workflows/pr-automation.yml:27", "apache/maven-gh-actions-shared/.github/workflows/pr-automation.yml@v5` \\(a reusable workflow\\)")
	has("konflux-ci/release-service", ".github/workflows/fullsend.yaml:44", "dispatch.yml@main` \\(a reusable workflow\\) follows the tag or branch `main`")

	// GitLab: a project include on a tag (gitlab-runner line 44); the
	// components at an exact version (2.1.0, in three files) pass.
	r = status("gitlabhq/gitlab-runner", check.Failed, "^1 of 21 pipeline references")
	has("gitlabhq/gitlab-runner", ".gitlab-ci.yml:44", "oidc-modules` uses `ref: 3.4.0`, not a full commit SHA")
	if c := count(r, kindComponent); c.Pinned != 3 || c.Unpinned != 0 {
		t.Errorf("gitlab-runner components = %+v", c)
	}
	// Project includes on main, in the root file and in a local include.
	for _, loc := range []string{".gitlab-ci.yml:10", ".gitlab-ci.yml:14", ".gitlab/ci/common.yml:62"} {
		has("NVIDIA/warp", loc, "uses `ref: main`")
	}
	// glib's !reference file parses; its component follows master.
	status("GNOME/glib", check.Failed, "^1 of 1 ")
	has("GNOME/glib", ".gitlab-ci.yml:2", "release-service@master` uses `master`, neither an exact version nor a full commit SHA")
	// Components at 2.1.0 and v0.1.2 are exact versions.
	r = status("gitlabhq/gitlab-shell", check.Passed, "2 gitlab-component")
	if d := r.Details.(details); d.NotJudged["gitlab-template"] != 4 {
		t.Errorf("gitlab-shell templates = %v", d.NotJudged)
	}

	// Tekton: Konflux bundles through the bundles resolver, pinned by
	// digest.
	r = status("conforma/cli", check.Passed, "34 tekton-bundle")
	if c := count(r, kindBundle); c.Pinned != 34 {
		t.Errorf("conforma bundles = %+v", c)
	}
	status("konflux-ci/integration-service", check.Passed, "16 tekton-bundle")
}
