// Package codeownersownersexist is the check codeowners-owners-exist
// (PO.2.1): every owner the CODEOWNERS file names resolves on the forge.
package codeownersownersexist

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is codeowners-owners-exist.
var Check = &check.Check{
	ID:      "codeowners-owners-exist",
	Title:   "Every code owner resolves to a user or team with write access",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Forge},
	Doc: `Every owner that the effective CODEOWNERS names resolves on the forge to a user or team with write access, so that the forge really asks them for review.

The forge reports the owners that do not resolve: on GitHub ` + "`GET /repos/{owner}/{repo}/codeowners/errors`" + ` (unknown users and teams, owners without write access, and lines GitHub cannot parse); on GitLab the members and groups named in the file that do not resolve.

- **pass**: the forge reports no error.
- **fail**: the forge reports errors; each is a finding at its line of the CODEOWNERS file. Details: ` + "`path`" + `, ` + "`errors`" + ` (how many).
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners).
- **unknown**: the forge was not consulted, or the token cannot read the errors (the reason names the missing permission); also when the CODEOWNERS was not read or the walk stopped early.`,
	Remediation: "List the errors with `gh api repos/OWNER/REPO/codeowners/errors` (GitHub) or the CODEOWNERS page of the project (GitLab) and fix each line: correct misspelt handles, name teams as `@org/team`, and give every owning team write access to the repository, for example `gh api -X PUT orgs/ORG/teams/TEAM/repos/ORG/REPO -f permission=push`; on GitLab invite the owners as members (Developer or above) or share the project with the owning group.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Path   string `json:"path"`
	Errors int    `json:"errors"`
}

// maxFindings bounds the findings; the rest are counted in one finding.
const maxFindings = 100

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	switch loc.State() {
	case codeowners.Designates:
	case codeowners.Absent, codeowners.NoOwners:
		return check.Result{Status: check.NotApplicable, Reason: "No CODEOWNERS designates owners, so there are no owners to resolve."}
	default:
		return check.Result{Status: check.Unknown, Reason: loc.Why()}
	}
	var repo snapshot.Repo
	if r := p.Snapshot.Forge.Repo; r != nil {
		repo = *r
	}
	fact := repo.CodeOwnerErrors
	if r, ok := check.ForgeUnknown(p, check.FactOf("the forge's list of CODEOWNERS errors", fact)); ok {
		return r
	}
	errs := fact.Value
	d := Details{Path: loc.Path, Errors: len(errs)}
	if len(errs) == 0 {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("The forge resolves every owner that %s names.", loc.Path),
			Details: d,
		}
	}
	r := check.Result{
		Status:  check.Failed,
		Reason:  fmt.Sprintf("The forge reports %d %s in %s: owners that do not resolve are never asked to review.", len(errs), plural(len(errs), "error", "errors"), loc.Path),
		Details: d,
	}
	for i, e := range errs {
		if i == maxFindings {
			r.Findings = append(r.Findings, check.Finding{Path: loc.Path, Message: fmt.Sprintf("%d more errors are not listed", len(errs)-maxFindings)})
			break
		}
		msg := e.Message
		if e.Owner != "" {
			msg = fmt.Sprintf("%s: %s", e.Owner, e.Message)
		}
		r.Findings = append(r.Findings, check.Finding{Path: loc.Path, Line: e.Line, Message: msg})
	}
	return r
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
