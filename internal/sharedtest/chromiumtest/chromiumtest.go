// Package chromiumtest drives a headless Chromium for tests of pages ssdf
// renders (the HTML report, the `ssdf serve` dashboard): it starts the
// browser, loads a page in a fresh browser context and tab while recording
// what the tab reports (console, CSP violations, DevTools issues, requests,
// dialogs), and reads a model of the page with a script run through
// DevTools, which the page's own CSP does not govern.
package chromiumtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// Start starts one headless Chromium (sharedtest.RequireChromium: skipped
// without one) for the test, bounded by timeout, and returns its context.
func Start(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	exe := sharedtest.RequireChromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return browser
}

// Tab is what a tab saw while loading one page.
type Tab struct {
	URL      string
	mu       sync.Mutex
	Console  []string // console API calls, exceptions, log entries
	CSP      []string // CSP violations, from any of those or from issues
	Issues   []string // DevTools issues (Audits domain)
	Requests []string // Network.requestWillBeSent, as the tab saw them
	Dialogs  []string
	// Model is what the model script returned.
	Model string
}

func (tab *Tab) add(list *[]string, s string) {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	*list = append(*list, s)
	if strings.Contains(s, "Content Security Policy") || strings.Contains(s, "ContentSecurityPolicy") {
		tab.CSP = append(tab.CSP, s)
	}
}

// Load opens url in a new browser context and tab of browser (with media
// emulated, when given), evaluates model (a script returning a string,
// usually JSON) once the page has loaded, and closes the tab.
func Load(t testing.TB, browser context.Context, url string, media *emulation.SetEmulatedMediaParams, model string) *Tab {
	t.Helper()
	tab := &Tab{URL: url}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value))
			}
			tab.add(&tab.Console, fmt.Sprintf("console.%s %s", ev.Type, strings.Join(args, " ")))
		case *runtime.EventExceptionThrown:
			tab.add(&tab.Console, "exception "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			tab.add(&tab.Console, fmt.Sprintf("log %s %s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		case *audits.EventIssueAdded:
			b, _ := json.Marshal(ev.Issue)
			tab.add(&tab.Issues, string(b))
		case *network.EventRequestWillBeSent:
			tab.add(&tab.Requests, ev.Request.Method+" "+ev.Request.URL)
		case *cdppage.EventJavascriptDialogOpening:
			tab.add(&tab.Dialogs, ev.Message)
		}
	}))
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	// Answer dialogs, or a page that opens one would hang the tab.
	go func() {
		for _, err := range chromedp.Events(ctx, cdppage.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if _, err := chromedp.Call(ctx, audits.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("Audits.enable: %v", err)
	}
	if media != nil {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, *media); err != nil {
			t.Fatalf("Emulation.setEmulatedMedia: %v", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[string](model))
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	// Closing the tab after a round trip: every event the page caused
	// while loading has reached the listener.
	if err := chromedp.Cancel(ctx); err != nil {
		t.Fatalf("close the tab: %v", err)
	}
	tab.mu.Lock()
	defer tab.mu.Unlock()
	tab.Model = m
	return tab
}

// Quiet checks that loading the page logged nothing, violated no CSP,
// raised no DevTools issue, opened no dialog, and requested nothing but
// the page itself (its URL without a #fragment, which a browser never
// sends).
func (tab *Tab) Quiet(t testing.TB) {
	t.Helper()
	for _, s := range tab.Console {
		t.Errorf("console: %s", s)
	}
	for _, s := range tab.CSP {
		t.Errorf("CSP violation: %s", s)
	}
	for _, s := range tab.Issues {
		t.Errorf("DevTools issue: %s", s)
	}
	for _, s := range tab.Dialogs {
		t.Errorf("a dialog opened: %q", s)
	}
	page, _, _ := strings.Cut(tab.URL, "#")
	if want := []string{"GET " + page}; !slices.Equal(tab.Requests, want) {
		t.Errorf("the tab requested %q, want only %q", tab.Requests, want)
	}
}

// Contrast is one text colour measured against its background.
type Contrast struct {
	What, FG, BG string
	Ratio        float64
}

// ContrastJS is a script expression whose value is a []Contrast of the
// page: each distinct visible text colour on its effective background,
// with the WCAG contrast ratio.
const ContrastJS = `(() => {
const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const bgOf = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0) return getComputedStyle(e).backgroundColor; } return getComputedStyle(document.documentElement).backgroundColor; };
const contrast = [], seen = new Set();
for (const e of document.body.querySelectorAll("*")) {
  if (!e.checkVisibility() || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const fg = getComputedStyle(e).color, bg = bgOf(e);
  const key = e.localName + "." + e.className + " " + fg + " " + bg;
  if (seen.has(key)) continue;
  seen.add(key);
  const a = lum(rgb(fg)), b = lum(rgb(bg));
  contrast.push({What: e.localName + (e.className ? "." + e.className.replaceAll(" ", ".") : ""), FG: fg, BG: bg, Ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
}
return contrast;
})()`

// CheckContrast wants every measured text colour to reach WCAG AA (4.5:1).
func CheckContrast(t testing.TB, cs []Contrast) {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal("no text measured")
	}
	for _, c := range cs {
		if c.Ratio < 4.5 {
			t.Errorf("%s: contrast %.2f:1 (%s on %s), want at least 4.5:1", c.What, c.Ratio, c.FG, c.BG)
		}
	}
}
