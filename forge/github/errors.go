package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v84/github"

	"github.com/ssdf-dev/ssdf/forge/transport"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func unavailable[T any](u *snapshot.Unavailable) snapshot.Fact[T] {
	return snapshot.Fact[T]{Err: u}
}

// statusOf returns the HTTP status and GitHub's message of an API error
// (0 and "" when the error is not an HTTP answer).
func statusOf(err error) (int, string) {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode, er.Message
	}
	var ae *gh.AcceptedError
	if errors.As(err, &ae) {
		return http.StatusAccepted, "the answer is being prepared; try again later"
	}
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.message
	}
	return 0, ""
}

func quoted(msg string) string {
	if msg == "" {
		return ""
	}
	return ` (GitHub: "` + firstLine(msg) + `")`
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// describe says what went wrong, without the token or credentials.
func (c *Client) describe(err error) string {
	var rl *transport.RateLimitError
	switch {
	case errors.As(err, &rl):
		return rl.Error()
	case errors.Is(err, transport.ErrBudget):
		return transport.ErrBudget.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	if status, msg := statusOf(err); status != 0 {
		s := fmt.Sprintf("GitHub answered %d %s", status, http.StatusText(status))
		return s + quoted(msg)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "GitHub sent a malformed answer: " + c.tr.Redact(err).Error()
	}
	return c.tr.Redact(err).Error()
}

// why maps a failed read onto an unavailable fact: 401/403 (and 404 from
// endpoints that hide themselves from those who may not see them, when
// hidden404 is set) name the permission; rate limits, the budget, 5xx and
// network errors are of kind "error".
func (c *Client) why(what string, err error, permission, permReason string) *snapshot.Unavailable {
	status, msg := statusOf(err)
	switch {
	case status == http.StatusForbidden && isPlanMessage(msg):
		return &snapshot.Unavailable{Kind: "plan", Status: status, Reason: what + ": the plan lacks the feature" + quoted(msg)}
	case status == http.StatusForbidden || status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(msg), "owner"):
		if permReason == "" {
			permReason = what + " needs " + permission
		}
		return &snapshot.Unavailable{Kind: "permission", Permission: permission, Status: status, Reason: permReason + quoted(msg)}
	case status == http.StatusNotFound:
		return &snapshot.Unavailable{Kind: "not-found", Status: status, Reason: what + ": not found" + quoted(msg)}
	}
	return &snapshot.Unavailable{Kind: "error", Status: status, Reason: what + ": " + c.describe(err)}
}

// isPlanMessage recognises GitHub's "your plan lacks this" answers.
func isPlanMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "upgrade to github") || strings.Contains(m, "github enterprise") || strings.Contains(m, "not available for this plan") || strings.Contains(m, "plan does not")
}

// fatal wraps an error that leaves nothing readable (bad credentials, no
// such repository, the budget spent).
func (c *Client) fatal(what string, err error) error {
	return &Error{Op: what, Status: first(statusOf(err)), msg: "github: " + what + ": " + c.describe(err), err: err}
}

func first(a int, _ string) int { return a }

// Error is a failure that left nothing readable. Its message never holds
// the token.
type Error struct {
	Op     string
	Status int
	msg    string
	err    error
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.err }

// Unavailable turns an error returned by a Client method into the
// unavailable fact a collector records for everything the call would
// have read: 401/403 name the token's permission, the rest are errors.
func Unavailable(err error) *snapshot.Unavailable {
	var e *Error
	status := 0
	msg := err.Error()
	if errors.As(err, &e) {
		status = e.Status
	}
	switch status {
	case http.StatusUnauthorized:
		return &snapshot.Unavailable{Kind: "permission", Permission: "a valid GitHub token", Status: status, Reason: msg}
	case http.StatusNotFound:
		return &snapshot.Unavailable{Kind: "not-found", Status: status, Reason: msg}
	}
	return &snapshot.Unavailable{Kind: "error", Status: status, Reason: msg}
}

// httpError is a non-2xx GraphQL answer.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("GraphQL answered %d %s%s", e.status, http.StatusText(e.status), quoted(e.message))
}
