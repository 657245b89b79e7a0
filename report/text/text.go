// Package text renders a report for a terminal: a header naming the target,
// then each SSDF task with its checks, their reasons and findings, then a
// summary line.
//
// Statuses are always written as words (PASS, FAIL, UNKNOWN, N/A, WAIVED), so
// the output reads the same without colour; Options.Color only adds ANSI
// colour on top. Everything that comes from a repository is cleaned before it
// reaches the terminal: control characters (an ANSI escape in a file name
// could rewrite the screen), invalid UTF-8 and bidirectional overrides are
// shown as visible escapes such as \x1b.
package text

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

// Options says how to render.
type Options struct {
	// Color adds ANSI colour. The caller decides: a terminal, and NO_COLOR
	// unset.
	Color bool
}

// width is where prose (reasons, remediation) is wrapped.
const width = 100

// Indentation: a check's reason and remediation align with its ID, its
// findings two columns further in.
const (
	checkIndent   = "  "
	statusWidth   = 7 // len("UNKNOWN")
	proseIndent   = checkIndent + "         "
	findingIndent = proseIndent + "  "
)

// ANSI SGR codes.
const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

// Write renders r to w.
func Write(w io.Writer, r *report.Report, opts Options) error {
	p := &printer{w: bufio.NewWriter(w), color: opts.Color}
	p.report(r)
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

type printer struct {
	w     *bufio.Writer
	color bool
}

func (p *printer) style(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) line(parts ...string) {
	for _, s := range parts {
		p.w.WriteString(s)
	}
	p.w.WriteByte('\n')
}

func (p *printer) report(r *report.Report) {
	p.header(r)
	for _, t := range r.Tasks {
		p.line()
		p.line(p.style(bold, cleanLine(t.ID)), "  ", p.status(t.Status, false), "  ", cleanLine(t.Title))
		results := r.TaskResults(t)
		if len(results) == 0 {
			p.line(proseIndent, "(no check results)")
		}
		for _, res := range results {
			p.result(res)
		}
	}
	if other := r.Unassigned(); len(other) > 0 {
		p.line()
		p.line(p.style(bold, "Other checks"))
		for _, res := range other {
			p.result(res)
		}
	}
	if len(r.Results) == 0 {
		p.line()
		p.line("No checks were run.")
	}
	p.line()
	s := r.Summary
	p.line("Summary: ",
		count(s.Pass, "pass"), ", ",
		count(s.Fail, "fail"), ", ",
		count(s.Unknown, "unknown"), ", ",
		count(s.NotApplicable, "not applicable"), ", ",
		count(s.Waived, "waived"),
		" — overall ", p.status(r.Status(), false))
}

func count(n int, what string) string { return strconv.Itoa(n) + " " + what }

func (p *printer) header(r *report.Report) {
	tool := cleanLine(r.Tool.Name)
	if tool == "" {
		tool = "ssdf"
	}
	if r.Tool.Version != "" {
		tool += " " + cleanLine(r.Tool.Version)
	}
	p.line(p.style(bold, "SSDF \"Prepare the Organization\" report"), " (", tool, ")")
	p.line()
	field := func(key, value string) {
		if value != "" {
			p.line("  ", fmt.Sprintf("%-8s", key+":"), value)
		}
	}
	target := cleanLine(r.Target.Name())
	if r.Target.Kind != "" && r.Target.Name() != r.Target.Kind {
		target += " (" + cleanLine(r.Target.Kind) + ")"
	}
	field("Target", target)
	field("Forge", cleanLine(r.Target.Forge))
	field("Branch", cleanLine(r.Target.Branch))
	field("Commit", cleanLine(r.Target.ShortCommit()))
	field("Policy", cleanLine(r.Policy.Source))
}

func (p *printer) result(res report.Result) {
	head := []string{checkIndent, p.status(res.Status, true), "  ", cleanLine(res.Check)}
	if !res.Required {
		head = append(head, " ", p.style(dim, "(advisory)"))
	}
	if res.Title != "" {
		head = append(head, ": ", cleanLine(res.Title))
	}
	p.line(head...)
	p.prose(proseIndent, "", res.Reason)
	for _, f := range res.Findings {
		p.finding(f)
	}
	if res.Remediation != "" && (res.Status == report.StatusFail || res.Status == report.StatusUnknown) {
		p.prose(proseIndent, "fix: ", res.Remediation)
	}
}

// finding writes "path:line: message"; continuation lines of a multi-line
// message are indented further.
func (p *printer) finding(f report.Finding) {
	loc := cleanLine(f.Path)
	if loc != "" && f.Line > 0 {
		loc += ":" + strconv.Itoa(f.Line)
	}
	lines := strings.Split(clean(f.Message), "\n")
	switch {
	case loc == "":
	case lines[0] == "" && len(lines) == 1:
		lines[0] = loc
	default:
		lines[0] = loc + ": " + lines[0]
	}
	for i, l := range lines {
		indent := findingIndent
		if i > 0 {
			indent += "  "
		}
		p.line(indent, l)
	}
}

// prose writes text wrapped at width, each line indented; the first line
// starts with prefix, the rest align under its text.
func (p *printer) prose(indent, prefix, text string) {
	text = clean(text)
	if strings.TrimSpace(text) == "" {
		return
	}
	first := true
	// Docs are written with hard line breaks: a single newline joins, a
	// blank line starts a new paragraph.
	for _, para := range strings.Split(text, "\n\n") {
		for _, l := range wrap(para, width-len(indent)-len(prefix)) {
			if first {
				p.line(indent, prefix, l)
				first = false
			} else {
				p.line(indent, strings.Repeat(" ", len(prefix)), l)
			}
		}
	}
}

// wrap breaks s into lines of at most max runes at spaces; a word longer
// than max gets a line of its own.
func wrap(s string, max int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := words[0]
	for _, w := range words[1:] {
		if utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > max {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(lines, cur)
}

// status is the status as a word, padded to a column when pad is set, and
// coloured when colour is on.
func (p *printer) status(s string, pad bool) string {
	word, code := label(s)
	if pad && len(word) < statusWidth {
		return p.style(code, word) + strings.Repeat(" ", statusWidth-len(word))
	}
	return p.style(code, word)
}

func label(s string) (word, color string) {
	switch s {
	case report.StatusPass:
		return "PASS", green
	case report.StatusFail:
		return "FAIL", red + ";" + bold
	case report.StatusUnknown:
		return "UNKNOWN", yellow
	case report.StatusNotApplicable:
		return "N/A", dim
	case report.StatusWaived:
		return "WAIVED", cyan
	}
	// A status this renderer does not know is shown as it is, in the colour
	// of unknown: it is never presented as OK.
	return strings.ToUpper(cleanLine(s)), yellow
}

// cleanLine is clean for text that must stay on one line: a newline is
// shown as \n.
func cleanLine(s string) string {
	return strings.ReplaceAll(clean(s), "\n", `\n`)
}

// clean makes repository text safe for a terminal. It keeps newlines, turns
// tabs into spaces, and shows every other control character, invalid UTF-8
// and bidirectional formatting character as a Go escape.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) ||
			r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
