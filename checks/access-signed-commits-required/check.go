// Package accesssignedcommitsrequired is the check
// access-signed-commits-required (PO.5.1): the default branch requires
// signed commits.
package accesssignedcommitsrequired

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/branchrules"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-signed-commits-required.
var Check = &check.Check{
	ID:      "access-signed-commits-required",
	Title:   "The default branch requires signed commits",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `The forge refuses unsigned commits on the default branch. (A DCO ` + "`Signed-off-by`" + ` line is not a signature and does not count.)

- GitHub: classic branch protection with ` + "`required_signatures.enabled`" + `, or an **active** ruleset — of the repository or of the organization — that targets the default branch with a ` + "`required_signatures`" + ` rule. Rulesets in ` + "`evaluate`" + ` or ` + "`disabled`" + ` mode enforce nothing; they are named in a finding.
- GitLab: the push rule ` + "`reject_unsigned_commits`" + ` (a Premium feature).

**pass**: one of these holds. Details: ` + "`branch`" + `, ` + "`source`" + ` (` + "`classic`" + `, ` + "`ruleset`" + ` with ` + "`ruleset`" + `, or ` + "`gitlab-push-rule`" + `).

**fail**: the protection (GitLab: the push rules) was read and none holds.

**unknown**: the forge was not consulted, or the protection or push rules could not be read (the reason names the missing permission, or the plan that lacks push rules) and what could be read does not show the requirement.`,
	Remediation: "On GitHub, add a `required_signatures` rule (\"Require signed commits\") to an active ruleset that targets the default branch — `{\"type\": \"required_signatures\"}` in the ruleset's `rules` — or enable it in the classic protection with `gh api -X POST repos/OWNER/REPO/branches/main/protection/required_signatures`. On GitLab (Premium), turn on \"Reject unsigned commits\" in the project's (or group's) push rules: `glab api -X PUT projects/ID/push_rule -f reject_unsigned_commits=true` (POST when the project has no push rule yet).",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Branch  string `json:"branch,omitempty"`
	Source  string `json:"source,omitempty"`
	Ruleset string `json:"ruleset,omitempty"`
}

func run(p *check.Pass) check.Result {
	repo, branch := branchrules.Of(p)
	gitlab := check.ForgeKind(p) == "gitlab"
	what := "the protection of the default branch"
	if gitlab {
		what = "the project's push rules"
	}
	fact := check.FactOf(what, repo.Branch)
	if !p.Snapshot.Forge.Consulted {
		r, _ := check.ForgeUnknown(p, fact)
		return r
	}
	b := repo.Branch.Value
	d := Details{Branch: branch}
	var findings []check.Finding
	if gitlab {
		var rule *bool
		var why *snapshot.Unavailable
		if g := b.GitLab; repo.Branch.Read && g != nil {
			rule, why = g.RejectUnsignedCommits, g.PushRuleUnavailable
		}
		switch {
		case rule != nil && *rule:
			d.Source = "gitlab-push-rule"
			return check.Result{Status: check.Passed, Details: d, Reason: "The push rule reject_unsigned_commits refuses unsigned commits."}
		case rule != nil && repo.Branch.Known():
			return check.Result{Status: check.Failed, Details: d, Reason: "The push rules do not reject unsigned commits (reject_unsigned_commits is off)."}
		}
		if r, ok := check.ForgeUnknown(p, fact, check.PartOf("the project's push rules", why)); ok {
			r.Details = d
			return r
		}
		return check.Result{Status: check.Unknown, Details: d, Reason: "the project's push rules were not read, so reject_unsigned_commits is unknown"}
	}
	if repo.Branch.Read {
		if c := b.Classic; c != nil && c.RequiredSignatures {
			d.Source = "classic"
			return check.Result{Status: check.Passed, Details: d,
				Reason: fmt.Sprintf("The classic protection of %s requires signed commits.", branchrules.Name(branch))}
		}
		rs, inactive := branchrules.Active(b.Rulesets, func(rs snapshot.Ruleset) bool { return hasRule(rs, "required_signatures") }, "signed commits")
		if rs != nil {
			d.Source, d.Ruleset = "ruleset", rs.Name
			return check.Result{Status: check.Passed, Details: d,
				Reason: fmt.Sprintf("The active %s ruleset %q requires signed commits on %s.", branchrules.Source(*rs), rs.Name, branchrules.Name(branch))}
		}
		findings = inactive
	}
	if r, ok := check.ForgeUnknown(p, fact, branchrules.Classic(b)); ok {
		r.Details, r.Findings = d, findings
		return r
	}
	return check.Result{Status: check.Failed, Details: d, Findings: findings,
		Reason: fmt.Sprintf("Neither classic branch protection nor an active ruleset requires signed commits on %s.", branchrules.Name(branch))}
}

func hasRule(rs snapshot.Ruleset, typ string) bool {
	for _, r := range rs.Rules {
		if r.Type == typ {
			return true
		}
	}
	return false
}
