package pipeline

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"mvdan.cc/sh/v3/syntax"
)

// Shell scripts are read with a real shell parser (mvdan.cc/sh/v3/syntax),
// so that `&&`/`||` chains, pipelines, subshells, `$(...)` and backquotes,
// `<(...)`, line continuations, here-documents, `if`/`for`/`while`/`case`
// bodies and function bodies are understood. Nothing is expanded or run.
//
// Before parsing, the template expressions of the CI systems are replaced by
// a placeholder word that keeps the line count — GitHub `${{ ... }}`, GitLab
// inputs `$[[ ... ]]`, Groovy `${a.b}` in Jenkins strings, and Tekton
// `$(params.x)`-style references — and put back in every word and text, so
// that they read as written and lines stay right.
//
// A script is parsed as bash; if bash rejects it, as POSIX sh, then as mksh;
// if no dialect accepts it, or it is PowerShell or cmd, or it is over the
// size or nesting bounds, it is read by the word splitter (splitWords).
// Command.Dialect records which.
//
// Commands inside command and process substitutions count, before the
// command that contains them. Wrappers are unwrapped (see normalise), and
// the script string of `sh -c`/`bash -c` and the body of a here-document
// fed to a shell (`bash <<EOF`, `sh <<< "..."`) are read as scripts in
// turn, up to maxShellDepth levels. Other here-document bodies are data.

// Command is one simple command found in a script.
type Command struct {
	Pos
	// Name is the program, as a lower-case base name, after the
	// normalisation described at Normalise: "npx semgrep" → "semgrep",
	// "/usr/bin/cosign" → "cosign", "python -m pip_audit" → "pip-audit".
	Name string
	// Program is the program word as written, after the same
	// normalisation but before the base name is taken: "./build.sh",
	// "scripts/release.sh", `.\Build.ps1`.
	Program string
	// Args are the words after Name, quotes removed and expansions as
	// written; redirections (`> file`, `2>&1`, `<<EOF`) are not words.
	Args []string
	// Assign are the leading VAR=value words.
	Assign []string
	// Via is, for a command found by following a repository script or
	// make target (Set.Followed), the place of the step's command that
	// led to it; zero for the step's own commands.
	Via Pos
	// Image is the image of `docker run` / `podman run` (Name is then
	// "docker" or "podman").
	Image string
	// Text is the command as written, capped at 300 bytes.
	Text string
	// Dialect says how the script was read: "bash", "posix" or "mksh"
	// when the shell parser accepted it in that dialect, "tokens" when it
	// was read by the word splitter (PowerShell and cmd scripts, and
	// scripts that no dialect of the parser accepts).
	Dialect string
}

// Positional returns the arguments that are not flags (do not start with
// "-").
func (c Command) Positional() []string {
	var out []string
	for _, a := range c.Args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// Is reports whether the command is name followed by the subcommands
// subs as its first positional arguments: Is("cosign", "sign").
func (c Command) Is(name string, subs ...string) bool {
	if c.Name != name {
		return false
	}
	pos := c.Positional()
	if len(pos) < len(subs) {
		return false
	}
	for i, s := range subs {
		if pos[i] != s {
			return false
		}
	}
	return true
}

// HasArg reports whether one of the arguments is a (or, for a flag "--x",
// "--x=value").
func (c Command) HasArg(a string) bool {
	for _, w := range c.Args {
		if w == a || strings.HasPrefix(a, "-") && strings.HasPrefix(w, a+"=") {
			return true
		}
	}
	return false
}

// Flag returns the value of a flag given as "--flag value" or
// "--flag=value".
func (c Command) Flag(names ...string) (string, bool) {
	for i, w := range c.Args {
		for _, n := range names {
			if w == n && i+1 < len(c.Args) {
				return c.Args[i+1], true
			}
			if strings.HasPrefix(w, n+"=") {
				return w[len(n)+1:], true
			}
		}
	}
	return "", false
}

// The dialects of Command.Dialect.
const (
	DialectBash   = "bash"
	DialectPOSIX  = "posix"
	DialectMksh   = "mksh"
	DialectTokens = "tokens"
)

// Bounds on the work done for one script part.
const (
	// maxShellBytes: longer texts are read by the word splitter, which
	// is linear.
	maxShellBytes = 128 << 10
	// maxShellLines: the parser's line numbers stop at 2^18-1.
	maxShellLines = 200_000
	// maxShellNest bounds the nesting (brackets and compound commands)
	// that is handed to the parser, whose recursion follows it (some 3 KB
	// of stack a level). The estimate can be fooled by closing brackets in
	// quotes, but maxShellBytes still bounds the depth to a few thousand.
	maxShellNest = 500
	// maxShellDepth bounds scripts within scripts (`sh -c`, heredocs fed
	// to a shell).
	maxShellDepth = 3
	// maxWalkNest bounds the nesting that the tree walk follows.
	maxWalkNest = 64
	// maxShellCommands bounds the commands read from one part.
	maxShellCommands = 20_000
)

const maxCommandText = 300

// commandCache memoises a script's commands: Commands is called by
// several checks on the same scripts.
type commandCache struct{ p atomic.Pointer[[]Command] }

// Commands returns the simple commands of every part of the script, in
// order. The result is computed once; callers must not modify the
// elements' slices.
func (s *Script) Commands() []Command {
	if s == nil {
		return nil
	}
	if c := s.cmds.p.Load(); c != nil {
		return slices.Clone(*c)
	}
	var out []Command
	for _, p := range s.Parts {
		out = append(out, shellCommands(p, s.Shell, 0, s.Vars)...)
	}
	s.cmds.p.Store(&out)
	return slices.Clone(out)
}

// ShellCommands returns the simple commands of one piece of shell text
// placed at t's path and line. shell is the declared shell ("" for sh).
func ShellCommands(t Text, shell string) []Command {
	return shellCommands(t, shell, 0, nil)
}

// shellCommands reads one text: with the parser when it can, else with
// the word splitter.
func shellCommands(t Text, shell string, depth int, vars Vars) []Command {
	if windowsShell(shell) {
		return tokenCommands(t, true, depth)
	}
	src, exprs := maskExpressions(t.Value)
	if len(src) > maxShellBytes || strings.Count(src, "\n") > maxShellLines || shellNesting(src) > maxShellNest {
		return tokenCommands(t, false, depth)
	}
	for _, d := range dialects {
		f, err := parseShell(d.lang, src)
		if err != nil {
			continue
		}
		w := &shellWalker{src: src, exprs: exprs, at: t, dialect: d.name, depth: depth, vars: vars}
		w.stmts(f.Stmts, 0)
		return w.out
	}
	return tokenCommands(t, false, depth)
}

var dialects = []struct {
	name string
	lang syntax.LangVariant
}{{DialectBash, syntax.LangBash}, {DialectPOSIX, syntax.LangPOSIX}, {DialectMksh, syntax.LangMirBSDKorn}}

var parserPools = map[syntax.LangVariant]*sync.Pool{}

func init() {
	for _, d := range dialects {
		lang := d.lang
		parserPools[lang] = &sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(lang)) }}
	}
}

