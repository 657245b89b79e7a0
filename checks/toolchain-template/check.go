// Package toolchaintemplate implements the check toolchain-template
// (PO.3.1): the repository was made by, or is kept by, a software
// template or factory.
package toolchaintemplate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is toolchain-template.
var Check = &check.Check{
	ID:      "toolchain-template",
	Title:   "The repository comes from a software template or factory",
	Tasks:   []string{"PO.3.1"},
	Sources: []check.Source{check.Files, check.Forge},
	Doc: `The repository was made by, or is kept by, a software template or factory, so that its toolchain is the organization's standard one.

The mechanisms, in order of precedence (the first that matches is ` + "`mechanism`" + ` in the details):

1. ` + "`backstage-source-template`" + ` — a ` + "`catalog-info.yaml`" + ` (or ` + "`.yml`" + `) anywhere with a non-empty annotation ` + "`backstage.io/source-template`" + ` (the Backstage scaffolder writes it when a template creates the repository).
2. ` + "`backstage-template`" + ` — the repository holds a Backstage software template: a YAML document anywhere with ` + "`apiVersion: scaffolder.backstage.io/*`" + ` and ` + "`kind: Template`" + `. Files in a template's skeleton directories are excluded, as everywhere.
3. ` + "`copier`" + ` — ` + "`.copier-answers.yml`" + ` (or ` + "`.yaml`" + `) in the root.
4. ` + "`cruft`" + ` — ` + "`.cruft.json`" + ` in the root.
5. ` + "`konflux-tekton-pac`" + ` — a PipelineRun under ` + "`.tekton/`" + ` with an ` + "`appstudio.openshift.io/*`" + ` label (Konflux onboarding writes it).
6. ` + "`tekton-pac`" + ` — a PipelineRun under ` + "`.tekton/`" + ` with a ` + "`pipelinesascode.tekton.dev/*`" + ` annotation.
7. ` + "`github-template`" + ` — forge: the repository's ` + "`template_repository`" + ` is set.
8. ` + "`github-template-repo`" + ` — forge: the repository is itself a template (` + "`is_template`" + `).

A YAML file that does not parse (a template placeholder left in it) is read line by line for the same keys.

The forge mechanisms are read on GitHub only (` + "`GET /repos/{owner}/{repo}`" + `): ` + "`template_repository`" + ` names the template repository the repository was generated from, ` + "`is_template`" + ` says it is a template repository itself.

**pass** — a mechanism matches. Details: ` + "`mechanism`" + `, ` + "`path`" + ` and ` + "`line`" + ` of the evidence (no path for the forge mechanisms), ` + "`source`" + ` (the template it names, when it names one: for ` + "`github-template`" + ` the template repository) and ` + "`mechanisms`" + ` (every mechanism found, in order of precedence).

**unknown** — nothing in the files nor on the forge, and a file that could hold the evidence was not read (size cap, unreadable) or the walk was cut short; or, on GitHub, nothing in the files and the forge was not read ("no evidence in the files; forge not consulted") or could not show ` + "`template_repository`" + ` and ` + "`is_template`" + ` (the reason names the missing permission).

**fail** — nothing in the files, and the forge, read, shows neither ` + "`template_repository`" + ` nor ` + "`is_template`" + `. On GitLab the forge part is not defined yet, so nothing in the files is a failure there.

There is no not-applicable case: every repository has an origin.`,
	Remediation: "Create repositories from the organization's software template so that they start with the standard toolchain, and keep the link: Backstage's scaffolder records it in `catalog-info.yaml` (`backstage.io/source-template`), Copier in `.copier-answers.yml`, Cruft in `.cruft.json`; Konflux onboarding writes labelled PipelineRuns under `.tekton/`. For a repository that predates the template, add the annotation or run `copier`/`cruft link` against the template, or use `ssdf init` to write the standard pipeline; on GitHub, creating the repository from a template repository records `template_repository`.",
	Run:         run,
}

// The mechanisms, in order of precedence.
const (
	BackstageSourceTemplate = "backstage-source-template"
	BackstageTemplate       = "backstage-template"
	Copier                  = "copier"
	Cruft                   = "cruft"
	KonfluxTektonPaC        = "konflux-tekton-pac"
	TektonPaC               = "tekton-pac"
	GitHubTemplate          = "github-template"
	GitHubTemplateRepo      = "github-template-repo"
)

var precedence = []string{BackstageSourceTemplate, BackstageTemplate, Copier, Cruft, KonfluxTektonPaC, TektonPaC, GitHubTemplate, GitHubTemplateRepo}

// Evidence is one file that shows a template or factory.
type Evidence struct {
	Mechanism string `json:"mechanism"`
	Path      string `json:"path,omitempty"`
	Line      int    `json:"line,omitempty"`
	Source    string `json:"source,omitempty"`
}

