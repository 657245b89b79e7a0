package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func evidence(es []Evidence) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Loc()+" "+e.Mechanism)
	}
	return out
}

func wf(steps string) string {
	return "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
}

const w = ".github/workflows/w.yml"

func TestRecognisers(t *testing.T) {
	for _, tc := range []struct {
		name           string
		files          map[string]string
		prov, att, pub []string
	}{{
		name: "attest-build-provenance after docker push",
		files: map[string]string{w: wf(`      - run: docker push ghcr.io/a/b:1
      - uses: actions/attest-build-provenance@v2
        with: {subject-name: ghcr.io/a/b, subject-digest: "sha256:x"}
`)},
		prov: []string{w + ":7 actions/attest-build-provenance"},
		att:  []string{w + ":7 actions/attest-build-provenance"},
		pub:  []string{w + ":6 docker-push"},
	}, {
		name: "actions/attest default mode, sbom mode and custom predicate",
		files: map[string]string{w: wf(`      - uses: actions/attest@v4
        with: {subject-path: dist/*}
      - uses: actions/attest@v4
        with: {subject-path: dist/*, sbom-path: sbom.json}
      - uses: actions/attest@v2
        with: {subject-path: x, predicate-type: "https://slsa.dev/provenance/v1", predicate-path: p.json}
      - uses: actions/attest@v2
        with: {subject-path: x, predicate-type: "https://example.com/test/v1", predicate: "{}"}
      - uses: actions/attest-sbom@v2
        with: {subject-path: x, sbom-path: s.json}
`)},
		prov: []string{w + ":6 actions/attest", w + ":10 actions/attest"},
		att:  []string{w + ":6 actions/attest", w + ":8 actions/attest", w + ":10 actions/attest", w + ":12 actions/attest", w + ":14 actions/attest-sbom"},
	}, {
		name: "goreleaser with attestations",
		files: map[string]string{w: wf(`      - uses: goreleaser/goreleaser-action@v6
        with: {args: release --clean}
      - uses: actions/attest-build-provenance@v2
        with: {subject-checksums: ./dist/checksums.txt}
`)},
		prov: []string{w + ":8 goreleaser-attestations"},
		att:  []string{w + ":8 goreleaser-attestations"},
		pub:  []string{w + ":6 goreleaser"},
	}, {
		name: "goreleaser check does not publish",
		files: map[string]string{w: wf(`      - uses: goreleaser/goreleaser-action@v6
        with: {args: check}
      - run: goreleaser healthcheck
`)},
	}, {
		name: "cosign attest with and without an SLSA type",
		files: map[string]string{w: wf(`      - run: |
          cosign attest --yes --type slsaprovenance1 --predicate p.json img
          cosign attest --type=spdxjson --predicate s.json img
          cosign attest-blob --type https://slsa.dev/provenance/v1 --predicate p.json f
          cosign sign --yes img
`)},
		prov: []string{w + ":7 cosign-attest-slsa", w + ":9 cosign-attest-slsa"},
		att:  []string{w + ":7 cosign-attest-slsa", w + ":8 cosign-attest", w + ":9 cosign-attest-slsa"},
	}, {
		name: "build-push-action provenance counts only with cosign sign in the job",
		files: map[string]string{
			w: wf(`      - uses: docker/build-push-action@v6
        with: {push: true, provenance: mode=max, tags: a/b:1}
      - run: cosign sign --yes a/b@${{ steps.b.outputs.digest }}
`),
			".github/workflows/nosign.yml": wf(`      - uses: docker/build-push-action@v6
        with: {push: "${{ github.event_name != 'pull_request' }}", provenance: true}
      - uses: docker/build-push-action@v6
        with: {push: false}
`)},
		prov: []string{w + ":6 docker-provenance-cosign"},
		att:  []string{w + ":6 docker-provenance-cosign"},
		pub:  []string{".github/workflows/nosign.yml:6 docker/build-push-action", w + ":6 docker/build-push-action"},
	}, {
		// SPEC's lists are exhaustive: `npm publish` publishes (not pnpm or
		// yarn publish), and only `--provenance` on its command line asks
		// for provenance (not NPM_CONFIG_PROVENANCE).
		name: "npm publish with and without provenance",
		files: map[string]string{w: wf(`      - run: npm publish --provenance --access public
      - run: npm publish
        env: {NPM_CONFIG_PROVENANCE: "true"}
      - run: NPM_CONFIG_PROVENANCE=false npm publish
      - run: pnpm publish --no-git-checks
      - run: yarn npm publish --provenance
      - run: npm publish --provenance=false
`)},
		// pnpm and yarn publish to npm too, with npm's provenance when
		// asked on the command line.
		prov: []string{w + ":6 npm-provenance", w + ":11 npm-provenance"},
		att:  []string{w + ":6 npm-provenance", w + ":11 npm-provenance"},
		pub:  []string{w + ":6 npm-publish", w + ":7 npm-publish", w + ":9 npm-publish", w + ":10 npm-publish", w + ":11 npm-publish", w + ":12 npm-publish"},
	}, {
		name: "PEP 740 by version, branch, password and opt-out",
		files: map[string]string{w: wf(`      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4
      - uses: pypa/gh-action-pypi-publish@release/v1
      - uses: pypa/gh-action-pypi-publish@v1.10.3
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: {password: "${{ secrets.PYPI }}"}
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: {attestations: false}
      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc
`)},
		att: []string{w + ":6 pypi-pep740", w + ":7 pypi-pep740"},
		pub: []string{w + ":6 pypi-publish", w + ":7 pypi-publish", w + ":8 pypi-publish", w + ":9 pypi-publish", w + ":11 pypi-publish", w + ":13 pypi-publish"},
	}, {
		name: "ssdf, in-toto and witness",
		files: map[string]string{w: wf(`      - run: ssdf scan --attest --key k.pem
      - run: ssdf scan
      - run: ssdf attest report.json
      - run: in-toto-run --step-name build -- make
      - run: witness run --step build -- make
      - uses: ssdf-dev/ssdf@v1
        with: {attest: true}
      - uses: testifysec/witness-run-action@v1
`)},
		prov: []string{w + ":10 witness", w + ":13 witness"},
		att:  []string{w + ":6 ssdf-attest", w + ":8 ssdf-attest", w + ":9 in-toto-run", w + ":10 witness", w + ":11 ssdf-attest", w + ":13 witness"},
	}, {
		name: "slsa-github-generator reusable workflow",
		files: map[string]string{w: `on: {push: {tags: ["v*"]}}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: cargo publish
  provenance:
    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0
`},
		prov: []string{w + ":8 slsa-github-generator"},
		att:  []string{w + ":8 slsa-github-generator"},
		pub:  []string{w + ":6 cargo-publish"},
	}, {
		name: "a reusable workflow counts only when called",
		files: map[string]string{
			".github/workflows/release.yml": "on: workflow_call\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: twine upload dist/*\n      - uses: actions/attest-build-provenance@v2\n",
			".github/workflows/orphan.yml":  "on: workflow_call\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: gh release upload v1 dist/a.tgz\n      - uses: actions/attest-build-provenance@v2\n",
			".github/workflows/main.yml":    "on: push\njobs:\n  call:\n    uses: ./.github/workflows/release.yml\n",
		},
		prov: []string{".github/workflows/release.yml:7 actions/attest-build-provenance"},
		att:  []string{".github/workflows/release.yml:7 actions/attest-build-provenance"},
		pub:  []string{".github/workflows/release.yml:6 pypi-publish"},
	}, {
		name: "publishing commands",
		files: map[string]string{w: wf(`      - run: |
          ./mvnw -B clean deploy -DskipTests
          mvn verify
          ./gradlew :lib:publishAllPublicationsToCentralRepository
          ./gradlew publishToMavenLocal
          dotnet nuget push "*.nupkg" --api-key k
          gh release create v1 --title T --notes N
          gh release create v1 --notes N dist/a.tgz
          docker buildx build --push -t a/b .
          docker build -t a/b .
          poetry publish --build
          sudo -E docker image push a/b
`)},
		pub: []string{w + ":7 mvn-deploy", w + ":9 gradle-publish", w + ":11 dotnet-nuget-push", w + ":13 release-upload",
			w + ":14 docker-push", w + ":16 pypi-publish", w + ":17 docker-push"},
	}, {
		name: "release actions",
		files: map[string]string{w: wf(`      - uses: softprops/action-gh-release@v2
        with: {files: "dist/*"}
      - uses: softprops/action-gh-release@v2
        with: {body: notes only}
      - uses: ncipollo/release-action@v1
        with: {artifacts: "a.tgz"}
`)},
		pub: []string{w + ":6 release-upload", w + ":10 release-upload"},
	}, {
		name: "konflux and tekton pipelines-as-code",
		files: map[string]string{
			".tekton/push.yaml": `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: app-on-push
  labels:
    appstudio.openshift.io/application: app
  annotations:
    pipelinesascode.tekton.dev/on-event: push
spec:
  pipelineRef: {name: docker-build}
`,
			".tekton/pac.yaml": "kind: PipelineRun\nmetadata:\n  name: pr\n  annotations: {pipelinesascode.tekton.dev/on-event: pull_request}\n",
			"deploy/run.yaml":  "kind: PipelineRun\nmetadata:\n  labels: {appstudio.openshift.io/application: app}\n",
		},
		prov: []string{".tekton/push.yaml:1 konflux"},
		att:  []string{".tekton/push.yaml:1 konflux"},
		pub:  []string{".tekton/push.yaml:1 konflux"},
	}, {
		name: "gitlab artifacts metadata, global and per job",
		files: map[string]string{
			".gitlab-ci.yml": "variables:\n  RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"\nbuild:\n  script: [goreleaser release --clean]\n",
			".gitlab/ci/b.yml": ".meta:\n  variables: {RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"}\npkg:\n  extends: .meta\n  script: [cargo publish]\n" +
				"off:\n  variables: {RUNNER_GENERATE_ARTIFACTS_METADATA: \"false\"}\n  script: [twine upload dist/*]\n",
		},
		prov: []string{".gitlab-ci.yml:2 gitlab-artifacts-metadata", ".gitlab/ci/b.yml:2 gitlab-artifacts-metadata"},
		att:  []string{".gitlab-ci.yml:2 gitlab-artifacts-metadata", ".gitlab/ci/b.yml:2 gitlab-artifacts-metadata"},
		pub:  []string{".gitlab-ci.yml:4 goreleaser", ".gitlab/ci/b.yml:5 cargo-publish", ".gitlab/ci/b.yml:8 pypi-publish"},
	}, {
		name: "jenkins and tekton scripts",
		files: map[string]string{
			"Jenkinsfile":    "pipeline { stages { stage('release') { steps {\n  sh '''\n    mvn -B deploy\n    cosign attest --type slsaprovenance --predicate p img\n  '''\n} } } }\n",
			".tekton/t.yaml": "kind: TaskRun\nspec:\n  taskSpec:\n    steps:\n      - image: node:20\n        command: [sh, -c]\n        args: ['npm publish --provenance']\n",
		},
		prov: []string{".tekton/t.yaml:6 npm-provenance", "Jenkinsfile:4 cosign-attest-slsa"},
		att:  []string{".tekton/t.yaml:6 npm-provenance", "Jenkinsfile:4 cosign-attest-slsa"},
		pub:  []string{".tekton/t.yaml:6 npm-publish", "Jenkinsfile:3 mvn-deploy"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse(treeOf(tc.files))
			for _, f := range s.Files {
				if f.Problem != "" {
					t.Fatalf("%s: %s", f.Path, f.Problem)
				}
			}
			if diff := cmp.Diff(tc.prov, evidence(s.Provenance())); diff != "" {
				t.Errorf("provenance (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.att, evidence(s.Attestations())); diff != "" {
				t.Errorf("attestations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.pub, evidence(s.Publishes())); diff != "" {
				t.Errorf("publishes (-want +got):\n%s", diff)
			}
		})
	}
}

// Concrete facts from the corpus.
func TestCorpusRecognisers(t *testing.T) {
	for _, tc := range []struct {
		repo           string
		prov, att, pub []string
	}{{
		repo: "ossf/scorecard",
		prov: []string{".github/workflows/goreleaser.yaml:77 slsa-github-generator"},
		att:  []string{".github/workflows/goreleaser.yaml:77 slsa-github-generator"},
		pub:  []string{".github/workflows/goreleaser.yaml:55 goreleaser"},
	}, {
		repo: "sigstore/sigstore-python",
		prov: []string{".github/workflows/release.yml:96 actions/attest-build-provenance"},
		att:  []string{".github/workflows/release.yml:96 actions/attest-build-provenance", ".github/workflows/release.yml:111 pypi-pep740"},
		pub:  []string{".github/workflows/release.yml:111 pypi-publish", ".github/workflows/release.yml:129 release-upload"},
	}, {
		repo: "ossf/scorecard-action",
		prov: []string{".github/workflows/ghcr.yml:53 actions/attest-build-provenance"},
		att:  []string{".github/workflows/ghcr.yml:53 actions/attest-build-provenance"},
		pub:  []string{".github/workflows/ghcr.yml:45 docker/build-push-action"},
	}, {
		// release-binaries.yml (actions/attest) is only a reusable
		// workflow, and its caller is not in the corpus.
		repo: "zizmorcore/zizmor",
	}, {
		repo: "github/safe-settings",
		pub:  []string{".github/workflows/create-release.yml:60 docker/build-push-action"},
	}} {
		t.Run(tc.repo, func(t *testing.T) {
			s := repoSet(t, tc.repo, nil)
			if diff := cmp.Diff(tc.prov, evidence(s.Provenance())); diff != "" {
				t.Errorf("provenance (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.att, evidence(s.Attestations())); diff != "" {
				t.Errorf("attestations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.pub, evidence(s.Publishes())); diff != "" {
				t.Errorf("publishes (-want +got):\n%s", diff)
			}
		})
	}
	// Konflux: both PipelineRuns of release-service are builds with provenance.
	k := repoSet(t, "konflux-ci/release-service", nil)
	want := []string{".tekton/release-service-pull-request.yaml:1 konflux", ".tekton/release-service-push.yaml:1 konflux"}
	if diff := cmp.Diff(want, evidence(k.Provenance())); diff != "" {
		t.Errorf("konflux provenance (-want +got):\n%s", diff)
	}
	// With a caller, zizmor's release-binaries.yml attests its binaries.
	tree := repoTree(t, "zizmorcore/zizmor", nil)
	tree.Files = append(tree.Files, ".github/workflows/release.yml")
	tree.Contents[".github/workflows/release.yml"] = contentOf("on: {release: {types: [published]}}\njobs:\n  bin:\n    uses: ./.github/workflows/release-binaries.yml\n")
	z := Parse(tree)
	if diff := cmp.Diff([]string{".github/workflows/release-binaries.yml:95 actions/attest"}, evidence(z.Provenance())); diff != "" {
		t.Errorf("zizmor with caller (-want +got):\n%s", diff)
	}
}
