package pipeline

import (
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// GitHub Actions workflows and action metadata. `on:` is read as the key
// it is (YAML 1.1 readers take it for `true`). What checks judge is kept
// with its line: triggers and their filters, `permissions:` at workflow
// and job level, job and step `if:`, every `uses:`, and every `${{ }}`
// expression of the two sinks — `run:` and the `script:` input of
// actions/github-script — at the line where its `${{` is written, also
// inside block scalars, folded and quoted strings.

// Permissions is a GitHub `permissions:` block: the scalar form
// (`read-all`, `write-all`) or a mapping of scope to level; `{}` is an
// empty mapping.
type Permissions struct {
	// Pos is the place of the `permissions:` key.
	Pos
	// All is the scalar form as written ("read-all", "write-all", or
	// anything else); empty for the mapping form.
	All string
	// Scopes are the mapping form's `scope: level` entries in order.
	Scopes []Var
}

// WriteAll reports whether the block asks for `write-all`.
func (p *Permissions) WriteAll() bool { return p != nil && p.All == "write-all" }

// Level returns the level granted to a scope in the mapping form, or "".
func (p *Permissions) Level(scope string) string {
	if p == nil {
		return ""
	}
	v, _ := lookup(p.Scopes, scope)
	return v
}

// Expr is one `${{ }}` expression written in a GitHub workflow or action.
type Expr struct {
	// Pos is the place of the expression's `${{`.
	Pos
	// In says which sink holds it: "run" (a step's `run:`) or "script"
	// (the `script:` input of actions/github-script).
	In string
	// Raw is the expression as written, from `${{` to `}}`.
	Raw string
}

// Body returns the expression between `${{` and `}}`, trimmed.
func (e Expr) Body() string { return exprBody(e.Raw) }

// Contexts returns the context properties the expression reads.
func (e Expr) Contexts() []ContextUse { return Contexts(e.Body()) }

func exprBody(raw string) string {
	s := strings.TrimPrefix(raw, "${{")
	s = strings.TrimSuffix(s, "}}")
	return strings.TrimSpace(s)
}

// HasTrigger reports whether the workflow is triggered by event.
func (f *File) HasTrigger(event string) bool {
	for _, t := range f.Triggers {
		if t.Event == event {
			return true
		}
	}
	return false
}

// OnlyWorkflowCall reports whether `workflow_call` is the workflow's only
// trigger: a reusable workflow, whose token its caller grants.
func (f *File) OnlyWorkflowCall() bool {
	if len(f.Triggers) == 0 {
		return false
	}
	for _, t := range f.Triggers {
		if t.Event != "workflow_call" {
			return false
		}
	}
	return true
}

// InputVar returns the step's input name with its place (the line of the
// input's key, and ValueLine of its value).
func (s *Step) InputVar(name string) (Var, bool) {
	for _, v := range s.With {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}

// IsCheckout reports whether the step uses actions/checkout (any
// version); its `ref:` and `repository:` are InputVar("ref") and
// InputVar("repository").
func (s *Step) IsCheckout() bool { return s.Uses.Is("actions/checkout") }

// ghParser reads one GitHub file: the YAML walk and the source text,
// which places expressions exactly.
type ghParser struct {
	r    *yreader
	text string
	// lineStarts are the byte offsets of the lines, built on first use.
	lineStarts []int
}

// charge pays for n items of the model from the file's budget. Aliases
// and merge keys cost only what it takes to follow them, but one alias of
// a long list or mapping can stand for all of it, again and again: a few
// hundred kilobytes of `steps: *s` in as many jobs would make tens of
// millions of steps. Every item a parser keeps is paid for, so that the
// model of a file stays within its budget; when it runs out the file gets
// its Problem and the parser keeps nothing more.
func (r *yreader) charge(n int) bool {
	if n <= 0 {
		return r.budget > 0 || r.spend()
	}
	if r.budget < n {
		r.budget = 0
		return r.spend()
	}
	r.budget -= n
	return true
}

func newGHParser(f *File, text string) *ghParser {
	return &ghParser{r: newReader(f, text), text: text}
}

// parseWorkflow reads a GitHub Actions workflow.
func parseWorkflow(f *File, text string) {
	docs := decodeAll(f, text)
	if len(docs) == 0 {
		f.setProblem("empty workflow")
		return
	}
	g := newGHParser(f, text)
	r := g.r
	top := r.deref(docs[0])
	if top == nil || top.Kind != yaml.MappingNode {
		f.setProblem("not a workflow: the document is not a mapping")
		return
	}
	for _, p := range r.pairs(top) {
		switch p.k.Value {
		case "name":
			f.Name, _ = r.str(p.v)
		case "on":
			f.OnLine = p.k.Line
			if ts := triggers(r, p.v); r.charge(len(ts)) {
				f.Triggers = ts
			}
		case "permissions":
			f.Permissions = permissions(r, p.k, p.v)
		case "env":
			f.Env = g.vars(p.v)
		case "jobs":
			f.JobsLine = p.k.Line
			for _, jp := range r.pairs(p.v) {
				if !r.charge(1) {
					break
				}
				if j := g.job(f, jp.k, jp.v); j != nil {
					f.Jobs = append(f.Jobs, j)
				}
			}
		}
	}
}

// triggers reads `on:`: an event name, a list of names, or a mapping of
// events to their filters.
func triggers(r *yreader, n *yaml.Node) []Trigger {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	var out []Trigger
	switch d.Kind {
	case yaml.ScalarNode:
		out = append(out, Trigger{Pos: r.pos(d), Event: d.Value})
	case yaml.SequenceNode:
		for _, it := range r.items(d) {
			if it.Kind == yaml.ScalarNode {
				out = append(out, Trigger{Pos: r.pos(it), Event: it.Value})
			}
		}
	case yaml.MappingNode:
		for _, p := range r.pairs(d) {
			t := Trigger{Pos: r.pos(p.k), Event: p.k.Value}
			for _, fp := range r.pairs(p.v) {
				vs := r.strs(fp.v)
				switch fp.k.Value {
				case "types":
					t.Types = vs
				case "branches":
					t.Branches = vs
				case "branches-ignore":
					t.BranchesIgnore = vs
				case "tags":
					t.Tags = vs
				case "tags-ignore":
					t.TagsIgnore = vs
				case "paths":
					t.Paths = vs
				case "paths-ignore":
					t.PathsIgnore = vs
				case "workflows":
					t.Workflows = vs
				}
			}
			out = append(out, t)
		}
	}
	return out
}

// permissions reads a `permissions:` value; a key without a value is an
// empty block, like `{}`.
func permissions(r *yreader, k, v *yaml.Node) *Permissions {
	p := &Permissions{Pos: r.pos(k)}
	d := r.deref(v)
	if d == nil {
		return p
	}
	switch d.Kind {
	case yaml.ScalarNode:
		if d.Tag != "!!null" {
			p.All = strings.TrimSpace(d.Value)
		}
	case yaml.MappingNode:
		for _, sp := range r.pairs(d) {
			if !r.charge(1) {
				break
			}
			s, _ := r.str(sp.v)
			p.Scopes = append(p.Scopes, Var{Pos: r.pos(sp.k), Name: sp.k.Value, Value: s, ValueLine: lineOf(r.deref(sp.v))})
		}
	default:
		// A list is not a permissions block; keep it visible as such.
		p.All = "(invalid)"
	}
	return p
}

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

func (g *ghParser) job(f *File, k, v *yaml.Node) *Job {
	r := g.r
	if !r.isMap(v) {
		return nil
	}
	j := &Job{File: f, Pos: r.pos(k), ID: k.Value}
	for _, p := range r.pairs(v) {
		switch p.k.Value {
		case "name":
			j.Name, _ = r.str(p.v)
		case "if":
			if t, ok := r.text(p.v); ok {
				j.If = &t
			}
		case "permissions":
			j.Permissions = permissions(r, p.k, p.v)
		case "uses":
			j.Uses = parseRef(r, p.v)
		case "with":
			j.With = g.vars(p.v)
		case "env":
			j.Env = g.vars(p.v)
		case "strategy":
			j.Matrix = g.matrix(r.get(p.v, "matrix"))
		case "container":
			if img := containerImage(r, p.v, "container"); img != nil && r.charge(1) {
				j.Images = append(j.Images, img)
			}
		case "services":
			for _, sp := range r.pairs(p.v) {
				if img := containerImage(r, sp.v, "service"); img != nil && r.charge(1) {
					j.Images = append(j.Images, img)
				}
			}
		case "steps":
			j.Steps = g.steps(p.v, j.Steps, 0)
		}
	}
	// The environment of each script, now that the job's env is known
	// whatever the order of its keys.
	for _, st := range j.Steps {
		if st.Run != nil {
			st.Run.Vars = Vars{f.Env, j.Env, st.Env}
		}
	}
	return j
}

// maxStepGroups bounds the nesting of step groups.
const maxStepGroups = 8

// steps appends the steps of a `steps:` list to out, in order. A
// `parallel:` group (GitHub Actions' parallel steps, GA in 2026) holds
// steps, or sequences of steps (`- steps: [...]`), that run at the same
// time: every one of them runs, so each is a step of the job like any
// other.
func (g *ghParser) steps(n *yaml.Node, out []*Step, depth int) []*Step {
	r := g.r
	for _, it := range r.items(n) {
		if !r.charge(1) {
			break
		}
		if depth < maxStepGroups && r.isMap(it) {
			if grp := r.get(it, "parallel"); grp != nil {
				for _, sub := range r.items(grp) {
					if !r.charge(1) {
						break
					}
					if seq := r.get(sub, "steps"); seq != nil && r.isMap(sub) && r.get(sub, "run") == nil && r.get(sub, "uses") == nil {
						out = g.steps(seq, out, depth+1)
						continue
					}
					out = g.steps(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{sub}}, out, depth+1)
				}
				continue
			}
		}
		if st := g.step(it); st != nil {
			out = append(out, st)
		}
	}
	return out
}

// matrix reads `strategy.matrix`: each key's list of scalars, and the
// scalar values of `include:` entries.
func (g *ghParser) matrix(n *yaml.Node) map[string][]string {
	r := g.r
	if !r.isMap(n) {
		return nil
	}
	m := map[string][]string{}
	add := func(k string, v *yaml.Node) {
		if s, ok := r.str(v); ok && !strings.Contains(s, "${{") && !slices.Contains(m[k], s) && r.charge(1) {
			m[k] = append(m[k], s)
		}
	}
	// GitHub applies exclude to the lists' combinations, then include.
	// An exclude entry of one key drops that value from every
	// combination; entries of several keys drop only some, which keeps
	// each value in use.
	pairs := r.pairs(n)
	for _, p := range pairs {
		if p.k.Value != "include" && p.k.Value != "exclude" {
			for _, it := range r.items(p.v) {
				add(p.k.Value, it)
			}
		}
	}
	for _, p := range pairs {
		if p.k.Value != "exclude" {
			continue
		}
		for _, it := range r.items(p.v) {
			if ips := r.pairs(it); len(ips) == 1 {
				if v, ok := r.str(ips[0].v); ok {
					k := ips[0].k.Value
					m[k] = slices.DeleteFunc(m[k], func(x string) bool { return x == v })
				}
			}
		}
	}
	for _, p := range pairs {
		if p.k.Value == "include" {
			for _, it := range r.items(p.v) {
				for _, ip := range r.pairs(it) {
					add(ip.k.Value, ip.v)
				}
			}
		}
	}
	for k, vs := range m {
		if len(vs) == 0 {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// containerImage reads `container:` or a service: an image string or a
// mapping with `image:`.
func containerImage(r *yreader, n *yaml.Node, role string) *Image {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.MappingNode {
		d = r.deref(r.get(d, "image"))
	}
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	return &Image{Pos: r.pos(d), Ref: d.Value, Role: role}
}

func (g *ghParser) step(n *yaml.Node) *Step {
	r := g.r
	if n.Kind != yaml.MappingNode {
		return nil
	}
	st := &Step{Pos: r.pos(n)}
	var shell, dir string
	var run, with *yaml.Node
	for _, p := range r.pairs(n) {
		switch p.k.Value {
		case "name":
			st.Name, _ = r.str(p.v)
		case "id":
			st.ID, _ = r.str(p.v)
		case "if":
			if t, ok := r.text(p.v); ok {
				st.If = &t
			}
		case "uses":
			st.Uses = parseRef(r, p.v)
		case "with":
			st.With = g.vars(p.v)
			with = p.v
		case "env":
			st.Env = g.vars(p.v)
		case "shell":
			shell, _ = r.str(p.v)
		case "working-directory":
			dir, _ = r.str(p.v)
		case "run":
			run = p.v
		}
	}
	if t, ok := r.text(run); ok {
		st.Run = &Script{Shell: shell, Parts: []Text{t}, Dir: dir}
		st.Exprs = append(st.Exprs, g.exprs(run, "run")...)
	}
	if st.Uses.Is("actions/github-script") {
		st.Exprs = append(st.Exprs, g.exprs(r.get(with, "script"), "script")...)
	}
	if st.Uses != nil && st.Uses.Kind == DockerRef {
		st.Image = &Image{Pos: st.Uses.Pos, Ref: st.Uses.Name, Role: "step"}
	}
	return st
}

// parseRef reads a `uses:` value.
func parseRef(r *yreader, n *yaml.Node) *Ref {
	d := r.deref(n)
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	ref := NewRef(strings.TrimSpace(d.Value))
	ref.Pos = r.pos(d)
	ref.Comment = lineComment(d)
	return ref
}

// NewRef classifies a `uses:` string.
func NewRef(raw string) *Ref {
	ref := &Ref{Raw: raw}
	switch {
	case strings.HasPrefix(raw, "docker://"):
		ref.Kind = DockerRef
		ref.Name = strings.TrimPrefix(raw, "docker://")
	case strings.HasPrefix(raw, "./") || strings.HasPrefix(raw, "../") || raw == ".":
		ref.Kind = LocalRef
		ref.Name = raw
	case strings.HasPrefix(raw, "$/"):
		// GitHub's "dollar-self" reference (2026): this repository at the
		// running commit, at the given path — a local reference, pinned by
		// construction. Name is its ./ form, so that it resolves as one.
		ref.Kind = LocalRef
		ref.Name = "./" + strings.TrimPrefix(raw, "$/")
	default:
		ref.Kind = RemoteRef
		ref.Name = raw
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			ref.Name, ref.Version = raw[:i], raw[i+1:]
		}
	}
	return ref
}

// parseAction reads an action.yml: its `runs:` and, for a composite
// action, its steps as one job named "composite".
func parseAction(f *File, text string) {
	docs := decodeAll(f, text)
	if len(docs) == 0 {
		f.setProblem("empty action metadata")
		return
	}
	g := newGHParser(f, text)
	r := g.r
	top := r.deref(docs[0])
	if top == nil || top.Kind != yaml.MappingNode {
		f.setProblem("not an action: the document is not a mapping")
		return
	}
	f.Name = r.getStr(top, "name")
	runs := r.get(top, "runs")
	if !r.isMap(runs) {
		return
	}
	f.Runs = &ActionRuns{Using: r.getStr(runs, "using")}
	if img := r.deref(r.get(runs, "image")); img != nil && img.Kind == yaml.ScalarNode && strings.HasPrefix(img.Value, "docker://") {
		f.Runs.Image = &Image{Pos: r.pos(img), Ref: strings.TrimPrefix(img.Value, "docker://"), Role: "action"}
	}
	if steps := r.get(runs, "steps"); steps != nil {
		j := &Job{File: f, Pos: r.pos(r.deref(runs)), ID: "composite", Name: f.Name}
		j.Steps = g.steps(steps, j.Steps, 0)
		f.Jobs = append(f.Jobs, j)
	}
}

// maxExprs bounds the expressions kept from one scalar.
const maxExprs = 1000

// exprs returns the `${{ }}` expressions of a scalar, each at the line of
// its `${{` in the file. The value is what YAML made of the source (block
// indentation removed, folded lines joined, escapes decoded), so lines are
// found in the source: the k-th `${{` of the value is the k-th `${{` of
// the source from the scalar's start (YAML can neither make nor hide one,
// short of an escape such as "\x24{{"). When the source runs out, the line
// is counted in the value from the scalar's first line.
func (g *ghParser) exprs(n *yaml.Node, in string) []Expr {
	d := g.r.deref(n)
	if d == nil || d.Kind != yaml.ScalarNode || !strings.Contains(d.Value, "${{") {
		return nil
	}
	t, _ := g.r.text(d)
	src := g.offset(d.Line, d.Column)
	var out []Expr
	for _, x := range findExprs(d.Value) {
		if len(out) == maxExprs {
			g.r.f.setProblem("not fully parsed: more than %d expressions in one scalar", maxExprs)
			break
		}
		line := 0
		if src >= 0 {
			if i := strings.Index(g.text[src:], "${{"); i >= 0 {
				src += i
				line = g.lineAt(src)
				src += 3
			} else {
				src = -1
			}
		}
		if line == 0 {
			line = t.Line + strings.Count(d.Value[:x.start], "\n")
		}
		if !g.r.charge(1) {
			break
		}
		out = append(out, Expr{Pos: Pos{Path: g.r.f.Path, Line: line}, In: in, Raw: x.raw})
	}
	return out
}

// vars reads a mapping's entries as variables, paid for.
func (g *ghParser) vars(n *yaml.Node) []Var { return paidVars(g.r, n) }

// paidVars reads a mapping's entries as variables and pays for them (see
// charge).
func paidVars(r *yreader, n *yaml.Node) []Var {
	vs := r.vars(n)
	if !r.charge(len(vs)) {
		return nil
	}
	return vs
}

// offset returns the byte offset of a 1-based line and column (counted
// in characters), or -1.
func (g *ghParser) offset(line, col int) int {
	g.index()
	if line < 1 || line > len(g.lineStarts) {
		return -1
	}
	off := g.lineStarts[line-1]
	for c := 1; c < col && off < len(g.text) && g.text[off] != '\n'; c++ {
		_, sz := utf8.DecodeRuneInString(g.text[off:])
		off += sz
	}
	return off
}

// lineAt returns the 1-based line of a byte offset.
func (g *ghParser) lineAt(off int) int {
	g.index()
	lo, hi := 0, len(g.lineStarts)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if g.lineStarts[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1
}

func (g *ghParser) index() {
	if g.lineStarts != nil {
		return
	}
	g.lineStarts = []int{0}
	for i := 0; i < len(g.text); i++ {
		if g.text[i] == '\n' {
			g.lineStarts = append(g.lineStarts, i+1)
		}
	}
}

type foundExpr struct {
	start int
	raw   string
}

// ExprsIn returns the `${{ }}` expressions of s as written, `${{` to `}}`
// (to the end of s when one is not closed).
func ExprsIn(s string) []string {
	var out []string
	for _, x := range findExprs(s) {
		out = append(out, x.raw)
	}
	return out
}

// findExprs finds the expressions of s. An expression ends at the first
// `}}` outside a string literal ('…', with ” for a quote).
func findExprs(s string) []foundExpr {
	var out []foundExpr
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "${{")
		if k < 0 {
			break
		}
		start := i + k
		j := start + 3
		end := len(s)
		inStr := false
		for ; j < len(s); j++ {
			c := s[j]
			switch {
			case c == '\'':
				inStr = !inStr
			case !inStr && c == '}' && j+1 < len(s) && s[j+1] == '}':
				end = j + 2
			}
			if end != len(s) {
				break
			}
		}
		out = append(out, foundExpr{start: start, raw: s[start:end]})
		i = end
	}
	return out
}

// ContextUse is a context property read by a GitHub expression.
type ContextUse struct {
	// Path is the property, lower-cased (contexts are case-insensitive),
	// with bracket access written as dots and every index or filter as
	// "*": `github.event.commits[0].message` and
	// `github['event'].commits.*.message` are both
	// "github.event.commits.*.message".
	Path string
	// Result is set when the property's value can become (part of) the
	// expression's value: not when it is only compared, tested, or
	// passed to a predicate such as contains().
	Result bool
	// Serialised is set when the value reaches the result through
	// toJSON(), whole objects included.
	Serialised bool
}

// maxExprDepth bounds the nesting of an expression the parser follows;
// deeper expressions are read by the flat scan.
const maxExprDepth = 64

// Contexts returns the context properties that the body of a GitHub
// expression reads, in order. The expression is parsed (literals,
// property access, function calls, `!`, comparisons, `&&`, `||`) to know
// which values reach its result: `a && b` yields b (or a falsy a),
// `a || b` either, comparisons, `!` and contains()/startsWith()/
// endsWith()/hashFiles()/status functions yield no context text, while
// format(), join(), fromJSON() and unknown functions pass their
// arguments through and toJSON() serialises its argument whole. An
// expression that does not parse is scanned flat, every property taken as
// reaching the result.
func Contexts(body string) []ContextUse {
	toks, ok := exprTokens(body)
	if ok {
		p := &xparser{toks: toks}
		if n, ok := p.parse(); ok {
			var out []ContextUse
			walkExpr(n, modeValue, &out, 0)
			return out
		}
	}
	return flatContexts(toks)
}

type xtokKind int

const (
	xIdent xtokKind = iota
	xString
	xNumber
	xOp
)

type xtok struct {
	kind xtokKind
	val  string
}

// exprTokens splits an expression; ok is false on a character the
// language does not have (the tokens read so far are returned).
func exprTokens(s string) ([]xtok, bool) {
	var out []xtok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return out, false
			}
			out = append(out, xtok{xString, b.String()})
			i = j + 1
		case exprIdentStart(c):
			j := i + 1
			for j < len(s) && (exprIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '-') {
				j++
			}
			out = append(out, xtok{xIdent, s[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && !afterValue(out):
			j := i + 1
			for j < len(s) && (exprIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '.' ||
				(s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E')) {
				j++
			}
			out = append(out, xtok{xNumber, s[i:j]})
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||":
				out = append(out, xtok{xOp, two})
				i += 2
				continue
			}
			switch c {
			case '(', ')', '[', ']', '.', ',', '!', '<', '>', '*':
				out = append(out, xtok{xOp, string(c)})
				i++
			default:
				return out, false
			}
		}
	}
	return out, true
}

func exprIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// afterValue reports whether the last token ends an operand (so that a
// following '-' cannot start a number; the language has no minus, but a
// property name may hold one).
func afterValue(toks []xtok) bool {
	if len(toks) == 0 {
		return false
	}
	t := toks[len(toks)-1]
	return t.kind != xOp || t.val == ")" || t.val == "]"
}

type xnodeKind int

const (
	xLit xnodeKind = iota
	xPath
	xCall
	xNot
	xCmp
	xAnd
	xOr
	xIndex // a property or index access on something that is not a context path
)

type xnode struct {
	kind xnodeKind
	// path is the property path of xPath; name the function of xCall.
	path []string
	name string
	// kids are a call's arguments, an operator's operands, an index's
	// base (first) and key expressions.
	kids []*xnode
	// keys are the index expressions of a path (`a[b.c]`), read only to
	// select.
	keys []*xnode
}

type xparser struct {
	toks  []xtok
	i     int
	depth int
}

func (p *xparser) peek() xtok {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return xtok{kind: xOp}
}

func (p *xparser) isOp(v string) bool { t := p.peek(); return t.kind == xOp && t.val == v }

func (p *xparser) parse() (*xnode, bool) {
	n, ok := p.or()
	return n, ok && p.i == len(p.toks)
}

func (p *xparser) enter() bool {
	p.depth++
	return p.depth <= maxExprDepth
}

func (p *xparser) or() (*xnode, bool) {
	if !p.enter() {
		return nil, false
	}
	defer func() { p.depth-- }()
	n, ok := p.and()
	for ok && p.isOp("||") {
		p.i++
		var m *xnode
		m, ok = p.and()
		n = &xnode{kind: xOr, kids: []*xnode{n, m}}
	}
	return n, ok
}

func (p *xparser) and() (*xnode, bool) {
	n, ok := p.cmp()
	for ok && p.isOp("&&") {
		p.i++
		var m *xnode
		m, ok = p.cmp()
		n = &xnode{kind: xAnd, kids: []*xnode{n, m}}
	}
	return n, ok
}

func (p *xparser) cmp() (*xnode, bool) {
	n, ok := p.unary()
	for ok && (p.isOp("==") || p.isOp("!=") || p.isOp("<") || p.isOp("<=") || p.isOp(">") || p.isOp(">=")) {
		p.i++
		var m *xnode
		m, ok = p.unary()
		n = &xnode{kind: xCmp, kids: []*xnode{n, m}}
	}
	return n, ok
}

func (p *xparser) unary() (*xnode, bool) {
	if p.isOp("!") {
		p.i++
		if !p.enter() {
			return nil, false
		}
		defer func() { p.depth-- }()
		n, ok := p.unary()
		return &xnode{kind: xNot, kids: []*xnode{n}}, ok
	}
	return p.postfix()
}

func (p *xparser) postfix() (*xnode, bool) {
	n, ok := p.primary()
	for ok {
		switch {
		case p.isOp("."):
			p.i++
			t := p.peek()
			var seg string
			switch {
			case t.kind == xIdent:
				seg = strings.ToLower(t.val)
			case t.kind == xOp && t.val == "*":
				seg = "*"
			default:
				return n, false
			}
			p.i++
			n = p.access(n, seg, nil)
		case p.isOp("["):
			p.i++
			var key *xnode
			seg := "*"
			switch t := p.peek(); {
			case t.kind == xOp && t.val == "*":
				p.i++
			case t.kind == xString && p.i+1 < len(p.toks) && p.toks[p.i+1] == (xtok{xOp, "]"}):
				seg = strings.ToLower(t.val)
				p.i++
			default:
				key, ok = p.or()
				if !ok {
					return n, false
				}
			}
			if !p.isOp("]") {
				return n, false
			}
			p.i++
			n = p.access(n, seg, key)
		default:
			return n, true
		}
	}
	return n, ok
}

// access extends a context path by one segment, or wraps another value.
func (p *xparser) access(n *xnode, seg string, key *xnode) *xnode {
	if n.kind == xPath {
		n.path = append(n.path, seg)
		if key != nil {
			n.keys = append(n.keys, key)
		}
		return n
	}
	m := &xnode{kind: xIndex, kids: []*xnode{n}}
	if key != nil {
		m.kids = append(m.kids, key)
	}
	return m
}

func (p *xparser) primary() (*xnode, bool) {
	t := p.peek()
	switch t.kind {
	case xString, xNumber:
		p.i++
		return &xnode{kind: xLit}, true
	case xIdent:
		p.i++
		if p.isOp("(") {
			p.i++
			if !p.enter() {
				return nil, false
			}
			defer func() { p.depth-- }()
			call := &xnode{kind: xCall, name: strings.ToLower(t.val)}
			for !p.isOp(")") {
				arg, ok := p.or()
				if !ok {
					return call, false
				}
				call.kids = append(call.kids, arg)
				if p.isOp(",") {
					p.i++
				} else if !p.isOp(")") {
					return call, false
				}
			}
			p.i++
			return call, true
		}
		switch strings.ToLower(t.val) {
		case "true", "false", "null", "nan", "infinity":
			return &xnode{kind: xLit}, true
		}
		return &xnode{kind: xPath, path: []string{strings.ToLower(t.val)}}, true
	case xOp:
		if t.val == "(" {
			p.i++
			n, ok := p.or()
			if !ok || !p.isOp(")") {
				return n, false
			}
			p.i++
			return n, true
		}
	}
	return nil, false
}

type xmode int

const (
	modeTest xmode = iota
	modeValue
	modeSerialise
)

// walkExpr lists the contexts of n, read in mode.
func walkExpr(n *xnode, mode xmode, out *[]ContextUse, depth int) {
	if n == nil || depth > 2*maxExprDepth {
		return
	}
	d := depth + 1
	switch n.kind {
	case xPath:
		*out = append(*out, ContextUse{Path: strings.Join(n.path, "."), Result: mode != modeTest, Serialised: mode == modeSerialise})
		for _, k := range n.keys {
			walkExpr(k, modeTest, out, d)
		}
	case xNot, xCmp:
		for _, k := range n.kids {
			walkExpr(k, modeTest, out, d)
		}
	case xAnd:
		// `a && b` is b when a is truthy, else a, which is then falsy
		// (false, 0, '' or null): no text of a reaches the result.
		walkExpr(n.kids[0], modeTest, out, d)
		walkExpr(n.kids[1], mode, out, d)
	case xOr:
		walkExpr(n.kids[0], mode, out, d)
		walkExpr(n.kids[1], mode, out, d)
	case xIndex:
		walkExpr(n.kids[0], mode, out, d)
		for _, k := range n.kids[1:] {
			walkExpr(k, modeTest, out, d)
		}
	case xCall:
		m := mode
		switch n.name {
		case "contains", "startswith", "endswith", "hashfiles", "success", "failure", "always", "cancelled":
			m = modeTest
		case "tojson":
			if mode != modeTest {
				m = modeSerialise
			}
		default:
			// format, join, fromjson and functions the language may gain:
			// their arguments can reach the result.
			if m == modeSerialise {
				m = modeValue
			}
		}
		for _, k := range n.kids {
			walkExpr(k, m, out, d)
		}
	}
}

// flatContexts reads the property paths of tokens that did not parse:
// every identifier not called as a function starts a path, taken as
// reaching the result.
func flatContexts(toks []xtok) []ContextUse {
	var out []ContextUse
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != xIdent || i > 0 && toks[i-1] == (xtok{xOp, "."}) {
			continue
		}
		if i+1 < len(toks) && toks[i+1] == (xtok{xOp, "("}) {
			continue
		}
		switch strings.ToLower(t.val) {
		case "true", "false", "null", "nan", "infinity":
			continue
		}
		path := []string{strings.ToLower(t.val)}
		j := i + 1
	chain:
		for j < len(toks) {
			switch {
			case toks[j] == (xtok{xOp, "."}) && j+1 < len(toks) && (toks[j+1].kind == xIdent || toks[j+1] == (xtok{xOp, "*"})):
				path = append(path, strings.ToLower(toks[j+1].val))
				j += 2
			case toks[j] == (xtok{xOp, "["}) && j+2 < len(toks) && toks[j+2] == (xtok{xOp, "]"}):
				if toks[j+1].kind == xString {
					path = append(path, strings.ToLower(toks[j+1].val))
				} else {
					path = append(path, "*")
				}
				j += 3
			default:
				break chain
			}
		}
		out = append(out, ContextUse{Path: strings.Join(path, "."), Result: true})
		i = j - 1
	}
	return out
}
