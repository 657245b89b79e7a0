// Package markdown renders a report as a pull-request comment (GitHub
// Flavored Markdown, also read by GitLab): a title with the overall status,
// the task table, a section for each failed or unknown check with its
// findings and remediation, and collapsed lists of the other checks.
//
// Text from the report is escaped so that a hostile file name or message
// cannot inject markup: Markdown punctuation is backslash-escaped, <, > and &
// become entities, newlines become spaces, pipes cannot split a table cell,
// and an @mention is defused with a zero-width space so that a comment never
// notifies the people a finding names. Text between backticks in a reason,
// message or remediation is kept as a code span, rebuilt with a fence that
// its content cannot close. Paths are always code spans, where HTML and
// mentions are inert.
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ssdf-dev/ssdf/report"
)

// Marker is the first line of every comment, an HTML comment by which a bot
// can find and update its previous comment instead of adding one.
const Marker = "<!-- ssdf:report -->"

// DefaultMaxFindings is the number of findings listed per check when
// Options.MaxFindings is 0. Forges cap the size of a comment (GitHub: 65536
// characters).
const DefaultMaxFindings = 20

// Options says how to render.
type Options struct {
	// MaxFindings caps the findings listed per check; the rest are counted.
	// 0 means DefaultMaxFindings; a negative value lists them all.
	MaxFindings int
}

// Write renders r to w.
func Write(w io.Writer, r *report.Report, opts Options) error {
	max := opts.MaxFindings
	if max == 0 {
		max = DefaultMaxFindings
	}
	p := &printer{w: bufio.NewWriter(w), max: max}
	p.report(r)
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

type printer struct {
	w   *bufio.Writer
	max int
}

func (p *printer) line(parts ...string) {
	for _, s := range parts {
		p.w.WriteString(s)
	}
	p.w.WriteByte('\n')
}

func (p *printer) report(r *report.Report) {
	p.line(Marker)
	p.line("## ", emoji(r.Status()), " SSDF “Prepare the Organization”: ", word(r.Status()))
	p.line()
	p.header(r)
	p.line()
	s := r.Summary
	p.line(strings.Join([]string{
		emoji(report.StatusPass) + " " + strconv.Itoa(s.Pass) + " pass",
		emoji(report.StatusFail) + " " + strconv.Itoa(s.Fail) + " fail",
		emoji(report.StatusUnknown) + " " + strconv.Itoa(s.Unknown) + " unknown",
		emoji(report.StatusNotApplicable) + " " + strconv.Itoa(s.NotApplicable) + " not applicable",
		emoji(report.StatusWaived) + " " + strconv.Itoa(s.Waived) + " waived",
	}, " · "))

	if len(r.Tasks) > 0 {
		p.line()
		p.line("| Task | Title | Status |")
		p.line("|---|---|---|")
		for _, t := range r.Tasks {
			p.line("| ", cell(t.ID), " | ", cell(t.Title), " | ", badge(t.Status), " |")
		}
	}
	if len(r.Results) == 0 {
		p.line()
		p.line("No checks were run.")
	}

	var attention, passing, other []report.Result
	for _, res := range r.AllResults() {
		switch res.Status {
		case report.StatusPass:
			passing = append(passing, res)
		case report.StatusWaived, report.StatusNotApplicable:
			other = append(other, res)
		default:
			attention = append(attention, res)
		}
	}
	if len(attention) > 0 {
		p.line()
		p.line("### Failed and unknown checks")
		// Failures first, then unknowns; report order within each.
		for _, res := range attention {
			if res.Status == report.StatusFail {
				p.detailed(res)
			}
		}
		for _, res := range attention {
			if res.Status != report.StatusFail {
				p.detailed(res)
			}
		}
	}
	p.collapsed(emoji(report.StatusPass)+" Passing checks", passing)
	p.collapsed(emoji(report.StatusWaived)+" Waived and "+emoji(report.StatusNotApplicable)+" not applicable checks", other)
}

func (p *printer) header(r *report.Report) {
	var parts []string
	add := func(key, value string) {
		if value != "" {
			parts = append(parts, "**"+key+"** "+code(value, false))
		}
	}
	add("Target", r.Target.Name())
	add("forge", r.Target.Forge)
	add("branch", r.Target.Branch)
	add("commit", r.Target.ShortCommit())
	add("policy", r.Policy.Source)
	tool := r.Tool.Name
	if tool == "" {
		tool = "ssdf"
	}
	if r.Tool.Version != "" {
		tool += " " + r.Tool.Version
	}
	parts = append(parts, inline(tool, false))
	p.line(strings.Join(parts, " · "))
}

// detailed writes a failed or unknown check: heading, reason, findings and
// remediation.
func (p *printer) detailed(res report.Result) {
	p.line()
	head := "#### " + badge(res.Status) + ": " + code(res.Check, false)
	if res.Title != "" {
		head += " — " + inline(res.Title, false)
	}
	p.line(head)
	p.line()
	p.line(meta(res))
	if reason := inline(res.Reason, false); reason != "" {
		p.line()
		p.line(reason)
	}
	if len(res.Findings) > 0 {
		p.line()
		p.findings(res.Findings, "")
	}
	if rem := inline(res.Remediation, false); rem != "" {
		p.line()
		p.line("**Remediation:** ", rem)
	}
}

// meta is the line of SSDF tasks and whether the check is required.
func meta(res report.Result) string {
	kind := "required"
	if !res.Required {
		kind = "advisory"
	}
	var tasks []string
	for _, t := range res.Tasks {
		tasks = append(tasks, inline(t, false))
	}
	if len(tasks) == 0 {
		return "_" + kind + "_"
	}
	return "SSDF " + strings.Join(tasks, ", ") + " · _" + kind + "_"
}

func (p *printer) findings(fs []report.Finding, indent string) {
	for i, f := range fs {
		if p.max > 0 && i == p.max {
			p.line(indent, "- … and ", strconv.Itoa(len(fs)-p.max), " more")
			return
		}
		var parts []string
		if f.Path != "" {
			loc := f.Path
			if f.Line > 0 {
				loc += ":" + strconv.Itoa(f.Line)
			}
			parts = append(parts, code(loc, false))
		}
		if msg := inline(f.Message, false); msg != "" {
			parts = append(parts, msg)
		}
		if len(parts) == 0 {
			parts = append(parts, "(no message)")
		}
		p.line(indent, "- ", strings.Join(parts, ": "))
	}
}

// collapsed writes checks as a list inside a closed <details> element.
func (p *printer) collapsed(summary string, results []report.Result) {
	if len(results) == 0 {
		return
	}
	p.line()
	p.line("<details>")
	p.line("<summary>", summary, " (", strconv.Itoa(len(results)), ")</summary>")
	p.line()
	for _, res := range results {
		item := "- " + badge(res.Status) + " " + code(res.Check, false)
		if !res.Required {
			item += " _(advisory)_"
		}
		if res.Title != "" {
			item += " — " + inline(res.Title, false)
		}
		if reason := inline(res.Reason, false); reason != "" {
			item += ": " + reason
		}
		p.line(item)
		if res.Status == report.StatusWaived {
			p.findings(res.Findings, "  ")
		}
	}
	p.line()
	p.line("</details>")
}

// badge is a status as an emoji and a word: colour and shape are never the
// only signal.
func badge(status string) string { return emoji(status) + " " + word(status) }

func word(status string) string {
	switch status {
	case report.StatusNotApplicable:
		return "not applicable"
	case report.StatusPass, report.StatusFail, report.StatusUnknown, report.StatusWaived:
		return status
	}
	return inline(status, true)
}

func emoji(status string) string {
	switch status {
	case report.StatusPass:
		return "✅"
	case report.StatusFail:
		return "❌"
	case report.StatusNotApplicable:
		return "➖"
	case report.StatusWaived:
		return "🔕"
	}
	// unknown, and any status this renderer does not know.
	return "❓"
}

// cell is inline text for a table cell.
func cell(s string) string { return inline(s, true) }

// normalize makes s one line of valid UTF-8 without control or
// bidirectional formatting characters.
func normalize(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r):
			return '\uFFFD'
		}
		return r
	}, s)
}

