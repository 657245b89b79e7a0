package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

func TestDefinitionSystem(t *testing.T) {
	cases := map[string]System{
		".github/workflows/ci.yml":        GitHubActions,
		".github/workflows/ci.yaml":       GitHubActions,
		".GitHub/Workflows/CI.YML":        GitHubActions,
		".github/workflows/sub/ci.yml":    "", // * does not cross /
		".github/workflows/README.md":     "",
		"sub/.github/workflows/ci.yml":    "", // at the root only
		".github/actions/x/action.yml":    "",
		".gitlab-ci.yml":                  GitLabCI,
		".GITLAB-CI.YML":                  GitLabCI,
		".gitlab-ci.yaml":                 "", // SPEC names .gitlab-ci.yml
		"sub/.gitlab-ci.yml":              "",
		".gitlab/ci/build.yml":            "",
		".tekton/pr.yaml":                 Tekton,
		".tekton/pr.yml":                  Tekton,
		".tekton/tasks/t.yaml":            "",
		"sub/.tekton/pr.yaml":             "",
		"Jenkinsfile":                     Jenkins,
		"ci/jenkins/Jenkinsfile":          Jenkins,
		"ci/release.Jenkinsfile":          Jenkins,
		"Jenkinsfile.nightly":             Jenkins,
		"jenkinsfile":                     Jenkins,
		"Jenkinsfile-owasp":               "", // not a SPEC name
		"Jenkinsfile_old":                 "",
		"azure-pipelines.yml":             AzurePipelines,
		"build/azure-pipelines.yml":       AzurePipelines,
		"azure-pipelines.yaml":            "", // SPEC names .yml
		".azure-pipelines/ci.yml":         AzurePipelines,
		"eng/.azure-pipelines/ci.yml":     AzurePipelines,
		".azure-pipelines/ci.yaml":        "",
		".azure-pipelines/t/ci.yml":       "",
		"dinghyfile":                      SpinnakerDinghy,
		"deploy/dinghyfile":               SpinnakerDinghy,
		"deploy/wait.stage.module":        "",
		".circleci/config.yml":            CircleCI,
		".circleci/config.yaml":           "",
		".circleci/other.yml":             "",
		"bitbucket-pipelines.yml":         Bitbucket,
		"sub/bitbucket-pipelines.yml":     "",
		".buildkite/pipeline.yml":         Buildkite,
		".buildkite/pipeline.yaml":        Buildkite,
		".buildkite/pipeline.deploy.yml":  "",
		".drone.yml":                      Drone,
		"sub/.drone.yml":                  "",
		".woodpecker.yml":                 Woodpecker,
		".woodpecker/build.yml":           Woodpecker,
		".woodpecker/build.yaml":          "",
		".travis.yml":                     Travis,
		"sub/.travis.yml":                 "",
		"deploy/argocd/application.yaml":  "", // Argo CD is recognised by content
		"docs/ci.md":                      "",
		".github/workflows/ci.yml.orig":   "",
		".tekton/README.md":               "",
		"bitbucket-pipelines.yml/x":       "",
		".circleci/config.yml/nested.yml": "",
	}
	for p, want := range cases {
		if got := DefinitionSystem(p); got != want {
			t.Errorf("DefinitionSystem(%q) = %q, want %q", p, got, want)
		}
	}
	if !slices.IsSorted(AllSystems) || len(AllSystems) != 13 {
		t.Errorf("AllSystems = %v", AllSystems)
	}
}

