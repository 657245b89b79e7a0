package snapshot

import "time"

// Forge holds what the forge API said about the target, in a neutral
// model shared by GitHub and GitLab. Consulted is false when no forge was
// read at all (offline scan, no token); Reason then says why, and checks
// whose evidence could come from the forge are unknown rather than failing.
//
// Every fact is a Fact: either read (with its value) or unavailable with the
// reason (the permission the token lacks, the plan that lacks the feature,
// the API error that survived the retries). A check never treats an
// unavailable fact as a pass.
type Forge struct {
	Consulted bool   `json:"consulted"`
	Reason    string `json:"reason,omitempty"`
	// Kind is "github" or "gitlab"; BaseURL the API base (self-hosted too).
	Kind    string `json:"kind,omitempty"`
	BaseURL string `json:"baseURL,omitempty"`
	Org     *Org   `json:"org,omitempty"`
	Repo    *Repo  `json:"repo,omitempty"`
	// Requests counts the API requests the crawl made, for the budget.
	Requests int `json:"requests,omitempty"`
}

// Fact is one value read from the forge, or why it could not be read.
// The zero Fact was never asked for: checks treat it as unknown.
type Fact[T any] struct {
	Read  bool         `json:"read,omitempty"`
	Value T            `json:"value,omitzero"`
	Err   *Unavailable `json:"unavailable,omitempty"`
}

// Known reports whether the fact was read.
func (f Fact[T]) Known() bool { return f.Read && f.Err == nil }

// Why says why the fact is not known.
func (f Fact[T]) Why() string {
	switch {
	case f.Err != nil:
		return f.Err.Reason
	case !f.Read:
		return "the forge was not asked for it"
	}
	return ""
}

// Unavailable says why a fact could not be read.
type Unavailable struct {
	// Kind: "permission" (the token lacks a scope or role: Permission names
	// it), "plan" (the plan lacks the feature), "not-found", "error" (API
	// error or rate limit after retries), "unsupported" (the forge has no
	// such setting).
	Kind       string `json:"kind"`
	Reason     string `json:"reason"`
	Permission string `json:"permission,omitempty"`
	// Status is the HTTP status of the last answer, if any.
	Status int `json:"status,omitempty"`
}

// Org is an organization (GitHub) or top-level group (GitLab).
type Org struct {
	Login string `json:"login"`
	Plan  string `json:"plan,omitempty"`
	// TwoFactorRequired is GitHub two_factor_requirement_enabled / GitLab
	// require_two_factor_authentication. A nil value means the forge
	// answered null (the token is not an owner): unknown, not false.
	TwoFactorRequired Fact[*bool] `json:"twoFactorRequired"`
	// MembersWithout2FA are the members and outside collaborators with 2FA
	// disabled (GitHub filter=2fa_disabled).
	MembersWithout2FA Fact[[]string] `json:"membersWithout2FA"`
	// Owners are the org owners (GitHub role=admin; GitLab access level 50
	// on the top group), sorted.
	Owners Fact[[]string] `json:"owners"`
	// MembersCanDeleteRepos is GitHub members_can_delete_repositories;
	// on GitLab, true unless only owners may delete projects.
	MembersCanDeleteRepos Fact[bool] `json:"membersCanDeleteRepos"`
	// AuditLog says whether the audit log is readable with this token.
	AuditLog Fact[AuditLog] `json:"auditLog"`
	// GitAccessProtocol is GitLab enabled_git_access_protocol ("ssh",
	// "http", "all"); unsupported on GitHub.
	GitAccessProtocol Fact[string] `json:"gitAccessProtocol"`
	// IssueTemplates are the issue templates the organization supplies:
	// GitHub's `.github` repository's ISSUE_TEMPLATE files, GitLab group
	// description templates.
	IssueTemplates Fact[[]string] `json:"issueTemplates"`
}

// AuditLog is what was learnt about the audit log.
type AuditLog struct {
	Readable bool `json:"readable"`
	// Streaming is set when audit-log streaming is configured (nil: not
	// visible).
	Streaming *bool `json:"streaming,omitempty"`
}

// Repo is one repository (GitHub) or project (GitLab).
type Repo struct {
	FullName      string `json:"fullName"`
	DefaultBranch string `json:"defaultBranch,omitempty"`
	// HeadCommit is the default branch's newest commit as the forge saw
	// it ("" when unknown): a remote scan lists that commit's tree.
	HeadCommit string `json:"headCommit,omitempty"`
	Archived   bool   `json:"archived,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	// TemplateRepository is GitHub template_repository ("owner/name", or
	// "" when the repository was not made from a template).
	TemplateRepository Fact[string] `json:"templateRepository"`
	// IsTemplate is GitHub is_template.
	IsTemplate Fact[bool] `json:"isTemplate"`
	// CIConfigPath is GitLab ci_config_path: "" when the project uses the
	// default .gitlab-ci.yml, else the configured path (a file of the
	// repository, "path@group/project[:ref]" in another project, or a
	// URL). Unsupported on GitHub.
	CIConfigPath Fact[string] `json:"ciConfigPath"`
	// HasIssues says whether issues are enabled.
	HasIssues Fact[bool] `json:"hasIssues"`
	// IssueTemplates are the issue templates the forge offers for the
	// project (GitLab GET /projects/:id/templates/issues).
	IssueTemplates Fact[[]string] `json:"issueTemplates"`
	// CodeOwnerErrors are the owners that do not resolve (GitHub
	// /codeowners/errors; GitLab members and groups that do not resolve).
	CodeOwnerErrors Fact[[]CodeOwnerError] `json:"codeOwnerErrors"`
	// OwnerKinds maps a CODEOWNERS owner (GitLab bare @name) to "user" or
	// "group" as the forge resolved it.
	OwnerKinds Fact[map[string]string] `json:"ownerKinds"`
	// Branch is how the default branch is protected.
	Branch Fact[BranchRules] `json:"branch"`
	// Commits are the newest commits on the default branch with the
	// forge's signature verification.
	Commits Fact[[]Commit] `json:"commits"`
	// DeployKeys are the repository's deploy keys.
	DeployKeys Fact[[]DeployKey] `json:"deployKeys"`
}

// CodeOwnerError is one CODEOWNERS problem the forge reported.
type CodeOwnerError struct {
	Line    int    `json:"line,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Message string `json:"message"`
}

