package tracker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// GitLabOptions configure a GitLab issues tracker.
type GitLabOptions struct {
	// APIURL is the API v4 base: "" for https://gitlab.com/api/v4.
	APIURL string
	// Project is the project's full path ("group/sub/name") or numeric ID.
	Project string
	// Token is sent in the PRIVATE-TOKEN header; never in errors.
	Token      string
	HTTPClient *http.Client
	// Label and ApprovedLabel as for GitHub ("ssdf", "approved").
	Label, ApprovedLabel string
}

// GitLab is a project's issues over the REST API v4
// (docs.gitlab.com/api/issues). Find lists labels=ssdf (every state),
// following X-Next-Page (or the Link header); Close and Reopen send
// state_event after a note with the comment.
type GitLab struct {
	api           restAPI
	project       string // as given
	label         string
	approvedLabel string
}

// NewGitLab returns the tracker for o.Project.
func NewGitLab(o GitLabOptions) (*GitLab, error) {
	p := strings.Trim(o.Project, "/")
	if p == "" {
		return nil, fmt.Errorf("gitlab tracker: no project (want group/name or a project ID)")
	}
	base := strings.TrimSuffix(o.APIURL, "/")
	if base == "" {
		base = "https://gitlab.com/api/v4"
	}
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("gitlab tracker: url: %v", err)
	}
	g := &GitLab{project: p, label: o.Label, approvedLabel: o.ApprovedLabel}
	if g.label == "" {
		g.label = DefaultLabel
	}
	if g.approvedLabel == "" {
		g.approvedLabel = DefaultApprovedLabel
	}
	g.api = newRESTAPI("gitlab", base, o.Token, o.HTTPClient, func(h http.Header, tok string) {
		h.Set("Accept", "application/json")
		if tok != "" {
			h.Set("PRIVATE-TOKEN", tok)
		}
	})
	return g, nil
}

// Kind implements Tracker.
func (g *GitLab) Kind() string { return "gitlab" }

type glIssue struct {
	IID         int      `json:"iid"`
	WebURL      string   `json:"web_url"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	State       string   `json:"state"`
	Labels      []string `json:"labels"`
}

func (g *GitLab) ticket(is glIssue) *Ticket {
	t := &Ticket{ID: strconv.Itoa(is.IID), URL: is.WebURL, Title: is.Title, Open: is.State == "opened", Status: is.State}
	for _, l := range is.Labels {
		if strings.EqualFold(l, g.approvedLabel) {
			t.Approved = true
		}
	}
	t.Body, t.Fingerprint = splitMarker(is.Description)
	return t
}

func (g *GitLab) issuesURL(project string) string {
	return g.api.base + "/projects/" + url.PathEscape(project) + "/issues"
}

// Find implements Tracker.
func (g *GitLab) Find(ctx context.Context, fp string) (*Ticket, error) {
	q := url.Values{"labels": {g.label}, "scope": {"all"}, "per_page": {"100"}}
	for page, pages := "1", 0; page != "" && pages < 1000; pages++ {
		q.Set("page", page)
		var list []glIssue
		h, err := g.api.do(ctx, http.MethodGet, g.issuesURL(g.project)+"?"+q.Encode(), nil, &list)
		if err != nil {
			return nil, err
		}
		for _, is := range list {
			if t := g.ticket(is); t.Fingerprint == fp {
				return t, nil
			}
		}
		page = strings.TrimSpace(h.Get("X-Next-Page"))
		if page == "" {
			// Keyset-paginated or large lists may omit X-Next-Page: the
			// Link header then carries the next page.
			if next := linkNext(h.Get("Link")); next != "" {
				if u, err := url.Parse(next); err == nil {
					page = u.Query().Get("page")
				}
			}
		}
	}
	return nil, nil
}

// Create implements Tracker.
func (g *GitLab) Create(ctx context.Context, t Ticket) (*Ticket, error) {
	var is glIssue
	req := map[string]any{"title": t.Title, "description": withMarker(t.Body, t.Fingerprint), "labels": g.label}
	if _, err := g.api.do(ctx, http.MethodPost, g.issuesURL(g.project), req, &is); err != nil {
		return nil, err
	}
	return g.ticket(is), nil
}

func (g *GitLab) issueURL(id string) (string, error) {
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("gitlab tracker: issue %q: want an IID", id)
	}
	return g.issuesURL(g.project) + "/" + id, nil
}

// Update implements Tracker.
func (g *GitLab) Update(ctx context.Context, id string, t Ticket) error {
	u, err := g.issueURL(id)
	if err != nil {
		return err
	}
	_, err = g.api.do(ctx, http.MethodPut, u, map[string]any{"title": t.Title, "description": withMarker(t.Body, t.Fingerprint)}, nil)
	return err
}

func (g *GitLab) setState(ctx context.Context, id, comment, event string) error {
	u, err := g.issueURL(id)
	if err != nil {
		return err
	}
	if comment != "" {
		if _, err := g.api.do(ctx, http.MethodPost, u+"/notes", map[string]any{"body": comment}, nil); err != nil {
			return err
		}
	}
	_, err = g.api.do(ctx, http.MethodPut, u, map[string]any{"state_event": event}, nil)
	return err
}

// Close implements Tracker.
func (g *GitLab) Close(ctx context.Context, id, comment string) error {
	return g.setState(ctx, id, comment, "close")
}

// Reopen implements Tracker.
func (g *GitLab) Reopen(ctx context.Context, id, comment string) error {
	return g.setState(ctx, id, comment, "reopen")
}

var glIssueURL = regexp.MustCompile(`^https?://[^/]+/(.+?)/(?:-/)?(?:issues|work_items)/([0-9]+)/?$`)

// Get implements Tracker: ref is an IID ("7", "#7") or the issue's URL
// (https://gitlab.example.com/group/name/-/issues/7).
func (g *GitLab) Get(ctx context.Context, ref string) (*Ticket, error) {
	project, id := g.project, strings.TrimPrefix(strings.TrimSpace(ref), "#")
	if m := glIssueURL.FindStringSubmatch(id); m != nil {
		project, id = m[1], m[2]
	}
	if _, err := strconv.Atoi(id); err != nil {
		return nil, fmt.Errorf("gitlab tracker: %q is neither an issue IID nor an issue URL", ref)
	}
	var is glIssue
	if _, err := g.api.do(ctx, http.MethodGet, g.issuesURL(project)+"/"+id, nil, &is); err != nil {
		return nil, err
	}
	return g.ticket(is), nil
}
