package tools

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCatalogueWellFormed(t *testing.T) {
	kinds := []Kind{Action, Image, Command, Template, Component, Task}
	covered := map[string]bool{}
	seen := map[string]bool{}
	for i, e := range Catalogue {
		if e.Tool == "" || e.Match == "" || len(e.Types) == 0 || !slices.Contains(kinds, e.Kind) {
			t.Errorf("row %d %+v: tool, match, types and a known kind are required", i, e)
		}
		for _, ty := range e.Types {
			if !slices.Contains(policy.ToolTypes, ty) {
				t.Errorf("row %d %s: type %q is not a policy tool type", i, e.Tool, ty)
			}
			covered[ty] = true
		}
		if e.Match != strings.ToLower(e.Match) && e.Kind != Command {
			t.Errorf("row %d %s: match %q must be lower case", i, e.Tool, e.Match)
		}
		if (e.Input != "") != (len(e.Values) > 0) || e.Input != "" && e.Kind != Action {
			t.Errorf("row %d %s: Input and Values go together, on actions", i, e.Tool)
		}
		if e.Arg != "" {
			if e.Kind != Command {
				t.Errorf("row %d %s: Arg is for commands", i, e.Tool)
			}
			if _, err := filepath.Match(e.Arg, ""); err != nil {
				t.Errorf("row %d %s: bad Arg pattern: %v", i, e.Tool, err)
			}
		}
		key := string(e.Kind) + " " + e.Match + " " + e.Arg + " " + e.Input + " " + strings.Join(e.Values, ",")
		if seen[key] {
			t.Errorf("row %d %s: duplicate row %q", i, e.Tool, key)
		}
		seen[key] = true
	}
	for _, ty := range policy.ToolTypes {
		if !covered[ty] {
			t.Errorf("no catalogue row recognises %q", ty)
		}
	}
}

func treeOf(files map[string]string) snapshot.Tree {
	t := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for p, text := range files {
		t.Files = append(t.Files, p)
		t.Contents[p] = snapshot.Content{Text: text}
	}
	slices.Sort(t.Files)
	return t
}

// found lists "path:line tool types" for every hit.
func found(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Loc()+" "+h.Tool+" "+strings.Join(h.Types, ","))
	}
	return out
}

func TestFind(t *testing.T) {
	const w = ".github/workflows/sec.yml"
	s := pipeline.Parse(treeOf(map[string]string{
		w: `on: [push, pull_request]
jobs:
  scan:
    runs-on: ubuntu-latest
    container: returntocorp/semgrep:1.90
    services:
      z: {image: "ghcr.io/zaproxy/zaproxy:stable"}
    steps:
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
      - uses: github/codeql-action/upload-sarif@v3
      - uses: aquasecurity/trivy-action@0.28.0
        with: {scan-type: fs, format: cyclonedx}
      - uses: aquasecurity/trivy-action@0.28.0
        with: {image-ref: "a/b:1"}
      - uses: actions/dependency-review-action@v4
        with: {allow-licenses: "MIT, Apache-2.0"}
      - uses: docker://zricethezav/gitleaks:v8.18.0
      - run: |
          npx --yes @cyclonedx/cyclonedx-npm --output-file sbom.json
          go run golang.org/x/vuln/cmd/govulncheck@latest ./...
          python3 -m pip_audit -r requirements.txt
          docker run --rm -v "$PWD:/src" -w /src anchore/syft:v1.0 dir:. -o spdx-json
          cosign sign --yes a/b@sha256:x
          cosign verify a/b
          gpg --armor --detach-sign dist/a.tgz
          go test -fuzz=FuzzParse -fuzztime 30s ./parser
          ssdf scan --format sarif
`,
		".gitlab-ci.yml": `include:
  - template: Jobs/SAST.gitlab-ci.yml
  - template: Security/Secret-Detection.latest.gitlab-ci.yml
  - component: $CI_SERVER_FQDN/components/dependency-scanning/main@0.4
  - component: gitlab.com/components/sast-iac/sast-iac@1
.hidden:
  script: [checkov -d .]
`,
	}))
	want := []string{
		w + ":5 semgrep sast",
		w + ":7 zap dast",
		w + ":9 codeql sast",
		w + ":10 codeql sast",
		w + ":12 trivy dependency-scanning,secret-scanning",
		w + ":12 trivy sbom",
		w + ":14 trivy container-scanning",
		w + ":16 dependency-review dependency-scanning",
		w + ":16 dependency-review license-scanning",
		w + ":18 gitleaks secret-scanning",
		w + ":20 cyclonedx sbom",
		w + ":21 govulncheck dependency-scanning",
		w + ":22 pip-audit dependency-scanning",
		w + ":23 syft sbom",
		w + ":24 cosign signing",
		w + ":26 gpg signing",
		w + ":27 go-fuzz fuzzing",
		w + ":28 ssdf ssdf",
		".gitlab-ci.yml:2 gitlab-sast sast",
		".gitlab-ci.yml:3 gitlab-secret-detection secret-scanning",
		".gitlab-ci.yml:4 gitlab-dependency-scanning dependency-scanning",
	}
	if diff := cmp.Diff(want, found(Find(s))); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
}

