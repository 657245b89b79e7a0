package pipeline

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Argo CD manifests can sit anywhere in a repository. A YAML file is one
// when a document's top-level `apiVersion` starts with `argoproj.io/` and
// its `kind` is Application, ApplicationSet or AppProject (SPEC §3,
// pipeline-as-code). Files that do not parse as YAML — Helm or Jinja
// templates not yet rendered — are skipped, as SPEC says: they never
// become a File (and so never make another check unknown); when their
// lines look like an Argo CD manifest they are listed in Set.ArgoSkipped.

// ArgoAPIPrefix is the prefix of Argo CD's API versions.
const ArgoAPIPrefix = "argoproj.io/"

// ArgoKinds are the Argo CD kinds that define deployments.
var ArgoKinds = []string{"Application", "ApplicationSet", "AppProject"}

// ArgoResource is one Argo CD document.
type ArgoResource struct {
	Pos
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	// Project is `spec.project` (of an Application, or of an
	// ApplicationSet's template).
	Project Text
	// Sources are where the manifests come from: an Application's
	// `spec.source` and `spec.sources`, an ApplicationSet's template
	// sources and its git generators.
	Sources []*ArgoSource
	// SourceRepos are an AppProject's `spec.sourceRepos`.
	SourceRepos []Text
}

// ArgoSource is one source of manifests. Each field keeps the line of its
// value; a field that is absent has line 0 and an empty value.
type ArgoSource struct {
	Pos
	// From says where it was found: "source", "sources", "template" (an
	// ApplicationSet's `spec.template.spec.source(s)`) or "generator" (a
	// git generator's `repoURL` and `revision`).
	From           string
	RepoURL        Text
	TargetRevision Text
	Chart          Text
	Path           Text
}

// ArgoCandidate reports whether the file at p may hold Argo CD documents:
// a YAML file (`.yml`, `.yaml`) anywhere.
func ArgoCandidate(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yml" || ext == ".yaml"
}

// argoLineRE finds, line by line, what a templated Argo CD manifest looks
// like before rendering.
var (
	argoAPILineRE  = regexp.MustCompile(`(?m)^apiVersion:\s*["']?argoproj\.io/`)
	argoKindLineRE = regexp.MustCompile(`(?m)^kind:\s*["']?(Application|ApplicationSet|AppProject)["']?\s*(#.*)?$`)
)

// LooksLikeArgo reports whether text has, at the start of a line, an
// `apiVersion: argoproj.io/…` and a `kind:` of an Argo CD kind: the
// line-level recognition used for files that do not parse as YAML.
func LooksLikeArgo(text string) bool {
	return argoAPILineRE.MatchString(text) && argoKindLineRE.MatchString(text)
}

// argo adds the file at p when it holds an Argo CD document and parses
// as YAML. Files not read by the collector are left to the checks, which
// see them as unread candidates in the tree.
func (b *builder) argo(p string) {
	c, ok := b.tree.Contents[p]
	if !ok || c.Skipped != "" || !strings.Contains(c.Text, ArgoAPIPrefix) {
		return
	}
	skip := func(why string) {
		if LooksLikeArgo(c.Text) {
			b.set.ArgoSkipped = append(b.set.ArgoSkipped, Problem{Path: p, Reason: why})
		}
	}
	switch {
	case len(c.Text) > maxText:
		skip(fmt.Sprintf("not parsed: %d bytes, over the %d-byte parse cap", len(c.Text), maxText))
		return
	case !utf8.ValidString(c.Text):
		skip("does not parse as YAML: not valid UTF-8")
		return
	}
	f := &File{Path: p, System: ArgoCD, Kind: ArgoFile}
	func() {
		defer func() {
			if v := recover(); v != nil {
				f.Problem = fmt.Sprintf("internal error while parsing: %v", v)
			}
		}()
		parseArgo(f, c.Text)
	}()
	switch {
	case strings.HasPrefix(f.Problem, "invalid YAML"):
		skip("does not parse as YAML: " + strings.TrimPrefix(f.Problem, "invalid YAML: "))
	case len(f.Argo) > 0:
		b.set.Files = append(b.set.Files, f)
		b.byPath[p] = f
	case f.Problem != "":
		skip(f.Problem)
	}
}

