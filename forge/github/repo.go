package github

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v84/github"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Repo reads a repository's settings, the protection of its default
// branch (classic protection and every active ruleset that applies to it,
// organization rulesets included, with their bypass actors), its newest
// commits' signature verification, its deploy keys and its CODEOWNERS
// errors. Over GraphQL this is one request; over REST about seven, plus
// one per ruleset.
func (c *Client) Repo(ctx context.Context, ref forge.RepoRef, o forge.RepoOptions) (*snapshot.Repo, error) {
	c.mu.Lock()
	useGQL := !c.noGraphQL && !c.gqlBroken
	c.mu.Unlock()
	if useGQL {
		r, err := c.repoGraphQL(ctx, ref, o)
		if !errors.Is(err, errNoGraphQL) {
			return r, err
		}
		c.mu.Lock()
		c.gqlBroken = true
		c.mu.Unlock()
	}
	return c.repoREST(ctx, ref, o)
}

func (c *Client) repoREST(ctx context.Context, ref forge.RepoRef, o forge.RepoOptions) (*snapshot.Repo, error) {
	r, _, err := c.gh.Repositories.Get(ctx, ref.Owner, ref.Name)
	if err != nil {
		return nil, c.fatal("reading repository "+ref.FullName(), err)
	}
	repo := &snapshot.Repo{
		FullName:      r.GetFullName(),
		DefaultBranch: r.GetDefaultBranch(),
		Archived:      r.GetArchived(),
		Visibility:    strings.ToLower(r.GetVisibility()),
		IsTemplate:    snapshot.Fact[bool]{Read: true, Value: r.GetIsTemplate()},
		HasIssues:     snapshot.Fact[bool]{Read: true, Value: r.GetHasIssues()},
	}
	repo.TemplateRepository = snapshot.Fact[string]{Read: true, Value: r.GetTemplateRepository().GetFullName()}
	notOnGitHub(repo)
	owner, name, branch := ref.Owner, ref.Name, repo.DefaultBranch

	repo.Branch = c.branchREST(ctx, owner, name, branch)
	if o.Commits > 0 {
		repo.Commits = c.commitsREST(ctx, owner, name, branch, o.Commits)
		if cs := repo.Commits.Value; len(cs) > 0 {
			repo.HeadCommit = cs[0].SHA
		}
	}
	repo.DeployKeys = c.deployKeysREST(ctx, owner, name)
	repo.CodeOwnerErrors = c.codeownersREST(ctx, owner, name, branch)
	return repo, nil
}

// notOnGitHub fills the facts GitHub has no API for.
func notOnGitHub(repo *snapshot.Repo) {
	repo.CIConfigPath = unavailable[string](&snapshot.Unavailable{Kind: "unsupported",
		Reason: "GitHub has no ci_config_path: workflows live in .github/workflows"})
	repo.IssueTemplates = unavailable[[]string](&snapshot.Unavailable{Kind: "unsupported",
		Reason: "on GitHub, issue templates come from the repository's files and the organization's .github repository"})
	repo.OwnerKinds = unavailable[map[string]string](&snapshot.Unavailable{Kind: "unsupported",
		Reason: "GitHub CODEOWNERS owners are told apart by their syntax (@org/team is a team)"})
}

// branchREST reads classic protection and the rules for the branch.
func (c *Client) branchREST(ctx context.Context, owner, name, branch string) snapshot.Fact[snapshot.BranchRules] {
	br := snapshot.BranchRules{Branch: branch}
	br.Classic, br.ClassicUnavailable = c.classicREST(ctx, owner, name, branch)
	rulesets, err := c.rulesREST(ctx, owner, name, branch)
	if err != nil {
		return unavailable[snapshot.BranchRules](err)
	}
	br.Rulesets = rulesets
	return snapshot.Fact[snapshot.BranchRules]{Read: true, Value: br}
}

