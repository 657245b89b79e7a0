// Trac adapter (the XmlRpcPlugin's JSON-RPC protocol: POST
// {"method","params","id"} to <trac>/login/rpc with HTTP basic auth, or
// <trac>/rpc anonymously, Content-Type application/json). Credentials:
// user and password, read by the caller from SSDF_TRACKER_USER and
// SSDF_TRACKER_PASSWORD; never in a URL or an error.
//
// Replies (tracrpc/json_rpc.py, tracrpc/web_ui.py): HTTP 200 with
// {"result","error","id"}; an error is {"name","code","message"} where
// code is 404 for a ResourceNotFound ("Ticket 42 does not exist."), 403
// for a PermissionError, -32601 for an unknown method and -32603 for any
// other TracError; name is "JSONRPCError" unless the exception has its
// own. An error the plugin cannot encode is an HTTP 500 in plain text.
//
// Layout of an ssdf ticket: the summary starts with "[ssdf] " and the
// description carries the fingerprint marker. Find runs
// ticket.query("summary~=[ssdf]&order=id&max=N&page=P") page by page
// (all statuses: the query has no status clause), reads each hit with
// ticket.get and keeps those carrying the marker. Trac's Query.execute
// (trac/ticket/query.py) ignores page when every hit fits in one page and
// returns them all again, and refuses a page past the last one when they
// do not; Find stops on a short page, on a page with no ticket it has not
// seen, and on that refusal. Title is reported without the prefix. Open
// is false for status "closed"; Close runs the "resolve" action with
// action_resolve_resolve_resolution fixed, Reopen the "reopen" action (the
// default workflow), each through ticket.update(id, comment, attributes,
// notify) with the ticket's _ts (tracrpc/ticket.py: the plugin compares it
// with the ticket's change time). Approved: the ticket's keywords include
// "approved".

package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Trac is one Trac environment.
type Trac struct {
	base string
	user string
	pass string
	c    legacyHTTP
}

// NewTrac returns the adapter for the Trac environment at baseURL (its
// root, e.g. https://trac.example.org/project).
func NewTrac(baseURL, user, password string, hc *http.Client) *Trac {
	return &Trac{base: strings.TrimSuffix(baseURL, "/"), user: user, pass: password,
		c: legacyHTTP{kind: "trac", hc: hc, secrets: []string{password}}}
}

// Kind implements Tracker.
func (t *Trac) Kind() string { return "trac" }

const tcPrefix = "[ssdf] "

type tcError struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// tcNotFoundRe is ResourceNotFound's message for a ticket, for plugin
// versions that sent every error with code -32603.
var tcNotFoundRe = regexp.MustCompile(`^(ResourceNotFound: )?Ticket #?[0-9]+ does not exist`)

