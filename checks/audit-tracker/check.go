// Package audittracker implements the check audit-tracker (PO.3.3): an
// issue tracker is the designated system of record.
package audittracker

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is audit-tracker.
var Check = &check.Check{
	ID:      "audit-tracker",
	Title:   "An issue tracker is the designated system of record",
	Tasks:   []string{"PO.3.3"},
	Sources: []check.Source{check.Files, check.Forge, check.Policy},
	Doc: `An issue tracker is designated as the system of record for the work, its approvals and its exceptions.

The evidence, in this order:

1. The policy names one: ` + "`tracker:`" + ` with a ` + "`kind`" + ` of ` + "`github`, `gitlab`, `bugzilla`, `redmine`, `mantis`" + ` or ` + "`trac`" + `.
2. Package metadata at the root names one (SPEC §3 names paths from the root unless it says "anywhere"; the package metadata of a monorepo's members is not read):
   - ` + "`package.json`" + ` — ` + "`bugs`" + `, a URL string or an object with a ` + "`url`" + ` (an object with only an ` + "`email`" + ` names a mailbox, not a tracker);
   - ` + "`pyproject.toml`" + ` — a ` + "`[project.urls]`" + ` entry (or Poetry's ` + "`[tool.poetry.urls]`" + `, which becomes the same metadata) whose label, normalised as PEP 753 does (lower case, spaces and punctuation removed), is ` + "`issues`, `issue`, `issuetracker`, `bugs`, `bug`, `bugtracker`, `bugreports`, `bugreport`" + ` or ` + "`tracker`" + `, or ends in ` + "`issues`, `issuetracker`, `bugs`, `bugtracker`, `bugreports`" + ` or ` + "`bugreport`" + ` — so "Issues", "Bug Tracker", "Bug Reports", "issue-tracker", "GitHub: issues" all count;
   - ` + "`Cargo.toml`" + ` — Cargo has no tracker key: a ` + "`[package.metadata]`" + ` entry (or one table below it) with one of the labels above. ` + "`repository`" + ` says where the code lives, not which tracker is the system of record, and designates nothing;
   - ` + "`composer.json`" + ` — ` + "`support.issues`" + `;
   - ` + "`pom.xml`" + ` — ` + "`<issueManagement><url>`" + ` of the project (Maven's tracker element; SPEC's list is not called exhaustive).
   Values must be http(s) URLs.
3. The forge has issues enabled (forge part): GitHub ` + "`has_issues`" + `, GitLab ` + "`issues_enabled`" + `; the forge's own issues are then the tracker.

**pass** — the policy or package metadata names a tracker, or the forge has issues enabled. Details: ` + "`tracker`" + ` — ` + "`kind`" + ` (one of the policy's kinds, inferred from the URL for package metadata, ` + "`other`" + ` when it is none of them; ` + "`github`" + ` or ` + "`gitlab`" + ` for the forge's issues), ` + "`url`" + `, ` + "`project`" + `, ` + "`source`" + ` (the file, or ` + "`forge`" + `) and ` + "`key`" + ` (for the forge, ` + "`has_issues`" + ` or ` + "`issues_enabled`" + `).

**unknown** — none of them names one and the forge was not read ("no evidence in the files; forge not consulted") or could not show whether issues are enabled (the reason names the missing permission); also when a manifest could not be read or parsed, or the walk was cut short.

**fail** — neither names one and the forge, read, shows issues disabled.

Manifests that name something unusable (an e-mail address, a relative path) are reported as findings.`,
	Remediation: "Name the tracker that is your system of record in the ssdf policy, for example `tracker: {kind: github}` or `tracker: {kind: redmine, url: https://redmine.example.org, project: widget}`, and keep issues enabled on the forge when the forge is the tracker. Package metadata helps users find it too: `bugs` in `package.json`, an `Issues` entry in `[project.urls]` of `pyproject.toml`, `support.issues` in `composer.json`.",
	Run:         run,
}

// Tracker is the designated tracker and where it was named.
type Tracker struct {
	Kind    string `json:"kind"`
	URL     string `json:"url,omitempty"`
	Project string `json:"project,omitempty"`
	Source  string `json:"source"`
	Key     string `json:"key,omitempty"`
}

