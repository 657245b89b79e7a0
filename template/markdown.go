package template

import (
	"regexp"
	"strings"
)

// LabelLevel is the level given to a label: a paragraph that begins with a
// bold span (`**Type of change**`, `**What kind of change is this?** (pick
// one)`). Templates use labels as headings; a label sits below every real
// heading level.
const LabelLevel = 7

// Heading is a heading of a Markdown template, or a label.
type Heading struct {
	Line int `json:"line"`
	// Level is 1–6 for ATX (`#`) and setext (`===`, `---`) headings and
	// LabelLevel for a label.
	Level int `json:"level"`
	// Text is the heading's text as a reader sees it: no markers, HTML
	// comments, link targets or bare URLs. For a label, the bold span.
	Text string `json:"text"`
}

// Label reports whether h is a bold-text label rather than a real heading.
func (h Heading) Label() bool { return h.Level == LabelLevel }

// Task is a task-list item (`- [ ] …`, `* [x] …`, `1. [ ] …`).
type Task struct {
	Line    int    `json:"line"`
	Checked bool   `json:"checked,omitempty"`
	Text    string `json:"text"`
	// Under lists the headings whose section holds the item, outermost
	// first. A heading's section runs until the next heading of the same
	// or a higher level (a smaller number). A label's section is the label's
	// paragraph and the list that follows it; it also ends at the next
	// heading or label.
	Under []Heading `json:"under,omitempty"`
}

// Doc is what a Markdown template says in structure.
type Doc struct {
	Headings []Heading `json:"headings,omitempty"`
	Tasks    []Task    `json:"tasks,omitempty"`
}

