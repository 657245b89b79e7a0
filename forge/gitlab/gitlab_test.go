package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/forge/transport"
	"github.com/ssdf-dev/ssdf/snapshot"
)

const token = "glpat-TESTTOKEN-0123456789abcdef"

var _ forge.Client = (*Client)(nil)

var (
	yes = fake.GitLabBool(true)
	no  = fake.GitLabBool(false)
)

func sha(n int) string { return fmt.Sprintf("%040x", 0xc0ffee00+n) }

// acme is the standard world: a Premium group whose owner runs the scan.
func acme(t *testing.T) *fake.GitLab {
	t.Helper()
	g := fake.NewGitLab(t)
	g.RequireToken(token)
	g.SetCaller(fake.GitLabCaller{ID: 1, Username: "alice"})
	g.AddGroup(fake.GitLabGroup{
		ID: 4, Path: "acme", TwoFactor: yes, GitProtocol: "ssh",
		FileTemplateProjectID: 50, IssueTemplates: []string{"security", "bug"},
		Members: []fake.GitLabMember{
			{ID: 1, Username: "alice", AccessLevel: 50},
			{ID: 2, Username: "bob", AccessLevel: 50},
			{ID: 3, Username: "carol", AccessLevel: 30},
			{ID: 4, Username: "erin", AccessLevel: 50, State: "blocked"},
			{ID: 5, Username: "frank", AccessLevel: 20},
		},
	})
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g.AddProject(fake.GitLabProject{
		ID: 7, Path: "acme/platform/widget", CallerAccess: 50,
		RejectUnsigned: true,
		DeployKeys:     []fake.GitLabDeployKey{{ID: 1, Title: "ci-read"}, {ID: 2, Title: "deployer", CanPush: true}},
		IssueTemplates: []string{"Bug", "Security"},
		Commits: []fake.GitLabCommit{
			{SHA: sha(1), Date: day, Status: "verified"},
			{SHA: sha(2), Date: day.Add(-time.Hour), Status: "unverified_key"},
			{SHA: sha(3), Date: day.Add(-2 * time.Hour)},
		},
		Files:   map[string]string{"README.md": "# widget\n", ".gitlab-ci.yml": "test:\n  script: [make]\n", "CODEOWNERS": "* @acme/platform\n"},
		Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}, {ID: 3, Username: "carol", AccessLevel: 30}, {ID: 5, Username: "frank", AccessLevel: 20}},
		Shared:  map[string]int{"sec-team": 30, "readers": 20},
	})
	return g
}

