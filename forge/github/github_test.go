package github_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/forge/github"
	"github.com/ssdf-dev/ssdf/forge/transport"
	"github.com/ssdf-dev/ssdf/snapshot"
)

const token = "ghp_SsdfTestToken0000000000000000000000"

var ctx = context.Background()

// env is a fake GitHub and a client for it.
type env struct {
	g     *fake.GitHubServer
	c     *github.Client
	clock *transport.SimClock
}

type opt func(*github.Options)

func rest(o *github.Options) { o.NoGraphQL = true }

func newEnv(t *testing.T, org *fake.GitHubOrg, fopts []fake.GitHubOption, opts ...opt) *env {
	t.Helper()
	g := fake.GitHub(t, org, fopts...)
	g.SetAuth(func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+token })
	clock := transport.NewSimClock(time.Now())
	o := github.Options{
		APIURL: g.API, GraphQLURL: g.GraphQL, Token: token,
		TransportOptions: transport.Options{Clock: clock, MaxAttempts: 3, MaxWait: 10 * time.Minute},
	}
	for _, f := range opts {
		f(&o)
	}
	c, err := github.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return &env{g: g, c: c, clock: clock}
}

func ptr[T any](v T) *T { return &v }

func read[T any](v T) snapshot.Fact[T] { return snapshot.Fact[T]{Read: true, Value: v} }

func gone[T any](kind, permission string) snapshot.Fact[T] {
	return snapshot.Fact[T]{Err: &snapshot.Unavailable{Kind: kind, Permission: permission}}
}

// cmpFacts compares facts on their kind and permission, not on the exact
// wording of reasons (checked separately where it matters).
var cmpFacts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreFields(snapshot.Unavailable{}, "Reason", "Status"),
}

func repoRef(name string) forge.RepoRef { return forge.RepoRef{Owner: "acme", Name: name} }

// ---- organization ---------------------------------------------------------