func (c *Client) classicREST(ctx context.Context, owner, name, branch string) (*snapshot.ClassicProtection, *snapshot.Unavailable) {
	p, _, err := c.gh.Repositories.GetBranchProtection(ctx, owner, name, branch)
	if errors.Is(err, gh.ErrBranchNotProtected) {
		return nil, nil
	}
	if err != nil {
		status, msg := statusOf(err)
		if status == http.StatusNotFound || (status == http.StatusForbidden && !isPlanMessage(msg)) {
			// Classic protection hides itself (404) from non-admins, but
			// the branch tells anyone who can read it whether anything
			// (classic protection or a ruleset) protects it: when
			// nothing does, there is no classic protection to hide.
			if b, _, err := c.gh.Repositories.GetBranch(ctx, owner, name, branch, 0); err == nil && b.Protected != nil && !*b.Protected {
				return nil, nil
			}
			return nil, &snapshot.Unavailable{Kind: "permission", Permission: permRepoAdm, Status: status,
				Reason: "classic branch protection is visible only to repository admins" + quoted(msg)}
		}
		return nil, c.why("reading classic branch protection", err, permRepoAdm, "")
	}
	cp := &snapshot.ClassicProtection{RequiredApprovals: -1}
	if rv := p.RequiredPullRequestReviews; rv != nil {
		cp.RequiredApprovals = rv.RequiredApprovingReviewCount
		cp.RequireCodeOwnerReviews = rv.RequireCodeOwnerReviews
	}
	cp.EnforceAdmins = p.EnforceAdmins != nil && p.EnforceAdmins.Enabled
	cp.AllowForcePushes = p.AllowForcePushes != nil && p.AllowForcePushes.Enabled
	cp.AllowDeletions = p.AllowDeletions != nil && p.AllowDeletions.Enabled
	if p.RequiredSignatures != nil {
		cp.RequiredSignatures = p.RequiredSignatures.GetEnabled()
	} else {
		// Some answers leave required_signatures out: ask for it.
		s, _, err := c.gh.Repositories.GetSignaturesProtectedBranch(ctx, owner, name, branch)
		if err != nil {
			return nil, c.why("reading required_signatures", err, permRepoAdm, "")
		}
		cp.RequiredSignatures = s.GetEnabled()
	}
	return cp, nil
}

// branchRule is one item of GET /repos/{o}/{r}/rules/branches/{branch}.
type branchRule struct {
	Type              string `json:"type"`
	RulesetSourceType string `json:"ruleset_source_type"`
	RulesetSource     string `json:"ruleset_source"`
	RulesetID         int64  `json:"ruleset_id"`
	Parameters        struct {
		RequiredApprovingReviewCount int  `json:"required_approving_review_count"`
		RequireCodeOwnerReview       bool `json:"require_code_owner_review"`
	} `json:"parameters"`
}

// rulesREST returns the active rulesets that apply to the branch, with
// their rules (from rules/branches) and their name, enforcement and bypass
// actors (from rulesets/{id}, once per organization ruleset per client).
func (c *Client) rulesREST(ctx context.Context, owner, name, branch string) ([]snapshot.Ruleset, *snapshot.Unavailable) {
	var items []branchRule
	for page := 1; page != 0; {
		req, err := c.gh.NewRequest("GET", "repos/"+owner+"/"+name+"/rules/branches/"+escapeRef(branch)+"?per_page=100&page="+strconv.Itoa(page), nil)
		if err != nil {
			return nil, &snapshot.Unavailable{Kind: "error", Reason: err.Error()}
		}
		var batch []branchRule
		res, err := c.gh.Do(ctx, req, &batch)
		if err != nil {
			if status, _ := statusOf(err); status == http.StatusNotFound {
				// An Enterprise Server without rulesets.
				return nil, nil
			}
			return nil, c.why("reading the rules for branch "+branch, err, "metadata:read", "")
		}
		items = append(items, batch...)
		page = res.NextPage
	}
	byID := map[int64]*snapshot.Ruleset{}
	var order []int64
	for _, it := range items {
		rs := byID[it.RulesetID]
		if rs == nil {
			rs = &snapshot.Ruleset{ID: it.RulesetID, Source: it.RulesetSourceType, Enforcement: "active"}
			byID[it.RulesetID] = rs
			order = append(order, it.RulesetID)
		}
		rule := snapshot.RulesetRule{Type: it.Type}
		if it.Type == "pull_request" {
			rule.RequiredApprovals = it.Parameters.RequiredApprovingReviewCount
			rule.RequireCodeOwnerReview = it.Parameters.RequireCodeOwnerReview
		}
		rs.Rules = append(rs.Rules, rule)
	}
	out := make([]snapshot.Ruleset, 0, len(order))
	for _, id := range order {
		rs := byID[id]
		if err := c.rulesetDetails(ctx, owner, name, rs); err != nil {
			return nil, err
		}
		out = append(out, *rs)
	}
	sortRulesets(out)
	return out, nil
}

