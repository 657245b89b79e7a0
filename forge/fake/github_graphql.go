package fake

import (
	"net/http"
	"strings"
	"time"
)

// The fake GraphQL endpoint does not execute GraphQL: it recognises the
// operations ssdf sends by name and answers them from the scenario, with
// every field those queries select (extra fields would be harmless).
// An operation it does not know is logged as unknown (failing the test)
// and answered with a GraphQL error.

// WithoutRefRules makes the GraphQL schema lack Ref.rules, as on GitHub
// Enterprise Server releases older than repository rulesets: the query
// fails validation and a client must fall back to REST.
func WithoutRefRules() GitHubOption { return func(g *GitHubServer) { g.noRefRules = true } }

type gqlError struct {
	Type       string         `json:"type,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (g *GitHubServer) graphql(w http.ResponseWriter, r *http.Request) {
	req, err := ParseGraphQL(Body(r))
	if err != nil {
		WriteJSON(w, r, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	switch req.Operation {
	case "ssdfRepo":
		g.gqlRepo(w, r, req)
	default:
		MarkUnknown(r)
		WriteJSON(w, r, http.StatusOK, map[string]any{"errors": []gqlError{{Message: "fake GitHub: unknown operation " + req.Operation}}})
	}
}

func gqlString(v map[string]any, k string) string { s, _ := v[k].(string); return s }

func gqlInt(v map[string]any, k string) int {
	switch n := v[k].(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

func (g *GitHubServer) gqlRepo(w http.ResponseWriter, r *http.Request, req GraphQLRequest) {
	if g.noRefRules && strings.Contains(req.Query, "rules(") {
		WriteJSON(w, r, http.StatusOK, map[string]any{"errors": []gqlError{{
			Path:       []any{"query ssdfRepo", "repository", "defaultBranchRef", "rules"},
			Message:    "Field 'rules' doesn't exist on type 'Ref'",
			Extensions: map[string]any{"code": "undefinedField", "typeName": "Ref", "fieldName": "rules"},
		}}})
		return
	}
	owner, name := gqlString(req.Variables, "owner"), gqlString(req.Variables, "name")
	org := g.Scenario()
	var repo *GitHubRepo
	if org != nil && strings.EqualFold(org.Login, owner) {
		repo = org.repo(name)
	}
	if repo == nil {
		WriteJSON(w, r, http.StatusOK, map[string]any{
			"data":   map[string]any{"repository": nil},
			"errors": []gqlError{{Type: "NOT_FOUND", Path: []any{"repository"}, Message: "Could not resolve to a Repository with the name '" + owner + "/" + name + "'."}},
		})
		return
	}
	withCommits, _ := req.Variables["withCommits"].(bool)
	WriteJSON(w, r, http.StatusOK, map[string]any{"data": map[string]any{"repository": g.gqlRepository(org, repo, withCommits, gqlInt(req.Variables, "commits"))}})
}

func (g *GitHubServer) gqlRepository(org *GitHubOrg, repo *GitHubRepo, withCommits bool, n int) map[string]any {
	out := map[string]any{
		"nameWithOwner":       org.Login + "/" + repo.Name,
		"isArchived":          repo.Archived,
		"visibility":          map[bool]string{true: "PRIVATE", false: "PUBLIC"}[repo.Private],
		"isTemplate":          repo.IsTemplate,
		"hasIssuesEnabled":    !repo.NoIssues,
		"viewerCanAdminister": !repo.NotAdmin,
		"templateRepository":  nil,
		"codeowners":          nil,
	}
	if repo.TemplateRepository != "" {
		out["templateRepository"] = map[string]any{"nameWithOwner": repo.TemplateRepository}
	}
	if repo.CodeOwners {
		errs := []any{}
		for _, e := range repo.CodeOwnerErrors {
			errs = append(errs, codeownersError(e))
		}
		out["codeowners"] = map[string]any{"errors": errs}
	}
	keys := []any{}
	if !repo.NotAdmin {
		for _, k := range repo.DeployKeys {
			keys = append(keys, map[string]any{"id": "DK_" + k.Title, "title": k.Title, "readOnly": k.ReadOnly})
		}
	}
	out["deployKeys"] = map[string]any{"totalCount": len(keys), "nodes": keys}

	target := map[string]any{"__typename": "Commit", "oid": repo.HeadSHA()}
	if withCommits {
		nodes := []any{}
		for i, c := range repo.commits() {
			if i >= n {
				break
			}
			var sig any
			if c.Reason != "unsigned" {
				sig = map[string]any{"isValid": c.Verified, "state": strings.ToUpper(c.Reason)}
			}
			nodes = append(nodes, map[string]any{"oid": c.SHA, "committedDate": c.Date.UTC().Format(time.RFC3339), "signature": sig})
		}
		target["history"] = map[string]any{"nodes": nodes}
	}
	ref := map[string]any{"name": repo.Branch(), "target": target, "branchProtectionRule": nil}
	if c := repo.Classic; c != nil && !repo.NotAdmin && !repo.FreePrivate {
		ref["branchProtectionRule"] = map[string]any{
			"pattern":                      repo.Branch(),
			"requiresApprovingReviews":     c.RequiredApprovals >= 0,
			"requiredApprovingReviewCount": max(c.RequiredApprovals, 0),
			"requiresCodeOwnerReviews":     c.RequireCodeOwnerReviews,
			"isAdminEnforced":              c.EnforceAdmins,
			"requiresCommitSignatures":     c.RequiredSignatures,
			"allowsForcePushes":            c.AllowForcePushes,
			"allowsDeletions":              c.AllowDeletions,
		}
	}
	rules := []any{}
	for _, rs := range org.rulesetsFor(repo) {
		if rs.enforcement() != "active" || !rs.refMatches(repo, repo.Branch()) {
			continue
		}
		for _, rule := range rs.Rules {
			node := map[string]any{"type": strings.ToUpper(rule.Type), "parameters": nil, "repositoryRuleset": g.gqlRuleset(org, repo, rs)}
			if rule.Type == "pull_request" {
				node["parameters"] = map[string]any{
					"__typename":                   "PullRequestParameters",
					"requiredApprovingReviewCount": rule.RequiredApprovals,
					"requireCodeOwnerReview":       rule.RequireCodeOwnerReview,
				}
			}
			rules = append(rules, node)
		}
	}
	ref["rules"] = map[string]any{"pageInfo": map[string]any{"hasNextPage": false}, "nodes": rules}
	out["defaultBranchRef"] = ref
	return out
}

func (g *GitHubServer) gqlRuleset(org *GitHubOrg, repo *GitHubRepo, rs appliedRuleset) map[string]any {
	src := map[string]any{"__typename": rs.source}
	if rs.source == "Organization" {
		src["login"] = org.Login
	} else {
		src["nameWithOwner"] = org.Login + "/" + repo.Name
	}
	out := map[string]any{
		"databaseId":   rs.ID,
		"name":         rs.Name,
		"enforcement":  strings.ToUpper(rs.enforcement()),
		"source":       src,
		"bypassActors": nil,
	}
	if !rs.HideBypass {
		nodes := []any{}
		for _, a := range rs.Bypass {
			n := map[string]any{
				"actor": nil, "bypassMode": strings.ToUpper(a.Mode), "deployKey": a.Type == "DeployKey",
				"enterpriseOwner": a.Type == "EnterpriseOwner", "organizationAdmin": a.Type == "OrganizationAdmin",
				"repositoryRoleDatabaseId": nil, "repositoryRoleName": nil,
			}
			switch a.Type {
			case "RepositoryRole":
				n["repositoryRoleDatabaseId"] = a.ID
				n["repositoryRoleName"] = a.Name
			case "Team":
				n["actor"] = map[string]any{"__typename": "Team", "databaseId": a.ID, "slug": a.Name}
			case "Integration":
				n["actor"] = map[string]any{"__typename": "App", "databaseId": a.ID, "name": a.Name}
			}
			nodes = append(nodes, n)
		}
		out["bypassActors"] = map[string]any{"totalCount": len(nodes), "nodes": nodes}
	}
	return out
}
