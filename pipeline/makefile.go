package pipeline

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Makefiles (`Makefile`, `makefile`, `GNUmakefile` and `*.mk`, anywhere,
// names matched case-insensitively) are read the way GNU make reads them,
// for their recipes and variables; nothing is run or evaluated beyond
// plain variable references:
//
//   - a rule line is a line, outside a recipe, with a `:` outside `$(…)`
//     and `${…}` that is not a variable assignment (`NAME = value`, `:=`,
//     `::=`, `:::=`, `?=`, `+=`, `!=`, with `export`/`override` prefixes)
//     nor a target-specific assignment (`target: NAME = value`); its
//     continuation lines (`\` at the end) are joined;
//   - its recipe is the text after a `;` on the rule line and every
//     following line that starts with the recipe prefix (a tab, or the
//     character `.RECIPEPREFIX` sets); blank lines, make comments and
//     conditional directives (`ifeq`, `ifneq`, `ifdef`, `ifndef`, `else`,
//     `endif`) between recipe lines do not end it, any other line does;
//   - a recipe line ending in an odd number of backslashes continues on
//     the next physical line, whose leading recipe prefix is removed, as
//     make does; the backslash-newline is kept (the shell reads it as a
//     line continuation), so that lines stay right;
//   - the `@`, `-` and `+` prefixes of a recipe line are removed; `$$`
//     becomes `$`; `$(NAME)`, `${NAME}` and `$N` take the value the file
//     gives the variable (the last assignment in file order, `+=`
//     appended, `?=` only when unset; conditionals are not evaluated),
//     expanded in turn up to maxMakeExpand levels; `$(MAKE)` is "make";
//     every other reference — a variable the file does not set, an
//     automatic variable, a function call (`$(shell …)`, `$(call …)`), a
//     substitution reference — is masked as the shell variable
//     `${NAME}` (`${MAKE_EXPR}` when it has no plain name), so that the
//     shell reader sees a word, never a command substitution;
//   - `define … endef` bodies are skipped (canned recipes are not
//     followed); `include` lines are recorded (Includes) but not read
//     into the file: each Makefile is parsed alone, and Set.Followed
//     looks for a target in the included files too;
//   - the prerequisites of every rule (with or without a recipe) are
//     recorded by target (Prereqs), expanded as make reads them, and the
//     default goal (Goal) is `.DEFAULT_GOAL` or the first target that is
//     neither special (`.PHONY`) nor a pattern.
//
// Every recipe line is one Part of the rule's Recipe, at its first
// physical line; make runs each in its own shell unless the file declares
// `.ONESHELL:` (OneShell).

// Makefile is one parsed Makefile.
type Makefile struct {
	Path string
	// Problem says why the file was not read or not fully understood:
	// not read by the collector (size cap), not UTF-8, over the parse
	// bounds. What was parsed before it is kept.
	Problem string
	// Rules are the rules that have a recipe, in file order.
	Rules []*Rule
	// Vars are the variable assignments outside recipes, in file order.
	Vars []MakeVar
	// OneShell is set when the file declares `.ONESHELL:`.
	OneShell bool
	// ExportAll is set by a bare `export` or `.EXPORT_ALL_VARIABLES:`.
	ExportAll bool
	// Prereqs are the prerequisites of each target over every rule, in
	// file order, expanded; words that do not expand to plain names
	// (unset variables, function calls, patterns) are left out.
	Prereqs map[string][]string
	// Goal is the default goal: `.DEFAULT_GOAL`, else the first target
	// of the file that does not start with "." (unless it holds a "/")
	// and is not a pattern; "" when there is none.
	Goal string
	// Includes are the files that `include`, `-include` and `sinclude`
	// lines name, expanded, as written (make resolves them against the
	// directory it runs in); words that do not expand are left out.
	Includes []string

	exported map[string]bool
	values   map[string]makeValue
	// left is what variable values may still add to the file's recipes.
	left      int
	budgetSet bool
}

// MakeVar is one variable assignment of a Makefile.
type MakeVar struct {
	Pos
	Name string
	// Op is the assignment operator as written: "=", ":=", "::=",
	// ":::=", "?=", "+=" or "!=".
	Op string
	// Value is the right-hand side as written (continuations joined).
	Value string
	// Export marks `export NAME = value`.
	Export bool
}

// Rule is one rule with a recipe.
type Rule struct {
	Pos
	// Targets are the rule's targets as written.
	Targets []string
	// Recipe holds the recipe lines after make's own processing (see
	// above), one Part per recipe line.
	Recipe *Script

	// names are the targets expanded (plain names only).
	names []string
}

type makeValue struct {
	value string
	// shell marks `!=`: the value is a command's output, unknown here.
	shell bool
}

// Bounds on the work done for one Makefile.
const (
	// maxMakeExpand bounds variables within variables.
	maxMakeExpand = 8
	// maxMakeLine bounds the text one expanded recipe line may grow to;
	// beyond it the remaining references are masked.
	maxMakeLine = 64 << 10
	// maxMakeExpansion bounds what values add to all of a file's
	// recipes and exports together.
	maxMakeExpansion = 4 << 20
	// maxMakeRecipeLines bounds the recipe lines kept from one file.
	maxMakeRecipeLines = 50_000
)

// IsMakefile reports whether a path names a Makefile: `Makefile`,
// `makefile`, `GNUmakefile` or `*.mk`, anywhere, case-insensitively.
func IsMakefile(p string) bool {
	base := strings.ToLower(path.Base(p))
	return base == "makefile" || base == "gnumakefile" || strings.HasSuffix(base, ".mk") && len(base) > 3
}

// Makefile returns the Makefile at p, or nil.
func (s *Set) Makefile(p string) *Makefile {
	for _, m := range s.Makefiles {
		if m.Path == p {
			return m
		}
	}
	return nil
}

// Env returns the variables the file exports to its recipes' shells
// (`export NAME = value`, `export NAME`, or every variable after a bare
// `export` or `.EXPORT_ALL_VARIABLES:`), with their values expanded as
// recipes see them; a variable set with `!=` has the value "".
func (m *Makefile) Env() []Var {
	var out []Var
	seen := map[string]bool{}
	for i := len(m.Vars) - 1; i >= 0; i-- {
		v := m.Vars[i]
		if seen[v.Name] || !(m.ExportAll || m.exported[v.Name]) {
			continue
		}
		seen[v.Name] = true
		val := ""
		if mv, ok := m.values[v.Name]; ok && !mv.shell {
			val = m.expandLine(mv.value)
		}
		out = append(out, Var{Pos: v.Pos, Name: v.Name, Value: val})
	}
	// File order.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// parseMakefileAt reads the Makefile at p from the tree; failures and
// panics become its Problem.
func parseMakefileAt(tree snapshot.Tree, p string) (m *Makefile) {
	m = &Makefile{Path: p}
	text, problem := readable(tree, p)
	if problem != "" {
		m.Problem = problem
		return m
	}
	defer func() {
		if v := recover(); v != nil {
			m.Problem = fmt.Sprintf("internal error while parsing: %v", v)
		}
	}()
	parseMakefile(m, text)
	return m
}

// ParseMakefile parses the text of a Makefile at path p.
func ParseMakefile(p, text string) *Makefile {
	return parseMakefileAt(snapshot.Tree{Contents: map[string]snapshot.Content{p: {Text: text}}}, p)
}

var (
	makeAssignRE = regexp.MustCompile(`^((?:(?:export|override|private)\s+)*)([^\s:#=]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)(.*)$`)
	makeCondRE   = regexp.MustCompile(`^(ifeq|ifneq|ifdef|ifndef|else|endif)(\s|\(|$)`)
	makeSkipRE   = regexp.MustCompile(`^(-?include|sinclude|vpath|unexport|undefine|override\s+undefine)(\s|$)`)
	makeDefineRE = regexp.MustCompile(`^((?:export|override|private)\s+)*define(\s|$)`)
)

// rawRecipe is a recipe line before expansion.
type rawRecipe struct {
	line int
	text string
}

func parseMakefile(m *Makefile, text string) {
	m.exported = map[string]bool{}
	m.values = map[string]makeValue{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	prefix := byte('\t')
	type pending struct {
		rule *Rule
		raw  []rawRecipe
	}
	var rules []*pending
	var cur *pending
	nRecipe := 0
	defineDepth := 0
	for i := 0; i < len(lines); {
		start := i
		l := lines[i]
		if defineDepth > 0 {
			t := strings.TrimSpace(l)
			switch {
			case t == "endef" || strings.HasPrefix(t, "endef ") || strings.HasPrefix(t, "endef\t"):
				defineDepth--
			case makeDefineRE.MatchString(t):
				defineDepth++
			}
			i++
			continue
		}
		if cur != nil && len(l) > 0 && l[0] == prefix {
			// A recipe line, with its continuations.
			var body strings.Builder
			body.WriteString(l[1:])
			for oddBackslash(lines[i]) && i+1 < len(lines) {
				i++
				next := lines[i]
				if len(next) > 0 && next[0] == prefix {
					next = next[1:]
				}
				body.WriteByte('\n')
				body.WriteString(next)
			}
			i++
			if nRecipe >= maxMakeRecipeLines {
				if m.Problem == "" {
					m.Problem = fmt.Sprintf("not fully parsed: over %d recipe lines", maxMakeRecipeLines)
				}
				continue
			}
			nRecipe++
			cur.raw = append(cur.raw, rawRecipe{line: start + 1, text: body.String()})
			continue
		}
		// A make line, with its continuations joined.
		logical := l
		if oddBackslash(l) {
			var lb strings.Builder
			cur := l
			for oddBackslash(cur) && i+1 < len(lines) {
				lb.WriteString(strings.TrimRight(cur[:len(cur)-1], " \t"))
				lb.WriteByte(' ')
				i++
				cur = strings.TrimLeft(lines[i], " \t")
			}
			lb.WriteString(cur)
			logical = lb.String()
		}
		i++
		t := strings.TrimSpace(stripMakeComment(logical))
		switch {
		case t == "":
			// Blank lines and comments keep the rule's recipe open.
			continue
		case makeCondRE.MatchString(t):
			continue
		case makeDefineRE.MatchString(t):
			defineDepth = 1
			cur = nil
			continue
		case makeSkipRE.MatchString(t):
			cur = nil
			m.include(t)
			continue
		}
		if a := makeAssignRE.FindStringSubmatch(t); a != nil {
			cur = nil
			v := MakeVar{Pos: Pos{Path: m.Path, Line: start + 1}, Name: a[2], Op: a[3], Value: strings.TrimSpace(a[4]), Export: strings.Contains(a[1], "export")}
			m.Vars = append(m.Vars, v)
			m.assign(v)
			if v.Export {
				m.exported[v.Name] = true
			}
			if v.Name == ".RECIPEPREFIX" {
				if val := m.expandLine(v.Value); len(val) == 1 {
					prefix = val[0]
				} else if val == "" {
					prefix = '\t'
				}
			}
			continue
		}
		if names, ok := strings.CutPrefix(t, "export"); ok && (names == "" || names[0] == ' ' || names[0] == '\t') {
			cur = nil
			names = strings.TrimSpace(names)
			if names == "" {
				m.ExportAll = true
			}
			for _, n := range strings.Fields(names) {
				m.exported[n] = true
			}
			continue
		}
		colon := makeColon(t)
		if colon < 0 {
			// Something else: a function call at the top level, a line
			// make would reject. It ends any recipe.
			cur = nil
			continue
		}
		targets := strings.Fields(t[:colon])
		rest := strings.TrimPrefix(t[colon+1:], ":") // a double-colon rule
		names := m.plainWords(t[:colon])
		recipe := ""
		if semi := makeSemicolon(rest); semi >= 0 {
			recipe = rest[semi+1:]
			rest = rest[:semi]
		}
		if makeAssignRE.MatchString(strings.TrimSpace(rest)) && recipe == "" {
			// A target-specific variable: no recipe follows.
			cur = nil
			continue
		}
		m.prereqs(names, rest)
		for _, tg := range targets {
			switch tg {
			case ".ONESHELL":
				m.OneShell = true
			case ".EXPORT_ALL_VARIABLES":
				m.ExportAll = true
			}
		}
		cur = &pending{rule: &Rule{Pos: Pos{Path: m.Path, Line: start + 1}, Targets: targets, names: names}}
		rules = append(rules, cur)
		if strings.TrimSpace(recipe) != "" {
			// The recipe after `;` is taken from the line before make
			// comments are stripped: a `#` in it is the shell's.
			if semi := makeSemicolon(logical); semi >= 0 {
				recipe = logical[semi+1:]
			}
			cur.raw = append(cur.raw, rawRecipe{line: start + 1, text: recipe})
			nRecipe++
		}
	}
	if v, ok := m.values[".DEFAULT_GOAL"]; ok && !v.shell {
		if f := m.plainWords(v.value); len(f) > 0 {
			m.Goal = f[0]
		}
	}
	shell := ""
	if v, ok := m.values["SHELL"]; ok && !v.shell {
		if f := strings.Fields(m.expandLine(v.value)); len(f) > 0 {
			shell = progName(f[0])
			if shell == "sh" {
				shell = ""
			}
		}
	}
	for _, p := range rules {
		if len(p.raw) == 0 {
			continue
		}
		sc := &Script{Shell: shell}
		for _, r := range p.raw {
			sc.Parts = append(sc.Parts, Text{Pos: Pos{Path: m.Path, Line: r.line}, Value: m.recipeLine(r.text)})
		}
		p.rule.Recipe = sc
		m.Rules = append(m.Rules, p.rule)
	}
}

// Bounds on what a Makefile records for Set.Followed.
const (
	maxMakeIncludes = 64
	maxMakePrereqs  = 10_000
)

// include records the files of an include line.
func (m *Makefile) include(t string) {
	f := strings.Fields(t)
	if len(f) == 0 || !(f[0] == "include" || f[0] == "-include" || f[0] == "sinclude") {
		return
	}
	for _, w := range m.plainWords(strings.Join(f[1:], " ")) {
		if len(m.Includes) < maxMakeIncludes {
			m.Includes = append(m.Includes, w)
		}
	}
}

// prereqs records the prerequisites of a rule (the text after its
// colon, before any inline recipe), and the default goal.
func (m *Makefile) prereqs(targets []string, rest string) {
	if m.Prereqs == nil {
		m.Prereqs = map[string][]string{}
	}
	if makeColon(rest) >= 0 {
		// A static pattern rule: `targets: pattern: prerequisites`.
		rest = ""
	}
	rest = strings.Replace(rest, "|", " ", 1) // order-only prerequisites are made too
	deps := m.plainWords(rest)
	for _, tg := range targets {
		if m.Goal == "" && (!strings.HasPrefix(tg, ".") || strings.Contains(tg, "/")) {
			m.Goal = tg
		}
		if len(m.Prereqs) >= maxMakePrereqs {
			continue
		}
		m.Prereqs[tg] = append(m.Prereqs[tg], deps...)
	}
}

// plainWords expands s and returns its words that are plain names: no
// masked reference, no pattern, no wildcard.
func (m *Makefile) plainWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(m.expandLine(s)) {
		if !strings.ContainsAny(w, "$%*?[") {
			out = append(out, w)
		}
	}
	return out
}

// assign records an assignment in the table of values.
func (m *Makefile) assign(v MakeVar) {
	old, had := m.values[v.Name]
	switch v.Op {
	case "?=":
		if !had {
			m.values[v.Name] = makeValue{value: v.Value}
		}
	case "+=":
		if had && !old.shell {
			if old.value == "" {
				m.values[v.Name] = makeValue{value: v.Value}
			} else {
				m.values[v.Name] = makeValue{value: old.value + " " + v.Value}
			}
		} else if !had {
			m.values[v.Name] = makeValue{value: v.Value}
		}
	case "!=":
		m.values[v.Name] = makeValue{shell: true}
	default:
		m.values[v.Name] = makeValue{value: v.Value}
	}
}

// oddBackslash reports whether a line ends with an odd number of
// backslashes (a line continuation).
func oddBackslash(l string) bool {
	n := 0
	for i := len(l) - 1; i >= 0 && l[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// stripMakeComment drops a make comment: a `#` not escaped by a
// backslash (recipe lines are never passed here).
func stripMakeComment(l string) string {
	for i := 0; i < len(l); i++ {
		if l[i] == '#' && (i == 0 || l[i-1] != '\\') {
			return l[:i]
		}
	}
	return l
}

// makeColon returns the index of the rule's colon: the first `:` outside
// variable references, or -1.
func makeColon(t string) int {
	return makeIndexOutside(t, ':')
}

// makeSemicolon returns the index of the `;` that starts an inline
// recipe, or -1.
func makeSemicolon(t string) int {
	return makeIndexOutside(t, ';')
}

func makeIndexOutside(t string, c byte) int {
	depth := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '$':
			if i+1 < len(t) && (t[i+1] == '(' || t[i+1] == '{') {
				depth++
				i++
			} else if i+1 < len(t) {
				i++ // $$ or $X
			}
		case '(', '{':
			if depth > 0 {
				depth++
			}
		case ')', '}':
			if depth > 0 {
				depth--
			}
		default:
			if t[i] == c && depth == 0 {
				return i
			}
		}
	}
	return -1
}

// recipeLine turns a raw recipe line into the shell text make hands to
// the shell: prefixes removed, variables expanded or masked.
func (m *Makefile) recipeLine(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '@' || s[i] == '-' || s[i] == '+') {
		i++
	}
	return m.expandLine(s[i:])
}

// expandLine expands one text with a budget of maxMakeLine bytes, taken
// from what is left of the file's maxMakeExpansion.
func (m *Makefile) expandLine(s string) string {
	if !m.budgetSet {
		m.left, m.budgetSet = maxMakeExpansion, true
	}
	budget := min(maxMakeLine, m.left)
	start := budget
	out := m.expand(s, 0, nil, &budget)
	m.left -= start - budget
	return out
}

// makeMask is the word that stands for a reference with no plain name.
const makeMask = "${MAKE_EXPR}"

// expand expands the variable references of s (see the comment at the
// top of this file). active holds the variables being expanded
// (recursion); budget is what the values inserted may still add.
func (m *Makefile) expand(s string, depth int, active map[string]bool, budget *int) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch {
		case n == '$':
			b.WriteByte('$')
			i++
		case n == '(' || n == '{':
			end := makeRefEnd(s, i+1)
			if end < 0 {
				// Unterminated: make would fail; keep it inert.
				b.WriteString(makeMask)
				i = len(s)
				continue
			}
			b.WriteString(m.reference(s[i+2:end], depth, active, budget))
			i = end
		default:
			b.WriteString(m.reference(string(n), depth, active, budget))
			i++
		}
	}
	return b.String()
}