func TestOrgOwner(t *testing.T) {
	e := newEnv(t, fake.Acme(), nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := &snapshot.Org{
		Login:                 "acme",
		Plan:                  "enterprise",
		TwoFactorRequired:     read(ptr(true)),
		MembersWithout2FA:     read([]string{}),
		Owners:                read([]string{"alice", "bob"}),
		MembersCanDeleteRepos: read(false),
		AuditLog:              read(snapshot.AuditLog{Readable: true}),
		GitAccessProtocol:     gone[string]("unsupported", ""),
		IssueTemplates:        read([]string{".github/ISSUE_TEMPLATE/bug.yml", ".github/ISSUE_TEMPLATE/config.yml"}),
	}
	if diff := cmp.Diff(want, got, cmpFacts); diff != "" {
		t.Errorf("Org (-want +got):\n%s", diff)
	}
	n := e.c.Requests()
	t.Logf("Org made %d requests", n)
	if n != 6 {
		t.Errorf("Org made %d requests, want 6 (org, owners, 2fa members, 2fa outside collaborators, audit log, .github templates)", n)
	}
}

func TestOrgMembersWithout2FA(t *testing.T) {
	org := fake.Acme()
	org.Without2FA = []string{"mallory", "eve"}
	org.OutsideWithout2FA = []string{"trent", "eve"}
	e := newEnv(t, org, nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(read([]string{"eve", "mallory", "trent"}), got.MembersWithout2FA, cmpFacts); diff != "" {
		t.Errorf("MembersWithout2FA (-want +got):\n%s", diff)
	}
}

// A member's token: two_factor_requirement_enabled is null (unknown, not
// false), the 2FA filter and member settings need an owner, the audit log
// needs read:audit_log.
func TestOrgNonOwnerToken(t *testing.T) {
	org := fake.Acme()
	org.Member = true
	e := newEnv(t, org, nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := &snapshot.Org{
		Login:                 "acme",
		TwoFactorRequired:     snapshot.Fact[*bool]{Read: true, Value: nil},
		MembersWithout2FA:     gone[[]string]("permission", "admin:org / organization owner"),
		Owners:                read([]string{"alice", "bob"}),
		MembersCanDeleteRepos: gone[bool]("permission", "admin:org / organization owner"),
		AuditLog:              gone[snapshot.AuditLog]("permission", "read:audit_log"),
		GitAccessProtocol:     gone[string]("unsupported", ""),
		IssueTemplates:        read([]string{".github/ISSUE_TEMPLATE/bug.yml", ".github/ISSUE_TEMPLATE/config.yml"}),
	}
	if diff := cmp.Diff(want, got, cmpFacts); diff != "" {
		t.Errorf("Org (-want +got):\n%s", diff)
	}
	if got.TwoFactorRequired.Value != nil || !got.TwoFactorRequired.Read {
		t.Errorf("TwoFactorRequired = %+v, want read with a nil value", got.TwoFactorRequired)
	}
	if r := got.MembersWithout2FA.Err.Reason; !strings.Contains(r, "organization owner") || !strings.Contains(r, "Only owners can use this filter") {
		t.Errorf("reason = %q", r)
	}
}

// A token whose user is not a member of the organization: GitHub lists
// only public members to it, so the owners it would list prove nothing.
func TestOrgOutsiderOwnersUnknown(t *testing.T) {
	org := fake.Acme()
	org.Member, org.Outsider = true, true
	e := newEnv(t, org, nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(gone[[]string]("permission", "read:org / organization member"), got.Owners, cmpFacts); d != "" {
		t.Errorf("Owners (-want +got):\n%s", d)
	}
	if r := got.Owners.Err.Reason; !strings.Contains(r, "not a member of acme") {
		t.Errorf("reason = %q", r)
	}
}

func TestOrgAuditLog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*fake.GitHubOrg)
		fault   *fake.Fault
		kind    string
		perm    string
		reason  string
		readble bool
	}{
		{name: "enterprise cloud", readble: true},
		{name: "team plan 404", edit: func(o *fake.GitHubOrg) { o.Plan = "team" }, kind: "plan", reason: "the audit log API needs GitHub Enterprise Cloud"},
		{name: "free plan 403", edit: func(o *fake.GitHubOrg) { o.Plan = "free" },
			fault: &fake.Fault{Path: "/orgs/acme/audit-log", Status: 403, Body: `{"message":"Forbidden"}`}, kind: "plan", reason: `plan is "free"`},
		{name: "missing scope", edit: func(o *fake.GitHubOrg) { o.NoAuditScope = true }, kind: "permission", perm: "read:audit_log", reason: "read:audit_log"},
		{name: "server error", fault: &fake.Fault{Path: "/orgs/acme/audit-log", Status: 500}, kind: "error", reason: "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := fake.Acme()
			if tc.edit != nil {
				tc.edit(org)
			}
			e := newEnv(t, org, nil)
			if tc.fault != nil {
				e.g.Inject(*tc.fault)
			}
			got, err := e.c.Org(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			a := got.AuditLog
			if tc.readble {
				if !a.Known() || !a.Value.Readable {
					t.Errorf("AuditLog = %+v", a)
				}
				return
			}
			if a.Err == nil || a.Err.Kind != tc.kind || a.Err.Permission != tc.perm || !strings.Contains(a.Err.Reason, tc.reason) {
				t.Errorf("AuditLog.Err = %+v, want kind %s permission %q reason ~ %q", a.Err, tc.kind, tc.perm, tc.reason)
			}
		})
	}
}

// The recorded octokit answer has no members_can_delete_repositories key
// although the token is an owner: not false, not a permission problem.
func TestOrgMembersCanDeleteAbsent(t *testing.T) {
	org := fake.Acme()
	org.MembersCanDeleteRepos = nil
	e := newEnv(t, org, nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if f := got.MembersCanDeleteRepos; f.Known() || f.Err == nil || f.Err.Kind != "unsupported" {
		t.Errorf("MembersCanDeleteRepos = %+v", f)
	}
	org.MembersCanDeleteRepos = ptr(true)
	got, _ = e.c.Org(ctx, "acme")
	if diff := cmp.Diff(read(true), got.MembersCanDeleteRepos); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOrgIssueTemplates(t *testing.T) {
	t.Run("no .github repository", func(t *testing.T) {
		org := fake.Acme()
		org.Repos = org.Repos[1:]
		e := newEnv(t, org, nil)
		got, err := e.c.Org(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(read([]string{}), got.IssueTemplates, cmpFacts); diff != "" || got.IssueTemplates.Value == nil {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	for _, dir := range []string{"ISSUE_TEMPLATE", "docs/ISSUE_TEMPLATE"} {
		t.Run(dir, func(t *testing.T) {
			org := fake.Acme()
			org.Repos[0].Files = map[string]string{dir + "/security.md": "---\nname: Security\n---\n- [ ] threat model updated\n"}
			e := newEnv(t, org, nil)
			got, _ := e.c.Org(ctx, "acme")
			if diff := cmp.Diff(read([]string{dir + "/security.md"}), got.IssueTemplates, cmpFacts); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("forbidden", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/repos/acme/.github/contents/**", Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
		got, _ := e.c.Org(ctx, "acme")
		if f := got.IssueTemplates; f.Err == nil || f.Err.Kind != "permission" || !strings.Contains(f.Err.Permission, "acme/.github") {
			t.Errorf("IssueTemplates = %+v", f)
		}
	})
}

func TestOrgErrors(t *testing.T) {
	t.Run("bad credentials", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/orgs/acme", Status: 401, Body: `{"message":"Bad credentials"}`, EchoAuth: true})
		_, err := e.c.Org(ctx, "acme")
		if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "401") {
			t.Fatalf("err = %v", err)
		}
		u := github.Unavailable(err)
		if u.Kind != "permission" || u.Status != 401 || strings.Contains(u.Reason, token) {
			t.Errorf("Unavailable = %+v", u)
		}
	})
	t.Run("no such organization", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		_, err := e.c.Org(ctx, "nope")
		if u := github.Unavailable(err); err == nil || u.Kind != "not-found" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("502 survives the retries", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/orgs/acme/members", Query: "role=admin", Status: 502, Body: `{"message":"Server Error"}`})
		got, err := e.c.Org(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if f := got.Owners; f.Err == nil || f.Err.Kind != "error" || f.Err.Status != 502 {
			t.Errorf("Owners = %+v", f)
		}
		if n := e.g.Count("GET", "/orgs/acme/members"); n < 3 {
			t.Errorf("members requests = %d, want the 3 attempts at least", n)
		}
	})
	t.Run("502 then 200", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/orgs/acme/members", Query: "role=admin", Times: 1, Status: 502})
		got, _ := e.c.Org(ctx, "acme")
		if !got.Owners.Known() {
			t.Errorf("Owners = %+v", got.Owners)
		}
	})
	t.Run("truncated JSON", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/orgs/acme/members", Query: "filter=2fa_disabled", Truncate: true})
		got, err := e.c.Org(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if f := got.MembersWithout2FA; f.Err == nil || f.Err.Kind != "error" || !strings.Contains(f.Err.Reason, "malformed") {
			t.Errorf("MembersWithout2FA = %+v", f.Err)
		}
		if n := e.g.Count("GET", "/orgs/acme/members") - 1; n != 1 {
			t.Errorf("filter requests = %d, want 1 (a bad body is not retried)", n)
		}
	})
	t.Run("422 for non-owners", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Path: "/orgs/acme/members", Query: "filter=2fa_disabled", Status: 422, Body: `{"message":"Only owners can use this filter."}`})
		got, _ := e.c.Org(ctx, "acme")
		if f := got.MembersWithout2FA; f.Err == nil || f.Err.Kind != "permission" {
			t.Errorf("MembersWithout2FA = %+v", f.Err)
		}
	})
	t.Run("403 rate limited beyond the cap", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		reset := strconv.FormatInt(e.clock.Now().Add(2*time.Hour).Unix(), 10)
		e.g.Inject(fake.Fault{Path: "/orgs/acme/outside_collaborators", Status: 403, Body: `{"message":"API rate limit exceeded"}`,
			Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset, "X-RateLimit-Limit": "5000"}})
		got, err := e.c.Org(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if f := got.MembersWithout2FA; f.Err == nil || f.Err.Kind != "error" || !strings.Contains(f.Err.Reason, "rate limit") {
			t.Errorf("MembersWithout2FA = %+v", f.Err)
		}
		// Everything after the refusal fails without a request.
		if f := got.AuditLog; f.Err == nil || !strings.Contains(f.Err.Reason, "rate limit") {
			t.Errorf("AuditLog = %+v", f.Err)
		}
	})
}

func TestOwnersPagination(t *testing.T) {
	org := fake.Acme()
	org.Owners = nil
	for i := range 230 {
		org.Owners = append(org.Owners, "owner-"+strconv.Itoa(1000+i))
	}
	e := newEnv(t, org, nil)
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Owners.Value); n != 230 {
		t.Errorf("owners = %d, want 230", n)
	}
	if n := e.g.Count("GET", "/orgs/acme/members"); n != 3+1 {
		t.Errorf("member requests = %d, want 3 pages of owners + 1 filter", n)
	}
}

// ---- repositories ---------------------------------------------------------

func widgetWant(org *fake.GitHubOrg) *snapshot.Repo {
	var widget *fake.GitHubRepo
	for _, r := range org.Repos {
		if r.Name == "widget" {
			widget = r
		}
	}
	var commits []snapshot.Commit
	for _, c := range widget.CommitList() {
		commits = append(commits, snapshot.Commit{SHA: c.SHA, Date: c.Date, Verified: c.Verified, Reason: c.Reason})
	}
	return &snapshot.Repo{
		FullName:           "acme/widget",
		DefaultBranch:      "main",
		HeadCommit:         widget.HeadSHA(),
		Visibility:         "public",
		TemplateRepository: read("acme/service-template"),
		IsTemplate:         read(false),
		CIConfigPath:       gone[string]("unsupported", ""),
		HasIssues:          read(true),
		IssueTemplates:     gone[[]string]("unsupported", ""),
		CodeOwnerErrors:    read([]snapshot.CodeOwnerError{}),
		OwnerKinds:         gone[map[string]string]("unsupported", ""),
		Branch: read(snapshot.BranchRules{
			Branch:  "main",
			Classic: &snapshot.ClassicProtection{RequiredApprovals: 2, RequireCodeOwnerReviews: true, EnforceAdmins: true, RequiredSignatures: true},
		}),
		Commits:    read(commits),
		DeployKeys: read([]snapshot.DeployKey{{ID: 71, Title: "release-bot", ReadOnly: true}}),
	}
}

// GraphQL does not give deploy keys' numeric IDs.
var ignoreKeyID = cmpopts.IgnoreFields(snapshot.DeployKey{}, "ID")

func TestRepoWidget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     []opt
		requests int64
	}{
		{"graphql", nil, 1},
		// repo, protection, rules, commits, keys, codeowners errors
		{"rest", []opt{rest}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := fake.Acme()
			e := newEnv(t, org, nil, tc.opts...)
			got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{Commits: 50})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(widgetWant(org), got, cmpFacts, ignoreKeyID); diff != "" {
				t.Errorf("Repo (-want +got):\n%s", diff)
			}
			n := e.c.Requests()
			t.Logf("Repo over %s made %d requests", tc.name, n)
			if n != tc.requests {
				t.Errorf("Repo made %d requests, want %d", n, tc.requests)
			}
			if tc.name == "rest" && got.DeployKeys.Value[0].ID != 71 {
				t.Errorf("deploy key ID = %d", got.DeployKeys.Value[0].ID)
			}
		})
	}
}

func TestRepoCodeownerErrors(t *testing.T) {
	for _, mode := range [][]opt{nil, {rest}} {
		org := fake.Acme()
		org.Repos[1].CodeOwnerErrors = []snapshot.CodeOwnerError{{Line: 2, Owner: "@acme/ghosts"}}
		e := newEnv(t, org, nil, mode...)
		got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := read([]snapshot.CodeOwnerError{{Line: 2, Owner: "@acme/ghosts",
			Message: "Unknown owner on line 2: make sure `@acme/ghosts` exists and has write access to the repository"}})
		if diff := cmp.Diff(want, got.CodeOwnerErrors); diff != "" {
			t.Errorf("CodeOwnerErrors (-want +got):\n%s", diff)
		}
		org.Repos[1].CodeOwners = false
		got, _ = e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if f := got.CodeOwnerErrors; f.Err == nil || f.Err.Kind != "not-found" {
			t.Errorf("no CODEOWNERS: %+v", f)
		}
		if got.Commits.Read || got.Commits.Err != nil {
			t.Errorf("Commits were not asked for: %+v", got.Commits)
		}
	}
}

// The default branch is protected only by an organization ruleset: the
// rules are visible with their source, and classic protection is simply
// absent. A non-admin token sees the same rules; only classic protection
// and deploy keys become unknown.
func TestRepoProtectedOnlyByOrgRuleset(t *testing.T) {
	wantRulesets := []snapshot.Ruleset{{
		ID: 4242, Name: "protect default branches", Source: "Organization", Enforcement: "active",
		Rules: []snapshot.RulesetRule{
			{Type: "deletion"}, {Type: "non_fast_forward"}, {Type: "required_signatures"},
			{Type: "pull_request", RequiredApprovals: 1, RequireCodeOwnerReview: true},
		},
		BypassActors: []snapshot.BypassActor{},
	}}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			org := fake.OrgRulesetOnly()
			e := newEnv(t, org, nil, mode.opts...)
			got, err := e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{Commits: 10})
			if err != nil {
				t.Fatal(err)
			}
			want := read(snapshot.BranchRules{Branch: "trunk", Rulesets: wantRulesets})
			if diff := cmp.Diff(want, got.Branch, cmpFacts); diff != "" {
				t.Errorf("Branch (-want +got):\n%s", diff)
			}

			org.Repos[0].NotAdmin = true
			got, err = e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want = read(snapshot.BranchRules{Branch: "trunk", Rulesets: wantRulesets,
				ClassicUnavailable: &snapshot.Unavailable{Kind: "permission", Permission: "administration:read / repo admin"}})
			if diff := cmp.Diff(want, got.Branch, cmpFacts); diff != "" {
				t.Errorf("non-admin Branch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(gone[[]snapshot.DeployKey]("permission", "administration:read / repo admin"), got.DeployKeys, cmpFacts); diff != "" {
				t.Errorf("non-admin DeployKeys (-want +got):\n%s", diff)
			}
			if mode.name == "graphql" {
				if n := e.g.CountOperation("ssdfRepo"); n != 2 {
					t.Errorf("GraphQL requests = %d", n)
				}
				// The second Repo: GraphQL, then REST for protection (hidden,
				// so the branch's protected flag too) and keys.
				if n := len(e.g.Requests()) - 1; n != 4 {
					t.Errorf("non-admin Repo made %d requests, want 4", n)
				}
			}
		})
	}
}

// A non-admin token cannot read classic protection, but the branch's
// protected flag, which anyone may read, says that nothing protects it:
// then there is no classic protection, a known fact rather than unknown.
func TestRepoUnprotectedSeenByNonAdmin(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			org := fake.OrgRulesetOnly()
			org.Rulesets = nil
			org.Repos[0].NotAdmin = true
			e := newEnv(t, org, nil, mode.opts...)
			got, err := e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(read(snapshot.BranchRules{Branch: "trunk"}), got.Branch, cmpFacts); diff != "" {
				t.Errorf("Branch (-want +got):\n%s", diff)
			}
		})
	}
}

// modes are the two ways the client reads a repository.
var modes = []struct {
	name string
	opts []opt
}{{"graphql", nil}, {"rest", []opt{rest}}}

func TestRepoRulesets(t *testing.T) {
	org := fake.OrgRulesetOnly()
	org.Rulesets[0].Bypass = []snapshot.BypassActor{{Type: "OrganizationAdmin", ID: 1, Mode: "always"}}
	org.Repos[0].Rulesets = []*fake.GitHubRuleset{
		{ID: 7, Name: "repo reviews", Include: []string{"~ALL"}, Rules: []snapshot.RulesetRule{{Type: "pull_request", RequiredApprovals: 2}},
			Bypass: []snapshot.BypassActor{{Type: "Team", ID: 99, Name: "release-managers", Mode: "pull_request"}, {Type: "RepositoryRole", ID: 5, Name: "admin", Mode: "always"}}},
		{ID: 8, Name: "hidden", Include: []string{"refs/heads/trunk"}, Rules: []snapshot.RulesetRule{{Type: "required_signatures"}}, HideBypass: true},
		{ID: 9, Name: "evaluate only", Enforcement: "evaluate", Rules: []snapshot.RulesetRule{{Type: "deletion"}}},
		{ID: 10, Name: "other branches", Include: []string{"refs/heads/release/*"}, Rules: []snapshot.RulesetRule{{Type: "deletion"}}},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, org, nil, mode.opts...)
			got, err := e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rs := got.Branch.Value.Rulesets
			var ids []int64
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			// Only the active rulesets that target trunk; organization first.
			if diff := cmp.Diff([]int64{4242, 7, 8}, ids); diff != "" {
				t.Fatalf("rulesets (-want +got):\n%s", diff)
			}
			want := []snapshot.BypassActor{{Type: "Team", ID: 99, Name: "release-managers", Mode: "pull_request"}, {Type: "RepositoryRole", ID: 5, Name: "admin", Mode: "always"}}
			if mode.name == "rest" {
				// REST names neither the team nor the role.
				want[0].Name, want[1].Name = "", ""
			}
			if diff := cmp.Diff(want, rs[1].BypassActors); diff != "" {
				t.Errorf("bypass actors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]snapshot.BypassActor{{Type: "OrganizationAdmin", ID: 1, Mode: "always"}}, rs[0].BypassActors); diff != "" {
				t.Errorf("org bypass actors (-want +got):\n%s", diff)
			}
			if !rs[2].BypassActorsHidden || rs[2].BypassActors != nil {
				t.Errorf("hidden bypass actors: %+v", rs[2])
			}
			if rs[1].Source != "Repository" || rs[1].Rules[0].RequiredApprovals != 2 {
				t.Errorf("repo ruleset: %+v", rs[1])
			}
		})
	}
}

// Organization ruleset details are read once per client over REST.
func TestRepoRESTOrgRulesetMemo(t *testing.T) {
	org := fake.OrgRulesetOnly()
	org.Repos = append(org.Repos, &fake.GitHubRepo{Name: "sprocket", CodeOwners: true})
	e := newEnv(t, org, nil, rest)
	for _, name := range []string{"gadget", "sprocket"} {
		got, err := e.c.Repo(ctx, repoRef(name), forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rs := got.Branch.Value.Rulesets; len(rs) != 1 || rs[0].Name != "protect default branches" {
			t.Errorf("%s: %+v", name, rs)
		}
	}
	if n := e.g.Count("GET", "/repos/acme/*/rulesets/4242"); n != 1 {
		t.Errorf("ruleset 4242 read %d times, want 1", n)
	}
}

func TestRepoClassicVariants(t *testing.T) {
	t.Run("reviews not required, force pushes allowed", func(t *testing.T) {
		for _, mode := range [][]opt{nil, {rest}} {
			org := fake.Acme()
			org.Repos[1].Classic = &snapshot.ClassicProtection{RequiredApprovals: -1, AllowForcePushes: true, AllowDeletions: true}
			e := newEnv(t, org, nil, mode...)
			got, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
			if diff := cmp.Diff(org.Repos[1].Classic, got.Branch.Value.Classic); diff != "" {
				t.Errorf("Classic (-want +got):\n%s", diff)
			}
		}
	})
	t.Run("not protected", func(t *testing.T) {
		for _, mode := range [][]opt{nil, {rest}} {
			org := fake.Acme()
			org.Repos[1].Classic = nil
			e := newEnv(t, org, nil, mode...)
			got, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
			if b := got.Branch; !b.Known() || b.Value.Classic != nil || b.Value.ClassicUnavailable != nil {
				t.Errorf("Branch = %+v", b)
			}
		}
	})
	t.Run("required_signatures asked separately", func(t *testing.T) {
		org := fake.Acme()
		org.Repos[1].OmitSignaturesKey = true
		e := newEnv(t, org, nil, rest)
		got, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if c := got.Branch.Value.Classic; c == nil || !c.RequiredSignatures {
			t.Errorf("Classic = %+v", c)
		}
		if n := e.g.Count("GET", "/repos/acme/widget/branches/main/protection/required_signatures"); n != 1 {
			t.Errorf("required_signatures requests = %d", n)
		}
	})
	t.Run("private repository on GitHub Free", func(t *testing.T) {
		org := fake.Acme()
		org.Repos[1].FreePrivate = true
		e := newEnv(t, org, nil, rest)
		got, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if u := got.Branch.Value.ClassicUnavailable; u == nil || u.Kind != "plan" || !strings.Contains(u.Reason, "Upgrade to GitHub Pro") {
			t.Errorf("ClassicUnavailable = %+v", u)
		}
	})
}

func TestRepoCommits(t *testing.T) {
	org := fake.Acme()
	w := org.Repos[1]
	w.Commits = nil
	for i := range 130 {
		c := fake.GitHubCommit{Verified: i%2 == 0}
		if i%7 == 0 {
			c.Verified, c.Reason = false, "unknown_key"
		}
		w.Commits = append(w.Commits, c)
	}
	for _, tc := range []struct {
		name string
		n    int
		opts []opt
	}{{"graphql 40", 40, nil}, {"rest 40", 40, []opt{rest}}, {"graphql 120 uses REST pages", 120, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, org, nil, tc.opts...)
			got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{Commits: tc.n})
			if err != nil {
				t.Fatal(err)
			}
			var want []snapshot.Commit
			for _, c := range w.CommitList()[:tc.n] {
				want = append(want, snapshot.Commit{SHA: c.SHA, Date: c.Date, Verified: c.Verified, Reason: c.Reason})
			}
			if diff := cmp.Diff(read(want), got.Commits); diff != "" {
				t.Errorf("Commits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepoNotFound(t *testing.T) {
	for _, mode := range [][]opt{nil, {rest}} {
		e := newEnv(t, fake.Acme(), nil, mode...)
		_, err := e.c.Repo(ctx, repoRef("nope"), forge.RepoOptions{})
		if u := github.Unavailable(err); err == nil || u.Kind != "not-found" || u.Status != 404 {
			t.Errorf("err = %v (%+v)", err, u)
		}
	}
}

func TestRepoGraphQLFaults(t *testing.T) {
	t.Run("502 then 200", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Times: 1, Status: 502})
		if _, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := e.g.CountOperation("ssdfRepo"); n != 2 {
			t.Errorf("GraphQL requests = %d, want 2", n)
		}
	})
	t.Run("truncated JSON is an error, not a retry loop", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Truncate: true})
		_, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Fatalf("err = %v", err)
		}
		if n := e.g.CountOperation("ssdfRepo"); n != 1 {
			t.Errorf("GraphQL requests = %d, want 1", n)
		}
		if u := github.Unavailable(err); u.Kind != "error" {
			t.Errorf("Unavailable = %+v", u)
		}
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Times: 1, Status: 429, Header: map[string]string{"Retry-After": "42"}})
		if _, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]time.Duration{42 * time.Second}, e.clock.Slept()); diff != "" {
			t.Errorf("sleeps (-want +got):\n%s", diff)
		}
	})
	t.Run("GraphQL rate limit answer", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		reset := strconv.FormatInt(e.clock.Now().Add(90*time.Second).Unix(), 10)
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Times: 1, Status: 200,
			Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset, "X-RateLimit-Limit": "5000"},
			Body:   `{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`})
		got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if err != nil || got.FullName != "acme/widget" {
			t.Fatalf("%v %v", got, err)
		}
		if s := e.clock.Slept(); len(s) != 1 || s[0] < 89*time.Second {
			t.Errorf("sleeps = %v, want a wait until the reset", s)
		}
	})
	t.Run("field errors", func(t *testing.T) {
		e := newEnv(t, fake.Acme(), nil)
		body := `{"data":{"repository":{"nameWithOwner":"acme/widget","visibility":"PUBLIC","viewerCanAdminister":true,"hasIssuesEnabled":true,` +
			`"codeowners":{"errors":[]},"deployKeys":null,"defaultBranchRef":{"name":"main","branchProtectionRule":null,"rules":null,"target":{"oid":"abc"}}}},` +
			`"errors":[{"type":"FORBIDDEN","path":["repository","deployKeys"],"message":"Resource not accessible by integration"},` +
			`{"type":"FORBIDDEN","path":["repository","defaultBranchRef","branchProtectionRule"],"message":"Resource not accessible by integration"},` +
			`{"type":"FORBIDDEN","path":["repository","defaultBranchRef","rules"],"message":"Resource not accessible by integration"}]}`
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Status: 200, Body: body})
		got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(gone[[]snapshot.DeployKey]("permission", "administration:read / repo admin"), got.DeployKeys, cmpFacts); diff != "" {
			t.Errorf("DeployKeys (-want +got):\n%s", diff)
		}
		if f := got.Branch; f.Err == nil || f.Err.Kind != "permission" {
			t.Errorf("Branch = %+v", f)
		}
		if !got.HasIssues.Known() {
			t.Errorf("HasIssues = %+v", got.HasIssues)
		}
	})
	t.Run("bypass actors forbidden", func(t *testing.T) {
		org := fake.OrgRulesetOnly()
		org.Repos[0].NotAdmin = true
		e := newEnv(t, org, nil)
		body := `{"data":{"repository":{"nameWithOwner":"acme/gadget","visibility":"PUBLIC","viewerCanAdminister":false,"hasIssuesEnabled":true,` +
			`"codeowners":null,"deployKeys":{"totalCount":0,"nodes":[]},"defaultBranchRef":{"name":"trunk","branchProtectionRule":null,` +
			`"rules":{"pageInfo":{"hasNextPage":false},"nodes":[{"type":"DELETION","parameters":null,"repositoryRuleset":{"databaseId":4242,"name":"r","enforcement":"ACTIVE","source":{"__typename":"Organization","login":"acme"},"bypassActors":null}}]},` +
			`"target":{"oid":"abc"}}}},"errors":[{"type":"FORBIDDEN","path":["repository","defaultBranchRef","rules","nodes",0,"repositoryRuleset","bypassActors"],"message":"Must have admin access"}]}`
		e.g.Inject(fake.Fault{Operation: "ssdfRepo", Status: 200, Body: body})
		got, err := e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !got.Branch.Known() || len(got.Branch.Value.Rulesets) != 1 || !got.Branch.Value.Rulesets[0].BypassActorsHidden {
			t.Errorf("Branch = %+v", got.Branch)
		}
		if u := got.Branch.Value.ClassicUnavailable; u == nil || u.Kind != "permission" {
			t.Errorf("ClassicUnavailable = %+v", u)
		}
	})
}

