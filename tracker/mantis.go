// MantisBT adapter (REST API, MantisBT 2.x: /api/rest/issues,
// /api/rest/issues/{id}, /api/rest/issues/{id}/notes). Credentials: an API
// token, read by the caller from SSDF_TRACKER_TOKEN and sent only as the
// Authorization header's value (MantisBT's documented form; newer releases
// also take "Bearer <token>", every 2.x release takes the bare token).
//
// Fail closed (api/rest/restcore/AuthMiddleware.php, issues_rest.php,
// api/rest/index.php, core/error_api.php): a token MantisBT does not
// accept is silently replaced by the anonymous account when anonymous
// access is on, so a reply whose X-Mantis-LoginMethod is "anonymous" to a
// request that carried a token is an error. Errors are {"message","code",
// "localized"}, or only a status and reason phrase; a 404 is ErrNotFound
// only with code 1100 (ERROR_BUG_NOT_FOUND) — an unknown project or a
// wrong URL answer 404 too. POST /issues answers 201 {"issue":…}, or 202
// with no body when the issue waits for moderation: that is an error, not
// a ticket.
//
// Layout of an ssdf issue: the summary starts with "[ssdf] " and the
// description carries the fingerprint marker. The REST API has no text
// search, so Find pages through the project's issues (project_id,
// page_size/page, page 1 first; without filter_id MantisBT applies its
// "any" standard filter, closed issues included; a page past the last is
// empty) and keeps those carrying the marker. Title is reported without
// the prefix. Open is false for the statuses "resolved" and "closed";
// Close sets status resolved with resolution fixed, Reopen status feedback
// with resolution reopened (MantisBT's default $g_bug_reopen_status and
// $g_bug_reopen_resolution), each adding the comment as a note. Approved:
// status "confirmed" — in MantisBT's default workflow the step a manager
// takes to accept an issue (acknowledged only says it was seen).

package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Mantis is one MantisBT project.
type Mantis struct {
	base    string
	project string
	// Category is sent on Create (MantisBT requires one); "General" by
	// default.
	Category string
	c        legacyHTTP
}

// NewMantis returns the adapter for the project with numeric ID project
// at baseURL (the MantisBT root, where api/rest/ lives).
func NewMantis(baseURL, project, token string, hc *http.Client) *Mantis {
	return &Mantis{base: strings.TrimSuffix(baseURL, "/"), project: project, Category: "General",
		c: legacyHTTP{kind: "mantis", hc: hc, secrets: []string{token}, auth: func(r *http.Request) {
			if token != "" {
				r.Header.Set("Authorization", token)
			}
		}, notFound: mtNotFound, describe: mtDescribe, check: func(resp *http.Response, _ []byte) error {
			if token != "" && strings.EqualFold(resp.Header.Get("X-Mantis-LoginMethod"), "anonymous") {
				return errors.New("the API token was not accepted: MantisBT answered as the anonymous user")
			}
			return nil
		}}}
}

type mtError struct {
	Message string `json:"message"`
	Code    *int   `json:"code"`
}

// mtNotFound: only ERROR_BUG_NOT_FOUND (1100) says the issue is missing.
func mtNotFound(data []byte) bool {
	var e mtError
	return json.Unmarshal(data, &e) == nil && e.Code != nil && *e.Code == 1100
}

func mtDescribe(data []byte) string {
	var e mtError
	if json.Unmarshal(data, &e) != nil || e.Message == "" {
		return ""
	}
	msg := strings.Join(strings.Fields(e.Message), " ")
	if e.Code != nil {
		msg += fmt.Sprintf(" (code %d)", *e.Code)
	}
	return msg
}

// Kind implements Tracker.
func (m *Mantis) Kind() string { return "mantis" }

const mtPrefix = "[ssdf] "

