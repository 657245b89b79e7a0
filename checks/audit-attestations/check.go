// Package auditattestations implements the check audit-attestations
// (PO.3.3): a pipeline publishes in-toto attestations.
package auditattestations

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/evidence"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is audit-attestations.
var Check = &check.Check{
	ID:      "audit-attestations",
	Title:   "Pipelines publish in-toto attestations",
	Tasks:   []string{"PO.3.3"},
	Sources: []check.Source{check.Files},
	Doc: `A pipeline publishes in-toto attestations (provenance, scan results, test results), so that what was built, scanned and released leaves a signed audit trail.

The recognisers are exhaustive (` + "`mechanism`" + ` in the details):

- everything ` + "`build-provenance`" + ` recognises: ` + "`slsa-github-generator`" + ` (a job calling a slsa-framework/slsa-github-generator reusable workflow); ` + "`actions/attest-build-provenance`" + `, and ` + "`actions/attest`" + ` with an SLSA predicate type or in its default provenance mode (both reported as ` + "`goreleaser-attestations`" + ` in a job that runs GoReleaser); ` + "`cosign-attest-slsa`" + ` (` + "`cosign attest`" + ` with ` + "`--type`" + ` slsaprovenance* or an https://slsa.dev/provenance/ URI); ` + "`konflux`" + ` (a ` + "`.tekton/`" + ` PipelineRun labelled ` + "`appstudio.openshift.io/*`" + `, built and signed by Tekton Chains); ` + "`gitlab-artifacts-metadata`" + ` (GitLab ` + "`RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"`" + `); ` + "`witness`" + ` (` + "`witness run`" + `, witness-run-action); ` + "`npm-provenance`" + ` (` + "`npm publish --provenance`" + `); ` + "`docker-provenance-cosign`" + ` (docker/build-push-action with ` + "`provenance:`" + ` in a job that also runs ` + "`cosign sign`" + `);
- ` + "`ssdf-attest`" + ` — ` + "`ssdf attest`" + `, ` + "`ssdf scan --attest`" + `, or the ssdf action asked to attest;
- any other ` + "`actions/attest*`" + ` action (` + "`actions/attest`" + ` with another predicate, ` + "`actions/attest-sbom`" + `);
- ` + "`cosign-attest`" + ` — any other ` + "`cosign attest`" + ` or ` + "`cosign attest-blob`" + `;
- ` + "`in-toto-run`" + `;
- ` + "`pypi-pep740`" + ` — PEP 740 attestations of pypa/gh-action-pypi-publish: on by default from v1.11 (the version is read from the tag, or from the version comment after a SHA; a release branch such as ` + "`release/v1`" + ` counts), unless ` + "`attestations: false`" + ` or the step publishes with a ` + "`password:`" + ` (attestations need Trusted Publishing). A step pinned to a commit SHA with no version comment (or to an expression) does not show its version: it is undecided.

Only pipelines that run in this repository count: a reusable workflow or composite action of the repository counts when a workflow of the repository uses it, a Tekton Task when a run refers to it, a GitLab hidden job through the jobs that extend it. A step's commands include those of the repository scripts (` + "`./build.sh`, `bash scripts/x.sh`, `pwsh ./Build.ps1`" + `) and make targets it runs, followed as ` + "`build-provenance`" + ` says.

**pass** — an attestation is published. Details: ` + "`attestations`" + ` (up to 20 ` + "`{mechanism, path, line}`" + `) and ` + "`publishes`" + `.

**not-applicable** — no pipeline builds or publishes an artifact. The list is exhaustive: ` + "`docker push`" + ` (and ` + "`docker buildx build --push`" + `), docker/build-push-action with ` + "`push:`" + `, ` + "`npm publish`" + `, PyPI publishing (pypa/gh-action-pypi-publish, ` + "`twine upload`" + `, ` + "`poetry`/`uv`/`flit`/`hatch`/`pdm publish`" + `), GoReleaser, ` + "`cargo publish`" + `, ` + "`mvn deploy`" + `, ` + "`gradle publish*`" + `, ` + "`dotnet nuget push`" + `, release uploads (` + "`gh`/`glab release upload`" + `, release actions with files), Konflux PipelineRuns, and a job calling another repository's reusable workflow whose file name says it publishes (` + "`remote-reusable-workflow`" + `: ` + "`goreleaser`, `publish`, `release`" + `, not ` + "`release-drafter`, `release-please`, `release-notes`, `label`" + `; not read).

**fail** — a pipeline builds or publishes an artifact and none publishes an attestation; one finding per publishing step.

**unknown** — nothing is attested, and a pipeline file could not be read or parsed, or the walk was cut short, or a pypa/gh-action-pypi-publish step is undecided (its version cannot be read, so whether it attaches PEP 740 attestations cannot be told; one finding per such step).`,
	Remediation: "Publish an in-toto attestation from the pipeline that releases: on GitHub add `actions/attest-build-provenance` (or call `slsa-framework/slsa-github-generator`) after the build, give the job `id-token: write` and `attestations: write`, and keep PyPI publishing on Trusted Publishing so that `pypa/gh-action-pypi-publish` attaches PEP 740 attestations; elsewhere run `cosign attest --type slsaprovenance1` or `witness run`, use `npm publish --provenance`, set `RUNNER_GENERATE_ARTIFACTS_METADATA: \"true\"` on GitLab, or build on Konflux. `ssdf scan --attest` records the scan itself as a signed in-toto statement.",
	Run:         run,
}

// Item is one recognised attestation or publication.
type Item = evidence.Item

type details struct {
	Attestations []Item `json:"attestations"`
	Publishes    []Item `json:"publishes"`
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	found := set.Attestations()
	d := details{Attestations: evidence.Items(found), Publishes: evidence.Items(set.Publishes())}
	if undecided := set.UndecidedAttestations(); len(found) == 0 && len(undecided) > 0 {
		// Never fail on what could not be read: the version decides.
		r := check.Result{Status: check.Unknown, Details: d,
			Reason: fmt.Sprintf("no pipeline is seen to publish an in-toto attestation, but %d pypa/gh-action-pypi-publish steps do not show their version (PEP 740 attestations are on by default from v1.11)", len(undecided))}
		for _, e := range undecided {
			r.Findings = append(r.Findings, check.Finding{Path: e.Path, Line: e.Line,
				Message: fmt.Sprintf("`%s` is pinned to a commit without a version comment, so whether it attaches PEP 740 attestations cannot be told; add the version after the SHA (`# v1.12.4`)", evidence.Clip(e.Text))})
		}
		return r
	}
	return evidence.Judge(p, set, found, d, evidence.Wording{
		Found:   "a pipeline publishes in-toto attestations",
		Missing: "in-toto attestation",
		None:    "publishes an in-toto attestation",
		Finding: "in-toto attestation in any pipeline",
	})
}