// rulesetREST is the part of GET rulesets/{id} that matters.
type rulesetREST struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	SourceType   string `json:"source_type"`
	Enforcement  string `json:"enforcement"`
	BypassActors *[]struct {
		ActorID    *int64 `json:"actor_id"`
		ActorType  string `json:"actor_type"`
		BypassMode string `json:"bypass_mode"`
	} `json:"bypass_actors"`
}

// rulesetDetails fills name, enforcement and bypass actors.
func (c *Client) rulesetDetails(ctx context.Context, owner, name string, rs *snapshot.Ruleset) *snapshot.Unavailable {
	if rs.Source == "Organization" {
		c.mu.Lock()
		known := c.orgRulesets[rs.ID]
		c.mu.Unlock()
		if known != nil {
			rs.Name, rs.Enforcement, rs.BypassActors, rs.BypassActorsHidden = known.Name, known.Enforcement, known.BypassActors, known.BypassActorsHidden
			return nil
		}
	}
	req, err := c.gh.NewRequest("GET", "repos/"+owner+"/"+name+"/rulesets/"+strconv.FormatInt(rs.ID, 10)+"?includes_parents=true", nil)
	if err != nil {
		return &snapshot.Unavailable{Kind: "error", Reason: err.Error()}
	}
	var d rulesetREST
	if _, err := c.gh.Do(ctx, req, &d); err != nil {
		return c.why("reading ruleset "+strconv.FormatInt(rs.ID, 10), err, "metadata:read", "")
	}
	rs.Name = d.Name
	if d.Enforcement != "" {
		rs.Enforcement = d.Enforcement
	}
	if d.SourceType != "" {
		rs.Source = d.SourceType
	}
	if d.BypassActors == nil {
		// Shown only to those who can edit the ruleset.
		rs.BypassActorsHidden = true
	} else {
		rs.BypassActors = []snapshot.BypassActor{}
		for _, a := range *d.BypassActors {
			ba := snapshot.BypassActor{Type: a.ActorType, Mode: a.BypassMode}
			if a.ActorID != nil {
				ba.ID = *a.ActorID
			}
			rs.BypassActors = append(rs.BypassActors, ba)
		}
	}
	if rs.Source == "Organization" {
		cp := *rs
		c.mu.Lock()
		c.orgRulesets[rs.ID] = &cp
		c.mu.Unlock()
	}
	return nil
}

func sortRulesets(rs []snapshot.Ruleset) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Source != rs[j].Source {
			return rs[i].Source < rs[j].Source
		}
		return rs[i].ID < rs[j].ID
	})
}

