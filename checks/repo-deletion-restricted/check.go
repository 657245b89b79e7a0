// Package repodeletionrestricted is the check repo-deletion-restricted
// (PO.4.2): members cannot delete or transfer repositories.
package repodeletionrestricted

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is repo-deletion-restricted.
var Check = &check.Check{
	ID:      "repo-deletion-restricted",
	Title:   "Members cannot delete or transfer repositories",
	Tasks:   []string{"PO.4.2"},
	Sources: []check.Source{check.Forge},
	Doc: `Only owners can delete or transfer the organization's repositories, so that the code and its history cannot be lost through an ordinary member's account.

- GitHub: the organization's ` + "`members_can_delete_repositories`" + ` is false.
- GitLab: only owners may delete projects.

**pass**: the setting restricts deletion. Details: ` + "`membersCanDeleteRepositories`" + `.

**fail**: members (GitHub: with admin access to a repository; GitLab: maintainers) may delete or transfer repositories.

**unknown**: the forge was not consulted, or the setting could not be read (on GitHub only organization owners see it; the reason names the missing permission).`,
	Remediation: "On GitHub, untick \"Allow members to delete or transfer repositories for this organization\" under Organization settings → Member privileges, or run `gh api -X PATCH orgs/ORG -F members_can_delete_repositories=false` with an owner's token. On GitLab, leave project deletion to owners: set \"Allowed to delete projects\" to owners (and administrators) in the instance or group settings.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	MembersCanDeleteRepositories bool `json:"membersCanDeleteRepositories"`
}

func run(p *check.Pass) check.Result {
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	f := org.MembersCanDeleteRepos
	if r, ok := check.ForgeUnknown(p, check.FactOf("whether members can delete repositories", f)); ok {
		return r
	}
	who := "the organization"
	if org.Login != "" {
		who = org.Login
	}
	d := Details{MembersCanDeleteRepositories: f.Value}
	if check.ForgeKind(p) == "gitlab" {
		if f.Value {
			return check.Result{Status: check.Failed, Details: d,
				Reason: fmt.Sprintf("In %s, others than owners may delete projects.", who)}
		}
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("In %s, only owners may delete projects.", who)}
	}
	if f.Value {
		return check.Result{Status: check.Failed, Details: d,
			Reason: fmt.Sprintf("%s lets members delete or transfer repositories (members_can_delete_repositories is true).", who)}
	}
	return check.Result{Status: check.Passed, Details: d,
		Reason: fmt.Sprintf("%s does not let members delete or transfer repositories (members_can_delete_repositories is false).", who)}
}