func parseShell(lang syntax.LangVariant, src string) (f *syntax.File, err error) {
	pool := parserPools[lang]
	p := pool.Get().(*syntax.Parser)
	defer pool.Put(p)
	defer func() {
		// The parser is not known to panic; if it ever does, the word
		// splitter takes over.
		if v := recover(); v != nil {
			f, err = nil, errParserPanic
		}
	}()
	return p.Parse(strings.NewReader(src), "")
}

type parserPanic struct{}

func (parserPanic) Error() string { return "shell parser panicked" }

var errParserPanic error = parserPanic{}

// exprMark starts a placeholder: exprMark, the expression's index, "__",
// then one `\`-newline per newline of the expression.
const exprMark = "__SSDF_EXPR_"

// maskExpressions replaces the CI template expressions of s by
// placeholder words, and returns them in order.
func maskExpressions(s string) (string, []string) {
	if !strings.Contains(s, "${") && !strings.Contains(s, "$[[") && !strings.Contains(s, "$(") {
		return s, nil
	}
	var b strings.Builder
	var exprs []string
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		end := exprEnd(s, i)
		if end < 0 {
			continue
		}
		expr := s[i:end]
		b.WriteString(s[last:i])
		b.WriteString(exprMark)
		b.WriteString(strconv.Itoa(len(exprs)))
		b.WriteString("__")
		b.WriteString(strings.Repeat("\\\n", strings.Count(expr, "\n")))
		exprs = append(exprs, expr)
		last = end
		i = end - 1
	}
	if exprs == nil {
		return s, nil
	}
	b.WriteString(s[last:])
	return b.String(), exprs
}

// exprEnd returns the end of a template expression at s[i] (a `$`), or
// -1: `${{ ... }}`, `$[[ ... ]]`, `${name.name...}` (Groovy), and
// `$(root.name...)` for the Tekton variable roots.
func exprEnd(s string, i int) int {
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "${{"):
		if j := strings.Index(rest, "}}"); j >= 0 {
			return i + j + 2
		}
		return len(s)
	case strings.HasPrefix(rest, "$[["):
		if j := strings.Index(rest, "]]"); j >= 0 {
			return i + j + 2
		}
		return len(s)
	case strings.HasPrefix(rest, "${"):
		if n := dottedName(rest[2:]); n > 0 && 2+n < len(rest) && rest[2+n] == '}' {
			return i + 2 + n + 1
		}
	case strings.HasPrefix(rest, "$("):
		n := dottedName(rest[2:])
		if n == 0 || 2+n >= len(rest) || rest[2+n] != ')' {
			return -1
		}
		root, _, _ := strings.Cut(rest[2:2+n], ".")
		if tektonRoots[root] {
			return i + 2 + n + 1
		}
	}
	return -1
}

// tektonRoots are the first names of Tekton variable references
// (`$(params.x)`, `$(workspaces.src.path)`, ...).
var tektonRoots = map[string]bool{
	"params": true, "workspaces": true, "results": true, "context": true, "tasks": true, "steps": true,
	"inputs": true, "outputs": true, "resources": true, "credentials": true, "step": true, "finally": true,
}

// dottedName returns the length of a name of at least two dot-separated
// identifiers at the start of s ("env.FOO", "params.x-y[0]"), or 0.
func dottedName(s string) int {
	dots, i := 0, 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '[' || c == ']' || c == '"' || c == '\'' || c == '*':
		case c == '.':
			dots++
		default:
			if dots == 0 {
				return 0
			}
			return i
		}
		i++
	}
	if dots == 0 {
		return 0
	}
	return i
}

