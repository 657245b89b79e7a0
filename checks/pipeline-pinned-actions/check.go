// Package pipelinepinnedactions implements the check pipeline-pinned-actions
// (PO.3.2): the actions, reusable workflows, GitLab includes and Tekton
// bundles that pipelines run are pinned to immutable versions.
package pipelinepinnedactions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is pipeline-pinned-actions.
var Check = &check.Check{
	ID:      "pipeline-pinned-actions",
	Title:   "Pipelines pin the actions, includes and task bundles they run",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every piece of pipeline code fetched from elsewhere is pinned to an immutable version, so that what runs is what was reviewed.

What is looked at, in every pipeline file of the repository (whether or not it runs):

- GitHub Actions: every ` + "`uses:`" + ` of a remote action (steps of workflows and of ` + "`action.yml`" + ` composite actions) or of a reusable workflow (jobs) must name a full 40-hex commit SHA (` + "`owner/repo@<sha>`" + `). A tag, a branch or an abbreviated SHA fails. There is no exception: ` + "`slsa-framework/slsa-github-generator`" + ` reusable workflows, whose provenance verification expects a release tag, fail on a tag like any other reference; a repository that keeps the tag records a policy exception for it.
- GitLab CI (` + "`.gitlab-ci.yml`" + ` and the files it includes locally): an ` + "`include:`" + ` of a ` + "`project`" + ` needs a ` + "`ref`" + ` that is a full commit SHA (no ` + "`ref`" + ` follows the default branch); a ` + "`remote`" + ` include needs ` + "`integrity:`" + `; a ` + "`component`" + ` must name a full commit SHA or an exact version ` + "`X.Y.Z`" + ` (optionally ` + "`v`" + `-prefixed, pre-release and build suffixes allowed) — ` + "`~latest`" + `, partial versions such as ` + "`1`" + ` or ` + "`1.2`" + `, and branch names fail. ` + "`template`" + ` includes are versioned with the GitLab instance and are not judged.
- Tekton: ` + "`taskRef`" + ` and ` + "`pipelineRef`" + ` (and step ` + "`ref`" + `) bundles, written as ` + "`bundle:`" + ` or as the ` + "`bundle`" + ` param of the ` + "`bundles`" + ` resolver, must be pinned by digest (` + "`@sha256:`" + ` and 64 hex digits).

Local references (` + "`./…`" + `, GitLab ` + "`local`" + ` includes) pass. ` + "`docker://`" + ` references are container images, judged by ` + "`pipeline-pinned-images`" + `.

**pass** — every such reference is pinned (local references count as pinned). Details: ` + "`counts`" + ` (` + "`{pinned, unpinned}`" + ` per kind: ` + "`action`" + `, ` + "`reusable-workflow`" + `, ` + "`gitlab-project`" + `, ` + "`gitlab-remote`" + `, ` + "`gitlab-component`" + `, ` + "`tekton-bundle`" + `), ` + "`local`" + ` and ` + "`notJudged`" + `.

**fail** — a reference is not pinned; one finding per reference, at its line, with the pinned form to write.

**unknown** — nothing unpinned was found, but a GitHub, GitLab or Tekton pipeline file could not be read or parsed, or the walk of the repository was cut short.

**not-applicable** — no pipeline file uses, includes or refers to any of these.`,
	Remediation: "Pin every remote reference to an immutable version and keep the readable version in a comment, for example `uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2` (tools such as `pinact`, `ratchet` or Dependabot/Renovate with digest pinning keep these up to date). On GitLab write `ref: <40-hex commit sha>` under `include: project:`, add `integrity: sha256-<base64 digest>` to remote includes and reference components at an exact version (`component: gitlab.com/org/project/name@1.2.3`) or a commit SHA. In Tekton, reference bundles by digest: `quay.io/org/task-name:0.2@sha256:<digest>`. Reusable workflows of `slsa-framework/slsa-github-generator` expect a release tag for their provenance to verify: to keep one, record a policy exception (`exceptions:` in `.ssdf.yaml`, with a ticket and an approver) for the workflow that calls it.",
	Run:         run,
}

// The kinds of reference.
const (
	kindAction    = "action"
	kindWorkflow  = "reusable-workflow"
	kindProject   = "gitlab-project"
	kindRemote    = "gitlab-remote"
	kindComponent = "gitlab-component"
	kindBundle    = "tekton-bundle"
)

// Count is the pinned and unpinned references of one kind.
type Count struct {
	Pinned   int `json:"pinned"`
	Unpinned int `json:"unpinned"`
}

type details struct {
	Counts map[string]Count `json:"counts"`
	// Local counts local references (`./…` actions and workflows, GitLab
	// local includes), which pass.
	Local int `json:"local"`
	// NotJudged counts what this check leaves to others or cannot pin:
	// `docker://` images, GitLab templates.
	NotJudged map[string]int `json:"notJudged"`
}

