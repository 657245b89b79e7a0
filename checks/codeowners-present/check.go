// Package codeownerspresent is the check codeowners-present (PO.2.1).
package codeownerspresent

import (
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
)

// Check is codeowners-present.
var Check = &check.Check{
	ID:      "codeowners-present",
	Title:   "A CODEOWNERS file designates code owners",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Files},
	Doc: `A CODEOWNERS file exists where the repository's forge reads it and names at least one owner.

Locations and precedence — GitHub: ` + "`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`" + ` (first wins);
GitLab: ` + "`CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`" + ` (first wins). File names match
case-insensitively. The forge is taken from ` + "`--forge`" + `, else the ` + "`origin`" + ` remote's host, else
guessed (` + "`.gitlab-ci.yml`" + ` or ` + "`.gitlab/`" + ` → gitlab, else github).

- **pass**: the first CODEOWNERS at the forge's locations names at least one owner. Lower-precedence
  files that the forge ignores are reported as findings.
- **fail**: the forge's locations hold no CODEOWNERS. If the other forge's locations do, the result
  is ` + "`fail`" + ` with a finding naming that file and suggesting ` + "`--forge`" + `. Prow ` + "`OWNERS`" + ` files alone do not
  pass; they are named in the reason.
- **fail**: the file's rules name no owner at all (comments only, or only ownerless patterns, or
  only lines that do not parse): it does not designate anyone.
- **unknown**: the file exists but was not read (over the size cap, unreadable), or no file was found
  but the walk of the repository stopped early. Never ` + "`pass`" + ` without reading the file.

Details: ` + "`path`" + ` (the effective file), ` + "`forge`" + `.

When this check fails, ` + "`codeowners-valid`, `-coverage`, `-group`, `-reviewed` and `-owners-exist`" + `
are ` + "`not-applicable`" + `.`,
	Remediation: `Add a CODEOWNERS file where your forge reads it — on GitHub ` + "`.github/CODEOWNERS`" + `, on GitLab ` +
		"`CODEOWNERS`" + ` at the root — with a catch-all rule such as ` + "`* @your-org/maintainers`" + ` followed by more specific
rules for the areas that other teams own; ` + "`ssdf init`" + ` writes a skeleton. If the file already exists at the
other forge's location, move it, or scan with ` + "`--forge`" + ` naming the forge that really hosts the repository.
Prow ` + "`OWNERS`" + ` files are not read by GitHub or GitLab: mirror their approvers into CODEOWNERS.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	Path  string `json:"path,omitempty"`
	Forge string `json:"forge"`
}

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	forge := loc.Dialect.Name()
	r := check.Result{Details: Details{Path: loc.Path, Forge: loc.Forge}}
	switch loc.State() {
	case codeowners.Designates:
		r.Status = check.Passed
		r.Reason = fmt.Sprintf("%s designates code owners for %s.", loc.Path, forge)
		for _, s := range loc.Shadowed {
			r.Findings = append(r.Findings, check.Finding{
				Path:    s,
				Message: fmt.Sprintf("%s ignores this file because %s comes first", forge, loc.Path),
			})
		}
	case codeowners.Unreadable, codeowners.Undecided:
		r.Status = check.Unknown
		r.Reason = loc.Why()
	case codeowners.NoOwners:
		r.Status = check.Failed
		r.Reason = fmt.Sprintf("%s names no owner: it holds only comments, rules without owners or lines that do not parse.", loc.Path)
		if n := lines(loc.File); n > 0 {
			r.Reason = fmt.Sprintf("%s names no owner: it holds only comments, rules without owners and %d lines that do not parse.", loc.Path, n)
		}
	case codeowners.Absent:
		r.Status = check.Failed
		other := codeowners.GitLab
		if loc.Dialect == codeowners.GitLab {
			other = codeowners.GitHub
		}
		where := fmt.Sprintf("No CODEOWNERS is at %s's locations (%s)", forge, strings.Join(codeowners.Locations[loc.Dialect], ", "))
		var also []string
		if len(loc.OtherForge) > 0 {
			also = append(also, fmt.Sprintf("%s is at a %s location, so the forge may be wrong", strings.Join(loc.OtherForge, " and "), other.Name()))
			for _, o := range loc.OtherForge {
				r.Findings = append(r.Findings, check.Finding{
					Path: o,
					Message: fmt.Sprintf("%s reads this file, %s does not; if the repository is hosted on %s, scan with --forge %s, else move it to %s",
						other.Name(), forge, other.Name(), other, codeowners.Locations[loc.Dialect][0]),
				})
			}
		}
		if len(loc.Prow) > 0 {
			also = append(also, fmt.Sprintf("the Prow OWNERS files (%s) are not read by %s", list(loc.Prow, 5), forge))
		}
		switch len(also) {
		case 0:
			r.Reason = where + "."
		case 1:
			r.Reason = where + "; " + also[0] + "."
		default:
			r.Reason = where + "; " + also[0] + ", and " + also[1] + "."
		}
	}
	return r
}

// lines counts the distinct lines with a parse error.
func lines(f *codeowners.File) int {
	n, last := 0, 0
	for _, e := range f.Errors {
		if e.Line != last {
			n++
			last = e.Line
		}
	}
	return n + f.MoreErrors
}

// list names up to max items and says how many more there are.
func list(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:max], ", "), len(items)-max)
}