// unmask puts the expressions back into s.
func unmask(s string, exprs []string) string {
	if len(exprs) == 0 || !strings.Contains(s, exprMark) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, exprMark)
		if i < 0 {
			break
		}
		j := i + len(exprMark)
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		n, err := strconv.Atoi(s[j:k])
		if err != nil || n >= len(exprs) || !strings.HasPrefix(s[k:], "__") {
			b.WriteString(s[:j])
			s = s[j:]
			continue
		}
		k += 2
		for strings.HasPrefix(s[k:], "\\\n") {
			k += 2
		}
		b.WriteString(s[:i])
		b.WriteString(exprs[n])
		s = s[k:]
	}
	b.WriteString(s)
	return b.String()
}

// shellNesting estimates how deeply s nests: brackets, and the keywords
// that open and close compound commands. It over-counts (quotes are not
// skipped), which only sends odd scripts to the word splitter.
func shellNesting(s string) int {
	depth, most := 0, 0
	open := func() {
		depth++
		most = max(most, depth)
	}
	closeOne := func() {
		if depth > 0 {
			depth--
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', '{':
			open()
		case ')', '}':
			closeOne()
		default:
			if !(c >= 'a' && c <= 'z') || i > 0 && isWordByte(s[i-1]) {
				continue
			}
			j := i
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				j++
			}
			if j < len(s) && isWordByte(s[j]) {
				i = j
				continue
			}
			switch s[i:j] {
			case "if", "while", "until", "for", "case", "select":
				open()
			case "fi", "done", "esac":
				closeOne()
			}
			i = j - 1
		}
	}
	return most
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// shellWalker collects the commands of one parsed text.
type shellWalker struct {
	src     string
	exprs   []string
	at      Text
	dialect string
	depth   int
	out     []Command
	// vars is the script's environment (Script.Vars).
	vars Vars
}

func (w *shellWalker) full() bool { return len(w.out) >= maxShellCommands }

// line is the file line of a position in the text.
func (w *shellWalker) line(p syntax.Pos) int {
	if p.Line() == 0 {
		return w.at.Line
	}
	return w.at.Line + int(p.Line()) - 1
}

// slice returns the source between two positions, with the expressions
// put back.
func (w *shellWalker) slice(from, to syntax.Pos) string {
	a, b := int(from.Offset()), int(to.Offset())
	if a > len(w.src) {
		a = len(w.src)
	}
	if b > len(w.src) || b < a {
		b = len(w.src)
	}
	return unmask(w.src[a:b], w.exprs)
}

func (w *shellWalker) stmts(list []*syntax.Stmt, nest int) {
	for _, st := range list {
		w.stmt(st, nest)
	}
}

func (w *shellWalker) stmt(st *syntax.Stmt, nest int) {
	if st == nil || nest > maxWalkNest || w.full() {
		return
	}
	nest++
	for _, r := range st.Redirs {
		w.substs(r.Word, nest)
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(st, c, nest)
	case *syntax.BinaryCmd:
		w.stmt(c.X, nest)
		w.stmt(c.Y, nest)
	case *syntax.Subshell:
		w.stmts(c.Stmts, nest)
	case *syntax.Block:
		w.stmts(c.Stmts, nest)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			w.stmts(ic.Cond, nest)
			w.stmts(ic.Then, nest)
		}
	case *syntax.WhileClause:
		w.stmts(c.Cond, nest)
		w.stmts(c.Do, nest)
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			for _, it := range wi.Items {
				w.substs(it, nest)
			}
		}
		w.stmts(c.Do, nest)
	case *syntax.CaseClause:
		w.substs(c.Word, nest)
		for _, it := range c.Items {
			w.stmts(it.Stmts, nest)
		}
	case *syntax.FuncDecl:
		w.stmt(c.Body, nest)
	case *syntax.TimeClause:
		w.stmt(c.Stmt, nest)
	case *syntax.CoprocClause:
		w.stmt(c.Stmt, nest)
	case *syntax.TestDecl:
		w.stmt(c.Body, nest)
	case *syntax.DeclClause:
		w.decl(st, c, nest)
	case *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause:
		// Tests and arithmetic run no program, but may substitute.
		w.substs(c, nest)
	}
}

// substs reads the command and process substitutions inside a node
// (a word, a test), each as a script.
func (w *shellWalker) substs(n syntax.Node, nest int) {
	if n == nil || nest > maxWalkNest {
		return
	}
	if wd, ok := n.(*syntax.Word); ok {
		if wd == nil {
			return
		}
		// Most words are literals and quotes: read their parts without
		// the generic walk.
		w.parts(wd.Parts, nest)
		return
	}
	w.walkSubsts(n, nest)
}

func (w *shellWalker) parts(parts []syntax.WordPart, nest int) {
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		case *syntax.DblQuoted:
			w.parts(x.Parts, nest)
		case *syntax.CmdSubst:
			w.stmts(x.Stmts, nest+1)
		case *syntax.ProcSubst:
			w.stmts(x.Stmts, nest+1)
		default:
			w.walkSubsts(p, nest)
		}
	}
}