var (
	fullSHA     = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	exactSemver = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	digest      = regexp.MustCompile(`@sha256:[0-9a-fA-F]{64}$`)
	abbrevSHA   = regexp.MustCompile(`^[0-9a-fA-F]{7,39}$`)
)

// slsaGenerator is the repository whose reusable workflows expect a
// release tag; SPEC §3 makes no exception for them, so a tag fails with a
// finding that says how to keep it (a policy exception).
const slsaGenerator = "slsa-framework/slsa-github-generator"

type eval struct {
	d        details
	findings []check.Finding
}

func (e *eval) pinned(kind string) {
	c := e.d.Counts[kind]
	c.Pinned++
	e.d.Counts[kind] = c
}

func (e *eval) unpinned(kind string, pos pipeline.Pos, msg string) {
	c := e.d.Counts[kind]
	c.Unpinned++
	e.d.Counts[kind] = c
	e.findings = append(e.findings, check.Finding{Path: pos.Path, Line: pos.Line, Message: msg})
}

func (e *eval) total() int {
	n := e.d.Local
	for _, c := range e.d.Counts {
		n += c.Pinned + c.Unpinned
	}
	return n
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	e := &eval{d: details{Counts: map[string]Count{}, NotJudged: map[string]int{}}}
	var problems []pipeline.Problem
	for _, f := range set.Files {
		switch f.System {
		case pipeline.GitHubActions:
			e.github(f)
		case pipeline.GitLabCI:
			e.gitlab(f)
		case pipeline.Tekton:
			e.tekton(f)
		default:
			continue
		}
		if f.Problem != "" {
			problems = append(problems, pipeline.Problem{Path: f.Path, Reason: f.Problem})
		}
	}
	tree := p.Snapshot.Tree
	unseen := ""
	switch {
	case len(problems) > 0:
		unseen = fmt.Sprintf("%d pipeline files could not be read or parsed", len(problems))
	case tree.Truncated:
		unseen = fmt.Sprintf("the walk of the repository was cut short (%s)", tree.Error)
	}
	bad := len(e.findings)
	if bad > 0 {
		r := check.Result{Status: check.Failed, Details: e.d, Findings: e.findings,
			Reason: fmt.Sprintf("%d of %d pipeline references are not pinned to an immutable version", bad, e.total())}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	}
	if unseen != "" {
		r := check.Result{Status: check.Unknown, Details: e.d,
			Reason: fmt.Sprintf("no unpinned reference was found, but %s", unseen)}
		for _, pr := range problems {
			r.Findings = append(r.Findings, check.Finding{Path: pr.Path, Message: pr.Reason})
		}
		return r
	}
	if e.total() == 0 {
		reason := "no pipeline uses a remote action or reusable workflow, includes GitLab CI configuration or refers to a Tekton bundle"
		if n := e.d.NotJudged["gitlab-template"]; n > 0 {
			reason += fmt.Sprintf(" (%d GitLab template includes are versioned with the instance)", n)
		}
		return check.Result{Status: check.NotApplicable, Details: e.d, Reason: reason}
	}
	reason := fmt.Sprintf("all %d pipeline references are pinned (%s)", e.total(), e.summary())
	return check.Result{Status: check.Passed, Details: e.d, Reason: reason}
}

func (e *eval) summary() string {
	var parts []string
	for _, k := range []string{kindAction, kindWorkflow, kindProject, kindRemote, kindComponent, kindBundle} {
		if c := e.d.Counts[k]; c.Pinned > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.Pinned, k))
		}
	}
	if e.d.Local > 0 {
		parts = append(parts, fmt.Sprintf("%d local", e.d.Local))
	}
	return strings.Join(parts, ", ")
}

func (e *eval) github(f *pipeline.File) {
	for _, j := range f.Jobs {
		if j.Uses != nil {
			e.uses(j.Uses, kindWorkflow)
		}
		for _, st := range j.Steps {
			if st.Uses != nil {
				e.uses(st.Uses, kindAction)
			}
		}
	}
}

