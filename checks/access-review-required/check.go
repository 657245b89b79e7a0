// Package accessreviewrequired is the check access-review-required
// (PO.5.1): merging to the default branch requires approvals that admins
// cannot bypass.
package accessreviewrequired

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/internal/branchrules"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-review-required.
var Check = &check.Check{
	ID:      "access-review-required",
	Title:   "Merging to the default branch requires approvals that admins cannot bypass",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Forge},
	Doc: `Every change to the default branch is approved by at least ` + "`reviews.min`" + ` reviewers (policy, default 1), and administrators cannot bypass the requirement.

- GitHub, either of:
  - classic branch protection with ` + "`required_pull_request_reviews.required_approving_review_count`" + ` ≥ ` + "`reviews.min`" + ` and ` + "`enforce_admins`" + ` on;
  - an **active** ruleset — of the repository or of the organization — that targets the default branch with a ` + "`pull_request`" + ` rule whose ` + "`required_approving_review_count`" + ` ≥ ` + "`reviews.min`" + `, and no bypass actor beyond the policy's allow-list ` + "`reviews.bypassAllowed`" + `. An allow-list entry names an actor by its name (a team, an app, a repository role), or by its type for an actor without one (` + "`OrganizationAdmin`" + `, ` + "`DeployKey`" + `); names match case-insensitively. Bypass in ` + "`pull_request`" + ` mode is still a bypass. Rulesets in ` + "`evaluate`" + ` or ` + "`disabled`" + ` mode enforce nothing.
  One such protection is enough: it binds everyone it does not exempt, whatever the others allow.
- GitLab: the approval rules that apply to the default branch require ` + "`approvals_required`" + ` ≥ ` + "`reviews.min`" + `, and the branch is protected with push limited to maintainers: every push access level is 40 (Maintainers), 60 (Administrators) or 0 (No one).

**pass**: one of these holds. Details: ` + "`branch`" + `, ` + "`required`" + ` (` + "`reviews.min`" + `), ` + "`approvals`" + ` (what the passing protection requires), ` + "`source`" + ` (` + "`classic`" + `, ` + "`ruleset`" + ` with ` + "`ruleset`" + `, ` + "`gitlab`" + `).

**fail**: the protection was read and none holds; each protection that falls short is a finding saying why (too few approvals, ` + "`enforce_admins`" + ` off, bypass actors outside the allow-list, push open to developers).

**unknown**: the forge was not consulted, or the protection or approval rules could not be read (the reason names the missing permission, or the plan that lacks approval rules) and what could be read does not pass — also when, on GitLab, only named users or groups may push to the protected branch (their roles are not read), or when the only ruleset that could pass hides its bypass actors from the token (GitHub shows them only to those who can edit the ruleset).`,
	Remediation: "On GitHub, require pull requests with enough approvals in an active ruleset for the default branch — `{\"type\": \"pull_request\", \"parameters\": {\"required_approving_review_count\": 1, \"dismiss_stale_reviews_on_push\": true, \"require_code_owner_review\": true, \"require_last_push_approval\": true, \"required_review_thread_resolution\": false}}` — and empty its bypass list (`\"bypass_actors\": []`), or allow the exceptions you accept in the policy (`reviews: {min: 1, bypassAllowed: [release-bot]}`); with classic protection, set \"Require approvals\" and tick \"Do not allow bypassing the above settings\" (`enforce_admins`). On GitLab, add an approval rule for the default branch with `approvals_required: 1` or more, and protect the branch with \"Allowed to push and merge\" set to Maintainers (or No one).",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Branch    string `json:"branch,omitempty"`
	Required  int    `json:"required"`
	Approvals int    `json:"approvals"`
	Source    string `json:"source,omitempty"`
	Ruleset   string `json:"ruleset,omitempty"`
}