func (w *shellWalker) walkSubsts(n syntax.Node, nest int) {
	syntax.Walk(n, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CmdSubst:
			w.stmts(x.Stmts, nest+1)
			return false
		case *syntax.ProcSubst:
			w.stmts(x.Stmts, nest+1)
			return false
		}
		return true
	})
}

// word renders a word as the shell would see it before expansion: quotes
// removed, escapes resolved, expansions and substitutions as written.
func (w *shellWalker) word(wd *syntax.Word) string {
	if wd == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range wd.Parts {
		w.part(&b, p, false)
	}
	return unmask(b.String(), w.exprs)
}

func (w *shellWalker) part(b *strings.Builder, p syntax.WordPart, quoted bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		unescape(b, p.Value, quoted)
	case *syntax.SglQuoted:
		b.WriteString(p.Value)
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			w.part(b, q, true)
		}
	default:
		a, e := int(p.Pos().Offset()), int(p.End().Offset())
		if a <= e && e <= len(w.src) {
			b.WriteString(w.src[a:e])
		}
	}
}

// unescape resolves the backslashes of a literal as written: outside
// quotes a backslash before a special character is removed (before an
// ordinary one it is kept, which keeps Windows paths whole); inside double
// quotes only before `"`, `\`, `$` and a backquote. A backslash-newline
// is a line continuation in both.
func unescape(b *strings.Builder, s string, quoted bool) {
	if !strings.Contains(s, `\`) {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch {
		case n == '\n':
		case quoted && strings.IndexByte("\"\\$`", n) >= 0, !quoted && strings.IndexByte(shellSpecial, n) >= 0:
			b.WriteByte(n)
		default:
			b.WriteByte(c)
			b.WriteByte(n)
		}
		i++
	}
}

func (w *shellWalker) assign(a *syntax.Assign) string {
	switch {
	case a.Name == nil:
		return w.word(a.Value)
	case a.Array != nil || a.Index != nil:
		return w.slice(a.Pos(), a.End())
	case a.Naked:
		return a.Name.Value
	}
	op := "="
	if a.Append {
		op = "+="
	}
	return a.Name.Value + op + w.word(a.Value)
}

// text is the command as written: from the start of the statement to the
// end of its last word or redirection (here-document bodies left out).
func (w *shellWalker) text(st *syntax.Stmt, cmd syntax.Node) string {
	end := cmd.End()
	for _, r := range st.Redirs {
		if r.Word != nil && len(r.Word.Parts) > 0 && r.Word.End().After(end) {
			end = r.Word.End()
		}
	}
	start := cmd.Pos()
	if st.Pos().IsValid() && start.After(st.Pos()) {
		start = st.Pos()
	}
	return clipText(strings.TrimSpace(w.slice(start, end)))
}

func clipText(s string) string {
	if len(s) > maxCommandText {
		return s[:maxCommandText]
	}
	return s
}

func (w *shellWalker) decl(st *syntax.Stmt, d *syntax.DeclClause, nest int) {
	words := []string{d.Variant.Value}
	for _, a := range d.Args {
		if a.Value != nil {
			w.substs(a.Value, nest)
		}
		words = append(words, w.assign(a))
	}
	c := Command{Pos: Pos{Path: w.at.Path, Line: w.line(d.Pos())}, Dialect: w.dialect, Text: w.text(st, d)}
	if _, ok := normalise(&c, words); ok {
		w.out = append(w.out, c)
	}
}

func (w *shellWalker) call(st *syntax.Stmt, ce *syntax.CallExpr, nest int) {
	words := make([]string, 0, len(ce.Assigns)+len(ce.Args))
	for _, a := range ce.Assigns {
		words = append(words, w.assign(a))
	}
	for _, a := range ce.Args {
		words = append(words, w.word(a))
	}
	if len(ce.Args) == 0 {
		// Assignments only: no program runs but substitutions do.
		for _, a := range ce.Assigns {
			w.substs(a.Value, nest)
		}
		return
	}
	c := Command{Pos: Pos{Path: w.at.Path, Line: w.line(ce.Pos())}, Dialect: w.dialect, Text: w.text(st, ce)}
	words = w.resolveProgram(words, len(ce.Assigns))
	inner, ok := normalise(&c, words)
	// The script of `sh -c` is read as a script below, not as a word.
	script := -1
	if ok && inner >= 0 && w.depth < maxShellDepth {
		script = inner - len(ce.Assigns)
	}
	for _, a := range ce.Assigns {
		w.substs(a.Value, nest)
	}
	for i, a := range ce.Args {
		if i != script {
			w.substs(a, nest)
		}
	}
	if !ok || w.full() {
		return
	}
	if script >= 0 && script < len(ce.Args) {
		arg := ce.Args[script]
		w.out = append(w.out, shellCommands(Text{Pos: Pos{Path: w.at.Path, Line: w.line(arg.Pos())}, Value: words[inner]}, "", w.depth+1, w.vars)...)
		return
	}
	if body, line, ok := w.shellHeredoc(st, &c); ok {
		w.out = append(w.out, shellCommands(Text{Pos: Pos{Path: w.at.Path, Line: line}, Value: body}, "", w.depth+1, w.vars)...)
		return
	}
	w.out = append(w.out, c)
	w.containerCommand(c, words)
}