type details struct {
	Mechanism  string   `json:"mechanism"`
	Path       string   `json:"path,omitempty"`
	Line       int      `json:"line,omitempty"`
	Source     string   `json:"source,omitempty"`
	Mechanisms []string `json:"mechanisms"`
}

func run(p *check.Pass) check.Result {
	tree := p.Snapshot.Tree
	var found []Evidence
	var unread []string
	for _, f := range tree.Files {
		c, ok := tree.Contents[f]
		if !ok {
			continue
		}
		lf := strings.ToLower(f)
		base := path.Base(lf)
		isYAML := strings.HasSuffix(lf, ".yaml") || strings.HasSuffix(lf, ".yml")
		candidate := base == "catalog-info.yaml" || base == "catalog-info.yml" || lf == ".copier-answers.yml" ||
			lf == ".copier-answers.yaml" || lf == ".cruft.json" || isYAML
		if c.Skipped != "" {
			if candidate {
				unread = append(unread, f)
			}
			continue
		}
		switch {
		case base == "catalog-info.yaml" || base == "catalog-info.yml":
			found = append(found, sourceTemplate(f, c.Text)...)
		case lf == ".copier-answers.yml" || lf == ".copier-answers.yaml":
			e := Evidence{Mechanism: Copier, Path: f, Line: 1}
			if v, line := yamlTopValue(c.Text, "_src_path"); v != "" {
				e.Source, e.Line = v, line
			}
			found = append(found, e)
		case lf == ".cruft.json":
			var cj struct {
				Template string `json:"template"`
			}
			_ = json.Unmarshal([]byte(c.Text), &cj)
			found = append(found, Evidence{Mechanism: Cruft, Path: f, Line: 1, Source: cj.Template})
		}
		if isYAML && strings.Contains(c.Text, "scaffolder.backstage.io") {
			found = append(found, templates(f, c.Text)...)
		}
	}
	for _, s := range tree.Skipped {
		if strings.HasPrefix(s.Reason, "unreadable") {
			if l := strings.ToLower(s.Path); strings.HasSuffix(l, ".yaml") || strings.HasSuffix(l, ".yml") || strings.HasSuffix(l, ".json") {
				unread = append(unread, s.Path)
			}
		}
	}
	set := pipeline.Load(p)
	for _, f := range set.Files {
		if f.System != pipeline.Tekton || !pipeline.InTektonDir(f.Path) {
			continue
		}
		if f.Problem != "" && len(f.Resources) == 0 {
			unread = append(unread, f.Path)
		}
		for _, r := range f.Resources {
			if r.Kind != "PipelineRun" {
				continue
			}
			if l, ok := r.HasLabelPrefix(pipeline.KonfluxLabel); ok {
				app, _ := r.Label("appstudio.openshift.io/application")
				found = append(found, Evidence{Mechanism: KonfluxTektonPaC, Path: f.Path, Line: l.Line, Source: app})
			}
			if a, ok := r.HasAnnotationPrefix(pipeline.PaCAnnotation); ok {
				found = append(found, Evidence{Mechanism: TektonPaC, Path: f.Path, Line: a.Line})
			}
		}
	}
	github := check.ForgeKind(p) != "gitlab"
	var repo snapshot.Repo
	if r := p.Snapshot.Forge.Repo; r != nil && p.Snapshot.Forge.Consulted {
		repo = *r
	}
	if github {
		if f := repo.TemplateRepository; f.Read && f.Value != "" {
			found = append(found, Evidence{Mechanism: GitHubTemplate, Source: f.Value})
		}
		if f := repo.IsTemplate; f.Read && f.Value {
			found = append(found, Evidence{Mechanism: GitHubTemplateRepo, Source: repo.FullName})
		}
	}

	if len(found) > 0 {
		slices.SortStableFunc(found, func(a, b Evidence) int {
			return slices.Index(precedence, a.Mechanism) - slices.Index(precedence, b.Mechanism)
		})
		first := found[0]
		d := details{Mechanism: first.Mechanism, Path: first.Path, Line: first.Line, Source: first.Source}
		for _, e := range found {
			if !slices.Contains(d.Mechanisms, e.Mechanism) {
				d.Mechanisms = append(d.Mechanisms, e.Mechanism)
			}
		}
		reason := fmt.Sprintf("the repository comes from a template or factory (%s, %s)", first.Mechanism, loc(first))
		if first.Source != "" {
			reason = fmt.Sprintf("the repository comes from a template or factory (%s %q, %s)", first.Mechanism, first.Source, loc(first))
		}
		return check.Result{Status: check.Passed, Reason: reason, Details: d}
	}

	slices.Sort(unread)
	unread = slices.Compact(unread)
	switch {
	case tree.Truncated:
		return check.Resultf(check.Unknown, "no template or factory origin was found, but the walk of the repository was cut short (%s)", tree.Error)
	case len(unread) > 0:
		r := check.Resultf(check.Unknown, "no template or factory origin was found, but %d files that could show one were not read", len(unread))
		for _, f := range unread {
			r.Findings = append(r.Findings, check.Finding{Path: f, Message: "not read, so it could not be checked for a template origin"})
		}
		return r
	case !github:
		return check.Resultf(check.Failed, "no template or factory origin in the files (no Backstage annotation or template, Copier or Cruft answers, or Konflux/Tekton Pipelines-as-Code runs), and ssdf has no forge part for GitLab projects yet")
	}
	return check.NoFileEvidence(p, "no template or factory origin in the files, and the forge does not show the repository as made from a template repository or being one (template_repository is not set, is_template is false)",
		check.FactOf("template_repository", repo.TemplateRepository), check.FactOf("is_template", repo.IsTemplate))
}