func run(p *check.Pass) check.Result {
	repo, branch := branchrules.Of(p)
	gitlab := check.ForgeKind(p) == "gitlab"
	what := "the protection of the default branch"
	if gitlab {
		what = "the protection and approval rules of the default branch"
	}
	fact := check.FactOf(what, repo.Branch)
	if !p.Snapshot.Forge.Consulted {
		r, _ := check.ForgeUnknown(p, fact)
		return r
	}
	b := repo.Branch.Value
	need := p.Policy.Reviews.Min
	d := Details{Branch: branch, Required: need}
	var pass *check.Result
	var short []string
	parts := []check.ForgeFact{fact}
	if repo.Branch.Read {
		var more []check.ForgeFact
		if gitlab {
			pass, short, more = judgeGitLab(b.GitLab, need, branch, &d)
		} else {
			pass, short, more = judgeGitHub(b, need, p.Policy.Reviews.BypassAllowed, branch, &d)
		}
		parts = append(parts, more...)
	}
	if pass != nil {
		pass.Details = d
		return *pass
	}
	var findings []check.Finding
	for _, s := range short {
		findings = append(findings, check.Finding{Message: s})
	}
	if r, ok := check.ForgeUnknown(p, parts...); ok {
		r.Details = d
		if !gitlab || repo.Branch.Known() {
			// What was read falls short for real. A partial GitLab answer
			// (the fact's own error) does not say which part is missing,
			// so its zeros prove nothing.
			r.Findings = findings
		}
		return r
	}
	r := check.Result{Status: check.Failed, Details: d, Findings: findings}
	switch {
	case gitlab && (b.GitLab == nil || !b.GitLab.Protected):
		r.Reason = fmt.Sprintf("%s is not protected on GitLab, so anyone with write access can push to it without approval.", branchrules.Upper(branchrules.Name(branch)))
	case gitlab:
		r.Reason = fmt.Sprintf("On GitLab, merging to %s does not require %d %s from everyone: %s.", branchrules.Name(branch), need, approvals(need), strings.Join(short, "; "))
	case len(short) == 0:
		r.Reason = fmt.Sprintf("Nothing requires approvals to merge to %s: no classic protection or active ruleset requires pull-request reviews.", branchrules.Name(branch))
	default:
		r.Reason = fmt.Sprintf("No protection of %s requires %d %s without a bypass: %s.", branchrules.Name(branch), need, approvals(need), strings.Join(short, "; "))
	}
	return r
}

// judgeGitHub looks for one protection that requires need approvals and
// that no one outside the allow-list can bypass. It returns the passing
// result, or why each protection falls short and what could not be seen.
func judgeGitHub(b snapshot.BranchRules, need int, allowed []string, branch string, d *Details) (*check.Result, []string, []check.ForgeFact) {
	var short []string
	unseen := []check.ForgeFact{branchrules.Classic(b)}
	if c := b.Classic; c != nil {
		switch {
		case c.RequiredApprovals < 0:
			short = append(short, "classic protection does not require pull-request reviews")
		case c.RequiredApprovals < need:
			short = append(short, fmt.Sprintf("classic protection requires only %d %s", c.RequiredApprovals, approvals(c.RequiredApprovals)))
		case !c.EnforceAdmins:
			short = append(short, fmt.Sprintf("classic protection requires %d %s, but administrators can bypass it (enforce_admins is off)", c.RequiredApprovals, approvals(c.RequiredApprovals)))
		default:
			d.Approvals, d.Source = c.RequiredApprovals, "classic"
			return &check.Result{Status: check.Passed, Reason: fmt.Sprintf(
				"The classic protection of %s requires %d %s (the policy asks for %d) and binds administrators too (enforce_admins).",
				branchrules.Name(branch), c.RequiredApprovals, approvals(c.RequiredApprovals), need)}, nil, nil
		}
	}
	for _, rs := range b.Rulesets {
		n, ok := requiredApprovals(rs)
		if !ok {
			continue
		}
		label := fmt.Sprintf("the %s ruleset %q", branchrules.Source(rs), rs.Name)
		if rs.Enforcement != "active" {
			short = append(short, fmt.Sprintf("%s requires %d %s, but its enforcement is %q, not active", label, n, approvals(n), rs.Enforcement))
			continue
		}
		if n < need {
			short = append(short, fmt.Sprintf("%s requires only %d %s", label, n, approvals(n)))
			continue
		}
		if rs.BypassActorsHidden {
			unseen = append(unseen, check.PartOf(fmt.Sprintf("who may bypass %s", label), &snapshot.Unavailable{
				Kind:       "permission",
				Reason:     "the forge shows a ruleset's bypass actors only to those who can edit it",
				Permission: "administration: read (organization rulesets: organization owner)",
			}))
			continue
		}
		var bypass []string
		for _, a := range rs.BypassActors {
			if !allowedActor(a, allowed) {
				bypass = append(bypass, describe(a))
			}
		}
		if len(bypass) > 0 {
			short = append(short, fmt.Sprintf("%s requires %d %s, but %s can bypass it (not in reviews.bypassAllowed)", label, n, approvals(n), strings.Join(bypass, ", ")))
			continue
		}
		d.Approvals, d.Source, d.Ruleset = n, "ruleset", rs.Name
		reason := fmt.Sprintf("The active %s ruleset %q requires %d %s to merge to %s (the policy asks for %d), and no one can bypass it.", branchrules.Source(rs), rs.Name, n, approvals(n), branchrules.Name(branch), need)
		if len(rs.BypassActors) > 0 {
			reason = fmt.Sprintf("The active %s ruleset %q requires %d %s to merge to %s (the policy asks for %d), and only the bypass actors the policy allows can bypass it.", branchrules.Source(rs), rs.Name, n, approvals(n), branchrules.Name(branch), need)
		}
		return &check.Result{Status: check.Passed, Reason: reason}, nil, nil
	}
	return nil, short, unseen
}