// rpc calls method; the JSON-RPC error, when there is one, becomes an
// error (ErrNotFound for a ResourceNotFound).
func (t *Trac) rpc(ctx context.Context, method string, out any, params ...any) error {
	if params == nil {
		params = []any{}
	}
	b, err := json.Marshal(map[string]any{"method": method, "params": params, "id": 1})
	if err != nil {
		return err
	}
	endpoint := t.base + "/rpc"
	if t.user != "" {
		endpoint = t.base + "/login/rpc"
	}
	req, err := http.NewRequestWithContext(ctx, "POST", endpoint, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("trac: %s", t.c.scrub(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if t.user != "" {
		req.SetBasicAuth(t.user, t.pass)
	}
	hc := t.c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("trac: %s: %s", method, t.c.scrub(err.Error()))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return fmt.Errorf("trac: %s: reading reply: %s", method, t.c.scrub(err.Error()))
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *tcError        `json:"error"`
	}
	jerr := json.Unmarshal(data, &r)
	if jerr == nil && r.Error != nil {
		if r.Error.Code == 404 || r.Error.Name == "ResourceNotFound" || tcNotFoundRe.MatchString(r.Error.Message) {
			return fmt.Errorf("trac: %s: %s: %w", method, t.c.scrub(r.Error.Message), ErrNotFound)
		}
		return fmt.Errorf("trac: %s: %s (%s %d)", method, t.c.scrub(r.Error.Message), r.Error.Name, r.Error.Code)
	}
	if resp.StatusCode/100 != 2 {
		msg := strings.Join(strings.Fields(string(data)), " ")
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return fmt.Errorf("trac: %s: HTTP %d: %s", method, resp.StatusCode, t.c.scrub(msg))
	}
	if jerr != nil {
		return fmt.Errorf("trac: %s: decoding reply: %s", method, t.c.scrub(jerr.Error()))
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return fmt.Errorf("trac: %s: decoding result: %s", method, t.c.scrub(err.Error()))
		}
	}
	return nil
}

// get reads a ticket: ticket.get returns [id, created, changed, attributes].
func (t *Trac) get(ctx context.Context, id int) (*Ticket, map[string]any, error) {
	var raw []json.RawMessage
	if err := t.rpc(ctx, "ticket.get", &raw, id); err != nil {
		return nil, nil, err
	}
	if len(raw) < 4 {
		return nil, nil, fmt.Errorf("trac: ticket.get %d: unexpected reply", id)
	}
	var attrs map[string]any
	if err := json.Unmarshal(raw[3], &attrs); err != nil {
		return nil, nil, fmt.Errorf("trac: ticket.get %d: %v", id, err)
	}
	s := func(k string) string { v, _ := attrs[k].(string); return v }
	tk := &Ticket{ID: strconv.Itoa(id), URL: t.base + "/ticket/" + strconv.Itoa(id),
		Title: strings.TrimPrefix(s("summary"), tcPrefix), Body: bodyOf(s("description")),
		Open: s("status") != "closed", Status: s("status"), Fingerprint: fingerprintOf(s("description"))}
	if r := s("resolution"); r != "" {
		tk.Status += " " + r
	}
	for _, k := range strings.FieldsFunc(s("keywords"), func(r rune) bool { return r == ',' || r == ' ' }) {
		if strings.EqualFold(k, "approved") {
			tk.Approved = true
		}
	}
	return tk, attrs, nil
}

// Find implements Tracker.
func (t *Trac) Find(ctx context.Context, fp string) (*Ticket, error) {
	var found []*Ticket
	seen := map[int]bool{}
	for page := 1; ; page++ {
		q := "summary~=[ssdf]&order=id&max=" + strconv.Itoa(legacyPageSize) + "&page=" + strconv.Itoa(page)
		var ids []int
		if err := t.rpc(ctx, "ticket.query", &ids, q); err != nil {
			// Trac refuses a page past the last one; a full last page
			// leads there.
			if page > 1 && strings.Contains(err.Error(), "beyond the number of pages") {
				break
			}
			return nil, err
		}
		fresh := 0
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			fresh++
			tk, _, err := t.get(ctx, id)
			if err != nil {
				return nil, err
			}
			if tk.Fingerprint == fp {
				found = append(found, tk)
			}
		}
		// A page of old tickets: Trac ignored page (all hits fit in
		// one page), and asking on would loop for ever.
		if len(ids) < legacyPageSize || fresh == 0 {
			break
		}
	}
	return legacyPick(found), nil
}

// Create implements Tracker.
func (t *Trac) Create(ctx context.Context, tk Ticket) (*Ticket, error) {
	var id int
	if err := t.rpc(ctx, "ticket.create", &id, tcPrefix+strings.TrimPrefix(tk.Title, tcPrefix),
		withMarker(tk.Body, tk.Fingerprint), map[string]any{}, false); err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, errors.New("trac: ticket.create: no ticket id")
	}
	out, _, err := t.get(ctx, id)
	return out, err
}

func (t *Trac) id(ref string) (int, error) {
	n, ok := legacyRef(ref, "")
	if !ok {
		return 0, fmt.Errorf("trac: %q is not a ticket reference: %w", ref, ErrNotFound)
	}
	return strconv.Atoi(n)
}

// update runs ticket.update with the ticket's current _ts (required by
// the plugin to detect concurrent edits).
func (t *Trac) update(ctx context.Context, ref, comment string, set func(cur *Ticket, attrs map[string]any)) error {
	id, err := t.id(ref)
	if err != nil {
		return err
	}
	cur, attrs, err := t.get(ctx, id)
	if err != nil {
		return err
	}
	in := map[string]any{}
	if ts, ok := attrs["_ts"]; ok {
		in["_ts"] = ts
	}
	set(cur, in)
	return t.rpc(ctx, "ticket.update", nil, id, comment, in, false)
}

// Update implements Tracker.
func (t *Trac) Update(ctx context.Context, id string, tk Ticket) error {
	return t.update(ctx, id, "", func(cur *Ticket, in map[string]any) {
		fp := tk.Fingerprint
		if fp == "" {
			fp = cur.Fingerprint
		}
		in["action"] = "leave"
		in["summary"] = tcPrefix + strings.TrimPrefix(tk.Title, tcPrefix)
		in["description"] = withMarker(tk.Body, fp)
	})
}

// Close implements Tracker.
func (t *Trac) Close(ctx context.Context, id, comment string) error {
	return t.update(ctx, id, comment, func(_ *Ticket, in map[string]any) {
		in["action"] = "resolve"
		in["action_resolve_resolve_resolution"] = "fixed"
	})
}

// Reopen implements Tracker.
func (t *Trac) Reopen(ctx context.Context, id, comment string) error {
	return t.update(ctx, id, comment, func(_ *Ticket, in map[string]any) { in["action"] = "reopen" })
}

// Get implements Tracker: ref is "42", "#42" or a …/ticket/42 URL.
func (t *Trac) Get(ctx context.Context, ref string) (*Ticket, error) {
	id, err := t.id(ref)
	if err != nil {
		return nil, err
	}
	tk, _, err := t.get(ctx, id)
	return tk, err
}
