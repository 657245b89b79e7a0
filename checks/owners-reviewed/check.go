// Package ownersreviewed is the check owners-reviewed (PO.4.2): the
// organization's owner list was reviewed within the review period, and has
// not changed since.
package ownersreviewed

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is owners-reviewed.
var Check = &check.Check{
	ID:      "owners-reviewed",
	Title:   "The organization's owner list was reviewed within the review period",
	Tasks:   []string{"PO.4.2"},
	Sources: []check.Source{check.Ledger, check.Forge},
	Doc: `The ledger holds an owner review for this organization within the review period whose recorded owner list equals the current one; otherwise the difference is reported.

A review is recorded with ` + "`ssdf ledger review owners --org ORG --by NAME --owners a,b,c`" + ` and read back by ` + "`ssdf scan --ledger`" + `. The current owners are the forge's (GitHub ` + "`role=admin`" + `; GitLab access level 50 on the top group). The review period is the policy's ` + "`reviewPeriodDays`" + ` (default 365) before the scan. Owner lists are compared as sets of logins, ignoring case and order.

- **pass**: some review of this organization recorded within the period lists exactly the current owners. Details: ` + "`org`, `owners`, `reviewedBy`, `reviewedAt`" + `.
- **fail**: no review of this organization was recorded within the period (the reason names the newest older one, if any), or none within the period lists the current owners: then the owners added and removed since the newest review within the period are findings, and ` + "`added`" + `, ` + "`removed`" + ` in the details.
- **unknown**: the ledger was not consulted (no ` + "`--ledger`" + `, or it could not be read), or the forge was not consulted or could not list the owners.`,
	Remediation: "Review the organization's owners at least once per review period: confirm that each still needs the role, demote those who do not, then record the review of the current list in the ledger, for example `ssdf ledger review owners --org github.com/acme --by alice --owners alice,bob` — and scan with `--ledger`. Record a new review whenever an owner is added or removed.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Org        string   `json:"org,omitempty"`
	Owners     []string `json:"owners"`
	ReviewedBy string   `json:"reviewedBy,omitempty"`
	ReviewedAt string   `json:"reviewedAt,omitempty"`
	Added      []string `json:"added,omitempty"`
	Removed    []string `json:"removed,omitempty"`
}

func run(p *check.Pass) check.Result {
	led := p.Snapshot.Ledger
	if !led.Consulted {
		why := led.Reason
		if why == "" {
			why = "no ledger facts were collected"
		}
		return check.Resultf(check.Unknown, "the ledger was not consulted (%s), so no owner review can be found", why)
	}
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	if r, ok := check.ForgeUnknown(p, check.FactOf("the list of organization owners", org.Owners)); ok {
		return r
	}
	current := norm(org.Owners.Value)
	who := "the organization"
	if org.Login != "" {
		who = org.Login
	}
	d := Details{Org: org.Login, Owners: current}
	days := p.Policy.ReviewPeriodDays
	if days <= 0 {
		days = 365
	}
	cutoff := p.Now.Add(-time.Duration(days) * 24 * time.Hour)
	var newest, older *snapshot.OwnerReview
	for i := range led.OwnerReviews {
		r := &led.OwnerReviews[i]
		if r.At.After(p.Now) {
			continue
		}
		if r.At.Before(cutoff) {
			if older == nil || r.At.After(older.At) {
				older = r
			}
			continue
		}
		if slices.Equal(norm(r.Owners), current) {
			if d.ReviewedAt == "" || r.At.After(mustParse(d.ReviewedAt)) {
				d.ReviewedBy, d.ReviewedAt = r.By, r.At.UTC().Format(time.RFC3339)
			}
		}
		if newest == nil || !r.At.Before(newest.At) {
			newest = r
		}
	}
	if d.ReviewedBy != "" {
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("the owners of %s (%s) were reviewed by %s on %s, within the %d-day review period, and have not changed since.",
				who, list(current), d.ReviewedBy, d.ReviewedAt[:10], days)}
	}
	if newest == nil {
		reason := fmt.Sprintf("the ledger holds no review of the owners of %s within the %d-day review period", who, days)
		if older != nil {
			reason += fmt.Sprintf("; the newest, by %s, dates from %s", older.By, older.At.UTC().Format(time.DateOnly))
		}
		return check.Result{Status: check.Failed, Details: d, Reason: reason + "."}
	}
	reviewed := norm(newest.Owners)
	d.ReviewedBy, d.ReviewedAt = "", ""
	var findings []check.Finding
	on := newest.At.UTC().Format(time.DateOnly)
	for _, o := range current {
		if !slices.Contains(reviewed, o) {
			d.Added = append(d.Added, o)
			findings = append(findings, check.Finding{Message: fmt.Sprintf("owner %s was added since the review by %s on %s", o, newest.By, on)})
		}
	}
	for _, o := range reviewed {
		if !slices.Contains(current, o) {
			d.Removed = append(d.Removed, o)
			findings = append(findings, check.Finding{Message: fmt.Sprintf("owner %s was removed since the review by %s on %s", o, newest.By, on)})
		}
	}
	return check.Result{Status: check.Failed, Details: d, Findings: findings,
		Reason: fmt.Sprintf("the owners of %s changed since the review by %s on %s: %d added, %d removed; no review within the %d-day period lists the current owners.",
			who, newest.By, on, len(d.Added), len(d.Removed), days)}
}

// norm lower-cases, sorts and de-duplicates logins (GitHub and GitLab
// logins are case-insensitive).
func norm(owners []string) []string {
	out := make([]string, 0, len(owners))
	for _, o := range owners {
		if o = strings.ToLower(strings.TrimSpace(o)); o != "" {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func mustParse(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func list(owners []string) string {
	if len(owners) == 0 {
		return "none"
	}
	return strings.Join(owners, ", ")
}