// judgeGitLab: approvals_required of the rules that apply to the branch,
// and pushes limited to maintainers.
func judgeGitLab(g *snapshot.GitLabProtection, need int, branch string, d *Details) (*check.Result, []string, []check.ForgeFact) {
	if g == nil || !g.Protected {
		return nil, nil, nil
	}
	var short []string
	unseen := []check.ForgeFact{check.PartOf("the approval rules of the default branch", g.ApprovalsUnavailable)}
	if g.ApprovalsUnavailable == nil {
		d.Approvals = g.ApprovalsRequired
		if g.ApprovalsRequired < need {
			short = append(short, fmt.Sprintf("the approval rules require %d %s", g.ApprovalsRequired, approvals(g.ApprovalsRequired)))
		}
	}
	var open []string
	for _, l := range g.PushAccessLevels {
		if l != 0 && l != 40 && l != 60 {
			open = append(open, level(l))
		}
	}
	if len(open) > 0 {
		// Pushes open to developers fail whatever the approval rules say.
		short = append(short, fmt.Sprintf("the protected branch lets %s push directly, without a merge request", strings.Join(open, " and ")))
		return nil, short, nil
	}
	if len(short) > 0 {
		return nil, short, nil
	}
	if len(g.PushAccessLevels) == 0 {
		// Only named users or groups may push (GitLab Premium): their
		// roles are not read, so whether they are maintainers is unknown.
		unseen = append(unseen, check.PartOf("who may push to the protected branch", &snapshot.Unavailable{Kind: "unsupported",
			Reason: "the protected branch lets only named users or groups push, and ssdf does not read their roles, so whether pushes are limited to maintainers cannot be told"}))
	}
	if len(unseen) > 1 || g.ApprovalsUnavailable != nil {
		return nil, nil, unseen
	}
	d.Source = "gitlab"
	return &check.Result{Status: check.Passed, Reason: fmt.Sprintf(
		"On GitLab, merge requests to %s need %d %s (the policy asks for %d) and only maintainers can push to it.",
		branchrules.Name(branch), g.ApprovalsRequired, approvals(g.ApprovalsRequired), need)}, nil, nil
}

// requiredApprovals returns the largest approval count of the ruleset's
// pull_request rules.
func requiredApprovals(rs snapshot.Ruleset) (int, bool) {
	n, ok := 0, false
	for _, r := range rs.Rules {
		if r.Type == "pull_request" {
			n, ok = max(n, r.RequiredApprovals), true
		}
	}
	return n, ok
}

// allowedActor reports whether the policy's allow-list names the actor:
// by its name, or by its type when it has no name of its own.
func allowedActor(a snapshot.BypassActor, allowed []string) bool {
	return slices.ContainsFunc(allowed, func(s string) bool {
		s = strings.TrimSpace(s)
		if a.Name != "" && strings.EqualFold(s, a.Name) {
			return true
		}
		return (a.Name == "" || a.Type == "OrganizationAdmin" || a.Type == "DeployKey") && strings.EqualFold(s, a.Type)
	})
}

func describe(a snapshot.BypassActor) string {
	var s string
	switch {
	case a.Name != "":
		s = a.Type + " " + strconv.Quote(a.Name)
	case a.ID != 0:
		s = a.Type + " " + strconv.FormatInt(a.ID, 10)
	default:
		s = a.Type
	}
	if a.Mode == "pull_request" {
		s += " (on pull requests)"
	}
	return s
}

func level(l int) string {
	switch l {
	case 30:
		return "developers (30)"
	case 20:
		return "reporters (20)"
	}
	return "access level " + strconv.Itoa(l)
}

func approvals(n int) string {
	if n == 1 {
		return "approval"
	}
	return "approvals"
}