func loc(e Evidence) string {
	switch e.Mechanism {
	case GitHubTemplate:
		return "forge: template_repository"
	case GitHubTemplateRepo:
		return "forge: is_template"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	return e.Path
}

const maxDocs = 1000

// decodeDocs decodes up to maxDocs YAML documents; ok is false when the
// text does not parse.
func decodeDocs(text string) (docs []*yaml.Node, ok bool) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	for range maxDocs {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, true
		}
		if err != nil {
			return docs, false
		}
		docs = append(docs, &n)
	}
	return docs, true
}

// get looks a key up in a mapping, following at most one alias per step
// (so anchors cost nothing).
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func scalar(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

const sourceTemplateKey = "backstage.io/source-template"

var sourceTemplateRE = regexp.MustCompile(`^\s+["']?backstage\.io/source-template["']?\s*:\s*["']?([^"'\s#][^"'#]*)`)

// sourceTemplate finds the backstage.io/source-template annotation in a
// catalog-info file, document by document.
func sourceTemplate(p, text string) []Evidence {
	docs, ok := decodeDocs(text)
	var out []Evidence
	for _, d := range docs {
		ann := get(get(d, "metadata"), "annotations")
		ann = deref(ann)
		if ann == nil || ann.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(ann.Content); i += 2 {
			if ann.Content[i].Value == sourceTemplateKey {
				if v := scalar(ann.Content[i+1]); v != "" {
					out = append(out, Evidence{Mechanism: BackstageSourceTemplate, Path: p, Line: ann.Content[i].Line, Source: v})
				}
			}
		}
	}
	if ok || len(out) > 0 {
		return out
	}
	for i, l := range strings.Split(text, "\n") {
		if m := sourceTemplateRE.FindStringSubmatch(l); m != nil {
			out = append(out, Evidence{Mechanism: BackstageSourceTemplate, Path: p, Line: i + 1, Source: strings.TrimSpace(m[1])})
		}
	}
	return out
}

var (
	apiVersionRE = regexp.MustCompile(`^apiVersion:\s*["']?scaffolder\.backstage\.io/`)
	kindRE       = regexp.MustCompile(`^kind:\s*["']?Template["']?\s*(#.*)?$`)
	docSepRE     = regexp.MustCompile(`^---`)
)

// templates finds Backstage software templates in a YAML file: documents
// whose apiVersion is scaffolder.backstage.io/* and kind Template. A file
// that does not parse is read by its top-level lines.
func templates(p, text string) []Evidence {
	docs, ok := decodeDocs(text)
	var out []Evidence
	for _, d := range docs {
		if strings.HasPrefix(scalar(get(d, "apiVersion")), "scaffolder.backstage.io/") && scalar(get(d, "kind")) == "Template" {
			e := Evidence{Mechanism: BackstageTemplate, Path: p, Line: 1, Source: scalar(get(get(d, "metadata"), "name"))}
			if m := deref(d); m != nil {
				e.Line = m.Line
			}
			out = append(out, e)
		}
	}
	if ok || len(out) > 0 {
		return out
	}
	api, kind, start := false, false, 1
	for i, l := range append(strings.Split(text, "\n"), "---") {
		switch {
		case docSepRE.MatchString(l):
			if api && kind {
				out = append(out, Evidence{Mechanism: BackstageTemplate, Path: p, Line: start})
			}
			api, kind, start = false, false, i+2
		case apiVersionRE.MatchString(l):
			api = true
		case kindRE.MatchString(l):
			kind = true
		}
	}
	return out
}

// yamlTopValue returns a top-level scalar of the first document and its line.
func yamlTopValue(text, key string) (string, int) {
	docs, _ := decodeDocs(text)
	if len(docs) == 0 {
		return "", 0
	}
	m := deref(docs[0])
	if m == nil || m.Kind != yaml.MappingNode {
		return "", 0
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return scalar(m.Content[i+1]), m.Content[i].Line
		}
	}
	return "", 0
}
