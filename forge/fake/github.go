package fake

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// GitHubOrg is the scenario a fake GitHub serves: one organization, what
// the token may see of it, and its repositories. The zero value of every
// field is the unremarkable case.
type GitHubOrg struct {
	Login string
	// Plan is the organization's plan name as GET /orgs shows it to owners:
	// "free", "team" or "enterprise" (GitHub Enterprise Cloud, which alone
	// has the audit-log API).
	Plan string
	// Member makes the token a plain member instead of an owner: owner-only
	// fields are absent from GET /orgs and two_factor_requirement_enabled
	// is null, filter=2fa_disabled is refused (403), the audit log is
	// refused (403).
	Member bool
	// Outsider, set with Member, makes the token's user no member at all:
	// GET /user/memberships/orgs/{org} answers 404.
	Outsider bool
	// TwoFactorRequired is two_factor_requirement_enabled (for owners).
	TwoFactorRequired bool
	// MembersCanDeleteRepos is members_can_delete_repositories; nil leaves
	// the key out, as in the recorded octokit response.
	MembersCanDeleteRepos *bool
	// Owners are the members with role admin; Members the others.
	Owners  []string
	Members []string
	// Without2FA are members with 2FA disabled; OutsideWithout2FA outside
	// collaborators with 2FA disabled.
	Without2FA        []string
	OutsideWithout2FA []string
	// NoAuditScope: the token lacks read:audit_log (403 even for an owner
	// on Enterprise Cloud).
	NoAuditScope bool
	// Rulesets are organization rulesets.
	Rulesets []*GitHubRuleset
	// Repos are the organization's repositories (the `.github` repository
	// among them, if any).
	Repos []*GitHubRepo
}

// GitHubRepo is one repository of the scenario.
type GitHubRepo struct {
	Name          string
	DefaultBranch string // "main" when empty
	Archived      bool
	Private       bool
	IsTemplate    bool
	// NoIssues turns issues off (has_issues false).
	NoIssues bool
	// TemplateRepository is "owner/name" of the template it was made from.
	TemplateRepository string
	// NotAdmin: the token is not a repository admin, so classic protection
	// (404 "Not Found" on REST, null in GraphQL) and deploy keys (404 on
	// REST, empty in GraphQL) are hidden.
	NotAdmin bool
	// FreePrivate: a private repository on GitHub Free: classic protection
	// answers 403 "Upgrade to GitHub Pro or make this repository public".
	FreePrivate bool
	// Classic is the classic protection of the default branch (nil: 404
	// "Branch not protected"). RequiredApprovals -1: no review rule.
	Classic *snapshot.ClassicProtection
	// OmitSignaturesKey leaves required_signatures out of GET protection, as
	// the OpenAPI example does, so that a client must ask
	// /protection/required_signatures.
	OmitSignaturesKey bool
	// Rulesets are repository rulesets.
	Rulesets []*GitHubRuleset
	// Commits are the default branch's commits, newest first. SHAs are
	// made up when empty.
	Commits    []GitHubCommit
	DeployKeys []snapshot.DeployKey
	// CodeOwners says the default branch has a CODEOWNERS file;
	// CodeOwnerErrors are what GET codeowners/errors reports.
	CodeOwners      bool
	CodeOwnerErrors []snapshot.CodeOwnerError
	// Files are the default branch's files (path → content); Symlinks map
	// a path to its target; Submodules are paths of gitlinks.
	Files      map[string]string
	Symlinks   map[string]string
	Submodules []string
}

// GitHubCommit is a commit of a scenario repository.
type GitHubCommit struct {
	SHA      string
	Date     time.Time
	Verified bool
	// Reason is verification.reason ("valid", "unsigned", "unknown_key"...);
	// derived from Verified when empty.
	Reason string
}

// GitHubRuleset is a ruleset of the scenario.
type GitHubRuleset struct {
	ID   int64
	Name string
	// Enforcement: "active" (default), "evaluate", "disabled".
	Enforcement string
	// Include and Exclude are the ref_name condition ("~DEFAULT_BRANCH",
	// "~ALL", "refs/heads/main", "refs/heads/release/*"); Include defaults to
	// ~DEFAULT_BRANCH.
	Include []string
	Exclude []string
	// Repos is the repository_name include condition of an organization
	// ruleset (default ~ALL).
	Repos []string
	Rules []snapshot.RulesetRule
	// Bypass are the bypass actors; HideBypass leaves them out (callers
	// who cannot edit the ruleset do not see them).
	Bypass     []snapshot.BypassActor
	HideBypass bool
}

