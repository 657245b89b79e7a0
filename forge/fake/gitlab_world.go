package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GitLabGroup describes a top-level group for AddGroup. The zero value is
// a group whose settings follow the documentation example.
type GitLabGroup struct {
	ID   int64
	Path string
	// TwoFactor sets require_two_factor_authentication; nil leaves it out
	// (as the groups_id_GET.json example does). TwoFactorNull answers null.
	TwoFactor     *bool
	TwoFactorNull bool
	// GitProtocol sets enabled_git_access_protocol; "" leaves it out (what
	// a non-owner sees).
	GitProtocol string
	// FileTemplateProjectID: 0 answers null, -1 leaves the key out (Free).
	FileTemplateProjectID int64
	// IssueTemplates are the names of the file template project's
	// .gitlab/issue_templates/*.md.
	IssueTemplates []string
	Members        []GitLabMember
	// AuditStatus is the status of GET audit_events (0: 200 with the
	// example events).
	AuditStatus int
	// EnterpriseUsers, when not nil, are served by enterprise_users (else
	// 404: not GitLab.com Premium).
	EnterpriseUsers []GitLabMember
}

// GitLabMember is a group or project member (or a user).
type GitLabMember struct {
	ID          int64
	Username    string
	AccessLevel int
	State       string // "" → active
	// TwoFactor, when not nil, is shown as two_factor_enabled.
	TwoFactor *bool
	// RemoveProject gives the member a custom role with remove_project.
	RemoveProject bool
}

// GitLabCaller is the token's user (GET /user).
type GitLabCaller struct {
	ID       int64
	Username string
	Admin    bool
	// Disabled2FA are the users listed by GET /users?two_factor=disabled
	// (served only when Admin).
	Disabled2FA []GitLabMember
}

// GitLabProject describes a project for AddProject.
type GitLabProject struct {
	ID            int64
	Path          string // full path, "acme/widget"
	DefaultBranch string // "" → main; "-" → no default branch (empty)
	Archived      bool
	// IssuesAccess is issues_access_level ("" leaves it out; issues_enabled
	// then decides).
	IssuesAccess  string
	IssuesEnabled *bool
	// CIConfigPath is ci_config_path ("" the default .gitlab-ci.yml).
	CIConfigPath string
	// CallerAccess is permissions.project_access.access_level (0: no
	// permissions object).
	CallerAccess int
	// Protected are the protected branches; nil uses the Free example with
	// "main" renamed to the default branch.
	Protected []json.RawMessage
	// ApprovalRules; nil uses the example (approvals_required 3 on main).
	ApprovalRules []json.RawMessage
	// PushRule: "example" (default), "null", or a JSON object.
	PushRule string
	// RejectUnsigned patches the example push rule.
	RejectUnsigned bool
	DeployKeys     []GitLabDeployKey
	IssueTemplates []string
	Commits        []GitLabCommit
	// Files are the repository's files at the head commit.
	Files map[string]string
	// Members are the project's members (direct and inherited).
	Members []GitLabMember
	// Groups are the project's groups (ancestors are added) and Shared the
	// groups it is shared with (full path → access level).
	Groups []string
	Shared map[string]int
}

// GitLabDeployKey is a deploy key.
type GitLabDeployKey struct {
	ID      int64
	Title   string
	CanPush bool
}

// GitLabCommit is a commit of the default branch, newest first.
type GitLabCommit struct {
	SHA  string
	Date time.Time
	// Status is the signature's verification_status; "" means unsigned
	// (the signature endpoint answers 404).
	Status string
}

// GitLabBool returns a pointer to b (for GitLabGroup.TwoFactor and such).
func GitLabBool(b bool) *bool { return &b }

// SetCaller serves GET /user.
func (g *GitLab) SetCaller(c GitLabCaller) {
	u := map[string]any{"id": c.ID, "username": c.Username, "name": c.Username, "state": "active"}
	if c.Admin {
		// Only administrators see is_admin.
		u["is_admin"] = true
		var items []json.RawMessage
		for _, m := range c.Disabled2FA {
			items = append(items, gitlabMust(map[string]any{"id": m.ID, "username": m.Username, "name": m.Username, "state": "active", "two_factor_enabled": false}))
		}
		g.HandleList("/users?two_factor=disabled", items)
	}
	g.HandleJSON("/user", 200, gitlabMust(u))
}

