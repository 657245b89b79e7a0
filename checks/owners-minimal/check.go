// Package ownersminimal is the check owners-minimal (PO.4.2): the
// organization has few owners, but more than one.
package ownersminimal

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is owners-minimal.
var Check = &check.Check{
	ID:      "owners-minimal",
	Title:   "The number of organization owners is within the policy's bounds",
	Tasks:   []string{"PO.4.2"},
	Sources: []check.Source{check.Forge},
	Doc: `The organization has between ` + "`owners.min`" + ` (default 2) and ` + "`owners.max`" + ` (default 5) owners: enough that losing one does not lock the organization, few enough that owner rights stay accountable.

The owners are the GitHub organization members with ` + "`role=admin`" + `, or the members with access level 50 (Owner) on the top-level GitLab group.

- **pass**: the count is within the bounds. Details: ` + "`owners`" + ` (the list), ` + "`count`" + `, ` + "`min`" + `, ` + "`max`" + `.
- **fail**: fewer or more owners than the bounds allow; the same details.
- **unknown**: the forge was not consulted, or the owners could not be listed (the reason names the missing permission) — also on GitHub when the token is not a member of the organization, since GitHub then lists only the public members.`,
	Remediation: "Bring the owners within the policy's bounds: on GitHub demote owners who do not need the role with `gh api -X PUT orgs/ORG/memberships/USER -f role=member` (or promote a second trusted person with `-f role=admin`); on GitLab change their role on the top-level group from Owner to Maintainer, or add a second Owner. If your organization needs other bounds, set them in the policy, for example `owners: {min: 2, max: 7}`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Owners []string `json:"owners"`
	Count  int      `json:"count"`
	Min    int      `json:"min"`
	Max    int      `json:"max"`
}

func run(p *check.Pass) check.Result {
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	if r, ok := check.ForgeUnknown(p, check.FactOf("the list of organization owners", org.Owners)); ok {
		return r
	}
	owners := slices.Clone(org.Owners.Value)
	if owners == nil {
		owners = []string{}
	}
	slices.Sort(owners)
	owners = slices.Compact(owners)
	lo, hi := p.Policy.Owners.Min, p.Policy.Owners.Max
	d := Details{Owners: owners, Count: len(owners), Min: lo, Max: hi}
	who := "the organization"
	if org.Login != "" {
		who = org.Login
	}
	list := strings.Join(owners, ", ")
	if len(owners) > 20 {
		list = strings.Join(owners[:20], ", ") + fmt.Sprintf(" and %d more", len(owners)-20)
	}
	switch {
	case len(owners) < lo:
		reason := fmt.Sprintf("%s has %d %s (%s), fewer than the policy's minimum of %d.", who, len(owners), word(len(owners)), list, lo)
		if len(owners) == 0 {
			reason = fmt.Sprintf("%s has no owner, fewer than the policy's minimum of %d.", who, lo)
		}
		return check.Result{Status: check.Failed, Reason: reason, Details: d}
	case len(owners) > hi:
		return check.Result{Status: check.Failed, Details: d,
			Reason: fmt.Sprintf("%s has %d owners (%s), more than the policy's maximum of %d.", who, len(owners), list, hi)}
	}
	return check.Result{Status: check.Passed, Details: d,
		Reason: fmt.Sprintf("%s has %d %s (%s), within the policy's bounds of %d to %d.", who, len(owners), word(len(owners)), list, lo, hi)}
}

func word(n int) string {
	if n == 1 {
		return "owner"
	}
	return "owners"
}
