package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/forge/fake"
)

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// The organization body is the recorded octokit answer, patched: an
// owner sees the admin settings; a member sees no plan and
// two_factor_requirement_enabled null; members_can_delete_repositories is
// absent unless the scenario sets it, as in the recording.
func TestGitHubOrgQuirks(t *testing.T) {
	org := fake.Acme()
	org.MembersCanDeleteRepos = nil
	g := fake.GitHub(t, org)
	_, body := get(t, g.API+"/orgs/acme")
	m := decode(t, body)
	if m["login"] != "acme" || m["two_factor_requirement_enabled"] != true || m["members_can_create_repositories"] != true {
		t.Errorf("owner view: %v", m)
	}
	if _, ok := m["members_can_delete_repositories"]; ok {
		t.Error("members_can_delete_repositories should be absent")
	}
	if p, _ := m["plan"].(map[string]any); p["name"] != "enterprise" {
		t.Errorf("plan = %v", m["plan"])
	}
	org.Member = true
	_, body = get(t, g.API+"/orgs/acme")
	m = decode(t, body)
	if v, ok := m["two_factor_requirement_enabled"]; !ok || v != nil {
		t.Errorf("member view: two_factor_requirement_enabled = %v (present %v), want null", v, ok)
	}
	if _, ok := m["plan"]; ok {
		t.Error("a member sees no plan")
	}
	res, _ := get(t, g.API+"/orgs/acme/members?filter=2fa_disabled")
	if res.StatusCode != 403 {
		t.Errorf("member 2fa filter: %d", res.StatusCode)
	}
}

func TestGitHubPaginationLinks(t *testing.T) {
	org := fake.Acme()
	org.Repos = fake.SyntheticRepos(95)
	g := fake.GitHub(t, org)
	var names []string
	url := g.API + "/orgs/acme/repos?per_page=10&type=all"
	pages := 0
	for url != "" {
		res, body := get(t, url)
		var items []map[string]any
		json.Unmarshal([]byte(body), &items)
		for _, it := range items {
			names = append(names, it["name"].(string))
			if it["full_name"] != "acme/"+it["name"].(string) {
				t.Fatalf("full_name %v", it["full_name"])
			}
		}
		if pages == 0 && !strings.Contains(fake.Link(res.Header, "last"), "page=10") {
			t.Errorf("last link = %q", fake.Link(res.Header, "last"))
		}
		url = fake.Link(res.Header, "next")
		pages++
	}
	if pages != 10 || len(names) != 95 || names[94] != "repo-0095" {
		t.Errorf("pages %d, repos %d", pages, len(names))
	}
	if !strings.Contains(fake.Link(http.Header{"Link": {`<http://x/?page=1>; rel="first", <http://x/?page=2>; rel="prev"`}}, "prev"), "page=2") {
		t.Error("Link parsing")
	}
}

func TestGitHubFaults(t *testing.T) {
	g := fake.GitHub(t, nil)
	g.Inject(fake.Fault{Path: "/orgs/*/members", Times: 1, Status: 502})
	g.Inject(fake.Fault{Path: "/repos/acme/widget/**", Query: "recursive", Status: 429, Header: map[string]string{"Retry-After": "30"}})
	g.Inject(fake.Fault{Path: "/orgs/acme", Truncate: true})
	g.Inject(fake.Fault{Path: "/orgs/acme/hooks", Status: 401, Body: `{"message":"Bad credentials"}`, EchoAuth: true})
	g.Inject(fake.Fault{Path: "/orgs/acme/audit-log", Latency: 30 * time.Millisecond})

	if res, _ := get(t, g.API+"/orgs/acme/members"); res.StatusCode != 502 {
		t.Errorf("first members: %d", res.StatusCode)
	}
	if res, _ := get(t, g.API+"/orgs/acme/members"); res.StatusCode != 200 {
		t.Errorf("second members: %d", res.StatusCode)
	}
	res, _ := get(t, g.API+"/repos/acme/widget/git/trees/main?recursive=1")
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "30" {
		t.Errorf("tree: %d %v", res.StatusCode, res.Header)
	}
	_, body := get(t, g.API+"/orgs/acme")
	if json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"`) {
		t.Errorf("truncated body is valid JSON: %q", body)
	}
	_, body = get(t, g.API+"/orgs/acme/hooks", "Authorization", "Bearer s3cret")
	if !strings.Contains(body, "Bearer s3cret") || !json.Valid([]byte(body)) {
		t.Errorf("echo: %q", body)
	}
	start := time.Now()
	get(t, g.API+"/orgs/acme/audit-log")
	if time.Since(start) < 30*time.Millisecond {
		t.Error("latency not applied")
	}
	reqs := g.Requests()
	if !reqs[0].Fault || reqs[1].Fault || reqs[0].Status != 502 || reqs[1].Status != 200 {
		t.Errorf("log: %+v", reqs[:2])
	}
	// The hooks route does not exist: the fault answered, and it is not
	// counted as unknown.
	if len(g.Unknown()) != 0 {
		t.Errorf("unknown: %v", g.Unknown())
	}
}

