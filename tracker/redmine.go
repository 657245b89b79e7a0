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

package tracker

import (
	"context"
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
	c       legacyHTTP

	mu       sync.Mutex
	statuses []rmStatus
}

// NewRedmine returns the adapter for project (identifier or numeric ID) at
// baseURL (the Redmine root).
func NewRedmine(baseURL, project, apiKey string, hc *http.Client) *Redmine {
	return &Redmine{base: strings.TrimSuffix(baseURL, "/"), project: project,
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
	st, err := r.pickStatus(ctx, true, "Closed")
	if err != nil {
		return err
	}
	return r.put(ctx, id, map[string]any{"status_id": st, "notes": comment})
}

// Reopen implements Tracker.
func (r *Redmine) Reopen(ctx context.Context, id, comment string) error {
	st, err := r.pickStatus(ctx, false, "New")
	if err != nil {
		return err
	}
	return r.put(ctx, id, map[string]any{"status_id": st, "notes": comment})
}

// Get implements Tracker: ref is "42", "#42" or an …/issues/42 URL.
func (r *Redmine) Get(ctx context.Context, ref string) (*Ticket, error) {
	n, ok := legacyRef(ref, "")
	if !ok {
		return nil, fmt.Errorf("redmine: %q is not an issue reference: %w", ref, ErrNotFound)
	}
	var out struct {
		Issue rmIssue `json:"issue"`
	}
	if err := r.c.do(ctx, "GET", r.base+"/issues/"+n+".json", nil, &out); err != nil {
		return nil, err
	}
	return r.ticket(ctx, out.Issue)
}
