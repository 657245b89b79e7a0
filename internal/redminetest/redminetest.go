// Package redminetest provisions, for a test, a share of the real Redmine
// that .ci/redmine starts on loopback: SSDF_TEST_REDMINE is its root URL
// and SSDF_TEST_REDMINE_KEY an administrator's API key, used only here.
// Each call makes a fresh private project and a non-admin member of it
// with a given role, whose key the code under test uses — as an
// organization's ssdf bot would. Without the variables the test skips,
// saying so; under SSDF_REQUIRE_SERVICES=1 (CI) it fails instead.
package redminetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// Env is one test's project on the real Redmine.
type Env struct {
	t testing.TB
	// URL is the Redmine root, without a trailing slash.
	URL string
	// Project is the project's identifier.
	Project string
	// UserKey is the API key of the project's member (not an admin).
	UserKey  string
	adminKey string
	// Statuses maps each issue status's name to its ID.
	Statuses map[string]int
}

var seq atomic.Int64

// New provisions a project and a member with the named role ("Developer",
// or "ssdf-test-no-workflow": issue permissions but no workflow), or skips.
func New(t testing.TB, role string) *Env {
	t.Helper()
	e := &Env{t: t, URL: strings.TrimSuffix(sharedtest.RequireEnv(t, "SSDF_TEST_REDMINE"), "/"),
		adminKey: sharedtest.RequireEnv(t, "SSDF_TEST_REDMINE_KEY"), Statuses: map[string]int{}}
	// Identifiers: lower-case letters, digits, dashes, starting with a
	// letter; unique across runs against one server.
	e.Project = fmt.Sprintf("ssdf-%s-%d", strconv.FormatInt(time.Now().UnixNano(), 36), seq.Add(1))
	var trackers struct {
		Trackers []struct {
			ID int `json:"id"`
		} `json:"trackers"`
	}
	e.Admin("GET", "/trackers.json", nil, &trackers)
	var tids []int
	for _, tr := range trackers.Trackers {
		tids = append(tids, tr.ID)
	}
	e.Admin("POST", "/projects.json", map[string]any{"project": map[string]any{
		"name": e.Project, "identifier": e.Project, "is_public": false,
		"enabled_module_names": []string{"issue_tracking"}, "tracker_ids": tids}}, nil)
	var user struct {
		User struct {
			ID     int    `json:"id"`
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	e.Admin("POST", "/users.json", map[string]any{"user": map[string]any{
		"login": e.Project + "-bot", "firstname": "ssdf", "lastname": "bot", "mail": e.Project + "@example.test",
		"password": "Pw-" + e.Project + "-long-enough"}}, &user)
	if user.User.APIKey == "" {
		e.Admin("GET", "/users/"+strconv.Itoa(user.User.ID)+".json", nil, &user)
	}
	e.UserKey = user.User.APIKey
	var roles struct {
		Roles []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"roles"`
	}
	e.Admin("GET", "/roles.json", nil, &roles)
	roleID := 0
	for _, r := range roles.Roles {
		if r.Name == role {
			roleID = r.ID
		}
	}
	if roleID == 0 {
		t.Fatalf("redmine has no role %q (was .ci/redmine-setup.rb run?)", role)
	}
	e.Admin("POST", "/projects/"+e.Project+"/memberships.json", map[string]any{"membership": map[string]any{
		"user_id": user.User.ID, "role_ids": []int{roleID}}}, nil)
	var sts struct {
		IssueStatuses []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"issue_statuses"`
	}
	e.Admin("GET", "/issue_statuses.json", nil, &sts)
	for _, s := range sts.IssueStatuses {
		e.Statuses[s.Name] = s.ID
	}
	if e.Statuses["Approved"] == 0 {
		t.Fatal("redmine has no Approved status (was .ci/redmine-setup.rb run?)")
	}
	return e
}

// Admin sends a request as the administrator and decodes the reply into
// out (when non-nil); anything but a 2xx fails the test.
func (e *Env) Admin(method, path string, in, out any) {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("X-Redmine-API-Key", e.adminKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("redmine %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		e.t.Fatalf("redmine %s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("redmine %s %s: %v: %s", method, path, err, data)
		}
	}
}

// CreateIssue adds an issue to the project as the administrator and
// returns its ID.
func (e *Env) CreateIssue(subject, description string) int {
	e.t.Helper()
	var c struct {
		Issue struct {
			ID int `json:"id"`
		} `json:"issue"`
	}
	e.Admin("POST", "/issues.json", map[string]any{"issue": map[string]any{"project_id": e.Project,
		"subject": subject, "description": description}}, &c)
	return c.Issue.ID
}

// SetStatus moves an issue to the named status as the administrator, with
// an optional note.
func (e *Env) SetStatus(id int, status, note string) {
	e.t.Helper()
	st, ok := e.Statuses[status]
	if !ok {
		e.t.Fatalf("redmine has no status %q", status)
	}
	e.Admin("PUT", fmt.Sprintf("/issues/%d.json", id), map[string]any{"issue": map[string]any{"status_id": st, "notes": note}}, nil)
}

// Issue is an issue as the administrator reads it, with its journals.
type Issue struct {
	ID          int    `json:"id"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Status      struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"status"`
	Journals []struct {
		Notes string `json:"notes"`
	} `json:"journals"`
}

// Closed reports whether the issue's status is one of the closed ones of
// Redmine's default data.
func (e *Env) Closed(is Issue) bool {
	return is.Status.ID == e.Statuses["Closed"] || is.Status.ID == e.Statuses["Rejected"]
}

// Issues lists every issue of the project, oldest first, with journals.
func (e *Env) Issues() []Issue {
	e.t.Helper()
	var out []Issue
	for offset := 0; ; {
		var page struct {
			Issues     []Issue `json:"issues"`
			TotalCount int     `json:"total_count"`
		}
		e.Admin("GET", fmt.Sprintf("/issues.json?project_id=%s&status_id=*&sort=id&limit=100&offset=%d", e.Project, offset), nil, &page)
		out = append(out, page.Issues...)
		offset += len(page.Issues)
		if len(page.Issues) == 0 || offset >= page.TotalCount {
			break
		}
	}
	for i := range out {
		var one struct {
			Issue Issue `json:"issue"`
		}
		e.Admin("GET", fmt.Sprintf("/issues/%d.json?include=journals", out[i].ID), nil, &one)
		out[i] = one.Issue
	}
	return out
}
