package html

// TestBrowser opens rendered reports in a real headless Chromium through the
// DevTools protocol (chromedp) and checks what only a browser can tell: that
// the page loads with no console message, no CSP violation and no request
// besides itself, that hostile report text stays text, that every result and
// count of the report is on the page, and that the renderer's promises
// (readable without script, passing checks collapsed but reachable from the
// task table, status never shown by colour alone) hold.
//
// The page is served by an httptest server on loopback rather than opened
// as a file: the server is a second witness that counts every request the
// browser makes (a file:// page could read sibling files without a trace),
// the page gets an ordinary http origin as it does when a CI system serves
// the report, and the server sends "text/html" without a charset, so the
// page's own <meta charset> must make non-ASCII text right.
//
// It needs Chromium (sharedtest.RequireChromium): it skips without one, and
// fails under SSDF_REQUIRE_SERVICES=1.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ssdf-dev/ssdf/internal/sharedtest/chromiumtest"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

// Hostile strings put in every place of browserReport where report text is
// shown. Each must come out as text.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	`'><svg onload=alert(3)>`,
	`</details></article></main><h1 id="summary">forged</h1>`,
	`<link rel=stylesheet href=//evil.example/x.css><style>@import url(/x.css)</style>`,
	`<iframe src="javascript:alert(4)"></iframe><a href="javascript:alert(5)">x</a>`,
}

// nonASCII is text in several scripts, with an emoji outside the BMP.
const nonASCII = "Prüfung für Ärger — 日本語のテキスト · Ελληνικά · עברית · 🚨"

// browserReport is a realistic report: every status, required and advisory
// checks, findings with and without paths and lines, and hostile and
// non-ASCII text in target, titles, reasons, findings, remediation and
// details.
func browserReport() *report.Report {
	h := strings.Join(hostile, " ")
	return &report.Report{
		Schema:      report.Schema,
		Tool:        report.Tool{Name: "ssdf", Version: "0.1.0"},
		GeneratedAt: time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC),
		Target: report.Target{
			Kind: "repository", URL: "https://github.com/acme/widget", Forge: "github",
			Branch: "main " + hostile[0], Commit: "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
		},
		Policy:  report.Policy{Source: ".ssdf.yaml", Digest: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		Summary: report.Summary{Pass: 2, Fail: 2, Unknown: 1, NotApplicable: 1, Waived: 1},
		Tasks: []report.Task{
			{ID: "PO.2.1", Title: "Code owners are designated " + hostile[1], Status: report.StatusFail,
				Checks: []string{"codeowners-present", "codeowners-valid", "codeowners-reviewed"}},
			{ID: "PO.3.2", Title: "Pipelines are defined as code — " + nonASCII, Status: report.StatusFail,
				Checks: []string{"build-lockfile", "pipeline-pinned-actions", "build-provenance"}},
			{ID: "PO.5.1", Title: "Environments are protected", Status: report.StatusPass,
				Checks: []string{"access-ssh-only"}},
		},
		Results: []report.Result{
			{
				Check: "codeowners-valid", Title: "CODEOWNERS parses " + hostile[2], Tasks: []string{"PO.2.1"},
				Required: true, Status: report.StatusFail,
				Reason: "2 of 14 rules name owners that do not exist: " + h,
				Findings: []report.Finding{
					{Message: "owner @ghost not found " + hostile[0], Path: ".github/CODEOWNERS", Line: 7},
					{Message: hostile[1] + " " + nonASCII, Path: "docs/" + hostile[0] + ".md", Line: 12},
					{Message: "team @acme/sécurité has no write access", Path: "CODEOWNERS"},
					{Message: "the default branch has no CODEOWNERS rule for /" + hostile[3]},
				},
				Details:     json.RawMessage(`{"note": "</pre><script>alert(6)</script>", "owners": ["@ghost", "@acme/sécurité"]}`),
				Remediation: "Fix the owners, or remove the rules: " + hostile[5],
			},
			{
				Check: "build-lockfile", Title: "Dependencies are locked", Tasks: []string{"PO.3.2"},
				Required: true, Status: report.StatusFail,
				Reason:   "package.json has no lock file.",
				Findings: []report.Finding{{Message: "no package-lock.json beside it", Path: "web/package.json", Line: 1}},
			},
			{
				Check: "pipeline-pinned-actions", Title: "Actions are pinned to a commit", Tasks: []string{"PO.3.2"},
				Required: true, Status: report.StatusUnknown,
				Reason: "could not parse .github/workflows/ci.yml: yaml: line 3: " + hostile[4],
				Findings: []report.Finding{
					{Message: "${{ github.event.issue.title }} in run: " + nonASCII, Path: ".github/workflows/ci.yml", Line: 9},
				},
			},
			{
				Check: "codeowners-present", Title: "A CODEOWNERS file exists", Tasks: []string{"PO.2.1"},
				Required: true, Status: report.StatusPass, Reason: "found .github/CODEOWNERS",
			},
			{
				Check: "access-ssh-only", Title: "Only SSH keys, no passwords " + nonASCII, Tasks: []string{"PO.5.1"},
				Required: false, Status: report.StatusPass, Reason: "deploy keys only: " + hostile[3],
			},
			{
				Check: "build-provenance", Title: "Builds publish provenance", Tasks: []string{"PO.3.2"},
				Required: false, Status: report.StatusNotApplicable, Reason: "nothing is published",
			},
			{
				Check: "codeowners-reviewed", Title: "CODEOWNERS was reviewed this year", Tasks: []string{"PO.2.1"},
				Required: true, Status: report.StatusWaived,
				Reason:   "waived by Zoë Ångström until 2027-03-31 (REDMINE-4711): " + hostile[2],
				Findings: []report.Finding{{Message: "last review 2025-01-03 " + nonASCII, Path: ".github/CODEOWNERS", Line: 1}},
			},
			{
				Check: "zz-advisory", Title: "An advisory check no task names", Tasks: []string{},
				Required: false, Status: report.StatusFail, Reason: "advisory failure " + hostile[1],
			},
		},
	}
}

