// Package scaffold holds what `ssdf init` writes: CODEOWNERS, issue and
// change-request templates, a policy file and pipelines that run ssdf,
// for GitHub or GitLab, as embedded templates, and the logic that decides
// which of them a repository lacks.
//
// Every generated file is written to pass ssdf's own file checks
// (codeowners-*, criteria-*, pipeline-*): pipelines pin actions by commit
// SHA and images by digest, with values taken from real workflows.
package scaffold

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/snapshot"
)

//go:embed templates
var templates embed.FS

// Pipeline systems init can write.
const (
	GitHubActions = "github"
	GitLabCI      = "gitlab"
	Tekton        = "tekton"
	Jenkins       = "jenkins"
)

// Pipelines lists every pipeline system, in the order init writes them.
var Pipelines = []string{GitHubActions, GitLabCI, Tekton, Jenkins}

// Options say what to generate.
type Options struct {
	// Forge is collect.GitHub or collect.GitLab.
	Forge string
	// Pipelines are the systems to write a pipeline for (see Pipelines).
	Pipelines []string
	// Owners are the owners of the catch-all CODEOWNERS rule; OwnersSource
	// says where the suggestion came from, for the comment that asks the
	// user to confirm; Candidates are further suggestions, listed in it.
	Owners       []string
	OwnersSource string
	Candidates   []string
	// Version is the ssdf module version the pipelines install
	// (`go install …@Version`): a tag such as v0.3.0, or "latest".
	Version string
	// Branch is the default branch (Tekton's on-target-branch); "main" when empty.
	Branch string
	// SecurityURL is where the GitHub template chooser sends vulnerability
	// reports (the repository's private reporting page when known).
	SecurityURL string
}

// Kind groups the generated files by the need they answer.
type Kind string

// The kinds of file.
const (
	KindCodeOwners     Kind = "codeowners"
	KindIssueTemplates Kind = "issue-templates"
	KindChangeTemplate Kind = "change-template"
	KindPolicy         Kind = "policy"
	KindPipeline       Kind = "pipeline"
)

// File is one generated file.
type File struct {
	Path    string
	Kind    Kind
	Content []byte
}

// Generate renders the files for o, in a stable order.
func Generate(o Options) ([]File, error) {
	if o.Forge != collect.GitHub && o.Forge != collect.GitLab {
		return nil, fmt.Errorf("forge %q: want github or gitlab", o.Forge)
	}
	if len(o.Owners) == 0 {
		return nil, fmt.Errorf("no owners for CODEOWNERS")
	}
	if o.Version == "" {
		o.Version = "latest"
	}
	if o.Branch == "" {
		o.Branch = "main"
	}
	data := map[string]any{
		"Owners":         strings.Join(o.Owners, " "),
		"OwnersSource":   o.OwnersSource,
		"Candidates":     o.Candidates,
		"GitLab":         o.Forge == collect.GitLab,
		"Version":        o.Version,
		"TargetBranches": "[" + o.Branch + "]",
		"SecurityURL":    o.SecurityURL,
	}
	type spec struct {
		tmpl, path string
		kind       Kind
	}
	var specs []spec
	if o.Forge == collect.GitHub {
		specs = append(specs,
			spec{"CODEOWNERS.tmpl", ".github/CODEOWNERS", KindCodeOwners},
			spec{"bug.yml", ".github/ISSUE_TEMPLATE/bug.yml", KindIssueTemplates},
			spec{"security.yml", ".github/ISSUE_TEMPLATE/security.yml", KindIssueTemplates},
			spec{"config.yml", ".github/ISSUE_TEMPLATE/config.yml", KindIssueTemplates},
			spec{"pull_request_template.md", ".github/pull_request_template.md", KindChangeTemplate},
		)
		if o.SecurityURL == "" {
			data["SecurityURL"] = "https://docs.github.com/code-security/security-advisories/guidance-on-reporting-and-writing-information-about-vulnerabilities/privately-reporting-a-security-vulnerability"
		}
	} else {
		specs = append(specs,
			spec{"CODEOWNERS.tmpl", "CODEOWNERS", KindCodeOwners},
			spec{"Bug.md", ".gitlab/issue_templates/Bug.md", KindIssueTemplates},
			spec{"Security.md", ".gitlab/issue_templates/Security.md", KindIssueTemplates},
			spec{"Default.md", ".gitlab/merge_request_templates/Default.md", KindChangeTemplate},
		)
	}
	specs = append(specs, spec{"ssdf.yaml", ".ssdf.yaml", KindPolicy})
	for _, p := range Pipelines {
		if !slices.Contains(o.Pipelines, p) {
			continue
		}
		switch p {
		case GitHubActions:
			specs = append(specs, spec{"github-ssdf.yml", ".github/workflows/ssdf.yml", KindPipeline})
		case GitLabCI:
			specs = append(specs, spec{"gitlab-ci.yml", ".gitlab-ci.yml", KindPipeline})
		case Tekton:
			specs = append(specs,
				spec{"tekton-task.yaml", ".tekton/ssdf-task.yaml", KindPipeline},
				spec{"tekton-pull-request.yaml", ".tekton/ssdf-pull-request.yaml", KindPipeline})
		case Jenkins:
			specs = append(specs, spec{"Jenkinsfile", "Jenkinsfile", KindPipeline})
		}
	}
	for _, p := range o.Pipelines {
		if !slices.Contains(Pipelines, p) {
			return nil, fmt.Errorf("pipeline %q: want one of %s", p, strings.Join(Pipelines, ", "))
		}
	}
	var out []File
	for _, s := range specs {
		b, err := render(s.tmpl, data)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: s.path, Kind: s.kind, Content: b})
	}
	return out, nil
}

