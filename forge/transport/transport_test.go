package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const token = "ghp_TESTTOKEN0123456789abcdefABCDEF"

// harness is a test server whose handler sees the attempt number, a
// simulated clock, and a transport pointed at it.
type harness struct {
	srv   *httptest.Server
	clock *SimClock
	tr    *Transport
	hits  atomic.Int64
}

func newHarness(t *testing.T, o Options, h func(n int64, w http.ResponseWriter, r *http.Request, now time.Time)) *harness {
	t.Helper()
	hs := &harness{clock: NewSimClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))}
	hs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(hs.hits.Add(1), w, r, hs.clock.Now())
	}))
	t.Cleanup(hs.srv.Close)
	if o.Token == "" {
		o.Token = token
	}
	o.Clock = hs.clock
	o.Rand = func() float64 { return 0.5 }
	hs.tr = New(o)
	return hs
}

func (h *harness) get(t *testing.T, path string) (*http.Response, string, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", h.srv.URL+path, nil)
	res, err := h.tr.Client().Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b), nil
}

func TestAuthorizationHeader(t *testing.T) {
	var got []string
	h := newHarness(t, Options{}, func(_ int64, w http.ResponseWriter, r *http.Request, _ time.Time) {
		got = append(got, r.Header.Get("Authorization"))
	})
	if _, _, err := h.get(t, "/x"); err != nil {
		t.Fatal(err)
	}
	gl := newHarness(t, Options{Header: "PRIVATE-TOKEN"}, func(_ int64, w http.ResponseWriter, r *http.Request, _ time.Time) {
		got = append(got, r.Header.Get("PRIVATE-TOKEN"), r.Header.Get("Authorization"))
	})
	if _, _, err := gl.get(t, "/x"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Bearer " + token, token, ""}, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}

func Test502Then200(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, _ time.Time) {
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `{"message":"Server Error"}`)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	})
	res, body, err := h.get(t, "/repos/acme/widget")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || body != `{"ok":true}` {
		t.Fatalf("got %d %q", res.StatusCode, body)
	}
	st := h.tr.Stats()
	if st.Requests != 2 || st.Retries != 1 {
		t.Errorf("stats = %+v, want 2 requests, 1 retry", st)
	}
	// Backoff of the first retry: 500 ms base, jitter 0.5 → 375 ms.
	if diff := cmp.Diff([]time.Duration{375 * time.Millisecond}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	h := newHarness(t, Options{MaxAttempts: 5}, func(n int64, w http.ResponseWriter, r *http.Request, _ time.Time) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	res, _, err := h.get(t, "/x")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 503 {
		t.Errorf("status = %d, want the last 503", res.StatusCode)
	}
	if got := h.hits.Load(); got != 5 {
		t.Errorf("attempts = %d, want 5", got)
	}
	want := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}
	if diff := cmp.Diff(want, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, _ time.Time) {
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, "{}")
	})
	if _, _, err := h.get(t, "/x"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{7 * time.Second}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		if n == 1 {
			w.Header().Set("Retry-After", now.Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "{}")
	})
	if _, _, err := h.get(t, "/x"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{90 * time.Second}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestPrimaryLimitReset(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		if n == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(2*time.Minute).Unix(), 10))
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message":"API rate limit exceeded for user ID 1."}`)
			return
		}
		w.Header().Set("X-RateLimit-Remaining", "4999")
		io.WriteString(w, "{}")
	})
	res, _, err := h.get(t, "/x")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Until the reset, plus a second.
	if diff := cmp.Diff([]time.Duration{121 * time.Second}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestPrimaryLimitBeyondCap(t *testing.T) {
	h := newHarness(t, Options{MaxWait: 10 * time.Minute}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(50*time.Minute).Unix(), 10))
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"API rate limit exceeded"}`)
	})
	_, _, err := h.get(t, "/x")
	var rle *RateLimitError
	if !errors.As(err, &rle) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want a RateLimitError", err)
	}
	if rle.Limit != "primary" || rle.Status != 403 || rle.Wait < 50*time.Minute {
		t.Errorf("RateLimitError = %+v", rle)
	}
	if !strings.Contains(err.Error(), "GitHub primary rate limit") || !strings.Contains(err.Error(), "longer than the 10m0s allowed") {
		t.Errorf("message = %q", err)
	}
	if len(h.clock.Slept()) != 0 {
		t.Errorf("slept %v; a wait beyond the cap must not be slept", h.clock.Slept())
	}
	// The next request fails at once, without being sent.
	if _, _, err := h.get(t, "/y"); !errors.Is(err, ErrRateLimited) {
		t.Errorf("second request: %v", err)
	}
	if got := h.hits.Load(); got != 1 {
		t.Errorf("requests sent = %d, want 1", got)
	}
}

func TestExhaustedOnSuccessBlocksNext(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		if n == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(30*time.Second).Unix(), 10))
		} else {
			w.Header().Set("X-RateLimit-Remaining", "5000")
		}
		io.WriteString(w, "{}")
	})
	for range 2 {
		if _, _, err := h.get(t, "/x"); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]time.Duration{30 * time.Second}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestSecondaryLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   time.Duration
	}{
		{"retry-after", 403, map[string]string{"Retry-After": "3", "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4000"}, `{"message":"You have exceeded a secondary rate limit."}`, 3 * time.Second},
		{"body only", 403, map[string]string{"X-RateLimit-Remaining": "4000"}, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, time.Minute},
		{"429 body", 429, nil, `{"message":"You have exceeded a secondary rate limit"}`, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
				if n == 1 {
					for k, v := range tc.header {
						w.Header().Set(k, v)
					}
					w.WriteHeader(tc.status)
					io.WriteString(w, tc.body)
					return
				}
				io.WriteString(w, "{}")
			})
			res, _, err := h.get(t, "/x")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%v %v", res, err)
			}
			if diff := cmp.Diff([]time.Duration{tc.want}, h.clock.Slept()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestForbiddenWithoutLimitIsNotRetried(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4999")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"Resource not accessible by personal access token"}`)
	})
	res, _, err := h.get(t, "/x")
	if err != nil || res.StatusCode != 403 {
		t.Fatalf("%v %v", res, err)
	}
	if h.hits.Load() != 1 || len(h.clock.Slept()) != 0 {
		t.Errorf("hits %d sleeps %v", h.hits.Load(), h.clock.Slept())
	}
}

