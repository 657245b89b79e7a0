package transport

import (
	"net/http"
	"net/url"
	"strings"
)

const redacted = "[REDACTED]"

// newScrubber replaces the token (and the header forms that carry it).
func newScrubber(token string) *strings.Replacer {
	if token == "" {
		return strings.NewReplacer()
	}
	return strings.NewReplacer(token, redacted)
}

// Error is a failed request: the operation, the URL without credentials,
// and the cause. Its message never holds the token.
type Error struct {
	Method string
	URL    string
	Err    error
	msg    string
}

func (e *Error) Error() string { return e.msg }

// Unwrap returns the cause (errors.Is(err, ErrBudget), ErrRateLimited,
// context.DeadlineExceeded... work through it).
func (e *Error) Unwrap() error { return e.Err }

func (t *Transport) wrap(req *http.Request, err error) error {
	u := RedactURL(req.URL)
	// net/http's client adds the method and URL (without password); the
	// message is the cause alone.
	return &Error{Method: req.Method, URL: u, Err: err, msg: t.scrub.Replace(redactURLsIn(err.Error()))}
}

// sensitiveParams are query parameters that carry credentials.
var sensitiveParams = []string{"access_token", "private_token", "token", "client_secret", "client_id", "job_token", "sig", "signature", "x-amz-signature", "x-amz-credential", "x-goog-signature"}

// RedactURL renders u without user info and with credential-bearing query
// parameters replaced.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = nil
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range sensitiveParams {
				if lk == s {
					q[k] = []string{redacted}
					changed = true
				}
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// redactURLsIn strips user info from URLs quoted in a message (errors from
// net/http quote the request URL).
func redactURLsIn(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	fields := strings.Fields(s)
	for _, f := range fields {
		trimmed := strings.Trim(f, `"':,;()`)
		if !strings.Contains(trimmed, "://") {
			continue
		}
		u, err := url.Parse(trimmed)
		if err != nil || (u.User == nil && u.RawQuery == "") {
			continue
		}
		if r := RedactURL(u); r != trimmed {
			s = strings.ReplaceAll(s, trimmed, r)
		}
	}
	return s
}

// Redact returns err with a message free of the token and of credentials
// in quoted URLs (net/http's *url.Error quotes the request URL with its
// query, which this transport does not control). Errors.Is and As still
// see the cause. Callers put Redact(err).Error() in reasons and logs.
func (t *Transport) Redact(err error) error {
	if err == nil {
		return nil
	}
	msg := t.scrub.Replace(redactURLsIn(err.Error()))
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
