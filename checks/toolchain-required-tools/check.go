// Package toolchainrequiredtools implements the check
// toolchain-required-tools (PO.3.1): the pipelines contain every tool type
// that the policy requires.
package toolchainrequiredtools

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/pipeline/tools"
)

// Check is toolchain-required-tools.
var Check = &check.Check{
	ID:      "toolchain-required-tools",
	Title:   "The pipelines run every tool type the policy requires",
	Tasks:   []string{"PO.3.1"},
	Sources: []check.Source{check.Files, check.Policy},
	Doc: `The pipelines contain every tool type that the policy's ` + "`requiredTools`" + ` names: ` + "`sast`, `secret-scanning`, `dependency-scanning`, `sbom`, `signing`, `provenance`, `ssdf`, `container-scanning`, `iac-scanning`, `license-scanning`, `fuzzing`" + ` or ` + "`dast`" + `.

Tools are recognised in the pipelines that run in this repository — GitHub Actions workflows and the composite actions and reusable workflows they call, GitLab CI (with local includes, ` + "`extends:`" + `, ` + "`!reference`" + ` and ` + "`default:`" + `), Jenkinsfiles and Tekton runs under ` + "`.tekton/`" + ` — by a catalogue (package ` + "`pipeline/tools`" + `) of GitHub actions (CodeQL, Semgrep, Gitleaks, TruffleHog, Trivy, Grype, OSV-Scanner, Syft, Cosign, dependency review, zizmor, Checkov, ssdf, …), container images, shell commands (` + "`semgrep`, `gitleaks`, `trivy fs`, `osv-scanner`, `syft`, `cosign sign`, `codeql database analyze`, `govulncheck`, `npm audit`, `pip-audit`, `cargo audit`, `ssdf scan`" + `, …), GitLab CI templates and components (` + "`Jobs/SAST`, `Security/Secret-Detection`, `components/sast`" + `, …) and Tekton tasks (Konflux ` + "`sast-*`" + `, ` + "`clair-scan`" + `, …). The ` + "`provenance`" + ` type is also met by every recogniser of signed SLSA provenance that ` + "`build-provenance`" + ` uses. A reusable workflow or composite action of this repository counts only when a workflow of the repository uses it; GitLab hidden jobs count through the jobs that extend them. A tool run by a repository script or make target that a pipeline step runs (` + "`./ci/scan.sh`, `bash scripts/x.sh`, `pwsh ./Build.ps1`, `make lint`" + `; followed as ` + "`build-provenance`" + ` says) is run by the pipeline.

**not-applicable** — the policy requires no tool type.

**pass** — every required type is found. Details: ` + "`required`" + `, ` + "`found`" + ` (for every type found, required or not, up to 20 ` + "`{tool, path, line}`" + `) and ` + "`missing`" + ` (empty).

**fail** — some required type is not found (one finding per missing type); also when the repository has no pipeline at all.

**unknown** — some required type is not found, and a pipeline file could not be read or parsed, or the walk was cut short: the type may be in what could not be seen.`,
	Remediation: "Add the missing tool types to the pipeline that runs on every change: for example CodeQL or Semgrep for `sast`, Gitleaks or TruffleHog for `secret-scanning`, OSV-Scanner, Trivy or dependency review for `dependency-scanning`, Syft for `sbom`, Cosign for `signing`, slsa-github-generator or actions/attest-build-provenance for `provenance`, and `ssdf scan` for `ssdf`. On GitLab, include the matching templates or components (`Jobs/SAST.gitlab-ci.yml`, `Jobs/Secret-Detection.gitlab-ci.yml`, …). `ssdf init` writes a pinned pipeline with the required tools; if a tool the repository runs is not recognised, run it under its usual name or ask for it to be added to the catalogue.",
	Run:         run,
}

// Found is one recognised tool.
type Found struct {
	Tool string `json:"tool"`
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
}

type details struct {
	Required []string           `json:"required"`
	Found    map[string][]Found `json:"found"`
	Missing  []string           `json:"missing"`
}

const maxPerType = 20

func run(p *check.Pass) check.Result {
	var required []string
	for _, t := range p.Policy.RequiredTools {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(required, t) {
			required = append(required, t)
		}
	}
	if len(required) == 0 {
		return check.Resultf(check.NotApplicable, "the policy requires no tool types (requiredTools is empty)")
	}
	set := pipeline.Load(p)
	found := map[string][]Found{}
	add := func(typ string, f Found) {
		if !slices.Contains(found[typ], f) && len(found[typ]) < maxPerType {
			found[typ] = append(found[typ], f)
		}
	}
	for _, h := range tools.Find(set) {
		for _, typ := range h.Types {
			add(typ, Found{Tool: h.Tool, Path: h.Path, Line: h.Line})
		}
	}
	for _, e := range set.Provenance() {
		add(tools.Provenance, Found{Tool: e.Mechanism, Path: e.Path, Line: e.Line})
	}
	var missing []string
	for _, t := range required {
		if len(found[t]) == 0 {
			missing = append(missing, t)
		}
	}
	d := details{Required: required, Found: found, Missing: missing}
	if d.Missing == nil {
		d.Missing = []string{}
	}

	if len(missing) == 0 {
		var parts []string
		for _, t := range required {
			parts = append(parts, fmt.Sprintf("%s (%s)", t, found[t][0].Tool))
		}
		return check.Result{Status: check.Passed, Details: d,
			Reason: "the pipelines run every required tool type: " + strings.Join(parts, ", ")}
	}

	problems := set.Problems()
	tree := p.Snapshot.Tree
	if tree.Truncated || len(problems) > 0 {
		r := check.Result{Status: check.Unknown, Details: d}
		if tree.Truncated {
			r.Reason = fmt.Sprintf("no %s tool was found, but the walk of the repository was cut short (%s)", strings.Join(missing, ", "), tree.Error)
		} else {
			r.Reason = fmt.Sprintf("no %s tool was found, but %d pipeline files could not be read or parsed", strings.Join(missing, ", "), len(problems))
		}
		for _, pr := range problems {
			r.Findings = append(r.Findings, check.Finding{Path: pr.Path, Message: pr.Reason})
		}
		return r
	}

	r := check.Result{Status: check.Failed, Details: d}
	if len(set.Files) == 0 {
		r.Reason = fmt.Sprintf("no pipeline definition was found, so no required tool type runs (missing: %s)", strings.Join(missing, ", "))
	} else {
		r.Reason = fmt.Sprintf("the pipelines run no %s tool", strings.Join(missing, ", "))
	}
	for _, t := range missing {
		msg := fmt.Sprintf("no %s tool runs in any pipeline", t)
		if ex := examples(t); ex != "" {
			msg += " (for example " + ex + ")"
		}
		r.Findings = append(r.Findings, check.Finding{Message: msg})
	}
	return r
}

// examples names up to three catalogue tools of a type.
func examples(typ string) string {
	var names []string
	for _, e := range tools.Catalogue {
		if slices.Contains(e.Types, typ) && !slices.Contains(names, e.Tool) {
			names = append(names, e.Tool)
			if len(names) == 3 {
				break
			}
		}
	}
	return strings.Join(names, ", ")
}
