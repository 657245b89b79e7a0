package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// DefaultLabel marks the tickets ssdf keeps (GitHub and GitLab); Find
// lists only those. DefaultApprovedLabel is the label that counts as an
// approval (Ticket.Approved) unless the options name another.
const (
	DefaultLabel         = "ssdf"
	DefaultApprovedLabel = "approved"
)

// GitHubOptions configure a GitHub Issues tracker.
type GitHubOptions struct {
	// APIURL is the REST base: "" for https://api.github.com, or
	// https://HOST/api/v3 for GitHub Enterprise Server.
	APIURL string
	// Repo is "owner/name".
	Repo string
	// Token is sent as "Authorization: Bearer"; it never appears in errors.
	Token string
	// HTTPClient sends the requests (nil: the shared forge transport, with
	// its retries and rate-limit handling).
	HTTPClient *http.Client
	// Label marks ssdf's issues (default "ssdf"); ApprovedLabel is the
	// label that makes Ticket.Approved true (default "approved").
	Label, ApprovedLabel string
}

// GitHub is a repository's GitHub Issues, over the REST API
// (docs.github.com/en/rest/issues). Issues carry the ssdf label; Find lists
// them with state=all, following the Link header's rel="next".
type GitHub struct {
	api           restAPI
	repo          string
	label         string
	approvedLabel string
}

// NewGitHub returns the tracker for o.Repo.
func NewGitHub(o GitHubOptions) (*GitHub, error) {
	owner, name, ok := strings.Cut(o.Repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("github tracker: project %q: want owner/name", o.Repo)
	}
	base := strings.TrimSuffix(o.APIURL, "/")
	if base == "" {
		base = "https://api.github.com"
	}
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("github tracker: url: %v", err)
	}
	g := &GitHub{repo: o.Repo, label: o.Label, approvedLabel: o.ApprovedLabel}
	if g.label == "" {
		g.label = DefaultLabel
	}
	if g.approvedLabel == "" {
		g.approvedLabel = DefaultApprovedLabel
	}
	g.api = newRESTAPI("github", base, o.Token, o.HTTPClient, func(h http.Header, tok string) {
		h.Set("Accept", "application/vnd.github+json")
		h.Set("X-GitHub-Api-Version", "2022-11-28")
		if tok != "" {
			h.Set("Authorization", "Bearer "+tok)
		}
	})
	return g, nil
}

// Kind implements Tracker.
func (g *GitHub) Kind() string { return "github" }

type ghLabel struct {
	Name string `json:"name"`
}

type ghIssue struct {
	Number      int             `json:"number"`
	HTMLURL     string          `json:"html_url"`
	Title       string          `json:"title"`
	Body        string          `json:"body"`
	State       string          `json:"state"`
	StateReason string          `json:"state_reason"`
	Labels      []ghLabel       `json:"labels"`
	PullRequest json.RawMessage `json:"pull_request"`
}

func (g *GitHub) ticket(is ghIssue) *Ticket {
	t := &Ticket{ID: strconv.Itoa(is.Number), URL: is.HTMLURL, Title: is.Title, Open: is.State == "open", Status: is.State}
	if is.StateReason != "" && is.State == "closed" {
		t.Status = is.State + " (" + is.StateReason + ")"
	}
	for _, l := range is.Labels {
		if strings.EqualFold(l.Name, g.approvedLabel) {
			t.Approved = true
		}
	}
	t.Body, t.Fingerprint = splitMarker(is.Body)
	return t
}

func (g *GitHub) issuesPath() string { return "/repos/" + g.repo + "/issues" }

// Find implements Tracker.
func (g *GitHub) Find(ctx context.Context, fp string) (*Ticket, error) {
	q := url.Values{"labels": {g.label}, "state": {"all"}, "per_page": {"100"}}
	next := g.api.base + g.issuesPath() + "?" + q.Encode()
	for pages := 0; next != "" && pages < 1000; pages++ {
		var page []ghIssue
		h, err := g.api.do(ctx, http.MethodGet, next, nil, &page)
		if err != nil {
			return nil, err
		}
		for _, is := range page {
			if len(is.PullRequest) > 0 && string(is.PullRequest) != "null" {
				continue
			}
			if t := g.ticket(is); t.Fingerprint == fp {
				return t, nil
			}
		}
		next = linkNext(h.Get("Link"))
	}
	return nil, nil
}

// Create implements Tracker.
func (g *GitHub) Create(ctx context.Context, t Ticket) (*Ticket, error) {
	var is ghIssue
	req := map[string]any{"title": t.Title, "body": withMarker(t.Body, t.Fingerprint), "labels": []string{g.label}}
	if _, err := g.api.do(ctx, http.MethodPost, g.api.base+g.issuesPath(), req, &is); err != nil {
		return nil, err
	}
	return g.ticket(is), nil
}

func (g *GitHub) issueURL(id string) (string, error) {
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("github tracker: issue %q: want a number", id)
	}
	return g.api.base + g.issuesPath() + "/" + id, nil
}

// Update implements Tracker.
func (g *GitHub) Update(ctx context.Context, id string, t Ticket) error {
	u, err := g.issueURL(id)
	if err != nil {
		return err
	}
	_, err = g.api.do(ctx, http.MethodPatch, u, map[string]any{"title": t.Title, "body": withMarker(t.Body, t.Fingerprint)}, nil)
	return err
}

