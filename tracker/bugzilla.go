// Bugzilla adapter (REST API, Bugzilla 5.0+: /rest/bug, /rest/bug/{id},
// /rest/bug/{id}/comment, /rest/field/bug/bug_status). Credentials: an API
// key, read by the caller from SSDF_TRACKER_TOKEN, never in a URL, never in
// an error. It goes in the X-BUGZILLA-API-KEY header (read by the 5.1 and
// later development releases, docs/en/rst/api/core/v1/general.rst at
// release-5.3.3) and, for POST and PUT, also as Bugzilla_api_key in the
// JSON body: the stable 5.0 and 5.2 releases read the key only as a
// parameter (the same file at release-5.2, "Authentication"). A REST GET
// could carry it only in the query string, where it would land in server
// and proxy logs; so the adapter asks once, with the header, GET
// /rest/whoami: a user means the header is read (5.1+, bugzilla.mozilla.org)
// and reads stay on REST; "no such resource" (32614: 5.0 has no whoami) or
// "login required" (410: the header was ignored) means reads go through
// JSON-RPC (POST /jsonrpc.cgi: Bug.search, Bug.get, Bug.comments,
// Bug.fields, with Bugzilla_api_key among the params), so that Find sees
// bugs the public cannot and never opens a duplicate of a private one. An
// invalid key (306) is an error. Without a key, reads are anonymous REST.
//
// Errors are {"error":true,"code":N,"message":…}; the HTTP status follows
// REST_STATUS_CODE_MAP (Bugzilla/WebService/Constants.pm): 101 "bug does
// not exist" → 404, but also 51 "no such object" (an unknown status name)
// and 32614 "no such REST resource" (a wrong base URL) → 404. Only 101 is
// ErrNotFound.
//
// Layout of an ssdf bug: the fingerprint marker (FingerprintMarker) is in
// the description (comment 0) and the status whiteboard carries
// "[ssdf:FP]" so that Find is one search (/rest/bug?whiteboard=…, a
// substring match) instead of a scan of every comment. Bugzilla cannot edit
// a description over REST, so Update sets the summary and adds the new body
// as a comment; Body is the newest comment that carries the marker (the
// description when there is none). Close sets RESOLVED/FIXED. Reopen reads
// the workflow (can_change_to of the bug's status) and moves to REOPENED
// where that exists (installations upgraded from before 4.0), else
// CONFIRMED, else UNCONFIRMED (the 4.0+ default workflow has no REOPENED),
// and fails when none of those is an allowed open status. Approved: the
// bug has the keyword "approved".

package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// legacyPageSize is how many records the bugzilla/redmine/mantis/trac
// adapters ask for per page.
var legacyPageSize = 100

// legacyHTTP is the JSON-over-HTTP plumbing the four adapters share.
type legacyHTTP struct {
	kind    string
	hc      *http.Client
	auth    func(*http.Request)
	secrets []string
	// notFound, when set, says whether a 404 reply means "this ticket
	// does not exist" (its tracker's error code) rather than a wrong URL,
	// route or project; nil takes every 404 as ErrNotFound.
	notFound func(data []byte) bool
	// describe, when set, turns an error reply into a short message (the
	// tracker's documented error body); "" falls back to an excerpt.
	describe func(data []byte) string
	// check, when set, vets every reply before its status is looked at
	// (an error body inside a 2xx, a session that is not the caller's).
	check func(resp *http.Response, data []byte) error
}