// statusText is how the page must show each status: a symbol and a word,
// never colour alone. A status it does not know is shown as unknown with
// its own word.
func statusText(status string) string {
	switch status {
	case report.StatusPass:
		return "✓ pass"
	case report.StatusFail:
		return "✗ fail"
	case report.StatusUnknown:
		return "? unknown"
	case report.StatusNotApplicable:
		return "– not applicable"
	case report.StatusWaived:
		return "≈ waived"
	}
	return "? " + clean(status)
}

// collapsedStatus says which statuses the page folds away in <details>.
func collapsedStatus(status string) bool {
	return status == report.StatusPass || status == report.StatusWaived || status == report.StatusNotApplicable
}

// tags are the elements the template writes. Report text adds none.
var tags = []string{
	"a", "article", "body", "caption", "code", "dd", "details", "dl", "dt", "footer", "h1", "h2", "h3", "h4",
	"head", "header", "html", "li", "main", "meta", "p", "pre", "section", "span", "strong", "style",
	"summary", "table", "tbody", "td", "th", "thead", "time", "title", "tr", "ul",
}

func TestBrowser(t *testing.T) {
	// One browser for every case; each case has its own browser context
	// (cookies, cache) and tab. The deadline bounds the whole test.
	browserCtx := chromiumtest.Start(t, 90*time.Second)

	// The realistic report, then the renderer's golden fixtures.
	cases := []golden.Fixture{{Name: "realistic", Report: browserReport()}}
	for _, fx := range append(cases, golden.Fixtures(t)...) {
		t.Run(fx.Name, func(t *testing.T) {
			l := load(t, browserCtx, []byte(render(t, fx.Report)), "", nil)
			l.checkQuiet(t)
			checkPage(t, fx.Report, l.page)
			if fx.Name == "realistic" {
				checkRealistic(t, fx.Report, l.page)
			}
		})
	}

	// A link from the task table to a passing check, which the page folds
	// away, must still show that check: the browser opens the <details>.
	t.Run("fragment-opens-details", func(t *testing.T) {
		r := browserReport()
		out := render(t, r)
		l := load(t, browserCtx, []byte(out), "#check-codeowners-present", nil)
		l.checkQuiet(t)
		a := l.page.article("codeowners-present")
		if a == nil {
			t.Fatal("no article for codeowners-present")
		}
		if !a.Visible || a.Collapsed {
			t.Errorf("after navigating to #check-codeowners-present the check is hidden (visible %v, collapsed %v)", a.Visible, a.Collapsed)
		}
	})

	// Text is readable in both colour schemes the page declares: every
	// text colour against the background it sits on reaches WCAG AA (4.5:1).
	for _, scheme := range []string{"light", "dark"} {
		t.Run("contrast-"+scheme, func(t *testing.T) {
			out := render(t, browserReport())
			l := load(t, browserCtx, []byte(out), "#check-codeowners-present", &emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			l.checkQuiet(t)
			if l.page.Scheme != scheme {
				t.Fatalf("the page sees prefers-color-scheme %q, want %q", l.page.Scheme, scheme)
			}
			chromiumtest.CheckContrast(t, l.page.Contrast)
		})
	}

	// On paper nothing unfolds: printed, every check is shown, with its
	// details.
	t.Run("print-shows-every-check", func(t *testing.T) {
		r := browserReport()
		l := load(t, browserCtx, []byte(render(t, r)), "", &emulation.SetEmulatedMediaParams{Media: "print"})
		l.checkQuiet(t)
		if len(l.page.Articles) == 0 {
			t.Fatal("no checks on the page")
		}
		for _, a := range l.page.Articles {
			if !a.Visible {
				t.Errorf("check %s is not printed", a.Code)
			}
		}
		if l.page.HiddenDetails != 0 {
			t.Errorf("%d <details> bodies are not printed", l.page.HiddenDetails)
		}
	})

	// The controls show that the detectors can fail: a page that breaks
	// each rule is caught.
	t.Run("control-csp-blocks-and-reports", func(t *testing.T) {
		// A resource and a script slipped in after the renderer's CSP (as
		// if escaping had failed): the browser must refuse them and say so.
		out := render(t, browserReport())
		out = strings.Replace(out, "<body>", `<body><img src="/probe.png" alt=""><link rel="stylesheet" href="/probe.css"><script>alert("probe")</script>`, 1)
		l := load(t, browserCtx, []byte(out), "", nil)
		if len(l.CSP) == 0 {
			t.Errorf("no CSP violation reported for an injected image and stylesheet; console %q, issues %q", l.Console, l.Issues)
		}
		if len(l.Dialogs) > 0 {
			t.Errorf("the CSP let an inline script open a dialog: %q", l.Dialogs)
		}
		for _, req := range l.served {
			if strings.Contains(req, "/probe") {
				t.Errorf("the CSP did not block %s", req)
			}
		}
	})
	t.Run("control-detectors", func(t *testing.T) {
		// Without the CSP, script runs and resources load: the dialog,
		// console and network detectors must see it.
		out := render(t, browserReport())
		out = strings.Replace(out, `<meta http-equiv="Content-Security-Policy"`, `<meta name="no-csp"`, 1)
		out = strings.Replace(out, "<body>", `<body><link rel="stylesheet" href="/probe.css"><script>console.error("probe"); alert("probe")</script>`, 1)
		l := load(t, browserCtx, []byte(out), "", nil)
		if len(l.Dialogs) == 0 {
			t.Error("no dialog seen for alert()")
		}
		if len(l.Console) == 0 {
			t.Error("no console message seen for console.error()")
		}
		if len(l.Requests) < 2 || len(l.served) < 2 {
			t.Errorf("the stylesheet request was not seen: browser %q, server %q", l.Requests, l.served)
		}
		if l.page.Scripts == 0 {
			t.Error("the page model counts no <script>")
		}
	})
}

// loaded is what loading one report page showed: what the tab saw, the
// requests the server answered, and the page model.
type loaded struct {
	*chromiumtest.Tab
	served []string // requests the server answered
	page   pageModel
}

// load serves doc on loopback, opens it (plus fragment) in a new browser
// context and tab, and returns what the tab reported, what the server
// answered and the page model.
func load(t *testing.T, browserCtx context.Context, doc []byte, fragment string, media *emulation.SetEmulatedMediaParams) *loaded {
	t.Helper()
	var (
		mu     sync.Mutex
		served []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		served = append(served, req.Method+" "+req.URL.Path)
		mu.Unlock()
		if req.URL.Path != "/report.html" {
			http.NotFound(w, req)
			return
		}
		// No charset: the page's <meta charset> must do.
		w.Header().Set("Content-Type", "text/html")
		w.Write(doc)
	}))
	defer srv.Close()
	l := &loaded{Tab: chromiumtest.Load(t, browserCtx, srv.URL+"/report.html"+fragment, media, pageModelJS)}
	if err := json.Unmarshal([]byte(l.Model), &l.page); err != nil {
		t.Fatalf("read the page: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	l.served = slices.Clone(served)
	return l
}

// checkQuiet checks that loading the page logged nothing, violated no CSP,
// raised no DevTools issue, opened no dialog, and requested nothing but
// itself, as the tab and as the server saw it.
func (l *loaded) checkQuiet(t *testing.T) {
	t.Helper()
	l.Quiet(t)
	if want := []string{"GET /report.html"}; !slices.Equal(l.served, want) {
		t.Errorf("the server answered %q, want only %q", l.served, want)
	}
}

// pageModel is what pageModelJS reads from the DOM.
type pageModel struct {
	CharSet       string
	Title         string
	Target        string // the header's Target entry
	Scripts       int
	Tags          []string // distinct element names
	Handlers      []string // attributes on*
	URLAttrs      []string // href, src, action, … other than "#…" and the target URL
	BodyText      string
	Overall       string
	Summary       []string
	StyleApplied  bool
	Tasks         []taskModel
	Articles      []articleModel
	UnknownRefs   []string // hrefs whose target is missing
	Scheme        string   // the prefers-color-scheme the page sees
	HiddenDetails int      // <details> whose content is not shown
	Contrast      []chromiumtest.Contrast
}

type taskModel struct {
	ID, Title, Badge string
	Checks           []taskCheckModel
}

type taskCheckModel struct {
	Text, Word, Target string // Target: the check ID shown at the link's target
}

type articleModel struct {
	ID, Code, Badge, BadgeClass, Reason, Remediation string
	Findings                                         []string
	Labelled, Visible, Collapsed                     bool
}

func (p pageModel) article(check string) *articleModel {
	for i := range p.Articles {
		if p.Articles[i].Code == clean(check) {
			return &p.Articles[i]
		}
	}
	return nil
}

// pageModelJS reads the page through DevTools (Runtime.evaluate), which the
// page's CSP does not govern; the page itself runs no script.
const pageModelJS = `(() => {
const text = e => e ? e.textContent : "";
const shown = e => e.checkVisibility();
const tags = new Set(), handlers = [], urls = [];
for (const e of document.querySelectorAll("*")) {
  tags.add(e.localName);
  for (const a of e.attributes) {
    if (a.name.startsWith("on")) handlers.push(e.localName + " " + a.name);
    if (["href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"].includes(a.name) && !a.value.startsWith("#")) urls.push(e.localName + " " + a.name + "=" + a.value);
  }
}
const badge = document.querySelector("article .badge");
const plain = document.createElement("span");
document.body.appendChild(plain);
const styled = badge && getComputedStyle(badge).borderTopStyle === "solid" && getComputedStyle(badge).fontWeight !== getComputedStyle(plain).fontWeight;
plain.remove();
const summary = document.querySelector("section[aria-labelledby=summary]");
const unknownRefs = [];
const tasks = [...document.querySelectorAll("section[aria-labelledby=tasks] tbody tr")].map(tr => ({
  ID: text(tr.querySelector("th")),
  Title: text(tr.querySelector("td")),
  Badge: text(tr.querySelector("td .badge")),
  Checks: [...tr.querySelectorAll("li")].map(li => {
    const a = li.querySelector("a");
    const href = a ? a.getAttribute("href") : "";
    const target = href.startsWith("#") ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    if (!target) unknownRefs.push(href);
    return {Text: text(a), Word: text(li.querySelector("span")), Target: target ? text(target.querySelector("h3 code")) : ""};
  }),
}));
const articles = [...document.querySelectorAll("article")].map(a => ({
  ID: a.id,
  Code: text(a.querySelector("h3 code")),
  Badge: text(a.querySelector("h3 .badge")),
  BadgeClass: a.querySelector("h3 .badge") ? a.querySelector("h3 .badge").className : "",
  Reason: text(a.querySelector(":scope > p.prose")),
  Remediation: text(a.querySelector(":scope > p > .prose")),
  Findings: [...a.querySelectorAll("ul.findings > li")].map(text),
  Labelled: !!document.getElementById(a.getAttribute("aria-labelledby")),
  Visible: shown(a),
  Collapsed: !!a.closest("details:not([open])"),
}));
return JSON.stringify({
  HiddenDetails: [...document.querySelectorAll("details")].filter(d => ![...d.children].filter(c => c.localName !== "summary").every(c => c.checkVisibility())).length,
  Scheme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
  Contrast: ` + chromiumtest.ContrastJS + `,
  CharSet: document.characterSet,
  Title: document.title,
  Target: text([...document.querySelectorAll("header dt")].find(dt => dt.textContent === "Target")?.nextElementSibling),
  Scripts: document.scripts.length,
  Tags: [...tags].sort(),
  Handlers: handlers,
  URLAttrs: urls,
  BodyText: document.body.textContent,
  Overall: text(document.querySelector("header .badge")),
  Summary: summary ? [...summary.querySelectorAll("li")].map(li => li.textContent.trim()) : [],
  StyleApplied: !!styled,
  Tasks: tasks,
  Articles: articles,
  UnknownRefs: unknownRefs,
});
})()`

// checkPage compares the page with the report it was rendered from.
func checkPage(t *testing.T, r *report.Report, p pageModel) {
	t.Helper()
	if p.CharSet != "UTF-8" {
		t.Errorf("document.characterSet = %q, want UTF-8", p.CharSet)
	}
	// The title and the header name the target.
	name := clean(r.Target.Name())
	if want := strings.Join(strings.Fields("SSDF report: "+name), " "); p.Title != want {
		t.Errorf("title %q, want %q", p.Title, want)
	}
	if !strings.HasPrefix(p.Target, name) {
		t.Errorf("header names the target %q, want %q", p.Target, name)
	}
	// No script, no handler, nothing that loads: the page works without
	// script because it has none.
	if p.Scripts != 0 {
		t.Errorf("the page has %d <script> elements", p.Scripts)
	}
	for _, h := range p.Handlers {
		t.Errorf("event handler attribute: %s", h)
	}
	for _, tag := range p.Tags {
		if !slices.Contains(tags, tag) {
			t.Errorf("element <%s> is not one the template writes: report text became markup", tag)
		}
	}
	for _, u := range p.URLAttrs {
		if r.Target.URL == "" || !strings.HasSuffix(u, "="+r.Target.URL) {
			t.Errorf("URL attribute other than the target's: %s", u)
		}
	}
	for _, ref := range p.UnknownRefs {
		t.Errorf("task table link %q has no target", ref)
	}
	if len(r.AllResults()) > 0 && !p.StyleApplied {
		t.Error("the inline stylesheet was not applied (badges unstyled)")
	}

	if want := statusText(r.Status()); p.Overall != want {
		t.Errorf("overall status shows %q, want %q", p.Overall, want)
	}
	s := r.Summary
	wantSummary := []string{
		fmt.Sprintf("%s %d", statusText(report.StatusPass), s.Pass),
		fmt.Sprintf("%s %d", statusText(report.StatusFail), s.Fail),
		fmt.Sprintf("%s %d", statusText(report.StatusUnknown), s.Unknown),
		fmt.Sprintf("%s %d", statusText(report.StatusNotApplicable), s.NotApplicable),
		fmt.Sprintf("%s %d", statusText(report.StatusWaived), s.Waived),
	}
	if diff := cmp.Diff(wantSummary, p.Summary); diff != "" {
		t.Errorf("summary counts (-want +got):\n%s", diff)
	}

	// Every task, with each check it names and that check's status.
	status := make(map[string]string)
	for _, res := range r.AllResults() {
		if _, ok := status[res.Check]; !ok {
			status[res.Check] = res.Status
		}
	}
	var wantTasks []taskModel
	for _, task := range r.Tasks {
		tm := taskModel{ID: clean(task.ID), Title: clean(task.Title), Badge: statusText(task.Status)}
		for _, id := range task.Checks {
			word := strings.SplitN(statusText(status[id]), " ", 2)[1]
			tm.Checks = append(tm.Checks, taskCheckModel{Text: clean(id), Word: word, Target: clean(id)})
		}
		wantTasks = append(wantTasks, tm)
	}
	if diff := cmp.Diff(wantTasks, p.Tasks, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("task table (-want +got):\n%s", diff)
	}

	// Every check: once, with its status, reason, findings and remediation,
	// folded away exactly when it passed, was waived or does not apply.
	var want []articleModel
	for _, res := range r.AllResults() {
		if slices.ContainsFunc(want, func(a articleModel) bool { return a.Code == clean(res.Check) }) {
			continue
		}
		a := articleModel{
			Code:        clean(res.Check),
			Badge:       statusText(res.Status),
			Reason:      clean(strings.TrimSpace(res.Reason)),
			Remediation: clean(strings.TrimSpace(res.Remediation)),
			Labelled:    true,
			Visible:     !collapsedStatus(res.Status),
			Collapsed:   collapsedStatus(res.Status),
		}
		for _, f := range res.Findings {
			loc := f.Path
			if loc != "" && f.Line > 0 {
				loc += fmt.Sprintf(":%d", f.Line)
			}
			msg := clean(strings.TrimRight(f.Message, "\n"))
			switch {
			case loc != "" && msg != "":
				a.Findings = append(a.Findings, clean(loc)+": "+msg)
			default:
				a.Findings = append(a.Findings, clean(loc)+msg)
			}
		}
		want = append(want, a)
	}
	got := slices.Clone(p.Articles)
	for i := range got {
		got[i].ID, got[i].BadgeClass = "", ""
	}
	sortByCode := func(a, b articleModel) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(want, sortByCode)
	slices.SortFunc(got, sortByCode)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	// Colour is never the only signal, but it must match the word.
	for _, a := range p.Articles {
		word := strings.SplitN(a.Badge, " ", 2)[len(strings.SplitN(a.Badge, " ", 2))-1]
		class := map[string]string{"pass": "st-pass", "fail": "st-fail", "waived": "st-waived", "not applicable": "st-na"}[word]
		if class == "" {
			class = "st-unknown"
		}
		if a.BadgeClass != "badge "+class {
			t.Errorf("check %s: badge %q has class %q, want %q", a.Code, a.Badge, a.BadgeClass, "badge "+class)
		}
	}
}

// checkRealistic checks the hostile and non-ASCII text of browserReport.
func checkRealistic(t *testing.T, r *report.Report, p pageModel) {
	t.Helper()
	for _, h := range append(slices.Clone(hostile), nonASCII, "Zoë Ångström", "@acme/sécurité") {
		if !strings.Contains(p.BodyText, h) {
			t.Errorf("the page text lacks %q", h)
		}
	}
	// The failing checks come first, then the unknown one; the rest are
	// folded.
	var order []string
	for _, a := range p.Articles {
		order = append(order, a.Code)
	}
	want := []string{"codeowners-valid", "build-lockfile", "zz-advisory", "pipeline-pinned-actions",
		"codeowners-present", "access-ssh-only", "build-provenance", "codeowners-reviewed"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order of checks (-want +got):\n%s", diff)
	}
	if len(r.Results) != len(want) {
		t.Errorf("browserReport has %d results, the order lists %d", len(r.Results), len(want))
	}
}
