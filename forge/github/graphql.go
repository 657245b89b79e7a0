package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// errNoGraphQL says the server's GraphQL schema cannot answer the query
// (an older GitHub Enterprise Server): read over REST instead.
var errNoGraphQL = errors.New("github: the GraphQL schema lacks fields ssdf needs")

// repoQuery is the one request that reads a repository's settings.
// Ref.rules lists the rules of every active ruleset, repository and
// organization, that applies to the default branch.
const repoQuery = `query ssdfRepo($owner: String!, $name: String!, $commits: Int!, $withCommits: Boolean!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    isArchived
    visibility
    isTemplate
    hasIssuesEnabled
    viewerCanAdminister
    templateRepository { nameWithOwner }
    codeowners { errors { line column kind source message suggestion } }
    deployKeys(first: 100) { totalCount nodes { title readOnly } }
    defaultBranchRef {
      name
      target {
        ... on Commit {
          oid
          history(first: $commits) @include(if: $withCommits) {
            nodes { oid committedDate signature { isValid state } }
          }
        }
      }
      branchProtectionRule {
        requiresApprovingReviews
        requiredApprovingReviewCount
        requiresCodeOwnerReviews
        isAdminEnforced
        requiresCommitSignatures
        allowsForcePushes
        allowsDeletions
      }
      rules(first: 100) {
        pageInfo { hasNextPage }
        nodes {
          type
          parameters {
            ... on PullRequestParameters { requiredApprovingReviewCount requireCodeOwnerReview }
          }
          repositoryRuleset {
            databaseId
            name
            enforcement
            source {
              __typename
              ... on Organization { login }
              ... on Repository { nameWithOwner }
              ... on Enterprise { slug }
            }
            bypassActors(first: 100) {
              totalCount
              nodes {
                actor {
                  __typename
                  ... on App { databaseId name }
                  ... on Team { databaseId slug }
                }
                bypassMode
                deployKey
                enterpriseOwner
                organizationAdmin
                repositoryRoleDatabaseId
                repositoryRoleName
              }
            }
          }
        }
      }
    }
  }
}`

type gqlError struct {
	Type       string         `json:"type"`
	Path       []any          `json:"path"`
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlRepoAnswer struct {
	Data *struct {
		Repository *gqlRepository `json:"repository"`
	} `json:"data"`
	Errors []gqlError `json:"errors"`
}

type gqlRepository struct {
	NameWithOwner       string `json:"nameWithOwner"`
	IsArchived          bool   `json:"isArchived"`
	Visibility          string `json:"visibility"`
	IsTemplate          bool   `json:"isTemplate"`
	HasIssuesEnabled    bool   `json:"hasIssuesEnabled"`
	ViewerCanAdminister bool   `json:"viewerCanAdminister"`
	TemplateRepository  *struct {
		NameWithOwner string `json:"nameWithOwner"`
	} `json:"templateRepository"`
	Codeowners *struct {
		Errors []struct {
			Line       int    `json:"line"`
			Column     int    `json:"column"`
			Kind       string `json:"kind"`
			Source     string `json:"source"`
			Message    string `json:"message"`
			Suggestion string `json:"suggestion"`
		} `json:"errors"`
	} `json:"codeowners"`
	DeployKeys *struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Title    string `json:"title"`
			ReadOnly bool   `json:"readOnly"`
		} `json:"nodes"`
	} `json:"deployKeys"`
	DefaultBranchRef *struct {
		Name   string `json:"name"`
		Target *struct {
			OID     string `json:"oid"`
			History *struct {
				Nodes []struct {
					OID           string    `json:"oid"`
					CommittedDate time.Time `json:"committedDate"`
					Signature     *struct {
						IsValid bool   `json:"isValid"`
						State   string `json:"state"`
					} `json:"signature"`
				} `json:"nodes"`
			} `json:"history"`
		} `json:"target"`
		BranchProtectionRule *struct {
			RequiresApprovingReviews     bool `json:"requiresApprovingReviews"`
			RequiredApprovingReviewCount *int `json:"requiredApprovingReviewCount"`
			RequiresCodeOwnerReviews     bool `json:"requiresCodeOwnerReviews"`
			IsAdminEnforced              bool `json:"isAdminEnforced"`
			RequiresCommitSignatures     bool `json:"requiresCommitSignatures"`
			AllowsForcePushes            bool `json:"allowsForcePushes"`
			AllowsDeletions              bool `json:"allowsDeletions"`
		} `json:"branchProtectionRule"`
		Rules *struct {
			PageInfo struct {
				HasNextPage bool `json:"hasNextPage"`
			} `json:"pageInfo"`
			Nodes []gqlRule `json:"nodes"`
		} `json:"rules"`
	} `json:"defaultBranchRef"`
}