type details struct {
	Tracker Tracker `json:"tracker"`
}

// trackerLabels are the normalised labels (PEP 753) that name an issue
// tracker.
var trackerLabels = []string{"issues", "issue", "issuetracker", "bugs", "bug", "bugtracker", "bugreports", "bugreport", "tracker"}

// trackerSuffixes: a label that ends in one of these names a tracker too
// ("GitHub: issues", "GitLab Issues", "Report a bug reports"…); "bug",
// "issue" and "tracker" alone are not suffixes ("Debug").
var trackerSuffixes = []string{"issues", "issuetracker", "bugs", "bugtracker", "bugreports", "bugreport"}

func isTrackerLabel(label string) bool {
	n := normalise(label)
	if slices.Contains(trackerLabels, n) {
		return true
	}
	for _, suf := range trackerSuffixes {
		if strings.HasSuffix(n, suf) {
			return true
		}
	}
	return false
}

func run(p *check.Pass) check.Result {
	if t := p.Policy.Tracker; t != nil && slices.Contains(policy.TrackerKinds, t.Kind) {
		tr := Tracker{Kind: t.Kind, URL: t.URL, Project: t.Project, Source: policySource(p), Key: "tracker"}
		where := t.Kind
		if t.URL != "" {
			where += " at " + t.URL
		}
		if t.Project != "" {
			where += ", project " + t.Project
		}
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("the policy (%s) names the tracker: %s", tr.Source, where),
			Details: details{Tracker: tr},
		}
	}

	tree := p.Snapshot.Tree
	var manifests []string
	for f := range tree.Contents {
		// SPEC §3: paths are relative to the root unless they say
		// "anywhere", and this row does not: only the root's metadata
		// designates the repository's tracker.
		if strings.Contains(f, "/") {
			continue
		}
		switch strings.ToLower(path.Base(f)) {
		case "package.json", "pyproject.toml", "cargo.toml", "composer.json", "pom.xml":
			manifests = append(manifests, f)
		}
	}
	slices.SortFunc(manifests, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), cmp.Compare(a, b))
	})

	var findings []check.Finding
	var unread []string
	for _, f := range manifests {
		c := tree.Contents[f]
		if c.Skipped != "" {
			unread = append(unread, f)
			findings = append(findings, check.Finding{Path: f, Message: "not read (" + c.Skipped + "), so it could not be checked for a tracker"})
			continue
		}
		tr, problems, err := fromManifest(f, c.Text)
		if err != nil {
			unread = append(unread, f)
			findings = append(findings, check.Finding{Path: f, Message: "could not be parsed, so it could not be checked for a tracker: " + err.Error()})
			continue
		}
		for _, m := range problems {
			findings = append(findings, check.Finding{Path: f, Message: m})
		}
		if tr != nil {
			return check.Result{Status: check.Passed, Reason: fmt.Sprintf("%s names the issue tracker %s (%s)", f, tr.URL, tr.Key), Details: details{Tracker: *tr}}
		}
	}

	issues := check.FactOf("whether issues are enabled", snapshot.Fact[bool]{})
	if f := p.Snapshot.Forge; f.Consulted && f.Repo != nil {
		issues = check.FactOf("whether issues are enabled", f.Repo.HasIssues)
		if f.Repo.HasIssues.Known() && f.Repo.HasIssues.Value {
			tr := forgeIssues(f)
			return check.Result{
				Status:   check.Passed,
				Reason:   fmt.Sprintf("the forge has issues enabled (%s), so %s's issues are the tracker", tr.Key, forgeName(tr.Kind)),
				Findings: findings,
				Details:  details{Tracker: tr},
			}
		}
	}

	var r check.Result
	switch {
	case tree.Truncated:
		r = check.Resultf(check.Unknown, "neither the policy nor the package metadata found names a tracker, but the walk of the repository was cut short (%s)", tree.Error)
	case len(unread) > 0:
		r = check.Resultf(check.Unknown, "neither the policy nor the package metadata read names a tracker, and %s could not be read", strings.Join(unread, ", "))
	default:
		r = check.NoFileEvidence(p, "no tracker is designated: the policy names none, no package metadata names one, and the forge has issues disabled", issues)
	}
	r.Findings = findings
	return r
}

