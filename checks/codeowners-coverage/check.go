// Package codeownerscoverage is the check codeowners-coverage (PO.2.1).
package codeownerscoverage

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
)

// Check is codeowners-coverage.
var Check = &check.Check{
	ID:      "codeowners-coverage",
	Title:   "CODEOWNERS gives every file an owner",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Files},
	Doc: `Every file that git tracks (a plain walk outside git) matches a rule with at least one owner
(GitHub: last matching rule wins; GitLab: any section). Threshold default 100%.

The files are those git tracks when the target is a git repository, else those the walk found; both
minus the default and policy exclusions. A file is owned when — GitHub — the last rule that matches it
names an owner (a later ownerless rule removes ownership), or — GitLab — at least one section's last
matching rule names an owner (section default owners included; a section that excludes the file with
` + "`!pattern`" + ` gives it no owner).

- **pass**: owned files × 100 ≥ threshold × total. The threshold is the policy's
  ` + "`checks.codeowners-coverage.threshold`" + `, default 100.
- **fail**: fewer files are owned; up to 20 unowned paths are findings.
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners), or there are
  no files to cover.
- **unknown**: the CODEOWNERS was not read, or git is not available and the walk stopped early (the
  list of files is incomplete).

Details: ` + "`owned`, `total`, `unowned`" + ` (up to 20 paths, sorted), ` + "`threshold`, `source`" + ` (` + "`git`" + ` or ` + "`walk`" + `).`,
	Remediation: `Give the unowned files an owner: add a catch-all rule at the top of CODEOWNERS (` +
		"`* @your-org/maintainers`" + `) so that every file has a fallback owner, then add more specific rules below it
for areas that other teams own. Check that later ownerless rules (a pattern without owners) and GitLab
` + "`!`" + ` exclusions only cover files that really need no review. To accept partial coverage, set
` + "`checks: {codeowners-coverage: {threshold: N}}`" + ` in the policy.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	Owned     int      `json:"owned"`
	Total     int      `json:"total"`
	Unowned   []string `json:"unowned"`
	Threshold float64  `json:"threshold"`
	Source    string   `json:"source"`
}

// maxListed is the number of unowned paths listed.
const maxListed = 20

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	switch loc.State() {
	case codeowners.Designates:
	case codeowners.Absent, codeowners.NoOwners:
		return check.Result{Status: check.NotApplicable, Reason: "No CODEOWNERS designates owners, so there is no coverage to measure."}
	default:
		return check.Result{Status: check.Unknown, Reason: loc.Why()}
	}
	s := p.Snapshot
	files, source := s.Tree.Files, "walk"
	if s.Git.Available {
		files, source = s.Git.Tracked, "git"
	} else if s.Tree.Truncated {
		return check.Resultf(check.Unknown, "Git is not available (%s) and the walk stopped early, so the list of files to cover is incomplete.", s.Git.Error)
	}
	if len(files) == 0 {
		return check.Resultf(check.NotApplicable, "There are no files to cover (%s).", source)
	}
	owned, unowned := loc.File.Coverage(files)
	slices.Sort(unowned)
	threshold := p.Threshold(100)
	d := Details{Owned: owned, Total: len(files), Unowned: unowned[:min(len(unowned), maxListed)], Threshold: threshold, Source: source}
	if d.Unowned == nil {
		d.Unowned = []string{}
	}
	pct := percent(owned, len(files))
	if float64(owned)*100 >= threshold*float64(len(files)) {
		if len(unowned) == 0 {
			return check.Result{
				Status:  check.Passed,
				Reason:  fmt.Sprintf("All %d files have an owner in %s.", len(files), loc.Path),
				Details: d,
			}
		}
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("%d of %d files (%s%%) have an owner in %s, meeting the %s%% threshold.", owned, len(files), pct, loc.Path, num(threshold)),
			Details: d,
		}
	}
	var findings []check.Finding
	for _, u := range d.Unowned {
		findings = append(findings, check.Finding{Path: u, Message: "no rule of " + loc.Path + " gives this file an owner"})
	}
	if more := len(unowned) - len(d.Unowned); more > 0 {
		findings = append(findings, check.Finding{Message: fmt.Sprintf("%d more files have no owner", more)})
	}
	return check.Result{
		Status:   check.Failed,
		Reason:   fmt.Sprintf("Only %d of %d files (%s%%) have an owner in %s, below the %s%% threshold.", owned, len(files), pct, loc.Path, num(threshold)),
		Findings: findings,
		Details:  d,
	}
}

// percent formats part/total as a percentage with at most one decimal,
// never rounding up to 100 or down to 0.
func percent(part, total int) string {
	v := math.Floor(float64(part)*1000/float64(total)) / 10
	if v == 0 && part > 0 {
		v = 0.1
	}
	return num(v)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