// makeRefEnd returns the index of the bracket that closes the reference
// opened at s[open], counting nested brackets of the same kind, or -1.
func makeRefEnd(s string, open int) int {
	o := s[open]
	cl := byte(')')
	if o == '{' {
		cl = '}'
	}
	depth := 0
	for j := open; j < len(s); j++ {
		switch s[j] {
		case o:
			depth++
		case cl:
			depth--
			if depth == 0 {
				return j
			}
		case '\n':
			// A reference does not span recipe lines.
			return -1
		}
	}
	return -1
}

// reference expands one reference's content: a plain variable name
// with the file's value, else a mask.
func (m *Makefile) reference(name string, depth int, active map[string]bool, budget *int) string {
	if !plainMakeName(name) {
		// `$(shell which go)` and `$(shell command -v go)` name a
		// program (bingo's `GO ?= $(shell which go)`): that program.
		if m := shellWhichRE.FindStringSubmatch(name); m != nil {
			return m[1]
		}
		// `$(foreach dir,$(DIRS),(cd $(dir) && go test ./...) &&)`
		// (uber-go/zap): the text is what runs, once per word; its loop
		// variable stays a variable.
		if body, ok := foreachText(name); ok && depth < maxMakeExpand {
			return m.expand(body, depth+1, active, budget)
		}
		return makeMask
	}
	if name == "MAKE" {
		return "make"
	}
	v, ok := m.values[name]
	if !ok || v.shell || active[name] || depth >= maxMakeExpand || len(v.value) > *budget {
		if makeShellName(name) {
			return "${" + name + "}"
		}
		return makeMask
	}
	next := map[string]bool{name: true}
	for k := range active {
		next[k] = true
	}
	*budget -= len(v.value)
	return m.expand(v.value, depth+1, next, budget)
}

// foreachText returns the text of a `foreach VAR,LIST,TEXT` call with
// VAR's references turned into the shell variable ${VAR}.
func foreachText(call string) (string, bool) {
	rest, ok := strings.CutPrefix(call, "foreach ")
	if !ok {
		return "", false
	}
	// Split at the first two commas outside parentheses or braces.
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(rest) && len(parts) < 2; i++ {
		switch rest[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, rest[start:i])
				start = i + 1
			}
		}
	}
	if len(parts) != 2 {
		return "", false
	}
	v := strings.TrimSpace(parts[0])
	if !plainMakeName(v) {
		return "", false
	}
	text := rest[start:]
	text = strings.ReplaceAll(text, "$("+v+")", "${"+v+"}")
	return text, true
}

var shellWhichRE = regexp.MustCompile(`^shell\s+(?:which|command\s+-v)\s+([A-Za-z0-9_.+-]+)\s*$`)

// plainMakeName reports whether a reference's content is a plain
// variable name: no blanks (function calls), no `:` (substitution
// references), no nested reference.
func plainMakeName(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t:$(){},=")
}

// makeShellName reports whether s is a shell variable name.
func makeShellName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