// forgeIssues is the forge's own issue tracker.
func forgeIssues(f snapshot.Forge) Tracker {
	tr := Tracker{Kind: f.Kind, Project: f.Repo.FullName, Source: "forge", Key: "has_issues"}
	if tr.Kind != "gitlab" {
		tr.Kind = "github"
	}
	web := webBase(f.Kind, f.BaseURL)
	switch {
	case tr.Kind == "gitlab":
		tr.Key = "issues_enabled"
		if web != "" && tr.Project != "" {
			tr.URL = web + "/" + tr.Project + "/-/issues"
		}
	case web != "" && tr.Project != "":
		tr.URL = web + "/" + tr.Project + "/issues"
	}
	return tr
}

// webBase derives the forge's web address from its API base: api.github.com
// is github.com, a GitHub Enterprise Server's /api/v3 and GitLab's /api/v4
// are dropped. An empty base is the hosted service.
func webBase(kind, api string) string {
	if api == "" {
		if kind == "gitlab" {
			return "https://gitlab.com"
		}
		return "https://github.com"
	}
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return ""
	}
	if strings.EqualFold(u.Host, "api.github.com") {
		return "https://github.com"
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v3")
	p = strings.TrimSuffix(p, "/api/v4")
	p = strings.TrimSuffix(p, "/api")
	return u.Scheme + "://" + u.Host + p
}

func forgeName(kind string) string {
	if kind == "gitlab" {
		return "GitLab"
	}
	return "GitHub"
}

func policySource(p *check.Pass) string {
	if p.Snapshot.Policy != nil && p.Snapshot.Policy.Source != "" {
		return p.Snapshot.Policy.Source
	}
	return ".ssdf.yaml"
}

// fromManifest reads the tracker a manifest names, if any. problems are
// values that look like a tracker but cannot be used; err means the file
// could not be parsed.
func fromManifest(file, text string) (tr *Tracker, problems []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			tr, problems, err = nil, nil, fmt.Errorf("the parser failed: %v", r)
		}
	}()
	switch strings.ToLower(path.Base(file)) {
	case "package.json":
		return packageJSON(file, text)
	case "composer.json":
		return composerJSON(file, text)
	case "pyproject.toml":
		return pyproject(file, text)
	case "cargo.toml":
		return cargo(file, text)
	case "pom.xml":
		return pomXML(file, text)
	}
	return nil, nil, nil
}

// pomXML reads Maven's <issueManagement><url> (google/gson names its
// GitHub issues there): SPEC's list of package metadata is not called
// exhaustive, and this is Maven's tracker element.
func pomXML(file, text string) (*Tracker, []string, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = false
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if len(stack) > 64 {
				return nil, nil, errors.New("nested too deep")
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			// project > issueManagement > url, not a profile's.
			if len(stack) == 3 && stack[0] == "project" && stack[1] == "issueManagement" && stack[2] == "url" {
				return named(file, "<issueManagement><url>", string(t))
			}
		}
	}
}

func packageJSON(file, text string) (*Tracker, []string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, nil, err
	}
	bugs := m["bugs"]
	if len(bugs) == 0 || string(bugs) == "null" {
		return nil, nil, nil
	}
	var s string
	if json.Unmarshal(bugs, &s) == nil {
		return named(file, "bugs", s)
	}
	var o struct {
		URL   string `json:"url"`
		Email string `json:"email"`
	}
	if err := json.Unmarshal(bugs, &o); err != nil {
		return nil, []string{"bugs is neither a URL string nor an object with a url"}, nil
	}
	if o.URL == "" {
		if o.Email != "" {
			return nil, []string{"bugs names only an e-mail address, not a tracker"}, nil
		}
		return nil, nil, nil
	}
	return named(file, "bugs.url", o.URL)
}

