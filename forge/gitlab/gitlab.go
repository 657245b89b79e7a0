// Package gitlab implements forge.Client for GitLab (gitlab.com and
// self-managed instances) on top of gitlab.com/gitlab-org/api/client-go.
//
// The HTTP layer is the *http.Client the caller passes in (forge/transport:
// retries, rate limits, ETags, the budget); client-go's own retries and
// rate limiter are switched off so that nothing is retried twice.
//
// Every fact is mapped onto the neutral snapshot model as SPEC §3 defines
// it for GitLab. A feature that the plan lacks (GitLab Free: approval rules,
// push rules, group audit events, group file templates, enterprise users)
// never aborts the scan: its fact is Unavailable with Kind "plan".
//
// Tokens are sent in the PRIVATE-TOKEN header only. Errors are built here
// from the method, the path and the status: never from a response body
// (a server may echo the request back) and never with the token.
package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// DefaultBaseURL is gitlab.com.
const DefaultBaseURL = "https://gitlab.com"

// DefaultMaxFileSize is the largest blob File reads in full (the walk's
// cap); a larger blob is cut at MaxFileSize+1 bytes so that the walk sees
// it is over the cap without downloading all of it.
const DefaultMaxFileSize = 4 << 20

// Options configure a Client.
type Options struct {
	// BaseURL is the instance ("https://gitlab.example.org"); "/api/v4" is
	// appended when missing. Empty means gitlab.com.
	BaseURL string
	// Token is a personal, group or project access token (GITLAB_TOKEN).
	Token string
	// HTTPClient carries every request (nil: http.DefaultClient). Pass the
	// forge/transport client here.
	HTTPClient *http.Client
	// MaxFileSize caps File (default DefaultMaxFileSize).
	MaxFileSize int64
	// Concurrency bounds the parallel requests of one Repo call (commit
	// signatures); default 8.
	Concurrency int
}

// Client reads one GitLab instance.
type Client struct {
	api      *gl.Client
	base     *url.URL
	token    string
	maxFile  int64
	conc     int
	requests atomic.Int64

	mu sync.Mutex
	// projects caches the project entities listed by Repos, so that Repo
	// does not ask for them again.
	projects map[int64]*project
	// ids maps a lower-case project path to its ID.
	ids map[string]int64
	// caller is the token's user (GET /user), read once.
	caller *callerInfo
	// access caches the caller's access level on a top-level group.
	access map[string]int
}

type callerInfo struct {
	ID       int64
	Username string
	Admin    bool
	err      error
}

// New returns a Client.
func New(o Options) (*Client, error) {
	base := o.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	c := &Client{token: o.Token, maxFile: o.MaxFileSize, conc: o.Concurrency, projects: map[int64]*project{}, ids: map[string]int64{}, access: map[string]int{}}
	if c.maxFile <= 0 {
		c.maxFile = DefaultMaxFileSize
	}
	if c.conc <= 0 {
		c.conc = 8
	}
	// Count requests below client-go, on the caller's transport.
	counted := *hc
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	counted.Transport = countingTransport{rt: rt, n: &c.requests}
	api, err := gl.NewClient(o.Token,
		gl.WithURLWarningLogger(slog.New(slog.DiscardHandler)),
		gl.WithBaseURL(base),
		gl.WithHTTPClient(&counted),
		gl.WithoutRetries(),
		gl.WithCustomLimiter(noLimiter{}),
		gl.WithUserAgent("ssdf"),
	)
	if err != nil {
		return nil, fmt.Errorf("gitlab: %s", c.redact(err.Error()))
	}
	c.api = api
	c.base = api.BaseURL()
	return c, nil
}

// Kind is "gitlab".
func (c *Client) Kind() string { return "gitlab" }

// BaseURL is the API base URL (ending in /api/v4/).
func (c *Client) BaseURL() string { return c.base.String() }

// Requests is the number of HTTP requests sent so far.
func (c *Client) Requests() int64 { return c.requests.Load() }

type noLimiter struct{}

func (noLimiter) Wait(ctx context.Context) error { return ctx.Err() }

type countingTransport struct {
	rt http.RoundTripper
	n  *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.rt.RoundTrip(r)
}

// Error is an API error that survived the transport's retries. It names
// the request (method and path, never the query or a header) and the
// status; it never carries the response body.
type Error struct {
	Method string
	Path   string
	Status int
	// Err is the transport or decoding error, when there was no status.
	Err error
}