func client(t *testing.T, g *fake.GitLab, tok string) *Client {
	t.Helper()
	c, err := New(Options{BaseURL: g.URL, Token: tok, HTTPClient: nil})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// viaTransport builds the client on forge/transport, as the CLI does.
func viaTransport(t *testing.T, g *fake.GitLab, o transport.Options) (*Client, *transport.Transport) {
	t.Helper()
	o.Token, o.Header = token, "PRIVATE-TOKEN"
	if o.Clock == nil {
		o.Clock = transport.NewSimClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	}
	tr := transport.New(o)
	c, err := New(Options{BaseURL: g.URL, HTTPClient: tr.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c, tr
}

var widget = forge.RepoRef{Owner: "acme/platform", Name: "widget"}

// settled returns the fake's request log once it stops growing: the
// shared fake server logs a request after writing its answer, so the last
// entry can lag the client's return.
func settled(g *fake.GitLab) []fake.Request {
	prev := g.Requests()
	for range 50 {
		time.Sleep(10 * time.Millisecond)
		cur := g.Requests()
		if len(cur) == len(prev) {
			return cur
		}
		prev = cur
	}
	return prev
}

func count(g *fake.GitLab, pattern string) int {
	settled(g)
	return g.Count("GET", pattern)
}

func kindOf(u *snapshot.Unavailable) string {
	if u == nil {
		return ""
	}
	return u.Kind
}

func TestOrgPremiumOwner(t *testing.T) {
	g := acme(t)
	o, err := client(t, g, token).Org(context.Background(), "acme/platform")
	if err != nil {
		t.Fatal(err)
	}
	tr := true
	want := &snapshot.Org{
		Login:                 "acme",
		TwoFactorRequired:     snapshot.Fact[*bool]{Read: true, Value: &tr},
		Owners:                snapshot.Fact[[]string]{Read: true, Value: []string{"alice", "bob"}},
		MembersCanDeleteRepos: snapshot.Fact[bool]{Read: true, Value: false},
		AuditLog:              snapshot.Fact[snapshot.AuditLog]{Read: true, Value: snapshot.AuditLog{Readable: true}},
		GitAccessProtocol:     snapshot.Fact[string]{Read: true, Value: "ssh"},
		IssueTemplates:        snapshot.Fact[[]string]{Read: true, Value: []string{"bug", "security"}},
	}
	// Members' 2FA: not shown in this members list, the caller is not an
	// administrator, and the group has no enterprise users API (404).
	if o.MembersWithout2FA.Err == nil || o.MembersWithout2FA.Err.Kind != "permission" || o.MembersWithout2FA.Err.Permission != permAdminUsers {
		t.Errorf("MembersWithout2FA = %+v, want permission %q", o.MembersWithout2FA, permAdminUsers)
	}
	o.MembersWithout2FA = snapshot.Fact[[]string]{}
	if d := cmp.Diff(want, o); d != "" {
		t.Errorf("Org (-want +got):\n%s", d)
	}
}

func TestOrgTwoFactorNullAndAbsent(t *testing.T) {
	g := acme(t)
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", TwoFactorNull: true, Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	o, err := client(t, g, token).Org(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !o.TwoFactorRequired.Known() || o.TwoFactorRequired.Value != nil {
		t.Errorf("null: %+v, want read with a nil value (unknown, not false)", o.TwoFactorRequired)
	}
	// The documentation example leaves the key out.
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	o, _ = client(t, g, token).Org(context.Background(), "acme")
	if o.TwoFactorRequired.Known() || kindOf(o.TwoFactorRequired.Err) != "unsupported" {
		t.Errorf("absent: %+v, want unsupported", o.TwoFactorRequired)
	}
	f := false
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", TwoFactor: &f, Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	o, _ = client(t, g, token).Org(context.Background(), "acme")
	if !o.TwoFactorRequired.Known() || o.TwoFactorRequired.Value == nil || *o.TwoFactorRequired.Value {
		t.Errorf("false: %+v", o.TwoFactorRequired)
	}
}

// GitLab Free must not abort the scan (Legitify's bug): every Premium
// endpoint degrades to an unavailable fact of kind plan.
func TestFreeCompletesWithPlanReasons(t *testing.T) {
	g := acme(t)
	g.Free()
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", TwoFactor: no, FileTemplateProjectID: -1,
		Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	c := client(t, g, token)
	o, err := c.Org(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]*snapshot.Unavailable{"auditLog": o.AuditLog.Err, "issueTemplates": o.IssueTemplates.Err} {
		if kindOf(u) != "plan" {
			t.Errorf("%s: %+v, want kind plan", name, u)
		}
	}
	if o.AuditLog.Err.Reason != planAuditEvents {
		t.Errorf("audit log reason %q", o.AuditLog.Err.Reason)
	}
	if !o.TwoFactorRequired.Known() || *o.TwoFactorRequired.Value {
		t.Errorf("2FA on Free: %+v", o.TwoFactorRequired)
	}
	r, err := c.Repo(context.Background(), widget, forge.RepoOptions{Commits: 10})
	if err != nil {
		t.Fatal(err)
	}
	gp := r.Branch.Value.GitLab
	if !r.Branch.Known() || gp == nil || !gp.Protected {
		t.Fatalf("branch: %+v", r.Branch)
	}
	if kindOf(gp.ApprovalsUnavailable) != "plan" || kindOf(gp.PushRuleUnavailable) != "plan" || gp.RejectUnsignedCommits != nil {
		t.Errorf("approvals %+v, push rule %+v / %v: want plan", gp.ApprovalsUnavailable, gp.PushRuleUnavailable, gp.RejectUnsignedCommits)
	}
	if !r.Commits.Known() || !r.DeployKeys.Known() || !r.HasIssues.Known() || !r.IssueTemplates.Known() {
		t.Errorf("Free-tier facts must still be read: %+v", r)
	}
}

func TestOrgNonOwner(t *testing.T) {
	g := acme(t)
	g.SetCaller(fake.GitLabCaller{ID: 3, Username: "carol"})
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", TwoFactor: yes, AuditStatus: 403,
		Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}, {ID: 3, Username: "carol", AccessLevel: 30}}})
	o, err := client(t, g, token).Org(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if u := o.AuditLog.Err; kindOf(u) != "permission" || u.Permission != permOwner {
		t.Errorf("audit log: %+v, want permission %q", u, permOwner)
	}
	if u := o.GitAccessProtocol.Err; kindOf(u) != "permission" || u.Permission != permOwner {
		t.Errorf("git protocol: %+v, want permission", u)
	}
	if !o.Owners.Known() || len(o.Owners.Value) != 1 {
		t.Errorf("owners %+v", o.Owners)
	}
}