func (e *eval) uses(r *pipeline.Ref, kind string) {
	switch r.Kind {
	case pipeline.LocalRef:
		e.d.Local++
		return
	case pipeline.DockerRef:
		e.d.NotJudged["docker"]++
		return
	}
	if fullSHA.MatchString(r.Version) {
		e.pinned(kind)
		return
	}
	what := "an action"
	if kind == kindWorkflow {
		what = "a reusable workflow"
	}
	tag := r.Version
	if tag == "" || fullSHA.MatchString(r.Comment) {
		tag = "vX.Y.Z"
	}
	var why string
	switch {
	case r.Version == "":
		why = "names no version"
	case strings.Contains(r.Version, "${{"):
		why = "takes its version from an expression"
	case abbrevSHA.MatchString(r.Version):
		why = "uses an abbreviated SHA"
	default:
		why = fmt.Sprintf("follows the tag or branch `%s`", r.Version)
	}
	msg := fmt.Sprintf("`uses: %s` (%s) %s, not a full commit SHA; pin it: `uses: %s@<40-hex sha> # %s`", r.Raw, what, why, r.Name, tag)
	if kind == kindWorkflow && r.Is(slsaGenerator) && strings.Contains(r.Name, "/.github/workflows/") {
		msg = fmt.Sprintf("`uses: %s` (an slsa-github-generator reusable workflow) %s, not a full commit SHA; its provenance verification expects a release tag, so either pin it (`uses: %s@<40-hex sha> # %s`) or keep the tag under a policy exception", r.Raw, why, r.Name, tag)
	}
	e.unpinned(kind, r.Pos, msg)
}

func (e *eval) gitlab(f *pipeline.File) {
	for _, inc := range f.Includes {
		switch inc.Kind {
		case "local":
			e.d.Local++
		case "template":
			e.d.NotJudged["gitlab-template"]++
		case "project":
			switch {
			case fullSHA.MatchString(inc.Ref):
				e.pinned(kindProject)
			case inc.Ref == "":
				e.unpinned(kindProject, inc.Pos, fmt.Sprintf("`include: project: %s` has no `ref:` and follows the project's default branch; pin it: `ref: <40-hex commit sha>`", inc.Value))
			default:
				e.unpinned(kindProject, inc.Pos, fmt.Sprintf("`include: project: %s` uses `ref: %s`, not a full commit SHA; pin it: `ref: <40-hex commit sha> # %s`", inc.Value, inc.Ref, inc.Ref))
			}
		case "remote":
			if strings.TrimSpace(inc.Integrity) != "" {
				e.pinned(kindRemote)
			} else {
				e.unpinned(kindRemote, inc.Pos, fmt.Sprintf("`include: remote: %s` has no `integrity:`; add `integrity: sha256-<base64 SHA-256 of the file>`", inc.Value))
			}
		case "component":
			name := strings.TrimSuffix(inc.Value, "@"+inc.Version)
			switch {
			case fullSHA.MatchString(inc.Version) || exactSemver.MatchString(inc.Version):
				e.pinned(kindComponent)
			case inc.Version == "":
				e.unpinned(kindComponent, inc.Pos, fmt.Sprintf("`include: component: %s` names no version; pin it: `component: %s@X.Y.Z` (or @<40-hex commit sha>)", inc.Value, name))
			default:
				e.unpinned(kindComponent, inc.Pos, fmt.Sprintf("`include: component: %s` uses `%s`, neither an exact version nor a full commit SHA; pin it: `component: %s@X.Y.Z` (or @<40-hex commit sha>)", inc.Value, inc.Version, name))
			}
		}
	}
}

func (e *eval) tekton(f *pipeline.File) {
	seen := map[*pipeline.TaskRef]bool{}
	ref := func(t *pipeline.TaskRef, what string) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		b := strings.TrimSpace(t.BundleRef())
		if b == "" {
			return
		}
		if digest.MatchString(b) {
			e.pinned(kindBundle)
			return
		}
		pos := t.Pos
		if t.BundleLine > 0 {
			pos.Line = t.BundleLine
		}
		base := b
		if i := strings.Index(base, "@"); i >= 0 {
			base = base[:i]
		}
		e.unpinned(kindBundle, pos, fmt.Sprintf("the %s bundle `%s` is not pinned by digest; pin it: `%s@sha256:<digest>`", what, b, base))
	}
	for _, r := range f.Resources {
		ref(r.PipelineRef, "pipelineRef")
	}
	for _, j := range f.Jobs {
		ref(j.TaskRef, "taskRef")
		for _, st := range j.Steps {
			ref(st.Ref, "step ref")
		}
	}
}