func composerJSON(file, text string) (*Tracker, []string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, nil, err
	}
	if len(m["support"]) == 0 {
		return nil, nil, nil
	}
	var support map[string]json.RawMessage
	if err := json.Unmarshal(m["support"], &support); err != nil {
		return nil, []string{"support is not an object"}, nil
	}
	raw, ok := support["issues"]
	if !ok {
		return nil, nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, []string{"support.issues is not a string"}, nil
	}
	return named(file, "support.issues", s)
}

func pyproject(file, text string) (*Tracker, []string, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(text), &m); err != nil {
		return nil, nil, err
	}
	var problems []string
	for _, table := range [][]string{{"project", "urls"}, {"tool", "poetry", "urls"}} {
		urls, _ := dig(m, table...).(map[string]any)
		for _, label := range sortedKeys(urls) {
			if !isTrackerLabel(label) {
				continue
			}
			s, ok := urls[label].(string)
			if !ok {
				problems = append(problems, fmt.Sprintf("[%s] %q is not a string", strings.Join(table, "."), label))
				continue
			}
			tr, p, _ := named(file, fmt.Sprintf("[%s] %s", strings.Join(table, "."), label), s)
			problems = append(problems, p...)
			if tr != nil {
				return tr, problems, nil
			}
		}
	}
	return nil, problems, nil
}

func cargo(file, text string) (*Tracker, []string, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(text), &m); err != nil {
		return nil, nil, err
	}
	var problems []string
	// An explicit tracker entry under [package.metadata], or one table below.
	meta, _ := dig(m, "package", "metadata").(map[string]any)
	tables := []string{""}
	for _, k := range sortedKeys(meta) {
		if _, ok := meta[k].(map[string]any); ok {
			tables = append(tables, k)
		}
	}
	for _, t := range tables {
		tbl, where := meta, "[package.metadata]"
		if t != "" {
			tbl, _ = meta[t].(map[string]any)
			where = "[package.metadata." + t + "]"
		}
		for _, k := range sortedKeys(tbl) {
			s, ok := tbl[k].(string)
			if !ok || !isTrackerLabel(k) {
				continue
			}
			tr, p, _ := named(file, where+" "+k, s)
			problems = append(problems, p...)
			if tr != nil {
				return tr, problems, nil
			}
		}
	}
	// `repository` says where the code lives, not which tracker is the
	// system of record: it designates nothing (hand labels of zoxide and
	// mio read it so; package.json's repository is not read either).
	return nil, problems, nil
}

// named checks that value is a usable tracker URL.
func named(file, key, value string) (*Tracker, []string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, nil, nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		what := "not an http(s) URL"
		if strings.Contains(value, "@") && !strings.Contains(value, "/") {
			what = "an e-mail address, not a tracker"
		}
		return nil, []string{fmt.Sprintf("%s is %s: %q", key, what, clip(value))}, nil
	}
	return &Tracker{Kind: kindOf(u), URL: value, Source: file, Key: key}, nil, nil
}

// kindOf infers the tracker kind from its URL.
func kindOf(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	p := strings.ToLower(u.Path)
	labels := strings.Split(host, ".")
	segs := strings.Split(p, "/")
	switch {
	case host == "github.com" || host == "www.github.com":
		return "github"
	case host == "gitlab.com" || labels[0] == "gitlab" || strings.Contains(p, "/-/issues"):
		return "gitlab"
	case strings.Contains(host, "bugzilla") || slices.Contains(segs, "bugzilla") ||
		strings.HasSuffix(p, "show_bug.cgi") || strings.HasSuffix(p, "enter_bug.cgi") || strings.HasSuffix(p, "buglist.cgi"):
		return "bugzilla"
	case strings.Contains(host, "redmine") || slices.Contains(segs, "redmine"):
		return "redmine"
	case strings.Contains(host, "mantis") || slices.Contains(segs, "mantis") || slices.Contains(segs, "mantisbt") ||
		strings.HasSuffix(p, "view_all_bug_page.php") || strings.HasSuffix(p, "bug_report_page.php"):
		return "mantis"
	case slices.Contains(labels, "trac") || slices.Contains(segs, "trac"):
		return "trac"
	}
	return "other"
}

// normalise applies PEP 753's label normalisation: lower case, only
// letters and digits.
func normalise(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dig(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	i := 80
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
