package pipeline

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// GitLab CI is read in two passes. The first decodes each file and
// follows local includes (and child-pipeline `trigger: include:`) to the
// files they name. The second builds the jobs over all files at once,
// because GitLab merges included files into one configuration: `extends:`,
// `!reference [job, key]` and `default:` may point into another file.
// Each line keeps the place where it is written, whichever file that is.

// gitlabKeywords are the top-level keys that are not jobs.
var gitlabKeywords = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
	"types": true, "spec": true,
}

// gitlabDefaultKeys are the job keys that `default:` (and the deprecated
// top-level globals) supply, and that `extends:` and the job override.
var gitlabDefaultKeys = []string{"image", "services", "before_script", "after_script"}

// gitlabScriptKeys become the steps of a job, in this order.
var gitlabScriptKeys = []string{"before_script", "script", "after_script"}

type glSrc struct {
	r *yreader
	n *yaml.Node
}

type glFile struct {
	f       *File
	r       *yreader
	entries []pair
}

type glCtx struct {
	files []*glFile
	defs  map[string]glSrc // top-level mappings by key, hidden jobs and templates included
	def   map[string]glSrc // what default: supplies
	eff   map[string]*glEff
}

type glEff struct {
	fields  map[string]glSrc
	vars    []Var
	busy    bool
	extends []string
}

// gitlab parses the queued GitLab files and every file they include
// locally, then builds their jobs.
func (b *builder) gitlab() {
	ctx := &glCtx{defs: map[string]glSrc{}, def: map[string]glSrc{}, eff: map[string]*glEff{}}
	queue := slices.Clone(b.gitlabQueue)
	seen := map[string]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || b.byPath[p] != nil {
			continue
		}
		seen[p] = true
		var g *glFile
		f := b.parse(p, GitLabCI, GitLabFile, func(f *File, text string) { g = parseGitLabFile(f, text) })
		if g != nil {
			ctx.files = append(ctx.files, g)
		}
		for _, inc := range f.Includes {
			if inc.Kind == "local" {
				queue = append(queue, b.resolveLocal(inc.Value)...)
			}
		}
	}
	for _, g := range ctx.files {
		for _, e := range g.entries {
			name := e.k.Value
			if gitlabKeywords[name] {
				continue
			}
			if _, dup := ctx.defs[name]; !dup && g.r.isMap(e.v) {
				ctx.defs[name] = glSrc{g.r, e.v}
			}
		}
		for _, e := range g.entries {
			switch e.k.Value {
			case "default":
				for _, k := range gitlabDefaultKeys {
					if v := g.r.get(e.v, k); v != nil {
						if _, ok := ctx.def[k]; !ok {
							ctx.def[k] = glSrc{g.r, v}
						}
					}
				}
			case "image", "services", "before_script", "after_script":
				if _, ok := ctx.def[e.k.Value]; !ok {
					ctx.def[e.k.Value] = glSrc{g.r, e.v}
				}
			}
		}
	}
	for _, g := range ctx.files {
		func() {
			defer func() {
				if v := recover(); v != nil {
					g.f.setProblem("internal error while building jobs: %v", v)
				}
			}()
			for _, e := range g.entries {
				if gitlabKeywords[e.k.Value] || !g.r.isMap(e.v) {
					continue
				}
				if !g.r.charge(1) {
					break
				}
				g.f.Jobs = append(g.f.Jobs, ctx.job(g, e))
			}
		}()
	}
}

// resolveLocal returns the listed files that a local include names
// (GitLab allows `*` and `**` wildcards). Paths with variables are not
// resolved.
func (b *builder) resolveLocal(v string) []string {
	v = strings.TrimPrefix(strings.TrimSpace(v), "/")
	if v == "" || strings.Contains(v, "$") {
		return nil
	}
	if !strings.ContainsAny(v, "*?[") {
		v = path.Clean(v)
		if _, ok := slices.BinarySearch(b.tree.Files, v); ok {
			return []string{v}
		}
		return nil
	}
	if strings.Count(v, "**") > 4 || len(v) > 512 {
		return nil
	}
	re := localGlob(v)
	if re == nil {
		return nil
	}
	var out []string
	for _, f := range b.tree.Files {
		if re.MatchString(f) {
			out = append(out, f)
		}
	}
	return out
}

