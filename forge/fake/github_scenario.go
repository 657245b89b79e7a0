package fake

import (
	"fmt"
	"time"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Acme returns a well-run organization on GitHub Enterprise Cloud, seen by
// an owner: 2FA required, two owners, nobody without 2FA, members cannot
// delete repositories, issue templates in the `.github` repository, and a
// repository "widget" whose default branch has full classic protection,
// signed commits, a read-only deploy key and a CODEOWNERS file without
// errors. Tests change what they need.
func Acme() *GitHubOrg {
	f := false
	return &GitHubOrg{
		Login:                 "acme",
		Plan:                  "enterprise",
		TwoFactorRequired:     true,
		MembersCanDeleteRepos: &f,
		Owners:                []string{"alice", "bob"},
		Members:               []string{"carol", "dave"},
		Repos: []*GitHubRepo{
			{
				Name:          ".github",
				DefaultBranch: "main",
				Files: map[string]string{
					".github/ISSUE_TEMPLATE/bug.yml":    "name: Bug\ndescription: Report a bug\nbody:\n  - type: checkboxes\n    attributes:\n      label: Security\n      options:\n        - label: I checked this is not a security issue\n",
					".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n",
					"profile/README.md":                 "# Acme\n",
				},
			},
			{
				Name:               "widget",
				DefaultBranch:      "main",
				TemplateRepository: "acme/service-template",
				Classic: &snapshot.ClassicProtection{
					RequiredApprovals: 2, RequireCodeOwnerReviews: true, EnforceAdmins: true, RequiredSignatures: true,
				},
				Commits: []GitHubCommit{
					{Verified: true}, {Verified: true}, {Verified: true},
				},
				DeployKeys: []snapshot.DeployKey{{ID: 71, Title: "release-bot", ReadOnly: true}},
				CodeOwners: true,
				Files:      WidgetFiles(),
			},
		},
	}
}

// WidgetFiles are the files of the Acme "widget" repository.
func WidgetFiles() map[string]string {
	return map[string]string{
		"README.md":                "# widget\n",
		".github/CODEOWNERS":       "* @acme/maintainers\n/docs/ @acme/docs\n",
		".github/workflows/ci.yml": "name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: go test ./...\n",
		"go.mod":                   "module github.com/acme/widget\n\ngo 1.24\n",
		"main.go":                  "package main\n\nfunc main() {}\n",
	}
}

// OrgRulesetOnly returns the Acme organization with one repository,
// "gadget", that has no classic protection at all: its default branch is
// protected only by an organization ruleset (pull request with one
// approval and code-owner review, signed commits, no force pushes, no
// deletion) that no one may bypass. Allstar, which reads classic
// protection only, would call it unprotected.
func OrgRulesetOnly() *GitHubOrg {
	org := Acme()
	org.Rulesets = []*GitHubRuleset{{
		ID:      4242,
		Name:    "protect default branches",
		Include: []string{"~DEFAULT_BRANCH"},
		Repos:   []string{"~ALL"},
		Rules: []snapshot.RulesetRule{
			{Type: "deletion"},
			{Type: "non_fast_forward"},
			{Type: "required_signatures"},
			{Type: "pull_request", RequiredApprovals: 1, RequireCodeOwnerReview: true},
		},
		Bypass: []snapshot.BypassActor{},
	}}
	org.Repos = []*GitHubRepo{{
		Name:          "gadget",
		DefaultBranch: "trunk",
		Commits:       []GitHubCommit{{Verified: true}, {Verified: true}},
		CodeOwners:    true,
		Files:         map[string]string{"README.md": "# gadget\n", "CODEOWNERS": "* @acme/maintainers\n"},
	}}
	return org
}

// SyntheticRepos makes n repositories for scale tests, named
// repo-0001...; every tenth is archived, a quarter have classic
// protection, one in three has a repository ruleset, and each has a few
// small files and five commits.
func SyntheticRepos(n int) []*GitHubRepo {
	files := map[string]string{
		"README.md":                "# repo\n",
		"CODEOWNERS":               "* @acme/maintainers\n",
		".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
		"go.mod":                   "module example.com/repo\n\ngo 1.24\n",
	}
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*GitHubRepo, n)
	for i := range n {
		r := &GitHubRepo{
			Name:          fmt.Sprintf("repo-%04d", i+1),
			DefaultBranch: "main",
			Archived:      i%10 == 9,
			Private:       i%2 == 0,
			CodeOwners:    true,
			Files:         files,
		}
		for k := range 5 {
			r.Commits = append(r.Commits, GitHubCommit{Verified: (i+k)%3 != 0, Date: base.Add(-time.Duration(i*5+k) * time.Minute)})
		}
		if i%4 == 0 {
			r.Classic = &snapshot.ClassicProtection{RequiredApprovals: 1, EnforceAdmins: i%8 == 0}
		}
		if i%3 == 0 {
			r.Rulesets = []*GitHubRuleset{{ID: int64(10000 + i), Name: "main", Rules: []snapshot.RulesetRule{{Type: "non_fast_forward"}, {Type: "deletion"}}}}
		}
		if i%5 == 0 {
			r.DeployKeys = []snapshot.DeployKey{{Title: "ci", ReadOnly: i%10 != 0}}
		}
		out[i] = r
	}
	return out
}