// do sends in (JSON, when non-nil) and decodes the reply into out (when
// non-nil). 404 becomes ErrNotFound (when notFound agrees); other non-2xx
// statuses an error with the status and a short, secret-free message.
func (c *legacyHTTP) do(ctx context.Context, method, u string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("%s: %s", c.kind, c.scrub(err.Error()))
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != nil {
		c.auth(req)
	}
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s %s: %s", c.kind, method, legacyPath(u), c.scrub(err.Error()))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return fmt.Errorf("%s: %s %s: reading reply: %s", c.kind, method, legacyPath(u), c.scrub(err.Error()))
	}
	if c.check != nil {
		if err := c.check(resp, data); err != nil {
			return fmt.Errorf("%s: %s %s: %s", c.kind, method, legacyPath(u), c.scrub(err.Error()))
		}
	}
	if resp.StatusCode == http.StatusNotFound && (c.notFound == nil || c.notFound(data)) {
		return fmt.Errorf("%s: %s %s: %w", c.kind, method, legacyPath(u), ErrNotFound)
	}
	if resp.StatusCode/100 != 2 {
		msg := ""
		if c.describe != nil {
			msg = c.describe(data)
		}
		if msg == "" {
			msg = strings.Join(strings.Fields(string(data)), " ")
		}
		if msg == "" {
			// MantisBT puts some messages in the reason phrase only.
			msg = strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
		}
		// Scrub before cutting: a cut could leave part of a secret.
		msg = c.scrub(msg)
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return fmt.Errorf("%s: %s %s: HTTP %d: %s", c.kind, method, legacyPath(u), resp.StatusCode, msg)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s: %s %s: decoding reply: %s", c.kind, method, legacyPath(u), c.scrub(err.Error()))
		}
	}
	return nil
}

