package template

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"
)

func TestLocations(t *testing.T) {
	for _, tc := range []struct {
		path          string
		github        bool // IssueTemplate(path, "github")
		gitlab        bool // IssueTemplate(path, "gitlab")
		changeRequest bool
	}{
		{".github/ISSUE_TEMPLATE/bug.md", true, false, false},
		{".github/ISSUE_TEMPLATE/bug.yml", true, false, false},
		{".github/issue_template/Bug.YAML", true, false, false},
		{".github/ISSUE_TEMPLATE/config.yml", false, false, false},
		{".github/ISSUE_TEMPLATE/config.yaml", false, false, false},
		{".github/ISSUE_TEMPLATE/notes.txt", false, false, false},
		{".github/ISSUE_TEMPLATE/sub/bug.md", false, false, false},
		{"ISSUE_TEMPLATE.md", true, false, false},
		{".github/issue_template.md", true, false, false},
		{"docs/ISSUE_TEMPLATE.md", true, false, false},
		{"src/ISSUE_TEMPLATE.md", false, false, false},
		{".gitlab/issue_templates/Bug.md", false, true, false},
		{".gitlab/issue_templates/Bug.yml", false, false, false},
		{".github/pull_request_template.md", false, false, true},
		{"PULL_REQUEST_TEMPLATE.md", false, false, true},
		{"docs/Pull_Request_Template.MD", false, false, true},
		{".github/PULL_REQUEST_TEMPLATE/feature.md", false, false, true},
		{"PULL_REQUEST_TEMPLATE/feature.md", false, false, true},
		{"docs/PULL_REQUEST_TEMPLATE/feature.md", false, false, true},
		{".github/PULL_REQUEST_TEMPLATE/feature.txt", false, false, false},
		{"src/pull_request_template.md", false, false, false},
		{".gitlab/merge_request_templates/Default.md", false, false, true},
		{".gitlab/merge_request_templates/x/Default.md", false, false, false},
	} {
		if got := IssueTemplate(tc.path, GitHub); got != tc.github {
			t.Errorf("IssueTemplate(%q, github) = %v", tc.path, got)
		}
		if got := IssueTemplate(tc.path, GitLab); got != tc.gitlab {
			t.Errorf("IssueTemplate(%q, gitlab) = %v", tc.path, got)
		}
		if got := ChangeRequest(tc.path); got != tc.changeRequest {
			t.Errorf("ChangeRequest(%q) = %v", tc.path, got)
		}
	}
}