func render(name string, data any) ([]byte, error) {
	raw, err := templates.ReadFile(path.Join("templates", name))
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Parse(string(raw))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Present says why the repository already satisfies what files of kind k
// answer, or "" when it does not: an existing CODEOWNERS at any location
// (a second one would shadow or be shadowed), issue templates or a
// change-request template at the forge's locations, a policy file. A
// pipeline is decided by its own path only.
func Present(k Kind, forge string, tree snapshot.Tree) string {
	has := func(match func(lp string) bool) string {
		for _, f := range tree.Files {
			if match(strings.ToLower(f)) {
				return f
			}
		}
		return ""
	}
	var found string
	switch k {
	case KindCodeOwners:
		found = has(func(lp string) bool {
			return slices.ContainsFunc(collect.CodeOwnersLocations, func(l string) bool { return strings.ToLower(l) == lp })
		})
	case KindIssueTemplates:
		if forge == collect.GitLab {
			found = has(func(lp string) bool {
				return path.Dir(lp) == ".gitlab/issue_templates" && path.Ext(lp) == ".md"
			})
		} else {
			found = has(func(lp string) bool {
				if path.Dir(lp) == ".github/issue_template" {
					b := path.Base(lp)
					return b != "config.yml" && b != "config.yaml" && (path.Ext(b) == ".md" || path.Ext(b) == ".yml" || path.Ext(b) == ".yaml")
				}
				return lp == "issue_template.md" || lp == ".github/issue_template.md" || lp == "docs/issue_template.md"
			})
		}
	case KindChangeTemplate:
		found = has(func(lp string) bool {
			if forge == collect.GitLab {
				return path.Dir(lp) == ".gitlab/merge_request_templates" && path.Ext(lp) == ".md"
			}
			switch lp {
			case "pull_request_template.md", ".github/pull_request_template.md", "docs/pull_request_template.md":
				return true
			}
			d := path.Dir(lp)
			return (d == "pull_request_template" || d == ".github/pull_request_template" || d == "docs/pull_request_template") && path.Ext(lp) == ".md"
		})
	case KindPolicy:
		found = has(func(lp string) bool { return lp == ".ssdf.yaml" || lp == ".ssdf.yml" })
	}
	if found == "" {
		return ""
	}
	return found + " already exists"
}