type gqlRule struct {
	Type       string `json:"type"`
	Parameters *struct {
		RequiredApprovingReviewCount int  `json:"requiredApprovingReviewCount"`
		RequireCodeOwnerReview       bool `json:"requireCodeOwnerReview"`
	} `json:"parameters"`
	RepositoryRuleset *struct {
		DatabaseID  int64  `json:"databaseId"`
		Name        string `json:"name"`
		Enforcement string `json:"enforcement"`
		Source      *struct {
			Typename string `json:"__typename"`
		} `json:"source"`
		BypassActors *struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				Actor *struct {
					Typename   string `json:"__typename"`
					DatabaseID int64  `json:"databaseId"`
					Name       string `json:"name"`
					Slug       string `json:"slug"`
				} `json:"actor"`
				BypassMode               string `json:"bypassMode"`
				DeployKey                bool   `json:"deployKey"`
				EnterpriseOwner          bool   `json:"enterpriseOwner"`
				OrganizationAdmin        bool   `json:"organizationAdmin"`
				RepositoryRoleDatabaseID *int64 `json:"repositoryRoleDatabaseId"`
				RepositoryRoleName       string `json:"repositoryRoleName"`
			} `json:"nodes"`
		} `json:"bypassActors"`
	} `json:"repositoryRuleset"`
}

// postGraphQL sends a query through the transport and decodes the answer.
func (c *Client) postGraphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.graphqlURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ssdf")
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		var m struct {
			Message string `json:"message"`
		}
		json.Unmarshal(b, &m)
		return &httpError{status: res.StatusCode, message: m.Message}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decoding the GraphQL answer: %w", err)
	}
	return nil
}

