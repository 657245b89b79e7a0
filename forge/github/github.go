// Package github implements forge.Client for GitHub and GitHub Enterprise
// Server: REST through google/go-github, and GraphQL (plain JSON POSTs
// through the same transport) for the per-repository bulk read, so that a
// repository's settings, default-branch protection (classic and rulesets,
// organization rulesets included), newest commits' signatures, deploy
// keys and CODEOWNERS errors cost one request. When GraphQL cannot serve
// (an Enterprise Server without Ref.rules, NoGraphQL), the same facts are
// read over REST.
//
// Each API answer is mapped onto the snapshot facts as SPEC §3 defines
// them; a fact that cannot be read carries the reason: the permission the
// token lacks, the plan that lacks the feature, or the error that survived
// the transport's retries.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	gh "github.com/google/go-github/v84/github"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/transport"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Options configure a Client.
type Options struct {
	// ForgeURL is --forge-url: the web address of a GitHub Enterprise
	// Server ("https://ghe.example.com": REST at /api/v3, GraphQL at
	// /api/graphql). Empty or https://github.com means github.com.
	ForgeURL string
	// APIURL and GraphQLURL, when set, override the addresses derived from
	// ForgeURL (tests point them at a fake).
	APIURL     string
	GraphQLURL string
	// Token is the GitHub token (personal, fine-grained or App
	// installation). Ignored when Transport is given.
	Token string
	// Transport sends the requests; nil makes one from TransportOptions
	// with Token.
	Transport        *transport.Transport
	TransportOptions transport.Options
	// NoGraphQL reads everything over REST.
	NoGraphQL bool
}

// Client is a GitHub forge.Client. Safe for concurrent use.
type Client struct {
	gh         *gh.Client
	tr         *transport.Transport
	http       *http.Client
	api        string
	graphqlURL string
	noGraphQL  bool
	enterprise bool

	mu          sync.Mutex
	plans       map[string]string           // org login → plan name seen by Org
	orgRulesets map[int64]*snapshot.Ruleset // organization rulesets read over REST
	gqlBroken   bool                        // GraphQL failed validation once: REST from now on
}

var _ forge.Client = (*Client)(nil)

// Endpoints returns the REST base (with a trailing slash) and GraphQL
// URLs for a --forge-url value.
func Endpoints(forgeURL string) (rest, graphql string, err error) {
	if forgeURL == "" {
		return "https://api.github.com/", "https://api.github.com/graphql", nil
	}
	u, err := url.Parse(forgeURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", errors.New("--forge-url must be an http(s) URL such as https://ghe.example.com")
	}
	if u.User != nil {
		return "", "", errors.New("--forge-url must not carry credentials: give the token in GITHUB_TOKEN")
	}
	host := strings.ToLower(u.Hostname())
	if host == "github.com" || host == "www.github.com" || host == "api.github.com" {
		return "https://api.github.com/", "https://api.github.com/graphql", nil
	}
	base := strings.TrimSuffix(u.Path, "/")
	base = strings.TrimSuffix(base, "/api/v3")
	root := u.Scheme + "://" + u.Host + base
	return root + "/api/v3/", root + "/api/graphql", nil
}

// New returns a client.
func New(o Options) (*Client, error) {
	rest, gql, err := Endpoints(o.ForgeURL)
	if err != nil {
		return nil, err
	}
	if o.APIURL != "" {
		rest = strings.TrimSuffix(o.APIURL, "/") + "/"
	}
	if o.GraphQLURL != "" {
		gql = o.GraphQLURL
	}
	tr := o.Transport
	if tr == nil {
		to := o.TransportOptions
		to.Token = o.Token
		tr = transport.New(to)
	}
	hc := tr.Client()
	c := gh.NewClient(hc)
	c.DisableRateLimitCheck = true // the transport waits for limits
	c.UserAgent = "ssdf"
	base, err := url.Parse(rest)
	if err != nil {
		return nil, fmt.Errorf("github: API URL: %w", err)
	}
	c.BaseURL = base
	return &Client{
		gh: c, tr: tr, http: hc, api: rest, graphqlURL: gql, noGraphQL: o.NoGraphQL,
		enterprise: o.ForgeURL != "" && !strings.HasPrefix(rest, "https://api.github.com/"),
		plans:      map[string]string{}, orgRulesets: map[int64]*snapshot.Ruleset{},
	}, nil
}

