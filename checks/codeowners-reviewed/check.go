// Package codeownersreviewed is the check codeowners-reviewed (PO.2.1).
package codeownersreviewed

import (
	"fmt"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
)

// Check is codeowners-reviewed.
var Check = &check.Check{
	ID:      "codeowners-reviewed",
	Title:   "CODEOWNERS was reviewed within the review period",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Git, check.Ledger},
	Doc: `The CODEOWNERS file was changed within the review period (default 365 days), or the ledger holds a
review of its current content digest within the period.

` + "`lastChanged`" + ` is the committer date of the newest commit on HEAD's first-parent history that changed
the effective CODEOWNERS path (` + "`git log --first-parent -1 --format=%cI -- PATH`" + `). The review period
is the policy's ` + "`reviewPeriodDays`" + `.

- **pass**: ` + "`lastChanged`" + ` is within the review period before the scan.
- **fail**: ` + "`lastChanged`" + ` is older than the review period.
- **unknown**: git history is not available (not a git repository, git missing); shallow history
  cannot show the last change (the newest commit that touches the file is the clone's boundary); git
  could not read the file's history.
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners).

The ledger part (a recorded review of the file's digest) is not yet implemented: today only the git
history can make this check pass, and ` + "`reviewedBy`" + ` is always empty.

Details: ` + "`path`, `lastChanged`" + ` (RFC 3339, UTC), ` + "`commit`, `reviewedBy`" + `.`,
	Remediation: `Review CODEOWNERS at least once per review period: check that every team and person
still exists, still has write access and still owns the areas named, then commit the result (an
updated file, or a commit that records the review, for example a dated comment). In CI, fetch enough
history (` + "`fetch-depth: 0`" + ` with actions/checkout, ` + "`GIT_DEPTH: 0`" + ` on GitLab) for ssdf to see the last
change.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	Path        string `json:"path"`
	LastChanged string `json:"lastChanged,omitempty"`
	Commit      string `json:"commit,omitempty"`
	// ReviewedBy names who recorded a review in the ledger; empty until
	// the ledger part exists.
	ReviewedBy string `json:"reviewedBy"`
}

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	switch loc.State() {
	case codeowners.Designates, codeowners.Unreadable:
		// The history of a file that was not read can still be read.
	case codeowners.Absent, codeowners.NoOwners:
		return check.Result{Status: check.NotApplicable, Reason: "No CODEOWNERS designates owners, so there is no file whose review to check."}
	default:
		return check.Result{Status: check.Unknown, Reason: loc.Why()}
	}
	g := p.Snapshot.Git
	d := Details{Path: loc.Path}
	unknown := func(format string, args ...any) check.Result {
		r := check.Resultf(check.Unknown, format, args...)
		r.Details = d
		return r
	}
	if !g.Available {
		why := g.Error
		if why == "" {
			why = "no git facts were collected"
		}
		return unknown("The git history is not available (%s), so the last change of %s cannot be read.", why, loc.Path)
	}
	ch, ok := g.Changes[loc.Path]
	switch {
	case !ok:
		return unknown("Git reported nothing on the last change of %s.", loc.Path)
	case ch.Error != "":
		return unknown("The last change of %s cannot be read: %s.", loc.Path, ch.Error)
	case ch.Boundary:
		d.Commit = ch.Commit
		return unknown("The shallow history cannot show the last change of %s: its newest commit %s is the clone's boundary.", loc.Path, short(ch.Commit))
	case ch.Date.IsZero():
		return unknown("Git gave no date for the last change of %s.", loc.Path)
	}
	last := ch.Date.UTC()
	d.LastChanged = last.Format(time.RFC3339)
	d.Commit = ch.Commit
	days := p.Policy.ReviewPeriodDays
	if days <= 0 {
		days = 365
	}
	cutoff := p.Now.Add(-time.Duration(days) * 24 * time.Hour)
	if !last.Before(cutoff) {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("%s was last changed on %s, within the %d-day review period.", loc.Path, last.Format(time.DateOnly), days),
			Details: d,
		}
	}
	age := int(p.Now.Sub(last).Hours() / 24)
	return check.Result{
		Status: check.Failed,
		Reason: fmt.Sprintf("%s was last changed on %s, %d days ago, outside the %d-day review period, and no recorded review covers it.",
			loc.Path, last.Format(time.DateOnly), age, days),
		Findings: []check.Finding{{
			Path:    loc.Path,
			Message: fmt.Sprintf("last changed by commit %s on %s; review the file and commit the result", short(ch.Commit), last.Format(time.DateOnly)),
		}},
		Details: d,
	}
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	if commit == "" {
		return "(unknown)"
	}
	return commit
}