func TestDefinitions(t *testing.T) {
	files := map[string]string{
		"Jenkinsfile":                  "node { sh 'make' }\n",
		".travis.yml":                  "script: make\n",
		"deploy/app.yaml":              "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n",
		"deploy/not-argo.yaml":         "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n",
		"deploy/templated.yaml":        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- toYaml .Values.labels | nindent 4 }}\n",
		".github/actions/a/action.yml": "runs: {using: composite, steps: []}\n",
	}
	tree := treeOf(files)
	s := Parse(tree)
	got := Definitions(tree.Files, s)
	want := []Definition{
		{ArgoCD, "deploy/app.yaml"},
		{Jenkins, "Jenkinsfile"},
		{Travis, ".travis.yml"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("definitions (-want +got):\n%s", diff)
	}
	if len(s.ArgoSkipped) != 1 || s.ArgoSkipped[0].Path != "deploy/templated.yaml" || !strings.Contains(s.ArgoSkipped[0].Reason, "does not parse as YAML") {
		t.Errorf("ArgoSkipped = %+v", s.ArgoSkipped)
	}
	// Skipped and non-Argo YAML never become files (and so never make
	// another check unknown).
	if s.File("deploy/templated.yaml") != nil || s.File("deploy/not-argo.yaml") != nil || len(s.Problems()) != 0 {
		t.Errorf("files = %v, problems = %v", s.Files, s.Problems())
	}
}

// images lists "loc role ref" of a job's images and its steps' images.
func images(j *Job) []string {
	var out []string
	for _, i := range j.Images {
		out = append(out, i.Loc()+" "+i.Role+" "+i.Ref)
	}
	for _, st := range j.Steps {
		if i := st.Image; i != nil {
			out = append(out, i.Loc()+" "+i.Role+" "+i.Ref)
		}
	}
	return out
}

func jobIDs(f *File) []string {
	var out []string
	for _, j := range f.Jobs {
		out = append(out, j.ID)
	}
	return out
}

func libs(f *File) []string {
	var out []string
	for _, l := range f.Libraries {
		out = append(out, l.Loc()+" "+l.Name+" "+l.Version)
	}
	return out
}

