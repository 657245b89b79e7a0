// Package fake holds fake forge API servers for tests: GitHub (github*.go)
// and GitLab (gitlab*.go), on net/http/httptest, answering with bodies
// built from the real API examples in the shared folder
// (../shared/api-examples/).
//
// This file holds what both share: a Server that routes by method and
// path, injects faults per route (status, headers, body, latency,
// truncated JSON, echoing the credentials back), answers conditional GETs
// with 304, paginates with Link headers, and logs every request so that
// tests can count them. A request that matches no route is answered 404
// and recorded; by default the test fails at cleanup when there was one.
package fake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one logged request. Credentials are never stored: only
// whether the request carried any.
type Request struct {
	Method string
	Path   string
	Query  string
	// Operation is the GraphQL operation name of a GraphQL POST.
	Operation string
	// Pattern is the route that answered ("" for none).
	Pattern string
	Status  int
	// Fault is set when an injected fault answered; Unknown when no
	// route matched.
	Fault      bool
	Unknown    bool
	Authorized bool
	// Conditional is set when the request carried If-None-Match.
	Conditional bool
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	if r.Operation != "" {
		s += " (" + r.Operation + ")"
	}
	return s
}

// Fault changes the answer to matching requests.
type Fault struct {
	// Method matches the request method ("" any). Path is matched against
	// the URL path with path.Match ("*" within one segment), with and
	// without the server's API prefix; a trailing "/**" matches any
	// deeper path. Query, when set, must be a substring of the raw query;
	// Operation the GraphQL operation name.
	Method    string
	Path      string
	Query     string
	Operation string
	// Skip lets the first Skip matching requests through; Times is how
	// many it then affects (0: all).
	Skip  int
	Times int
	// Status, Header and Body replace the answer when Status is set.
	Status int
	Header map[string]string
	Body   string
	// EchoAuth appends the request's credential headers to the body, the
	// way a careless proxy or server would.
	EchoAuth bool
	// Truncate serves the real answer (or Body) cut in half, with a
	// matching Content-Length: valid HTTP, broken JSON.
	Truncate bool
	// Latency delays the answer.
	Latency time.Duration

	seen int
}

// Server is a fake forge API.
type Server struct {
	// URL is the server's base URL (no trailing slash).
	URL string
	// Prefix is the API path prefix the forge serves under ("/api/v3" for
	// GitHub Enterprise Server, "/api/v4" for GitLab, "" for api.github.com).
	Prefix string

	t   testing.TB
	srv *httptest.Server
	mux *http.ServeMux

	mu           sync.Mutex
	log          []Request
	faults       []*Fault
	latency      time.Duration
	allowUnknown bool
	auth         func(*http.Request) bool
}

// NewServer starts an empty fake server, closed at the end of the test.
// At cleanup the test fails if a request matched no route (see
// AllowUnknown).
func NewServer(t testing.TB) *Server {
	s := &Server{t: t, mux: http.NewServeMux()}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		s.srv.Close()
		if u := s.Unknown(); len(u) > 0 && !s.allowUnknown {
			t.Errorf("fake forge: %d requests matched no route, first: %s", len(u), u[0])
		}
	})
	return s
}

