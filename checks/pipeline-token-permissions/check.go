// Package pipelinetokenpermissions implements the check
// pipeline-token-permissions (PO.3.2): every GitHub workflow restricts the
// permissions of its GITHUB_TOKEN.
package pipelinetokenpermissions

import (
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is pipeline-token-permissions.
var Check = &check.Check{
	ID:      "pipeline-token-permissions",
	Title:   "GitHub workflows restrict their GITHUB_TOKEN",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every GitHub workflow restricts the permissions of its ` + "`GITHUB_TOKEN`" + `, so that a compromised step cannot write to the repository, its packages or its releases with the repository's default (often read-write) token.

A workflow (` + "`.github/workflows/*.y{a,}ml`" + `) is restricted when it has a top-level ` + "`permissions:`" + ` that is not ` + "`write-all`" + ` (` + "`read-all`" + `, ` + "`{}`" + ` or a mapping of scopes), or when every one of its jobs has its own ` + "`permissions:`" + `. In either case no job may ask for ` + "`permissions: write-all`" + `. A workflow whose only trigger is ` + "`workflow_call`" + ` is exempt: its caller grants its token. Each exempt workflow is reported as an informational finding at its ` + "`on:`" + ` line; it never makes the check fail.

**pass** — every workflow that is not exempt is restricted, and there is at least one (exempt workflows are listed as informational findings).

**fail** — a workflow has neither a top-level ` + "`permissions:`" + ` other than ` + "`write-all`" + ` nor a ` + "`permissions:`" + ` on every job (one finding at its ` + "`on:`" + ` line naming the jobs without one), or a job asks for ` + "`write-all`" + ` (one finding at the job's line).

**unknown** — no workflow fails, but a workflow could not be read or parsed, or the walk of the repository was cut short.

**not-applicable** — the repository has no GitHub workflow, or every workflow is exempt (nothing here grants a token).

Details: ` + "`workflows`" + `, ` + "`restricted`" + ` (by top-level permissions or by every job), ` + "`exempt`" + ` and ` + "`unrestricted`" + ` (paths).`,
	Remediation: "Give each workflow a top-level block that grants the least the token needs, for example `permissions:` followed by `  contents: read` (or `permissions: {}` when the token is not used), and widen it only in the jobs that need more (`permissions:` then `  contents: read` and `  pull-requests: write` under that job). Never use `permissions: write-all`. `zizmor` and `step-security/secure-repo` can propose the minimal scopes.",
	Run:         run,
}

type details struct {
	Workflows    int      `json:"workflows"`
	TopLevel     int      `json:"restrictedTopLevel"`
	EveryJob     int      `json:"restrictedEveryJob"`
	Exempt       []string `json:"exempt"`
	Unrestricted []string `json:"unrestricted"`
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	d := details{Exempt: []string{}, Unrestricted: []string{}}
	var fails, infos, problems []check.Finding
	for _, f := range set.Files {
		if f.Kind != pipeline.Workflow {
			continue
		}
		d.Workflows++
		if f.Problem != "" {
			problems = append(problems, check.Finding{Path: f.Path, Message: f.Problem})
			continue
		}
		at := f.OnLine
		if at == 0 {
			at = f.JobsLine
		}
		if f.OnlyWorkflowCall() {
			d.Exempt = append(d.Exempt, f.Path)
			infos = append(infos, check.Finding{Path: f.Path, Line: at,
				Message: "informational: exempt — a reusable workflow (its only trigger is `workflow_call`), whose GITHUB_TOKEN permissions its caller grants"})
			continue
		}
		bad := false
		topOK := f.Permissions != nil && !f.Permissions.WriteAll()
		var missing []string
		for _, j := range f.Jobs {
			if j.Permissions == nil {
				missing = append(missing, "`"+j.ID+"`")
			}
		}
		if !topOK && len(missing) > 0 {
			bad = true
			what := "no top-level `permissions:`"
			if f.Permissions != nil {
				what = fmt.Sprintf("a top-level `permissions: write-all` (line %d)", f.Permissions.Line)
			}
			fails = append(fails, check.Finding{Path: f.Path, Line: at, Message: fmt.Sprintf(
				"the workflow has %s and %s without `permissions:`, so the GITHUB_TOKEN keeps %s; add a top-level `permissions:` with the least it needs, e.g. `permissions: {contents: read}`",
				what, jobList(missing, len(f.Jobs)), map[bool]string{true: "every permission", false: "the repository's default permissions"}[f.Permissions != nil])})
		}
		for _, j := range f.Jobs {
			if j.Permissions.WriteAll() {
				bad = true
				fails = append(fails, check.Finding{Path: f.Path, Line: j.Line, Message: fmt.Sprintf(
					"job `%s` asks for `permissions: write-all` (line %d); grant only the scopes it needs, e.g. `permissions: {contents: read}`", j.ID, j.Permissions.Line)})
			}
		}
		switch {
		case bad:
			d.Unrestricted = append(d.Unrestricted, f.Path)
		case topOK:
			d.TopLevel++
		default:
			d.EveryJob++
		}
	}
	if d.Workflows == 0 {
		if p.Snapshot.Tree.Truncated {
			return check.Result{Status: check.Unknown, Details: d,
				Reason: fmt.Sprintf("no GitHub workflow was found, but the walk of the repository was cut short (%s)", p.Snapshot.Tree.Error)}
		}
		return check.Result{Status: check.NotApplicable, Details: d, Reason: "the repository has no GitHub workflow"}
	}
	unseen := ""
	switch {
	case len(problems) > 0:
		unseen = fmt.Sprintf("%d workflows could not be read or parsed", len(problems))
	case p.Snapshot.Tree.Truncated:
		unseen = fmt.Sprintf("the walk of the repository was cut short (%s)", p.Snapshot.Tree.Error)
	}
	exempt := ""
	if n := len(d.Exempt); n > 0 {
		exempt = fmt.Sprintf("; %d reusable workflows (only `workflow_call`) are exempt", n)
	}
	if len(fails) > 0 {
		r := check.Result{Status: check.Failed, Details: d, Findings: append(fails, infos...),
			Reason: fmt.Sprintf("%d of %d workflows do not restrict their GITHUB_TOKEN%s", len(d.Unrestricted), d.Workflows, exempt)}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	}
	if unseen != "" {
		return check.Result{Status: check.Unknown, Details: d, Findings: append(problems, infos...),
			Reason: fmt.Sprintf("no workflow was seen with an unrestricted GITHUB_TOKEN, but %s", unseen)}
	}
	if len(d.Exempt) == d.Workflows {
		// Nothing here grants a token: no evidence to pass on (SPEC §2),
		// and the thing checked does not exist here.
		return check.Result{Status: check.NotApplicable, Details: d, Findings: infos,
			Reason: fmt.Sprintf("every workflow is a reusable workflow (only `workflow_call`), exempt because its caller grants its GITHUB_TOKEN (%d workflows): no workflow here grants a token", d.Workflows)}
	}
	return check.Result{Status: check.Passed, Details: d, Findings: infos,
		Reason: fmt.Sprintf("every workflow restricts its GITHUB_TOKEN (%d by a top-level `permissions:`, %d on every job)%s", d.TopLevel, d.EveryJob, exempt)}
}

// jobList names the jobs without permissions.
func jobList(missing []string, total int) string {
	if len(missing) == total {
		if total == 1 {
			return "its job " + missing[0] + " is"
		}
		return fmt.Sprintf("all its %d jobs are", total)
	}
	const most = 5
	names := missing
	more := ""
	if len(names) > most {
		names, more = names[:most], fmt.Sprintf(" and %d more", len(missing)-most)
	}
	if len(missing) == 1 {
		return "job " + missing[0] + " is"
	}
	return fmt.Sprintf("jobs %s%s are", strings.Join(names, ", "), more)
}