func TestParseForm(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = n
	}
	bomb += "name: Bug\ndescription: d\nbody:\n  - type: markdown\n    attributes: {value: *" + prev + "}\n"

	for _, tc := range []struct {
		name, text, err string
	}{
		{"valid", "name: Bug\ndescription: Report a bug\nbody:\n  - type: textarea\n    id: what\n    attributes: {label: \"What happened\"}\n", ""},
		{"missing keys", "name: Bug\n", "missing description, body"},
		{"chooser config", "blank_issues_enabled: false\n", "missing name, description, body"},
		{"bad YAML", "name: [unclosed\n", "invalid YAML"},
		{"body not a list", "name: a\ndescription: b\nbody: text\n", "invalid YAML"},
		{"alias bomb", bomb, "excessive aliasing"},
		{"empty", "", "missing name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseForm(tc.text)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("err = %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	h := func(line, level int, text string) Heading { return Heading{Line: line, Level: level, Text: text} }
	for _, tc := range []struct {
		name string
		text string
		want Doc
	}{{
		name: "headings and tasks",
		text: "# Title #\n\n## Checklist\n\n- [ ] one\n* [x] two\n+ [X] three\n1. [ ] four\n2) [ ] five\n- [] not a task\n- [ ]not a task\n-[ ] not a task\n",
		want: Doc{
			Headings: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")},
			Tasks: []Task{
				{Line: 5, Text: "one", Under: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")}},
				{Line: 6, Checked: true, Text: "two", Under: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")}},
				{Line: 7, Checked: true, Text: "three", Under: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")}},
				{Line: 8, Text: "four", Under: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")}},
				{Line: 9, Text: "five", Under: []Heading{h(1, 1, "Title"), h(3, 2, "Checklist")}},
			},
		},
	}, {
		name: "sections end at the same or a higher level",
		text: "## A\n### B\n- [ ] x\n## C\n- [ ] y\n# D\n- [ ] z\n",
		want: Doc{
			Headings: []Heading{h(1, 2, "A"), h(2, 3, "B"), h(4, 2, "C"), h(6, 1, "D")},
			Tasks: []Task{
				{Line: 3, Text: "x", Under: []Heading{h(1, 2, "A"), h(2, 3, "B")}},
				{Line: 5, Text: "y", Under: []Heading{h(4, 2, "C")}},
				{Line: 7, Text: "z", Under: []Heading{h(6, 1, "D")}},
			},
		},
	}, {
		name: "front matter, comments and code are not content",
		text: "---\nname: PR\nabout: x\n---\n<!-- # Hidden\n- [ ] hidden -->\nA <!-- inline --> paragraph\n```\n# not a heading\n- [ ] not a task\n```\n~~~~\n```\n- [ ] still code\n~~~~\n- [ ] real\n",
		want: Doc{Tasks: []Task{{Line: 16, Text: "real"}}},
	}, {
		name: "setext headings and thematic breaks",
		text: "Title\n=====\n\nSub\n---\n\n- [ ] item\n---\n\n***\n",
		want: Doc{
			Headings: []Heading{h(1, 1, "Title"), h(4, 2, "Sub")},
			Tasks:    []Task{{Line: 7, Text: "item", Under: []Heading{h(1, 1, "Title"), h(4, 2, "Sub")}}},
		},
	}, {
		name: "continuation lines, links and URLs",
		text: "- [ ] read the [upcoming\n  security\n  release](https://example.org/security) notes\n- [ ] see https://example.org/secret\n\n  a later paragraph with secret\n",
		want: Doc{Tasks: []Task{
			{Line: 1, Text: "read the [upcoming security release] notes"},
			{Line: 4, Text: "see"},
		}},
	}, {
		name: "blockquotes are looked through",
		text: "> ## Quoted\n> - [ ] quoted task\n",
		want: Doc{
			Headings: []Heading{h(1, 2, "Quoted")},
			Tasks:    []Task{{Line: 2, Text: "quoted task", Under: []Heading{h(1, 2, "Quoted")}}},
		},
	}, {
		name: "labels govern the list that follows",
		text: "## Pull request\n\n**Type of change:** pick one\n\n- [ ] a\n\n- [ ] b\n  more\n\nText after the list.\n\n- [ ] c\n",
		want: Doc{
			Headings: []Heading{h(1, 2, "Pull request"), h(3, LabelLevel, "Type of change:")},
			Tasks: []Task{
				{Line: 5, Text: "a", Under: []Heading{h(1, 2, "Pull request"), h(3, LabelLevel, "Type of change:")}},
				{Line: 7, Text: "b more", Under: []Heading{h(1, 2, "Pull request"), h(3, LabelLevel, "Type of change:")}},
				{Line: 12, Text: "c", Under: []Heading{h(1, 2, "Pull request")}},
			},
		},
	}, {
		name: "CRLF and BOM",
		text: "\ufeff# T\r\n- [ ] x\r\n",
		want: Doc{
			Headings: []Heading{h(1, 1, "T")},
			Tasks:    []Task{{Line: 2, Text: "x", Under: []Heading{h(1, 1, "T")}}},
		},
	}, {
		name: "an unclosed comment hides the rest",
		text: "- [ ] a\n<!-- open\n- [ ] b\n",
		want: Doc{Tasks: []Task{{Line: 1, Text: "a"}}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Markdown(tc.text)); diff != "" {
				t.Errorf("Markdown (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# a\n- [ ] b\n", "---\nx\n---\n", "<!--", "```\n", "**a** b\n- [ ] c\n\nd\n", "a\n---\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Markdown(s)
		n := strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\r") + 1
		for _, x := range d.Tasks {
			if x.Line < 1 || x.Line > n {
				t.Fatalf("task line %d outside 1..%d", x.Line, n)
			}
		}
		for _, x := range d.Headings {
			if x.Line < 1 || x.Line > n {
				t.Fatalf("heading line %d outside 1..%d", x.Line, n)
			}
		}
	})
}

// TestCorpus reads every real-world template: Markdown ones parse without
// panic, every issue form that GitHub offers parses as a valid form.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedtest.Dir(t, "corpus", "templates"), "*"))
	if len(files) == 0 {
		t.Fatal("no corpus templates")
	}
	forms := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		switch ext := filepath.Ext(name); {
		case ext == ".md":
			Markdown(string(b))
		case strings.Contains(name, "__config."):
			if _, err := ParseForm(string(b)); err == nil {
				t.Errorf("%s: a template chooser config read as a valid issue form", name)
			}
		default:
			forms++
			if _, err := ParseForm(string(b)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if forms < 10 {
		t.Errorf("only %d issue forms in the corpus", forms)
	}
}