// Handle adds a route. pattern is a net/http ServeMux pattern with a
// method ("GET /orgs/{org}"); the server's Prefix is not added.
func (s *Server) Handle(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

// SetAuth makes requests for which ok returns false answer 401.
func (s *Server) SetAuth(ok func(*http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = ok
}

// SetLatency delays every answer by d (the scale benchmark uses 50 ms).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// AllowUnknown stops unknown routes from failing the test (they are still
// logged and answered 404).
func (s *Server) AllowUnknown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowUnknown = true
}

// Inject adds a fault; faults are tried in the order added.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Requests returns the log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetLog empties the log.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Unknown returns the requests that matched no route.
func (s *Server) Unknown() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Unknown {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many logged requests match method ("" any) and the
// path pattern (as in Fault.Path; "" any).
func (s *Server) Count(method, pattern string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && (pattern == "" || s.pathMatch(pattern, r.Path)) {
			n++
		}
	}
	return n
}

// CountOperation returns how many GraphQL requests ran the operation.
func (s *Server) CountOperation(op string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func (s *Server) pathMatch(pattern, p string) bool {
	try := func(p string) bool {
		if pattern == p {
			return true
		}
		if rest, ok := strings.CutSuffix(pattern, "/**"); ok {
			if m, _ := path.Match(rest, p); m {
				return true
			}
			for q := p; q != "/" && q != "."; q = path.Dir(q) {
				if m, _ := path.Match(rest, q); m {
					return true
				}
			}
			return false
		}
		m, _ := path.Match(pattern, p)
		return m
	}
	if try(p) {
		return true
	}
	if s.Prefix != "" {
		if rest, ok := strings.CutPrefix(p, s.Prefix); ok {
			return try(rest)
		}
	}
	return false
}

var opName = regexp.MustCompile(`^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)`)

// GraphQLRequest is the body of a GraphQL POST.
type GraphQLRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
	// Operation is the operation name, from the query text.
	Operation string `json:"-"`
}

// ParseGraphQL reads a GraphQL request body.
func ParseGraphQL(body []byte) (GraphQLRequest, error) {
	var g GraphQLRequest
	if err := json.Unmarshal(body, &g); err != nil {
		return g, err
	}
	if m := opName.FindStringSubmatch(g.Query); m != nil {
		g.Operation = m[1]
	}
	return g, nil
}

type bodyKey struct{}

func contextWithBody(r *http.Request, b []byte) context.Context {
	return context.WithValue(r.Context(), bodyKey{}, b)
}

type entryKey struct{}

// MarkUnknown records r as matching no route (a handler that does not
// know a sub-operation, e.g. a GraphQL query, calls it), so that the test
// fails at cleanup.
func MarkUnknown(r *http.Request) {
	if e, ok := r.Context().Value(entryKey{}).(*Request); ok {
		e.Unknown = true
	}
}

// Body returns the request body the server already read (GraphQL POSTs).
func Body(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	entry := Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		Query:       r.URL.RawQuery,
		Authorized:  r.Header.Get("Authorization") != "" || r.Header.Get("PRIVATE-TOKEN") != "" || r.Header.Get("JOB-TOKEN") != "",
		Conditional: r.Header.Get("If-None-Match") != "",
	}
	if r.Method == http.MethodPost && r.Body != nil {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		r.Body.Close()
		if g, err := ParseGraphQL(buf.Bytes()); err == nil {
			entry.Operation = g.Operation
		}
		r = r.WithContext(contextWithBody(r, buf.Bytes()))
	}
	r = r.WithContext(context.WithValue(r.Context(), entryKey{}, &entry))
	logEntry := func(status int) {
		entry.Status = status
		s.mu.Lock()
		s.log = append(s.log, entry)
		s.mu.Unlock()
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, log: logEntry}
	defer func() {
		// Nothing was written (a cancelled request): log it now.
		if !rec.logged {
			rec.logged = true
			logEntry(entry.Status)
		}
	}()

	s.mu.Lock()
	latency, auth := s.latency, s.auth
	var fault *Fault
	for _, f := range s.faults {
		if s.faultMatches(f, r, entry.Operation) {
			f.seen++
			if f.seen <= f.Skip || (f.Times > 0 && f.seen > f.Skip+f.Times) {
				continue
			}
			fault = f
			break
		}
	}
	s.mu.Unlock()

	if fault != nil && fault.Latency > 0 {
		latency += fault.Latency
	}
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			entry.Status = 499
			return
		}
	}
	if auth != nil && !auth(r) {
		WriteJSON(rec, r, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	_, pattern := s.mux.Handler(r)
	entry.Pattern = pattern
	if fault != nil {
		entry.Fault = true
		s.serveFault(rec, r, fault)
		return
	}
	if pattern == "" {
		entry.Unknown = true
		WriteJSON(rec, r, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	s.mux.ServeHTTP(rec, r)
}

func (s *Server) faultMatches(f *Fault, r *http.Request, op string) bool {
	if f.Method != "" && f.Method != r.Method {
		return false
	}
	if f.Path != "" && !s.pathMatch(f.Path, r.URL.Path) {
		return false
	}
	if f.Query != "" && !strings.Contains(r.URL.RawQuery, f.Query) {
		return false
	}
	if f.Operation != "" && f.Operation != op {
		return false
	}
	return true
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	status, header := f.Status, http.Header{}
	var body []byte
	if status != 0 {
		body = []byte(f.Body)
		if f.Body != "" {
			header.Set("Content-Type", "application/json; charset=utf-8")
		}
	} else {
		// The real answer, for Truncate or Latency alone.
		rec := httptest.NewRecorder()
		if _, pattern := s.mux.Handler(r); pattern == "" {
			WriteJSON(rec, r, http.StatusNotFound, map[string]string{"message": "Not Found"})
		} else {
			s.mux.ServeHTTP(rec, r)
		}
		status, header, body = rec.Code, rec.Header(), rec.Body.Bytes()
	}
	for k, v := range f.Header {
		header.Set(k, v)
	}
	if f.EchoAuth {
		var echo string
		for _, h := range []string{"Authorization", "PRIVATE-TOKEN", "JOB-TOKEN"} {
			if v := r.Header.Get(h); v != "" {
				echo += fmt.Sprintf(" (%s: %s)", h, v)
			}
		}
		// Inside the JSON message when there is one, so that clients quote it.
		var m map[string]any
		if msg, ok := jsonMessage(body, &m); ok {
			m["message"] = msg + echo
			body, _ = json.Marshal(m)
		} else {
			body = append(body, echo...)
		}
	}
	if f.Truncate {
		body = body[:len(body)/2]
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Del("ETag")
	w.WriteHeader(status)
	w.Write(body)
}

func jsonMessage(body []byte, m *map[string]any) (string, bool) {
	if json.Unmarshal(body, m) != nil {
		return "", false
	}
	msg, ok := (*m)["message"].(string)
	return msg, ok
}

// recorder logs the request the moment the answer's header is written,
// before the client can see any of it: a test that reads the log right
// after the client returns finds every request there.
type recorder struct {
	http.ResponseWriter
	status int
	logged bool
	log    func(status int)
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	if !r.logged {
		r.logged = true
		r.log(code)
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.logged {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// WriteJSON writes v as JSON. A GET answered 200 carries an ETag (a hash
// of the body); a request whose If-None-Match holds it is answered 304
// without a body, as GitHub and GitLab do.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	WriteBody(w, r, status, "application/json; charset=utf-8", b)
}

// WriteBody writes body with the ETag handling of WriteJSON.
func WriteBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	if r.Method == http.MethodGet && status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
		w.Header().Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// PageParams are the page and page size of a request: `page` (from 1) and
// `per_page`, capped at max, def when absent.
func PageParams(r *http.Request, def, max int) (page, per int) {
	page, per = 1, def
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		page = n
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && n > 0 {
		per = min(n, max)
	}
	return page, per
}

// Paginate returns the requested page of items and sets the Link header
// (rel next, last, first, prev, with the request's other parameters) the
// way GitHub and GitLab do.
func Paginate[T any](w http.ResponseWriter, r *http.Request, items []T, def, max int) []T {
	page, per := PageParams(r, def, max)
	last := max1((len(items) + per - 1) / per)
	link := func(p int) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(per))
		u.RawQuery = q.Encode()
		return u.String()
	}
	var links []string
	if page < last {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, link(page+1)), fmt.Sprintf(`<%s>; rel="last"`, link(last)))
	}
	if page > 1 {
		links = append(links, fmt.Sprintf(`<%s>; rel="first"`, link(1)), fmt.Sprintf(`<%s>; rel="prev"`, link(min(page-1, last))))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	start := (page - 1) * per
	if start >= len(items) {
		return items[:0]
	}
	return items[start:min(start+per, len(items))]
}

func max1(n int) int { return max(n, 1) }

// LoadJSON reads dir/name as generic JSON (objects as map[string]any).
func LoadJSON(dir, name string) (any, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// Clone deep-copies generic JSON.
func Clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = Clone(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = Clone(x)
		}
		return s
	}
	return v
}

// Set sets a dotted path ("plan.name") in generic JSON, creating objects.
func Set(doc map[string]any, key string, v any) {
	parts := strings.Split(key, ".")
	m := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// Link returns the URL of rel in a Link header ("" if absent).
func Link(h http.Header, rel string) string {
	for _, part := range strings.Split(h.Get("Link"), ",") {
		u, params, ok := strings.Cut(part, ";")
		if ok && strings.Contains(params, `rel="`+rel+`"`) {
			return strings.Trim(strings.TrimSpace(u), "<>")
		}
	}
	return ""
}