// AddGroup serves a group: GET /groups/:path, its members, audit events,
// projects list (filled by AddProject) and enterprise users.
func (g *GitLab) AddGroup(gr GitLabGroup) {
	if gr.ID == 0 {
		gr.ID = 4
	}
	set := map[string]any{
		"id": gr.ID, "name": gr.Path, "path": gr.Path, "full_path": gr.Path, "full_name": gr.Path,
		"web_url":  g.URL + "/groups/" + gr.Path,
		"projects": GitLabDelete, "shared_projects": GitLabDelete,
	}
	switch {
	case gr.TwoFactorNull:
		set["require_two_factor_authentication"] = nil
	case gr.TwoFactor != nil:
		set["require_two_factor_authentication"] = *gr.TwoFactor
	}
	if gr.GitProtocol == "" {
		set["enabled_git_access_protocol"] = GitLabDelete
	} else {
		set["enabled_git_access_protocol"] = gr.GitProtocol
	}
	switch gr.FileTemplateProjectID {
	case -1:
		set["file_template_project_id"] = GitLabDelete
	case 0:
		set["file_template_project_id"] = nil
	default:
		set["file_template_project_id"] = gr.FileTemplateProjectID
		var items []json.RawMessage
		for _, n := range gr.IssueTemplates {
			items = append(items, gitlabMust(map[string]any{"id": fmt.Sprintf("%040x", len(n)), "name": n + ".md", "type": "blob", "path": ".gitlab/issue_templates/" + n + ".md", "mode": "100644"}))
		}
		g.HandleList(fmt.Sprintf("/projects/%d/repository/tree?path=.gitlab/issue_templates", gr.FileTemplateProjectID), items)
	}
	body := GitLabPatch(g.Example("groups_id_GET.json"), set)
	id := GitLabID(gr.Path)
	g.HandleJSON("/groups/"+id, 200, body)
	g.HandleJSON("/groups/"+strconv.FormatInt(gr.ID, 10), 200, body)
	g.HandleList("/groups/"+id+"/members/all", g.members(gr.Members))
	if gr.AuditStatus == 0 {
		g.HandleList("/groups/"+id+"/audit_events", gitlabElems(g.Example("groups_audit_events_GET.json")))
	} else {
		g.HandleJSON("/groups/"+id+"/audit_events", gr.AuditStatus, glMessage(gr.AuditStatus))
	}
	if gr.EnterpriseUsers != nil {
		var items []json.RawMessage
		for _, m := range gr.EnterpriseUsers {
			u := map[string]any{"id": m.ID, "username": m.Username, "name": m.Username, "state": "active"}
			if m.TwoFactor != nil {
				u["two_factor_enabled"] = *m.TwoFactor
			}
			items = append(items, gitlabMust(u))
		}
		g.HandleList("/groups/"+id+"/enterprise_users", items)
	}
	g.mu.Lock()
	g.groups[strings.ToLower(gr.Path)] = &gr
	g.mu.Unlock()
	g.HandleList("/groups/"+id+"/projects", nil)
}

// members renders members from the members_all example's first element.
func (g *GitLab) members(ms []GitLabMember) []json.RawMessage {
	tmpl := gitlabElems(g.Example("groups_members_all_GET.json"))[0]
	items := []json.RawMessage{}
	for _, m := range ms {
		state := m.State
		if state == "" {
			state = "active"
		}
		set := map[string]any{"id": m.ID, "username": m.Username, "name": m.Username, "access_level": m.AccessLevel, "state": state,
			"web_url": g.URL + "/" + m.Username}
		if m.TwoFactor != nil {
			set["two_factor_enabled"] = *m.TwoFactor
		}
		if m.RemoveProject {
			set["member_role"] = map[string]any{"id": 9, "group_id": 4, "name": "Deleter", "base_access_level": 30, "read_code": true, "remove_project": true}
		}
		items = append(items, GitLabPatch(tmpl, set))
	}
	return items
}

// Free makes the instance GitLab Free: approval rules answer 403, push
// rules and enterprise users 404, group audit events 403 (as the EE code
// does without a licence).
func (g *GitLab) Free() {
	g.Inject(Fault{Path: "/projects/*/approval_rules", Status: http.StatusForbidden, Body: `{"message":"403 Forbidden"}`})
	g.Inject(Fault{Path: "/projects/*/push_rule", Status: http.StatusNotFound, Body: `{"message":"404 Not Found"}`})
	g.Inject(Fault{Path: "/groups/*/audit_events", Status: http.StatusForbidden, Body: `{"message":"403 Forbidden"}`})
	g.Inject(Fault{Path: "/groups/*/enterprise_users", Status: http.StatusNotFound, Body: `{"message":"404 Not Found"}`})
}

