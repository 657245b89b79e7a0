// Package criteriaissuetemplates implements the check
// criteria-issue-templates (PO.4.1): the repository has issue templates.
package criteriaissuetemplates

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/template"
)

// Check is criteria-issue-templates.
var Check = &check.Check{
	ID:      "criteria-issue-templates",
	Title:   "Issue templates exist",
	Tasks:   []string{"PO.4.1"},
	Sources: []check.Source{check.Files, check.Forge},
	Doc: `The repository has issue templates, through which work items carry their criteria.

Which locations count depends on the forge of the repository (` + "`target.forge`" + `):

- GitHub: ` + "`.github/ISSUE_TEMPLATE/*.md`, `*.yml`, `*.yaml`" + ` — the template chooser's ` + "`config.yml`" + ` (or ` + "`config.yaml`" + `) is not a template — or a legacy ` + "`ISSUE_TEMPLATE.md`" + ` in the root, ` + "`.github/`" + ` or ` + "`docs/`" + `.
- GitLab: ` + "`.gitlab/issue_templates/*.md`" + `.

File names match case-insensitively. A YAML issue form is read with a safe YAML reader (an alias bomb is refused, never expanded); a form that does not parse, or lacks ` + "`name`, `description` or `body`" + `, still counts as a template — the team did write one — but is reported as a finding, since GitHub will not offer it.

Forge part, when the files hold no template: on GitHub, the organization's ` + "`.github`" + ` repository supplies default issue templates (by the same rule: ` + "`*.md`, `*.yml`, `*.yaml`" + ` in its ` + "`ISSUE_TEMPLATE/`" + ` folder, not ` + "`config.yml`" + `) to every repository that has no ` + "`.github/ISSUE_TEMPLATE/`" + ` directory of its own; on GitLab, ` + "`GET /projects/:id/templates/issues`" + ` lists the templates the project offers, its group's and the instance's included.

**pass** — at least one template is at the forge's locations, or the forge supplies one. Details: ` + "`forge`" + `, ` + "`templates`" + `, and ` + "`source: forge`" + ` when the forge supplies them.

**fail** — no template in the files and the forge, when read, supplies none. On GitHub, a repository that has its own ` + "`.github/ISSUE_TEMPLATE/`" + ` directory (a ` + "`config.yml`" + ` alone, say) does not inherit the organization's default templates from its ` + "`.github`" + ` repository, so the forge cannot supply any: ` + "`fail`" + ` without consulting it.

**unknown** — no template in the files, and the forge that could supply them (GitHub: the organization's ` + "`.github`" + ` repository; GitLab: group and instance templates, ` + "`GET /projects/:id/templates/issues`" + `) was not read: "no evidence in the files; forge not consulted", or could not list them (the reason names the missing permission). Also when the walk of the repository was cut short before any template was found (on GitHub even when the organization supplies templates: the repository may have its own directory, which would hide them).

Templates at the other forge's locations do not count; they are named in a finding that suggests ` + "`--forge`" + `.`,
	Remediation: "Add issue templates: on GitHub, issue forms in `.github/ISSUE_TEMPLATE/` (for example `bug.yml` and `security.yml`, plus `config.yml` to point vulnerability reports to your private reporting channel), or default templates for every repository in the organization's `.github` repository; on GitLab, Markdown files in `.gitlab/issue_templates/`, or group-level description templates. `ssdf init` writes templates that carry security criteria. Make sure a repository that keeps its own `.github/ISSUE_TEMPLATE/` directory has templates in it, since it then no longer inherits the organization's.",
	Run:         run,
}

type details struct {
	Forge     string   `json:"forge"`
	Templates []string `json:"templates"`
	Source    string   `json:"source,omitempty"`
}