func TestGitHubUnknownRoutesAreRecorded(t *testing.T) {
	g := fake.GitHub(t, nil)
	g.AllowUnknown()
	res, _ := get(t, g.API+"/orgs/acme/teams")
	if res.StatusCode != 404 {
		t.Errorf("status %d", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", g.GraphQL, strings.NewReader(`{"query":"query other { viewer { login } }"}`))
	http.DefaultClient.Do(req)
	var got []string
	for _, r := range g.Unknown() {
		got = append(got, r.String())
	}
	if diff := cmp.Diff([]string{"GET /orgs/acme/teams", "POST /graphql (other)"}, got); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
}

func TestGitHubETag(t *testing.T) {
	g := fake.GitHub(t, nil)
	res, _ := get(t, g.API+"/repos/acme/widget")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	res, body := get(t, g.API+"/repos/acme/widget", "If-None-Match", etag)
	if res.StatusCode != 304 || body != "" {
		t.Errorf("revalidation: %d %q", res.StatusCode, body)
	}
	if n := g.Count("GET", "/repos/acme/*"); n != 2 {
		t.Errorf("count = %d", n)
	}
}

func TestGitHubEnterprisePrefix(t *testing.T) {
	g := fake.GitHub(t, nil, fake.Enterprise())
	if !strings.HasSuffix(g.API, "/api/v3") || !strings.HasSuffix(g.GraphQL, "/api/graphql") {
		t.Fatalf("API %s GraphQL %s", g.API, g.GraphQL)
	}
	if res, _ := get(t, g.API+"/orgs/acme"); res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
	// Fault paths match with or without the prefix.
	g.Inject(fake.Fault{Path: "/orgs/acme", Status: 503})
	if res, _ := get(t, g.API+"/orgs/acme"); res.StatusCode != 503 {
		t.Errorf("status %d", res.StatusCode)
	}
}

// Rulesets, protection and files come out in the REST shapes of the
// examples.
func TestGitHubRepoBodies(t *testing.T) {
	org := fake.OrgRulesetOnly()
	g := fake.GitHub(t, org)
	res, body := get(t, g.API+"/repos/acme/gadget/branches/trunk/protection")
	if res.StatusCode != 404 || decode(t, body)["message"] != "Branch not protected" {
		t.Errorf("protection: %d %s", res.StatusCode, body)
	}
	_, body = get(t, g.API+"/repos/acme/gadget/rules/branches/trunk")
	var rules []map[string]any
	json.Unmarshal([]byte(body), &rules)
	if len(rules) != 4 || rules[0]["ruleset_source_type"] != "Organization" || rules[0]["ruleset_id"] != float64(4242) {
		t.Errorf("rules: %s", body)
	}
	_, body = get(t, g.API+"/repos/acme/gadget/rulesets/4242")
	rs := decode(t, body)
	if rs["source_type"] != "Organization" || rs["enforcement"] != "active" {
		t.Errorf("ruleset: %s", body)
	}
	if ba, ok := rs["bypass_actors"].([]any); !ok || len(ba) != 0 {
		t.Errorf("bypass_actors: %v", rs["bypass_actors"])
	}
	_, body = get(t, g.API+"/repos/acme/gadget/contents/CODEOWNERS")
	if decode(t, body)["encoding"] != "base64" {
		t.Errorf("contents: %s", body)
	}
	sha := fake.BlobSHA("# gadget\n")
	_, body = get(t, g.API+"/repos/acme/gadget/git/blobs/"+sha, "Accept", "application/vnd.github.raw")
	if body != "# gadget\n" {
		t.Errorf("raw blob: %q", body)
	}
	// git hash-object agrees.
	if fake.BlobSHA("hello\n") != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Error("BlobSHA is not git's")
	}
}
