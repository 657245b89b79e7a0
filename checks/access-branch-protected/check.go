// Package accessbranchprotected is the check access-branch-protected
// (PO.5.1): the default branch cannot be force-pushed or deleted.
package accessbranchprotected

import (
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/branchrules"
)

// Check is access-branch-protected.
var Check = &check.Check{
	ID:      "access-branch-protected",
	Title:   "The default branch cannot be force-pushed or deleted",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `The default branch cannot be force-pushed or deleted, so that its history — what was reviewed and released — cannot be rewritten or lost.

- GitHub: classic branch protection with ` + "`allow_force_pushes`" + ` and ` + "`allow_deletions`" + ` false, or **active** rulesets — of the repository or of the organization; an organization ruleset alone is enough — that target the default branch with the rules ` + "`non_fast_forward`" + ` and ` + "`deletion`" + `. Protections add up: classic protection that blocks force pushes and a ruleset with a ` + "`deletion`" + ` rule together pass. Rulesets in ` + "`evaluate`" + ` or ` + "`disabled`" + ` mode enforce nothing; they are named in a finding.
- GitLab: the default branch is protected and its protection does not ` + "`allow_force_push`" + ` (a protected branch cannot be deleted by a push).

**pass**: both force pushes and deletion are blocked. Details: ` + "`branch`" + `, ` + "`forcePush`" + ` and ` + "`deletion`" + ` (what blocks each: ` + "`classic`" + `, ` + "`ruleset \"NAME\"`" + `, ` + "`gitlab`" + `).

**fail**: the protection was read and one of them is allowed (an unprotected branch allows both).

**unknown**: the forge was not consulted, or the protection could not be read — all of it, or the classic protection beside readable rulesets (the reason names the missing permission) — and what could be read does not block both.`,
	Remediation: "On GitHub, create a branch ruleset for the default branch (`~DEFAULT_BRANCH`) — for every repository at once as an organization ruleset — with the rules \"Restrict deletions\" and \"Block force pushes\" (`{\"type\": \"deletion\"}` and `{\"type\": \"non_fast_forward\"}`) and enforcement `active`; or, in the branch's classic protection, leave \"Allow force pushes\" and \"Allow deletions\" off. On GitLab, protect the default branch (Settings → Repository → Protected branches) with \"Allowed to force push\" off: `glab api -X POST projects/ID/protected_branches -f name=main -F allow_force_push=false`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Branch    string `json:"branch,omitempty"`
	ForcePush string `json:"forcePush,omitempty"`
	Deletion  string `json:"deletion,omitempty"`
}

func run(p *check.Pass) check.Result {
	repo, branch := branchrules.Of(p)
	fact := check.FactOf("the protection of the default branch", repo.Branch)
	if !p.Snapshot.Forge.Consulted {
		r, _ := check.ForgeUnknown(p, fact)
		return r
	}
	b := repo.Branch.Value
	d := Details{Branch: branch}
	var findings []check.Finding
	if repo.Branch.Read {
		if check.ForgeKind(p) == "gitlab" {
			if g := b.GitLab; g != nil && g.Protected && !g.AllowForcePush {
				d.ForcePush, d.Deletion = "gitlab", "gitlab"
			}
		} else {
			if c := b.Classic; c != nil {
				if !c.AllowForcePushes {
					d.ForcePush = "classic"
				}
				if !c.AllowDeletions {
					d.Deletion = "classic"
				}
			}
			for _, rs := range b.Rulesets {
				blocks := map[string]bool{}
				for _, r := range rs.Rules {
					blocks[r.Type] = true
				}
				if !blocks["non_fast_forward"] && !blocks["deletion"] {
					continue
				}
				if rs.Enforcement != "active" {
					findings = append(findings, check.Finding{Message: fmt.Sprintf(
						"the %s ruleset %q would block %s, but its enforcement is %q, not active", branchrules.Source(rs), rs.Name, blocked(blocks), rs.Enforcement)})
					continue
				}
				by := fmt.Sprintf("%s ruleset %q", branchrules.Source(rs), rs.Name)
				if blocks["non_fast_forward"] && d.ForcePush == "" {
					d.ForcePush = by
				}
				if blocks["deletion"] && d.Deletion == "" {
					d.Deletion = by
				}
			}
		}
		if d.ForcePush != "" && d.Deletion != "" {
			reason := fmt.Sprintf("%s cannot be force-pushed (%s) or deleted (%s).", branchrules.Upper(branchrules.Name(branch)), d.ForcePush, d.Deletion)
			if d.ForcePush == d.Deletion {
				reason = fmt.Sprintf("%s cannot be force-pushed or deleted (%s).", branchrules.Upper(branchrules.Name(branch)), d.ForcePush)
			}
			if d.ForcePush == "gitlab" {
				reason = fmt.Sprintf("%s is protected on GitLab without allow_force_push.", branchrules.Upper(branchrules.Name(branch)))
			}
			return check.Result{Status: check.Passed, Reason: reason, Details: d, Findings: findings}
		}
	}
	if r, ok := check.ForgeUnknown(p, fact, branchrules.Classic(b)); ok {
		r.Details, r.Findings = d, findings
		return r
	}
	r := check.Result{Status: check.Failed, Details: d, Findings: findings}
	if check.ForgeKind(p) == "gitlab" {
		if g := b.GitLab; g == nil || !g.Protected {
			r.Reason = fmt.Sprintf("%s is not protected on GitLab, so it can be force-pushed and deleted.", branchrules.Upper(branchrules.Name(branch)))
		} else {
			r.Reason = fmt.Sprintf("%s is protected on GitLab but allows force pushes (allow_force_push is on).", branchrules.Upper(branchrules.Name(branch)))
		}
		return r
	}
	var open []string
	if d.ForcePush == "" {
		open = append(open, "force-pushed")
	}
	if d.Deletion == "" {
		open = append(open, "deleted")
	}
	r.Reason = fmt.Sprintf("%s can be %s: neither classic branch protection nor an active ruleset blocks it.", branchrules.Upper(branchrules.Name(branch)), strings.Join(open, " and "))
	return r
}

func blocked(rules map[string]bool) string {
	switch {
	case rules["non_fast_forward"] && rules["deletion"]:
		return "force pushes and deletion"
	case rules["non_fast_forward"]:
		return "force pushes"
	}
	return "deletion"
}
