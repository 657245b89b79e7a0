// Redmine adapter (REST API: /issues.json, /issues/{id}.json,
// /issue_statuses.json). Credentials: an API key, read by the caller from
// SSDF_TRACKER_TOKEN and sent only in the X-Redmine-API-Key header.
//
// Layout of an ssdf issue: the subject starts with "[ssdf] " and the
// description carries the fingerprint marker. Redmine's issue filters
// cannot search a description, so Find lists the project's issues (all
// statuses, status_id=*) whose subject contains "[ssdf]" (subject=~[ssdf],
// Redmine 4.1+; older servers ignore the filter and the adapter checks
// client-side), offset/limit-paged, and keeps those carrying the marker.
// Title is reported without the prefix. Open/closed comes from the
// status's is_closed (read once from /issue_statuses.json); Close moves to
// the first closed status (one named "Closed" preferred), Reopen to the
// status named "New" (else the first open one). Approved: the issue's
// status is named "Approved" (case-insensitive), a status the
// organization adds to its workflow.
//
// Two behaviours of a real Redmine (5.0, seen by the tests against one)
// that the adapter guards against: an unknown API key is not refused but
// treated as the anonymous user, who may read public projects — so the
// adapter first asks /users/current.json, which does answer 401; and a
// status change the workflow of the key's role does not allow is ignored
// with 204 No Content — so Close and Reopen read the issue back and fail
// when its status did not change.

package tracker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Redmine is one Redmine project.
type Redmine struct {
	base    string
	project string
	hasKey  bool
	c       legacyHTTP

	mu       sync.Mutex
	statuses []rmStatus
	keyOK    bool
}

// NewRedmine returns the adapter for project (identifier or numeric ID) at
// baseURL (the Redmine root).
func NewRedmine(baseURL, project, apiKey string, hc *http.Client) *Redmine {
	return &Redmine{base: strings.TrimSuffix(baseURL, "/"), project: project, hasKey: apiKey != "",
		c: legacyHTTP{kind: "redmine", hc: hc, secrets: []string{apiKey}, auth: func(r *http.Request) {
			if apiKey != "" {
				r.Header.Set("X-Redmine-API-Key", apiKey)
			}
		}}}
}

// Kind implements Tracker.
func (r *Redmine) Kind() string { return "redmine" }

const rmPrefix = "[ssdf] "

type rmStatus struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	IsClosed *bool  `json:"is_closed"`
}

type rmIssue struct {
	ID          int      `json:"id"`
	Subject     string   `json:"subject"`
	Description string   `json:"description"`
	Status      rmStatus `json:"status"`
}

// checkKey makes sure, once, that Redmine knows the API key: without this
// a mistyped key would read public projects as the anonymous user and see
// none of their private issues. Without a key the adapter is anonymous on
// purpose and there is nothing to check.
func (r *Redmine) checkKey(ctx context.Context) error {
	if !r.hasKey {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keyOK {
		return nil
	}
	var out struct {
		User struct {
			ID int `json:"id"`
		} `json:"user"`
	}
	if err := r.c.do(ctx, "GET", r.base+"/users/current.json", nil, &out); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("redmine: %s/users/current.json not found: is the URL the Redmine root and the REST API enabled?", r.base)
		}
		if m := err.Error(); strings.Contains(m, "HTTP 401") || strings.Contains(m, "HTTP 403") {
			return fmt.Errorf("%w (is the REST API enabled, and SSDF_TRACKER_TOKEN an API key Redmine knows?)", err)
		}
		return err
	}
	if out.User.ID == 0 {
		return fmt.Errorf("redmine: /users/current.json names no user: the API key was not accepted")
	}
	r.keyOK = true
	return nil
}

func (r *Redmine) loadStatuses(ctx context.Context) ([]rmStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.statuses != nil {
		return r.statuses, nil
	}
	var out struct {
		IssueStatuses []rmStatus `json:"issue_statuses"`
	}
	if err := r.c.do(ctx, "GET", r.base+"/issue_statuses.json", nil, &out); err != nil {
		return nil, err
	}
	if len(out.IssueStatuses) == 0 {
		return nil, fmt.Errorf("redmine: /issue_statuses.json lists no statuses")
	}
	r.statuses = out.IssueStatuses
	return r.statuses, nil
}

