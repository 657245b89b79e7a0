// Package codeownersreviewed is the check codeowners-reviewed (PO.2.1).
package codeownersreviewed

import (
	"fmt"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/snapshot"
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

The ledger part: ` + "`ssdf ledger review codeowners --by NAME`" + ` records a review of the effective file's
current content digest (` + "`sha256:`" + ` and the hex sha256 of its text); ` + "`ssdf scan --ledger`" + ` reads the
reviews back. A review counts when its digest is the digest of the file as scanned and it was recorded
within the review period before the scan; any change to the file needs a new review (or is itself the
change that the git part sees).

- **pass**: ` + "`lastChanged`" + ` is within the review period before the scan, or the ledger holds a review
  of the current content digest within the period (then ` + "`reviewedBy`" + ` names who recorded the newest
  such review, ` + "`reviewedAt`" + ` when; this needs neither git nor a deep history).
- **fail**: ` + "`lastChanged`" + ` is older than the review period and the ledger holds no review of the
  current content within it. The ledger is an additional way to pass, not a required source: a scan
  without ` + "`--ledger`" + ` still fails on an old file (the reason says that no recorded review was looked
  for).
- **unknown**: neither part can pass and git history is not available (not a git repository, git
  missing); shallow history cannot show the last change (the newest commit that touches the file is the
  clone's boundary); git could not read the file's history.
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners).

Details: ` + "`path`, `lastChanged`" + ` (RFC 3339, UTC), ` + "`commit`, `digest`, `reviewedBy`, `reviewedAt`" + `.`,
	Remediation: `Review CODEOWNERS at least once per review period: check that every team and person
still exists, still has write access and still owns the areas named, then commit the result (an
updated file, or a commit that records the review, for example a dated comment). In CI, fetch enough
history (` + "`fetch-depth: 0`" + ` with actions/checkout, ` + "`GIT_DEPTH: 0`" + ` on GitLab) for ssdf to see the last
change. Or record a review without changing the file: ` + "`ssdf ledger review codeowners --by NAME`" + `, and
scan with ` + "`--ledger`" + `.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	Path        string `json:"path"`
	LastChanged string `json:"lastChanged,omitempty"`
	Commit      string `json:"commit,omitempty"`
	// Digest is the current content digest (empty when the file was not
	// read).
	Digest string `json:"digest,omitempty"`
	// ReviewedBy names who recorded the newest ledger review of the
	// current content within the period; empty when there is none.
	ReviewedBy string `json:"reviewedBy"`
	ReviewedAt string `json:"reviewedAt,omitempty"`
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
	days := p.Policy.ReviewPeriodDays
	if days <= 0 {
		days = 365
	}
	cutoff := p.Now.Add(-time.Duration(days) * 24 * time.Hour)
	led := p.Snapshot.Ledger
	if c, ok := p.Snapshot.Tree.Contents[loc.Path]; ok && c.Skipped == "" && loc.State() == codeowners.Designates {
		d.Digest = snapshot.ContentDigest(c.Text)
	}
	if rv := reviewOf(led, d.Digest, cutoff, p.Now); rv != nil {
		d.ReviewedBy, d.ReviewedAt = rv.By, rv.At.UTC().Format(time.RFC3339)
		if ch, ok := g.Changes[loc.Path]; ok && g.Available && ch.Error == "" && !ch.Boundary && !ch.Date.IsZero() {
			d.LastChanged, d.Commit = ch.Date.UTC().Format(time.RFC3339), ch.Commit
		}
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("%s in its current content was reviewed by %s on %s (recorded in the ledger), within the %d-day review period.", loc.Path, rv.By, rv.At.UTC().Format(time.DateOnly), days),
			Details: d,
		}
	}
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
	if !last.Before(cutoff) {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("%s was last changed on %s, within the %d-day review period.", loc.Path, last.Format(time.DateOnly), days),
			Details: d,
		}
	}
	age := int(p.Now.Sub(last).Hours() / 24)
	ledgerWhy := "no recorded review covers it"
	switch {
	case !led.Consulted && led.Reason != "":
		ledgerWhy += " (the ledger was not consulted: " + led.Reason + ")"
	case !led.Consulted:
		ledgerWhy += " (the ledger was not consulted)"
	case d.Digest == "":
		ledgerWhy += " (its content was not read, so no review in the ledger can be matched to it)"
	default:
		ledgerWhy += " (the ledger holds no review of its current content within the period)"
	}
	return check.Result{
		Status: check.Failed,
		Reason: fmt.Sprintf("%s was last changed on %s, %d days ago, outside the %d-day review period, and %s.",
			loc.Path, last.Format(time.DateOnly), age, days, ledgerWhy),
		Findings: []check.Finding{{
			Path:    loc.Path,
			Message: fmt.Sprintf("last changed by commit %s on %s; review the file and commit the result", short(ch.Commit), last.Format(time.DateOnly)),
		}},
		Details: d,
	}
}

// reviewOf returns the newest ledger review of the content with digest
// recorded within [cutoff, now], or nil.
func reviewOf(led snapshot.Ledger, digest string, cutoff, now time.Time) *snapshot.CodeownersReview {
	if !led.Consulted || digest == "" {
		return nil
	}
	var best *snapshot.CodeownersReview
	for i, r := range led.CodeownersReviews {
		if r.Digest != digest || r.At.Before(cutoff) || r.At.After(now) {
			continue
		}
		if best == nil || r.At.After(best.At) {
			best = &led.CodeownersReviews[i]
		}
	}
	return best
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