// containerCommand adds, after a `docker run IMAGE CMD ARGS…` (or podman,
// nerdctl), the command the container runs — `go build -trimpath …` in
// controller-runtime's release Makefile — read like any other, `sh -c`
// scripts included.
func (w *shellWalker) containerCommand(c Command, words []string) {
	if c.Image == "" || w.depth >= maxShellDepth || w.full() {
		return
	}
	at := -1
	for i, wd := range words {
		if wd == "run" {
			at = i
			break
		}
	}
	if at < 0 {
		return
	}
	rest := words[at+1:]
	img := -1
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			img = i + 1
			break
		}
		if strings.HasPrefix(a, "-") {
			if dockerRunValueFlags[a] {
				i++
			}
			continue
		}
		img = i
		break
	}
	if img < 0 || img+1 >= len(rest) {
		return
	}
	inner := append([]string(nil), rest[img+1:]...)
	if strings.HasPrefix(inner[0], "-") {
		// Arguments to the image's entrypoint, not a command.
		return
	}
	ic := Command{Pos: c.Pos, Dialect: c.Dialect, Text: clipText(strings.Join(inner, " "))}
	script, ok := normalise(&ic, inner)
	if !ok {
		return
	}
	if script >= 0 {
		w.out = append(w.out, shellCommands(Text{Pos: c.Pos, Value: inner[script]}, "", w.depth+1, w.vars)...)
		return
	}
	w.out = append(w.out, ic)
}

// programVarRE matches a word that is only a variable: `$X`, `${X}` or
// GitHub's `${{ env.X }}`.
var programVarRE = regexp.MustCompile(`^(?:\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\})$`)

// resolveProgram replaces the program word (after the at leading
// assignments) by the words of its literal value when it is only a
// variable the script's environment defines (Script.Vars). The words
// after it keep their places relative to the end, as normalise wants.
func (w *shellWalker) resolveProgram(words []string, at int) []string {
	if len(w.vars) == 0 || at >= len(words) {
		return words
	}
	m := programVarRE.FindStringSubmatch(words[at])
	if m == nil {
		return words
	}
	val, ok := w.vars.Literal(m[1] + m[2] + m[3])
	fs := strings.Fields(val)
	if !ok || len(fs) == 0 || strings.ContainsAny(val, "$`") {
		return words
	}
	out := make([]string, 0, len(words)+len(fs)-1)
	out = append(out, words[:at]...)
	out = append(out, fs...)
	return append(out, words[at+1:]...)
}

// shellHeredoc returns the here-document (or here-string) that a shell
// reading its commands from stdin gets — `bash <<EOF`, `sudo sh -s <<'EOF'`,
// `bash <<< "..."` — and the line where it starts.
func (w *shellWalker) shellHeredoc(st *syntax.Stmt, c *Command) (string, int, bool) {
	if w.depth >= maxShellDepth || !isShell(c.Name) || len(c.Positional()) > 0 {
		return "", 0, false
	}
	for _, r := range st.Redirs {
		switch {
		case (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) && r.Hdoc != nil && len(r.Hdoc.Parts) > 0:
			// The body's end position takes in the delimiter line.
			body := w.slice(r.Hdoc.Pos(), r.Hdoc.End())
			if i := strings.LastIndexByte(body, '\n'); i >= 0 && strings.TrimLeft(body[i+1:], "\t") == w.word(r.Word) {
				body = body[:i+1]
			}
			return body, w.line(r.Hdoc.Pos()), true
		case r.Op == syntax.WordHdoc && r.Word != nil && len(r.Word.Parts) > 0:
			return w.word(r.Word), w.line(r.Word.Pos()), true
		}
	}
	return "", 0, false
}

func isShell(name string) bool {
	switch name {
	case "sh", "bash", "zsh", "dash", "ash", "ksh", "mksh":
		return true
	}
	return false
}

// shellSpecial are the characters whose meaning a backslash removes in sh.
const shellSpecial = " \t\\'\"$`;&|<>()*?#~{}[]!="

// windowsShell reports whether a declared shell is PowerShell or cmd,
// where a backslash is a path separator, not an escape: "pwsh",
// "powershell -command ...", "cmd /c", "bat", "C:\\...\\powershell.exe".
func windowsShell(shell string) bool {
	f := strings.Fields(shell)
	if len(f) == 0 {
		return false
	}
	switch progName(f[0]) {
	case "pwsh", "powershell", "bat", "cmd":
		return true
	}
	return false
}

type rawCmd struct {
	words []string
	line  int
	start int
	end   int
}

// tokenCommands is the fallback reader: it splits one text into commands
// with splitWords and normalises each.
func tokenCommands(t Text, ps bool, depth int) []Command {
	var out []Command
	for _, rc := range splitWords(t.Value, ps) {
		if len(out) >= maxShellCommands {
			break
		}
		c := Command{Pos: Pos{Path: t.Path, Line: t.Line + rc.line}, Dialect: DialectTokens}
		c.Text = clipText(strings.TrimSpace(t.Value[rc.start:rc.end]))
		inner, ok := normalise(&c, rc.words)
		if !ok {
			continue
		}
		if inner >= 0 && depth < maxShellDepth {
			// sh -c '...': the string is itself a script.
			sub := shellCommands(Text{Pos: c.Pos, Value: rc.words[inner]}, "", depth+1, nil)
			for i := range sub {
				sub[i].Line = c.Line
			}
			out = append(out, sub...)
			continue
		}
		out = append(out, c)
	}
	return out
}

var shellKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true,
	"!": true, "{": true, "}": true, "(": true, ")": true, "time": true,
}

var shellEnders = map[string]bool{"fi": true, "done": true, "esac": true, "}": true, ")": true, ";;": true}

// splitWords splits shell text into commands of unquoted words. It is a
// deliberately small reading of shell, used when the parser cannot be: it
// knows quotes, `\` line continuations, comments, `$(...)`, `${{ ... }}`
// expressions, here-documents (skipped), the separators `;` `&&` `||` `|`
// `&` and newlines, and the words of compound commands (`if`, `then`,
// `do`, ...). It does not expand anything. line is
// the 0-based line of the command's first word within s.
func splitWords(s string, ps bool) []rawCmd {
	var cmds []rawCmd
	var cur rawCmd
	var word strings.Builder
	inWord := false
	line := 0
	var heredocs []string
	flushWord := func() {
		if inWord {
			cur.words = append(cur.words, word.String())
			word.Reset()
			inWord = false
		}
	}
	startWord := func(i int) {
		if !inWord {
			if len(cur.words) == 0 {
				cur.line = line
				cur.start = i
			}
			inWord = true
		}
	}
	flushCmd := func(i int) {
		flushWord()
		if len(cur.words) > 0 {
			cur.end = i
			cmds = append(cmds, cur)
			for k, w := range cur.words {
				if d, ok := heredocDelim(w, cur.words, k); ok {
					heredocs = append(heredocs, d)
				}
			}
		}
		cur = rawCmd{}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && !ps && i+1 < len(s):
			if s[i+1] == '\n' {
				line++
				i++
				continue
			}
			startWord(i)
			if !strings.ContainsRune(shellSpecial, rune(s[i+1])) {
				// Before an ordinary character the backslash changes
				// nothing in sh; keeping it keeps Windows paths whole.
				word.WriteByte(c)
			}
			word.WriteByte(s[i+1])
			i++
		case c == '\'':
			startWord(i)
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			word.WriteString(s[i+1 : i+1+j])
			line += strings.Count(s[i+1:i+1+j], "\n")
			i += j + 1
		case c == '"':
			startWord(i)
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`", s[j+1]) >= 0 {
					j++
				} else if s[j] == '\n' {
					line++
				}
				word.WriteByte(s[j])
				j++
			}
			i = j
		case c == '$' && strings.HasPrefix(s[i:], "${{"):
			startWord(i)
			j := strings.Index(s[i:], "}}")
			if j < 0 {
				j = len(s) - i - 2
			}
			word.WriteString(s[i : i+j+2])
			line += strings.Count(s[i:i+j+2], "\n")
			i += j + 1
		case c == '$' && strings.HasPrefix(s[i:], "$[["):
			// GitLab CI/CD inputs: $[[ inputs.x | expand_vars ]].
			startWord(i)
			end := len(s)
			if j := strings.Index(s[i:], "]]"); j >= 0 {
				end = i + j + 2
			}
			word.WriteString(s[i:end])
			line += strings.Count(s[i:end], "\n")
			i = end - 1
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			startWord(i)
			j := closeParen(s, i+1)
			word.WriteString(s[i:j])
			line += strings.Count(s[i:j], "\n")
			i = j - 1
		case c == '`' && !ps:
			startWord(i)
			end := len(s)
			if j := strings.IndexByte(s[i+1:], '`'); j >= 0 {
				end = i + j + 2
			}
			word.WriteString(s[i:end])
			line += strings.Count(s[i:end], "\n")
			i = end - 1
		case c == '`' && ps && i+1 < len(s):
			// PowerShell's escape character; before a newline, a continuation.
			if s[i+1] == '\n' {
				line++
				i++
				continue
			}
			startWord(i)
			word.WriteByte(s[i+1])
			i++
		case (c == '(' && !inWord) || c == ')':
			flushCmd(i)
		case c == '&' && (i > 0 && s[i-1] == '>' || i+1 < len(s) && s[i+1] == '>'):
			startWord(i)
			word.WriteByte(c)
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
			i--
		case c == '\n':
			flushCmd(i)
			line++
			if len(heredocs) > 0 {
				i, line = skipHeredocs(s, i+1, line, heredocs)
				heredocs = nil
				i--
			}
		case c == ';' || c == '&' || c == '|':
			flushCmd(i)
			if i+1 < len(s) && (s[i+1] == c) {
				i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			flushWord()
		default:
			startWord(i)
			word.WriteByte(c)
		}
	}
	flushCmd(len(s))
	return cmds
}

// closeParen returns the index after the `)` matching the `(` at i.
func closeParen(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1
			}
		case '\'':
			if k := strings.IndexByte(s[j+1:], '\''); k >= 0 {
				j += k + 1
			}
		}
	}
	return len(s)
}

// heredocDelim recognises `<<EOF`, `<<-EOF`, `<< 'EOF'` among a command's
// words (quotes are already removed).
func heredocDelim(w string, words []string, k int) (string, bool) {
	if !strings.HasPrefix(w, "<<") || strings.HasPrefix(w, "<<<") {
		return "", false
	}
	d := strings.TrimPrefix(strings.TrimPrefix(w, "<<"), "-")
	if d == "" && k+1 < len(words) {
		d = words[k+1]
	}
	if d == "" {
		return "", false
	}
	return d, true
}