// inline renders text as Markdown inline content. Backtick-delimited spans,
// matched as CommonMark matches them, become safe code spans; everything
// else is escaped.
func inline(s string, table bool) string {
	s = strings.TrimSpace(normalize(s))
	var b strings.Builder
	text := func(t string) {
		b.WriteString(escape(t, b.Len() == 0))
	}
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			text(s)
			break
		}
		n := run(s[i:])
		end := closing(s[i+n:], n)
		if end < 0 {
			// An unmatched run is literal text.
			text(s[:i+n])
			s = s[i+n:]
			continue
		}
		text(s[:i])
		b.WriteString(code(s[i+n:i+n+end], table))
		s = s[i+n+end+n:]
	}
	return b.String()
}

// run is the length of the backtick run at the start of s.
func run(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closing finds the start of the next run of exactly n backticks in s.
func closing(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := run(s[i:])
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// escape escapes text so that it renders as itself. At the start of a line
// (first) it also defuses block syntax: a heading, a list item, a quote.
func escape(s string, first bool) string {
	var b strings.Builder
	prev := ' '
	for i, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteRune(r)
			// A mention needs a non-word character before the @.
			if !isWord(prev) {
				b.WriteString("\u200b")
			}
		default:
			if first && i == 0 && r < utf8.RuneSelf && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
				b.WriteByte('\\')
				b.WriteRune(r)
				break
			}
			if first && (r == '.' || r == ')') && i > 0 && allDigits(s[:i]) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isWord(r rune) bool {
	return r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// code renders s as one code span. Its fence is longer than any backtick run
// inside, padding keeps a leading or trailing backtick inside, and in a
// table cell a pipe is escaped (GFM splits cells before parsing spans).
func code(s string, table bool) string {
	s = normalize(s)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if table {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	longest := 0
	for i := 0; i < len(s); {
		if s[i] == '`' {
			n := run(s[i:])
			longest = max(longest, n)
			i += n
			continue
		}
		i++
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}
