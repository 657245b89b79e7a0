// Package accessmembersmfa is the check access-members-mfa (PO.5.1): no
// member or outside collaborator has two-factor authentication disabled.
package accessmembersmfa

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-members-mfa.
var Check = &check.Check{
	ID:      "access-members-mfa",
	Title:   "Every member and outside collaborator uses two-factor authentication",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `No member or outside collaborator of the organization has two-factor authentication disabled.

- GitHub: ` + "`GET /orgs/{org}/members?filter=2fa_disabled`" + ` and ` + "`GET /orgs/{org}/outside_collaborators?filter=2fa_disabled`" + ` are empty (only owners may use the filter).
- GitLab: no user of the group without two-factor authentication, as the enterprise users or (self-managed, administrator) users API shows.

**pass**: nobody is listed.

**fail**: someone is; each account is a finding. Details: ` + "`without2FA`" + ` (the accounts, sorted), ` + "`count`" + `.

**unknown**: the forge was not consulted, or the list could not be read (the reason names the missing permission: on GitHub an organization owner's token).`,
	Remediation: "Ask each listed person to enable two-factor authentication (GitHub: Settings → Password and authentication; GitLab: Edit profile → Account), or remove the account from the organization. Then make it permanent with `access-mfa-required`: an organization or group that requires 2FA cannot keep members without it. The list is `gh api 'orgs/ORG/members?filter=2fa_disabled'` and `gh api 'orgs/ORG/outside_collaborators?filter=2fa_disabled'`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Without2FA []string `json:"without2FA"`
	Count      int      `json:"count"`
}

// maxFindings bounds the findings; the rest are counted in one finding.
const maxFindings = 100

func run(p *check.Pass) check.Result {
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	f := org.MembersWithout2FA
	if r, ok := check.ForgeUnknown(p, check.FactOf("the list of members and outside collaborators without two-factor authentication", f)); ok {
		return r
	}
	who := "the organization"
	if org.Login != "" {
		who = org.Login
	}
	users := slices.Clone(f.Value)
	if users == nil {
		users = []string{}
	}
	slices.Sort(users)
	users = slices.Compact(users)
	d := Details{Without2FA: users, Count: len(users)}
	if len(users) == 0 {
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("Every member and outside collaborator of %s has two-factor authentication enabled.", who)}
	}
	r := check.Result{Status: check.Failed, Details: d}
	shown := users
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if n := len(users) - len(shown); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	if len(users) == 1 {
		r.Reason = fmt.Sprintf("1 member or outside collaborator of %s has two-factor authentication disabled: %s.", who, users[0])
	} else {
		r.Reason = fmt.Sprintf("%d members or outside collaborators of %s have two-factor authentication disabled: %s%s.", len(users), who, strings.Join(shown, ", "), more)
	}
	for i, u := range users {
		if i == maxFindings {
			r.Findings = append(r.Findings, check.Finding{Message: fmt.Sprintf("%d more accounts are not listed", len(users)-maxFindings)})
			break
		}
		r.Findings = append(r.Findings, check.Finding{Message: u + " has two-factor authentication disabled"})
	}
	return r
}