// skipHeredocs skips the bodies of pending here-documents from i, and
// returns the index of the first line after them and the line count.
func skipHeredocs(s string, i, line int, delims []string) (int, int) {
	for _, d := range delims {
		for i < len(s) {
			end := strings.IndexByte(s[i:], '\n')
			var l string
			if end < 0 {
				l, end = s[i:], len(s)-i
			} else {
				l = s[i : i+end]
			}
			i += end + 1
			line++
			if strings.TrimSpace(l) == d {
				break
			}
		}
	}
	if i > len(s) {
		i = len(s)
	}
	return i, line
}

// Normalise turns a command's words into its program and arguments:
// leading VAR=value words are kept apart; `sudo`, `env`, `exec`, `time`,
// `nohup`, `command`, `nice`, `stdbuf`, `timeout`, `xargs` (when it names
// a command) and the shell keywords of compound commands are dropped; the program becomes its lower-case base name
// without `.exe`; runners are looked through (`npx`, `bunx`, `pnpm dlx`,
// `yarn dlx`, `pipx run`, `uvx`, `uv run`, `uv tool run`, `poetry run`,
// `pipenv run`, `bundle exec`, `go tool`, `go run PKG[@v]`,
// `python -m MOD`); `docker run`/`podman run` keep their name and record
// the image. For `sh -c` / `bash -c`, inner is the index in words of the
// script string (else -1); c is then the shell command itself.
func normalise(c *Command, words []string) (inner int, ok bool) {
	n := len(words)
	// at turns an index into rest, a suffix of words in length (every
	// rewrite below keeps the tail aligned), into an index into words.
	at := func(rest []string, i int) int { return n - len(rest) + i }
	for len(words) > 0 && (shellKeywords[words[0]] || shellEnders[words[0]]) {
		words = words[1:]
	}
	if len(words) > 0 && (words[0] == "for" || words[0] == "case" || words[0] == "select" || words[0] == "function") {
		return -1, false
	}
	for len(words) > 0 && isAssign(words[0]) {
		c.Assign = append(c.Assign, words[0])
		words = words[1:]
	}
	for range 8 {
		if len(words) == 0 {
			return -1, false
		}
		name := progName(words[0])
		rest := words[1:]
		switch name {
		case "sudo", "env", "exec", "nohup", "command", "nice", "time", "stdbuf":
			rest = skipFlags(rest, map[string]bool{"-u": true, "-g": true, "-n": true, "-C": true})
			for len(rest) > 0 && isAssign(rest[0]) {
				c.Assign = append(c.Assign, rest[0])
				rest = rest[1:]
			}
			words = rest
			continue
		case "xargs":
			if cmd := skipFlags(rest, xargsValueFlags); len(cmd) > 0 {
				words = cmd
				continue
			}
		case "timeout":
			rest = skipFlags(rest, map[string]bool{"-s": true, "-k": true, "--signal": true, "--kill-after": true})
			if len(rest) > 0 {
				rest = rest[1:]
			}
			words = rest
			continue
		case "npx", "bunx", "uvx", "pnpx":
			words = stripPackageVersion(skipFlags(rest, map[string]bool{"-p": true, "--package": true, "--from": true}))
			continue
		case "pnpm", "yarn", "bun", "pipx", "uv", "poetry", "pipenv", "bundle", "dotnet":
			if len(rest) > 0 && (rest[0] == "dlx" || rest[0] == "exec" && name != "dotnet" || rest[0] == "x" && name == "bun" ||
				rest[0] == "run" && (name == "pipx" || name == "uv" || name == "poetry" || name == "pipenv")) {
				words = stripPackageVersion(skipFlags(rest[1:], map[string]bool{"--with": true, "--from": true, "--spec": true}))
				continue
			}
			if len(rest) > 1 && name == "uv" && rest[0] == "tool" && rest[1] == "run" {
				words = stripPackageVersion(skipFlags(rest[2:], map[string]bool{"--with": true, "--from": true}))
				continue
			}
			if len(rest) > 1 && name == "dotnet" && rest[0] == "tool" && rest[1] == "run" {
				words = rest[2:]
				continue
			}
		case "go":
			if len(rest) > 0 && rest[0] == "tool" && len(rest) > 1 {
				words = rest[1:]
				continue
			}
			if len(rest) > 1 && rest[0] == "run" {
				args := skipFlags(rest[1:], map[string]bool{"-C": true, "-tags": true, "-mod": true, "-ldflags": true, "-gcflags": true})
				if len(args) > 0 && strings.Contains(args[0], "/") && !strings.HasPrefix(args[0], ".") {
					pkg, _, _ := strings.Cut(args[0], "@")
					words = append([]string{path.Base(pkg)}, args[1:]...)
					continue
				}
			}
		case "sh", "bash", "zsh", "dash", "ash", "ksh":
			for i, w := range rest {
				if w == "-c" || (strings.HasPrefix(w, "-") && strings.HasSuffix(w, "c") && !strings.HasPrefix(w, "--")) {
					if i+1 < len(rest) {
						c.Name = name
						c.Args = rest
						return at(rest, i+1), true
					}
				}
				if !strings.HasPrefix(w, "-") {
					break
				}
			}
		}
		if strings.HasPrefix(name, "python") && len(rest) > 1 && rest[0] == "-m" {
			words = append([]string{strings.ReplaceAll(rest[1], "_", "-")}, rest[2:]...)
			continue
		}
		// `ruby -S bundle install` runs the bundle script found on PATH.
		if name == "ruby" && len(rest) > 1 && rest[0] == "-S" {
			words = rest[1:]
			continue
		}
		c.Name = name
		c.Program = words[0]
		c.Args = rest
		if (name == "docker" || name == "podman" || name == "nerdctl") && len(rest) > 0 {
			args := rest
			if len(args) > 1 && args[0] == "container" {
				args = args[1:]
			}
			if args[0] == "run" {
				if img := runImage(args[1:]); img != "" {
					c.Image = img
				}
			}
		}
		return -1, true
	}
	return -1, false
}