func TestGitLabRateLimit(t *testing.T) {
	h := newHarness(t, Options{Header: "PRIVATE-TOKEN"}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("RateLimit-Limit", "600")
		if n == 1 {
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(now.Add(10*time.Second).Unix(), 10))
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, "Retry later")
			return
		}
		w.Header().Set("RateLimit-Remaining", "599")
		io.WriteString(w, "{}")
	})
	if _, _, err := h.get(t, "/api/v4/projects/1"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{11 * time.Second}, h.clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	// Beyond the cap: the error names GitLab.
	g := newHarness(t, Options{Header: "PRIVATE-TOKEN", MaxWait: time.Second}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("RateLimit-Limit", "600")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(now.Add(time.Hour).Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, _, err := g.get(t, "/x")
	if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "GitLab rate limit") {
		t.Errorf("err = %v", err)
	}
}

func TestTruncatedJSONIsNotRetried(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"login":"acme","two_factor_requirement_enabled":tr`)
	})
	res, body, err := h.get(t, "/orgs/acme")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err == nil {
		t.Fatal("truncated JSON decoded")
	}
	if h.hits.Load() != 1 {
		t.Errorf("requests = %d, want 1: a bad body is the caller's error, not a retry", h.hits.Load())
	}
}

func TestBrokenConnectionIsRetried(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		if n == 1 {
			// Promise a longer body than is sent, then hang up.
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"partial":`)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		io.WriteString(w, `{"ok":1}`)
	})
	_, body, err := h.get(t, "/x")
	if err != nil || body != `{"ok":1}` {
		t.Fatalf("%q %v", body, err)
	}
	if h.hits.Load() != 2 {
		t.Errorf("hits = %d", h.hits.Load())
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTimeoutIsRetried(t *testing.T) {
	var n int
	tr := New(Options{Token: token, Clock: NewSimClock(time.Time{}), Base: rtFunc(func(r *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	})})
	req, _ := http.NewRequest("GET", "https://api.github.com/x", nil)
	res, err := tr.RoundTrip(req)
	if err != nil || res.StatusCode != 200 || n != 2 {
		t.Fatalf("res %v err %v attempts %d", res, err, n)
	}
}

func TestAttemptTimeout(t *testing.T) {
	h := newHarness(t, Options{AttemptTimeout: 50 * time.Millisecond}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		io.WriteString(w, "{}")
	})
	res, _, err := h.get(t, "/slow")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	if h.tr.Requests() != 2 {
		t.Errorf("requests = %d", h.tr.Requests())
	}
}

func TestBudget(t *testing.T) {
	h := newHarness(t, Options{Budget: 3}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		if n == 1 {
			w.WriteHeader(500) // the retry counts too
			return
		}
		io.WriteString(w, "{}")
	})
	for i := range 2 {
		if _, _, err := h.get(t, "/x"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	_, _, err := h.get(t, "/x")
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("err = %v, want ErrBudget", err)
	}
	if h.hits.Load() != 3 || h.tr.Requests() != 3 {
		t.Errorf("server saw %d, transport counted %d; want 3", h.hits.Load(), h.tr.Requests())
	}
}

