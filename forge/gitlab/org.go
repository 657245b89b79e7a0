package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Access levels (GitLab Gitlab::Access).
const (
	levelGuest      = 10
	levelReporter   = 20
	levelDeveloper  = 30
	levelMaintainer = 40
	levelOwner      = 50
)

// Reasons and permissions named in Unavailable facts.
const (
	permOwner       = "Owner role on the top-level group"
	permAdminUsers  = "administrator (users API)"
	permMember      = "member of the group"
	permMaintainer  = "Maintainer role on the project"
	permReporter    = "Reporter role on the project"
	permDeveloper   = "Developer role on the project"
	planAuditEvents = "group audit events need GitLab Premium"
)

// topGroup is the top-level group of a group path ("acme/sub" → "acme").
func topGroup(p string) string {
	p = strings.Trim(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

// Org reads the settings of the top-level group of org (a group path; a
// subgroup path is read at its top-level group, where GitLab keeps the
// settings SPEC names). It fails only when the group itself cannot be read.
func (c *Client) Org(ctx context.Context, org string) (*snapshot.Org, error) {
	root := topGroup(org)
	if root == "" {
		return nil, errors.New("gitlab: empty group path")
	}
	gpath := "groups/" + esc(root)
	var g group
	if _, err := c.get(ctx, gpath, url.Values{"with_projects": {"false"}}, &g); err != nil {
		return nil, fmt.Errorf("gitlab: read group %s: %w", root, err)
	}
	if g.FullPath != "" {
		root = g.FullPath
	}
	o := &snapshot.Org{Login: root}

	// require_two_factor_authentication: every Group entity exposes it; an
	// absent or null value is unknown, never false.
	switch {
	case g.RequireTwoFactor.Known():
		v := g.RequireTwoFactor.V
		o.TwoFactorRequired = snapshot.Fact[*bool]{Read: true, Value: &v}
	case g.RequireTwoFactor.Present:
		o.TwoFactorRequired = snapshot.Fact[*bool]{Read: true}
	default:
		o.TwoFactorRequired = unavailable[*bool]("unsupported", "GitLab did not return require_two_factor_authentication for the group", "", 0)
	}

	caller := c.whoami(ctx)
	members, merr := list[member](ctx, c, gpath+"/members/all", nil, 0)
	callerLevel := 0
	if merr == nil && caller.err == nil {
		for _, m := range members {
			if m.ID.V == caller.ID && m.active() {
				callerLevel = int(m.AccessLevel.V)
			}
		}
	}
	if merr == nil || caller.Admin {
		c.mu.Lock()
		c.access[root] = callerLevel
		c.mu.Unlock()
	}
	isOwner := caller.Admin || callerLevel >= levelOwner

	// Owners: access level 50 on the top group, active accounts.
	if merr != nil {
		o.Owners = unavailableFrom[[]string](merr, permMember, "")
		o.MembersCanDeleteRepos = unavailableFrom[bool](merr, permMember, "")
		o.MembersWithout2FA = unavailableFrom[[]string](merr, permMember, "")
	} else {
		owners := []string{}
		canDelete := false
		for _, m := range members {
			if !m.active() {
				continue
			}
			if m.AccessLevel.V >= levelOwner {
				owners = append(owners, m.Username)
			} else if m.canRemoveProject() {
				// A custom role (Ultimate) with remove_project lets a
				// member below Owner delete projects.
				canDelete = true
			}
		}
		sort.Strings(owners)
		o.Owners = snapshot.Fact[[]string]{Read: true, Value: slices.Compact(owners)}
		// GitLab lets only Owners delete or transfer projects, unless a
		// custom role grants remove_project.
		o.MembersCanDeleteRepos = snapshot.Fact[bool]{Read: true, Value: canDelete}
		o.MembersWithout2FA = c.membersWithout2FA(ctx, gpath, members, caller, isOwner)
	}

	o.AuditLog = c.auditLog(ctx, gpath, merr == nil || caller.Admin, isOwner)
	o.GitAccessProtocol = c.gitProtocol(ctx, g, caller, isOwner, merr == nil || caller.Admin)
	o.IssueTemplates = c.groupIssueTemplates(ctx, g)
	return o, nil
}

// whoami reads GET /user once.
func (c *Client) whoami(ctx context.Context) callerInfo {
	c.mu.Lock()
	if c.caller != nil {
		ci := *c.caller
		c.mu.Unlock()
		return ci
	}
	c.mu.Unlock()
	var u user
	_, err := c.get(ctx, "user", nil, &u)
	ci := callerInfo{ID: u.ID.V, Username: u.Username, Admin: u.IsAdmin.Known() && u.IsAdmin.V, err: err}
	c.mu.Lock()
	c.caller = &ci
	c.mu.Unlock()
	return ci
}

// membersWithout2FA lists the active members with 2FA disabled. GitLab
// shows a member's two_factor_enabled to group owners in the members API
// (recent versions), to administrators in the users API, and to top-level
// group owners for their enterprise users; anyone else cannot know.
func (c *Client) membersWithout2FA(ctx context.Context, gpath string, members []member, caller callerInfo, isOwner bool) snapshot.Fact[[]string] {
	var active []member
	all := true
	for _, m := range members {
		if !m.active() {
			continue
		}
		active = append(active, m)
		if !m.TwoFactor.Known() {
			all = false
		}
	}
	without := []string{}
	if all {
		for _, m := range active {
			if !m.TwoFactor.V {
				without = append(without, m.Username)
			}
		}
		sort.Strings(without)
		return snapshot.Fact[[]string]{Read: true, Value: without}
	}
	if caller.Admin {
		users, err := list[user](ctx, c, "users", url.Values{"two_factor": {"disabled"}, "without_project_bots": {"true"}}, 0)
		if err != nil {
			return unavailableFrom[[]string](err, permAdminUsers, "")
		}
		disabled := map[int64]bool{}
		for _, u := range users {
			disabled[u.ID.V] = true
		}
		for _, m := range active {
			if disabled[m.ID.V] {
				without = append(without, m.Username)
			}
		}
		sort.Strings(without)
		return snapshot.Fact[[]string]{Read: true, Value: without}
	}
	if isOwner {
		// Enterprise users (GitLab.com Premium): their 2FA status is shown
		// to top-level group owners. It decides only if every member is one.
		eus, err := list[user](ctx, c, gpath+"/enterprise_users", nil, 0)
		if err == nil {
			tfa := map[int64]flexBool{}
			for _, u := range eus {
				tfa[u.ID.V] = u.TwoFactor
			}
			uncovered := 0
			for _, m := range active {
				b, ok := tfa[m.ID.V]
				switch {
				case !ok || !b.Known():
					uncovered++
				case !b.V:
					without = append(without, m.Username)
				}
			}
			if uncovered == 0 {
				sort.Strings(without)
				return snapshot.Fact[[]string]{Read: true, Value: without}
			}
			return unavailable[[]string]("permission", fmt.Sprintf(
				"GitLab shows the 2FA status of %d of the %d members only to an administrator: they are not enterprise users of the group",
				uncovered, len(active)), permAdminUsers, 0)
		}
	}
	return unavailable[[]string]("permission",
		"GitLab shows members' 2FA status only to an administrator (users API), to group owners on recent versions, and to top-level group owners for enterprise users",
		permAdminUsers, 0)
}

// auditLog tries GET /groups/:id/audit_events. GitLab answers 403 both
// when the caller is not an Owner and when the plan lacks the feature; the
// caller's own access level tells them apart. CE has no such route (404).
func (c *Client) auditLog(ctx context.Context, gpath string, levelKnown, isOwner bool) snapshot.Fact[snapshot.AuditLog] {
	var events []map[string]any
	_, err := c.get(ctx, gpath+"/audit_events", url.Values{"per_page": {"1"}}, &events)
	if err == nil {
		return snapshot.Fact[snapshot.AuditLog]{Read: true, Value: snapshot.AuditLog{Readable: true}}
	}
	switch st := statusOf(err); {
	case st == http.StatusNotFound:
		return unavailable[snapshot.AuditLog]("plan", planAuditEvents+" (this instance has no group audit events API)", "", st)
	case st == http.StatusForbidden && isOwner:
		return unavailable[snapshot.AuditLog]("plan", planAuditEvents, "", st)
	case st == http.StatusForbidden && levelKnown:
		return unavailable[snapshot.AuditLog]("permission", "group audit events need the Owner role (and GitLab Premium)", permOwner, st)
	case st == http.StatusForbidden:
		return unavailable[snapshot.AuditLog]("permission", "group audit events need the Owner role and GitLab Premium; the token's role could not be read", permOwner, st)
	}
	return unavailableFrom[snapshot.AuditLog](err, permOwner, "")
}

// gitProtocol maps enabled_git_access_protocol, which GitLab returns only
// to owners and administrators, and only for a top-level group. The
// instance setting (administrators only) restricts it further.
func (c *Client) gitProtocol(ctx context.Context, g group, caller callerInfo, isOwner, levelKnown bool) snapshot.Fact[string] {
	v := ""
	if g.GitAccessProtocol.Set {
		v = g.GitAccessProtocol.V
	}
	if v != "ssh" && caller.Admin {
		var s struct {
			Protocol flexString `json:"enabled_git_access_protocol"`
		}
		if _, err := c.get(ctx, "application/settings", nil, &s); err == nil && s.Protocol.V == "ssh" {
			return snapshot.Fact[string]{Read: true, Value: "ssh"}
		}
	}
	switch {
	case g.GitAccessProtocol.Set && v == "":
		// Blank means all protocols.
		return snapshot.Fact[string]{Read: true, Value: "all"}
	case g.GitAccessProtocol.Set:
		return snapshot.Fact[string]{Read: true, Value: v}
	case isOwner:
		return unavailable[string]("unsupported", "this GitLab does not return enabled_git_access_protocol for the group (it needs GitLab 15.2 or later)", "", 0)
	case levelKnown:
		return unavailable[string]("permission", "GitLab returns enabled_git_access_protocol only to the group's owners and administrators", permOwner, 0)
	}
	return unavailable[string]("permission", "GitLab returns enabled_git_access_protocol only to the group's owners and administrators; the token's role could not be read", permOwner, 0)
}

// groupIssueTemplates lists the group's description templates: the
// .gitlab/issue_templates/*.md of its file template project (Premium).
func (c *Client) groupIssueTemplates(ctx context.Context, g group) snapshot.Fact[[]string] {
	switch {
	case !g.fileTemplateKeyPresent:
		return unavailable[[]string]("plan", "group description templates need GitLab Premium (the group has no file_template_project_id)", "", 0)
	case !g.FileTemplateProjectID.Set:
		return snapshot.Fact[[]string]{Read: true, Value: []string{}}
	}
	p := "projects/" + strconv.FormatInt(g.FileTemplateProjectID.V, 10) + "/repository/tree"
	type node struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	nodes, err := list[node](ctx, c, p, url.Values{"path": {".gitlab/issue_templates"}}, 0)
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			return snapshot.Fact[[]string]{Read: true, Value: []string{}}
		}
		return unavailableFrom[[]string](err, "Reporter role on the group's file template project", "")
	}
	names := []string{}
	for _, n := range nodes {
		if n.Type == "blob" && strings.EqualFold(path.Ext(n.Name), ".md") {
			names = append(names, strings.TrimSuffix(n.Name, path.Ext(n.Name)))
		}
	}
	sort.Strings(names)
	return snapshot.Fact[[]string]{Read: true, Value: names}
}