// escapeRef escapes a branch name for a path, keeping its slashes.
func escapeRef(branch string) string {
	parts := strings.Split(branch, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func (c *Client) commitsREST(ctx context.Context, owner, name, branch string, n int) snapshot.Fact[[]snapshot.Commit] {
	out := []snapshot.Commit{}
	opts := &gh.CommitsListOptions{SHA: branch, ListOptions: gh.ListOptions{PerPage: min(n, 100)}}
	for len(out) < n {
		cs, res, err := c.gh.Repositories.ListCommits(ctx, owner, name, opts)
		if err != nil {
			if status, _ := statusOf(err); status == http.StatusConflict {
				// 409 "Git Repository is empty."
				return snapshot.Fact[[]snapshot.Commit]{Read: true, Value: out}
			}
			return unavailable[[]snapshot.Commit](c.why("listing the commits of "+branch, err, "contents:read", ""))
		}
		for _, rc := range cs {
			if len(out) == n {
				break
			}
			cm := snapshot.Commit{SHA: rc.GetSHA()}
			if d := rc.GetCommit().GetCommitter().GetDate(); !d.IsZero() {
				cm.Date = d.UTC()
			}
			v := rc.GetCommit().GetVerification()
			cm.Verified, cm.Reason = v.GetVerified(), v.GetReason()
			out = append(out, cm)
		}
		if res.NextPage == 0 {
			break
		}
		opts.Page = res.NextPage
	}
	return snapshot.Fact[[]snapshot.Commit]{Read: true, Value: out}
}

func (c *Client) deployKeysREST(ctx context.Context, owner, name string) snapshot.Fact[[]snapshot.DeployKey] {
	out := []snapshot.DeployKey{}
	opts := &gh.ListOptions{PerPage: 100}
	for {
		keys, res, err := c.gh.Repositories.ListKeys(ctx, owner, name, opts)
		if err != nil {
			status, msg := statusOf(err)
			if status == http.StatusNotFound || status == http.StatusForbidden {
				return unavailable[[]snapshot.DeployKey](&snapshot.Unavailable{Kind: "permission", Permission: permRepoAdm, Status: status,
					Reason: "deploy keys are visible only to repository admins" + quoted(msg)})
			}
			return unavailable[[]snapshot.DeployKey](c.why("listing deploy keys", err, permRepoAdm, ""))
		}
		for _, k := range keys {
			out = append(out, snapshot.DeployKey{ID: k.GetID(), Title: k.GetTitle(), ReadOnly: k.GetReadOnly()})
		}
		if res.NextPage == 0 {
			break
		}
		opts.Page = res.NextPage
	}
	sortKeys(out)
	return snapshot.Fact[[]snapshot.DeployKey]{Read: true, Value: out}
}

func sortKeys(ks []snapshot.DeployKey) {
	sort.SliceStable(ks, func(i, j int) bool {
		if ks[i].Title != ks[j].Title {
			return ks[i].Title < ks[j].Title
		}
		return ks[i].ID < ks[j].ID
	})
}

var noCodeowners = &snapshot.Unavailable{Kind: "not-found", Status: http.StatusNotFound, Reason: "the default branch has no CODEOWNERS file GitHub uses"}

func (c *Client) codeownersREST(ctx context.Context, owner, name, branch string) snapshot.Fact[[]snapshot.CodeOwnerError] {
	ce, _, err := c.gh.Repositories.GetCodeownersErrors(ctx, owner, name, &gh.GetCodeownersErrorsOptions{Ref: branch})
	if err != nil {
		if status, _ := statusOf(err); status == http.StatusNotFound {
			u := *noCodeowners
			return unavailable[[]snapshot.CodeOwnerError](&u)
		}
		return unavailable[[]snapshot.CodeOwnerError](c.why("reading CODEOWNERS errors", err, "contents:read", ""))
	}
	out := []snapshot.CodeOwnerError{}
	for _, e := range ce.Errors {
		out = append(out, codeOwnerError(e.Line, e.Column, e.Kind, e.Source, e.Message, e.GetSuggestion()))
	}
	return snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: out}
}

// codeOwnerError maps GitHub's error: source is the whole CODEOWNERS
// line and column points at the culprit, which is the owner for owner
// errors.
func codeOwnerError(line, column int, kind, source, message, suggestion string) snapshot.CodeOwnerError {
	e := snapshot.CodeOwnerError{Line: line}
	if strings.Contains(strings.ToLower(kind), "owner") && column >= 1 && column <= len(source) {
		tok, _, _ := strings.Cut(source[column-1:], " ")
		e.Owner = strings.TrimSpace(tok)
	}
	msg := strings.TrimSuffix(firstLine(message), ":")
	if msg == "" {
		msg = kind
	}
	if suggestion != "" && !strings.Contains(msg, suggestion) {
		msg += ": " + suggestion
	}
	e.Message = msg
	return e
}