// Kind is "github".
func (c *Client) Kind() string { return "github" }

// BaseURL is the REST base URL.
func (c *Client) BaseURL() string { return c.api }

// Transport returns the transport (for its request count and stats).
func (c *Client) Transport() *transport.Transport { return c.tr }

// Requests is the number of requests sent so far.
func (c *Client) Requests() int64 { return c.tr.Requests() }

// ---- organization ---------------------------------------------------------

const (
	permOwner    = "admin:org / organization owner"
	permMember   = "read:org / organization member"
	permAuditLog = "read:audit_log"
	permRepoAdm  = "administration:read / repo admin"
)

// Org reads the organization's settings: 2FA requirement, owners, members
// and outside collaborators without 2FA, repository deletion, the audit
// log, and the issue templates of its `.github` repository. About six
// requests (more when the member lists run over several pages).
func (c *Client) Org(ctx context.Context, login string) (*snapshot.Org, error) {
	o, _, err := c.gh.Organizations.Get(ctx, login)
	if err != nil {
		return nil, c.fatal("reading organization "+login, err)
	}
	org := &snapshot.Org{Login: o.GetLogin()}
	if org.Login == "" {
		org.Login = login
	}
	// Owners see the plan and the billing address; members do not.
	owner := o.Plan != nil || o.BillingEmail != nil
	if o.Plan != nil {
		org.Plan = o.Plan.GetName()
		c.mu.Lock()
		c.plans[strings.ToLower(login)] = org.Plan
		c.mu.Unlock()
	}

	// null (and absent) means the token is not an owner: unknown, not false.
	org.TwoFactorRequired = snapshot.Fact[*bool]{Read: true, Value: o.TwoFactorRequirementEnabled}

	switch {
	case o.MembersCanDeleteRepositories != nil:
		org.MembersCanDeleteRepos = snapshot.Fact[bool]{Read: true, Value: *o.MembersCanDeleteRepositories}
	case owner:
		org.MembersCanDeleteRepos = unavailable[bool](&snapshot.Unavailable{Kind: "unsupported",
			Reason: "GitHub did not return members_can_delete_repositories for this organization (an older GitHub Enterprise Server?)"})
	default:
		org.MembersCanDeleteRepos = unavailable[bool](&snapshot.Unavailable{Kind: "permission", Permission: permOwner,
			Reason: "GitHub shows members_can_delete_repositories only to organization owners"})
	}

	org.Owners = c.owners(ctx, login, owner)

	org.MembersWithout2FA = c.without2FA(ctx, login)
	org.AuditLog = c.auditLog(ctx, login, org.Plan)
	org.GitAccessProtocol = unavailable[string](&snapshot.Unavailable{Kind: "unsupported",
		Reason: "GitHub has no setting that limits Git access to SSH"})
	org.IssueTemplates = c.orgIssueTemplates(ctx, login)
	return org, nil
}

