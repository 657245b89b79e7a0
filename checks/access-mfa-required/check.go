// Package accessmfarequired is the check access-mfa-required (PO.5.1):
// the organization requires two-factor authentication.
package accessmfarequired

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-mfa-required.
var Check = &check.Check{
	ID:      "access-mfa-required",
	Title:   "The organization requires two-factor authentication",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `The organization (GitLab: top-level group) requires every member to use two-factor authentication.

- GitHub: ` + "`two_factor_requirement_enabled`" + ` of ` + "`GET /orgs/{org}`" + ` is true.
- GitLab: ` + "`require_two_factor_authentication`" + ` of ` + "`GET /groups/:id`" + ` is true.

**pass**: the setting is true. Details: ` + "`required`" + `.

**fail**: the setting is false.

**unknown**: the forge was not consulted, the setting could not be read (the reason names the missing permission), or the forge answered ` + "`null`" + ` — GitHub does so when the token is not an organization owner's, which says nothing about the setting.`,
	Remediation: "On GitHub, tick \"Require two-factor authentication for everyone in the organization\" under Organization settings → Authentication security (members without 2FA are removed, so check `access-members-mfa` first). On GitLab, tick \"All users in this group must set up two-factor authentication\" under the group's Settings → General → Permissions and group features, or run `glab api -X PUT groups/ID -f require_two_factor_authentication=true`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Required bool `json:"required"`
}

func run(p *check.Pass) check.Result {
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	f := org.TwoFactorRequired
	setting := "two_factor_requirement_enabled"
	if check.ForgeKind(p) == "gitlab" {
		setting = "require_two_factor_authentication"
	}
	if r, ok := check.ForgeUnknown(p, check.FactOf("the organization's two-factor requirement ("+setting+")", f)); ok {
		return r
	}
	who := "the organization"
	if org.Login != "" {
		who = org.Login
	}
	if f.Value == nil {
		return check.Resultf(check.Unknown,
			"the forge answered null for %s of %s: the token is not an owner's, so the setting cannot be seen (an organization owner's token with admin:org, or a group owner's, can read it)", setting, who)
	}
	if *f.Value {
		return check.Result{Status: check.Passed, Details: Details{Required: true},
			Reason: fmt.Sprintf("%s requires two-factor authentication (%s is true).", who, setting)}
	}
	return check.Result{Status: check.Failed, Details: Details{Required: false},
		Reason: fmt.Sprintf("%s does not require two-factor authentication (%s is false).", who, setting)}
}