func (g *GitHub) setState(ctx context.Context, id, comment, state string) error {
	u, err := g.issueURL(id)
	if err != nil {
		return err
	}
	if comment != "" {
		if _, err := g.api.do(ctx, http.MethodPost, u+"/comments", map[string]any{"body": comment}, nil); err != nil {
			return err
		}
	}
	req := map[string]any{"state": state}
	if state == "closed" {
		req["state_reason"] = "completed"
	}
	_, err = g.api.do(ctx, http.MethodPatch, u, req, nil)
	return err
}

// Close implements Tracker: the comment, then state=closed.
func (g *GitHub) Close(ctx context.Context, id, comment string) error {
	return g.setState(ctx, id, comment, "closed")
}

// Reopen implements Tracker: the comment, then state=open.
func (g *GitHub) Reopen(ctx context.Context, id, comment string) error {
	return g.setState(ctx, id, comment, "open")
}

var ghIssueURL = regexp.MustCompile(`/([^/]+/[^/]+)/issues/([0-9]+)/?$`)

// Get implements Tracker: ref is a number ("42", "#42") or the issue's URL
// (https://github.com/OWNER/NAME/issues/42); a URL names its own repository.
func (g *GitHub) Get(ctx context.Context, ref string) (*Ticket, error) {
	repo, id := g.repo, strings.TrimPrefix(strings.TrimSpace(ref), "#")
	if m := ghIssueURL.FindStringSubmatch(id); m != nil && strings.Contains(id, "://") {
		repo, id = m[1], m[2]
	}
	if _, err := strconv.Atoi(id); err != nil {
		return nil, fmt.Errorf("github tracker: %q is neither an issue number nor an issue URL", ref)
	}
	var is ghIssue
	if _, err := g.api.do(ctx, http.MethodGet, g.api.base+"/repos/"+repo+"/issues/"+id, nil, &is); err != nil {
		return nil, err
	}
	return g.ticket(is), nil
}

// restAPI is the JSON-over-HTTP plumbing the GitHub and GitLab adapters
// share: the auth header set here, errors scrubbed of the token.
type restAPI struct {
	kind   string
	base   string
	token  string
	client *http.Client
	header func(http.Header, string)
}

func newRESTAPI(kind, base, token string, c *http.Client, header func(http.Header, string)) restAPI {
	if c == nil {
		c = defaultClient()
	}
	return restAPI{kind: kind, base: base, token: token, client: c, header: header}
}

// APIError is an answer of the tracker with an error status.
type APIError struct {
	Kind   string
	Method string
	URL    string
	Status int
	// Message is the tracker's message (scrubbed of credentials).
	Message string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s tracker: %s %s: HTTP %d", e.Kind, e.Method, e.URL, e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) true for a 404.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

func (a restAPI) scrub(s string) string {
	if a.token != "" {
		s = strings.ReplaceAll(s, a.token, "[REDACTED]")
	}
	return s
}

// do sends one request; in (if any) is sent as JSON and the answer decoded
// into out (if any).
func (a restAPI) do(ctx context.Context, method, u string, in, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s tracker: %s", a.kind, a.scrub(err.Error()))
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	a.header(req.Header, a.token)
	res, err := a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s tracker: %s %s: %s", a.kind, method, redact(req.URL), a.scrub(err.Error()))
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s tracker: %s %s: %s", a.kind, method, redact(req.URL), a.scrub(err.Error()))
	}
	if res.StatusCode >= 300 {
		return nil, &APIError{Kind: a.kind, Method: method, URL: redact(req.URL), Status: res.StatusCode, Message: a.scrub(errorMessage(b))}
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("%s tracker: %s %s: decoding the answer: %v", a.kind, method, redact(req.URL), err)
		}
	}
	return res.Header, nil
}

// errorMessage pulls the message out of a GitHub ({"message"}) or GitLab
// ({"message"} or {"error"}) error body, else a short excerpt.
func errorMessage(b []byte) string {
	var m struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(b, &m) == nil {
		var s string
		if json.Unmarshal(m.Message, &s) == nil && s != "" {
			return s
		}
		if len(m.Message) > 0 {
			return string(m.Message)
		}
		if m.Error != "" {
			return m.Error
		}
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// linkNext returns the rel="next" URL of an RFC 8288 Link header.
func linkNext(h string) string {
	for _, part := range strings.Split(h, ",") {
		u, params, ok := strings.Cut(part, ";")
		if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
			continue
		}
		return strings.Trim(strings.TrimSpace(u), "<>")
	}
	return ""
}

var markerRE = regexp.MustCompile(`(?m)^[ \t]*<!-- ssdf:fingerprint=([0-9A-Za-z_-]+) -->[ \t]*\r?\n?`)

// splitMarker returns the body without its fingerprint marker line, and the
// fingerprint ("" when none).
func splitMarker(body string) (string, string) {
	m := markerRE.FindStringSubmatchIndex(body)
	if m == nil {
		return body, ""
	}
	fp := body[m[2]:m[3]]
	rest := body[:m[0]] + body[m[1]:]
	return strings.TrimRight(rest, "\r\n "), fp
}

// fingerprintOf is the fingerprint a ticket's text carries, or "".
func fingerprintOf(text string) string {
	_, fp := splitMarker(text)
	return fp
}

// bodyOf is a ticket's text without the fingerprint marker.
func bodyOf(text string) string {
	body, _ := splitMarker(text)
	return body
}

// withMarker appends the fingerprint marker to body (once).
func withMarker(body, fp string) string {
	body, _ = splitMarker(body)
	if fp == "" {
		return body
	}
	return strings.TrimRight(body, "\r\n ") + "\n\n" + FingerprintMarker(fp) + "\n"
}
