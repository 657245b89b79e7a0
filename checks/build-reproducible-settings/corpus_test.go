package buildreproduciblesettings

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// The check over the corpus, repository by repository (only the corpus's
// files of each repository, so a GoReleaser configuration that the
// repository has but the corpus lacks is absent): these facts hold, and
// nothing is unknown.
func TestCorpus(t *testing.T) {
	repos := sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton", "dockerfile", "lockfiles")
	wants := map[string]struct {
		status   check.Status
		entries  []Entry
		findings []string
	}{
		// apache/maven's pom.xml sets project.build.outputTimestamp.
		"apache/maven": {check.Passed, []Entry{{"maven", "project.build.outputTimestamp", "pass", "pom.xml:143"}}, nil},
		// rekor's Dockerfile builds the server twice without -trimpath.
		"sigstore/rekor": {check.Failed, []Entry{{"go", "-trimpath", "fail", ""}}, []string{"Dockerfile:30", "Dockerfile:31"}},
		// gitlab-runner's release jobs build the pusher tool with a bare
		// `go build` (inside a subshell).
		"gitlabhq/gitlab-runner": {check.Failed, []Entry{{"go", "-trimpath", "fail", ""}},
			[]string{".gitlab/ci/release.gitlab-ci.yml:132", ".gitlab/ci/release.gitlab-ci.yml:155", ".gitlab/ci/release.gitlab-ci.yml:188"}},
		// GoReleaser run from the workflow, its configuration not in the
		// corpus: the default build has no -trimpath.
		"ossf/scorecard": {check.Failed, []Entry{{"go", "-trimpath", "fail", ""}}, []string{".github/workflows/goreleaser.yaml:55"}},
		// Lock files alone (a gradle.lockfile, NuGet's packages.lock.json)
		// reveal no build: not applicable.
		"Electric-Coin-Company/kotlin-bip39": {check.NotApplicable, nil, nil},
		"Qowaiv/Qowaiv":                      {check.NotApplicable, nil, nil},
		// sigstore/cosign's Dockerfile copies a binary built elsewhere.
		"sigstore/cosign": {check.NotApplicable, nil, nil},
	}
	var names []string
	for k := range repos {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		snap := &snapshot.Snapshot{Tree: repos[n]}
		r := check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		if r.Status == check.Unknown {
			t.Errorf("%s: unknown: %s", n, r.Reason)
		}
		w, ok := wants[n]
		if !ok {
			continue
		}
		delete(wants, n)
		if r.Status != w.status {
			t.Errorf("%s: %s (%s), want %s", n, r.Status, r.Reason, w.status)
			continue
		}
		var entries []Entry
		if d, ok := r.Details.(details); ok {
			entries = d.Ecosystems
		}
		if len(entries) == 0 {
			entries = nil
		}
		if diff := cmp.Diff(w.entries, entries); diff != "" {
			t.Errorf("%s: entries (-want +got):\n%s", n, diff)
		}
		var got []string
		for _, f := range r.Findings {
			got = append(got, fmt.Sprintf("%s:%d", f.Path, f.Line))
		}
		if diff := cmp.Diff(w.findings, got); diff != "" {
			t.Errorf("%s: findings (-want +got):\n%s", n, diff)
		}
	}
	for n := range wants {
		t.Errorf("%s: not in the corpus", n)
	}
}