func TestOrgAuditLogOwnerOnFreeIsPlan(t *testing.T) {
	g := acme(t)
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", AuditStatus: 403, Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	o, _ := client(t, g, token).Org(context.Background(), "acme")
	if kindOf(o.AuditLog.Err) != "plan" {
		t.Errorf("%+v", o.AuditLog)
	}
	// Community Edition: no route at all.
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", AuditStatus: 404, Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}}})
	o, _ = client(t, g, token).Org(context.Background(), "acme")
	if kindOf(o.AuditLog.Err) != "plan" {
		t.Errorf("%+v", o.AuditLog)
	}
}

func TestMembersWithout2FA(t *testing.T) {
	ms := func(tfa ...*bool) []fake.GitLabMember {
		out := []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50, TwoFactor: tfa[0]}, {ID: 2, Username: "bob", AccessLevel: 30, TwoFactor: tfa[1]}, {ID: 3, Username: "carol", AccessLevel: 30, TwoFactor: tfa[2]}}
		return out
	}
	t.Run("members API shows two_factor_enabled", func(t *testing.T) {
		g := acme(t)
		g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: ms(yes, no, yes)})
		o, _ := client(t, g, token).Org(context.Background(), "acme")
		if d := cmp.Diff(snapshot.Fact[[]string]{Read: true, Value: []string{"bob"}}, o.MembersWithout2FA); d != "" {
			t.Error(d)
		}
	})
	t.Run("administrator", func(t *testing.T) {
		g := acme(t)
		g.SetCaller(fake.GitLabCaller{ID: 1, Username: "alice", Admin: true, Disabled2FA: []fake.GitLabMember{{ID: 3, Username: "carol"}, {ID: 99, Username: "outsider"}}})
		g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: ms(nil, nil, nil)})
		o, _ := client(t, g, token).Org(context.Background(), "acme")
		if d := cmp.Diff(snapshot.Fact[[]string]{Read: true, Value: []string{"carol"}}, o.MembersWithout2FA); d != "" {
			t.Error(d)
		}
	})
	t.Run("enterprise users cover every member", func(t *testing.T) {
		g := acme(t)
		g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: ms(nil, nil, nil),
			EnterpriseUsers: []fake.GitLabMember{{ID: 1, Username: "alice", TwoFactor: yes}, {ID: 2, Username: "bob", TwoFactor: yes}, {ID: 3, Username: "carol", TwoFactor: no}}})
		o, _ := client(t, g, token).Org(context.Background(), "acme")
		if d := cmp.Diff(snapshot.Fact[[]string]{Read: true, Value: []string{"carol"}}, o.MembersWithout2FA); d != "" {
			t.Error(d)
		}
	})
	t.Run("enterprise users cover some members", func(t *testing.T) {
		g := acme(t)
		g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: ms(nil, nil, nil),
			EnterpriseUsers: []fake.GitLabMember{{ID: 1, Username: "alice", TwoFactor: yes}}})
		o, _ := client(t, g, token).Org(context.Background(), "acme")
		if u := o.MembersWithout2FA.Err; kindOf(u) != "permission" || !strings.Contains(u.Reason, "2 of the 3") {
			t.Errorf("%+v", u)
		}
	})
}

func TestMembersCanDeleteRepos(t *testing.T) {
	g := acme(t)
	g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}, {ID: 3, Username: "carol", AccessLevel: 30, RemoveProject: true}}})
	o, _ := client(t, g, token).Org(context.Background(), "acme")
	if d := cmp.Diff(snapshot.Fact[bool]{Read: true, Value: true}, o.MembersCanDeleteRepos); d != "" {
		t.Error(d)
	}
	g.Inject(fake.Fault{Path: "/groups/*/members/all", Status: 403, Body: `{"message":"403 Forbidden"}`})
	o, _ = client(t, g, token).Org(context.Background(), "acme")
	for name, u := range map[string]*snapshot.Unavailable{"owners": o.Owners.Err, "delete": o.MembersCanDeleteRepos.Err, "2fa": o.MembersWithout2FA.Err} {
		if kindOf(u) != "permission" {
			t.Errorf("%s: %+v", name, u)
		}
	}
}