// owners lists the organization owners (members with role=admin). GitHub
// lists concealed members only to members of the organization: anyone
// else sees the public members alone, an incomplete list that proves
// nothing. An owner's token is a member; any other token's membership is
// checked first (GET /user/memberships/orgs/{org}).
func (c *Client) owners(ctx context.Context, login string, owner bool) snapshot.Fact[[]string] {
	if !owner {
		m, _, err := c.gh.Organizations.GetOrgMembership(ctx, "", login)
		switch status, msg := statusOf(err); {
		case err == nil && m.GetState() == "active":
		case err == nil || status == http.StatusNotFound:
			return unavailable[[]string](&snapshot.Unavailable{Kind: "permission", Permission: permMember, Status: status,
				Reason: "the token is not a member of " + login + ", and GitHub lists concealed members only to members, so the owners it shows may be only the public ones" + quoted(msg)})
		case status == http.StatusForbidden || status == http.StatusUnauthorized:
			return unavailable[[]string](&snapshot.Unavailable{Kind: "permission", Permission: permMember, Status: status,
				Reason: "the token's membership of " + login + " could not be confirmed, and GitHub lists concealed members only to members" + quoted(msg)})
		default:
			return unavailable[[]string](c.why("checking the token's membership of "+login, err, permMember, ""))
		}
	}
	owners, err := c.logins(ctx, func(p int) ([]*gh.User, *gh.Response, error) {
		return c.gh.Organizations.ListMembers(ctx, login, &gh.ListMembersOptions{Role: "admin", ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
	})
	if err != nil {
		return unavailable[[]string](c.why("listing the organization owners", err, "read:org", ""))
	}
	return snapshot.Fact[[]string]{Read: true, Value: owners}
}

// logins pages through a user list and returns the sorted logins.
func (c *Client) logins(ctx context.Context, page func(int) ([]*gh.User, *gh.Response, error)) ([]string, error) {
	out := []string{}
	for p := 1; p != 0; {
		users, res, err := page(p)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out = append(out, u.GetLogin())
		}
		p = res.NextPage
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// without2FA lists members and outside collaborators with 2FA disabled;
// both filters are for organization owners only.
func (c *Client) without2FA(ctx context.Context, login string) snapshot.Fact[[]string] {
	members, err := c.logins(ctx, func(p int) ([]*gh.User, *gh.Response, error) {
		return c.gh.Organizations.ListMembers(ctx, login, &gh.ListMembersOptions{Filter: "2fa_disabled", ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
	})
	if err != nil {
		return unavailable[[]string](c.why("listing members with 2FA disabled", err, permOwner,
			"listing members with 2FA disabled (filter=2fa_disabled) needs an organization owner"))
	}
	outside, err := c.logins(ctx, func(p int) ([]*gh.User, *gh.Response, error) {
		return c.gh.Organizations.ListOutsideCollaborators(ctx, login, &gh.ListOutsideCollaboratorsOptions{Filter: "2fa_disabled", ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
	})
	if err != nil {
		return unavailable[[]string](c.why("listing outside collaborators with 2FA disabled", err, permOwner,
			"listing outside collaborators with 2FA disabled needs an organization owner"))
	}
	all := append(members, outside...)
	sort.Strings(all)
	return snapshot.Fact[[]string]{Read: true, Value: slices.Compact(all)}
}

// auditLog asks for one audit-log event. The API exists on GitHub
// Enterprise Cloud (and Enterprise Server) only: elsewhere it answers 404.
func (c *Client) auditLog(ctx context.Context, login, plan string) snapshot.Fact[snapshot.AuditLog] {
	_, _, err := c.gh.Organizations.GetAuditLog(ctx, login, &gh.GetAuditLogOptions{ListCursorOptions: gh.ListCursorOptions{PerPage: 1}})
	if err == nil {
		return snapshot.Fact[snapshot.AuditLog]{Read: true, Value: snapshot.AuditLog{Readable: true}}
	}
	status, msg := statusOf(err)
	noPlan := &snapshot.Unavailable{Kind: "plan", Status: status, Reason: "the audit log API needs GitHub Enterprise Cloud"}
	if c.enterprise {
		noPlan.Reason = "this GitHub Enterprise Server does not offer the organization audit log API"
	}
	switch {
	case status == http.StatusNotFound:
		return unavailable[snapshot.AuditLog](noPlan)
	case status == http.StatusForbidden && plan != "" && !strings.EqualFold(plan, "enterprise"):
		noPlan.Reason += fmt.Sprintf(" (this organization's plan is %q)", plan)
		return unavailable[snapshot.AuditLog](noPlan)
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return unavailable[snapshot.AuditLog](&snapshot.Unavailable{Kind: "permission", Permission: permAuditLog, Status: status,
			Reason: "reading the audit log needs an organization owner's token with read:audit_log" + quoted(msg)})
	}
	return unavailable[snapshot.AuditLog](c.why("reading the audit log", err, permAuditLog, ""))
}

// orgIssueTemplates lists the issue templates of the organization's
// `.github` repository: .github/ISSUE_TEMPLATE/, else ISSUE_TEMPLATE/,
// else docs/ISSUE_TEMPLATE/ (GitHub reads default community health files
// from the root, .github/ and docs/).
// No `.github` repository (or neither folder) means none: read, empty.
func (c *Client) orgIssueTemplates(ctx context.Context, login string) snapshot.Fact[[]string] {
	for _, dir := range []string{".github/ISSUE_TEMPLATE", "ISSUE_TEMPLATE", "docs/ISSUE_TEMPLATE"} {
		_, entries, _, err := c.gh.Repositories.GetContents(ctx, login, ".github", dir, nil)
		if err != nil {
			if status, _ := statusOf(err); status == http.StatusNotFound {
				continue
			}
			return unavailable[[]string](c.why("reading the organization's .github repository", err,
				"contents:read on "+login+"/.github", ""))
		}
		out := []string{}
		for _, e := range entries {
			if e.GetType() == "file" {
				out = append(out, e.GetPath())
			}
		}
		sort.Strings(out)
		return snapshot.Fact[[]string]{Read: true, Value: out}
	}
	return snapshot.Fact[[]string]{Read: true, Value: []string{}}
}

// ---- repositories ---------------------------------------------------------

// Repos lists the organization's repositories (all types, archived ones
// included and marked), 100 per request.
func (c *Client) Repos(ctx context.Context, org string) ([]forge.RepoRef, error) {
	var out []forge.RepoRef
	opts := &gh.RepositoryListByOrgOptions{Type: "all", ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		repos, res, err := c.gh.Repositories.ListByOrg(ctx, org, opts)
		if err != nil {
			return nil, c.fatal("listing the repositories of "+org, err)
		}
		for _, r := range repos {
			owner := org
			if r.Owner != nil && r.Owner.GetLogin() != "" {
				owner = r.Owner.GetLogin()
			}
			out = append(out, forge.RepoRef{Owner: owner, Name: r.GetName(), DefaultBranch: r.GetDefaultBranch(), Archived: r.GetArchived(), ID: r.GetID()})
		}
		if res.NextPage == 0 {
			break
		}
		opts.Page = res.NextPage
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FullName() < out[j].FullName() })
	return out, nil
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Tree lists the files at ref in one request when ref is a commit SHA
// (the newest commit that Repo read, say); a branch name or "" (the
// default branch) costs one more request to pin the commit first.
func (c *Client) Tree(ctx context.Context, repo forge.RepoRef, ref string) (*forge.Tree, error) {
	if ref == "" {
		ref = repo.DefaultBranch
	}
	if ref == "" {
		ref = "HEAD"
	}
	sha := ref
	if !fullSHA.MatchString(ref) {
		s, _, err := c.gh.Repositories.GetCommitSHA1(ctx, repo.Owner, repo.Name, ref, "")
		if err != nil {
			return nil, c.fatal("resolving "+ref+" in "+repo.FullName(), err)
		}
		sha = strings.TrimSpace(s)
	}
	t, _, err := c.gh.Git.GetTree(ctx, repo.Owner, repo.Name, sha, true)
	if err != nil {
		return nil, c.fatal("listing the files of "+repo.FullName(), err)
	}
	out := &forge.Tree{Commit: sha, Truncated: t.GetTruncated()}
	for _, e := range t.Entries {
		switch e.GetType() {
		case "blob":
			out.Entries = append(out.Entries, forge.TreeEntry{Path: e.GetPath(), SHA: e.GetSHA(), Size: int64(e.GetSize()), Symlink: e.GetMode() == "120000"})
		case "commit":
			out.Entries = append(out.Entries, forge.TreeEntry{Path: e.GetPath(), SHA: e.GetSHA(), Submodule: true})
		}
	}
	sort.Slice(out.Entries, func(i, j int) bool { return out.Entries[i].Path < out.Entries[j].Path })
	return out, nil
}

// File reads one blob, raw, in one request.
func (c *Client) File(ctx context.Context, repo forge.RepoRef, e forge.TreeEntry) ([]byte, error) {
	if e.Symlink || e.Submodule {
		return nil, fmt.Errorf("github: %s is a %s and is not read", e.Path, map[bool]string{true: "symlink", false: "submodule"}[e.Symlink])
	}
	if e.SHA == "" {
		return nil, fmt.Errorf("github: %s has no blob SHA", e.Path)
	}
	b, _, err := c.gh.Git.GetBlobRaw(ctx, repo.Owner, repo.Name, e.SHA)
	if err != nil {
		return nil, c.fatal("reading "+e.Path+" of "+repo.FullName(), err)
	}
	return b, nil
}