// AddProject serves a project: GET /projects/:id (by id and by path), its
// protected branches, approval rules, push rule, deploy keys, issue
// templates, commits with signatures, tree and blobs, members and groups;
// and lists it in its top-level group's projects (subgroups included).
func (g *GitLab) AddProject(p GitLabProject) {
	branch := p.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	ns, name := "", p.Path
	if i := strings.LastIndexByte(p.Path, '/'); i >= 0 {
		ns, name = p.Path[:i], p.Path[i+1:]
	}
	set := map[string]any{
		"id": p.ID, "name": name, "path": name, "path_with_namespace": p.Path,
		"name_with_namespace": strings.ReplaceAll(p.Path, "/", " / "),
		"namespace":           map[string]any{"id": 4, "name": ns, "path": ns, "kind": "group", "full_path": ns},
		"archived":            p.Archived,
		"web_url":             g.URL + "/" + p.Path,
		"shared_with_groups":  []any{},
		"ci_config_path":      p.CIConfigPath,
	}
	if branch == "-" {
		set["default_branch"] = nil
		set["empty_repo"] = true
	} else {
		set["default_branch"] = branch
	}
	if p.IssuesAccess != "" {
		set["issues_access_level"] = p.IssuesAccess
	}
	if p.IssuesEnabled != nil {
		set["issues_enabled"] = *p.IssuesEnabled
	}
	if p.CallerAccess > 0 {
		set["permissions"] = map[string]any{"project_access": map[string]any{"access_level": p.CallerAccess, "notification_level": 3}, "group_access": nil}
	} else {
		set["permissions"] = GitLabDelete
	}
	var shared []any
	for gp, lvl := range p.Shared {
		shared = append(shared, map[string]any{"group_id": 100 + len(shared), "group_name": gp, "group_full_path": gp, "group_access_level": lvl})
	}
	if shared != nil {
		set["shared_with_groups"] = shared
	}
	body := GitLabPatch(g.Example("projects_id_GET.json"), set)
	pid := "/projects/" + strconv.FormatInt(p.ID, 10)
	g.HandleJSON(pid, 200, body)
	g.HandleJSON("/projects/"+GitLabID(p.Path), 200, body)

	// Protected branches.
	prot := p.Protected
	if prot == nil {
		prot = gitlabElems(g.Example("projects_protected_branches_GET.json"))
		prot[0] = GitLabPatch(prot[0], map[string]any{"name": branch})
	}
	g.HandleList(pid+"/protected_branches", prot)
	rules := p.ApprovalRules
	if rules == nil {
		rules = gitlabElems(g.Example("projects_approval_rules_GET.json"))
	}
	g.HandleList(pid+"/approval_rules", rules)
	switch p.PushRule {
	case "", "example":
		g.HandleJSON(pid+"/push_rule", 200, GitLabPatch(g.Example("projects_push_rule_GET.json"), map[string]any{"project_id": p.ID, "reject_unsigned_commits": p.RejectUnsigned}))
	default:
		g.HandleJSON(pid+"/push_rule", 200, []byte(p.PushRule))
	}
	keys := []json.RawMessage{}
	for _, k := range p.DeployKeys {
		keys = append(keys, gitlabMust(map[string]any{"id": k.ID, "title": k.Title, "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake", "fingerprint": "4a:9d:64:15:ed:3a:e6:07:6e:89:36:b3:3b:03:05:d9",
			"fingerprint_sha256": "SHA256:Jrs3LD1Ji30xNLtTVf9NDCj7kkBgPBb2pjvTZ3HfIgU", "created_at": "2013-10-02T10:12:29Z", "expires_at": nil, "can_push": k.CanPush}))
	}
	g.HandleList(pid+"/deploy_keys", keys)
	tmpls := []json.RawMessage{}
	for _, t := range p.IssueTemplates {
		tmpls = append(tmpls, gitlabMust(map[string]any{"key": t, "name": t}))
	}
	g.HandleList(pid+"/templates/issues", tmpls)

	// Commits, signatures, tree, blobs.
	commits := []json.RawMessage{}
	for _, c := range p.Commits {
		d := c.Date.UTC().Format("2006-01-02T15:04:05.000Z")
		commits = append(commits, gitlabMust(map[string]any{"id": c.SHA, "short_id": c.SHA[:8], "title": "change", "message": "change\n",
			"author_name": "A", "author_email": "a@example.com", "authored_date": d, "committer_name": "A", "committer_email": "a@example.com",
			"committed_date": d, "created_at": d, "parent_ids": []string{}, "web_url": g.URL + "/" + p.Path + "/-/commit/" + c.SHA}))
		if c.Status != "" {
			g.HandleJSON(pid+"/repository/commits/"+c.SHA+"/signature", 200, gitlabMust(map[string]any{
				"signature_type": "PGP", "verification_status": c.Status, "gpg_key_id": 1, "gpg_key_primary_keyid": "8254AAB3FBD54AC9",
				"gpg_key_user_name": "John Doe", "gpg_key_user_email": "johndoe@example.com", "gpg_key_subkey_id": nil, "commit_source": "gitaly"}))
		} else {
			g.HandleJSON(pid+"/repository/commits/"+c.SHA+"/signature", 404, []byte(`{"message":"404 GPG Signature Not Found"}`))
		}
	}
	g.HandleList(pid+"/repository/commits", commits)
	head := strings.Repeat("ab", 20)
	if len(p.Commits) > 0 {
		head = p.Commits[0].SHA
	}
	headBody := gitlabMust(map[string]any{"id": head, "short_id": head[:8], "title": "head"})
	g.HandleJSON(pid+"/repository/commits/"+GitLabID(branch), 200, headBody)
	g.HandleJSON(pid+"/repository/commits/"+head, 200, headBody)
	var tree []json.RawMessage
	paths := make([]string, 0, len(p.Files))
	for f := range p.Files {
		paths = append(paths, f)
	}
	sort.Strings(paths)
	dirs := map[string]bool{}
	for _, f := range paths {
		for d := f; strings.Contains(d, "/"); {
			d = d[:strings.LastIndexByte(d, '/')]
			if !dirs[d] {
				dirs[d] = true
				tree = append(tree, gitlabMust(map[string]any{"id": fmt.Sprintf("%040x", len(d)), "name": d[strings.LastIndexByte(d, '/')+1:], "type": "tree", "path": d, "mode": "040000"}))
			}
		}
		sha := gitlabBlobSHA(p.Files[f])
		tree = append(tree, gitlabMust(map[string]any{"id": sha, "name": f[strings.LastIndexByte(f, '/')+1:], "type": "blob", "path": f, "mode": "100644"}))
		g.HandleRaw(pid+"/repository/blobs/"+sha+"/raw", []byte(p.Files[f]))
	}
	g.HandleList(pid+"/repository/tree", tree)

	g.HandleList(pid+"/members/all", g.members(p.Members))
	var groups []json.RawMessage
	seen := map[string]bool{}
	addGroup := func(gp string) {
		if gp == "" || seen[gp] {
			return
		}
		seen[gp] = true
		groups = append(groups, gitlabMust(map[string]any{"id": 200 + len(groups), "name": gp[strings.LastIndexByte(gp, '/')+1:], "full_name": gp, "full_path": gp, "avatar_url": nil, "web_url": g.URL + "/groups/" + gp}))
	}
	for d := ns; d != ""; {
		addGroup(d)
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			break
		}
		d = d[:i]
	}
	for _, gp := range p.Groups {
		addGroup(gp)
	}
	for gp := range p.Shared {
		addGroup(gp)
	}
	g.HandleList(pid+"/groups", groups)

	// List the project in every ancestor group's projects.
	listItem := GitLabPatch(body, map[string]any{"permissions": GitLabDelete})
	g.mu.Lock()
	g.projects[p.ID] = &p
	g.mu.Unlock()
	for d := ns; d != ""; {
		key := glNorm("/groups/" + GitLabID(d) + "/projects")
		g.mu.Lock()
		rt := g.routes[key]
		if rt == nil {
			rt = &GitLabRoute{Status: 200, Items: []json.RawMessage{}}
			g.routes[key] = rt
		}
		rt.Items = append(rt.Items, listItem)
		g.mu.Unlock()
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			break
		}
		d = d[:i]
	}
}

// gitlabBlobSHA is a stable fake blob id.
func gitlabBlobSHA(content string) string {
	h := uint64(1469598103934665603)
	for i := 0; i < len(content); i++ {
		h ^= uint64(content[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("%016x%016x%08x", h, h^0x9e3779b97f4a7c15, len(content))
}