// parseArgo reads the Argo CD documents of a YAML file; other documents
// are ignored.
func parseArgo(f *File, text string) {
	r := newReader(f, text)
	for _, d := range decodeAll(f, text) {
		m := r.deref(d)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		api, kind := r.getStr(m, "apiVersion"), r.getStr(m, "kind")
		if !strings.HasPrefix(api, ArgoAPIPrefix) || !isArgoKind(kind) {
			continue
		}
		res := &ArgoResource{Pos: r.pos(m), APIVersion: api, Kind: kind}
		md := r.get(m, "metadata")
		res.Name, res.Namespace = r.getStr(md, "name"), r.getStr(md, "namespace")
		spec := r.get(m, "spec")
		switch kind {
		case "Application":
			res.Project, _ = r.text(r.get(spec, "project"))
			res.Sources = argoSources(r, spec, "")
		case "ApplicationSet":
			tspec := r.get(r.get(spec, "template"), "spec")
			res.Project, _ = r.text(r.get(tspec, "project"))
			res.Sources = argoSources(r, tspec, "template")
			res.Sources = append(res.Sources, argoGenerators(r, r.get(spec, "generators"), 0)...)
		case "AppProject":
			for _, it := range r.items(r.get(spec, "sourceRepos")) {
				if t, ok := r.text(it); ok {
					if r.charge(1) {
						res.SourceRepos = append(res.SourceRepos, t)
					}
				}
			}
		}
		if r.charge(1) {
			f.Argo = append(f.Argo, res)
		}
	}
}

func isArgoKind(k string) bool {
	for _, a := range ArgoKinds {
		if k == a {
			return true
		}
	}
	return false
}

// argoSources reads `source` and `sources` of an Application spec.
func argoSources(r *yreader, spec *yaml.Node, from string) []*ArgoSource {
	var out []*ArgoSource
	one := func(n *yaml.Node, key string) {
		d := r.deref(n)
		if d == nil || d.Kind != yaml.MappingNode {
			return
		}
		s := &ArgoSource{Pos: r.pos(d), From: key}
		if from != "" {
			s.From = from
		}
		s.RepoURL, _ = r.text(r.get(d, "repoURL"))
		s.TargetRevision, _ = r.text(r.get(d, "targetRevision"))
		s.Chart, _ = r.text(r.get(d, "chart"))
		s.Path, _ = r.text(r.get(d, "path"))
		if r.charge(1) {
			out = append(out, s)
		}
	}
	one(r.get(spec, "source"), "source")
	for _, it := range r.items(r.get(spec, "sources")) {
		one(it, "sources")
	}
	return out
}

// argoGenerators reads the git generators of an ApplicationSet, inside
// matrix and merge generators too.
func argoGenerators(r *yreader, n *yaml.Node, depth int) []*ArgoSource {
	if depth > maxNest {
		return nil
	}
	var out []*ArgoSource
	for _, g := range r.items(n) {
		for _, p := range r.pairs(g) {
			switch p.k.Value {
			case "git":
				d := r.deref(p.v)
				if d == nil || d.Kind != yaml.MappingNode {
					continue
				}
				s := &ArgoSource{Pos: r.pos(d), From: "generator"}
				s.RepoURL, _ = r.text(r.get(d, "repoURL"))
				s.TargetRevision, _ = r.text(r.get(d, "revision"))
				if r.charge(1) {
					out = append(out, s)
				}
			case "matrix", "merge":
				out = append(out, argoGenerators(r, r.get(p.v, "generators"), depth+1)...)
			}
		}
	}
	return out
}