func TestNormalisers(t *testing.T) {
	for in, want := range map[string]string{
		"Jobs/SAST.gitlab-ci.yml":                   "jobs/sast",
		"Security/SAST.latest.gitlab-ci.yml":        "security/sast",
		"Auto-DevOps.gitlab-ci.yml":                 "auto-devops",
		"Jobs/Dependency-Scanning.v2.gitlab-ci.yml": "jobs/dependency-scanning.v2",
	} {
		if got := TemplateName(in); got != want {
			t.Errorf("TemplateName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"$CI_SERVER_FQDN/components/sast/sast@2.0.2":          "components/sast/sast",
		"gitlab.com/components/secret-detection/main@~latest": "components/secret-detection/main",
	} {
		if got := ComponentPath(in); got != want {
			t.Errorf("ComponentPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// The corpus, rebuilt per repository (see pipeline's corpus_test.go).

func corpusRepo(t *testing.T, repo string, remap, extra map[string]string) *pipeline.Set {
	t.Helper()
	files := map[string]string{}
	for _, c := range sharedtest.Corpus(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton") {
		if c.Repo != repo {
			continue
		}
		b, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Path
		if r, ok := remap[p]; ok {
			p = r
		}
		files[p] = string(b)
	}
	if len(files) == 0 {
		t.Fatalf("no corpus files for %s", repo)
	}
	for p, text := range extra {
		files[p] = text
	}
	return pipeline.Parse(treeOf(files))
}

func TestCorpus(t *testing.T) {
	for _, tc := range []struct {
		repo         string
		remap, extra map[string]string
		want         []string
	}{{
		// security.yml is a reusable workflow (workflow_call only): it
		// counts once a workflow of the repository calls it.
		repo: "mindersec/minder",
		want: []string{
			".github/workflows/releaser.yml:58 syft sbom",
			".github/workflows/releaser.yml:60 cosign signing",
			".github/workflows/releaser.yml:95 slsa-github-generator provenance",
		},
	}, {
		repo:  "mindersec/minder",
		extra: map[string]string{".github/workflows/main.yml": "on: push\njobs:\n  sec:\n    uses: ./.github/workflows/security.yml\n"},
		want: []string{
			".github/workflows/releaser.yml:58 syft sbom",
			".github/workflows/releaser.yml:60 cosign signing",
			".github/workflows/releaser.yml:95 slsa-github-generator provenance",
			".github/workflows/security.yml:24 trivy dependency-scanning,secret-scanning",
			".github/workflows/security.yml:47 trivy iac-scanning",
		},
	}, {
		repo: "zizmorcore/zizmor",
		want: []string{".github/workflows/zizmor.yml:29 zizmor sast"},
	}, {
		repo:  "apache/zookeeper",
		remap: map[string]string{"Jenkinsfile-owasp": "owasp.Jenkinsfile"},
		want:  []string{"owasp.Jenkinsfile:39 owasp-dependency-check dependency-scanning"},
	}, {
		repo:  "boostsecurityio/poutine",
		remap: map[string]string{"scanner/testdata/.gitlab-ci.yml": ".gitlab-ci.yml"},
		want: []string{
			".gitlab-ci.yml:22 gitlab-auto-devops sast,secret-scanning,dependency-scanning,container-scanning,iac-scanning,dast",
		},
	}, {
		repo: "konflux-ci/release-service",
		want: []string{
			".tekton/release-service-pull-request.yaml:244 konflux-buildah sbom",
			".tekton/release-service-pull-request.yaml:336 konflux-clair-scan container-scanning",
			".tekton/release-service-pull-request.yaml:364 konflux-sast-snyk-check sast",
			".tekton/release-service-pull-request.yaml:419 konflux-sast-unicode-check sast",
			".tekton/release-service-pull-request.yaml:447 konflux-sast-shell-check sast",
			".tekton/release-service-push.yaml:238 konflux-buildah sbom",
			".tekton/release-service-push.yaml:283 konflux-buildah sbom",
			".tekton/release-service-push.yaml:375 konflux-clair-scan container-scanning",
			".tekton/release-service-push.yaml:403 konflux-sast-snyk-check sast",
			".tekton/release-service-push.yaml:458 konflux-sast-unicode-check sast",
			".tekton/release-service-push.yaml:486 konflux-sast-shell-check sast",
		},
	}} {
		t.Run(tc.repo, func(t *testing.T) {
			s := corpusRepo(t, tc.repo, tc.remap, tc.extra)
			if diff := cmp.Diff(tc.want, found(Find(s))); diff != "" {
				t.Errorf("Find (-want +got):\n%s", diff)
			}
		})
	}
}
