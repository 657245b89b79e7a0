// Package buildprovenance implements the check build-provenance (PO.3.2): a
// pipeline generates signed SLSA provenance for what it builds.
package buildprovenance

import (
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/evidence"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is build-provenance.
var Check = &check.Check{
	ID:      "build-provenance",
	Title:   "Pipelines generate signed SLSA provenance",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `A pipeline generates signed SLSA provenance for the artifacts it builds, so that anyone can verify where, from what source and by which build an artifact was made.

The recognisers are exhaustive (` + "`mechanism`" + ` in the details):

- ` + "`slsa-github-generator`" + ` — a job calling a ` + "`slsa-framework/slsa-github-generator`" + ` reusable workflow (` + "`.github/workflows/…`" + `);
- ` + "`actions/attest-build-provenance`" + `, and ` + "`actions/attest`" + ` with an SLSA predicate type (` + "`predicate-type`" + ` an https://slsa.dev/provenance/ URI) or in its default mode, which is build provenance (no ` + "`predicate-type`, `predicate`, `predicate-path` or `sbom-path`" + `);
- ` + "`goreleaser-attestations`" + ` — GoReleaser attestations: those same actions in a job that runs GoReleaser (GoReleaser's documented way of attesting its artifacts);
- ` + "`cosign-attest-slsa`" + ` — ` + "`cosign attest`" + ` (or ` + "`attest-blob`" + `) with ` + "`--type`" + ` ` + "`slsaprovenance`, `slsaprovenance02`, `slsaprovenance1`" + ` or an https://slsa.dev/provenance/ URI;
- ` + "`konflux`" + ` — a ` + "`.tekton/`" + ` PipelineRun with an ` + "`appstudio.openshift.io/*`" + ` label: Konflux builds it and Tekton Chains signs its provenance;
- ` + "`gitlab-artifacts-metadata`" + ` — GitLab ` + "`RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"`" + ` in the global or a job's ` + "`variables:`" + `;
- ` + "`witness`" + ` — ` + "`witness run`" + `, or the witness-run-action;
- ` + "`npm-provenance`" + ` — ` + "`npm publish --provenance`" + ` (also through ` + "`pnpm publish --provenance`" + ` or ` + "`yarn npm publish --provenance`" + `, or JS-DevTools/npm-publish with ` + "`provenance: true`" + `, which runs it), or an npm publication where every published ` + "`package.json`" + ` (named, not private) sets ` + "`\"publishConfig\": {\"provenance\": true}`" + ` — npm's documented equivalent of the flag; ` + "`NPM_CONFIG_PROVENANCE`" + ` alone does not count;
- ` + "`docker-provenance-cosign`" + ` — ` + "`docker/build-push-action`" + ` with a ` + "`provenance:`" + ` input other than ` + "`false`" + `, when the same job also signs the image with ` + "`cosign sign`" + `.

Only pipelines that run in this repository count: a reusable workflow of this repository counts only when a workflow of this repository calls it (likewise a local composite action, a Tekton Task a run refers to, a GitLab hidden job through the jobs that extend it).

A step's commands include those of the repository scripts and make targets it runs, followed from the snapshot: a command whose program is a path (` + "`./build.sh`, `scripts/release.sh`, `.\\Build.ps1`" + `) or a shell's script operand (` + "`bash scripts/x.sh`, `pwsh -File Build.ps1`" + `; not node or python), read when collected (` + "`*.sh`, `*.bash`, `*.ps1`" + `; not over the size cap, not a symlink; PowerShell read by words), and ` + "`make [TARGET]`" + ` (the default goal without one) through the target's prerequisites and recipes in the Makefile make reads and the files it includes; two levels deep, each script and target once per step. Their evidence and publications sit at the script's or Makefile's line, and the finding names the pipeline command that runs it.

**pass** — a pipeline generates signed SLSA provenance. Details: ` + "`provenance`" + ` (up to 20 ` + "`{mechanism, path, line}`" + `) and ` + "`publishes`" + `.

**not-applicable** — no pipeline builds or publishes an artifact. The list is exhaustive (` + "`publishes`" + ` in the details): ` + "`docker-push`" + ` (` + "`docker push`" + `, ` + "`docker image push`, `docker manifest push`" + `, ` + "`docker build`/`docker buildx build`/`docker buildx bake`" + ` with ` + "`--push`" + ` or a registry output), ` + "`docker/build-push-action`" + ` with ` + "`push:`" + ` other than false or an ` + "`outputs:`" + ` exporter that pushes (` + "`type=image,push=true`, `type=registry`" + `), ` + "`npm-publish`" + ` (a publication to the npm registry: ` + "`npm publish`" + `, and the same through ` + "`pnpm publish`, `yarn publish`, `yarn npm publish`, `changeset publish`, `lerna publish`" + `, changesets/action with ` + "`publish:`" + `, JS-DevTools/npm-publish), ` + "`pypi-publish`" + ` (pypa/gh-action-pypi-publish, ` + "`twine upload`, `poetry`/`uv`/`flit`/`hatch`/`pdm publish`" + `), ` + "`goreleaser`" + ` (the action or command, except ` + "`check`" + `-like subcommands), ` + "`cargo-publish`" + ` (` + "`cargo publish`, `release-plz release`" + `, release-plz/action with ` + "`command: release`" + ` or none), ` + "`mvn-deploy`" + ` (a ` + "`deploy`" + ` phase or ` + "`deploy:*`" + ` goal), ` + "`gradle-publish`" + ` (a ` + "`publish*`" + ` task other than ` + "`publishToMavenLocal`" + `), ` + "`dotnet-nuget-push`" + ` (` + "`dotnet nuget push`, `nuget push`" + `), ` + "`release-upload`" + ` (` + "`gh`/`glab release upload`" + `, ` + "`gh`/`glab release create`" + ` with files, release actions with files, ` + "`helm/chart-releaser-action`" + ` and its ` + "`cr upload`" + `, any other remote action whose name says ` + "`release`" + ` (not release-drafter or release-please) given files to attach: ` + "`assets`, `files`, `artifacts`, `asset_path`, `file`" + `, and actions named for attaching files to a release: ` + "`publish-binaries`, `upload-release-asset`, `upload-to-github-release`, `upload-release-artifact`" + `), and ` + "`konflux`" + ` (a Konflux PipelineRun); and ` + "`remote-reusable-workflow`" + ` — a job calling a reusable workflow of another repository whose file name says it publishes (it holds ` + "`goreleaser`" + ` or ` + "`publish`" + `, and not ` + "`release-drafter`, `release-please`, `release-notes` or `label`" + `; a bare ` + "`release`" + ` says too little): its content is not read, so the provenance it may generate does not count (only this repository's workflows do), and the finding says so.

**fail** — a pipeline builds or publishes an artifact and none generates signed SLSA provenance; one finding per publishing step.

**unknown** — no provenance is found, and a pipeline file could not be read or parsed (the provenance step may be in it), or the walk of the repository was cut short.`,
	Remediation: "Generate signed SLSA provenance in the job that builds the release. On GitHub, give the job `permissions: {id-token: write, attestations: write}` and add, after the build, `- uses: actions/attest-build-provenance@4d101475d8b20a2381f78447822ac1eab6504dd8 # v4.2.2` with `with: {subject-path: \"dist/*\"}` (for an image: `subject-name: ghcr.io/OWNER/IMAGE` and `subject-digest: ${{ steps.push.outputs.digest }}`), or call `slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0` (referenced by tag, as SLSA requires; pipeline-pinned-actions, which asks a full SHA of every reusable workflow, then needs a policy exception for that workflow file). Elsewhere: `npm publish --provenance`, `cosign attest --type slsaprovenance1 --predicate provenance.json IMAGE`, `witness run --step build -- make`, `RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"` in GitLab `variables:`, or a Konflux build (Tekton Chains signs its provenance).",
	Run:         run,
}

// Item is one recognised provenance generator or publication.
type Item = evidence.Item

type details struct {
	Provenance []Item `json:"provenance"`
	Publishes  []Item `json:"publishes"`
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	found := set.Provenance()
	d := details{Provenance: evidence.Items(found), Publishes: evidence.Items(set.Publishes())}
	return evidence.Judge(p, set, found, d, evidence.Wording{
		Found:   "a pipeline generates signed SLSA provenance",
		Missing: "SLSA provenance",
		None:    "generates signed SLSA provenance",
		Finding: "signed SLSA provenance from any pipeline",
	})
}