// repoGraphQL reads the repository in one request, or three when the
// token is not a repository admin (classic protection and deploy keys are
// then asked over REST, which tells "none" from "hidden").
func (c *Client) repoGraphQL(ctx context.Context, ref forge.RepoRef, o forge.RepoOptions) (*snapshot.Repo, error) {
	n := o.Commits
	withCommits := n > 0 && n <= 100
	vars := map[string]any{"owner": ref.Owner, "name": ref.Name, "commits": max(min(n, 100), 1), "withCommits": withCommits}
	var ans gqlRepoAnswer
	var err error
	for try := 0; try < 2; try++ {
		ans = gqlRepoAnswer{}
		err = c.postGraphQL(ctx, repoQuery, vars, &ans)
		if err != nil || !hasType(ans.Errors, "RATE_LIMITED") {
			break
		}
		// The transport saw X-RateLimit-Remaining: 0 and holds the next
		// request until the reset (or refuses it if that is too far).
	}
	if err != nil {
		return nil, c.fatal("reading repository "+ref.FullName(), err)
	}
	if hasType(ans.Errors, "RATE_LIMITED") {
		return nil, &Error{Op: "reading repository " + ref.FullName(), msg: "github: reading repository " + ref.FullName() + ": GitHub GraphQL rate limit" + quoted(ans.Errors[0].Message)}
	}
	if ans.Data == nil || ans.Data.Repository == nil {
		for _, e := range ans.Errors {
			if e.Type == "NOT_FOUND" {
				return nil, &Error{Op: "reading repository " + ref.FullName(), Status: http.StatusNotFound,
					msg: "github: repository " + ref.FullName() + " not found, or the token cannot see it" + quoted(e.Message)}
			}
		}
		if schemaError(ans.Errors) {
			return nil, errNoGraphQL
		}
		msg := "no data"
		if len(ans.Errors) > 0 {
			msg = firstLine(c.tr.Scrub(ans.Errors[0].Message))
		}
		return nil, &Error{Op: "reading repository " + ref.FullName(), msg: "github: reading repository " + ref.FullName() + " over GraphQL: " + msg}
	}
	g := ans.Data.Repository
	repo := &snapshot.Repo{
		FullName:   g.NameWithOwner,
		Archived:   g.IsArchived,
		Visibility: strings.ToLower(g.Visibility),
		IsTemplate: snapshot.Fact[bool]{Read: true, Value: g.IsTemplate},
		HasIssues:  snapshot.Fact[bool]{Read: true, Value: g.HasIssuesEnabled},
	}
	repo.TemplateRepository = snapshot.Fact[string]{Read: true}
	if g.TemplateRepository != nil {
		repo.TemplateRepository.Value = g.TemplateRepository.NameWithOwner
	}
	notOnGitHub(repo)
	failed := func(field string) *gqlError { return fieldError(ans.Errors, field) }

	// CODEOWNERS errors: null means GitHub found no CODEOWNERS file.
	switch {
	case failed("codeowners") != nil:
		repo.CodeOwnerErrors = unavailable[[]snapshot.CodeOwnerError](c.gqlWhy("reading CODEOWNERS errors", failed("codeowners"), "contents:read"))
	case g.Codeowners == nil:
		u := *noCodeowners
		repo.CodeOwnerErrors = unavailable[[]snapshot.CodeOwnerError](&u)
	default:
		out := []snapshot.CodeOwnerError{}
		for _, e := range g.Codeowners.Errors {
			out = append(out, codeOwnerError(e.Line, e.Column, e.Kind, e.Source, e.Message, e.Suggestion))
		}
		repo.CodeOwnerErrors = snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: out}
	}

	// Deploy keys: only admins see them. An empty list for a token that
	// is not an admin (an App's installation token is never the "viewer"
	// admin) means nothing: REST tells "none" from "hidden".
	switch {
	case failed("deployKeys") != nil:
		repo.DeployKeys = unavailable[[]snapshot.DeployKey](c.gqlWhy("listing deploy keys", failed("deployKeys"), permRepoAdm))
	case g.DeployKeys == nil || (!g.ViewerCanAdminister && len(g.DeployKeys.Nodes) == 0):
		repo.DeployKeys = c.deployKeysREST(ctx, ref.Owner, ref.Name)
	case g.DeployKeys.TotalCount > len(g.DeployKeys.Nodes):
		repo.DeployKeys = c.deployKeysREST(ctx, ref.Owner, ref.Name)
	default:
		keys := []snapshot.DeployKey{}
		for _, k := range g.DeployKeys.Nodes {
			keys = append(keys, snapshot.DeployKey{Title: k.Title, ReadOnly: k.ReadOnly})
		}
		sortKeys(keys)
		repo.DeployKeys = snapshot.Fact[[]snapshot.DeployKey]{Read: true, Value: keys}
	}

	dbr := g.DefaultBranchRef
	if dbr == nil {
		// An empty repository: no branch, nothing protected, no commits.
		empty := &snapshot.Unavailable{Kind: "not-found", Reason: "the repository is empty: it has no default branch"}
		repo.Branch = unavailable[snapshot.BranchRules](empty)
		if n > 0 {
			repo.Commits = snapshot.Fact[[]snapshot.Commit]{Read: true, Value: []snapshot.Commit{}}
		}
		return repo, nil
	}
	repo.DefaultBranch = dbr.Name
	if dbr.Target != nil {
		repo.HeadCommit = dbr.Target.OID
	}

	// Commits with their signature verification.
	switch {
	case n <= 0:
	case n > 100:
		repo.Commits = c.commitsREST(ctx, ref.Owner, ref.Name, dbr.Name, n)
	case failed("history") != nil || failed("target") != nil:
		e := failed("history")
		if e == nil {
			e = failed("target")
		}
		repo.Commits = unavailable[[]snapshot.Commit](c.gqlWhy("listing the commits of "+dbr.Name, e, "contents:read"))
	default:
		cs := []snapshot.Commit{}
		if dbr.Target != nil && dbr.Target.History != nil {
			for _, h := range dbr.Target.History.Nodes {
				cm := snapshot.Commit{SHA: h.OID, Date: h.CommittedDate.UTC(), Reason: "unsigned"}
				if h.Signature != nil {
					cm.Reason = strings.ToLower(h.Signature.State)
					cm.Verified = h.Signature.IsValid && h.Signature.State == "VALID"
				}
				cs = append(cs, cm)
			}
		}
		repo.Commits = snapshot.Fact[[]snapshot.Commit]{Read: true, Value: cs}
	}

	// Branch protection: classic and rulesets.
	br := snapshot.BranchRules{Branch: dbr.Name}
	switch bp := dbr.BranchProtectionRule; {
	case failed("branchProtectionRule") != nil:
		br.ClassicUnavailable = c.gqlWhy("reading classic branch protection", failed("branchProtectionRule"), permRepoAdm)
	case bp != nil:
		cp := &snapshot.ClassicProtection{
			RequiredApprovals:       -1,
			RequireCodeOwnerReviews: bp.RequiresCodeOwnerReviews,
			EnforceAdmins:           bp.IsAdminEnforced,
			RequiredSignatures:      bp.RequiresCommitSignatures,
			AllowForcePushes:        bp.AllowsForcePushes,
			AllowDeletions:          bp.AllowsDeletions,
		}
		if bp.RequiresApprovingReviews {
			cp.RequiredApprovals = 0
			if bp.RequiredApprovingReviewCount != nil {
				cp.RequiredApprovals = *bp.RequiredApprovingReviewCount
			}
		}
		br.Classic = cp
	case !g.ViewerCanAdminister:
		// null is also what a non-admin sees of a protected branch: REST
		// answers "Branch not protected" to those who may know, 404 to
		// the others.
		br.Classic, br.ClassicUnavailable = c.classicREST(ctx, ref.Owner, ref.Name, dbr.Name)
	}
	switch {
	case failed("rules") != nil:
		repo.Branch = unavailable[snapshot.BranchRules](c.gqlWhy("reading the rules for branch "+dbr.Name, failed("rules"), "metadata:read"))
		return repo, nil
	case dbr.Rules == nil || dbr.Rules.PageInfo.HasNextPage:
		rs, u := c.rulesREST(ctx, ref.Owner, ref.Name, dbr.Name)
		if u != nil {
			repo.Branch = unavailable[snapshot.BranchRules](u)
			return repo, nil
		}
		br.Rulesets = rs
	default:
		rs, u := c.gqlRulesets(ctx, ref, dbr.Rules.Nodes, ans.Errors)
		if u != nil {
			repo.Branch = unavailable[snapshot.BranchRules](u)
			return repo, nil
		}
		br.Rulesets = rs
	}
	repo.Branch = snapshot.Fact[snapshot.BranchRules]{Read: true, Value: br}
	return repo, nil
}

