package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/ssdf-dev/ssdf/forge"
)

var _ forge.AuditLogger = (*Client)(nil)

// AuditEvents reads GET /orgs/{org}/audit-log (GitHub Enterprise Cloud and
// Server), oldest first (order=asc), from the cursor's time
// (phrase=created:>=…), following the cursor pagination of the Link
// header. Events carry "_document_id" and "@timestamp" (epoch ms).
func (c *Client) AuditEvents(ctx context.Context, org string, after string) ([]forge.AuditEvent, string, bool, error) {
	since, _, err := forge.ParseAuditCursor(after)
	if err != nil {
		return nil, after, false, err
	}
	q := url.Values{"per_page": {"100"}, "order": {"asc"}, "include": {"all"}}
	if !since.IsZero() {
		q.Set("phrase", "created:>="+since.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z"))
	}
	path := "orgs/" + url.PathEscape(org) + "/audit-log"
	var events []forge.AuditEvent
	more := false
	for pages := 0; ; pages++ {
		if pages == forge.AuditPages {
			more = true
			break
		}
		req, err := c.gh.NewRequest("GET", path+"?"+q.Encode(), nil)
		if err != nil {
			return nil, after, false, fmt.Errorf("github: audit log of %s: %s", org, c.describe(err))
		}
		var page []json.RawMessage
		resp, err := c.gh.Do(ctx, req, &page)
		if err != nil {
			return nil, after, false, fmt.Errorf("github: audit log of %s: %s", org, c.describe(err))
		}
		for _, raw := range page {
			e, err := githubAuditEvent(raw)
			if err != nil {
				return nil, after, false, fmt.Errorf("github: audit log of %s: %v", org, err)
			}
			events = append(events, e)
		}
		switch {
		case len(page) == 0:
		case resp.After != "":
			q.Del("page")
			q.Set("after", resp.After)
			continue
		case resp.NextPage > 0:
			q.Set("page", strconv.Itoa(resp.NextPage))
			continue
		}
		break
	}
	events = forge.OrderAuditEvents(events, since)
	next := after
	if len(events) > 0 {
		next = forge.AuditCursor(events[len(events)-1])
	}
	return events, next, more, nil
}

func githubAuditEvent(raw json.RawMessage) (forge.AuditEvent, error) {
	var v struct {
		ID        string          `json:"_document_id"`
		Timestamp json.Number     `json:"@timestamp"`
		Created   json.Number     `json:"created_at"`
		Action    string          `json:"action"`
		Actor     json.RawMessage `json:"actor"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return forge.AuditEvent{}, fmt.Errorf("malformed event: %v", err)
	}
	ts := v.Timestamp
	if ts == "" {
		ts = v.Created
	}
	ms, err := ts.Int64()
	if v.ID == "" || err != nil {
		return forge.AuditEvent{}, fmt.Errorf("event without _document_id or @timestamp: %.200s", raw)
	}
	var actor string
	_ = json.Unmarshal(v.Actor, &actor)
	return forge.AuditEvent{ID: v.ID, Time: time.UnixMilli(ms).UTC(), Action: v.Action, Actor: actor, Raw: append(json.RawMessage(nil), raw...)}, nil
}