// BranchRules is everything that protects the default branch: GitHub
// classic protection and the rulesets (repository and organization) that
// apply to it; GitLab protected branch, approval rules and push rules.
type BranchRules struct {
	Branch string `json:"branch"`
	// Classic is GitHub classic branch protection; nil when the branch has
	// none (404 "Branch not protected").
	Classic  *ClassicProtection `json:"classic,omitempty"`
	Rulesets []Ruleset          `json:"rulesets,omitempty"`
	GitLab   *GitLabProtection  `json:"gitlab,omitempty"`
	// ClassicUnavailable says why GitHub classic protection could not be
	// read (the token is not a repository admin, the plan lacks it) while
	// the rulesets could: Classic is then nil and means nothing, and a check
	// that the rulesets do not already satisfy is unknown.
	ClassicUnavailable *Unavailable `json:"classicUnavailable,omitempty"`
}

// ClassicProtection is GitHub's classic branch protection.
type ClassicProtection struct {
	// RequiredApprovals is required_pull_request_reviews.
	// required_approving_review_count; -1 when reviews are not required.
	RequiredApprovals       int  `json:"requiredApprovals"`
	RequireCodeOwnerReviews bool `json:"requireCodeOwnerReviews"`
	EnforceAdmins           bool `json:"enforceAdmins"`
	RequiredSignatures      bool `json:"requiredSignatures"`
	AllowForcePushes        bool `json:"allowForcePushes"`
	AllowDeletions          bool `json:"allowDeletions"`
}

// Ruleset is a GitHub ruleset that targets the default branch.
type Ruleset struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Source is "Repository" or "Organization".
	Source string `json:"source"`
	// Enforcement is "active", "evaluate" or "disabled"; only active
	// rulesets enforce anything.
	Enforcement  string        `json:"enforcement"`
	Rules        []RulesetRule `json:"rules"`
	BypassActors []BypassActor `json:"bypassActors,omitempty"`
	// BypassActorsHidden is set when the forge did not show who may bypass
	// the ruleset (GitHub shows bypass actors only to those who can edit
	// it): whether anyone can bypass is then unknown, not "no one".
	BypassActorsHidden bool `json:"bypassActorsHidden,omitempty"`
}

// RulesetRule is one rule of a ruleset.
type RulesetRule struct {
	// Type is the rule type: "pull_request", "required_signatures",
	// "non_fast_forward", "deletion", ...
	Type string `json:"type"`
	// For pull_request rules.
	RequiredApprovals      int  `json:"requiredApprovals,omitempty"`
	RequireCodeOwnerReview bool `json:"requireCodeOwnerReview,omitempty"`
}

// BypassActor may bypass a ruleset.
type BypassActor struct {
	// Type is "OrganizationAdmin", "RepositoryRole", "Team", "Integration",
	// "DeployKey".
	Type string `json:"type"`
	ID   int64  `json:"id,omitempty"`
	// Name is the role, team or app name when known.
	Name string `json:"name,omitempty"`
	// Mode is "always" or "pull_request".
	Mode string `json:"mode,omitempty"`
}

// GitLabProtection is GitLab's protection of the default branch.
type GitLabProtection struct {
	Protected                 bool `json:"protected"`
	AllowForcePush            bool `json:"allowForcePush"`
	CodeOwnerApprovalRequired bool `json:"codeOwnerApprovalRequired"`
	// PushAccessLevels and MergeAccessLevels are the access levels allowed
	// (0 no one, 30 developer, 40 maintainer, 60 admin).
	PushAccessLevels  []int `json:"pushAccessLevels,omitempty"`
	MergeAccessLevels []int `json:"mergeAccessLevels,omitempty"`
	// ApprovalsRequired is the largest approvals_required of the approval
	// rules that apply to the branch.
	ApprovalsRequired int `json:"approvalsRequired"`
	// RejectUnsignedCommits is the push rule (a Premium feature; nil when
	// it could not be read — see the Fact's reason).
	RejectUnsignedCommits *bool `json:"rejectUnsignedCommits,omitempty"`
	// ApprovalsUnavailable says why ApprovalsRequired could not be read
	// (approval rules are GitLab Premium: Kind "plan" on Free); the 0 in
	// ApprovalsRequired then means nothing.
	ApprovalsUnavailable *Unavailable `json:"approvalsUnavailable,omitempty"`
	// PushRuleUnavailable says why RejectUnsignedCommits is nil (push rules
	// are GitLab Premium; reading them needs the Maintainer role).
	PushRuleUnavailable *Unavailable `json:"pushRuleUnavailable,omitempty"`
}

// Commit is one commit on the default branch as the forge sees it.
type Commit struct {
	SHA      string    `json:"sha"`
	Date     time.Time `json:"date,omitzero"`
	Verified bool      `json:"verified"`
	// Reason is the forge's verification reason ("valid", "unsigned", ...).
	Reason string `json:"reason,omitempty"`
}

// DeployKey is a repository deploy key.
type DeployKey struct {
	ID       int64  `json:"id,omitempty"`
	Title    string `json:"title"`
	ReadOnly bool   `json:"readOnly"`
}
