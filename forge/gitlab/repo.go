package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// project returns the project entity: from the Repos cache, else GET
// /projects/:id (by ID when known, else by path).
func (c *Client) project(ctx context.Context, ref forge.RepoRef) (*project, error) {
	c.mu.Lock()
	id := ref.ID
	if id == 0 {
		id = c.ids[strings.ToLower(ref.FullName())]
	}
	if p, ok := c.projects[id]; ok && id != 0 {
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	var p project
	if _, err := c.get(ctx, projectPath(ref, id), nil, &p); err != nil {
		return nil, fmt.Errorf("gitlab: read project %s: %w", ref.FullName(), err)
	}
	if !p.ID.Set {
		return nil, fmt.Errorf("gitlab: read project %s: the answer has no id", ref.FullName())
	}
	c.mu.Lock()
	c.projects[p.ID.V] = &p
	c.ids[strings.ToLower(ref.FullName())] = p.ID.V
	c.mu.Unlock()
	return &p, nil
}

func pid(p *project) string { return "projects/" + strconv.FormatInt(p.ID.V, 10) }

// callerLevel is the caller's access level on the project when known:
// from the project entity, else from the top-level group read by Org.
func (c *Client) callerLevel(p *project) (int, bool) {
	if lvl, ok := p.callerAccess(); ok {
		return lvl, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caller != nil && c.caller.Admin {
		return 60, true
	}
	lvl, ok := c.access[topGroup(p.PathWithNamespace)]
	return lvl, ok
}

// Repo reads a project's settings, the protection of its default branch,
// its newest commits with their signature verification, its deploy keys
// and, when asked, resolves its CODEOWNERS owners. It fails only when the
// project itself cannot be read.
func (c *Client) Repo(ctx context.Context, ref forge.RepoRef, o forge.RepoOptions) (*snapshot.Repo, error) {
	p, err := c.project(ctx, ref)
	if err != nil {
		return nil, err
	}
	r := &snapshot.Repo{
		FullName:      p.PathWithNamespace,
		DefaultBranch: p.DefaultBranch.V,
		Archived:      p.Archived.Known() && p.Archived.V,
		Visibility:    p.Visibility,
	}
	if r.FullName == "" {
		r.FullName = ref.FullName()
	}
	r.TemplateRepository = unavailable[string]("unsupported", "GitLab projects have no template_repository", "", 0)
	r.IsTemplate = unavailable[bool]("unsupported", "GitLab projects have no is_template", "", 0)
	r.HasIssues = hasIssues(p)
	r.CIConfigPath = ciConfigPath(p)

	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { r.IssueTemplates = c.issueTemplates(ctx, p) })
	run(func() { r.Branch = c.branchRules(ctx, p) })
	run(func() { r.DeployKeys = c.deployKeys(ctx, p) })
	if o.Commits > 0 {
		run(func() { r.Commits = c.commits(ctx, p, o.Commits) })
	} else {
		r.Commits = unavailable[[]snapshot.Commit]("error", "no commit window was asked for", "", 0)
	}
	if len(o.CodeOwners) > 0 {
		run(func() { r.OwnerKinds, r.CodeOwnerErrors = c.codeOwners(ctx, p, o.CodeOwners) })
	} else {
		r.OwnerKinds = snapshot.Fact[map[string]string]{Read: true, Value: map[string]string{}}
		r.CodeOwnerErrors = snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: []snapshot.CodeOwnerError{}}
	}
	wg.Wait()
	return r, nil
}

// hasIssues maps issues_access_level (GitLab 14+) or issues_enabled.
func hasIssues(p *project) snapshot.Fact[bool] {
	switch p.IssuesAccessLevel {
	case "disabled":
		return snapshot.Fact[bool]{Read: true, Value: false}
	case "enabled", "private", "public":
		return snapshot.Fact[bool]{Read: true, Value: true}
	}
	if p.IssuesEnabled.Known() {
		return snapshot.Fact[bool]{Read: true, Value: p.IssuesEnabled.V}
	}
	return unavailable[bool]("unsupported", "GitLab returned neither issues_access_level nor issues_enabled for the project", "", 0)
}

// ciConfigPath maps ci_config_path: null or "" is the default
// .gitlab-ci.yml; a missing key (GitLab shows it only to those who may
// read the code) is unknown.
func ciConfigPath(p *project) snapshot.Fact[string] {
	if p.CIConfigPath == nil {
		return unavailable[string]("permission", "GitLab did not show the project's ci_config_path (it is shown only to those who can read the code)", permReporter, 0)
	}
	var s *string
	if err := json.Unmarshal(p.CIConfigPath, &s); err != nil {
		return unavailable[string]("error", "the project's ci_config_path is not a string: "+err.Error(), "", 0)
	}
	if s == nil {
		return snapshot.Fact[string]{Read: true}
	}
	return snapshot.Fact[string]{Read: true, Value: *s}
}