var (
	atxRE      = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$`)
	atxCloseRE = regexp.MustCompile(`(?:^|[ \t]+)#+[ \t]*$`)
	setextRE   = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	breakRE    = regexp.MustCompile(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	fenceRE    = regexp.MustCompile("^[ \t]*(`{3,}|~{3,})")
	itemRE     = regexp.MustCompile(`^([ \t]*)(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+(.*))?$`)
	taskRE     = regexp.MustCompile(`^\[([ xX])\](?:[ \t]+(.*))?$`)
	quoteRE    = regexp.MustCompile(`^ {0,3}>[ ]?`)
	labelRE    = regexp.MustCompile(`^(?:\*\*([^*]+?)\*\*|__([^_]+?)__)`)
	linkRE     = regexp.MustCompile(`\]\([^)]*\)`)
	urlRE      = regexp.MustCompile(`<?https?://[^\s>]*>?`)
	spaceRE    = regexp.MustCompile(`\s+`)
)

// Markdown reads the headings and task-list items of a Markdown template.
// It follows CommonMark/GFM where it matters for templates: YAML front
// matter, HTML comments and fenced code blocks are not content;
// blockquote markers are looked through; a task item's text runs over its
// continuation lines. It never fails: text it does not understand is
// ordinary paragraph text.
func Markdown(text string) Doc {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")

	var (
		d         Doc
		raw       []string // the uncleaned text of each task
		stack     []Heading
		inComment bool
		fence     string // the opening fence while in a fenced code block
		para      []string
		paraLine  int
		task      = -1   // index of the task whose first paragraph is open
		inList    bool   // the latest block is a list
		prevBlank = true // the previous line was blank
		labelList bool   // a list followed the label on top of the stack
	)
	push := func(h Heading) {
		for len(stack) > 0 && stack[len(stack)-1].Level >= h.Level {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, h)
		d.Headings = append(d.Headings, h)
		labelList = false
	}
	popLabels := func() {
		for len(stack) > 0 && stack[len(stack)-1].Label() {
			stack = stack[:len(stack)-1]
		}
	}

	for i := frontMatter(lines); i < len(lines); i++ {
		ln := i + 1
		if fence != "" {
			if closesFence(lines[i], fence) {
				fence = ""
			}
			continue
		}
		line := stripComments(lines[i], &inComment)
		for {
			q := quoteRE.FindStringIndex(line)
			if q == nil {
				break
			}
			line = line[q[1]:]
		}
		if strings.TrimSpace(line) == "" {
			// A blank line, or one that held only a comment (an HTML
			// block), ends the paragraph.
			para, task, prevBlank = nil, -1, true
			continue
		}
		blank := prevBlank
		prevBlank = false

		if m := fenceRE.FindStringSubmatch(line); m != nil && !(m[1][0] == '`' && strings.Contains(line[len(m[0]):], "`")) {
			fence = m[1]
			para, task = nil, -1
			continue
		}
		if m := setextRE.FindStringSubmatch(line); m != nil && para != nil {
			level := 2
			if m[1][0] == '=' {
				level = 1
			}
			push(Heading{Line: paraLine, Level: level, Text: clean(strings.Join(para, " "))})
			para, inList = nil, false
			continue
		}
		if breakRE.MatchString(line) {
			popLabels()
			para, task, inList = nil, -1, false
			continue
		}
		if m := atxRE.FindStringSubmatch(line); m != nil {
			t := atxCloseRE.ReplaceAllString(m[2], "")
			push(Heading{Line: ln, Level: len(m[1]), Text: clean(t)})
			para, task, inList = nil, -1, false
			continue
		}
		if m := itemRE.FindStringSubmatch(line); m != nil {
			para, task, inList = nil, -1, true
			if len(stack) > 0 && stack[len(stack)-1].Label() {
				labelList = true
			}
			if t := taskRE.FindStringSubmatch(m[2]); t != nil {
				d.Tasks = append(d.Tasks, Task{
					Line:    ln,
					Checked: t[1] != " ",
					Under:   append([]Heading(nil), stack...),
				})
				raw = append(raw, t[2])
				task = len(d.Tasks) - 1
			}
			continue
		}
		// Paragraph text.
		switch {
		case task >= 0 && !blank:
			raw[task] += " " + strings.TrimSpace(line)
			continue
		case inList && (!blank || indented(line)):
			// A lazy continuation, or a later paragraph of a list item.
			continue
		case para != nil:
			para = append(para, strings.TrimSpace(line))
			continue
		}
		// A new paragraph outside any list.
		if labelList {
			popLabels()
			labelList = false
		}
		inList = false
		para, paraLine = []string{strings.TrimSpace(line)}, ln
		if m := labelRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			push(Heading{Line: ln, Level: LabelLevel, Text: clean(m[1] + m[2])})
		}
	}
	for i := range d.Tasks {
		d.Tasks[i].Text = clean(raw[i])
	}
	return d
}

// frontMatter returns the index of the first line after a YAML front
// matter block (`---` … `---`), or 0 when there is none.
func frontMatter(lines []string) int {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return 0
	}
	for i := 1; i < len(lines); i++ {
		if s := strings.TrimSpace(lines[i]); s == "---" || s == "..." {
			return i + 1
		}
	}
	return 0
}

// closesFence reports whether line closes a code block opened by fence.
func closesFence(line, fence string) bool {
	s := strings.TrimSpace(line)
	if !strings.HasPrefix(s, fence) {
		return false
	}
	return strings.Trim(s, fence[:1]) == ""
}

// stripComments removes HTML comments from line; *in carries an open
// comment from one line to the next.
func stripComments(line string, in *bool) string {
	var b strings.Builder
	s := line
	for {
		if *in {
			j := strings.Index(s, "-->")
			if j < 0 {
				return b.String()
			}
			s, *in = s[j+3:], false
			continue
		}
		j := strings.Index(s, "<!--")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:j])
		s, *in = s[j+4:], true
	}
}

func indented(line string) bool {
	return strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
}

// clean turns Markdown source text into what a reader sees, near enough
// for keyword matching: link targets and bare URLs go, white space is
// collapsed.
func clean(s string) string {
	s = linkRE.ReplaceAllString(s, "]")
	s = urlRE.ReplaceAllString(s, "")
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}