func TestAzurePipelines(t *testing.T) {
	const p = "build/azure-pipelines.yml"
	s := Parse(treeOf(map[string]string{p: `trigger: [main]
resources:
  repositories:
    - repository: templates
      type: github
      name: acme/pipeline-templates
      ref: refs/tags/v1.2.0
  containers:
    - container: builder
      image: mcr.microsoft.com/dotnet/sdk:8.0
variables:
  - name: CONFIG
    value: Release
stages:
  - stage: build
    jobs:
      - job: linux
        container: builder
        services:
          redis: redis:7
        steps:
          - checkout: self
          - script: dotnet restore --locked-mode
            displayName: restore
          - bash: |
              set -e
              dotnet build -c $CONFIG
          - task: Bash@3
            inputs:
              targetType: inline
              script: syft . -o spdx-json
          - task: Docker@2
            inputs:
              command: push
  - stage: deploy
    jobs:
      - deployment: prod
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
                - pwsh: ./deploy.ps1 -Env prod
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != AzurePipelines || !f.Active {
		t.Fatalf("file = %+v", f)
	}
	if diff := cmp.Diff([]string{"build.linux", "deploy.prod"}, jobIDs(f)); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":6 acme/pipeline-templates refs/tags/v1.2.0"}, libs(f)); diff != "" {
		t.Errorf("libraries (-want +got):\n%s", diff)
	}
	if v, _ := lookup(f.Env, "CONFIG"); v != "Release" {
		t.Errorf("CONFIG = %q", v)
	}
	linux := job(t, s, p, "build.linux")
	if diff := cmp.Diff([]string{p + ":10 container mcr.microsoft.com/dotnet/sdk:8.0", p + ":20 service redis:7"}, images(linux)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	want := []string{
		p + ":23 dotnet restore --locked-mode",
		p + ":26 set -e",
		p + ":27 dotnet build -c $CONFIG",
		p + ":31 syft . -o spdx-json",
	}
	if diff := cmp.Diff(want, commands(linux)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if st := linux.Steps[4]; st.Name != "Docker@2" || st.Run != nil {
		t.Errorf("docker task step = %+v", st)
	}
	prod := job(t, s, p, "deploy.prod")
	if len(prod.Steps) != 1 || prod.Steps[0].Run.Shell != "pwsh" || prod.Steps[0].Run.Parts[0].Line != 43 {
		t.Errorf("deployment steps = %+v", prod.Steps)
	}
	// A pipeline that is one job: top-level steps and container.
	s = Parse(treeOf(map[string]string{"azure-pipelines.yml": "pool: {vmImage: ubuntu-latest}\ncontainer: ubuntu:24.04\nsteps:\n- script: make\n"}))
	j := job(t, s, "azure-pipelines.yml", "default")
	if diff := cmp.Diff([]string{"azure-pipelines.yml:2 container ubuntu:24.04"}, images(j)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"azure-pipelines.yml:4 make"}, commands(j)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestCircleCI(t *testing.T) {
	const p = ".circleci/config.yml"
	s := Parse(treeOf(map[string]string{p: `version: 2.1
orbs:
  node: circleci/node@5.2.0
  slack: circleci/slack@dev:alpha # risky
executors:
  go:
    docker:
      - image: cimg/go:1.23
jobs:
  build:
    docker:
      - image: cimg/node:20.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      - image: postgres:16
    steps:
      - checkout
      - run: npm ci
      - run:
          name: test
          command: |
            npm test
            npx semgrep --config auto
      - node/install-packages
  vet:
    executor: go
    steps:
      - run: go vet ./...
workflows:
  main:
    jobs: [build, vet]
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != CircleCI {
		t.Fatalf("file = %+v", f)
	}
	if diff := cmp.Diff([]string{p + ":3 circleci/node 5.2.0", p + ":4 circleci/slack dev:alpha"}, libs(f)); diff != "" {
		t.Errorf("orbs (-want +got):\n%s", diff)
	}
	b := job(t, s, p, "build")
	if diff := cmp.Diff([]string{
		p + ":12 image cimg/node:20.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		p + ":13 service postgres:16",
	}, images(b)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":16 npm ci", p + ":20 npm test", p + ":21 semgrep --config auto"}, commands(b)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if b.Steps[2].Name != "test" || b.Steps[3].Name != "node/install-packages" {
		t.Errorf("step names = %q, %q", b.Steps[2].Name, b.Steps[3].Name)
	}
	v := job(t, s, p, "vet")
	if diff := cmp.Diff([]string{p + ":8 image cimg/go:1.23"}, images(v)); diff != "" {
		t.Errorf("executor images (-want +got):\n%s", diff)
	}
}

func TestBitbucket(t *testing.T) {
	const p = "bitbucket-pipelines.yml"
	s := Parse(treeOf(map[string]string{p: `image: node:20
definitions:
  services:
    db:
      image: postgres:16
  steps:
    - step: &test
        name: test
        services: [db]
        script:
          - npm ci
          - npm test
pipelines:
  default:
    - step: *test
  branches:
    main:
      - parallel:
          - step:
              name: lint
              image: {name: golangci/golangci-lint:v1.60}
              script:
                - golangci-lint run
      - stage:
          name: release
          steps:
            - step:
                name: publish
                script:
                  - npm publish
                  - pipe: atlassian/aws-s3-deploy:1.1.0
                    variables:
                      S3_BUCKET: acme
                after-script:
                  - echo done
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != Bitbucket {
		t.Fatalf("file = %+v", f)
	}
	if diff := cmp.Diff([]string{"default/test", "branches/main/lint", "branches/main/publish"}, jobIDs(f)); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	tj := job(t, s, p, "default/test")
	if diff := cmp.Diff([]string{p + ":1 image node:20", p + ":5 service postgres:16"}, images(tj)); diff != "" {
		t.Errorf("test images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":11 npm ci", p + ":12 npm test"}, commands(tj)); diff != "" {
		t.Errorf("test commands (-want +got):\n%s", diff)
	}
	lint := job(t, s, p, "branches/main/lint")
	if diff := cmp.Diff([]string{p + ":21 image golangci/golangci-lint:v1.60"}, images(lint)); diff != "" {
		t.Errorf("lint images (-want +got):\n%s", diff)
	}
	pub := job(t, s, p, "branches/main/publish")
	if diff := cmp.Diff([]string{p + ":1 image node:20", p + ":31 pipe atlassian/aws-s3-deploy:1.1.0"}, images(pub)); diff != "" {
		t.Errorf("publish images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":30 npm publish", p + ":35 echo done"}, commands(pub)); diff != "" {
		t.Errorf("publish commands (-want +got):\n%s", diff)
	}
	if pubs := s.Publishes(); len(pubs) != 1 || pubs[0].Mechanism != "npm-publish" || pubs[0].Line != 30 {
		t.Errorf("publishes = %+v", pubs)
	}
}

func TestBuildkite(t *testing.T) {
	const p = ".buildkite/pipeline.yml"
	s := Parse(treeOf(map[string]string{p: `env:
  GOFLAGS: -trimpath
steps:
  - label: ":go: test"
    key: test
    command: go test ./...
    plugins:
      - docker#v5.11.0:
          image: golang:1.23
  - wait
  - group: release
    steps:
      - label: publish
        commands:
          - goreleaser release --clean
          - cosign sign --yes $IMAGE
  - block: ":rocket: deploy?"
  - trigger: deploy-pipeline
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != Buildkite {
		t.Fatalf("file = %+v", f)
	}
	if diff := cmp.Diff([]string{"test", "2"}, jobIDs(f)); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":8 docker v5.11.0"}, libs(f)); diff != "" {
		t.Errorf("plugins (-want +got):\n%s", diff)
	}
	tj := job(t, s, p, "test")
	if diff := cmp.Diff([]string{p + ":9 image golang:1.23"}, images(tj)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":6 go test ./..."}, commands(tj)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":15 goreleaser release --clean", p + ":16 cosign sign --yes $IMAGE"}, commands(job(t, s, p, "2"))); diff != "" {
		t.Errorf("group commands (-want +got):\n%s", diff)
	}
}

func TestDroneAndWoodpecker(t *testing.T) {
	s := Parse(treeOf(map[string]string{
		".drone.yml": `kind: pipeline
type: docker
name: default
steps:
  - name: test
    image: golang:1.23
    commands:
      - go test ./...
  - name: publish
    image: plugins/docker@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    settings:
      repo: acme/app
services:
  - name: cache
    image: redis
---
kind: secret
name: token
get: {path: x}
`,
		".woodpecker/build.yml": `steps:
  build:
    image: node:20
    commands:
      - npm ci
      - npm run build
services:
  db:
    image: postgres:16
`,
		".woodpecker.yml": `pipeline:
  test:
    image: alpine:3.20
    commands: [apk add make, make test]
`,
	}))
	d := job(t, s, ".drone.yml", "default")
	if f := s.File(".drone.yml"); f.System != Drone || len(f.Jobs) != 1 || f.Problem != "" {
		t.Errorf("drone file = %+v", f)
	}
	if diff := cmp.Diff([]string{
		".drone.yml:15 service redis",
		".drone.yml:6 step golang:1.23",
		".drone.yml:10 step plugins/docker@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}, images(d)); diff != "" {
		t.Errorf("drone images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".drone.yml:8 go test ./..."}, commands(d)); diff != "" {
		t.Errorf("drone commands (-want +got):\n%s", diff)
	}
	if v, _ := d.Steps[1].Input("repo"); v != "acme/app" {
		t.Errorf("drone settings repo = %q", v)
	}
	w := job(t, s, ".woodpecker/build.yml", "build")
	if s.File(".woodpecker/build.yml").System != Woodpecker {
		t.Error("woodpecker system")
	}
	if diff := cmp.Diff([]string{".woodpecker/build.yml:9 service postgres:16", ".woodpecker/build.yml:3 step node:20"}, images(w)); diff != "" {
		t.Errorf("woodpecker images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".woodpecker/build.yml:5 npm ci", ".woodpecker/build.yml:6 npm run build"}, commands(w)); diff != "" {
		t.Errorf("woodpecker commands (-want +got):\n%s", diff)
	}
	old := job(t, s, ".woodpecker.yml", ".woodpecker")
	if diff := cmp.Diff([]string{".woodpecker.yml:4 apk add make", ".woodpecker.yml:4 make test"}, commands(old)); diff != "" {
		t.Errorf("legacy woodpecker commands (-want +got):\n%s", diff)
	}
}

func TestTravis(t *testing.T) {
	const p = ".travis.yml"
	s := Parse(treeOf(map[string]string{p: `language: python
env:
  global:
    - PIP_REQUIRE_HASHES=1 FOO="bar baz"
install: pip install -r requirements.txt --require-hashes
script:
  - pytest
  - bandit -r src
deploy:
  provider: script
  script: twine upload dist/*
jobs:
  include:
    - stage: lint
      name: flake8
      script: flake8
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != Travis {
		t.Fatalf("file = %+v", f)
	}
	if v, _ := lookup(f.Env, "PIP_REQUIRE_HASHES"); v != "1" {
		t.Errorf("env = %+v", f.Env)
	}
	if diff := cmp.Diff([]string{"default", "flake8"}, jobIDs(f)); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	want := []string{
		p + ":5 pip install -r requirements.txt --require-hashes",
		p + ":7 pytest",
		p + ":8 bandit -r src",
		p + ":11 twine upload dist/*",
	}
	if diff := cmp.Diff(want, commands(job(t, s, p, "default"))); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":16 flake8"}, commands(job(t, s, p, "flake8"))); diff != "" {
		t.Errorf("include commands (-want +got):\n%s", diff)
	}
}

// Files of the new systems that do not parse keep their problem, as the
// other systems' files do.
func TestSystemsProblems(t *testing.T) {
	s := Parse(treeOf(map[string]string{
		".travis.yml":             "script: [\n",
		".circleci/config.yml":    "- a list\n",
		"bitbucket-pipelines.yml": "",
		"dinghyfile":              `{"application": "{{ var "app" `,
	}))
	for _, p := range []string{".travis.yml", ".circleci/config.yml", "bitbucket-pipelines.yml", "dinghyfile"} {
		if f := s.File(p); f == nil || f.Problem == "" {
			t.Errorf("%s: no problem recorded (%+v)", p, f)
		}
	}
}

// Every corpus file of the kinds dinghyfile and argocd is recognised as
// its system, without a problem, wherever it sits.
func TestCorpusDinghyArgoRecognised(t *testing.T) {
	dir := corpusDir(t)
	n := 0
	for _, kind := range []string{"dinghyfile", "argocd"} {
		ents, err := os.ReadDir(filepath.Join(dir, kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, kind, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			p := "deploy/" + e.Name()
			if kind == "dinghyfile" && !strings.HasSuffix(e.Name(), ".module") {
				p = "deploy/dinghyfile"
			}
			tree := treeOf(map[string]string{p: string(b)})
			s := Parse(tree)
			f := s.File(p)
			switch {
			case f == nil:
				t.Errorf("%s: not recognised (skipped: %v)", e.Name(), s.ArgoSkipped)
			case f.Problem != "":
				t.Errorf("%s: %s", e.Name(), f.Problem)
			case kind == "argocd" && (f.System != ArgoCD || len(f.Argo) == 0):
				t.Errorf("%s: system %s, %d Argo documents", e.Name(), f.System, len(f.Argo))
			case kind == "dinghyfile" && f.System != SpinnakerDinghy:
				t.Errorf("%s: system %s", e.Name(), f.System)
			}
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d corpus files", n)
	}
}

// Every corpus pipeline file, at its original path, is (or, where SPEC's
// names exclude it, is not) a pipeline definition of its system.
func TestCorpusDefinitions(t *testing.T) {
	kindSystem := map[string]System{
		"github-workflows": GitHubActions, "gitlab-ci": GitLabCI, "jenkinsfile": Jenkins,
		"tekton": Tekton, "dinghyfile": SpinnakerDinghy, "argocd": ArgoCD,
	}
	// Not definitions by SPEC's names: GitLab include files, a GitLab file
	// outside the root, Jenkinsfile-<suffix>, a Tekton file in a
	// subdirectory of .tekton/, a Dinghy module.
	notDefinitions := map[string]bool{
		".gitlab/ci/common.yml": true, ".gitlab/ci/asv.yml": true, ".gitlab/ci/release.gitlab-ci.yml": true,
		".gitlab/ci/_common.gitlab-ci.yml": true, ".gitlab/ci/test.gitlab-ci.yml": true,
		"templates/gitlab/python-backend/skeleton/.gitlab-ci.yml": true, "scanner/testdata/.gitlab-ci.yml": true,
		"Jenkinsfile-PreCommit": true, "Jenkinsfile-owasp": true, "Jenkinsfile-s390x": true,
		".tekton/tasks/goreleaser.yaml": true, "example/wait.stage.module": true,
	}
	counts := map[System]int{}
	for _, c := range sharedtest.Corpus(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton", "dinghyfile", "argocd") {
		want, ok := kindSystem[c.Kind]
		if !ok {
			continue
		}
		text, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		p := c.Path
		if notDefinitions[p] {
			want = ""
		}
		tree := treeOf(map[string]string{p: string(text)})
		var got System
		if defs := Definitions(tree.Files, Parse(tree)); len(defs) == 1 && defs[0].Path == p {
			got = defs[0].System
		} else if len(defs) > 1 {
			t.Errorf("%s %s: %d definitions", c.Repo, p, len(defs))
		}
		if got != want {
			t.Errorf("%s %s: system %q, want %q", c.Repo, p, got, want)
		}
		counts[got]++
	}
	wantCounts := map[System]int{GitHubActions: 57, GitLabCI: 6, Jenkins: 5, Tekton: 9, SpinnakerDinghy: 2, ArgoCD: 9, "": 12}
	if diff := cmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("files per system (-want +got):\n%s", diff)
	}
}

// Hostile inputs to the parsers of this file stay bounded and never panic.
func TestSystemsHostile(t *testing.T) {
	bomb, last := aliasBomb(12)
	mbomb, mlast := mergeBomb(12)
	cases := map[string]string{
		".travis.yml":                 bomb + "script: " + last + "\nenv: " + last + "\n",
		"bitbucket-pipelines.yml":     bomb + "pipelines:\n  default:\n    - step: {script: " + last + "}\n" + "    - parallel: " + last + "\n",
		".circleci/config.yml":        mbomb + "jobs:\n  a: " + mlast + "\n",
		"azure-pipelines.yml":         bomb + "steps:\n  - script: " + last + "\nstages: " + last + "\n",
		".buildkite/pipeline.yml":     bomb + "steps: " + last + "\n",
		".drone.yml":                  bomb + "steps: " + last + "\nservices: " + last + "\n",
		".woodpecker/a.yml":           "steps: " + strings.Repeat("{a: ", 5000) + strings.Repeat("}", 5000) + "\n",
		"apps/app.yaml":               "apiVersion: argoproj.io/v1\nkind: ApplicationSet\n" + bomb + "spec:\n  generators: " + last + "\n",
		"dinghyfile":                  strings.Repeat(`{"stages": [`, 20000),
		"x.module":                    "{" + strings.Repeat("{{", 10000),
		"bitbucket-pipelines.yml.bak": bomb,
	}
	for p, text := range cases {
		t.Run(p, func(t *testing.T) {
			start := time.Now()
			s := Parse(treeOf(map[string]string{p: text}))
			for _, j := range s.Jobs() {
				for _, st := range j.Steps {
					_ = st.Run.Commands()
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			for _, f := range s.Files {
				if strings.Contains(f.Problem, "internal error") {
					t.Errorf("%s: %s", f.Path, f.Problem)
				}
			}
		})
	}
}

func FuzzSystems(f *testing.F) {
	f.Add("azure-pipelines.yml", "resources: {containers: [{container: c, image: x}]}\njobs:\n- job: a\n  container: c\n  steps: [{script: make}, {task: Bash@3, inputs: {script: ls}}]\n")
	f.Add(".circleci/config.yml", "orbs: {n: circleci/node@5}\njobs: {a: {docker: [{image: x}], steps: [{run: {command: make}}]}}\n")
	f.Add("bitbucket-pipelines.yml", "image: x\npipelines: {default: [{step: {script: [make, {pipe: 'a/b:1'}]}}]}\n")
	f.Add(".buildkite/pipeline.yml", "steps: [{command: make, plugins: [{docker#v5: {image: x}}]}, wait, {group: g, steps: [{commands: [a]}]}]\n")
	f.Add(".drone.yml", "kind: pipeline\nsteps: [{name: a, image: x, commands: [make]}]\n---\nkind: secret\n")
	f.Add(".woodpecker.yml", "steps: {a: {image: x, commands: [make]}}\n")
	f.Add(".travis.yml", "env: {global: [A=1]}\nscript: [make]\njobs: {include: [{script: x}]}\n")
	f.Add("dinghyfile", `{"pipelines": [{"name": "p", "stages": [{{ module "m" }}, {"type": "wait"}]}]}`)
	f.Add("a/b.module", `{"type": "wait", "refId": "{{ var "r" }}"}`)
	f.Add("apps/app.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {source: {repoURL: x}}\n")
	f.Add("Jenkinsfile", "node('x') { docker.image('y').inside { sh \"\"\"make\"\"\" } }\n")
	f.Fuzz(func(t *testing.T, p, text string) {
		s := Parse(treeOf(map[string]string{p: text}))
		_ = Definitions([]string{p}, s)
		for _, j := range s.Jobs() {
			for _, st := range j.Steps {
				_ = st.Run.Commands()
			}
		}
		for _, f := range s.Files {
			if strings.Contains(f.Problem, "internal error") {
				t.Errorf("%s: %s", f.Path, f.Problem)
			}
		}
	})
}

// One anchored script or list reused by many jobs keeps the model within
// the file's budget instead of growing with the product.
func TestSystemsAliasReuseBounded(t *testing.T) {
	const n = 2000
	var script strings.Builder
	for range n {
		script.WriteString("      - make\n")
	}
	bb := "definitions:\n  steps:\n    - step: &s\n        script:\n" + strings.ReplaceAll(script.String(), "      -", "          -") +
		"pipelines:\n  default:\n" + strings.Repeat("    - step: *s\n", n)
	travis := "x: &s\n" + strings.ReplaceAll(script.String(), "      -", "  -") + "jobs:\n  include:\n" + strings.Repeat("    - {script: *s, install: *s}\n", n)
	drone := "x: &s\n" + strings.Repeat("  - {name: a, image: alpine, commands: [make]}\n", n) + "kind: pipeline\nsteps: *s\nservices: *s\n"
	for p, text := range map[string]string{"bitbucket-pipelines.yml": bb, ".travis.yml": travis, ".drone.yml": drone} {
		start := time.Now()
		s := Parse(treeOf(map[string]string{p: text}))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", p, d)
		}
		items := 0
		for _, j := range s.Jobs() {
			items += 1 + len(j.Images)
			for _, st := range j.Steps {
				items++
				if st.Run != nil {
					items += len(st.Run.Parts)
				}
			}
		}
		if limit := 2 * (baseBudget + len(text)); items > limit {
			t.Errorf("%s: model of %d items for %d bytes", p, items, len(text))
		}
		if f := s.File(p); p != ".drone.yml" && !strings.Contains(f.Problem, "alias budget") {
			t.Errorf("%s: problem %q", p, f.Problem)
		}
	}
}