// Repos lists the group's projects, subgroups included, archived ones
// marked. Keyset pagination is asked for and used when the server offers
// it (a Link rel="next"); otherwise the pages are followed.
func (c *Client) Repos(ctx context.Context, org string) ([]forge.RepoRef, error) {
	gp := strings.Trim(org, "/")
	p := "groups/" + esc(gp) + "/projects"
	q := func(keyset bool) url.Values {
		v := url.Values{"include_subgroups": {"true"}, "with_shared": {"false"}, "order_by": {"id"}, "sort": {"asc"}}
		if keyset {
			v.Set("pagination", "keyset")
		}
		return v
	}
	ps, err := list[project](ctx, c, p, q(true), 0)
	if st := statusOf(err); st == http.StatusMethodNotAllowed || st == http.StatusBadRequest {
		ps, err = list[project](ctx, c, p, q(false), 0)
	}
	if err != nil {
		return nil, fmt.Errorf("gitlab: list projects of %s: %w", gp, err)
	}
	refs := make([]forge.RepoRef, 0, len(ps))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range ps {
		pr := &ps[i]
		ref := refOf(pr)
		if ref.Name == "" {
			continue
		}
		c.projects[ref.ID] = pr
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].FullName() < refs[j].FullName() })
	return refs, nil
}

