// Package criteriasecuritydod implements the check criteria-security-dod
// (PO.4.1): a change-request template carries a security criterion in its
// Definition of Done.
package criteriasecuritydod

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/template"
)

// Check is criteria-security-dod.
var Check = &check.Check{
	ID:      "criteria-security-dod",
	Title:   "A change-request template carries a security criterion",
	Tasks:   []string{"PO.4.1"},
	Sources: []check.Source{check.Files},
	Doc: `A pull-request or merge-request template asks for a security criterion before a change is done.

The templates are GitHub pull-request templates (` + "`pull_request_template.md`" + ` in the root, ` + "`.github/`" + ` or ` + "`docs/`" + `, or ` + "`PULL_REQUEST_TEMPLATE/*.md`" + ` in any of these) and GitLab merge-request templates (` + "`.gitlab/merge_request_templates/*.md`" + `); names match case-insensitively, and both forges' templates count whatever the forge of the repository.

A template carries a security criterion when a task-list item (` + "`- [ ]`" + `, ` + "`* [ ]`" + `, ` + "`+ [ ]`" + ` or ` + "`1. [ ]`" + `, checked ` + "`[x]`" + ` too) or a heading (` + "`#`" + ` … ` + "`######`" + `, or a setext heading) contains one of the policy's ` + "`securityKeywords`" + ` as a case-insensitive substring. The defaults are ` + "`security`, `threat`, `secret`, `credential`, `vulnerab`, `cve`, `sast`, `sbom`, `privacy`, `sensitive`" + `.

- Task items under a heading that matches ` + "`type of change`" + `, ` + "`types of changes`" + `, ` + "`change type`" + ` or ` + "`kind`" + ` (whole words, case-insensitive, singular or plural) are classifications, not criteria, and do not count. "Under" means that the item's nearest heading is such a heading: a subsection of its own (` + "`### Checklist`" + ` under ` + "`## Type of change`" + `) holds criteria again. A paragraph that starts with bold text (` + "`**Type of change**`" + `, ` + "`**What kind of change does this PR introduce?** (check one)`" + `) is read as such a heading too, for the list that follows it; bold text never counts as a security heading itself.
- Only what the template shows as text is read: YAML front matter, HTML comments (` + "`<!-- … -->`" + `), fenced code blocks, link targets and bare URLs are left out. A task item's text runs over its continuation lines.

**pass** — some template carries a criterion. Details: ` + "`template`" + `, ` + "`line`" + `, ` + "`keyword`" + `, ` + "`kind`" + ` (` + "`task`" + ` or ` + "`heading`" + `), ` + "`text`" + ` (the first match, templates in path order), and ` + "`templates`" + ` (every change-request template).

**fail** — there is no change-request template, or none carries a criterion: one finding per template.

**unknown** — no template read carries a criterion, but a template could not be read (over the size cap, unreadable), or the walk of the repository was cut short before any template was found.`,
	Remediation: "Add a security item to the Definition of Done in your pull-request template (`.github/pull_request_template.md`) or GitLab merge-request template (`.gitlab/merge_request_templates/Default.md`), for example `- [ ] Security: threats considered, no secrets committed, new dependencies checked for known vulnerabilities`, or a `## Security` section the author must fill in; `ssdf init` writes such templates. A checkbox in a \"Type of change\" list does not count.",
	Run:         run,
}

// classificationRE matches the headings whose task items classify a change
// rather than state a criterion.
var classificationRE = regexp.MustCompile(`(?i)\b(?:types?\s+of\s+changes?|change\s+types?|kind)\b`)

// Match is where a template states a security criterion.
type Match struct {
	Line    int    `json:"line"`
	Keyword string `json:"keyword"`
	Kind    string `json:"kind"` // "task" or "heading"
	Text    string `json:"text"`
}

type details struct {
	Template  string   `json:"template"`
	Line      int      `json:"line"`
	Keyword   string   `json:"keyword"`
	Kind      string   `json:"kind"`
	Text      string   `json:"text"`
	Templates []string `json:"templates"`
}

