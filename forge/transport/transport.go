// Package transport is the HTTP layer the forge clients share: an
// http.RoundTripper that sets the token, retries with exponential backoff
// and jitter (5xx, 429, timeouts, broken connections), honours rate limits
// (Retry-After, GitHub X-RateLimit-*, GitHub secondary limits, GitLab
// RateLimit-*), revalidates GET answers with ETags, enforces a request
// budget and a concurrency limit, and counts what it sends.
//
// The token is set on every request from the value given to New and never
// appears in an error, a log line or a response handed back: response
// bodies and headers are scrubbed of it, URLs lose their user info and
// token-like query parameters.
//
// Time is injected (Options.Clock), so tests exercise Retry-After and reset
// headers without sleeping.
package transport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrBudget is returned (wrapped) for every request made after the scan's
// request budget is spent.
var ErrBudget = errors.New("the API request budget for this scan is spent")

// ErrRateLimited matches every *RateLimitError with errors.Is.
var ErrRateLimited = errors.New("rate limited by the forge")

// RateLimitError says the forge asked for a wait longer than the transport
// is allowed to wait (Options.MaxWait), or still refused after the allowed
// attempts. Callers turn it into an unavailable fact of kind "error".
type RateLimitError struct {
	// Limit names the limit: "primary" (GitHub X-RateLimit-*), "secondary"
	// (GitHub abuse limits), "gitlab" (RateLimit-*) or "retry-after".
	Limit string
	// Until is when the forge said requests may resume (zero if unknown);
	// Wait how long that was from the moment of the answer.
	Until time.Time
	Wait  time.Duration
	// Max is the longest wait allowed.
	Max time.Duration
	// Status is the HTTP status of the refusal (0 when the transport refused
	// before sending, knowing the limit was spent).
	Status int
}

func (e *RateLimitError) Error() string {
	what := map[string]string{
		"primary":     "GitHub primary rate limit",
		"secondary":   "GitHub secondary rate limit",
		"gitlab":      "GitLab rate limit",
		"retry-after": "rate limit (Retry-After)",
	}[e.Limit]
	if what == "" {
		what = "rate limit"
	}
	if e.Wait <= e.Max {
		return fmt.Sprintf("%s: still refused after the allowed retries", what)
	}
	s := fmt.Sprintf("%s: the forge asks to wait %s", what, e.Wait.Round(time.Second))
	if !e.Until.IsZero() {
		s += " (until " + e.Until.UTC().Format(time.RFC3339) + ")"
	}
	return s + fmt.Sprintf(", longer than the %s allowed", e.Max)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Clock is the time source; tests give a SimClock.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done (returning ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// SimClock is a clock whose Sleep advances it at once: tests and
// simulations exercise waits of hours in no time. The zero value starts at
// 2026-01-01T00:00:00Z. Safe for concurrent use.
type SimClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	inited bool
}

// NewSimClock returns a SimClock set to t.
func NewSimClock(t time.Time) *SimClock { return &SimClock{now: t, inited: true} }

func (c *SimClock) init() {
	if !c.inited {
		c.now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		c.inited = true
	}
}

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	return c.now
}

// Sleep advances the clock by d and records the sleep.
func (c *SimClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.slept = append(c.slept, d)
	return nil
}

// Advance moves the clock forward without recording a sleep.
func (c *SimClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.now = c.now.Add(d)
}

