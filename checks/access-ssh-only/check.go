// Package accesssshonly is the check access-ssh-only (PO.5.1): git access
// is limited to SSH keys.
package accesssshonly

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-ssh-only.
var Check = &check.Check{
	ID:      "access-ssh-only",
	Title:   "Git access is limited to SSH",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `Git operations go over SSH only, so that they need an SSH key rather than a password or token over HTTP(S).

- GitLab: ` + "`enabled_git_access_protocol`" + ` is ` + "`ssh`" + `.
- GitHub has no such setting: ` + "`not-applicable`" + ` with that reason.

**pass**: GitLab allows only SSH. Details: ` + "`protocol`" + `.

**fail**: GitLab allows HTTP(S) too (` + "`http`" + ` or ` + "`all`" + `; no value means both).

**not-applicable**: the repository is on GitHub.

**unknown**: on GitLab, the forge was not consulted or the setting could not be read (the reason names the missing permission).`,
	Remediation: "On GitLab, set \"Enabled Git access protocols\" to \"Only SSH\" (Admin Area → Settings → General → Visibility and access controls), or `glab api -X PUT application/settings -f enabled_git_access_protocol=ssh` with an administrator's token; on GitLab.com ask for the restriction through your group's settings where your plan offers it. Users then clone with `git@gitlab.example.com:group/project.git`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Protocol string `json:"protocol"`
}

func run(p *check.Pass) check.Result {
	if check.ForgeKind(p) != "gitlab" {
		return check.Resultf(check.NotApplicable, "GitHub has no such setting: it cannot limit git access to SSH.")
	}
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	f := org.GitAccessProtocol
	if r, ok := check.ForgeUnknown(p, check.FactOf("GitLab's enabled_git_access_protocol", f)); ok {
		return r
	}
	d := Details{Protocol: f.Value}
	switch f.Value {
	case "ssh":
		return check.Result{Status: check.Passed, Details: d, Reason: "GitLab allows git access over SSH only (enabled_git_access_protocol is ssh)."}
	case "", "all":
		d.Protocol = "all"
		return check.Result{Status: check.Failed, Details: d, Reason: "GitLab allows git access over both SSH and HTTP(S) (enabled_git_access_protocol is not ssh)."}
	}
	return check.Result{Status: check.Failed, Details: d,
		Reason: fmt.Sprintf("GitLab allows git access over %s, not SSH only (enabled_git_access_protocol is %s).", f.Value, f.Value)}
}
