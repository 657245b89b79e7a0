// Package template knows the issue and change-request templates of GitHub
// and GitLab (SPEC §3, PO.4.1): where each forge looks for them, how a
// GitHub issue form is read, and the Markdown structure (headings and task
// items) in which a template states its criteria.
package template

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Forge names, as in snapshot.Target.Forge.
const (
	GitHub = "github"
	GitLab = "gitlab"
)

// split returns the lower-cased directory and base name of a
// slash-separated path. File names match case-insensitively (SPEC §3).
func split(p string) (dir, base string) {
	dir, base = path.Split(strings.ToLower(p))
	return strings.TrimSuffix(dir, "/"), base
}

// IssueTemplate reports whether p is an issue template at one of the
// forge's locations: GitHub `.github/ISSUE_TEMPLATE/*.{md,yml,yaml}` other
// than the template chooser's `config.yml` (or `config.yaml`), or a legacy
// `ISSUE_TEMPLATE.md` in the root, `.github/` or `docs/`; GitLab
// `.gitlab/issue_templates/*.md`. Any other forge is treated as GitHub.
func IssueTemplate(p, forge string) bool {
	dir, base := split(p)
	ext := path.Ext(base)
	if forge == GitLab {
		return dir == ".gitlab/issue_templates" && ext == ".md"
	}
	switch {
	case dir == ".github/issue_template":
		if base == "config.yml" || base == "config.yaml" {
			return false
		}
		return ext == ".md" || ext == ".yml" || ext == ".yaml"
	case base == "issue_template.md":
		return dir == "" || dir == ".github" || dir == "docs"
	}
	return false
}

// InIssueTemplateDir reports whether p lies in GitHub's
// `.github/ISSUE_TEMPLATE/` directory, template or not. A repository with
// any file there does not inherit its organization's default templates.
func InIssueTemplateDir(p string) bool {
	return strings.HasPrefix(strings.ToLower(p), ".github/issue_template/")
}

// IssueForm reports whether p is a GitHub issue form (a YAML issue
// template) rather than a Markdown one.
func IssueForm(p string) bool {
	dir, base := split(p)
	ext := path.Ext(base)
	return dir == ".github/issue_template" && (ext == ".yml" || ext == ".yaml")
}

// ChangeRequest reports whether p is a change-request template: a GitHub
// pull-request template (`pull_request_template.md` in the root, `.github/`
// or `docs/`, or `PULL_REQUEST_TEMPLATE/*.md` in any of them) or a GitLab
// merge-request template (`.gitlab/merge_request_templates/*.md`). Names
// match case-insensitively. Both forges' locations count.
func ChangeRequest(p string) bool {
	dir, base := split(p)
	if path.Ext(base) != ".md" {
		return false
	}
	switch dir {
	case "", ".github", "docs":
		return base == "pull_request_template.md"
	case "pull_request_template", ".github/pull_request_template", "docs/pull_request_template",
		".gitlab/merge_request_templates":
		return true
	}
	return false
}

// Form is the part of a GitHub issue form that ssdf reads.
type Form struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Body        []FormField `yaml:"body"`
}

// FormField is one element of an issue form's body.
type FormField struct {
	Type       string         `yaml:"type"`
	ID         string         `yaml:"id"`
	Attributes map[string]any `yaml:"attributes"`
}

// ParseForm reads a GitHub issue form. It never panics and never expands an
// alias bomb: the YAML reader refuses excessive aliasing with an error. A
// form that GitHub would reject for lacking a required key (`name`,
// `description`, a non-empty `body`) is returned with an error saying so.
func ParseForm(text string) (f *Form, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML reader failed: %v", r)
		}
	}()
	f = new(Form)
	if err := yaml.Unmarshal([]byte(text), f); err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var missing []string
	if strings.TrimSpace(f.Name) == "" {
		missing = append(missing, "name")
	}
	if strings.TrimSpace(f.Description) == "" {
		missing = append(missing, "description")
	}
	if len(f.Body) == 0 {
		missing = append(missing, "body")
	}
	if len(missing) > 0 {
		return f, fmt.Errorf("not a valid issue form: missing %s", strings.Join(missing, ", "))
	}
	return f, nil
}