// GitHub Enterprise Server: --forge-url maps to /api/v3 and /api/graphql,
// and a GraphQL schema without Ref.rules makes the client fall back to
// REST (once: later repositories go straight to REST).
func TestEnterpriseServerFallback(t *testing.T) {
	org := fake.OrgRulesetOnly()
	g := fake.GitHub(t, org, fake.Enterprise(), fake.WithoutRefRules())
	c, err := github.New(github.Options{ForgeURL: g.Web, Token: token, TransportOptions: transport.Options{Clock: transport.NewSimClock(time.Now())}})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != g.Web+"/api/v3/" {
		t.Errorf("BaseURL = %s", c.BaseURL())
	}
	for range 2 {
		got, err := c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{Commits: 5})
		if err != nil {
			t.Fatal(err)
		}
		if rs := got.Branch.Value.Rulesets; len(rs) != 1 || rs[0].Source != "Organization" {
			t.Errorf("Rulesets = %+v", rs)
		}
	}
	if n := g.Count("POST", "/api/graphql"); n != 1 {
		t.Errorf("GraphQL requests = %d, want 1", n)
	}
	if n := g.Count("GET", "/api/v3/repos/acme/gadget"); n != 2 {
		t.Errorf("REST repository reads = %d, want 2", n)
	}
	if _, err := c.Org(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
}

