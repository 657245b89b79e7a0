// Package codeownersreviewenforced is the check codeowners-review-enforced
// (PO.2.1): the default branch requires the code owners' approval.
package codeownersreviewenforced

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/branchrules"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is codeowners-review-enforced.
var Check = &check.Check{
	ID:      "codeowners-review-enforced",
	Title:   "The default branch requires code-owner review",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Forge},
	Doc: `Merging to the default branch requires the approval of the code owners, so that CODEOWNERS is enforced rather than advisory.

- GitHub: classic branch protection with ` + "`required_pull_request_reviews.require_code_owner_reviews`" + `, or an **active** ruleset — of the repository or of the organization — that targets the default branch with a ` + "`pull_request`" + ` rule whose ` + "`require_code_owner_review`" + ` is true. Rulesets in ` + "`evaluate`" + ` or ` + "`disabled`" + ` mode enforce nothing; they are named in a finding.
- GitLab: the protected default branch has ` + "`code_owner_approval_required`" + `.

**pass**: one of these holds. Details: ` + "`branch`" + `, ` + "`source`" + ` (` + "`classic`" + `, ` + "`ruleset`" + ` with ` + "`ruleset`" + ` naming it, or ` + "`gitlab`" + `).

**fail**: the branch protection was read and none holds.

**unknown**: the forge was not consulted, or the project's GitLab plan lacks code-owner approval (a Premium feature: the approval rules, of the same tier, answer that the plan lacks them; GitLab Free still reports ` + "`code_owner_approval_required: false`" + `), or the branch protection could not be read — all of it, or the classic protection beside readable rulesets (the reason names the missing permission or plan) — and what could be read does not show the requirement.`,
	Remediation: "On GitHub, add to a ruleset that targets the default branch (repository or organization rulesets both count) a pull-request rule with `\"require_code_owner_review\": true`, for example `{\"type\": \"pull_request\", \"parameters\": {\"required_approving_review_count\": 1, \"require_code_owner_review\": true, ...}}`, and set its enforcement to `active`; or tick \"Require review from Code Owners\" in the branch's classic protection. On GitLab (Premium), protect the default branch with \"Code owner approval\" on (`code_owner_approval_required: true`).",
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
			if g := b.GitLab; g != nil && g.Protected && g.CodeOwnerApprovalRequired {
				d.Source = "gitlab"
				return check.Result{Status: check.Passed, Details: d,
					Reason: fmt.Sprintf("On GitLab, %s is protected and requires code-owner approval.", branchrules.Name(branch))}
			}
		} else {
			if c := b.Classic; c != nil && c.RequireCodeOwnerReviews {
				d.Source = "classic"
				return check.Result{Status: check.Passed, Details: d,
					Reason: fmt.Sprintf("The classic protection of %s requires review from code owners.", branchrules.Name(branch))}
			}
			rs, inactive := branchrules.Active(b.Rulesets, requiresCodeOwners, "code-owner review")
			if rs != nil {
				d.Source, d.Ruleset = "ruleset", rs.Name
				return check.Result{Status: check.Passed, Details: d,
					Reason: fmt.Sprintf("The active %s ruleset %q requires code-owner review on %s.", branchrules.Source(*rs), rs.Name, branchrules.Name(branch))}
			}
			findings = inactive
		}
	}
	if r, ok := check.ForgeUnknown(p, fact, branchrules.Classic(b), premium(b)); ok {
		r.Findings, r.Details = findings, d
		return r
	}
	r := check.Result{Status: check.Failed, Details: d, Findings: findings}
	if check.ForgeKind(p) == "gitlab" {
		if g := b.GitLab; g == nil || !g.Protected {
			r.Reason = fmt.Sprintf("On GitLab, %s is not protected, so nothing requires code-owner approval.", branchrules.Name(branch))
		} else {
			r.Reason = fmt.Sprintf("On GitLab, %s is protected but does not require code-owner approval (code_owner_approval_required is off).", branchrules.Name(branch))
		}
		return r
	}
	r.Reason = fmt.Sprintf("Neither classic branch protection nor an active ruleset requires review from code owners on %s.", branchrules.Name(branch))
	return r
}

// premium is GitLab's plan as it bears on code-owner approval, a Premium
// feature: unknown when the approval rules, of the same tier, showed that
// the plan lacks them (GitLab Free still answers
// code_owner_approval_required: false, which then proves nothing).
func premium(b snapshot.BranchRules) check.ForgeFact {
	var u *snapshot.Unavailable
	if g := b.GitLab; g != nil && g.ApprovalsUnavailable != nil && g.ApprovalsUnavailable.Kind == "plan" {
		u = &snapshot.Unavailable{Kind: "plan", Status: g.ApprovalsUnavailable.Status,
			Reason: "code-owner approval is a GitLab Premium feature, and " + g.ApprovalsUnavailable.Reason}
	}
	return check.PartOf("code-owner approval on this project's plan", u)
}

func requiresCodeOwners(rs snapshot.Ruleset) bool {
	for _, rule := range rs.Rules {
		if rule.Type == "pull_request" && rule.RequireCodeOwnerReview {
			return true
		}
	}
	return false
}
