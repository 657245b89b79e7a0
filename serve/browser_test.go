package serve_test

// TestBrowser opens the dashboard in a real headless Chromium through the
// DevTools protocol (chromedp), as report/html's browser test does for the
// HTML report, and checks what only a browser can tell: each page loads
// with no console message, no CSP violation, no DevTools issue and no
// request besides the page itself; ledger text that is markup stays text;
// the statuses the overview shows are the ones the API serves; a tampered
// ledger is shown as such; and dark mode is readable.
//
// It needs Chromium (sharedtest.RequireChromium): it skips without one, and
// fails under SSDF_REQUIRE_SERVICES=1.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/internal/sharedtest/chromiumtest"
	"github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/serve"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// shownStatus is how the dashboard must show a task status: a symbol and
// a word, never colour alone; a task the scan did not record is not OK.
func shownStatus(s string) string {
	switch s {
	case "pass":
		return "✓ pass"
	case "fail":
		return "✗ fail"
	case "unknown":
		return "? unknown"
	case "not-applicable":
		return "– not applicable"
	case "waived":
		return "≈ waived"
	case "":
		return "? not recorded"
	}
	return "? " + s
}

// elements are those the dashboard's template writes; ledger text adds
// none.
var elements = []string{
	"a", "abbr", "body", "br", "caption", "code", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "head", "header",
	"html", "li", "main", "meta", "nav", "ol", "p", "pre", "section", "span", "strong", "style", "table", "tbody", "td",
	"th", "thead", "time", "title", "tr", "ul",
}

func TestBrowser(t *testing.T) {
	browser := chromiumtest.Start(t, 90*time.Second)
	f := newFixture(t)

	t.Run("overview", func(t *testing.T) {
		tab, p := load(t, browser, f.srv.URL, "/", nil)
		tab.Quiet(t)
		checkMarkup(t, p)
		if p.Integrity != "✓ verified" {
			t.Errorf("integrity badge %q, want ✓ verified", p.Integrity)
		}
		// The task table shows each target's latest scan as the API has it.
		var api serve.TargetsJSON
		f.getJSON(t, "/api/v1/targets", http.StatusOK, &api)
		var want []rowModel
		for _, tg := range api.Targets {
			r := rowModel{Target: tg.Target, Link: "/targets " + tg.Target}
			for _, task := range ssdf.Tasks {
				r.Cells = append(r.Cells, shownStatus(tg.Latest.Tasks[task.ID]))
			}
			want = append(want, r)
		}
		if diff := cmp.Diff(want, p.Rows); diff != "" {
			t.Errorf("targets × tasks (-want +got):\n%s", diff)
		}
		var heads []string
		for _, task := range ssdf.Tasks {
			heads = append(heads, task.ID)
		}
		if diff := cmp.Diff(append(append([]string{"Target"}, heads...), "Latest scan"), p.Heads); diff != "" {
			t.Errorf("table headers (-want +got):\n%s", diff)
		}
		// The overview shows the hostile target, reviewer and reason (the
		// hostile commit is in an older scan, on the history page).
		for _, h := range []string{evil, hostile[0], hostile[1], hostile[3]} {
			if !strings.Contains(p.Text, h) {
				t.Errorf("the page text lacks %q", h)
			}
		}
		if !strings.Contains(p.Text, "expires within 30 days") || !strings.Contains(p.Text, "pending a decision") {
			t.Error("the overview does not flag the expiring and the pending exception")
		}
	})

	// The history link of the hostile target leads to its history, which
	// shows what the API holds.
	t.Run("history", func(t *testing.T) {
		tab, p := load(t, browser, f.srv.URL, "/targets?target="+url.QueryEscape(evil), nil)
		tab.Quiet(t)
		checkMarkup(t, p)
		var h serve.HistoryJSON
		f.getJSON(t, "/api/v1/targets/history?target="+url.QueryEscape(evil), http.StatusOK, &h)
		var want [][]string
		for i := len(h.Scans) - 1; i >= 0; i-- {
			var cells []string
			for _, task := range ssdf.Tasks {
				cells = append(cells, shownStatus(h.Scans[i].Tasks[task.ID]))
			}
			want = append(want, cells)
		}
		var got [][]string
		for _, r := range p.History {
			got = append(got, r.Cells)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if !strings.Contains(p.Text, hostile[2]) {
			t.Errorf("the history page text lacks the hostile commit %q", hostile[2])
		}
		if !strings.Contains(p.Title, evil) {
			t.Errorf("title %q does not name the target as text", p.Title)
		}
	})

	for _, path := range []string{"/entries", "/entries?from=10&limit=3", "/entries/1", "/entries/10", "/entries/99"} {
		t.Run("page"+path, func(t *testing.T) {
			tab, p := load(t, browser, f.srv.URL, path, nil)
			if path == "/entries/99" {
				// Chromium logs the page's own 404, and only that.
				want := fmt.Sprintf("log network error: Failed to load resource: the server responded with a status of 404 (Not Found) %s%s", f.srv.URL, path)
				if !slices.Equal(tab.Console, []string{want}) {
					t.Errorf("console %q, want only %q", tab.Console, want)
				}
				tab.Console = nil
				if !strings.Contains(p.Text, "no such entry") {
					t.Errorf("the 404 page does not say why: %q", p.Text)
				}
			}
			tab.Quiet(t)
			checkMarkup(t, p)
		})
	}

	t.Run("dark", func(t *testing.T) {
		tab, p := load(t, browser, f.srv.URL, "/", &emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		tab.Quiet(t)
		if p.Scheme != "dark" {
			t.Fatalf("the page sees prefers-color-scheme %q", p.Scheme)
		}
		chromiumtest.CheckContrast(t, p.Contrast)
	})
	t.Run("light", func(t *testing.T) {
		_, p := load(t, browser, f.srv.URL, "/", nil)
		chromiumtest.CheckContrast(t, p.Contrast)
	})
	t.Run("print", func(t *testing.T) {
		tab, p := load(t, browser, f.srv.URL, "/entries?from=2&limit=3", &emulation.SetEmulatedMediaParams{Media: "print"})
		tab.Quiet(t)
		if p.NavShown {
			t.Error("navigation is printed")
		}
	})

	// The detectors can fail: an image slipped into the page is refused
	// by the CSP and reported.
	t.Run("control-csp", func(t *testing.T) {
		inject := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			f.srv.Config.Handler.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(bytes.Replace(rec.Body.Bytes(), []byte("<main>"), []byte(`<main><img src="/probe.png" alt="">`), 1))
		}))
		defer inject.Close()
		tab, _ := load(t, browser, inject.URL, "/", nil)
		if len(tab.CSP) == 0 {
			t.Errorf("no CSP violation reported for an injected image; console %q, issues %q", tab.Console, tab.Issues)
		}
	})

	// Tampered: the overview says so, names the entry, and links to it.
	t.Run("tampered", func(t *testing.T) {
		changed, err := ledger.Canonical(ledger.Scan{ReportDigest: "sha256:forged", Target: widget, At: now, Tasks: tasks("PO.2.1", "pass")})
		if err != nil {
			t.Fatal(err)
		}
		f.tamper(t, 4, changed)
		tab, p := load(t, browser, f.srv.URL, "/", nil)
		tab.Quiet(t)
		if p.Integrity != "✗ TAMPERED at entry 4" || p.FirstBadLink != "/entries/4" {
			t.Errorf("integrity %q, link %q; want ✗ TAMPERED at entry 4 linking /entries/4", p.Integrity, p.FirstBadLink)
		}
		var api serve.LedgerJSON
		f.getJSON(t, "/api/v1/ledger", http.StatusOK, &api)
		if api.Verification.FirstBadIndex == nil || *api.Verification.FirstBadIndex != 4 {
			t.Errorf("the API says first bad %v", api.Verification.FirstBadIndex)
		}
	})
}