func TestETag(t *testing.T) {
	var inm []string
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		inm = append(inm, r.Header.Get("If-None-Match"))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(5000-int(n)))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		io.WriteString(w, `{"login":"acme"}`)
	})
	for range 2 {
		res, body, err := h.get(t, "/orgs/acme")
		if err != nil || res.StatusCode != 200 || body != `{"login":"acme"}` {
			t.Fatalf("%v %q %v", res, body, err)
		}
	}
	res, _, _ := h.get(t, "/orgs/acme")
	if got := res.Header.Get("X-RateLimit-Remaining"); got != "4997" {
		t.Errorf("rate headers come from the fresh 304: remaining = %q", got)
	}
	if diff := cmp.Diff([]string{"", `"v1"`, `"v1"`}, inm); diff != "" {
		t.Errorf("If-None-Match (-want +got):\n%s", diff)
	}
	if st := h.tr.Stats(); st.CacheHits != 2 || st.Requests != 3 {
		t.Errorf("stats = %+v", st)
	}
	// Another identity shares a cache but never its entries.
	other := New(Options{Token: "another-token", Cache: h.tr.cache, Clock: h.clock})
	req, _ := http.NewRequest("GET", h.srv.URL+"/orgs/acme", nil)
	if _, err := other.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if inm[len(inm)-1] != "" {
		t.Errorf("a different token sent If-None-Match %q", inm[len(inm)-1])
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	h := newHarness(t, Options{MaxAttempts: 2}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message":"Bad credentials: %s"}`, r.Header.Get("Authorization"))
	})
	res, body, err := h.get(t, "/user")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, token) || strings.Contains(res.Header.Get("X-Echo"), token) {
		t.Errorf("token echoed back: body %q header %q", body, res.Header.Get("X-Echo"))
	}
	if !strings.Contains(body, "Bearer [REDACTED]") {
		t.Errorf("body = %q", body)
	}

	// Errors: a base transport that quotes the token, a URL with
	// credentials, a refused connection.
	leaky := New(Options{Token: token, MaxAttempts: 1, Base: rtFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("proxy refused %s", r.Header.Get("Authorization"))
	})})
	req, _ := http.NewRequest("GET", "https://user:hunter2@ghe.example.com/api/v3/x?access_token=s3cret", nil)
	_, err = leaky.RoundTrip(req)
	for _, secret := range []string{token, "hunter2", "s3cret"} {
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
	// Through net/http's client, which quotes the URL: Redact cleans it.
	_, err = leaky.Client().Do(req)
	err = leaky.Redact(err)
	for _, secret := range []string{token, "hunter2", "s3cret"} {
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	refused := New(Options{Token: token, MaxAttempts: 2, Clock: NewSimClock(time.Time{})})
	req, _ = http.NewRequest("GET", "http://u:"+token+"@"+addr+"/x?private_token="+token, nil)
	_, err = refused.Client().Do(req)
	err = refused.Redact(err)
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error %q", err)
	}
	var te *Error
	if !errors.As(err, &te) || strings.Contains(te.URL, token) {
		t.Errorf("transport error URL: %+v", te)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	var inflight, peak atomic.Int64
	h := newHarness(t, Options{Concurrency: 2}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		c := inflight.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		inflight.Add(-1)
		io.WriteString(w, "{}")
	})
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, _, err := h.get(t, "/x"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("peak in flight = %d, want <= 2", peak.Load())
	}
}

func TestPostBodyResentOnRetry(t *testing.T) {
	var bodies []string
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		io.WriteString(w, `{"data":{}}`)
	})
	req, _ := http.NewRequest("POST", h.srv.URL+"/graphql", io.NopCloser(strings.NewReader(`{"query":"{viewer{login}}"}`)))
	res, err := h.tr.Client().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	if diff := cmp.Diff([]string{`{"query":"{viewer{login}}"}`, `{"query":"{viewer{login}}"}`}, bodies); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	h := newHarness(t, Options{}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		w.WriteHeader(502)
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+"/x", nil)
	_, err := h.tr.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestSimClock(t *testing.T) {
	var c SimClock
	start := c.Now()
	c.Sleep(context.Background(), time.Hour)
	c.Advance(time.Minute)
	if got := c.Now().Sub(start); got != time.Hour+time.Minute {
		t.Errorf("advanced %v", got)
	}
}

func TestBudgetUnderConcurrency(t *testing.T) {
	h := newHarness(t, Options{Budget: 5, Concurrency: 4}, func(n int64, w http.ResponseWriter, r *http.Request, now time.Time) {
		time.Sleep(5 * time.Millisecond)
		io.WriteString(w, "{}")
	})
	var wg sync.WaitGroup
	var spent atomic.Int64
	for range 20 {
		wg.Go(func() {
			if _, _, err := h.get(t, "/x"); errors.Is(err, ErrBudget) {
				spent.Add(1)
			}
		})
	}
	wg.Wait()
	if h.hits.Load() != 5 || spent.Load() != 15 {
		t.Errorf("server saw %d requests, %d refused; want 5 and 15", h.hits.Load(), spent.Load())
	}
}