func (r *Redmine) ticket(ctx context.Context, is rmIssue) (*Ticket, error) {
	closed := false
	if is.Status.IsClosed != nil {
		closed = *is.Status.IsClosed
	} else {
		sts, err := r.loadStatuses(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range sts {
			if s.ID == is.Status.ID && s.IsClosed != nil {
				closed = *s.IsClosed
			}
		}
	}
	return &Ticket{
		ID: strconv.Itoa(is.ID), URL: r.base + "/issues/" + strconv.Itoa(is.ID),
		Title: strings.TrimPrefix(is.Subject, rmPrefix), Body: bodyOf(is.Description),
		Open: !closed, Status: is.Status.Name,
		Approved:    strings.EqualFold(strings.TrimSpace(is.Status.Name), "approved"),
		Fingerprint: fingerprintOf(is.Description),
	}, nil
}

// Find implements Tracker.
func (r *Redmine) Find(ctx context.Context, fp string) (*Ticket, error) {
	if err := r.checkKey(ctx); err != nil {
		return nil, err
	}
	var found []*Ticket
	marker := FingerprintMarker(fp)
	for offset := 0; ; {
		q := url.Values{"project_id": {r.project}, "status_id": {"*"}, "subject": {"~[ssdf]"},
			"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(legacyPageSize)}, "sort": {"id"}}
		var out struct {
			Issues     []rmIssue `json:"issues"`
			TotalCount int       `json:"total_count"`
		}
		if err := r.c.do(ctx, "GET", r.base+"/issues.json?"+q.Encode(), nil, &out); err != nil {
			if errors.Is(err, ErrNotFound) {
				// A 404 here is about the project, not a ticket: never let
				// it read as "no ticket yet", which would open a duplicate.
				return nil, fmt.Errorf("redmine: project %q does not exist or the API key cannot see it (GET /issues.json: 404)", r.project)
			}
			return nil, err
		}
		for _, is := range out.Issues {
			if strings.Contains(is.Subject, "[ssdf]") && strings.Contains(is.Description, marker) {
				t, err := r.ticket(ctx, is)
				if err != nil {
					return nil, err
				}
				found = append(found, t)
			}
		}
		offset += len(out.Issues)
		if len(out.Issues) == 0 || offset >= out.TotalCount {
			break
		}
	}
	return legacyPick(found), nil
}

// Create implements Tracker.
func (r *Redmine) Create(ctx context.Context, t Ticket) (*Ticket, error) {
	in := map[string]any{"issue": map[string]any{"project_id": r.project, "subject": rmPrefix + strings.TrimPrefix(t.Title, rmPrefix),
		"description": withMarker(t.Body, t.Fingerprint)}}
	if err := r.checkKey(ctx); err != nil {
		return nil, err
	}
	var out struct {
		Issue rmIssue `json:"issue"`
	}
	if err := r.c.do(ctx, "POST", r.base+"/issues.json", in, &out); err != nil {
		return nil, err
	}
	return r.ticket(ctx, out.Issue)
}

func (r *Redmine) put(ctx context.Context, id string, fields map[string]any) error {
	n, ok := legacyRef(id, "")
	if !ok {
		return fmt.Errorf("redmine: %q is not an issue ID: %w", id, ErrNotFound)
	}
	if err := r.checkKey(ctx); err != nil {
		return err
	}
	return r.c.do(ctx, "PUT", r.base+"/issues/"+n+".json", map[string]any{"issue": fields}, nil)
}

// Update implements Tracker.
func (r *Redmine) Update(ctx context.Context, id string, t Ticket) error {
	fp := t.Fingerprint
	if fp == "" {
		cur, err := r.Get(ctx, id)
		if err != nil {
			return err
		}
		fp = cur.Fingerprint
	}
	return r.put(ctx, id, map[string]any{"subject": rmPrefix + strings.TrimPrefix(t.Title, rmPrefix), "description": withMarker(t.Body, fp)})
}

func (r *Redmine) pickStatus(ctx context.Context, closed bool, prefer string) (int, error) {
	sts, err := r.loadStatuses(ctx)
	if err != nil {
		return 0, err
	}
	first := 0
	for _, s := range sts {
		c := s.IsClosed != nil && *s.IsClosed
		if c != closed || (!closed && strings.EqualFold(s.Name, "approved")) {
			continue
		}
		if strings.EqualFold(s.Name, prefer) {
			return s.ID, nil
		}
		if first == 0 {
			first = s.ID
		}
	}
	if first == 0 {
		return 0, fmt.Errorf("redmine: no status with is_closed=%v in /issue_statuses.json", closed)
	}
	return first, nil
}

// Close implements Tracker.
func (r *Redmine) Close(ctx context.Context, id, comment string) error {
	return r.moveTo(ctx, id, true, "Closed", comment)
}

// Reopen implements Tracker.
func (r *Redmine) Reopen(ctx context.Context, id, comment string) error {
	return r.moveTo(ctx, id, false, "New", comment)
}

// moveTo sets the issue's status to the one pickStatus chooses, with the
// comment as a note, then reads the issue back: Redmine answers 204 to a
// status change the workflow forbids and keeps the old status, which must
// not pass for a closed (or reopened) ticket.
func (r *Redmine) moveTo(ctx context.Context, id string, closed bool, prefer, comment string) error {
	st, err := r.pickStatus(ctx, closed, prefer)
	if err != nil {
		return err
	}
	if err := r.put(ctx, id, map[string]any{"status_id": st, "notes": comment}); err != nil {
		return err
	}
	got, err := r.Get(ctx, id)
	if err != nil {
		return err
	}
	if got.Open == closed {
		return fmt.Errorf("redmine: issue %s is still %q: Redmine ignored the change of status (does the workflow let the API key's role move it to status %d?)", got.ID, got.Status, st)
	}
	return nil
}

// Get implements Tracker: ref is "42", "#42" or an …/issues/42 URL.
func (r *Redmine) Get(ctx context.Context, ref string) (*Ticket, error) {
	n, ok := legacyRef(ref, "")
	if !ok {
		return nil, fmt.Errorf("redmine: %q is not an issue reference: %w", ref, ErrNotFound)
	}
	if err := r.checkKey(ctx); err != nil {
		return nil, err
	}
	var out struct {
		Issue rmIssue `json:"issue"`
	}
	if err := r.c.do(ctx, "GET", r.base+"/issues/"+n+".json", nil, &out); err != nil {
		return nil, err
	}
	return r.ticket(ctx, out.Issue)
}