// Slept returns the sleeps so far.
func (c *SimClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// Options configure a Transport. The zero value is usable: no token,
// http.DefaultTransport, 4 attempts, 8 concurrent requests, waits of up to
// 5 minutes, an ETag cache of 64 MiB, no budget.
type Options struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Token is set on every request. It is never logged or returned.
	Token string
	// Header carries the token ("Authorization" when empty); Scheme
	// prefixes it ("Bearer" when empty and Header is Authorization; set
	// Header "PRIVATE-TOKEN" for GitLab's bare form).
	Header string
	Scheme string
	// MaxAttempts bounds the tries of one request, retries and rate-limit
	// waits included (default 4).
	MaxAttempts int
	// BaseBackoff and MaxBackoff shape the exponential backoff (defaults
	// 500 ms and 30 s); each wait is drawn between half and all of
	// min(MaxBackoff, BaseBackoff·2^(attempt-1)).
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxWait is the longest single wait the transport accepts for a rate
	// limit (default 5 min); beyond it the request fails with a
	// *RateLimitError.
	MaxWait time.Duration
	// AttemptTimeout bounds one attempt, headers and body (default 60 s;
	// negative: none). A timed-out attempt is retried.
	AttemptTimeout time.Duration
	// Budget is the most requests this transport will send (0: no limit).
	// Every request put on the wire counts, retries and revalidations too.
	Budget int64
	// Concurrency is the most requests in flight at once (default 8).
	Concurrency int
	// Clock is the time source (default: the real clock).
	Clock Clock
	// Rand returns a number in [0,1) for the jitter (default math/rand/v2).
	Rand func() float64
	// NoCache turns the ETag cache off; CacheBytes bounds it (default 64
	// MiB of bodies). Cache, when set, is shared (keys include a hash of
	// the token, so different identities never share entries).
	NoCache    bool
	CacheBytes int64
	Cache      *Cache
	// MaxBody is the largest response body accepted (default 64 MiB).
	MaxBody int64
}

// Stats count what the transport did.
type Stats struct {
	// Requests is the number of requests put on the wire.
	Requests int64 `json:"requests"`
	// Retries is how many of them were retries (errors, 5xx, rate limits).
	Retries int64 `json:"retries"`
	// CacheHits counts 304 answers served from the ETag cache.
	CacheHits int64 `json:"cacheHits"`
	// Waited is the total time slept (backoff and rate limits).
	Waited time.Duration `json:"waited"`
}

// Transport is the shared http.RoundTripper. Safe for concurrent use.
type Transport struct {
	o        Options
	base     http.RoundTripper
	clock    Clock
	identity string
	cache    *Cache
	sem      chan struct{}
	scrub    *strings.Replacer

	requests  atomic.Int64
	reserved  atomic.Int64
	retries   atomic.Int64
	cacheHits atomic.Int64
	waited    atomic.Int64

	mu           sync.Mutex
	blockedUntil time.Time // a limit said "no more requests before this"
	blockedBy    string
}

// New returns a Transport with o's settings.
func New(o Options) *Transport {
	if o.Base == nil {
		o.Base = http.DefaultTransport
	}
	if o.Header == "" {
		o.Header = "Authorization"
		if o.Scheme == "" {
			o.Scheme = "Bearer"
		}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 5 * time.Minute
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = 60 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 64 << 20
	}
	t := &Transport{o: o, base: o.Base, clock: o.Clock, sem: make(chan struct{}, o.Concurrency)}
	sum := sha256.Sum256([]byte(o.Header + "\x00" + o.Token))
	t.identity = hex.EncodeToString(sum[:8])
	switch {
	case o.NoCache:
	case o.Cache != nil:
		t.cache = o.Cache
	default:
		t.cache = NewCache(o.CacheBytes)
	}
	t.scrub = newScrubber(o.Token)
	return t
}

// Client returns an *http.Client using t (no overall timeout: attempts
// are bounded by AttemptTimeout, the whole by the caller's context).
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }

// Requests is the number of requests sent so far.
func (t *Transport) Requests() int64 { return t.requests.Load() }

// Stats returns the counters.
func (t *Transport) Stats() Stats {
	return Stats{
		Requests:  t.requests.Load(),
		Retries:   t.retries.Load(),
		CacheHits: t.cacheHits.Load(),
		Waited:    time.Duration(t.waited.Load()),
	}
}

// Scrub removes the token from s (for callers that quote forge text).
func (t *Transport) Scrub(s string) string { return t.scrub.Replace(s) }