func (e *Error) Error() string {
	switch {
	case e.Status != 0 && e.Err != nil:
		return fmt.Sprintf("gitlab: %s %s: %d %s: %v", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Err)
	case e.Status != 0:
		return fmt.Sprintf("gitlab: %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("gitlab: %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// statusOf returns the HTTP status of an *Error, or 0.
func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// redact removes the token from s.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

// safeErr turns a transport or decoding error into one that cannot carry
// the token (url.Error holds only the URL; bodies are never included, but
// a transport may wrap anything).
type safeErr struct{ msg string }

func (e safeErr) Error() string { return e.msg }

func (c *Client) wrap(method, path string, resp *gl.Response, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, errCapped) {
		return err
	}
	e := &Error{Method: method, Path: path}
	if resp != nil && resp.Response != nil {
		e.Status = resp.StatusCode
	}
	if e.Status >= 200 && e.Status < 300 {
		// A decoding error on a 2xx answer: truncated or malformed JSON.
		e.Err = safeErr{"malformed response: " + c.redact(decodeMsg(err))}
		return e
	}
	if e.Status == 0 {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			e.Err = err
			return e
		}
		// Show a redacted message but keep the chain for errors.Is on
		// sentinel errors such as the transport's budget error.
		e.Err = joinedErr{safeErr: safeErr{c.redact(transportMsg(err))}, inner: err}
	}
	return e
}

// joinedErr shows a redacted message but unwraps to the original error.
type joinedErr struct {
	safeErr
	inner error
}

func (j joinedErr) Unwrap() error { return j.inner }

func decodeMsg(err error) string {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated JSON"
	case errors.As(err, &se):
		return "invalid JSON at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &ue):
		return "unexpected JSON type for " + ue.Field
	}
	return "could not decode"
}

func transportMsg(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// get sends GET base/path?q and decodes the JSON answer into v (or copies
// it to v when v is an io.Writer). path is already escaped.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) (*gl.Response, error) {
	req, err := c.api.NewRequest(http.MethodGet, path, nil, []gl.RequestOptionFunc{gl.WithContext(ctx)})
	if err != nil {
		return nil, &Error{Method: http.MethodGet, Path: "/" + path, Err: safeErr{c.redact(err.Error())}}
	}
	if len(q) > 0 {
		req.URL.RawQuery = q.Encode()
	}
	resp, err := c.api.Do(req, v)
	return resp, c.wrap(http.MethodGet, "/"+path, resp, err)
}

// getURL follows a pagination link; client-go refuses any host but the
// instance's, so the token never leaves it.
func (c *Client) getURL(ctx context.Context, link string, path string, v any) (*gl.Response, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, &Error{Method: http.MethodGet, Path: "/" + path, Err: safeErr{"bad pagination link"}}
	}
	req, err := c.api.NewRequestToURL(http.MethodGet, u, nil, []gl.RequestOptionFunc{gl.WithContext(ctx)})
	if err != nil {
		return nil, &Error{Method: http.MethodGet, Path: "/" + path, Err: safeErr{"pagination link outside the instance"}}
	}
	resp, err := c.api.Do(req, v)
	return resp, c.wrap(http.MethodGet, "/"+path, resp, err)
}

// maxPages bounds any listing (at 100 per page: a million items).
const maxPages = 10000

// list reads every page of a list endpoint: the Link rel="next" header
// when the server sends one (keyset and offset pagination alike), else
// X-Next-Page. limit > 0 stops after that many items.
func list[T any](ctx context.Context, c *Client, path string, q url.Values, limit int) ([]T, error) {
	if q == nil {
		q = url.Values{}
	}
	if q.Get("per_page") == "" {
		per := 100
		if limit > 0 && limit < per {
			per = limit
		}
		q.Set("per_page", strconv.Itoa(per))
	}
	var all []T
	var page []T
	resp, err := c.get(ctx, path, q, &page)
	for pages := 1; ; pages++ {
		if err != nil {
			return all, err
		}
		all = append(all, page...)
		if limit > 0 && len(all) >= limit {
			return all[:limit], nil
		}
		if pages >= maxPages || len(page) == 0 {
			return all, nil
		}
		page = nil
		switch {
		case resp.NextLink != "":
			resp, err = c.getURL(ctx, resp.NextLink, path, &page)
		case resp.NextPage > 0:
			q.Set("page", strconv.FormatInt(resp.NextPage, 10))
			resp, err = c.get(ctx, path, q, &page)
		default:
			return all, nil
		}
	}
}

// esc escapes a project or group path (or numeric ID) for a URL path.
func esc(id string) string { return gl.PathEscape(id) }

func projectPath(ref interface {
	FullName() string
}, id int64) string {
	if id != 0 {
		return "projects/" + strconv.FormatInt(id, 10)
	}
	return "projects/" + esc(ref.FullName())
}