// xargsValueFlags are the xargs flags that take a value as the next word.
var xargsValueFlags = map[string]bool{
	"-I": true, "-n": true, "-P": true, "-L": true, "-d": true, "-E": true, "-s": true, "-a": true,
	"--arg-file": true, "--delimiter": true, "--max-args": true, "--max-procs": true, "--max-lines": true,
	"--max-chars": true, "--eof": true, "--process-slot-var": true, "--replace": false,
}

func isAssign(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for k := 0; k < i; k++ {
		ch := w[k]
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || k > 0 && ch >= '0' && ch <= '9') {
			return false
		}
	}
	return true
}

// progName is the lower-case base name of a program path, without .exe.
func progName(w string) string {
	w = strings.ToLower(w)
	if i := strings.LastIndexAny(w, `/\`); i >= 0 {
		w = w[i+1:]
	}
	// A directory given by a variable glued to the name, `${PREFIX}twine`
	// (encode/httpx: PREFIX is venv/bin/ or empty), names the program
	// after it.
	if m := prefixVarRE.FindStringSubmatch(w); m != nil {
		w = m[1]
	}
	w = strings.TrimSuffix(w, ".exe")
	// tonistiigi/xx's cross-compiling wrapper runs go with the target's
	// settings (fluxcd's Dockerfiles: `xx-go build -trimpath …`).
	if w == "xx-go" {
		w = "go"
	}
	return w
}

// prefixVarRE: `${NAME}tool` (braces: in `$NAMEtool` the shell reads
// one variable).
var prefixVarRE = regexp.MustCompile(`^\$\{[a-z_][a-z0-9_]*\}([a-z][a-z0-9._+-]*)$`)

// skipFlags drops leading flags; those in withValue take the next word.
func skipFlags(words []string, withValue map[string]bool) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		if words[0] == "--" {
			return words[1:]
		}
		if withValue[words[0]] && len(words) > 1 {
			words = words[2:]
			continue
		}
		// A cluster of short flags whose last takes a value (`xargs -tI %`)
		// takes the next word too.
		if w := words[0]; len(w) > 2 && w[1] != '-' && !strings.Contains(w, "=") && withValue["-"+w[len(w)-1:]] && len(words) > 1 {
			words = words[2:]
			continue
		}
		words = words[1:]
	}
	return words
}

// stripPackageVersion turns "@scope/pkg@1.2" or "pkg==1.2" into the
// program name "pkg".
func stripPackageVersion(words []string) []string {
	if len(words) == 0 {
		return words
	}
	w := words[0]
	if at := strings.LastIndexByte(w, '@'); at > 0 {
		w = w[:at]
	}
	if i := strings.IndexAny(w, "=<>~["); i > 0 {
		w = w[:i]
	}
	if strings.HasPrefix(w, "@") {
		if i := strings.IndexByte(w, '/'); i > 0 {
			w = w[i+1:]
		}
	}
	return append([]string{w}, words[1:]...)
}

// dockerRunValueFlags are the `docker run` flags that take a value.
var dockerRunValueFlags = map[string]bool{
	"-e": true, "--env": true, "-v": true, "--volume": true, "-w": true, "--workdir": true, "--name": true,
	"-u": true, "--user": true, "--entrypoint": true, "--network": true, "--net": true, "--platform": true,
	"-p": true, "--publish": true, "--mount": true, "--env-file": true, "-l": true, "--label": true,
	"--add-host": true, "--cap-add": true, "--cap-drop": true, "--device": true, "--dns": true,
	"--group-add": true, "-h": true, "--hostname": true, "--ipc": true, "-m": true, "--memory": true,
	"--pid": true, "--pull": true, "--restart": true, "--runtime": true, "--security-opt": true,
	"--shm-size": true, "--tmpfs": true, "--ulimit": true, "--cpus": true, "--gpus": true,
	"--log-driver": true, "--log-opt": true, "--expose": true, "--cidfile": true, "--link": true,
	"--stop-signal": true, "--stop-timeout": true, "--sysctl": true, "--userns": true, "--uts": true,
	"--volumes-from": true, "--label-file": true, "--isolation": true, "--cgroupns": true, "-a": true, "--attach": true,
}

// runImage returns the image of `docker run ARGS`: the first word that is
// neither a flag nor a flag's value.
func runImage(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		if strings.HasPrefix(a, "-") {
			if dockerRunValueFlags[a] {
				i++
			}
			continue
		}
		return a
	}
	return ""
}
