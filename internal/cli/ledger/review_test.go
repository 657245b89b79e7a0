package ledger_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/forge/fake"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func decisionEnv(t *testing.T) (env []string, dir, db string) {
	dir = t.TempDir()
	env = []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "SOURCE_DATE_EPOCH=1795694400", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
	return env, dir, filepath.Join(dir, "l", "ledger.db")
}

func entries(t *testing.T, env []string, db string) []ledgerlib.Record {
	t.Helper()
	code, stdout, stderr := run(t, env, "ledger", "list", "--ledger", db)
	if code != 0 {
		t.Fatalf("list: %d %s", code, stderr)
	}
	var out []ledgerlib.Record
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		r, err := ledgerlib.Decode([]byte(strings.SplitN(l, "\t", 2)[1]))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestReviewCodeowners(t *testing.T) {
	env, dir, db := decisionEnv(t)
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(filepath.Join(repo, ".github"), 0o755)
	text := "* @acme/maintainers\n"
	os.WriteFile(filepath.Join(repo, ".github", "CODEOWNERS"), []byte(text), 0o644)

	if code, _, stderr := run(t, env, "ledger", "review", "codeowners", repo, "--ledger", db); code != 2 || !strings.Contains(stderr, "--by is required") {
		t.Fatalf("without --by: %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, env, "ledger", "review", "codeowners", repo, "--by", "alice", "--ledger", db)
	if code != 0 || !strings.Contains(stdout, "recorded the review of .github/CODEOWNERS ("+snapshot.ContentDigest(text)+") by alice as entry 0") {
		t.Fatalf("review: %d %s %s", code, stdout, stderr)
	}
	rs := entries(t, env, db)
	r := rs[0].(ledgerlib.Review)
	if r.Subject != "codeowners" || r.Digest != snapshot.ContentDigest(text) || r.By != "alice" || r.At.Unix() != 1795694400 {
		t.Errorf("entry %+v", r)
	}
	// The scan reads the review back: codeowners-reviewed passes without
	// git history, naming the reviewer.
	report := filepath.Join(dir, "report.json")
	code, _, stderr = run(t, env, "scan", repo, "--checks", "codeowners-reviewed", "--format", "json", "--output", report, "--ledger", db)
	b, _ := os.ReadFile(report)
	if code != 0 || !strings.Contains(string(b), `"reviewedBy": "alice"`) {
		t.Fatalf("scan: %d %s\n%s", code, stderr, b)
	}
	// No CODEOWNERS: a usage error.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	if code, _, stderr := run(t, env, "ledger", "review", "codeowners", empty, "--by", "alice", "--ledger", db); code != 2 || !strings.Contains(stderr, "no CODEOWNERS content to review") {
		t.Fatalf("no codeowners: %d %s", code, stderr)
	}
}

func TestReviewOwners(t *testing.T) {
	env, _, db := decisionEnv(t)
	if code, _, stderr := run(t, env, "ledger", "review", "owners", "--org", "github.com/acme", "--by", "carol", "--ledger", db); code != 2 || !strings.Contains(stderr, "no --owners and no GITHUB_TOKEN or GH_TOKEN") {
		t.Fatalf("without --owners or a token: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, env, "ledger", "review", "owners", "--by", "carol", "--owners", "a", "--ledger", db); code != 2 || !strings.Contains(stderr, "--org is required") {
		t.Fatalf("without --org: %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, env, "ledger", "review", "owners", "--org", "github.com/acme", "--by", "carol", "--owners", "bob,alice,bob", "--ledger", db)
	if code != 0 || !strings.Contains(stdout, "owners of github.com/acme (alice, bob, as given with --owners) by carol as entry 0") {
		t.Fatalf("review owners: %d %s %s", code, stdout, stderr)
	}
	r := entries(t, env, db)[0].(ledgerlib.Review)
	if r.Subject != "owners" || r.Org != "github.com/acme" || strings.Join(r.Owners, ",") != "alice,bob" || r.By != "carol" {
		t.Errorf("entry %+v", r)
	}
}

func TestException(t *testing.T) {
	env, dir, db := decisionEnv(t)
	pol := filepath.Join(dir, "policy.yaml")
	os.WriteFile(pol, []byte("version: 1\napprovers: [alice, bob]\n"), 0o644)
	base := []string{"--check", "build-lockfile", "--ticket", "WID-7", "--ledger", db}
	ex := func(args ...string) (int, string, string) {
		return run(t, env, append(append([]string{"ledger", "exception"}, args...), base...)...)
	}
	// Usage errors.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"request", "--by", "alice"}, "--reason is required"},
		{[]string{"approve", "--by", "bob", "--policy", pol}, "--expires is required"},
		{[]string{"approve", "--by", "bob", "--expires", "31/03/2027", "--policy", pol}, "want a date YYYY-MM-DD"},
		{[]string{"approve", "--by", "bob", "--expires", "2026-01-01", "--policy", pol}, "already past"},
		// No request recorded yet.
		{[]string{"approve", "--by", "bob", "--expires", "2027-03-31", "--policy", pol}, "no request for build-lockfile on ticket WID-7 is recorded"},
	} {
		if code, _, stderr := ex(c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: %d %s, want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if code, _, stderr := run(t, env, "ledger", "exception", "request", "--check", "no-such-check", "--ticket", "T", "--by", "a", "--reason", "r", "--ledger", db); code != 2 || !strings.Contains(stderr, `unknown check "no-such-check"`) {
		t.Errorf("unknown check: %d %s", code, stderr)
	}
	if code, stdout, stderr := ex("request", "--by", "alice", "--reason", "vendored tool", "--expires", "2027-03-31"); code != 0 || !strings.Contains(stdout, "recorded the exception request for build-lockfile (ticket WID-7) by alice") {
		t.Fatalf("request: %d %s %s", code, stdout, stderr)
	}
	// Self-approval is refused, also through --approver.
	for _, args := range [][]string{
		{"approve", "--by", "alice", "--expires", "2027-03-31", "--policy", pol},
		{"approve", "--by", "bob", "--approver", "alice", "--expires", "2027-03-31", "--policy", pol},
	} {
		if code, _, stderr := ex(args...); code != 2 || !strings.Contains(stderr, "self-approval refused: alice requested the exception for build-lockfile on ticket WID-7") {
			t.Errorf("%v: %d %s", args, code, stderr)
		}
	}
	// An approver not in the policy is refused; so is any approver under a
	// policy that lists none.
	if code, _, stderr := ex("approve", "--by", "mallory", "--expires", "2027-03-31", "--policy", pol); code != 2 || !strings.Contains(stderr, "mallory is not an approver: "+pol+" lists alice, bob") {
		t.Errorf("not an approver: %d %s", code, stderr)
	}
	if code, _, stderr := ex("reject", "--by", "bob"); code != 2 || !strings.Contains(stderr, "lists no approvers") {
		t.Errorf("no approvers: %d %s", code, stderr)
	}
	if code, stdout, stderr := ex("approve", "--by", "bob", "--expires", "2027-03-31", "--policy", pol); code != 0 || !strings.Contains(stdout, "exception approve for build-lockfile (ticket WID-7) by bob") {
		t.Fatalf("approve: %d %s %s", code, stdout, stderr)
	}
	// A rejection needs no recorded request.
	if code, _, stderr := run(t, env, "ledger", "exception", "reject", "--check", "build-hermetic", "--ticket", "WID-8", "--by", "alice", "--policy", pol, "--ledger", db); code != 0 {
		t.Fatalf("reject: %d %s", code, stderr)
	}
	rs := entries(t, env, db)
	if len(rs) != 3 {
		t.Fatalf("%d entries, want 3", len(rs))
	}
	a := rs[1].(ledgerlib.Exception)
	if a.Action != "approve" || a.Approver != "bob" || a.Expires != "2027-03-31" || a.Ticket != "WID-7" || a.Check != "build-lockfile" {
		t.Errorf("approval %+v", a)
	}
	if r := rs[2].(ledgerlib.Exception); r.Action != "reject" || r.Approver != "alice" {
		t.Errorf("rejection %+v", r)
	}
}

// TestReviewOwnersFromForge: without --owners the review records the
// owners the forge lists (as owners-reviewed will compare them), and
// records nothing when the forge cannot list them. The token is never
// printed.
func TestReviewOwnersFromForge(t *testing.T) {
	env, _, db := decisionEnv(t)
	gh := fake.GitHub(t, nil, fake.Enterprise())
	env = append(env, "GITHUB_TOKEN="+auditSecret)
	u, _ := url.Parse(gh.URL)
	org := u.Host + "/acme"
	args := []string{"ledger", "review", "owners", "--org", org, "--forge", "github", "--forge-url", gh.URL, "--by", "carol", "--ledger", db}
	code, stdout, stderr := run(t, env, args...)
	noSecret(t, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "owners of "+org+" (alice, bob, as the forge lists them) by carol as entry 0") {
		t.Fatalf("review owners from the forge: %d %s %s", code, stdout, stderr)
	}
	r := entries(t, env, db)[0].(ledgerlib.Review)
	if r.Subject != "owners" || r.Org != org || strings.Join(r.Owners, ",") != "alice,bob" {
		t.Errorf("entry %+v", r)
	}
	gh.Inject(fake.Fault{Path: "/orgs/acme/members", Status: 403, Body: `{"message":"Must have admin rights"}`, EchoAuth: true})
	code, stdout, stderr = run(t, env, args...)
	noSecret(t, stdout, stderr)
	if code != 3 || !strings.Contains(stderr, "did not list the owners") {
		t.Fatalf("forge refuses: %d %s %s", code, stdout, stderr)
	}
	if n := len(entries(t, env, db)); n != 1 {
		t.Errorf("%d entries after a refused read, want 1", n)
	}
}