// GitHubServer is a fake GitHub API serving a GitHubOrg.
type GitHubServer struct {
	*Server
	// API is the REST base URL (with /api/v3 on Enterprise Server),
	// GraphQL the GraphQL endpoint, Web the URL a user would give as
	// --forge-url.
	API     string
	GraphQL string
	Web     string

	mu         sync.Mutex
	org        *GitHubOrg
	examples   map[string]any
	noRefRules bool
}

// GitHubOption configures a fake GitHub.
type GitHubOption func(*GitHubServer)

// Enterprise serves the API as GitHub Enterprise Server does: REST under
// /api/v3, GraphQL at /api/graphql.
func Enterprise() GitHubOption { return func(g *GitHubServer) { g.Prefix = "/api/v3" } }

// GitHub starts a fake GitHub serving org (Acme() when nil), with bodies
// from the shared api-examples folder (found above the test's directory).
func GitHub(t testing.TB, org *GitHubOrg, opts ...GitHubOption) *GitHubServer {
	t.Helper()
	if org == nil {
		org = Acme()
	}
	return NewGitHub(t, sharedtest.Dir(t, "api-examples", "github"), org, opts...)
}

// githubExamples are the example bodies the fake is built from.
var githubExamples = []string{
	"orgs_GET.octokit-fixtures.json",
	"orgs_repos_GET.openapi-example.json",
	"orgs_audit-log_GET.openapi-ghec-example.json",
	"repos_GET.octokit-fixtures.json",
	"repos_branches_protection_GET.openapi-example.json",
	"repos_branches_protection_GET.404-not-protected.octokit-fixtures.json",
	"repos_branches_protection_PUT.minimal.octokit-fixtures.json",
	"repos_branches_protection_required_signatures_GET.openapi-example.json",
	"repos_collaborators_GET.octokit-fixtures.json",
	"repos_rules_branches_GET.cli-fixture.json",
	"repos_rulesets_ruleset_id_GET.cli-fixture.json",
	"repos_rulesets_ruleset_id_GET.org-source.cli-fixture.json",
	"orgs_rulesets_ruleset_id_GET.openapi-example.json",
}

// NewGitHub starts a fake GitHub with the example bodies read from dir
// (the shared api-examples/github folder).
func NewGitHub(t testing.TB, dir string, org *GitHubOrg, opts ...GitHubOption) *GitHubServer {
	t.Helper()
	g := &GitHubServer{Server: NewServer(t), org: org, examples: map[string]any{}}
	for _, name := range githubExamples {
		v, err := LoadJSON(dir, name)
		if err != nil {
			t.Fatalf("fake GitHub: %v", err)
		}
		g.examples[name] = v
	}
	for _, o := range opts {
		o(g)
	}
	g.Web = g.URL
	g.API = g.URL + g.Prefix
	gqlPath := "/graphql"
	if g.Prefix != "" {
		gqlPath = "/api/graphql"
	}
	g.GraphQL = g.URL + gqlPath
	g.routes(gqlPath)
	return g
}

// Scenario returns the scenario; change it only between requests.
func (g *GitHubServer) Scenario() *GitHubOrg {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.org
}

// SetScenario replaces the scenario.
func (g *GitHubServer) SetScenario(org *GitHubOrg) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.org = org
}

func (g *GitHubServer) example(name string) any { return Clone(g.examples[name]) }

func (g *GitHubServer) object(name string) map[string]any { return g.example(name).(map[string]any) }

func (g *GitHubServer) routes(gqlPath string) {
	p := g.Prefix
	g.Handle("GET "+p+"/orgs/{org}", g.getOrg)
	g.Handle("GET "+p+"/orgs/{org}/members", g.listMembers)
	g.Handle("GET "+p+"/user/memberships/orgs/{org}", g.membership)
	g.Handle("GET "+p+"/orgs/{org}/outside_collaborators", g.listOutside)
	g.Handle("GET "+p+"/orgs/{org}/audit-log", g.auditLog)
	g.Handle("GET "+p+"/orgs/{org}/repos", g.listRepos)
	g.Handle("GET "+p+"/orgs/{org}/rulesets/{id}", g.getOrgRuleset)
	g.Handle("GET "+p+"/repos/{owner}/{repo}", g.getRepo)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/branches/{branch...}", g.getBranch)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/branches/{branch}/protection", g.getProtection)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/branches/{branch}/protection/required_signatures", g.getSignatures)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/rules/branches/{branch...}", g.rulesForBranch)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/rulesets/{id}", g.getRepoRuleset)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/commits", g.listCommits)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/commits/{ref...}", g.getCommit)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/keys", g.listKeys)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/codeowners/errors", g.codeownersErrors)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/contents/{path...}", g.contents)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/git/trees/{sha...}", g.tree)
	g.Handle("GET "+p+"/repos/{owner}/{repo}/git/blobs/{sha}", g.blob)
	g.Handle("POST "+gqlPath, g.graphql)
}