func run(p *check.Pass) check.Result {
	keywords := p.Policy.SecurityKeywords
	if len(keywords) == 0 {
		keywords = policy.DefaultSecurityKeywords
	}
	tree := p.Snapshot.Tree
	var templates []string
	for _, f := range tree.Files {
		if template.ChangeRequest(f) {
			templates = append(templates, f)
		}
	}
	if len(templates) == 0 {
		if tree.Truncated {
			return check.Resultf(check.Unknown, "no change-request template was found, but the walk of the repository was cut short (%s)", tree.Error)
		}
		return check.Resultf(check.Failed, "there is no pull-request or merge-request template, so no Definition of Done carries a security criterion")
	}

	var findings []check.Finding
	var unread []string
	for _, path := range templates {
		c, ok := tree.Contents[path]
		if !ok || c.Skipped != "" {
			why := c.Skipped
			if !ok {
				why = "not read"
			}
			unread = append(unread, path)
			findings = append(findings, check.Finding{Path: path, Message: "the template could not be read: " + why})
			continue
		}
		doc := check.Memo(p, "template.Markdown:"+path, func() template.Doc { return template.Markdown(c.Text) })
		m, classified := Criterion(doc, keywords)
		if m != nil {
			return check.Result{
				Status: check.Passed,
				Reason: fmt.Sprintf("%s carries a security criterion: the %s on line %d names %q", path, m.Kind, m.Line, m.Keyword),
				Details: details{Template: path, Line: m.Line, Keyword: m.Keyword, Kind: m.Kind, Text: m.Text,
					Templates: templates},
			}
		}
		msg := fmt.Sprintf("no task-list item or heading names a security keyword (%s)", strings.Join(keywords, ", "))
		if classified != nil {
			msg += fmt.Sprintf("; the item on line %d names %q but classifies the change (it is under a %q heading)",
				classified.Line, classified.Keyword, classified.Text)
		}
		findings = append(findings, check.Finding{Path: path, Message: msg})
	}
	if len(unread) > 0 {
		return check.Result{
			Status:   check.Unknown,
			Reason:   fmt.Sprintf("no template that was read carries a security criterion, and %s could not be read", strings.Join(unread, ", ")),
			Findings: findings,
		}
	}
	return check.Result{
		Status:   check.Failed,
		Reason:   fmt.Sprintf("none of the %d change-request templates carries a security criterion (a task-list item or heading naming a security keyword)", len(templates)),
		Findings: findings,
	}
}

// Criterion returns the first task item or heading of doc, in line order,
// that names one of keywords, or nil. When there is none, classified is the
// first task item that names a keyword but lies under a classification
// heading (its Text is then that heading's text), for the message.
func Criterion(doc template.Doc, keywords []string) (m, classified *Match) {
	var best *Match
	consider := func(c Match) {
		if best == nil || c.Line < best.Line {
			best = &c
		}
	}
	for _, h := range doc.Headings {
		if h.Label() {
			continue
		}
		if k := keyword(h.Text, keywords); k != "" {
			consider(Match{Line: h.Line, Keyword: k, Kind: "heading", Text: h.Text})
			break
		}
	}
	for _, t := range doc.Tasks {
		k := keyword(t.Text, keywords)
		if k == "" {
			continue
		}
		if h := classification(t.Under); h != nil {
			if classified == nil {
				classified = &Match{Line: t.Line, Keyword: k, Kind: "task", Text: h.Text}
			}
			continue
		}
		consider(Match{Line: t.Line, Keyword: k, Kind: "task", Text: t.Text})
		break
	}
	if best != nil {
		return best, nil
	}
	return nil, classified
}

// classification returns the item's nearest heading when it is a
// classification heading: a subsection of its own (`### Checklist` under
// `## Type of change`) holds criteria again, as a reader takes it.
func classification(under []template.Heading) *template.Heading {
	if n := len(under); n > 0 && classificationRE.MatchString(under[n-1].Text) {
		return &under[n-1]
	}
	return nil
}

// keyword returns the first of keywords that text contains, ignoring case.
func keyword(text string, keywords []string) string {
	lt := strings.ToLower(text)
	for _, k := range keywords {
		if k != "" && strings.Contains(lt, strings.ToLower(k)) {
			return k
		}
	}
	return ""
}