// RoundTrip sends req with retries; see the package doc.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, t.wrap(req, fmt.Errorf("reading the request body: %w", err))
		}
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	ctx := req.Context()
	var key string
	var cached *entry
	if t.cache != nil && req.Method == http.MethodGet && req.Header.Get("If-None-Match") == "" {
		key = t.identity + " " + req.Header.Get("Accept") + " " + req.URL.String()
		cached = t.cache.get(key)
	}
	var lastStatus int
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, t.wrap(req, err)
		}
		if err := t.waitBlocked(ctx, lastStatus); err != nil {
			return nil, t.wrap(req, err)
		}
		// Reserve the request before sending it, so that concurrent
		// requests never overshoot the budget.
		if t.o.Budget > 0 && t.reserved.Add(1) > t.o.Budget {
			return nil, t.wrap(req, ErrBudget)
		}
		if attempt > 1 {
			t.retries.Add(1)
		}
		res, body, err := t.send(ctx, req, cached)
		if err != nil {
			if ctx.Err() != nil {
				return nil, t.wrap(req, ctx.Err())
			}
			if retryable(err) && attempt < t.o.MaxAttempts {
				if err := t.sleep(ctx, t.backoff(attempt)); err != nil {
					return nil, t.wrap(req, err)
				}
				continue
			}
			return nil, t.wrap(req, err)
		}
		lastStatus = res.StatusCode
		body = t.scrubBytes(body)
		now := t.clock.Now()
		lim := limitOf(res, body, now)
		if lim.exhausted && !lim.refused && lim.until.After(now) {
			t.block(lim.until, lim.name)
		}
		switch {
		case res.StatusCode == http.StatusNotModified && cached != nil:
			t.cacheHits.Add(1)
			return cached.response(req, res.Header), nil
		case lim.refused:
			wait := lim.wait
			if wait <= 0 {
				wait = t.backoff(attempt)
			}
			if wait > t.o.MaxWait || attempt >= t.o.MaxAttempts {
				if wait > t.o.MaxWait {
					// Later requests would be refused too: they fail
					// without being sent.
					t.block(now.Add(wait), lim.name)
				}
				return nil, t.wrap(req, &RateLimitError{Limit: lim.name, Until: lim.until, Wait: wait, Max: t.o.MaxWait, Status: res.StatusCode})
			}
			// Every request waits, not only this one: the limit is the
			// token's. waitBlocked does the sleeping.
			t.block(now.Add(wait), lim.name)
			continue
		case res.StatusCode >= 500 && res.StatusCode != http.StatusNotImplemented && attempt < t.o.MaxAttempts:
			wait := t.backoff(attempt)
			if ra, ok := retryAfter(res.Header, now); ok && ra > wait {
				if ra > t.o.MaxWait {
					return t.finish(req, res, body), nil
				}
				wait = ra
			}
			if err := t.sleep(ctx, wait); err != nil {
				return nil, t.wrap(req, err)
			}
			continue
		}
		res = t.finish(req, res, body)
		if key != "" && res.StatusCode == http.StatusOK && res.Header.Get("ETag") != "" {
			t.cache.put(key, res, body)
		}
		return res, nil
	}
}

// send makes one attempt and reads the whole body.
func (t *Transport) send(ctx context.Context, req *http.Request, cached *entry) (*http.Response, []byte, error) {
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	defer func() { <-t.sem }()
	actx := ctx
	if t.o.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, t.o.AttemptTimeout)
		defer cancel()
	}
	r := req.Clone(actx)
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, nil, err
		}
		r.Body = b
	}
	if t.o.Token != "" {
		v := t.o.Token
		if t.o.Scheme != "" {
			v = t.o.Scheme + " " + v
		}
		r.Header.Set(t.o.Header, v)
	}
	if cached != nil {
		r.Header.Set("If-None-Match", cached.etag)
	}
	t.requests.Add(1)
	res, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, t.o.MaxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the response: %w", err)
	}
	if int64(len(body)) > t.o.MaxBody {
		return nil, nil, fmt.Errorf("response larger than %d bytes", t.o.MaxBody)
	}
	return res, body, nil
}