func TestRepoPremium(t *testing.T) {
	g := acme(t)
	c := client(t, g, token)
	r, err := c.Repo(context.Background(), widget, forge.RepoOptions{Commits: 50})
	if err != nil {
		t.Fatal(err)
	}
	tr := true
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	want := &snapshot.Repo{
		FullName: "acme/platform/widget", DefaultBranch: "main", Visibility: "private",
		TemplateRepository: r.TemplateRepository, IsTemplate: r.IsTemplate,
		CIConfigPath:    snapshot.Fact[string]{Read: true},
		HasIssues:       snapshot.Fact[bool]{Read: true, Value: true},
		IssueTemplates:  snapshot.Fact[[]string]{Read: true, Value: []string{"Bug", "Security"}},
		CodeOwnerErrors: snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: []snapshot.CodeOwnerError{}},
		OwnerKinds:      snapshot.Fact[map[string]string]{Read: true, Value: map[string]string{}},
		Branch: snapshot.Fact[snapshot.BranchRules]{Read: true, Value: snapshot.BranchRules{Branch: "main", GitLab: &snapshot.GitLabProtection{
			Protected: true, PushAccessLevels: []int{40}, MergeAccessLevels: []int{40},
			// projects_approval_rules_GET.json: 3 approvals on "main" (its
			// code_owner_approval_required is the string "false").
			ApprovalsRequired: 3, RejectUnsignedCommits: &tr,
		}}},
		Commits: snapshot.Fact[[]snapshot.Commit]{Read: true, Value: []snapshot.Commit{
			{SHA: sha(1), Date: day, Verified: true, Reason: "verified"},
			{SHA: sha(2), Date: day.Add(-time.Hour), Reason: "unverified_key"},
			{SHA: sha(3), Date: day.Add(-2 * time.Hour), Reason: "unsigned"},
		}},
		DeployKeys: snapshot.Fact[[]snapshot.DeployKey]{Read: true, Value: []snapshot.DeployKey{{ID: 1, Title: "ci-read", ReadOnly: true}, {ID: 2, Title: "deployer"}}},
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("Repo (-want +got):\n%s", d)
	}
	if kindOf(r.TemplateRepository.Err) != "unsupported" || kindOf(r.IsTemplate.Err) != "unsupported" {
		t.Errorf("template facts: %+v %+v", r.TemplateRepository, r.IsTemplate)
	}
}