func refOf(p *project) forge.RepoRef {
	full := p.PathWithNamespace
	owner, name := path.Split(full)
	if name == "" {
		name = p.Path
	}
	if owner == "" {
		owner = p.Namespace.FullPath
	}
	return forge.RepoRef{
		Owner:         strings.TrimSuffix(owner, "/"),
		Name:          name,
		DefaultBranch: p.DefaultBranch.V,
		Archived:      p.Archived.Known() && p.Archived.V,
		ID:            p.ID.V,
	}
}

// unavailable builds an unavailable fact.
func unavailable[T any](kind, reason, perm string, status int) snapshot.Fact[T] {
	return snapshot.Fact[T]{Err: &snapshot.Unavailable{Kind: kind, Reason: reason, Permission: perm, Status: status}}
}

// unavailableFrom maps an API error: 401/403 → permission (perm), 404 →
// not-found, 429 and the rest → error. The reason names the request and
// the status, never a response body.
func unavailableFrom[T any](err error, perm, planReason string) snapshot.Fact[T] {
	st := statusOf(err)
	switch {
	case st == http.StatusUnauthorized:
		return unavailable[T]("permission", "GitLab refused the token (401): "+err.Error(), perm, st)
	case st == http.StatusForbidden:
		return unavailable[T]("permission", "the token lacks the "+perm+" ("+err.Error()+")", perm, st)
	case st == http.StatusNotFound && planReason != "":
		return unavailable[T]("plan", planReason, "", st)
	case st == http.StatusNotFound:
		return unavailable[T]("not-found", err.Error(), "", st)
	case st == http.StatusTooManyRequests:
		return unavailable[T]("error", "rate limited after retries: "+err.Error(), "", st)
	}
	return unavailable[T]("error", err.Error(), "", st)
}