// finish returns res with its (scrubbed) body re-attached.
func (t *Transport) finish(req *http.Request, res *http.Response, body []byte) *http.Response {
	for k, vs := range res.Header {
		for i, v := range vs {
			if s := t.scrub.Replace(v); s != v {
				res.Header[k][i] = s
			}
		}
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Del("Content-Length")
	res.Request = req
	return res
}

func (t *Transport) scrubBytes(b []byte) []byte {
	if t.o.Token == "" || !bytes.Contains(b, []byte(t.o.Token)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(t.o.Token), []byte(redacted))
}

// backoff is the jittered exponential wait before attempt+1.
func (t *Transport) backoff(attempt int) time.Duration {
	d := t.o.BaseBackoff
	for i := 1; i < attempt && d < t.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, t.o.MaxBackoff)
	return d/2 + time.Duration(t.o.Rand()*float64(d/2))
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t.waited.Add(int64(d))
	return t.clock.Sleep(ctx, d)
}

func (t *Transport) block(until time.Time, by string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.blockedUntil) {
		t.blockedUntil, t.blockedBy = until, by
	}
}

// waitBlocked waits while a rate limit said no more requests for now, or
// fails when that is longer than MaxWait.
func (t *Transport) waitBlocked(ctx context.Context, status int) error {
	t.mu.Lock()
	until, by := t.blockedUntil, t.blockedBy
	t.mu.Unlock()
	if until.IsZero() {
		return nil
	}
	wait := until.Sub(t.clock.Now())
	if wait <= 0 {
		return nil
	}
	if wait > t.o.MaxWait {
		return &RateLimitError{Limit: by, Until: until, Wait: wait, Max: t.o.MaxWait, Status: status}
	}
	return t.sleep(ctx, wait)
}

// retryable reports whether a transport error is worth another attempt:
// timeouts and broken connections, not TLS or URL errors.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// limit is what the answer said about rate limits.
type limit struct {
	name      string
	refused   bool          // this answer is a rate-limit refusal
	exhausted bool          // no requests left until `until`
	until     time.Time     // when requests may resume
	wait      time.Duration // how long to wait before retrying (refused)
}

// limitOf reads the rate-limit headers and body of res.
func limitOf(res *http.Response, body []byte, now time.Time) limit {
	h := res.Header
	var l limit
	remaining, reset, name := h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"), "primary"
	if remaining == "" {
		remaining, reset, name = h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset"), "gitlab"
	}
	if remaining == "0" {
		l.exhausted, l.name = true, name
		if n, err := strconv.ParseInt(reset, 10, 64); err == nil && n > 0 {
			l.until = time.Unix(n, 0)
		}
	}
	ra, hasRA := retryAfter(h, now)
	switch res.StatusCode {
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return l
	}
	lower := bytes.ToLower(body)
	secondary := bytes.Contains(lower, []byte("secondary rate limit")) || bytes.Contains(lower, []byte("abuse detection"))
	switch {
	case hasRA:
		l.refused, l.wait, l.until = true, ra, now.Add(ra)
		switch {
		case secondary:
			l.name = "secondary"
		case l.exhausted:
		case h.Get("X-RateLimit-Limit") != "" && res.StatusCode == http.StatusForbidden:
			l.name = "secondary"
		case h.Get("RateLimit-Limit") != "":
			l.name = "gitlab"
		default:
			l.name = "retry-after"
		}
	case l.exhausted:
		l.refused = true
		if !l.until.IsZero() {
			l.wait = max(l.until.Sub(now)+time.Second, time.Second)
		}
	case secondary:
		// GitHub: without Retry-After, wait at least a minute.
		l.refused, l.name, l.wait, l.until = true, "secondary", time.Minute, now.Add(time.Minute)
	case res.StatusCode == http.StatusTooManyRequests:
		l.refused, l.name = true, "retry-after"
		if h.Get("RateLimit-Limit") != "" {
			l.name = "gitlab"
		}
	}
	return l
}

// retryAfter parses Retry-After: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			n = 0
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