// gqlRulesets groups the branch's rules by ruleset.
func (c *Client) gqlRulesets(ctx context.Context, ref forge.RepoRef, nodes []gqlRule, errs []gqlError) ([]snapshot.Ruleset, *snapshot.Unavailable) {
	byID := map[int64]*snapshot.Ruleset{}
	var order []int64
	hidden := map[int]bool{} // rule node index whose bypass actors errored
	for _, e := range errs {
		if i, ok := ruleIndex(e.Path); ok && pathHas(e.Path, "bypassActors") {
			hidden[i] = true
		}
	}
	for i, nd := range nodes {
		if nd.RepositoryRuleset == nil {
			continue
		}
		d := nd.RepositoryRuleset
		rs := byID[d.DatabaseID]
		if rs == nil {
			rs = &snapshot.Ruleset{ID: d.DatabaseID, Name: d.Name, Enforcement: strings.ToLower(d.Enforcement)}
			if d.Source != nil {
				rs.Source = d.Source.Typename
			}
			switch {
			case d.BypassActors == nil || hidden[i]:
				rs.BypassActorsHidden = true
			case d.BypassActors.TotalCount > len(d.BypassActors.Nodes):
				if u := c.rulesetDetails(ctx, ref.Owner, ref.Name, rs); u != nil {
					return nil, u
				}
			default:
				rs.BypassActors = []snapshot.BypassActor{}
				for _, a := range d.BypassActors.Nodes {
					rs.BypassActors = append(rs.BypassActors, bypassActor(a.OrganizationAdmin, a.EnterpriseOwner, a.DeployKey,
						a.RepositoryRoleName, a.RepositoryRoleDatabaseID, a.Actor, a.BypassMode))
				}
			}
			byID[d.DatabaseID] = rs
			order = append(order, d.DatabaseID)
		}
		rule := snapshot.RulesetRule{Type: strings.ToLower(nd.Type)}
		if rule.Type == "pull_request" && nd.Parameters != nil {
			rule.RequiredApprovals = nd.Parameters.RequiredApprovingReviewCount
			rule.RequireCodeOwnerReview = nd.Parameters.RequireCodeOwnerReview
		}
		rs.Rules = append(rs.Rules, rule)
	}
	out := make([]snapshot.Ruleset, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sortRulesets(out)
	return out, nil
}

// bypassActor maps a GraphQL bypass actor onto the REST vocabulary
// (actor_type OrganizationAdmin, RepositoryRole, Team, Integration,
// DeployKey, EnterpriseOwner; mode always or pull_request).
func bypassActor(orgAdmin, entOwner, deployKey bool, role string, roleID *int64, actor *struct {
	Typename   string `json:"__typename"`
	DatabaseID int64  `json:"databaseId"`
	Name       string `json:"name"`
	Slug       string `json:"slug"`
}, mode string) snapshot.BypassActor {
	a := snapshot.BypassActor{Mode: strings.ToLower(mode)}
	switch {
	case orgAdmin:
		a.Type, a.ID = "OrganizationAdmin", 1
	case entOwner:
		a.Type = "EnterpriseOwner"
	case deployKey:
		a.Type = "DeployKey"
	case role != "" || roleID != nil:
		a.Type, a.Name = "RepositoryRole", role
		if roleID != nil {
			a.ID = *roleID
		}
	case actor != nil && actor.Typename == "Team":
		a.Type, a.ID, a.Name = "Team", actor.DatabaseID, actor.Slug
	case actor != nil && actor.Typename == "App":
		a.Type, a.ID, a.Name = "Integration", actor.DatabaseID, actor.Name
	default:
		a.Type = "Unknown"
	}
	return a
}

func hasType(errs []gqlError, t string) bool {
	for _, e := range errs {
		if e.Type == t {
			return true
		}
	}
	return false
}

// schemaError recognises a query that failed validation.
func schemaError(errs []gqlError) bool {
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if code == "undefinedField" || code == "argumentLiteralsIncompatible" || code == "undefinedType" ||
			strings.Contains(e.Message, "doesn't exist on type") {
			return true
		}
	}
	return false
}