func run(p *check.Pass) check.Result {
	forge, other := template.GitHub, template.GitLab
	if p.Snapshot.Target.Forge == template.GitLab {
		forge, other = template.GitLab, template.GitHub
	}
	tree := p.Snapshot.Tree
	var found, foreign, ownDir []string
	for _, f := range tree.Files {
		switch {
		case template.IssueTemplate(f, forge):
			found = append(found, f)
		case template.IssueTemplate(f, other):
			foreign = append(foreign, f)
		}
		if forge == template.GitHub && template.InIssueTemplateDir(f) {
			ownDir = append(ownDir, f)
		}
	}

	if len(found) > 0 {
		var findings []check.Finding
		for _, f := range found {
			if !template.IssueForm(f) {
				continue
			}
			c, ok := tree.Contents[f]
			if !ok || c.Skipped != "" {
				continue // present all the same; its content is not needed
			}
			if _, err := template.ParseForm(c.Text); err != nil {
				findings = append(findings, check.Finding{Path: f,
					Message: fmt.Sprintf("the issue form is broken (%v): GitHub will not offer it, though it counts as a template here", err)})
			}
		}
		return check.Result{
			Status:   check.Passed,
			Reason:   fmt.Sprintf("%s issue templates exist: %s", forgeName(forge), list(found)),
			Findings: findings,
			Details:  details{Forge: forge, Templates: found},
		}
	}

	// The forge part: the organization's .github repository (GitHub, only
	// without a directory of the repository's own) or the project's
	// templates, group and instance included (GitLab).
	var supply snapshot.Fact[[]string]
	what := "the list of the organization's default issue templates"
	if forge == template.GitLab {
		what = "the list of the project's issue templates (group and instance included)"
	}
	if fs := p.Snapshot.Forge; fs.Consulted {
		switch {
		case forge == template.GitLab && fs.Repo != nil:
			supply = fs.Repo.IssueTemplates
		case forge == template.GitHub && fs.Org != nil:
			supply = fs.Org.IssueTemplates
		}
	}
	if forge == template.GitHub && supply.Known() {
		supply.Value = orgTemplates(supply.Value)
	}
	if supply.Known() && len(supply.Value) > 0 && len(ownDir) == 0 && (forge == template.GitLab || !tree.Truncated) {
		names := slices.Clone(supply.Value)
		slices.Sort(names)
		from := "the organization's .github repository supplies issue templates"
		if forge == template.GitLab {
			from = "GitLab offers the project issue templates"
		}
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("no issue template in the repository, but %s: %s", from, list(names)),
			Details: details{Forge: forge, Templates: names, Source: "forge"},
		}
	}

	var findings []check.Finding
	for _, f := range foreign {
		findings = append(findings, check.Finding{Path: f, Message: fmt.Sprintf(
			"a %s issue template, which %s does not read; the forge was taken to be %s (%s): pass --forge %s if the repository lives on %s",
			forgeName(other), forgeName(forge), forge, source(p.Snapshot.Target.ForgeSource), other, forgeName(other))})
	}
	var r check.Result
	switch {
	case tree.Truncated:
		r = check.Resultf(check.Unknown, "no issue template was found, but the walk of the repository was cut short (%s)", tree.Error)
	case len(ownDir) > 0:
		r = check.Resultf(check.Failed,
			"the repository has its own .github/ISSUE_TEMPLATE/ directory (%s) but no issue template in it, so it does not inherit the organization's default templates",
			list(ownDir))
	default:
		r = check.NoFileEvidence(p, fmt.Sprintf("there are no issue templates in the repository, and the forge supplies none (%s)", forgeSupply(forge)),
			check.FactOf(what, supply))
	}
	r.Findings = findings
	return r
}

// orgTemplates keeps the issue templates among the files of the
// organization's ISSUE_TEMPLATE folder: Markdown or YAML, not config.yml
// (which configures the chooser but is no template).
func orgTemplates(files []string) []string {
	var out []string
	for _, f := range files {
		base := strings.ToLower(path.Base(f))
		switch ext := path.Ext(base); {
		case base == "config.yml" || base == "config.yaml":
		case ext == ".md" || ext == ".yml" || ext == ".yaml":
			out = append(out, f)
		}
	}
	return out
}

func forgeSupply(forge string) string {
	if forge == template.GitLab {
		return "no group or instance templates"
	}
	return "no default templates in the organization's .github repository"
}

func forgeName(f string) string {
	if f == template.GitLab {
		return "GitLab"
	}
	return "GitHub"
}

func source(s string) string {
	switch s {
	case "flag":
		return "from --forge"
	case "origin":
		return "from the origin remote"
	case "guess":
		return "guessed from the files"
	}
	return "by default"
}

// list joins paths for a reason, eliding after five.
func list(paths []string) string {
	if len(paths) <= 5 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:5], ", "), len(paths)-5)
}