// issueTemplates lists GET /projects/:id/templates/issues: the project's
// own .gitlab/issue_templates plus the group's and the instance's.
func (c *Client) issueTemplates(ctx context.Context, p *project) snapshot.Fact[[]string] {
	type tmpl struct {
		Key  string `json:"key"`
		Name string `json:"name"`
	}
	ts, err := list[tmpl](ctx, c, pid(p)+"/templates/issues", nil, 0)
	if err != nil {
		return unavailableFrom[[]string](err, permReporter, "")
	}
	names := []string{}
	for _, t := range ts {
		n := t.Name
		if n == "" {
			n = t.Key
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return snapshot.Fact[[]string]{Read: true, Value: slices.Compact(names)}
}

// refMatches reports whether a protected-branch name (exact or with `*`
// wildcards, which GitLab lets match any characters) names branch.
func refMatches(pattern, branch string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == branch
	}
	parts := strings.Split(pattern, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	re, err := regexp.Compile(`\A` + strings.Join(parts, `.*`) + `\z`)
	return err == nil && re.MatchString(branch)
}

// branchRules reads how the default branch is protected: the protected
// branch rules that match it (GitLab applies the most permissive: force
// push if any rule allows it, the union of push and merge levels, code
// owner approval if any rule requires it), the approval rules that apply
// to it (Premium) and the push rule (Premium).
func (c *Client) branchRules(ctx context.Context, p *project) snapshot.Fact[snapshot.BranchRules] {
	branch := p.DefaultBranch.V
	if branch == "" {
		return unavailable[snapshot.BranchRules]("not-found", "the project has no default branch (empty repository)", "", 0)
	}
	pbs, err := list[protectedBranch](ctx, c, pid(p)+"/protected_branches", nil, 0)
	if err != nil {
		return unavailableFrom[snapshot.BranchRules](err, permMaintainer, "")
	}
	gp := &snapshot.GitLabProtection{}
	push, merge := map[int]bool{}, map[int]bool{}
	for _, pb := range pbs {
		if !refMatches(pb.Name, branch) {
			continue
		}
		gp.Protected = true
		if pb.AllowForcePush.V {
			gp.AllowForcePush = true
		}
		if pb.CodeOwnerApprovalRequired.V {
			gp.CodeOwnerApprovalRequired = true
		}
		for _, a := range pb.PushAccessLevels {
			if a.AccessLevel.Set {
				push[int(a.AccessLevel.V)] = true
			}
		}
		for _, a := range pb.MergeAccessLevels {
			if a.AccessLevel.Set {
				merge[int(a.AccessLevel.V)] = true
			}
		}
	}
	gp.PushAccessLevels = sortedKeys(push)
	gp.MergeAccessLevels = sortedKeys(merge)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		n, u := c.approvals(ctx, p, branch, gp.Protected)
		gp.ApprovalsRequired, gp.ApprovalsUnavailable = n, u
	}()
	go func() {
		defer wg.Done()
		gp.RejectUnsignedCommits, gp.PushRuleUnavailable = c.pushRule(ctx, p)
	}()
	wg.Wait()
	return snapshot.Fact[snapshot.BranchRules]{Read: true, Value: snapshot.BranchRules{Branch: branch, GitLab: gp}}
}

func sortedKeys(m map[int]bool) []int {
	if len(m) == 0 {
		return nil
	}
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// approvals is the largest approvals_required of the project's approval
// rules that apply to the branch: a rule for all protected branches (if
// the branch is protected), a rule naming a protected branch that matches
// it, or a rule scoped to no branch (it applies to every branch). Report
// approver rules (security reports) are not code-change approvals.
func (c *Client) approvals(ctx context.Context, p *project, branch string, protected bool) (int, *snapshot.Unavailable) {
	rules, err := list[approvalRule](ctx, c, pid(p)+"/approval_rules", nil, 0)
	if err != nil {
		st := statusOf(err)
		lvl, known := c.callerLevel(p)
		switch {
		case st == http.StatusNotFound:
			return 0, &snapshot.Unavailable{Kind: "plan", Reason: "merge request approval rules need GitLab Premium", Status: st}
		case st == http.StatusForbidden && known && lvl >= levelDeveloper:
			return 0, &snapshot.Unavailable{Kind: "plan", Reason: "merge request approval rules need GitLab Premium", Status: st}
		case st == http.StatusForbidden:
			return 0, &snapshot.Unavailable{Kind: "permission", Reason: "approval rules need the Developer role on the project (and GitLab Premium)", Permission: permDeveloper, Status: st}
		}
		f := unavailableFrom[int](err, permDeveloper, "")
		return 0, f.Err
	}
	n := 0
	for _, r := range rules {
		if r.RuleType == "report_approver" || r.RuleType == "code_owner" {
			continue
		}
		applies := false
		switch {
		case r.AppliesToAllProtectedBranches.V:
			applies = protected
		case len(r.ProtectedBranches) > 0:
			for _, pb := range r.ProtectedBranches {
				if refMatches(pb.Name, branch) {
					applies = true
				}
			}
		default:
			applies = true
		}
		if applies {
			n = max(n, int(r.ApprovalsRequired.V))
		}
	}
	return n, nil
}

// pushRule reads reject_unsigned_commits. No push rule at all is a null
// body: nothing is rejected. GitLab omits the field when the plan lacks
// it and answers 404 when the plan has no push rules at all.
func (c *Client) pushRule(ctx context.Context, p *project) (*bool, *snapshot.Unavailable) {
	var pr *pushRule
	_, err := c.get(ctx, pid(p)+"/push_rule", nil, &pr)
	if err != nil {
		st := statusOf(err)
		switch st {
		case http.StatusNotFound:
			return nil, &snapshot.Unavailable{Kind: "plan", Reason: "push rules need GitLab Premium", Status: st}
		case http.StatusForbidden:
			return nil, &snapshot.Unavailable{Kind: "permission", Reason: "push rules need the Maintainer role on the project", Permission: permMaintainer, Status: st}
		}
		f := unavailableFrom[bool](err, permMaintainer, "")
		return nil, f.Err
	}
	if pr == nil {
		f := false
		return &f, nil
	}
	if !pr.RejectUnsignedCommits.Known() {
		return nil, &snapshot.Unavailable{Kind: "plan", Reason: "the reject_unsigned_commits push rule needs GitLab Premium (GitLab did not return it)"}
	}
	v := pr.RejectUnsignedCommits.V
	return &v, nil
}

// deployKeys lists the project's deploy keys; can_push means write access.
func (c *Client) deployKeys(ctx context.Context, p *project) snapshot.Fact[[]snapshot.DeployKey] {
	type key struct {
		ID      flexInt  `json:"id"`
		Title   string   `json:"title"`
		CanPush flexBool `json:"can_push"`
	}
	ks, err := list[key](ctx, c, pid(p)+"/deploy_keys", nil, 0)
	if err != nil {
		return unavailableFrom[[]snapshot.DeployKey](err, permMaintainer, "")
	}
	out := []snapshot.DeployKey{}
	for _, k := range ks {
		// A can_push that is not a clear false is treated as write access.
		ro := k.CanPush.Known() && !k.CanPush.V
		out = append(out, snapshot.DeployKey{ID: k.ID.V, Title: k.Title, ReadOnly: ro})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return snapshot.Fact[[]snapshot.DeployKey]{Read: true, Value: out}
}

// verifiedStatuses are GitLab's verification_status values that mean a
// verified signature.
var verifiedStatuses = map[string]bool{"verified": true, "verified_system": true, "verified_ca": true}

// commits lists the newest n commits of the default branch (one request
// per 100) and reads each one's signature (one request each: GitLab's
// REST API has no signature in the list; a 404 means unsigned).
func (c *Client) commits(ctx context.Context, p *project, n int) snapshot.Fact[[]snapshot.Commit] {
	branch := p.DefaultBranch.V
	if branch == "" {
		return snapshot.Fact[[]snapshot.Commit]{Read: true, Value: []snapshot.Commit{}}
	}
	type commit struct {
		ID            string `json:"id"`
		CommittedDate string `json:"committed_date"`
	}
	cs, err := list[commit](ctx, c, pid(p)+"/repository/commits", url.Values{"ref_name": {branch}}, n)
	if err != nil {
		return unavailableFrom[[]snapshot.Commit](err, permReporter, "")
	}
	out := make([]snapshot.Commit, len(cs))
	errs := make([]error, len(cs))
	sem := make(chan struct{}, c.conc)
	var wg sync.WaitGroup
	for i, cm := range cs {
		out[i] = snapshot.Commit{SHA: cm.ID, Date: parseTime(cm.CommittedDate)}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var s signature
			_, err := c.get(ctx, pid(p)+"/repository/commits/"+url.PathEscape(cm.ID)+"/signature", nil, &s)
			switch {
			case statusOf(err) == http.StatusNotFound:
				out[i].Reason = "unsigned"
			case err != nil:
				errs[i] = err
			default:
				out[i].Verified = verifiedStatuses[s.VerificationStatus]
				out[i].Reason = s.VerificationStatus
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return unavailableFrom[[]snapshot.Commit](err, permReporter, "")
		}
	}
	return snapshot.Fact[[]snapshot.Commit]{Read: true, Value: out}
}
