package pipelinepinnedimages

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
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

func TestPinned(t *testing.T) {
	const d = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
	for ref, want := range map[string]bool{
		"golang:1.22@sha256:" + d:          true,
		"ghcr.io/a/b@sha256:" + d:          true,
		"golang:1.22":                      false,
		"golang@sha256:" + d[:63]:          false,
		"golang@sha512:" + d + d:           false,
		"golang:1.22@sha256:" + d + " ":    true,
		"golang:1.22@sha256:" + d + "-rc1": false,
		"golang:sha256-" + d + ".sig":      false,
	} {
		if got := Pinned(ref); got != want {
			t.Errorf("Pinned(%q) = %v, want %v", ref, got, want)
		}
	}
}

// TestCorpus runs the check over every corpus repository and checks the
// outcome of several.
func TestCorpus(t *testing.T) {
	trees := sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton", "dockerfile")
	results := map[string]check.Result{}
	for repo, tr := range trees {
		out := check.Run(context.Background(), []*check.Check{Check}, &snapshot.Snapshot{Tree: tr}, nil, checktest.DefaultNow)
		results[repo] = out[0].Result
		if r := out[0].Result; r.Status == check.Unknown && strings.Contains(r.Reason, "internal error") {
			t.Errorf("%s: %s", repo, r.Reason)
		}
	}
	has := func(repo, loc, text string) {
		t.Helper()
		for _, f := range results[repo].Findings {
			if fmt.Sprintf("%s:%d", f.Path, f.Line) == loc && strings.Contains(f.Message, text) {
				return
			}
		}
		t.Errorf("%s: no finding at %s with %q in %+v", repo, loc, text, results[repo].Findings)
	}
	status := func(repo string, want check.Status) {
		t.Helper()
		if got := results[repo].Status; got != want {
			t.Errorf("%s: status %s (%s), want %s", repo, got, results[repo].Reason, want)
		}
	}
	// Digest-pinned bases, one through ARG BASE_IMAGE, and FROM stages.
	status("argoproj/argo-cd", check.Passed)
	status("ossf/scorecard", check.Passed)
	status("sigstore/rekor", check.Passed)
	// FROM scratch after a pinned builder.
	status("chainloop-dev/chainloop", check.Passed)
	// ARG BASE_IMAGE=docker.io/ubuntu:24.04 then FROM $BASE_IMAGE.
	status("gitlabhq/omnibus-gitlab", check.Failed)
	has("gitlabhq/omnibus-gitlab", "docker/Dockerfile:2", "`ARG BASE_IMAGE=docker.io/ubuntu:24.04@sha256:<digest>`")
	// One unpinned FROM among pinned ones (dependabot-updater-core).
	has("dependabot/dependabot-core", "helm/Dockerfile:21", "`ghcr.io/dependabot/dependabot-updater-core`")
	// GitLab images through variables defined in an included file.
	has("gitlabhq/gitlab-runner", ".gitlab/ci/_common.gitlab-ci.yml:55", "`registry.gitlab.com/gitlab-org/ci-cd/runner-tools/base-images/ci:0.0.48` (`$CI_IMAGE`)")
	has("gitlabhq/gitlab-runner", ".gitlab/ci/test.gitlab-ci.yml:186", "`golang:1.26.5` (`golang:$GO_VERSION`)")
	// GitHub docker:// steps, containers and services.
	has("actions/checkout", ".github/workflows/test.yml:191", "docker:// step image `bitnami/git:latest`")
	has("actions/checkout", ".github/workflows/test.yml:224", "service image `ubuntu/squid:latest`")
	// Tekton step images by tag.
	has("openshift-pipelines/pipelines-as-code", ".tekton/go.yaml:59", "Tekton step image `docker.io/golang:1.25`")
	// Quotes and the escape directive of a Windows Dockerfile.
	has("jenkinsci/docker", "windows/windowsservercore/hotspot/Dockerfile:6", "`mcr.microsoft.com/windows/servercore:ltsc2022`")
	// A repository without images.
	status("cli/cli", check.NotApplicable)
}