// localGlob compiles a wildcard local include as GitLab reads it, from
// the project root: `*` matches within a directory, `**` across
// directories (`configs/**.yml` is every .yml under configs/), and `**/`
// any number of directories, none included; anything else is literal.
func localGlob(v string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(v); {
		switch {
		case strings.HasPrefix(v[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 3
		case strings.HasPrefix(v[i:], "**"):
			b.WriteString(".*")
			i += 2
		case v[i] == '*':
			b.WriteString("[^/]*")
			i++
		default:
			_, sz := utf8.DecodeRuneInString(v[i:])
			b.WriteString(regexp.QuoteMeta(v[i : i+sz]))
			i += sz
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// parseGitLabFile decodes a GitLab CI file: its includes and variables,
// and the top-level entries for the second pass. A leading `spec:` header
// document (CI/CD components) is skipped.
func parseGitLabFile(f *File, text string) *glFile {
	docs := decodeAll(f, text)
	g := &glFile{f: f, r: newReader(f, text)}
	r := g.r
	for i, d := range docs {
		m := r.deref(d)
		if m == nil || m.Kind != yaml.MappingNode {
			if m != nil {
				f.setProblem("not a GitLab CI configuration: document %d is not a mapping", i+1)
			}
			continue
		}
		ps := r.pairs(m)
		if len(ps) == 1 && ps[0].k.Value == "spec" && len(docs) > 1 {
			continue
		}
		g.entries = append(g.entries, ps...)
	}
	for _, e := range g.entries {
		var incs []*Include
		switch e.k.Value {
		case "include":
			incs = gitlabIncludes(r, e.v, false)
		case "variables":
			f.Env = append(f.Env, paidVars(r, e.v)...)
		default:
			if gitlabKeywords[e.k.Value] {
				continue
			}
			if trig := r.get(e.v, "trigger"); r.isMap(trig) {
				incs = gitlabIncludes(r, r.get(trig, "include"), true)
			}
		}
		if len(incs) > 0 && r.charge(len(incs)) {
			f.Includes = append(f.Includes, incs...)
		}
	}
	return g
}

func gitlabIncludes(r *yreader, n *yaml.Node, trigger bool) []*Include {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	var out []*Include
	add := func(it *yaml.Node) {
		if inc := gitlabInclude(r, it); inc != nil {
			inc.Trigger = trigger
			out = append(out, inc)
		}
	}
	if d.Kind == yaml.SequenceNode {
		for _, it := range r.items(d) {
			add(it)
		}
	} else {
		add(d)
	}
	return out
}

func gitlabInclude(r *yreader, n *yaml.Node) *Include {
	if n.Kind == yaml.ScalarNode {
		v := strings.TrimSpace(n.Value)
		if v == "" {
			return nil
		}
		inc := &Include{Pos: r.pos(n), Kind: "local", Value: v}
		if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
			inc.Kind = "remote"
		}
		return inc
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	inc := &Include{Pos: r.pos(n)}
	for _, p := range r.pairs(n) {
		switch p.k.Value {
		case "local", "project", "remote", "template", "component":
			inc.Kind = p.k.Value
			inc.Value, _ = r.str(p.v)
			inc.Value = strings.TrimSpace(inc.Value)
		case "ref":
			inc.Ref, _ = r.str(p.v)
		case "file":
			inc.Files = r.strs(p.v)
		case "integrity":
			inc.Integrity, _ = r.str(p.v)
		}
	}
	if inc.Kind == "" {
		return nil
	}
	if inc.Kind == "component" {
		if i := strings.LastIndex(inc.Value, "@"); i >= 0 {
			inc.Version = inc.Value[i+1:]
		}
	}
	return inc
}

// job builds one job: its own keys over what `extends:` gives, over
// `default:`, with every `!reference` replaced by the lines it names.
func (ctx *glCtx) job(g *glFile, e pair) *Job {
	name := e.k.Value
	j := &Job{File: g.f, Pos: g.r.pos(e.k), ID: name, Name: name, Hidden: strings.HasPrefix(name, ".")}
	eff := ctx.effective(glSrc{g.r, e.v}, 0)
	// What the job keeps is paid for from the file's budget: an alias or
	// a template can stand for long lists in every job (see charge).
	j.Extends = eff.extends
	if g.r.charge(len(eff.vars) + len(eff.extends)) {
		j.Env = eff.vars
	} else {
		j.Extends = nil
	}
	// default: applies unless the job says `inherit: default: false` (or
	// lists the keys it takes).
	allowed := func(string) bool { return true }
	if inh, ok := eff.fields["inherit"]; ok {
		d := inh.r.deref(inh.r.get(inh.n, "default"))
		switch {
		case d == nil:
		case d.Kind == yaml.ScalarNode && d.Value == "false":
			allowed = func(string) bool { return false }
		case d.Kind == yaml.SequenceNode:
			keys := inh.r.strs(d)
			allowed = func(k string) bool { return slices.Contains(keys, k) }
		}
	}
	for _, k := range gitlabDefaultKeys {
		if _, ok := eff.fields[k]; !ok && allowed(k) {
			if v, ok := ctx.def[k]; ok {
				eff.fields[k] = v
			}
		}
	}
	if s, ok := eff.fields["image"]; ok {
		if img := gitlabImage(s, "image"); img != nil && g.r.charge(1) {
			j.Images = append(j.Images, img)
		}
	}
	if s, ok := eff.fields["services"]; ok {
		for _, it := range s.r.items(s.n) {
			if img := gitlabImage(glSrc{s.r, it}, "service"); img != nil && g.r.charge(1) {
				j.Images = append(j.Images, img)
			}
		}
	}
	for _, k := range gitlabScriptKeys {
		s, ok := eff.fields[k]
		if !ok {
			continue
		}
		parts := ctx.flatten(s)
		if !g.r.charge(1 + len(parts)) {
			break
		}
		st := &Step{Pos: s.r.pos(s.n), Name: k}
		if len(parts) > 0 {
			st.Run = &Script{Parts: parts}
		}
		j.Steps = append(j.Steps, st)
	}
	return j
}

func gitlabImage(s glSrc, role string) *Image {
	d := s.r.deref(s.n)
	if d != nil && d.Kind == yaml.MappingNode {
		d = s.r.deref(s.r.get(d, "name"))
	}
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	return &Image{Pos: s.r.pos(d), Ref: d.Value, Role: role}
}

// effective merges a job definition over the templates it extends. Later
// templates override earlier ones, the job overrides them all; variables
// merge by name.
func (ctx *glCtx) effective(src glSrc, depth int) *glEff {
	e := &glEff{fields: map[string]glSrc{}}
	e.extends = src.r.strs(src.r.get(src.n, "extends"))
	for _, name := range e.extends {
		pe := ctx.parent(name, depth+1)
		if pe == nil {
			continue
		}
		for k, v := range pe.fields {
			e.fields[k] = v
		}
		e.vars = mergeVars(e.vars, pe.vars)
	}
	for _, p := range src.r.pairs(src.n) {
		switch p.k.Value {
		case "image", "services", "before_script", "script", "after_script", "inherit":
			e.fields[p.k.Value] = glSrc{src.r, p.v}
		case "variables":
			e.vars = mergeVars(e.vars, src.r.vars(p.v))
		}
	}
	return e
}

// parent returns the effective definition of an extended template,
// computed once; cycles and over-long chains give nil.
func (ctx *glCtx) parent(name string, depth int) *glEff {
	if depth > maxNest {
		return nil
	}
	if e, ok := ctx.eff[name]; ok {
		if e.busy {
			return nil
		}
		return e
	}
	src, ok := ctx.defs[name]
	if !ok {
		return nil
	}
	ctx.eff[name] = &glEff{busy: true}
	e := ctx.effective(src, depth)
	ctx.eff[name] = e
	return e
}

func mergeVars(base, over []Var) []Var {
	out := slices.Clone(base)
	at := make(map[string]int, len(out)+len(over))
	for i, v := range out {
		if _, ok := at[v.Name]; !ok {
			at[v.Name] = i
		}
	}
	for _, v := range over {
		if i, ok := at[v.Name]; ok {
			out[i] = v
		} else {
			at[v.Name] = len(out)
			out = append(out, v)
		}
	}
	return out
}

// flatten turns a script value into its lines: a string, a list, nested
// lists (GitLab flattens them) and `!reference [job, key, ...]` tags,
// replaced by what they name.
func (ctx *glCtx) flatten(s glSrc) []Text {
	var out []Text
	if !ctx.flattenInto(s, 0, &out) {
		s.r.f.setProblem("not fully parsed: a script has more than %d lines", maxParts)
	}
	return out
}

func (ctx *glCtx) flattenInto(s glSrc, depth int, out *[]Text) bool {
	if depth > maxNest {
		return true
	}
	if len(*out) >= maxParts {
		return false
	}
	d := s.r.deref(s.n)
	if d == nil {
		return true
	}
	if d.Tag == "!reference" {
		target, ok := ctx.reference(s.r.strs(d))
		if !ok || !s.r.spend() {
			return true
		}
		return ctx.flattenInto(target, depth+1, out)
	}
	switch d.Kind {
	case yaml.ScalarNode:
		if t, ok := s.r.text(d); ok {
			*out = append(*out, t)
		}
	case yaml.SequenceNode:
		for _, it := range d.Content {
			if !ctx.flattenInto(glSrc{s.r, it}, depth+1, out) {
				return false
			}
		}
	}
	return true
}

// reference resolves `!reference [name, key, ...]`.
func (ctx *glCtx) reference(names []string) (glSrc, bool) {
	if len(names) < 2 {
		return glSrc{}, false
	}
	src, ok := ctx.defs[names[0]]
	if !ok {
		return glSrc{}, false
	}
	n := src.n
	for _, k := range names[1:] {
		if n = src.r.get(n, k); n == nil {
			return glSrc{}, false
		}
	}
	return glSrc{src.r, n}, true
}