type mtNamed struct {
	ID   int    `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type mtIssue struct {
	ID          int     `json:"id"`
	Summary     string  `json:"summary"`
	Description string  `json:"description"`
	Status      mtNamed `json:"status"`
	Resolution  mtNamed `json:"resolution"`
}

func (m *Mantis) ticket(is mtIssue) *Ticket {
	st := strings.ToLower(is.Status.Name)
	return &Ticket{
		ID: strconv.Itoa(is.ID), URL: m.base + "/view.php?id=" + strconv.Itoa(is.ID),
		Title: strings.TrimPrefix(is.Summary, mtPrefix), Body: bodyOf(is.Description),
		Open: st != "resolved" && st != "closed", Status: is.Status.Name,
		Approved:    st == "confirmed",
		Fingerprint: fingerprintOf(is.Description),
	}
}

// Find implements Tracker.
func (m *Mantis) Find(ctx context.Context, fp string) (*Ticket, error) {
	var found []*Ticket
	marker := FingerprintMarker(fp)
	for page := 1; ; page++ {
		q := url.Values{"project_id": {m.project}, "page_size": {strconv.Itoa(legacyPageSize)}, "page": {strconv.Itoa(page)}}
		var out struct {
			Issues []mtIssue `json:"issues"`
		}
		if err := m.c.do(ctx, "GET", m.base+"/api/rest/issues?"+q.Encode(), nil, &out); err != nil {
			return nil, err
		}
		for _, is := range out.Issues {
			if strings.Contains(is.Description, marker) {
				found = append(found, m.ticket(is))
			}
		}
		if len(out.Issues) < legacyPageSize {
			break
		}
	}
	return legacyPick(found), nil
}

func (m *Mantis) projectRef() map[string]any {
	if n, err := strconv.Atoi(m.project); err == nil {
		return map[string]any{"id": n}
	}
	return map[string]any{"name": m.project}
}

// Create implements Tracker.
func (m *Mantis) Create(ctx context.Context, t Ticket) (*Ticket, error) {
	in := map[string]any{"summary": mtPrefix + strings.TrimPrefix(t.Title, mtPrefix),
		"description": withMarker(t.Body, t.Fingerprint),
		"project":     m.projectRef(), "category": map[string]any{"name": m.Category}}
	var out struct {
		Issue mtIssue `json:"issue"`
	}
	if err := m.c.do(ctx, "POST", m.base+"/api/rest/issues", in, &out); err != nil {
		return nil, err
	}
	if out.Issue.ID == 0 {
		// 202 "Accepted for moderation" has no body, and no issue yet.
		return nil, errors.New("mantis: create: the reply has no issue (held for moderation?)")
	}
	return m.ticket(out.Issue), nil
}

func (m *Mantis) id(ref string) (string, error) {
	n, ok := legacyRef(ref, "id")
	if !ok {
		return "", fmt.Errorf("mantis: %q is not an issue reference: %w", ref, ErrNotFound)
	}
	return n, nil
}

func (m *Mantis) patch(ctx context.Context, id string, in map[string]any, note string) error {
	n, err := m.id(id)
	if err != nil {
		return err
	}
	if err := m.c.do(ctx, "PATCH", m.base+"/api/rest/issues/"+n, in, nil); err != nil {
		return err
	}
	if note == "" {
		return nil
	}
	return m.c.do(ctx, "POST", m.base+"/api/rest/issues/"+n+"/notes",
		map[string]any{"text": note, "view_state": map[string]any{"name": "public"}}, nil)
}

// Update implements Tracker.
func (m *Mantis) Update(ctx context.Context, id string, t Ticket) error {
	fp := t.Fingerprint
	if fp == "" {
		cur, err := m.Get(ctx, id)
		if err != nil {
			return err
		}
		fp = cur.Fingerprint
	}
	return m.patch(ctx, id, map[string]any{"summary": mtPrefix + strings.TrimPrefix(t.Title, mtPrefix),
		"description": withMarker(t.Body, fp)}, "")
}

// Close implements Tracker.
func (m *Mantis) Close(ctx context.Context, id, comment string) error {
	return m.patch(ctx, id, map[string]any{"status": map[string]any{"name": "resolved"},
		"resolution": map[string]any{"name": "fixed"}}, comment)
}

// Reopen implements Tracker.
func (m *Mantis) Reopen(ctx context.Context, id, comment string) error {
	return m.patch(ctx, id, map[string]any{"status": map[string]any{"name": "feedback"},
		"resolution": map[string]any{"name": "reopened"}}, comment)
}

// Get implements Tracker: ref is "42", "#42", a view.php?id=42 URL or an
// …/api/rest/issues/42 URL.
func (m *Mantis) Get(ctx context.Context, ref string) (*Ticket, error) {
	n, err := m.id(ref)
	if err != nil {
		return nil, err
	}
	var out struct {
		Issues []mtIssue `json:"issues"`
	}
	if err := m.c.do(ctx, "GET", m.base+"/api/rest/issues/"+n, nil, &out); err != nil {
		return nil, err
	}
	if len(out.Issues) == 0 {
		return nil, fmt.Errorf("mantis: issue %s: %w", n, ErrNotFound)
	}
	return m.ticket(out.Issues[0]), nil
}