type rowModel struct {
	Target, Link string
	Cells        []string
}

// pageModel is what pageJS reads from the DOM.
type pageModel struct {
	Title, Text, Integrity, FirstBadLink, Scheme string
	Scripts                                      int
	Tags, Handlers, URLs                         []string
	Heads                                        []string
	Rows, History                                []rowModel
	Styled, NavShown                             bool
	Contrast                                     []chromiumtest.Contrast
}

// pageJS reads the page through DevTools (Runtime.evaluate), which the
// page's CSP does not govern; the page itself runs no script.
const pageJS = `(() => {
const text = e => e ? e.textContent.trim() : "";
const tags = new Set(), handlers = [], urls = [];
for (const e of document.querySelectorAll("*")) {
  tags.add(e.localName);
  for (const a of e.attributes) {
    if (a.name.startsWith("on")) handlers.push(e.localName + " " + a.name);
    if (["src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"].includes(a.name) || (a.name === "href" && !a.value.startsWith("/"))) urls.push(e.localName + " " + a.name + "=" + a.value);
  }
}
const rows = sel => [...document.querySelectorAll(sel + " tbody tr")].map(tr => ({
  Target: text(tr.querySelector("th a")),
  Link: tr.querySelector("th a") ? new URL(tr.querySelector("th a").getAttribute("href"), location.href).pathname + " " + new URL(tr.querySelector("th a").getAttribute("href"), location.href).searchParams.get("target") : "",
  Cells: [...tr.querySelectorAll("td .badge")].map(text),
}));
const badge = document.querySelector(".badge");
const bad = document.querySelector(".integrity a");
return JSON.stringify({
  Title: document.title,
  Text: document.body.textContent,
  Integrity: text(document.querySelector("#integrity-h .badge")),
  FirstBadLink: bad ? bad.getAttribute("href") : "",
  Scheme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
  Scripts: document.scripts.length,
  Tags: [...tags].sort(), Handlers: handlers, URLs: urls,
  Heads: [...document.querySelectorAll("#targets thead th")].map(text),
  Rows: rows("#targets"),
  History: rows("#history"),
  Styled: getComputedStyle(document.body).maxWidth !== "none" && (!badge || getComputedStyle(badge).borderTopStyle === "solid"),
  NavShown: document.querySelector("nav").checkVisibility(),
  Contrast: ` + chromiumtest.ContrastJS + `,
});
})()`

// load opens base+path and reads its model.
func load(t *testing.T, browser context.Context, base, path string, media *emulation.SetEmulatedMediaParams) (*chromiumtest.Tab, pageModel) {
	t.Helper()
	tab := chromiumtest.Load(t, browser, base+path, media, pageJS)
	var p pageModel
	if err := json.Unmarshal([]byte(tab.Model), &p); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return tab, p
}

// checkMarkup checks that the page is the template's markup only: no
// script, no handler, nothing that loads, styled.
func checkMarkup(t *testing.T, p pageModel) {
	t.Helper()
	if p.Scripts != 0 || len(p.Handlers) != 0 || len(p.URLs) != 0 {
		t.Errorf("scripts %d, handlers %q, URL attributes %q", p.Scripts, p.Handlers, p.URLs)
	}
	for _, tag := range p.Tags {
		if !slices.Contains(elements, tag) {
			t.Errorf("element <%s> is not one the template writes: ledger text became markup", tag)
		}
	}
	if !p.Styled {
		t.Error("the inline stylesheet was not applied")
	}
}
