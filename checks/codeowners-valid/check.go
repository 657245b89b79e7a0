// Package codeownersvalid is the check codeowners-valid (PO.2.1).
package codeownersvalid

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
)

// Check is codeowners-valid.
var Check = &check.Check{
	ID:      "codeowners-valid",
	Title:   "CODEOWNERS parses under the forge's syntax",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Files},
	Doc: `Every non-blank, non-comment line of the effective CODEOWNERS parses under the forge's dialect.

- GitHub: a pattern, then owners (` + "`@user`, `@org/team`" + `, e-mail); no ` + "`!`, `[ ]` or `\\#`" + ` in
  patterns. ` + "`#`" + ` after the pattern starts a comment.
- GitLab: also sections ` + "`[Name]`, `^[Name]`, `[Name][N]`" + `, default owners after the header,
  ` + "`@group/subgroup`, `@@role`" + ` (developer, maintainer, owner), ` + "`!`" + ` exclusions and escaped
  ` + "`\\#`" + ` and spaces. An optional section cannot require approvals; inline comments are not supported.
- A pattern with no owners is valid: it removes ownership from what it matches.

Outcomes:

- **pass**: every line parses.
- **fail**: some lines do not parse; each is a finding with its line number. GitHub ignores such
  lines.
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners).
- **unknown**: the CODEOWNERS was not read (over the size cap, unreadable), or none was found but the
  walk stopped early.

Details: ` + "`path`, `dialect`, `invalidLines`" + `.`,
	Remediation: `Fix each reported line: write owners as ` + "`@user`, `@org/team`" + ` (GitHub) or ` +
		"`@user`, `@group/subgroup`, `@@maintainer`" + ` (GitLab) or an e-mail address, and drop the constructs the
forge does not support — on GitHub ` + "`!` negation, `[ ]` ranges, a leading `\\#`" + ` and GitLab section
headers; on GitLab inline comments and approvals on optional sections. GitHub silently skips lines it
cannot parse, so the owners they name are never asked to review; the forge's CODEOWNERS page shows the
same errors.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	Path         string `json:"path"`
	Dialect      string `json:"dialect"`
	InvalidLines int    `json:"invalidLines"`
}

// maxFindings bounds the findings; the rest are counted in one finding.
const maxFindings = 100

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	switch loc.State() {
	case codeowners.Designates:
	case codeowners.Absent, codeowners.NoOwners:
		return check.Result{Status: check.NotApplicable, Reason: "No CODEOWNERS designates owners, so there is no file to validate."}
	default:
		return check.Result{Status: check.Unknown, Reason: loc.Why()}
	}
	f := loc.File
	d := Details{Path: loc.Path, Dialect: string(f.Dialect)}
	var findings []check.Finding
	last := 0
	for _, e := range f.Errors {
		if e.Line != last {
			d.InvalidLines++
			last = e.Line
		}
		if len(findings) < maxFindings {
			findings = append(findings, check.Finding{Path: loc.Path, Line: e.Line, Message: e.Msg})
		}
	}
	d.InvalidLines += f.MoreErrors
	if more := len(f.Errors) + f.MoreErrors - len(findings); more > 0 {
		findings = append(findings, check.Finding{Path: loc.Path, Message: fmt.Sprintf("%d more errors are not listed", more)})
	}
	if d.InvalidLines == 0 {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("Every line of %s parses under %s's CODEOWNERS syntax.", loc.Path, f.Dialect.Name()),
			Details: d,
		}
	}
	what := "lines of %s do not parse"
	if d.InvalidLines == 1 {
		what = "line of %s does not parse"
	}
	return check.Result{
		Status:   check.Failed,
		Reason:   fmt.Sprintf("%d "+what+" under %s's CODEOWNERS syntax.", d.InvalidLines, loc.Path, f.Dialect.Name()),
		Findings: findings,
		Details:  d,
	}
}