func TestEndpoints(t *testing.T) {
	for _, tc := range []struct{ in, rest, gql string }{
		{"", "https://api.github.com/", "https://api.github.com/graphql"},
		{"https://github.com", "https://api.github.com/", "https://api.github.com/graphql"},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"https://ghe.example.com/", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"http://10.0.0.5:8080/github", "http://10.0.0.5:8080/github/api/v3/", "http://10.0.0.5:8080/github/api/graphql"},
	} {
		r, g, err := github.Endpoints(tc.in)
		if err != nil || r != tc.rest || g != tc.gql {
			t.Errorf("Endpoints(%q) = %q %q %v", tc.in, r, g, err)
		}
	}
	_, _, err := github.Endpoints("https://user:" + token + "@ghe.example.com")
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("credentials in --forge-url: %v", err)
	}
}

func TestRepos(t *testing.T) {
	org := fake.Acme()
	org.Repos = fake.SyntheticRepos(250)
	e := newEnv(t, org, nil)
	refs, err := e.c.Repos(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 250 {
		t.Fatalf("repos = %d", len(refs))
	}
	archived := 0
	for _, r := range refs {
		if r.Archived {
			archived++
		}
	}
	if archived != 25 || refs[0] != (forge.RepoRef{Owner: "acme", Name: "repo-0001", DefaultBranch: "main", ID: 100000}) {
		t.Errorf("archived %d, first %+v", archived, refs[0])
	}
	if n := e.g.Count("GET", "/orgs/acme/repos"); n != 3 {
		t.Errorf("list requests = %d, want 3 pages of 100", n)
	}
}

func TestTreeAndFile(t *testing.T) {
	org := fake.Acme()
	w := org.Repos[1]
	w.Symlinks = map[string]string{"docs/link": "../README.md"}
	w.Submodules = []string{"third_party/lib"}
	e := newEnv(t, org, nil)
	tree, err := e.c.Tree(ctx, forge.RepoRef{Owner: "acme", Name: "widget", DefaultBranch: "main"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if tree.Commit != w.HeadSHA() {
		t.Errorf("Commit = %s, want %s", tree.Commit, w.HeadSHA())
	}
	var paths []string
	for _, en := range tree.Entries {
		paths = append(paths, en.Path)
		switch en.Path {
		case "docs/link":
			if !en.Symlink {
				t.Errorf("%s not a symlink", en.Path)
			}
		case "third_party/lib":
			if !en.Submodule {
				t.Errorf("%s not a submodule", en.Path)
			}
		case "go.mod":
			if en.SHA != fake.BlobSHA(w.Files["go.mod"]) || en.Size != int64(len(w.Files["go.mod"])) {
				t.Errorf("go.mod entry %+v", en)
			}
		}
	}
	want := []string{".github/CODEOWNERS", ".github/workflows/ci.yml", "README.md", "docs/link", "go.mod", "main.go", "third_party/lib"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if n := e.c.Requests(); n != 2 {
		t.Errorf("Tree by branch made %d requests, want 2 (pin the commit, list the tree)", n)
	}
	before := e.c.Requests()
	if _, err := e.c.Tree(ctx, repoRef("widget"), w.HeadSHA()); err != nil {
		t.Fatal(err)
	}
	if n := e.c.Requests() - before; n != 1 {
		t.Errorf("Tree by SHA made %d requests, want 1", n)
	}
	for _, en := range tree.Entries {
		if en.Path != ".github/CODEOWNERS" {
			continue
		}
		b, err := e.c.File(ctx, repoRef("widget"), en)
		if err != nil || string(b) != w.Files[".github/CODEOWNERS"] {
			t.Errorf("File = %q, %v", b, err)
		}
	}
	if _, err := e.c.File(ctx, repoRef("widget"), forge.TreeEntry{Path: "docs/link", Symlink: true}); err == nil {
		t.Error("a symlink was read")
	}
}

// A second scan revalidates with ETags: the answers come from the cache.
func TestETagRevalidation(t *testing.T) {
	e := newEnv(t, fake.Acme(), nil, rest)
	first, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{Commits: 3})
	second, _ := e.c.Org(ctx, "acme")
	r2, _ := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{Commits: 3})
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("Org changed (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(r1, r2); diff != "" {
		t.Errorf("Repo changed (-first +second):\n%s", diff)
	}
	st := e.c.Transport().Stats()
	conditional := 0
	for _, r := range e.g.Requests() {
		if r.Conditional {
			conditional++
		}
	}
	if st.CacheHits == 0 || int64(conditional) != st.CacheHits {
		t.Errorf("cache hits %d, conditional requests %d", st.CacheHits, conditional)
	}
	t.Logf("second round: %d of %d requests answered 304", st.CacheHits, st.Requests)
}

func TestBudget(t *testing.T) {
	g := fake.GitHub(t, fake.Acme())
	c, _ := github.New(github.Options{APIURL: g.API, GraphQLURL: g.GraphQL, Token: token, TransportOptions: transport.Options{Budget: 2}})
	org, err := c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !org.Owners.Known() {
		t.Errorf("Owners = %+v", org.Owners)
	}
	if f := org.MembersWithout2FA; f.Err == nil || f.Err.Kind != "error" || !strings.Contains(f.Err.Reason, "budget") {
		t.Errorf("MembersWithout2FA = %+v", f.Err)
	}
	_, err = c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
	if !errors.Is(err, transport.ErrBudget) {
		t.Errorf("Repo err = %v, want ErrBudget", err)
	}
	if n := len(g.Requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

// The token appears nowhere: not in errors, not in reasons, not in the
// snapshot, even when the server echoes the Authorization header back.
func TestTokenNeverLeaks(t *testing.T) {
	e := newEnv(t, fake.Acme(), nil)
	for _, p := range []string{"/orgs/acme/members", "/orgs/acme/audit-log", "/repos/acme/.github/contents/**"} {
		e.g.Inject(fake.Fault{Path: p, Status: 403, Body: `{"message":"denied"}`, EchoAuth: true})
	}
	e.g.Inject(fake.Fault{Operation: "ssdfRepo", Status: 500, Body: `{"message":"oops"}`, EchoAuth: true})
	org, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	_, rerr := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
	e.g.ClearFaults()
	e.g.Inject(fake.Fault{Path: "/orgs/acme", Status: 401, Body: `{"message":"Bad credentials"}`, EchoAuth: true})
	_, oerr := e.c.Org(ctx, "acme")
	b, _ := json.Marshal(org)
	all := string(b) + rerr.Error() + oerr.Error() + github.Unavailable(rerr).Reason + github.Unavailable(oerr).Reason
	if !strings.Contains(all, "Bearer [REDACTED]") {
		t.Errorf("the echo did not come back at all: %s", all)
	}
	if strings.Contains(all, token) || strings.Contains(all, token[4:]) {
		t.Errorf("token leaked: %s", all)
	}
}

func TestRequestCounts(t *testing.T) {
	for _, mode := range modes {
		org := fake.OrgRulesetOnly()
		e := newEnv(t, org, nil, mode.opts...)
		if _, err := e.c.Repo(ctx, repoRef("gadget"), forge.RepoOptions{Commits: 50}); err != nil {
			t.Fatal(err)
		}
		n := e.c.Requests()
		t.Logf("%s: Repo (settings, protection, rulesets, 50 commits, deploy keys, CODEOWNERS errors) = %d requests", mode.name, n)
		if mode.name == "graphql" && n > 3 {
			t.Errorf("Repo over GraphQL made %d requests, want <= 3", n)
		}
	}
}

func TestRepoSettingsVariants(t *testing.T) {
	for _, mode := range [][]opt{nil, {rest}} {
		org := fake.Acme()
		w := org.Repos[1]
		w.IsTemplate, w.NoIssues, w.TemplateRepository, w.Private = true, true, "", true
		e := newEnv(t, org, nil, mode...)
		got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]any{read(true), read(false), read(""), "private"},
			[]any{got.IsTemplate, got.HasIssues, got.TemplateRepository, got.Visibility}); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}

// Over REST every fact has its own request, and its own failure.
func TestRepoRESTFactErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault fake.Fault
		fact  func(*snapshot.Repo) *snapshot.Unavailable
		kind  string
		perm  string
	}{
		{"protection 502", fake.Fault{Path: "/repos/acme/widget/branches/main/protection", Status: 502},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.Branch.Value.ClassicUnavailable }, "error", ""},
		{"protection 403", fake.Fault{Path: "/repos/acme/widget/branches/main/protection", Status: 403, Body: `{"message":"Resource not accessible by personal access token"}`},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.Branch.Value.ClassicUnavailable }, "permission", "administration:read / repo admin"},
		{"rules 500", fake.Fault{Path: "/repos/acme/widget/rules/branches/main", Status: 500},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.Branch.Err }, "error", ""},
		{"commits 503", fake.Fault{Path: "/repos/acme/widget/commits", Status: 503},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.Commits.Err }, "error", ""},
		{"commits truncated", fake.Fault{Path: "/repos/acme/widget/commits", Truncate: true},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.Commits.Err }, "error", ""},
		{"keys 403", fake.Fault{Path: "/repos/acme/widget/keys", Status: 403, Body: `{"message":"Must have admin rights to Repository."}`},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.DeployKeys.Err }, "permission", "administration:read / repo admin"},
		{"codeowners 403", fake.Fault{Path: "/repos/acme/widget/codeowners/errors", Status: 403, Body: `{"message":"Resource not accessible by integration"}`},
			func(r *snapshot.Repo) *snapshot.Unavailable { return r.CodeOwnerErrors.Err }, "permission", "contents:read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, fake.Acme(), nil, rest)
			e.g.Inject(tc.fault)
			got, err := e.c.Repo(ctx, repoRef("widget"), forge.RepoOptions{Commits: 5})
			if err != nil {
				t.Fatal(err)
			}
			u := tc.fact(got)
			if u == nil || u.Kind != tc.kind || u.Permission != tc.perm {
				t.Errorf("unavailable = %+v, want kind %s permission %q", u, tc.kind, tc.perm)
			}
		})
	}
}

func TestOrgFactErrors(t *testing.T) {
	e := newEnv(t, fake.Acme(), nil)
	e.g.Inject(fake.Fault{Path: "/orgs/acme/members", Query: "role=admin", Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
	e.g.Inject(fake.Fault{Path: "/repos/acme/.github/contents/**", Status: 500})
	got, err := e.c.Org(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if f := got.Owners; f.Err == nil || f.Err.Kind != "permission" || f.Err.Permission != "read:org" {
		t.Errorf("Owners = %+v", f.Err)
	}
	if f := got.IssueTemplates; f.Err == nil || f.Err.Kind != "error" || f.Err.Status != 500 {
		t.Errorf("IssueTemplates = %+v", f.Err)
	}
}