func (c *legacyHTTP) scrub(s string) string {
	for _, sec := range c.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// legacyPath is u without its query (which never holds credentials, but
// keeps errors short).
func legacyPath(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

var legacyNumRe = regexp.MustCompile(`^#?([0-9]+)$`)

// legacyRef turns a policy's reference — "42", "#42" or a URL — into a
// numeric ID. In a URL the ID is the query parameter param (when non-empty
// and present) or the last path segment (".json" stripped).
func legacyRef(ref, param string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if m := legacyNumRe.FindStringSubmatch(ref); m != nil {
		return m[1], true
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme == "" {
		return "", false
	}
	if param != "" {
		if v := u.Query().Get(param); v != "" {
			if m := legacyNumRe.FindStringSubmatch(v); m != nil {
				return m[1], true
			}
		}
	}
	p := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), ".json")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if m := legacyNumRe.FindStringSubmatch(p); m != nil {
		return m[1], true
	}
	return "", false
}

// legacyPick chooses among tickets carrying one fingerprint: an open one
// if any, else the one with the highest numeric ID.
func legacyPick(ts []*Ticket) *Ticket {
	if len(ts) == 0 {
		return nil
	}
	sort.SliceStable(ts, func(i, j int) bool {
		if ts[i].Open != ts[j].Open {
			return ts[i].Open
		}
		a, _ := strconv.Atoi(ts[i].ID)
		b, _ := strconv.Atoi(ts[j].ID)
		return a > b
	})
	return ts[0]
}

// Bugzilla is one Bugzilla product/component.
type Bugzilla struct {
	base      string
	product   string
	component string
	// Version is sent on Create (Bugzilla requires one); "unspecified"
	// by default.
	Version string
	apiKey  string
	c       legacyHTTP

	mu sync.Mutex
	// rpcReads is decided once by readMode: reads go through JSON-RPC
	// because the server ignores the key header.
	rpcReads *bool
}

// NewBugzilla returns the adapter for product/component ("Product/Component")
// at baseURL (the Bugzilla root, e.g. https://bugzilla.example.org).
func NewBugzilla(baseURL, productComponent, apiKey string, hc *http.Client) *Bugzilla {
	product, component, _ := strings.Cut(productComponent, "/")
	return &Bugzilla{
		base: strings.TrimSuffix(baseURL, "/"), product: product, component: component,
		Version: "unspecified",
		apiKey:  apiKey,
		c: legacyHTTP{kind: "bugzilla", hc: hc, secrets: []string{apiKey}, auth: func(r *http.Request) {
			if apiKey != "" {
				r.Header.Set("X-BUGZILLA-API-KEY", apiKey)
			}
		}, notFound: bzNotFound, describe: bzDescribe, check: bzCheck},
	}
}

// bzError is Bugzilla's REST error body.
type bzError struct {
	Error   bool   `json:"error"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func bzParseError(data []byte) (bzError, bool) {
	var e bzError
	if json.Unmarshal(data, &e) != nil || !e.Error {
		return bzError{}, false
	}
	return e, true
}

// bzNotFound: only code 101 (bug_id_does_not_exist) says the bug is not
// there; other 404s are a wrong URL (32614) or an unknown value (51).
func bzNotFound(data []byte) bool {
	e, ok := bzParseError(data)
	return ok && e.Code == 101
}

func bzDescribe(data []byte) string {
	if e, ok := bzParseError(data); ok {
		return fmt.Sprintf("%s (code %d)", strings.Join(strings.Fields(e.Message), " "), e.Code)
	}
	return ""
}

// bzCheck refuses an error body whatever the status it came with.
func bzCheck(resp *http.Response, data []byte) error {
	if resp.StatusCode/100 == 2 {
		if e, ok := bzParseError(data); ok {
			return fmt.Errorf("HTTP %d with an error body: %s (code %d)", resp.StatusCode, e.Message, e.Code)
		}
	}
	return nil
}

// withKey adds the API key to a POST/PUT body (see the file comment).
func (b *Bugzilla) withKey(in map[string]any) map[string]any {
	if b.apiKey != "" {
		in["Bugzilla_api_key"] = b.apiKey
	}
	return in
}

// Kind implements Tracker.
func (b *Bugzilla) Kind() string { return "bugzilla" }

// readMode reports, deciding it once, whether reads must go through
// JSON-RPC because the server ignores the key header (see the file
// comment).
func (b *Bugzilla) readMode(ctx context.Context) (rpc bool, err error) {
	if b.apiKey == "" {
		return false, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rpcReads != nil {
		return *b.rpcReads, nil
	}
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+"/rest/whoami", nil)
	if err != nil {
		return false, fmt.Errorf("bugzilla: %s", b.c.scrub(err.Error()))
	}
	req.Header.Set("Accept", "application/json")
	b.c.auth(req)
	hc := b.c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false, fmt.Errorf("bugzilla: GET /rest/whoami: %s", b.c.scrub(err.Error()))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var who struct {
		ID int `json:"id"`
	}
	e, isErr := bzParseError(data)
	switch {
	case resp.StatusCode/100 == 2 && !isErr && json.Unmarshal(data, &who) == nil && who.ID != 0:
		rpc = false
	case isErr && (e.Code == 32614 || e.Code == 410):
		rpc = true
	case isErr && e.Code == 306:
		return false, fmt.Errorf("bugzilla: the API key was refused: %s (code 306)", b.c.scrub(e.Message))
	default:
		msg := b.c.scrub(bzDescribe(data))
		if msg == "" {
			msg = strings.Join(strings.Fields(b.c.scrub(string(data))), " ")
			if len(msg) > 200 {
				msg = msg[:200] + "…"
			}
		}
		return false, fmt.Errorf("bugzilla: GET /rest/whoami: HTTP %d: %s", resp.StatusCode, msg)
	}
	b.rpcReads = &rpc
	return rpc, nil
}

// read is one read: GET restPath over REST, or method with params over
// JSON-RPC when the server ignores the key header. The replies of both
// have the same shape.
func (b *Bugzilla) read(ctx context.Context, restPath, method string, params map[string]any, out any) error {
	rpc, err := b.readMode(ctx)
	if err != nil {
		return err
	}
	if !rpc {
		return b.c.do(ctx, "GET", b.base+restPath, nil, out)
	}
	var reply struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	req := map[string]any{"method": method, "params": []any{b.withKey(params)}, "id": 1}
	if err := b.c.do(ctx, "POST", b.base+"/jsonrpc.cgi", req, &reply); err != nil {
		return err
	}
	if e := reply.Error; e != nil {
		err := fmt.Errorf("bugzilla: %s: %s (code %d)", method, b.c.scrub(strings.Join(strings.Fields(e.Message), " ")), e.Code)
		if e.Code == 101 {
			return fmt.Errorf("%w: %w", err, ErrNotFound)
		}
		return err
	}
	if len(reply.Result) == 0 || string(reply.Result) == "null" {
		return fmt.Errorf("bugzilla: %s: the reply has no result", method)
	}
	if err := json.Unmarshal(reply.Result, out); err != nil {
		return fmt.Errorf("bugzilla: %s: decoding the result: %s", method, b.c.scrub(err.Error()))
	}
	return nil
}

type bzBug struct {
	ID         int      `json:"id"`
	Summary    string   `json:"summary"`
	Status     string   `json:"status"`
	Resolution string   `json:"resolution"`
	IsOpen     *bool    `json:"is_open"`
	Whiteboard string   `json:"whiteboard"`
	Keywords   []string `json:"keywords"`
}

func bzTag(fp string) string { return "[ssdf:" + fp + "]" }

var bzTagRe = regexp.MustCompile(`\[ssdf:([^\]\s]+)\]`)

func (b *Bugzilla) ticket(bug bzBug) *Ticket {
	t := &Ticket{ID: strconv.Itoa(bug.ID), URL: b.base + "/show_bug.cgi?id=" + strconv.Itoa(bug.ID), Title: bug.Summary}
	if bug.IsOpen != nil {
		t.Open = *bug.IsOpen
	} else {
		t.Open = bug.Resolution == "" && bug.Status != "RESOLVED" && bug.Status != "VERIFIED" && bug.Status != "CLOSED"
	}
	t.Status = bug.Status
	if bug.Resolution != "" {
		t.Status += " " + bug.Resolution
	}
	for _, k := range bug.Keywords {
		if strings.EqualFold(k, "approved") {
			t.Approved = true
		}
	}
	if m := bzTagRe.FindStringSubmatch(bug.Whiteboard); m != nil {
		t.Fingerprint = m[1]
	}
	return t
}

const bzFields = "id,summary,status,resolution,is_open,whiteboard,keywords"

// Find implements Tracker: a whiteboard search, paged with limit/offset
// (servers cap a page at max_search_results whatever limit says).
func (b *Bugzilla) Find(ctx context.Context, fp string) (*Ticket, error) {
	var found []*Ticket
	for offset := 0; ; {
		q := url.Values{"product": {b.product}, "whiteboard": {bzTag(fp)}, "include_fields": {bzFields},
			"limit": {strconv.Itoa(legacyPageSize)}, "offset": {strconv.Itoa(offset)}}
		if b.component != "" {
			q.Set("component", b.component)
		}
		params := map[string]any{"product": b.product, "whiteboard": bzTag(fp), "include_fields": strings.Split(bzFields, ","),
			"limit": legacyPageSize, "offset": offset}
		if b.component != "" {
			params["component"] = b.component
		}
		var r struct {
			Bugs []bzBug `json:"bugs"`
		}
		if err := b.read(ctx, "/rest/bug?"+q.Encode(), "Bug.search", params, &r); err != nil {
			return nil, err
		}
		for _, bug := range r.Bugs {
			if strings.Contains(bug.Whiteboard, bzTag(fp)) {
				found = append(found, b.ticket(bug))
			}
		}
		if len(r.Bugs) == 0 {
			break
		}
		offset += len(r.Bugs)
	}
	t := legacyPick(found)
	if t != nil {
		if err := b.fillBody(ctx, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (b *Bugzilla) fillBody(ctx context.Context, t *Ticket) error {
	var r struct {
		Bugs map[string]struct {
			Comments []struct {
				Text string `json:"text"`
			} `json:"comments"`
		} `json:"bugs"`
	}
	id, _ := strconv.Atoi(t.ID)
	if err := b.read(ctx, "/rest/bug/"+t.ID+"/comment", "Bug.comments", map[string]any{"ids": []int{id}}, &r); err != nil {
		return err
	}
	cs := r.Bugs[t.ID].Comments
	if len(cs) > 0 {
		t.Body = cs[0].Text
	}
	for i := len(cs) - 1; i > 0; i-- {
		if fingerprintOf(cs[i].Text) != "" {
			t.Body = cs[i].Text
			break
		}
	}
	// The marker is the tracker's business, not the ticket's text: Sync
	// compares bodies, and a body with the marker would always differ.
	body, fp := splitMarker(t.Body)
	t.Body = body
	if fp != "" && t.Fingerprint == "" {
		t.Fingerprint = fp
	}
	return nil
}

// Create implements Tracker.
func (b *Bugzilla) Create(ctx context.Context, t Ticket) (*Ticket, error) {
	in := map[string]any{"product": b.product, "component": b.component, "summary": t.Title,
		"version": b.Version, "description": withMarker(t.Body, t.Fingerprint)}
	if t.Fingerprint != "" {
		in["whiteboard"] = bzTag(t.Fingerprint)
	}
	var r struct {
		ID int `json:"id"`
	}
	if err := b.c.do(ctx, "POST", b.base+"/rest/bug", b.withKey(in), &r); err != nil {
		return nil, err
	}
	if r.ID == 0 {
		return nil, errors.New("bugzilla: create: reply has no bug id")
	}
	return b.Get(ctx, strconv.Itoa(r.ID))
}

func (b *Bugzilla) put(ctx context.Context, id string, in map[string]any) error {
	n, ok := legacyRef(id, "id")
	if !ok {
		return fmt.Errorf("bugzilla: %q is not a bug ID: %w", id, ErrNotFound)
	}
	return b.c.do(ctx, "PUT", b.base+"/rest/bug/"+n, b.withKey(in), nil)
}

// Update implements Tracker.
func (b *Bugzilla) Update(ctx context.Context, id string, t Ticket) error {
	fp := t.Fingerprint
	if fp == "" {
		cur, err := b.Get(ctx, id)
		if err != nil {
			return err
		}
		fp = cur.Fingerprint
	}
	return b.put(ctx, id, map[string]any{"summary": t.Title, "comment": map[string]any{"body": withMarker(t.Body, fp)}})
}

// Close implements Tracker.
func (b *Bugzilla) Close(ctx context.Context, id, comment string) error {
	return b.put(ctx, id, map[string]any{"status": "RESOLVED", "resolution": "FIXED", "comment": map[string]any{"body": comment}})
}

// Reopen implements Tracker.
func (b *Bugzilla) Reopen(ctx context.Context, id, comment string) error {
	cur, err := b.Get(ctx, id)
	if err != nil {
		return err
	}
	from, _, _ := strings.Cut(cur.Status, " ")
	if from == "" {
		return fmt.Errorf("bugzilla: reopen: bug %s has no status", id)
	}
	status, err := b.reopenStatus(ctx, from)
	if err != nil {
		return err
	}
	return b.put(ctx, id, map[string]any{"status": status, "comment": map[string]any{"body": comment}})
}

// reopenStatus picks the open status a bug in status from may move to:
// REOPENED, CONFIRMED or UNCONFIRMED, the first the workflow allows.
func (b *Bugzilla) reopenStatus(ctx context.Context, from string) (string, error) {
	var r struct {
		Fields []struct {
			Values []struct {
				Name        string `json:"name"`
				IsOpen      *bool  `json:"is_open"`
				CanChangeTo []struct {
					Name string `json:"name"`
				} `json:"can_change_to"`
			} `json:"values"`
		} `json:"fields"`
	}
	if err := b.read(ctx, "/rest/field/bug/bug_status", "Bug.fields", map[string]any{"names": []string{"bug_status"}}, &r); err != nil {
		return "", err
	}
	open := map[string]bool{}
	allowed := map[string]bool{}
	for _, f := range r.Fields {
		for _, v := range f.Values {
			if v.IsOpen != nil && *v.IsOpen {
				open[v.Name] = true
			}
			if v.Name == from {
				for _, to := range v.CanChangeTo {
					allowed[to.Name] = true
				}
			}
		}
	}
	for _, st := range []string{"REOPENED", "CONFIRMED", "UNCONFIRMED"} {
		if open[st] && allowed[st] {
			return st, nil
		}
	}
	return "", fmt.Errorf("bugzilla: reopen: the workflow allows none of REOPENED, CONFIRMED, UNCONFIRMED from %s", from)
}

// Get implements Tracker: ref is "42" or a show_bug.cgi?id=42 or
// /rest/bug/42 URL.
func (b *Bugzilla) Get(ctx context.Context, ref string) (*Ticket, error) {
	n, ok := legacyRef(ref, "id")
	if !ok {
		return nil, fmt.Errorf("bugzilla: %q is not a bug reference: %w", ref, ErrNotFound)
	}
	var r struct {
		Bugs []bzBug `json:"bugs"`
	}
	id, _ := strconv.Atoi(n)
	if err := b.read(ctx, "/rest/bug/"+n+"?include_fields="+bzFields, "Bug.get",
		map[string]any{"ids": []int{id}, "include_fields": strings.Split(bzFields, ",")}, &r); err != nil {
		return nil, err
	}
	if len(r.Bugs) == 0 {
		return nil, fmt.Errorf("bugzilla: bug %s: %w", n, ErrNotFound)
	}
	t := b.ticket(r.Bugs[0])
	if err := b.fillBody(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// openLegacy is FromPolicy for bugzilla, redmine, mantis and trac: url is
// the tracker's root (required, http or https, no credentials in it);
// project is "Product/Component" (bugzilla), the project identifier
// (redmine), the numeric project ID (mantis) or ignored (trac: one
// environment is one project). Credentials: SSDF_TRACKER_TOKEN, or for
// trac SSDF_TRACKER_USER and SSDF_TRACKER_PASSWORD.
func openLegacy(kind, rawURL, project string, getenv func(string) string) (Tracker, error) {
	u, err := url.Parse(rawURL)
	if err == nil && u.User != nil {
		return nil, fmt.Errorf("%s tracker: the url must not carry credentials: set SSDF_TRACKER_TOKEN (or SSDF_TRACKER_USER/SSDF_TRACKER_PASSWORD)", kind)
	}
	if rawURL == "" || err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		shown := rawURL
		if err != nil {
			shown = "(unparsable)"
		}
		return nil, fmt.Errorf("%s tracker: url %q: want https://HOST/PATH of the tracker", kind, shown)
	}
	base := strings.TrimSuffix(u.String(), "/")
	if kind != "trac" && project == "" {
		return nil, fmt.Errorf("%s tracker: project is required", kind)
	}
	switch kind {
	case "bugzilla":
		if !strings.Contains(project, "/") {
			return nil, fmt.Errorf("bugzilla tracker: project %q: want Product/Component", project)
		}
		return NewBugzilla(base, project, getenv("SSDF_TRACKER_TOKEN"), defaultClient()), nil
	case "redmine":
		return NewRedmine(base, project, getenv("SSDF_TRACKER_TOKEN"), defaultClient()), nil
	case "mantis":
		if _, err := strconv.Atoi(project); err != nil {
			return nil, fmt.Errorf("mantis tracker: project %q: want the numeric project ID", project)
		}
		return NewMantis(base, project, getenv("SSDF_TRACKER_TOKEN"), defaultClient()), nil
	case "trac":
		return NewTrac(base, getenv("SSDF_TRACKER_USER"), getenv("SSDF_TRACKER_PASSWORD"), defaultClient()), nil
	}
	return nil, fmt.Errorf("tracker kind %q: unknown", kind)
}