func TestBranchRules(t *testing.T) {
	pb := func(name string, force, codeOwner any, push ...int) json.RawMessage {
		var levels []map[string]any
		for _, l := range push {
			levels = append(levels, map[string]any{"id": l, "access_level": l, "access_level_description": "x"})
		}
		b, _ := json.Marshal(map[string]any{"id": 1, "name": name, "push_access_levels": levels, "merge_access_levels": levels, "allow_force_push": force, "code_owner_approval_required": codeOwner})
		return b
	}
	for _, tc := range []struct {
		name  string
		prot  []json.RawMessage
		rules string
		want  snapshot.GitLabProtection
	}{
		{"unprotected", []json.RawMessage{pb("release/*", false, false, 40)}, `[]`, snapshot.GitLabProtection{}},
		{"wildcard, force push allowed", []json.RawMessage{pb("ma*", true, false, 30)}, `[]`,
			snapshot.GitLabProtection{Protected: true, AllowForcePush: true, PushAccessLevels: []int{30}, MergeAccessLevels: []int{30}}},
		{"most permissive of two rules, code owners as a string", []json.RawMessage{pb("main", false, "true", 0), pb("*", false, false, 40)},
			`[{"id":1,"name":"all","rule_type":"any_approver","approvals_required":1,"applies_to_all_protected_branches":true,"protected_branches":[]},
			  {"id":2,"name":"sec","rule_type":"report_approver","approvals_required":5,"protected_branches":[]},
			  {"id":3,"name":"other","rule_type":"regular","approvals_required":4,"protected_branches":[{"id":9,"name":"release/*"}]},
			  {"id":"4","name":"everywhere","rule_type":"regular","approvals_required":"2","applies_to_all_protected_branches":false,"protected_branches":[]}]`,
			snapshot.GitLabProtection{Protected: true, CodeOwnerApprovalRequired: true, PushAccessLevels: []int{0, 40}, MergeAccessLevels: []int{0, 40}, ApprovalsRequired: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := acme(t)
			g.AddProject(fake.GitLabProject{ID: 7, Path: "acme/platform/widget", Protected: tc.prot, ApprovalRules: gitlabElems(t, tc.rules), PushRule: "null"})
			r, err := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
			if err != nil {
				t.Fatal(err)
			}
			f := false
			tc.want.RejectUnsignedCommits = &f // a null push rule rejects nothing
			if d := cmp.Diff(&tc.want, r.Branch.Value.GitLab); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func gitlabElems(t *testing.T, s string) []json.RawMessage {
	var out []json.RawMessage
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRepoPermissions(t *testing.T) {
	g := acme(t)
	for _, p := range []string{"/projects/*/protected_branches", "/projects/*/deploy_keys", "/projects/*/push_rule"} {
		g.Inject(fake.Fault{Path: p, Status: 403, Body: `{"message":"403 Forbidden"}`})
	}
	r, err := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u := r.Branch.Err; kindOf(u) != "permission" || u.Permission != permMaintainer {
		t.Errorf("branch %+v", u)
	}
	if u := r.DeployKeys.Err; kindOf(u) != "permission" || u.Permission != permMaintainer {
		t.Errorf("deploy keys %+v", u)
	}
	// Push rule alone refused: the branch is still read.
	g.ClearFaults()
	g.Inject(fake.Fault{Path: "/projects/*/push_rule", Status: 403})
	r, _ = client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
	if gp := r.Branch.Value.GitLab; !r.Branch.Known() || kindOf(gp.PushRuleUnavailable) != "permission" || gp.RejectUnsignedCommits != nil {
		t.Errorf("push rule %+v", r.Branch)
	}
	// The push rule's reject_unsigned_commits is left out when the plan
	// lacks it.
	g.ClearFaults()
	g.AddProject(fake.GitLabProject{ID: 7, Path: "acme/platform/widget", PushRule: `{"id":1,"project_id":7,"deny_delete_tag":false,"member_check":false}`})
	r, _ = client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
	if gp := r.Branch.Value.GitLab; kindOf(gp.PushRuleUnavailable) != "plan" {
		t.Errorf("push rule without the key: %+v", gp.PushRuleUnavailable)
	}
}

func TestApprovalRules403(t *testing.T) {
	// A Developer who gets 403: the plan. A Guest: the permission.
	for _, tc := range []struct {
		access int
		kind   string
	}{{30, "plan"}, {10, "permission"}} {
		g := acme(t)
		g.AddProject(fake.GitLabProject{ID: 7, Path: "acme/platform/widget", CallerAccess: tc.access})
		g.Inject(fake.Fault{Path: "/projects/*/approval_rules", Status: 403})
		r, _ := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
		if got := kindOf(r.Branch.Value.GitLab.ApprovalsUnavailable); got != tc.kind {
			t.Errorf("access %d: %s, want %s", tc.access, got, tc.kind)
		}
	}
}

func TestEmptyProjectAndIssues(t *testing.T) {
	g := acme(t)
	g.AddProject(fake.GitLabProject{ID: 7, Path: "acme/platform/widget", DefaultBranch: "-", IssuesAccess: "disabled"})
	r, err := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{Commits: 5})
	if err != nil {
		t.Fatal(err)
	}
	if kindOf(r.Branch.Err) != "not-found" {
		t.Errorf("branch %+v", r.Branch)
	}
	if d := cmp.Diff(snapshot.Fact[bool]{Read: true, Value: false}, r.HasIssues); d != "" {
		t.Error(d)
	}
}

func TestCodeOwners(t *testing.T) {
	g := acme(t)
	c := client(t, g, token)
	g.ResetLog()
	r, err := c.Repo(context.Background(), widget, forge.RepoOptions{CodeOwners: []string{
		"@alice", "@frank", "@sec-team", "@readers", "@acme", "@acme/platform", "@ghost", "@other/team", "@@developer", "@alice",
	}})
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := map[string]string{"@alice": "user", "@frank": "user", "@sec-team": "group", "@acme": "group", "@acme/platform": "group"}
	if d := cmp.Diff(snapshot.Fact[map[string]string]{Read: true, Value: wantKinds}, r.OwnerKinds); d != "" {
		t.Errorf("kinds (-want +got):\n%s", d)
	}
	var owners []string
	for _, e := range r.CodeOwnerErrors.Value {
		owners = append(owners, e.Owner)
	}
	if d := cmp.Diff([]string{"@frank", "@ghost", "@other/team", "@readers"}, owners); d != "" || !r.CodeOwnerErrors.Known() {
		t.Errorf("errors %+v (-want +got):\n%s", r.CodeOwnerErrors, d)
	}
	// One request for the groups, one member query per bare user name.
	if n := count(g, "/projects/7/members/all"); n != 3 {
		t.Errorf("%d member queries, want 3 (@alice, @frank, @ghost)", n)
	}
	if n := count(g, "/projects/7/groups"); n != 1 {
		t.Errorf("%d group requests", n)
	}

	// An e-mail owner needs an administrator.
	r, _ = c.Repo(context.Background(), widget, forge.RepoOptions{CodeOwners: []string{"@alice", "dev@example.com"}})
	if u := r.CodeOwnerErrors.Err; kindOf(u) != "permission" || u.Permission != permAdminUsers || !r.OwnerKinds.Known() {
		t.Errorf("e-mail owner: %+v", r.CodeOwnerErrors)
	}
}

func TestReposPaginatesWithKeyset(t *testing.T) {
	g := acme(t)
	for i := range 250 {
		g.AddProject(fake.GitLabProject{ID: int64(100 + i), Path: fmt.Sprintf("acme/team%d/p%03d", i%3, i), Archived: i%50 == 0})
	}
	c := client(t, g, token)
	g.ResetLog()
	refs, err := c.Repos(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 251 {
		t.Fatalf("%d projects, want 251", len(refs))
	}
	archived := 0
	for _, r := range refs {
		if r.Archived {
			archived++
		}
		if r.ID == 0 || r.DefaultBranch != "main" {
			t.Fatalf("ref %+v", r)
		}
	}
	if archived != 5 {
		t.Errorf("%d archived, want 5", archived)
	}
	reqs := settled(g)
	if len(reqs) != 3 {
		t.Errorf("%d requests, want 3 pages of 100", len(reqs))
	}
	for _, rq := range reqs[1:] {
		if !strings.Contains(rq.Query, "id_after=") {
			t.Errorf("page request without a keyset cursor: %s", rq)
		}
	}
	// Repo of a listed project needs no GET /projects/:id.
	g.ResetLog()
	if _, err := c.Repo(context.Background(), refs[0], forge.RepoOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := count(g, "/projects/*"); n != 0 {
		t.Errorf("%d project reads after listing", n)
	}
}

func TestTreeAndFiles(t *testing.T) {
	g := acme(t)
	files := map[string]string{"CODEOWNERS": "* @acme\n", "big.bin": strings.Repeat("x", 100)}
	for i := range 230 {
		files[fmt.Sprintf("src/pkg%d/f%d.go", i%7, i)] = "package x\n"
	}
	g.AddProject(fake.GitLabProject{ID: 7, Path: "acme/platform/widget", Files: files, Commits: []fake.GitLabCommit{{SHA: sha(9)}}})
	c, err := New(Options{BaseURL: g.URL, Token: token, HTTPClient: nil, MaxFileSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	g.ResetLog()
	tree, err := c.Tree(context.Background(), widget, "")
	if err != nil {
		t.Fatal(err)
	}
	if tree.Commit != sha(9) || len(tree.Entries) != 232 {
		t.Fatalf("tree: commit %s, %d entries", tree.Commit, len(tree.Entries))
	}
	// project + resolve ref + ceil((232 files + 8 dirs)/100) tree pages.
	if n := len(settled(g)); n != 1+1+3 {
		t.Errorf("%d requests for the tree: %v", n, settled(g))
	}
	byPath := map[string]forge.TreeEntry{}
	for _, e := range tree.Entries {
		byPath[e.Path] = e
	}
	b, err := c.File(context.Background(), widget, byPath["CODEOWNERS"])
	if err != nil || string(b) != "* @acme\n" {
		t.Errorf("CODEOWNERS = %q, %v", b, err)
	}
	b, err = c.File(context.Background(), widget, byPath["big.bin"])
	if err != nil || len(b) != 11 {
		t.Errorf("big.bin: %d bytes, %v; want the cap + 1", len(b), err)
	}
}

func TestErrors(t *testing.T) {
	t.Run("401 fails Org without the token in the error", func(t *testing.T) {
		g := acme(t)
		_, err := client(t, g, "wrong-"+token).Org(context.Background(), "acme")
		if err == nil || statusOf(err) != 401 || strings.Contains(err.Error(), token) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unknown project", func(t *testing.T) {
		g := acme(t)
		g.AllowUnknown()
		_, err := client(t, g, token).Repo(context.Background(), forge.RepoRef{Owner: "acme", Name: "nope"}, forge.RepoOptions{})
		if statusOf(err) != 404 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("truncated JSON", func(t *testing.T) {
		g := acme(t)
		g.Inject(fake.Fault{Path: "/projects/*/deploy_keys", Truncate: true})
		r, err := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if u := r.DeployKeys.Err; kindOf(u) != "error" || !strings.Contains(u.Reason, "malformed") {
			t.Errorf("%+v", u)
		}
	})
	t.Run("502 without a transport", func(t *testing.T) {
		g := acme(t)
		g.Inject(fake.Fault{Path: "/projects/*/protected_branches", Status: 502})
		r, _ := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{})
		if u := r.Branch.Err; kindOf(u) != "error" || u.Status != 502 {
			t.Errorf("%+v", u)
		}
	})
	t.Run("429 without a transport", func(t *testing.T) {
		g := acme(t)
		g.Inject(fake.Fault{Path: "/projects/*/repository/commits/*/signature", Status: 429, Header: map[string]string{"Retry-After": "30"}})
		r, _ := client(t, g, token).Repo(context.Background(), widget, forge.RepoOptions{Commits: 3})
		if u := r.Commits.Err; kindOf(u) != "error" || !strings.Contains(u.Reason, "rate limited") {
			t.Errorf("%+v", u)
		}
	})
	t.Run("slow answers and a deadline", func(t *testing.T) {
		g := acme(t)
		g.Inject(fake.Fault{Path: "/projects/*/deploy_keys", Latency: 2 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		r, err := client(t, g, token).Repo(ctx, widget, forge.RepoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.DeployKeys.Known() || kindOf(r.DeployKeys.Err) != "error" {
			t.Errorf("%+v", r.DeployKeys)
		}
	})
}

// The forge/transport retries what client-go no longer retries.
func TestWithTransport(t *testing.T) {
	g := acme(t)
	g.Inject(fake.Fault{Path: "/projects/*/protected_branches", Status: 502, Times: 1})
	g.Inject(fake.Fault{Path: "/projects/*/deploy_keys", Status: 429, Times: 1,
		Header: map[string]string{"RateLimit-Reset": "1772366460", "Retry-After": "60", "RateLimit-Remaining": "0"}})
	c, tr := viaTransport(t, g, transport.Options{})
	r, err := c.Repo(context.Background(), widget, forge.RepoOptions{Commits: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Branch.Known() || !r.DeployKeys.Known() || !r.Commits.Known() {
		t.Errorf("after retries: branch %+v, keys %+v", r.Branch.Err, r.DeployKeys.Err)
	}
	if st := tr.Stats(); st.Retries != 2 {
		t.Errorf("retries %d, want 2 (client-go must not retry on its own)", st.Retries)
	}
	// The client counts its calls; the transport puts retries on the wire.
	if st := tr.Stats(); c.Requests()+st.Retries != st.Requests {
		t.Errorf("client counted %d calls, transport %d requests with %d retries", c.Requests(), st.Requests, st.Retries)
	}

	// A budget that runs out turns facts unknown, never pass.
	g.ResetLog()
	c, _ = viaTransport(t, g, transport.Options{Budget: 3})
	r, err = c.Repo(context.Background(), widget, forge.RepoOptions{Commits: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Commits.Known() && r.Branch.Known() && r.DeployKeys.Known() {
		t.Errorf("a budget of 3 cannot read everything: %+v", r)
	}
}

// The token appears nowhere: not in errors, not in the snapshot, even
// when the server echoes it back.
func TestTokenNeverLeaks(t *testing.T) {
	g := acme(t)
	for _, p := range []string{"/projects/*/push_rule", "/projects/*/deploy_keys", "/groups/*/audit_events", "/projects/*/protected_branches"} {
		g.Inject(fake.Fault{Path: p, Status: 403, Body: `{"message":"403 Forbidden"}`, EchoAuth: true})
	}
	for name, c := range map[string]*Client{"bare": client(t, g, token), "transport": func() *Client { c, _ := viaTransport(t, g, transport.Options{}); return c }()} {
		o, err1 := c.Org(context.Background(), "acme")
		r, err2 := c.Repo(context.Background(), widget, forge.RepoOptions{Commits: 3, CodeOwners: []string{"@alice", "x@example.com"}})
		_, err3 := c.Org(context.Background(), "missing-group")
		out, _ := json.Marshal([]any{o, r, fmt.Sprint(err1), fmt.Sprint(err2), fmt.Sprint(err3)})
		if strings.Contains(string(out), token) || strings.Contains(string(out), "TESTTOKEN") {
			t.Errorf("%s: token leaked: %s", name, out)
		}
		if !strings.Contains(string(out), "permission") {
			t.Errorf("%s: expected permission facts: %s", name, out)
		}
	}
	for _, rq := range settled(g) {
		if !rq.Authorized {
			t.Errorf("request without credentials: %s", rq)
		}
	}
}

// TestRequestsPerProject records what one project's settings cost.
func TestRequestsPerProject(t *testing.T) {
	g := acme(t)
	c := client(t, g, token)
	refs, err := c.Repos(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	g.ResetLog()
	if _, err := c.Repo(context.Background(), refs[0], forge.RepoOptions{}); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range settled(g) {
		paths = append(paths, strings.TrimPrefix(r.Path, "/api/v4/projects/7"))
	}
	want := []string{"/approval_rules", "/deploy_keys", "/protected_branches", "/push_rule", "/templates/issues"}
	sort.Strings(paths)
	if d := cmp.Diff(want, paths); d != "" {
		t.Errorf("settings requests (-want +got):\n%s", d)
	}
	g.ResetLog()
	if _, err := c.Repo(context.Background(), refs[0], forge.RepoOptions{Commits: 3}); err != nil {
		t.Fatal(err)
	}
	if n := len(settled(g)); n != 5+1+3 {
		t.Errorf("with 3 commits: %d requests, want 9 (settings, the list, one signature each)", n)
	}
}

// The documentation's verbatim example carries // comments: a server
// answering like that is an error, not a silent default.
func TestVerbatimJSONCIsAnError(t *testing.T) {
	g := acme(t)
	g.HandleJSON("/groups/acme", 200, g.Example("groups_id_GET.doc-verbatim.jsonc"))
	_, err := client(t, g, token).Org(context.Background(), "acme")
	if err == nil || !strings.Contains(err.Error(), "malformed response") {
		t.Errorf("err = %v", err)
	}
	// String ids where integers are expected are read all the same.
	g.HandleJSON("/projects/7", 200, fake.GitLabPatch(g.Example("projects_id_GET.json"), map[string]any{
		"id": "7", "path_with_namespace": "acme/platform/widget", "default_branch": "main",
	}))
	r, err := client(t, g, token).Repo(context.Background(), forge.RepoRef{ID: 7}, forge.RepoOptions{})
	if err != nil || r.FullName != "acme/platform/widget" || !r.Branch.Known() {
		t.Errorf("string id: %+v, %v", r, err)
	}
}

// ci_config_path: null and "" are the default .gitlab-ci.yml, a string is
// the configured path, a missing key (hidden from those who cannot read the
// code) is unknown.
func TestCIConfigPath(t *testing.T) {
	hidden := snapshot.Fact[string]{Err: &snapshot.Unavailable{Kind: "permission", Permission: permReporter,
		Reason: "GitLab did not show the project's ci_config_path (it is shown only to those who can read the code)"}}
	for _, tc := range []struct {
		name string
		v    any
		want snapshot.Fact[string]
	}{
		{"null", nil, snapshot.Fact[string]{Read: true}},
		{"empty", "", snapshot.Fact[string]{Read: true}},
		{"file", "ci/pipeline.yml", snapshot.Fact[string]{Read: true, Value: "ci/pipeline.yml"}},
		{"remote", ".gitlab-ci.yml@acme/ci-templates", snapshot.Fact[string]{Read: true, Value: ".gitlab-ci.yml@acme/ci-templates"}},
		{"absent", fake.GitLabDelete, hidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := acme(t)
			g.HandleJSON("/projects/7", 200, fake.GitLabPatch(g.Example("projects_id_GET.json"), map[string]any{
				"id": 7, "path_with_namespace": "acme/platform/widget", "default_branch": "main", "ci_config_path": tc.v,
			}))
			r, err := client(t, g, token).Repo(context.Background(), forge.RepoRef{ID: 7}, forge.RepoOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, r.CIConfigPath); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
