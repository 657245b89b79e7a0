// Package html renders a report as one self-contained HTML page: inline CSS,
// no scripts, no external resources (a Content-Security-Policy forbids
// them), readable without JavaScript. It has a header naming the target, the
// summary counts, the SSDF task table, and a section per check with a status
// badge, reason, findings, remediation and details; passing, waived and
// not-applicable checks are collapsed in a <details> element, which a link to
// a check opens and which print styles unfold (on paper every check shows).
//
// html/template escapes everything that comes from the report. Statuses are
// badges with a symbol and a word, so colour is never the only signal.
package html

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/report"
)

// Options says how to render. There are none yet.
type Options struct{}

//go:embed page.html.tmpl
var pageText string

var page = template.Must(template.New("page").Parse(pageText))

// Write renders r to w.
func Write(w io.Writer, r *report.Report, _ Options) error {
	var buf bytes.Buffer
	if err := page.Execute(&buf, newView(r)); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// view is what the template shows; every string in it went through clean.
type view struct {
	Target       string
	TargetURL    string // only http and https
	Kind         string
	Forge        string
	Branch       string
	Commit       string
	PolicySource string
	PolicyDigest string
	Schema       string
	Tool         string
	Generated    string
	HasResults   bool
	Overall      badge
	Counts       []count
	Tasks        []taskView
	Attention    []checkView
	Others       []checkView
}

type badge struct{ Class, Symbol, Word string }

type count struct {
	Badge badge
	N     int
}

type taskView struct {
	ID, Title string
	Badge     badge
	Checks    []checkRef
}

type checkRef struct {
	ID, Anchor string
	Badge      badge
}

type checkView struct {
	ID, Anchor, Title string
	Badge             badge
	Required          bool
	Tasks             []string
	Reason            string
	Findings          []findingView
	Remediation       string
	Details           string
}

type findingView struct{ Loc, Message string }

func newView(r *report.Report) view {
	v := view{
		Target:       clean(r.Target.Name()),
		Kind:         clean(r.Target.Kind),
		Forge:        clean(r.Target.Forge),
		Branch:       clean(r.Target.Branch),
		Commit:       clean(r.Target.Commit),
		PolicySource: clean(r.Policy.Source),
		PolicyDigest: clean(r.Policy.Digest),
		Schema:       clean(r.Schema),
		HasResults:   len(r.Results) > 0,
		Overall:      badgeOf(r.Status()),
	}
	if v.Kind == v.Target {
		v.Kind = ""
	}
	if u, err := url.Parse(r.Target.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		v.TargetURL = clean(u.String())
	}
	tool := r.Tool.Name
	if tool == "" {
		tool = "ssdf"
	}
	if r.Tool.Version != "" {
		tool += " " + r.Tool.Version
	}
	v.Tool = clean(tool)
	if !r.GeneratedAt.IsZero() {
		v.Generated = r.GeneratedAt.UTC().Format(time.RFC3339)
	}
	s := r.Summary
	for _, c := range []struct {
		status string
		n      int
	}{
		{report.StatusPass, s.Pass},
		{report.StatusFail, s.Fail},
		{report.StatusUnknown, s.Unknown},
		{report.StatusNotApplicable, s.NotApplicable},
		{report.StatusWaived, s.Waived},
	} {
		v.Counts = append(v.Counts, count{badgeOf(c.status), c.n})
	}

	anchors := newAnchors()
	all := r.AllResults()
	anchor := make(map[string]string)
	for _, res := range all {
		if _, ok := anchor[res.Check]; !ok {
			anchor[res.Check] = anchors.make(res.Check)
		}
	}
	for _, t := range r.Tasks {
		tv := taskView{ID: clean(t.ID), Title: clean(t.Title), Badge: badgeOf(t.Status)}
		for _, res := range r.TaskResults(t) {
			tv.Checks = append(tv.Checks, checkRef{ID: clean(res.Check), Anchor: anchor[res.Check], Badge: badgeOf(res.Status)})
		}
		v.Tasks = append(v.Tasks, tv)
	}
	// Failures, then unknowns, then the rest; report order within each.
	var unknowns []checkView
	done := make(map[string]bool)
	for _, res := range all {
		if done[res.Check] {
			continue
		}
		done[res.Check] = true
		cv := newCheckView(res, anchor[res.Check])
		switch res.Status {
		case report.StatusFail:
			v.Attention = append(v.Attention, cv)
		case report.StatusPass, report.StatusWaived, report.StatusNotApplicable:
			v.Others = append(v.Others, cv)
		default:
			unknowns = append(unknowns, cv)
		}
	}
	v.Attention = append(v.Attention, unknowns...)
	return v
}

func newCheckView(res report.Result, anchor string) checkView {
	cv := checkView{
		ID:          clean(res.Check),
		Anchor:      anchor,
		Title:       clean(res.Title),
		Badge:       badgeOf(res.Status),
		Required:    res.Required,
		Reason:      clean(strings.TrimSpace(res.Reason)),
		Remediation: clean(strings.TrimSpace(res.Remediation)),
	}
	for _, t := range res.Tasks {
		cv.Tasks = append(cv.Tasks, clean(t))
	}
	for _, f := range res.Findings {
		loc := f.Path
		if loc != "" && f.Line > 0 {
			loc += ":" + strconv.Itoa(f.Line)
		}
		cv.Findings = append(cv.Findings, findingView{Loc: clean(loc), Message: clean(strings.TrimRight(f.Message, "\n"))})
	}
	if len(res.Details) > 0 {
		var buf bytes.Buffer
		// json.Indent keeps string escapes such as \u001b as they are.
		if json.Indent(&buf, res.Details, "", "  ") == nil && buf.String() != "null" {
			cv.Details = clean(buf.String())
		}
	}
	return cv
}

func badgeOf(status string) badge {
	switch status {
	case report.StatusPass:
		return badge{"st-pass", "✓", "pass"}
	case report.StatusFail:
		return badge{"st-fail", "✗", "fail"}
	case report.StatusUnknown:
		return badge{"st-unknown", "?", "unknown"}
	case report.StatusNotApplicable:
		return badge{"st-na", "–", "not applicable"}
	case report.StatusWaived:
		return badge{"st-waived", "≈", "waived"}
	}
	// A status this renderer does not know looks like unknown, with its own
	// word: it is never presented as OK.
	return badge{"st-unknown", "?", clean(status)}
}

// clean replaces what HTML does not allow in text, control characters other
// than tab and newline, and invalid UTF-8, with U+FFFD. html/template does the
// escaping.
func clean(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// anchors makes unique, valid fragment identifiers from check IDs.
type anchors struct{ used map[string]bool }

func newAnchors() *anchors { return &anchors{used: make(map[string]bool)} }

func (a *anchors) make(id string) string {
	var b strings.Builder
	b.WriteString("check-")
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	base := b.String()
	s := base
	for n := 2; a.used[s]; n++ {
		s = base + "-" + strconv.Itoa(n)
	}
	a.used[s] = true
	return s
}