// ---- lookups --------------------------------------------------------------

func notFound(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, r, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}

func (g *GitHubServer) orgFor(w http.ResponseWriter, r *http.Request, login string) *GitHubOrg {
	org := g.Scenario()
	if org == nil || !strings.EqualFold(org.Login, login) {
		notFound(w, r)
		return nil
	}
	return org
}

func (org *GitHubOrg) repo(name string) *GitHubRepo {
	for _, r := range org.Repos {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func (g *GitHubServer) repoFor(w http.ResponseWriter, r *http.Request) (*GitHubOrg, *GitHubRepo) {
	org := g.orgFor(w, r, r.PathValue("owner"))
	if org == nil {
		return nil, nil
	}
	repo := org.repo(r.PathValue("repo"))
	if repo == nil {
		notFound(w, r)
		return nil, nil
	}
	return org, repo
}

// Branch is the default branch ("main" when unset).
func (r *GitHubRepo) Branch() string {
	if r.DefaultBranch == "" {
		return "main"
	}
	return r.DefaultBranch
}

// HeadSHA is the default branch's newest commit.
func (r *GitHubRepo) HeadSHA() string {
	if len(r.Commits) > 0 && r.Commits[0].SHA != "" {
		return r.Commits[0].SHA
	}
	return fakeSHA(r.Name, "head")
}

func fakeSHA(parts ...string) string {
	h := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

// commits returns the commits with made-up SHAs and dates filled in.
func (r *GitHubRepo) commits() []GitHubCommit {
	out := make([]GitHubCommit, len(r.Commits))
	base := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	for i, c := range r.Commits {
		if c.SHA == "" {
			c.SHA = fakeSHA(r.Name, "commit", strconv.Itoa(i))
			if i == 0 {
				c.SHA = r.HeadSHA()
			}
		}
		if c.Date.IsZero() {
			c.Date = base.Add(-time.Duration(i) * time.Hour)
		}
		if c.Reason == "" {
			c.Reason = "unsigned"
			if c.Verified {
				c.Reason = "valid"
			}
		}
		out[i] = c
	}
	return out
}

// ---- organization ---------------------------------------------------------

// membership is GET /user/memberships/orgs/{org}: the token's own
// membership, 404 for an outsider.
func (g *GitHubServer) membership(w http.ResponseWriter, r *http.Request) {
	role := "admin"
	switch org := g.orgFor(w, r, r.PathValue("org")); {
	case org == nil:
		return
	case org.Outsider:
		notFound(w, r)
		return
	case org.Member:
		role = "member"
	}
	WriteJSON(w, r, http.StatusOK, map[string]any{"state": "active", "role": role})
}

func (g *GitHubServer) getOrg(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	body := g.object("orgs_GET.octokit-fixtures.json")
	for _, k := range []string{"login"} {
		body[k] = org.Login
	}
	for k, v := range body {
		if s, ok := v.(string); ok && strings.Contains(s, "octokit-fixture-org") {
			body[k] = strings.ReplaceAll(s, "octokit-fixture-org", org.Login)
		}
	}
	body["public_repos"] = len(org.Repos)
	if org.Member {
		// What a member sees: no plan, no admin settings, and
		// two_factor_requirement_enabled null.
		for _, k := range []string{"plan", "billing_email", "default_repository_permission", "members_can_create_repositories",
			"members_allowed_repository_creation_type", "members_can_create_public_repositories", "members_can_create_private_repositories",
			"members_can_create_internal_repositories", "members_can_create_pages", "members_can_fork_private_repositories",
			"members_can_create_public_pages", "members_can_create_private_pages", "web_commit_signoff_required",
			"total_private_repos", "owned_private_repos", "private_gists", "disk_usage", "collaborators"} {
			delete(body, k)
		}
		body["two_factor_requirement_enabled"] = nil
	} else {
		body["two_factor_requirement_enabled"] = org.TwoFactorRequired
		if org.Plan != "" {
			Set(body, "plan.name", org.Plan)
		}
		if org.MembersCanDeleteRepos != nil {
			body["members_can_delete_repositories"] = *org.MembersCanDeleteRepos
		}
	}
	WriteJSON(w, r, http.StatusOK, body)
}

func (g *GitHubServer) user(login string, id int) map[string]any {
	u := g.example("repos_collaborators_GET.octokit-fixtures.json").([]any)[0].(map[string]any)
	delete(u, "permissions")
	delete(u, "role_name")
	old, _ := u["login"].(string)
	for k, v := range u {
		if s, ok := v.(string); ok && old != "" && strings.Contains(s, old) {
			u[k] = strings.ReplaceAll(s, old, login)
		}
	}
	u["login"] = login
	u["id"] = id
	return u
}

func (g *GitHubServer) users(logins []string) []any {
	out := make([]any, len(logins))
	for i, l := range logins {
		out[i] = g.user(l, 5000+i)
	}
	return out
}

func (g *GitHubServer) listMembers(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	q := r.URL.Query()
	var logins []string
	switch {
	case q.Get("filter") == "2fa_disabled":
		if org.Member {
			WriteJSON(w, r, http.StatusForbidden, map[string]string{"message": "Only owners can use this filter.", "documentation_url": "https://docs.github.com/rest/orgs/members#list-organization-members"})
			return
		}
		logins = org.Without2FA
	case q.Get("role") == "admin":
		logins = org.Owners
	default:
		logins = append(append([]string(nil), org.Owners...), org.Members...)
	}
	logins = slices.Clone(logins)
	sort.Strings(logins)
	WriteJSON(w, r, http.StatusOK, Paginate(w, r, g.users(logins), 30, 100))
}

func (g *GitHubServer) listOutside(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	if org.Member {
		WriteJSON(w, r, http.StatusForbidden, map[string]string{"message": "Must be an organization owner.", "documentation_url": "https://docs.github.com/rest/orgs/outside-collaborators"})
		return
	}
	var logins []string
	if r.URL.Query().Get("filter") == "2fa_disabled" {
		logins = org.OutsideWithout2FA
	}
	WriteJSON(w, r, http.StatusOK, Paginate(w, r, g.users(logins), 30, 100))
}

func (g *GitHubServer) auditLog(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	switch {
	case org.Plan != "enterprise":
		// The endpoint exists only on GitHub Enterprise Cloud.
		notFound(w, r)
	case org.Member:
		WriteJSON(w, r, http.StatusForbidden, map[string]string{"message": "Must have admin rights to Repository.", "documentation_url": "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization"})
	case org.NoAuditScope:
		w.Header().Set("X-Accepted-OAuth-Scopes", "read:audit_log")
		w.Header().Set("X-OAuth-Scopes", "repo, read:org")
		WriteJSON(w, r, http.StatusForbidden, map[string]string{"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization"})
	default:
		WriteJSON(w, r, http.StatusOK, Paginate(w, r, g.example("orgs_audit-log_GET.openapi-ghec-example.json").([]any), 30, 100))
	}
}

func (g *GitHubServer) listRepos(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	page := Paginate(w, r, org.Repos, 30, 100)
	proto := g.example("orgs_repos_GET.openapi-example.json").([]any)[0].(map[string]any)
	items := make([]any, len(page))
	for i, repo := range page {
		items[i] = g.repoBody(proto, org, repo, 100000+slices.Index(org.Repos, repo))
	}
	WriteJSON(w, r, http.StatusOK, items)
}

// repoBody patches an example repository object for repo.
func (g *GitHubServer) repoBody(proto map[string]any, org *GitHubOrg, repo *GitHubRepo, id int) map[string]any {
	b := Clone(proto).(map[string]any)
	oldFull, _ := b["full_name"].(string)
	full := org.Login + "/" + repo.Name
	for k, v := range b {
		if s, ok := v.(string); ok && oldFull != "" && strings.Contains(s, oldFull) {
			b[k] = strings.ReplaceAll(s, oldFull, full)
		}
	}
	b["id"] = id
	b["name"] = repo.Name
	b["full_name"] = full
	Set(b, "owner.login", org.Login)
	Set(b, "owner.type", "Organization")
	b["private"] = repo.Private
	b["visibility"] = map[bool]string{true: "private", false: "public"}[repo.Private]
	b["archived"] = repo.Archived
	b["default_branch"] = repo.Branch()
	b["is_template"] = repo.IsTemplate
	b["has_issues"] = !repo.NoIssues
	return b
}

// ---- repository -----------------------------------------------------------

func (g *GitHubServer) getRepo(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	body := g.repoBody(g.object("repos_GET.octokit-fixtures.json"), org, repo, 200000+slices.Index(org.Repos, repo))
	if repo.TemplateRepository != "" {
		owner, name, _ := strings.Cut(repo.TemplateRepository, "/")
		tmpl := g.repoBody(g.object("repos_GET.octokit-fixtures.json"), &GitHubOrg{Login: owner}, &GitHubRepo{Name: name, IsTemplate: true}, 300000)
		body["template_repository"] = tmpl
	}
	WriteJSON(w, r, http.StatusOK, body)
}

func (g *GitHubServer) adminOnly(w http.ResponseWriter, r *http.Request, repo *GitHubRepo) bool {
	if repo.FreePrivate {
		WriteJSON(w, r, http.StatusForbidden, map[string]string{"message": "Upgrade to GitHub Pro or make this repository public to enable this feature.", "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"})
		return false
	}
	if repo.NotAdmin {
		notFound(w, r)
		return false
	}
	return true
}

// getBranch is GET /repos/{o}/{r}/branches/{branch}, which anyone who can
// read the repository may ask: protected is true when classic protection
// or an active ruleset applies to the branch.
func (g *GitHubServer) getBranch(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	branch := r.PathValue("branch")
	if branch != repo.Branch() {
		WriteJSON(w, r, http.StatusNotFound, map[string]string{"message": "Branch not found", "documentation_url": "https://docs.github.com/rest/branches/branches#get-a-branch"})
		return
	}
	protected := repo.Classic != nil
	for _, rs := range org.rulesetsFor(repo) {
		protected = protected || rs.enforcement() == "active" && rs.refMatches(repo, branch)
	}
	WriteJSON(w, r, http.StatusOK, map[string]any{"name": branch, "commit": map[string]any{"sha": repo.HeadSHA()}, "protected": protected})
}

func (g *GitHubServer) getProtection(w http.ResponseWriter, r *http.Request) {
	_, repo := g.repoFor(w, r)
	if repo == nil || !g.adminOnly(w, r, repo) {
		return
	}
	c := repo.Classic
	if c == nil || r.PathValue("branch") != repo.Branch() {
		WriteJSON(w, r, http.StatusNotFound, g.example("repos_branches_protection_GET.404-not-protected.octokit-fixtures.json"))
		return
	}
	b := g.object("repos_branches_protection_GET.openapi-example.json")
	if c.RequiredApprovals < 0 {
		delete(b, "required_pull_request_reviews")
	} else {
		Set(b, "required_pull_request_reviews.required_approving_review_count", c.RequiredApprovals)
		Set(b, "required_pull_request_reviews.require_code_owner_reviews", c.RequireCodeOwnerReviews)
	}
	Set(b, "enforce_admins.enabled", c.EnforceAdmins)
	Set(b, "allow_force_pushes.enabled", c.AllowForcePushes)
	Set(b, "allow_deletions.enabled", c.AllowDeletions)
	if !repo.OmitSignaturesKey {
		sig := g.object("repos_branches_protection_PUT.minimal.octokit-fixtures.json")["required_signatures"].(map[string]any)
		sig["enabled"] = c.RequiredSignatures
		b["required_signatures"] = sig
	}
	WriteJSON(w, r, http.StatusOK, b)
}

func (g *GitHubServer) getSignatures(w http.ResponseWriter, r *http.Request) {
	_, repo := g.repoFor(w, r)
	if repo == nil || !g.adminOnly(w, r, repo) {
		return
	}
	if repo.Classic == nil || r.PathValue("branch") != repo.Branch() {
		WriteJSON(w, r, http.StatusNotFound, g.example("repos_branches_protection_GET.404-not-protected.octokit-fixtures.json"))
		return
	}
	b := g.object("repos_branches_protection_required_signatures_GET.openapi-example.json")
	b["enabled"] = repo.Classic.RequiredSignatures
	WriteJSON(w, r, http.StatusOK, b)
}

// appliedRuleset is a ruleset that applies to a branch, with its source.
type appliedRuleset struct {
	*GitHubRuleset
	source     string // "Organization" or "Repository"
	sourceName string
}

func (rs *GitHubRuleset) enforcement() string {
	if rs.Enforcement == "" {
		return "active"
	}
	return rs.Enforcement
}

// refMatches reports whether the ruleset's ref_name condition covers the
// branch.
func (rs *GitHubRuleset) refMatches(repo *GitHubRepo, branch string) bool {
	include := rs.Include
	if len(include) == 0 {
		include = []string{"~DEFAULT_BRANCH"}
	}
	match := func(pats []string) bool {
		for _, p := range pats {
			switch p {
			case "~ALL":
				return true
			case "~DEFAULT_BRANCH":
				if branch == repo.Branch() {
					return true
				}
			default:
				if ok, _ := path.Match(strings.TrimPrefix(p, "refs/heads/"), branch); ok {
					return true
				}
			}
		}
		return false
	}
	return match(include) && !match(rs.Exclude)
}

func (rs *GitHubRuleset) repoMatches(repo *GitHubRepo) bool {
	if len(rs.Repos) == 0 {
		return true
	}
	for _, p := range rs.Repos {
		if ok, _ := path.Match(p, repo.Name); ok || p == "~ALL" {
			return true
		}
	}
	return false
}

// rulesetsFor returns the rulesets (organization first) that target the
// repository, whatever their ref condition.
func (org *GitHubOrg) rulesetsFor(repo *GitHubRepo) []appliedRuleset {
	var out []appliedRuleset
	for _, rs := range org.Rulesets {
		if rs.repoMatches(repo) {
			out = append(out, appliedRuleset{rs, "Organization", org.Login})
		}
	}
	for _, rs := range repo.Rulesets {
		out = append(out, appliedRuleset{rs, "Repository", org.Login + "/" + repo.Name})
	}
	return out
}

// restRule renders a rule as the REST API does.
func restRule(rule snapshot.RulesetRule) map[string]any {
	m := map[string]any{"type": rule.Type}
	if rule.Type == "pull_request" {
		m["parameters"] = map[string]any{
			"allowed_merge_methods":             []string{"merge", "squash", "rebase"},
			"dismiss_stale_reviews_on_push":     false,
			"require_code_owner_review":         rule.RequireCodeOwnerReview,
			"require_last_push_approval":        false,
			"required_approving_review_count":   rule.RequiredApprovals,
			"required_review_thread_resolution": false,
		}
	}
	return m
}

func (g *GitHubServer) rulesForBranch(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	branch := r.PathValue("branch")
	var items []any
	for _, rs := range org.rulesetsFor(repo) {
		if rs.enforcement() != "active" || !rs.refMatches(repo, branch) {
			continue
		}
		for _, rule := range rs.Rules {
			m := restRule(rule)
			m["ruleset_source_type"] = rs.source
			m["ruleset_source"] = rs.sourceName
			m["ruleset_id"] = rs.ID
			items = append(items, m)
		}
	}
	if items == nil {
		items = []any{}
	}
	WriteJSON(w, r, http.StatusOK, Paginate(w, r, items, 30, 100))
}

func (g *GitHubServer) rulesetBody(rs appliedRuleset, repoPath bool) map[string]any {
	name := "repos_rulesets_ruleset_id_GET.cli-fixture.json"
	if rs.source == "Organization" {
		name = "repos_rulesets_ruleset_id_GET.org-source.cli-fixture.json"
		if !repoPath {
			name = "orgs_rulesets_ruleset_id_GET.openapi-example.json"
		}
	}
	b := g.object(name)
	b["id"] = rs.ID
	b["name"] = rs.Name
	b["source_type"] = rs.source
	b["source"] = rs.sourceName
	b["enforcement"] = rs.enforcement()
	include := rs.Include
	if len(include) == 0 {
		include = []string{"~DEFAULT_BRANCH"}
	}
	Set(b, "conditions.ref_name.include", include)
	Set(b, "conditions.ref_name.exclude", append([]string{}, rs.Exclude...))
	rules := make([]any, len(rs.Rules))
	for i, rule := range rs.Rules {
		rules[i] = restRule(rule)
	}
	b["rules"] = rules
	if rs.HideBypass {
		delete(b, "bypass_actors")
	} else {
		actors := make([]any, len(rs.Bypass))
		for i, a := range rs.Bypass {
			m := map[string]any{"actor_id": a.ID, "actor_type": a.Type, "bypass_mode": a.Mode}
			if a.Type == "DeployKey" {
				m["actor_id"] = nil
			}
			actors[i] = m
		}
		b["bypass_actors"] = actors
	}
	return b
}

func (g *GitHubServer) getRepoRuleset(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for _, rs := range org.rulesetsFor(repo) {
		if rs.ID == id {
			if rs.source == "Organization" && r.URL.Query().Get("includes_parents") == "false" {
				break
			}
			WriteJSON(w, r, http.StatusOK, g.rulesetBody(rs, true))
			return
		}
	}
	notFound(w, r)
}

func (g *GitHubServer) getOrgRuleset(w http.ResponseWriter, r *http.Request) {
	org := g.orgFor(w, r, r.PathValue("org"))
	if org == nil {
		return
	}
	if org.Member {
		notFound(w, r)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for _, rs := range org.Rulesets {
		if rs.ID == id {
			WriteJSON(w, r, http.StatusOK, g.rulesetBody(appliedRuleset{rs, "Organization", org.Login}, false))
			return
		}
	}
	notFound(w, r)
}

func (g *GitHubServer) commitBody(org *GitHubOrg, repo *GitHubRepo, c GitHubCommit) map[string]any {
	api := g.API + "/repos/" + org.Login + "/" + repo.Name
	sig := any(nil)
	if c.Reason != "unsigned" {
		sig = "-----BEGIN SSH SIGNATURE-----\n...\n-----END SSH SIGNATURE-----"
	}
	person := map[string]any{"name": "Mona Lisa", "email": "mona@example.com", "date": c.Date.UTC().Format(time.RFC3339)}
	return map[string]any{
		"sha":      c.SHA,
		"node_id":  "C_" + c.SHA[:10],
		"url":      api + "/commits/" + c.SHA,
		"html_url": strings.Replace(api, "/repos/", "/", 1) + "/commit/" + c.SHA,
		"commit": map[string]any{
			"url":           api + "/git/commits/" + c.SHA,
			"author":        person,
			"committer":     person,
			"message":       "change " + c.SHA[:7],
			"tree":          map[string]any{"sha": fakeSHA(repo.Name, "tree"), "url": api + "/git/trees/" + fakeSHA(repo.Name, "tree")},
			"comment_count": 0,
			"verification": map[string]any{
				"verified":    c.Verified,
				"reason":      c.Reason,
				"signature":   sig,
				"payload":     sig,
				"verified_at": map[bool]any{true: c.Date.UTC().Format(time.RFC3339), false: nil}[c.Verified],
			},
		},
		"author":    nil,
		"committer": nil,
		"parents":   []any{},
	}
}

func (g *GitHubServer) listCommits(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	if sha := r.URL.Query().Get("sha"); sha != "" && sha != repo.Branch() && sha != repo.HeadSHA() {
		notFound(w, r)
		return
	}
	page := Paginate(w, r, repo.commits(), 30, 100)
	items := make([]any, len(page))
	for i, c := range page {
		items[i] = g.commitBody(org, repo, c)
	}
	WriteJSON(w, r, http.StatusOK, items)
}

func (g *GitHubServer) getCommit(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	ref := r.PathValue("ref")
	for _, c := range repo.commits() {
		if c.SHA == ref || (ref == repo.Branch() || ref == "HEAD") && c.SHA == repo.HeadSHA() {
			if strings.Contains(r.Header.Get("Accept"), "sha") {
				WriteBody(w, r, http.StatusOK, "application/vnd.github.sha", []byte(c.SHA))
				return
			}
			WriteJSON(w, r, http.StatusOK, g.commitBody(org, repo, c))
			return
		}
	}
	if (ref == repo.Branch() || ref == "HEAD") && len(repo.Commits) == 0 {
		if strings.Contains(r.Header.Get("Accept"), "sha") {
			WriteBody(w, r, http.StatusOK, "application/vnd.github.sha", []byte(repo.HeadSHA()))
			return
		}
		WriteJSON(w, r, http.StatusOK, g.commitBody(org, repo, GitHubCommit{SHA: repo.HeadSHA(), Date: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC), Reason: "unsigned"}))
		return
	}
	WriteJSON(w, r, http.StatusUnprocessableEntity, map[string]string{"message": "No commit found for SHA: " + ref})
}

func (g *GitHubServer) listKeys(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	if repo.NotAdmin {
		notFound(w, r)
		return
	}
	items := make([]any, len(repo.DeployKeys))
	for i, k := range repo.DeployKeys {
		id := k.ID
		if id == 0 {
			id = int64(7000 + i)
		}
		items[i] = map[string]any{
			"id": id, "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + strconv.Itoa(i), "url": fmt.Sprintf("%s/repos/%s/%s/keys/%d", g.API, org.Login, repo.Name, id),
			"title": k.Title, "verified": true, "created_at": "2025-01-01T00:00:00Z", "read_only": k.ReadOnly,
			"added_by": "mona", "last_used": nil, "enabled": true,
		}
	}
	WriteJSON(w, r, http.StatusOK, Paginate(w, r, items, 30, 100))
}

func (g *GitHubServer) codeownersErrors(w http.ResponseWriter, r *http.Request) {
	_, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	if !repo.CodeOwners {
		notFound(w, r)
		return
	}
	errs := make([]any, len(repo.CodeOwnerErrors))
	for i, e := range repo.CodeOwnerErrors {
		errs[i] = codeownersError(e)
	}
	WriteJSON(w, r, http.StatusOK, map[string]any{"errors": errs})
}

// codeownersError renders an error the way GitHub does: source is the
// whole CODEOWNERS line, column points at the owner, message repeats the
// line with a caret.
func codeownersError(e snapshot.CodeOwnerError) map[string]any {
	source := "* " + e.Owner
	suggestion := "make sure `" + e.Owner + "` exists and has write access to the repository"
	return map[string]any{
		"line": e.Line, "column": 3, "kind": "Unknown owner", "source": source, "suggestion": suggestion,
		"message": fmt.Sprintf("Unknown owner on line %d: %s\n\n  %s\n    ^", e.Line, suggestion, source),
		"path":    ".github/CODEOWNERS",
	}
}

// ---- files ----------------------------------------------------------------

// BlobSHA is git's object ID of a blob with content s.
func BlobSHA(s string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(s))
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func (repo *GitHubRepo) blobs() map[string]string {
	m := map[string]string{}
	for _, c := range repo.Files {
		m[BlobSHA(c)] = c
	}
	for _, c := range repo.Symlinks {
		m[BlobSHA(c)] = c
	}
	return m
}

func (g *GitHubServer) contents(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	p := strings.Trim(r.PathValue("path"), "/")
	api := g.API + "/repos/" + org.Login + "/" + repo.Name
	if c, ok := repo.Files[p]; ok {
		WriteJSON(w, r, http.StatusOK, map[string]any{
			"type": "file", "encoding": "base64", "size": len(c), "name": path.Base(p), "path": p,
			"content": base64.StdEncoding.EncodeToString([]byte(c)), "sha": BlobSHA(c),
			"url": api + "/contents/" + p,
		})
		return
	}
	seen := map[string]bool{}
	var items []any
	names := make([]string, 0, len(repo.Files))
	for f := range repo.Files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		rest, ok := strings.CutPrefix(f, p+"/")
		if p == "" {
			rest, ok = f, true
		}
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if seen[name] {
			continue
		}
		seen[name] = true
		full := strings.TrimPrefix(p+"/"+name, "/")
		item := map[string]any{"name": name, "path": full, "url": api + "/contents/" + full}
		if isDir {
			item["type"], item["size"], item["sha"] = "dir", 0, fakeSHA(repo.Name, "tree", full)
		} else {
			item["type"], item["size"], item["sha"] = "file", len(repo.Files[f]), BlobSHA(repo.Files[f])
		}
		items = append(items, item)
	}
	if items == nil {
		notFound(w, r)
		return
	}
	WriteJSON(w, r, http.StatusOK, items)
}

func (g *GitHubServer) tree(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	ref := r.PathValue("sha")
	if ref != repo.Branch() && ref != repo.HeadSHA() && ref != "HEAD" && ref != fakeSHA(repo.Name, "tree") {
		WriteJSON(w, r, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/git/trees#get-a-tree"})
		return
	}
	api := g.API + "/repos/" + org.Login + "/" + repo.Name
	type ent struct {
		path, mode, typ, sha string
		size                 int
	}
	var ents []ent
	dirs := map[string]bool{}
	addDirs := func(p string) {
		for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
			ents = append(ents, ent{d, "040000", "tree", fakeSHA(repo.Name, "tree", d), -1})
		}
	}
	for p, c := range repo.Files {
		addDirs(p)
		ents = append(ents, ent{p, "100644", "blob", BlobSHA(c), len(c)})
	}
	for p, target := range repo.Symlinks {
		addDirs(p)
		ents = append(ents, ent{p, "120000", "blob", BlobSHA(target), len(target)})
	}
	for _, p := range repo.Submodules {
		addDirs(p)
		ents = append(ents, ent{p, "160000", "commit", fakeSHA(repo.Name, "submodule", p), -1})
	}
	recursive := r.URL.Query().Get("recursive") != ""
	sort.Slice(ents, func(i, j int) bool { return ents[i].path < ents[j].path })
	items := []any{}
	for _, e := range ents {
		if !recursive && strings.Contains(e.path, "/") {
			continue
		}
		m := map[string]any{"path": e.path, "mode": e.mode, "type": e.typ, "sha": e.sha}
		switch e.typ {
		case "blob":
			m["size"] = e.size
			m["url"] = api + "/git/blobs/" + e.sha
		case "tree":
			m["url"] = api + "/git/trees/" + e.sha
		}
		items = append(items, m)
	}
	WriteJSON(w, r, http.StatusOK, map[string]any{
		"sha": fakeSHA(repo.Name, "tree"), "url": api + "/git/trees/" + fakeSHA(repo.Name, "tree"),
		"tree": items, "truncated": false,
	})
}

func (g *GitHubServer) blob(w http.ResponseWriter, r *http.Request) {
	org, repo := g.repoFor(w, r)
	if repo == nil {
		return
	}
	sha := r.PathValue("sha")
	c, ok := repo.blobs()[sha]
	if !ok {
		notFound(w, r)
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "raw") {
		WriteBody(w, r, http.StatusOK, "application/vnd.github.raw", []byte(c))
		return
	}
	WriteJSON(w, r, http.StatusOK, map[string]any{
		"sha": sha, "node_id": "B_" + sha[:10], "size": len(c), "encoding": "base64",
		"url":     g.API + "/repos/" + org.Login + "/" + repo.Name + "/git/blobs/" + sha,
		"content": base64.StdEncoding.EncodeToString([]byte(c)),
	})
}

// CommitList returns the commits as served, with made-up SHAs and dates
// filled in.
func (r *GitHubRepo) CommitList() []GitHubCommit { return r.commits() }