func pathHas(path []any, field string) bool {
	for _, p := range path {
		if s, ok := p.(string); ok && s == field {
			return true
		}
	}
	return false
}

// ruleIndex returns i of a path repository.defaultBranchRef.rules.nodes[i]...
func ruleIndex(path []any) (int, bool) {
	for k := 0; k+2 < len(path); k++ {
		if s, _ := path[k].(string); s == "rules" {
			if s2, _ := path[k+1].(string); s2 == "nodes" {
				if f, ok := path[k+2].(float64); ok {
					return int(f), true
				}
			}
		}
	}
	return 0, false
}

// fieldError returns the error whose path ends at (or passes through)
// field and is not about a rule's bypass actors.
func fieldError(errs []gqlError, field string) *gqlError {
	for i, e := range errs {
		if field != "bypassActors" && pathHas(e.Path, "bypassActors") {
			continue
		}
		if pathHas(e.Path, field) {
			return &errs[i]
		}
	}
	return nil
}

// gqlWhy maps a GraphQL field error.
func (c *Client) gqlWhy(what string, e *gqlError, permission string) *snapshot.Unavailable {
	msg := firstLine(c.tr.Scrub(e.Message))
	switch e.Type {
	case "FORBIDDEN", "INSUFFICIENT_SCOPES":
		return &snapshot.Unavailable{Kind: "permission", Permission: permission, Reason: what + " needs " + permission + quoted(msg)}
	case "NOT_FOUND":
		return &snapshot.Unavailable{Kind: "not-found", Reason: what + ": not found" + quoted(msg)}
	}
	if isPlanMessage(msg) {
		return &snapshot.Unavailable{Kind: "plan", Reason: what + ": the plan lacks the feature" + quoted(msg)}
	}
	return &snapshot.Unavailable{Kind: "error", Reason: what + ": GraphQL error" + quoted(msg)}
}
