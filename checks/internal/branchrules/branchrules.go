// Package branchrules holds what the forge checks of the default branch's
// protection (access-branch-protected, access-review-required,
// access-signed-commits-required, codeowners-review-enforced) read and say
// alike: the branch, classic protection and rulesets.
package branchrules

import (
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Of returns the forge's facts about the repository (zero when there are
// none) and the default branch's name: the branch its protection was read
// for, else the repository's default branch.
func Of(p *check.Pass) (snapshot.Repo, string) {
	var repo snapshot.Repo
	if r := p.Snapshot.Forge.Repo; r != nil {
		repo = *r
	}
	branch := repo.Branch.Value.Branch
	if branch == "" {
		branch = repo.DefaultBranch
	}
	return repo, branch
}

// Classic is the classic protection of the default branch as a part of the
// branch's facts, unseen when b says why.
func Classic(b snapshot.BranchRules) check.ForgeFact {
	return check.PartOf("the classic protection of the default branch", b.ClassicUnavailable)
}

// Active returns the first active ruleset for which requires holds, and a
// finding for each one before it that would require what but is not
// enforced.
func Active(rulesets []snapshot.Ruleset, requires func(snapshot.Ruleset) bool, what string) (*snapshot.Ruleset, []check.Finding) {
	var findings []check.Finding
	for i, rs := range rulesets {
		if !requires(rs) {
			continue
		}
		if rs.Enforcement == "active" {
			return &rulesets[i], findings
		}
		findings = append(findings, check.Finding{Message: fmt.Sprintf(
			"the %s ruleset %q would require %s, but its enforcement is %q, not active", Source(rs), rs.Name, what, rs.Enforcement)})
	}
	return nil, findings
}

// Source says where a ruleset is defined: "organization", "enterprise"
// or "repository".
func Source(rs snapshot.Ruleset) string {
	switch rs.Source {
	case "Organization":
		return "organization"
	case "Enterprise":
		return "enterprise"
	}
	return "repository"
}

// Name names the default branch.
func Name(branch string) string {
	if branch == "" {
		return "the default branch"
	}
	return "the default branch " + branch
}

// Upper starts a sentence with Name's "the".
func Upper(s string) string { return "T" + strings.TrimPrefix(s, "t") }
