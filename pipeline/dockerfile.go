package pipeline

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Dockerfiles and Containerfiles are read the way BuildKit reads them:
// parser directives (`# syntax=`, `# escape=`), instructions continued over
// lines by the escape character (comment and blank lines inside a
// continuation are dropped), here-documents (`RUN <<EOF`, `COPY <<EOF`),
// flags (`--platform`, `--from`, `--mount`), the JSON (exec) and shell forms,
// build stages (`FROM image [AS name]`) and the ARGs declared before the
// first FROM, which are substituted in FROM (`$VAR`, `${VAR}`,
// `${VAR:-default}`, `${VAR:+alt}`, quotes). The commands of RUN are read
// by the shell reader (Instruction.Run), in the shell that SHELL sets.
// Nothing is built, pulled or run.

// Dockerfile is one parsed Dockerfile or Containerfile.
type Dockerfile struct {
	Path string
	// Problem says why the file was not read or not fully understood:
	// not read by the collector (size cap), not UTF-8, an unterminated
	// here-document. What could be parsed before it is kept.
	Problem string
	// Syntax is the `# syntax=` directive; Escape the escape character
	// (`\` unless `# escape=` says "`").
	Syntax string
	Escape byte
	// Args are the ARGs declared before the first FROM: the only
	// variables FROM can use.
	Args []DockerArg
	// Stages in order; Instructions are all of the file's instructions,
	// the global ARGs included.
	Stages       []*Stage
	Instructions []*Instruction

	images  []DockerImage        // every image reference, in order
	globals map[string]DockerArg // the last global ARG of each name
	byName  map[string]*Stage    // stages by name, as far as parsed
}

// DockerArg is one variable an ARG declares.
type DockerArg struct {
	Pos
	Name string
	// Value is the default with the variables known at that point
	// substituted; HasValue is false for `ARG NAME` without a default
	// (given only by --build-arg), which a stage's ARG inherits from a
	// global ARG of the same name.
	Value    string
	HasValue bool
	// Unresolved lists variables of the default that have no value.
	Unresolved []string
	// onlyVars: the default is nothing but such variables; pattern is
	// the value with them as `*`.
	onlyVars bool
	pattern  string
}

// Stage is a build stage: a FROM and the instructions up to the next one.
type Stage struct {
	Pos
	Index int
	// Name is the `AS` name, lower-cased as BuildKit does ("" when none).
	Name string
	// Base is the image as written ("${BASE}", "golang:1.22");
	// Platform the `--platform` flag's value as written.
	Base     string
	Platform string
	// Image is Base with the global ARGs substituted and quotes removed.
	// Unresolved lists the variables that have no value; they are left
	// as written in Image.
	Image      string
	Unresolved []string
	// OnlyVariables is set when Image is nothing but unresolved
	// variables (`FROM $BASE` with `ARG BASE` and no default).
	OnlyVariables bool
	// From is the earlier stage that Image names (`FROM builder`);
	// Scratch is set for `FROM scratch`.
	From    *Stage `json:"-"`
	Scratch bool
	// Candidates are the earlier stages that Image may name once its
	// unresolved variables have values (`FROM binary-$TARGETOS` after
	// stages binary-linux and binary-darwin); nil when From is set.
	Candidates []*Stage `json:"-"`
	// Args are the ARGs declared in the stage.
	Args         []DockerArg
	Instructions []*Instruction `json:"-"`

	vars map[string]DockerArg // the last ARG of each name
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	Pos
	// EndLine is the last line of the instruction, here-documents
	// included.
	EndLine int
	// Keyword is upper-case: "FROM", "RUN", "COPY", ...
	Keyword string
	// Flags are the leading `--name=value` words as written.
	Flags []string
	// Value is what follows the keyword and flags, continuation lines
	// joined as BuildKit joins them.
	Value string
	// JSON is set for the exec form (`RUN ["a", "b"]`), whose words are
	// then in Args; in the shell form Args are Value's words.
	JSON bool
	Args []string
	// Heredocs are the here-documents of the instruction.
	Heredocs []Heredoc
	// Run holds the shell code of a RUN: the command, with any
	// here-document it reads, or the here-document itself for
	// `RUN <<EOF`. Nil for other instructions and for here-documents run
	// by a non-shell interpreter (`#!/usr/bin/env python3`).
	Run *Script
	// Stage is the stage that holds the instruction; nil before the
	// first FROM.
	Stage *Stage `json:"-"`
}

// Flag returns the value of a flag (`--from=x` → "x").
func (in *Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		n, v, ok := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if n == name {
			if !ok {
				return "", true
			}
			return v, true
		}
	}
	return "", false
}

// Heredoc is one here-document: its delimiter and body (without the
// delimiter line), and the line where the body starts.
type Heredoc struct {
	Pos
	Name string
	Body string
	// Strip marks `<<-`: leading tabs are removed from the body.
	Strip bool
}

// DockerImage is one image a Dockerfile refers to: a stage's base
// (Role "from"), the source of `COPY --from`/`ADD --from` ("copy-from")
// or of `RUN --mount=...,from=` ("mount-from").
type DockerImage struct {
	Pos
	Role string
	// Raw is the reference as written; Ref after the substitution of the
	// global ARGs (the stage's for "copy-from" and "mount-from").
	Raw        string
	Ref        string
	Unresolved []string
	// OnlyVariables: Ref is nothing but unresolved variables.
	OnlyVariables bool
	// Stage is the earlier stage the reference names; Candidates the
	// stages it may name once its unresolved variables have values;
	// Scratch marks `scratch`.
	Stage      *Stage   `json:"-"`
	Candidates []*Stage `json:"-"`
	Scratch    bool
}

// Images returns every image reference of the file, in order.
func (d *Dockerfile) Images() []DockerImage { return slices.Clone(d.images) }

// refs records the image references of an instruction other than FROM:
// `COPY --from`, `ADD --from`, `RUN --mount=...,from=`.
func (d *Dockerfile) refs(in *Instruction) {
	switch in.Keyword {
	case "COPY", "ADD":
		if v, ok := in.Flag("from"); ok && v != "" {
			d.images = append(d.images, d.ref(in, "copy-from", v))
		}
	case "RUN":
		for _, f := range in.Flags {
			m, ok := strings.CutPrefix(f, "--mount=")
			if !ok {
				continue
			}
			for _, kv := range strings.Split(m, ",") {
				if v, ok := strings.CutPrefix(kv, "from="); ok && v != "" {
					d.images = append(d.images, d.ref(in, "mount-from", v))
				}
			}
		}
	}
}

// ref resolves the source of a --from: a stage by name or index, scratch,
// or an image.
func (d *Dockerfile) ref(in *Instruction, role, raw string) DockerImage {
	look := d.lookup(in.Stage)
	res := expandDocker(raw, d.Escape, look)
	im := DockerImage{Pos: in.Pos, Role: role, Raw: raw, Ref: res.text, Unresolved: res.unresolved, OnlyVariables: res.onlyVars}
	if st := d.stageNamed(res.text); st != nil && st != in.Stage {
		im.Stage = st
	} else if n, err := strconv.Atoi(res.text); err == nil && n >= 0 && n < len(d.Stages) && d.Stages[n] != in.Stage {
		im.Stage = d.Stages[n]
	} else if strings.EqualFold(res.text, "scratch") {
		im.Scratch = true
	} else {
		im.Candidates = d.stagesMatching(res.pattern, in.Stage)
	}
	return im
}

// stagesMatching returns the stages parsed so far, but before, whose
// names match a path.Match pattern (the reference with its unresolved
// variables as `*`); nil when the pattern has no wildcard.
func (d *Dockerfile) stagesMatching(pattern string, before *Stage) []*Stage {
	if !strings.Contains(pattern, "*") {
		return nil
	}
	pattern = strings.ToLower(pattern)
	var out []*Stage
	for _, s := range d.Stages {
		if s == before {
			break
		}
		if ok, _ := path.Match(pattern, s.Name); ok && s.Name != "" {
			out = append(out, s)
		}
	}
	return out
}

// stageNamed returns the stage parsed so far that is named name.
func (d *Dockerfile) stageNamed(name string) *Stage {
	if name == "" {
		return nil
	}
	return d.byName[strings.ToLower(name)]
}

// lookup returns the variables visible in a stage: its ARGs (a bare ARG
// takes the global default), or the global ARGs when st is nil. ok is
// false for a variable that is not declared or has no default.
func (d *Dockerfile) lookup(st *Stage) func(string) (DockerArg, bool) {
	global := func(name string) (DockerArg, bool) {
		a, ok := d.globals[name]
		return a, ok && a.HasValue
	}
	if st == nil {
		return global
	}
	return func(name string) (DockerArg, bool) {
		a, ok := st.vars[name]
		if !ok {
			return DockerArg{}, false
		}
		if !a.HasValue {
			return global(name)
		}
		return a, true
	}
}

// IsDockerfile reports whether a path names a Dockerfile or Containerfile:
// `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.dockerfile` and the
// Containerfile equivalents, anywhere, case-insensitively; not
// `*.dockerignore` (BuildKit's per-Dockerfile ignore files) nor `*.md`.
func IsDockerfile(p string) bool {
	base := strings.ToLower(path.Base(p))
	if strings.HasSuffix(base, ".dockerignore") || notDockerfileExt[path.Ext(base)] {
		return false
	}
	for _, n := range []string{"dockerfile", "containerfile"} {
		// Dockerfile, Dockerfile.alpine, app.dockerfile, and the
		// Dockerfile-alpine / Dockerfile_test_x spellings (kaniko keeps a
		// hundred Dockerfile_test_* files).
		if base == n || strings.HasPrefix(base, n+".") || strings.HasSuffix(base, "."+n) ||
			strings.HasPrefix(base, n+"-") || strings.HasPrefix(base, n+"_") {
			return true
		}
	}
	return false
}

// notDockerfileExt are extensions that make `dockerfile.*` a program or a
// document about Dockerfiles, not a Dockerfile: names match
// case-insensitively, so `dockerfile.go` would otherwise count.
var notDockerfileExt = map[string]bool{
	".md": true, ".go": true, ".py": true, ".js": true, ".ts": true, ".rs": true, ".java": true,
	".rb": true, ".c": true, ".h": true, ".json": true, ".yaml": true, ".yml": true, ".toml": true,
	".txt": true, ".rst": true, ".html": true, ".sum": true, ".mod": true, ".lock": true,
	// Templates that generate Dockerfiles (docker-library's
	// Dockerfile-linux.template, jq-templated) are not Dockerfiles.
	".template": true, ".tmpl": true, ".tpl": true, ".j2": true, ".jinja": true, ".jinja2": true,
	".erb": true, ".mustache": true, ".hbs": true, ".sh": true,
}

// Dockerfile returns the Dockerfile at p, or nil.
func (s *Set) Dockerfile(p string) *Dockerfile {
	for _, d := range s.Dockerfiles {
		if d.Path == p {
			return d
		}
	}
	return nil
}

// parseDockerfileAt reads the Dockerfile at p from the tree; failures and
// panics become its Problem.
func parseDockerfileAt(tree snapshot.Tree, p string) (d *Dockerfile) {
	d = &Dockerfile{Path: p, Escape: '\\'}
	text, problem := readable(tree, p)
	if problem != "" {
		d.Problem = problem
		return d
	}
	defer func() {
		if v := recover(); v != nil {
			d.Problem = fmt.Sprintf("internal error while parsing: %v", v)
		}
	}()
	parseDockerfile(d, text)
	return d
}

// ParseDockerfile parses the text of a Dockerfile at path p.
func ParseDockerfile(p, text string) *Dockerfile {
	return parseDockerfileAt(snapshot.Tree{Contents: map[string]snapshot.Content{p: {Text: text}}}, p)
}

var directiveRE = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)

// maxDockerInstructions bounds the instructions read from one file.
const maxDockerInstructions = 50_000

// maxDockerStages bounds the stages read from one file.
const maxDockerStages = 1000

func parseDockerfile(d *Dockerfile, text string) {
	d.globals, d.byName = map[string]DockerArg{}, map[string]*Stage{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := 0
	// Parser directives: only at the very top.
	for ; i < len(lines); i++ {
		m := directiveRE.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			break
		}
		switch strings.ToLower(m[1]) {
		case "escape":
			if m[2] == "`" {
				d.Escape = '`'
			}
		case "syntax":
			d.Syntax = m[2]
		}
	}
	var stage *Stage
	shell := "" // set by SHELL, per stage
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || t[0] == '#' {
			i++
			continue
		}
		if len(d.Instructions) >= maxDockerInstructions {
			d.Problem = fmt.Sprintf("not fully parsed: over %d instructions", maxDockerInstructions)
			return
		}
		// The physical lines of the instruction; comment and blank lines
		// within a continuation are dropped.
		var phys []int
		for {
			phys = append(phys, i)
			cont := continues(lines[i], d.Escape)
			i++
			if !cont {
				break
			}
			for i < len(lines) && (strings.TrimSpace(lines[i]) == "" || strings.HasPrefix(strings.TrimSpace(lines[i]), "#")) {
				i++
			}
			if i >= len(lines) {
				break
			}
		}
		in, cmdAt := d.instruction(lines, phys)
		in.Stage = stage
		// Here-documents follow the instruction's last line.
		if in.Keyword == "RUN" || in.Keyword == "COPY" || in.Keyword == "ADD" {
			for _, h := range heredocMarkers(in.Value) {
				body := []string{}
				start := i
				found := false
				for i < len(lines) {
					l := lines[i]
					i++
					cmp := l
					if h.Strip {
						cmp = strings.TrimLeft(l, "\t")
					}
					if cmp == h.Name {
						found = true
						break
					}
					if h.Strip {
						l = strings.TrimLeft(l, "\t")
					}
					body = append(body, l)
				}
				if !found && d.Problem == "" {
					d.Problem = fmt.Sprintf("line %d: here-document %q is not terminated", in.Line, h.Name)
				}
				h.Pos = Pos{Path: d.Path, Line: start + 1}
				h.Body = strings.Join(body, "\n")
				if len(body) > 0 {
					h.Body += "\n"
				}
				in.Heredocs = append(in.Heredocs, h)
			}
		}
		in.EndLine = i
		if in.EndLine < in.Line {
			in.EndLine = in.Line
		}
		switch in.Keyword {
		case "FROM":
			if len(d.Stages) >= maxDockerStages {
				d.Problem = fmt.Sprintf("not fully parsed: over %d build stages", maxDockerStages)
				return
			}
			stage = d.from(in)
			in.Stage = stage
			shell = ""
		case "ARG":
			d.arg(in, stage)
		case "SHELL":
			if in.JSON && len(in.Args) > 0 {
				shell = strings.Join(in.Args, " ")
			}
		case "RUN":
			in.Run = d.runScript(in, lines, phys, cmdAt, shell)
		}
		d.refs(in)
		if stage != nil {
			stage.Instructions = append(stage.Instructions, in)
		}
		d.Instructions = append(d.Instructions, in)
	}
}

// continues reports whether a line ends with the escape character
// (trailing blanks allowed), which continues the instruction.
func continues(l string, esc byte) bool {
	t := strings.TrimRight(l, " \t")
	return len(t) > 0 && t[len(t)-1] == esc && !strings.HasPrefix(strings.TrimSpace(l), "#")
}

// lineCol is a place in the file: 0-based line index and byte column.
type lineCol struct{ line, col int }

// instruction builds an instruction from its physical lines, and returns
// where its command (after the keyword and flags) starts.
func (d *Dockerfile) instruction(lines []string, phys []int) (*Instruction, lineCol) {
	// The joined text, and for every byte the place it came from.
	var b strings.Builder
	var at []lineCol
	for k, li := range phys {
		l := lines[li]
		if k < len(phys)-1 {
			t := strings.TrimRight(l, " \t")
			l = t[:len(t)-1]
		}
		for c := 0; c < len(l); c++ {
			at = append(at, lineCol{li, c})
		}
		b.WriteString(l)
	}
	j := b.String()
	in := &Instruction{Pos: Pos{Path: d.Path, Line: phys[0] + 1}}
	k := skipBlanks(j, 0)
	e := wordEnd(j, k)
	in.Keyword = strings.ToUpper(j[k:e])
	k = skipBlanks(j, e)
	for strings.HasPrefix(j[k:], "--") {
		e := wordEnd(j, k)
		in.Flags = append(in.Flags, j[k:e])
		k = skipBlanks(j, e)
	}
	in.Value = strings.TrimSpace(j[k:])
	cmdAt := lineCol{phys[len(phys)-1], len(lines[phys[len(phys)-1]])}
	if k < len(at) {
		cmdAt = at[k]
	}
	if strings.HasPrefix(in.Value, "[") {
		var words []string
		if err := json.Unmarshal([]byte(in.Value), &words); err == nil {
			in.JSON = true
			in.Args = words
			return in, cmdAt
		}
	}
	in.Args = dockerWords(in.Value)
	return in, cmdAt
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func wordEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		i++
	}
	return i
}

// dockerWords splits on blanks outside quotes, keeping the quotes.
func dockerWords(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			cur.WriteByte(c)
			in = true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

var heredocRE = regexp.MustCompile(`^[0-9]*<<(-?)(["']?)([A-Za-z0-9_.\-]+)(["']?)$`)

// heredocMarkers finds the here-documents an instruction opens: words
// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`, `2<<EOF`.
func heredocMarkers(v string) []Heredoc {
	if !strings.Contains(v, "<<") {
		return nil
	}
	var out []Heredoc
	for _, w := range strings.Fields(v) {
		if strings.HasPrefix(w, "<<<") {
			continue
		}
		// `cat <<EOF>file`: the word ends at a redirection.
		if i := strings.IndexAny(w, ">|;&"); i > 0 && strings.Contains(w[:i], "<<") {
			w = w[:i]
		}
		m := heredocRE.FindStringSubmatch(w)
		if m == nil || m[2] != m[4] {
			continue
		}
		out = append(out, Heredoc{Name: m[3], Strip: m[1] == "-"})
	}
	return out
}

// from starts a stage.
func (d *Dockerfile) from(in *Instruction) *Stage {
	s := &Stage{Pos: in.Pos, Index: len(d.Stages), vars: map[string]DockerArg{}}
	s.Platform, _ = in.Flag("platform")
	args := in.Args
	if len(args) >= 3 && strings.EqualFold(args[len(args)-2], "as") {
		s.Name = strings.ToLower(args[len(args)-1])
		args = args[:len(args)-2]
	}
	if len(args) > 0 {
		s.Base = args[0]
		res := expandDocker(s.Base, d.Escape, d.lookup(nil))
		s.Image, s.Unresolved, s.OnlyVariables = res.text, res.unresolved, res.onlyVars
		switch {
		case strings.EqualFold(s.Image, "scratch"):
			s.Scratch = true
		default:
			s.From = d.stageNamed(s.Image)
			if s.From == nil {
				s.Candidates = d.stagesMatching(res.pattern, nil)
			}
		}
		d.images = append(d.images, DockerImage{Pos: s.Pos, Role: "from", Raw: s.Base, Ref: s.Image, Unresolved: s.Unresolved,
			OnlyVariables: s.OnlyVariables, Stage: s.From, Candidates: s.Candidates, Scratch: s.Scratch})
	}
	d.Stages = append(d.Stages, s)
	if s.Name != "" {
		d.byName[s.Name] = s
	}
	return s
}

// arg records the variables of an ARG, in the global scope before the
// first FROM, else in the stage.
func (d *Dockerfile) arg(in *Instruction, st *Stage) {
	for _, w := range in.Args {
		name, val, has := strings.Cut(w, "=")
		if !validArgName(name) {
			continue
		}
		a := DockerArg{Pos: in.Pos, Name: name, HasValue: has}
		if has {
			look := d.lookup(st)
			res := expandDocker(val, d.Escape, look)
			a.Value, a.Unresolved, a.onlyVars, a.pattern = res.text, res.unresolved, res.onlyVars, res.pattern
		}
		if st == nil {
			d.Args = append(d.Args, a)
			d.globals[name] = a
		} else {
			st.Args = append(st.Args, a)
			st.vars[name] = a
		}
	}
}

func validArgName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// runScript builds the shell code of a RUN, keeping file lines: the
// command from where it starts (comment lines inside the continuation
// kept as empty continuations) followed by its here-documents; or, for
// `RUN <<EOF` alone, the here-document's body.
func (d *Dockerfile) runScript(in *Instruction, lines []string, phys []int, cmdAt lineCol, shell string) *Script {
	win := windowsShell(shell) || shell == "" && d.Escape == '`'
	if shell == "" && win {
		shell = "cmd"
	}
	sc := &Script{Shell: shell}
	if in.JSON {
		q := make([]string, len(in.Args))
		for i, a := range in.Args {
			q[i] = shellQuote(a)
		}
		sc.Shell = ""
		sc.Parts = []Text{{Pos: in.Pos, Value: strings.Join(q, " ")}}
		return sc
	}
	// `RUN <<EOF` (and `RUN <<EOF1 <<EOF2`): each body is a script.
	if onlyHeredocs(in.Value) && len(in.Heredocs) > 0 {
		for _, h := range in.Heredocs {
			if interp := shebang(h.Body); interp != "" && !isShell(interp) {
				continue
			}
			sc.Parts = append(sc.Parts, Text{Pos: h.Pos, Value: h.Body})
		}
		if len(sc.Parts) == 0 {
			return nil
		}
		return sc
	}
	cont := "\\"
	if win {
		cont = string(d.Escape)
	}
	var b strings.Builder
	last := phys[len(phys)-1]
	isPhys := map[int]bool{}
	for _, p := range phys {
		isPhys[p] = true
	}
	for li := cmdAt.line; li <= last; li++ {
		l := lines[li]
		switch {
		case li == cmdAt.line:
			l = l[min(cmdAt.col, len(l)):]
		case !isPhys[li]:
			l = cont
		}
		if !win && d.Escape == '`' && li < last {
			// A backquote continuation in a POSIX shell script.
			t := strings.TrimRight(l, " \t")
			if strings.HasSuffix(t, "`") {
				l = t[:len(t)-1] + "\\"
			}
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if len(in.Heredocs) > 0 {
		end := min(in.EndLine, len(lines))
		for li := last + 1; li < end; li++ {
			b.WriteString(lines[li])
			b.WriteByte('\n')
		}
	}
	sc.Parts = []Text{{Pos: Pos{Path: d.Path, Line: cmdAt.line + 1}, Value: b.String()}}
	return sc
}

// onlyHeredocs reports whether a RUN's command is nothing but
// here-document markers.
func onlyHeredocs(v string) bool {
	f := strings.Fields(v)
	if len(f) == 0 {
		return false
	}
	for _, w := range f {
		if !heredocRE.MatchString(w) {
			return false
		}
	}
	return true
}

// shebang returns the interpreter a script's `#!` line names ("" when
// none): "#!/usr/bin/env python3" → "python3".
func shebang(body string) string {
	first, _, _ := strings.Cut(body, "\n")
	rest, ok := strings.CutPrefix(strings.TrimSpace(first), "#!")
	if !ok {
		return ""
	}
	f := strings.Fields(rest)
	if len(f) == 0 {
		return ""
	}
	name := path.Base(f[0])
	if name == "env" {
		for _, w := range f[1:] {
			if !strings.HasPrefix(w, "-") {
				return path.Base(w)
			}
		}
		return ""
	}
	return name
}

// shellQuote quotes a word for sh.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r == '/' || r == '=' || r == ':' || r == '@' || r == ',' || r == '+' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// expansion is the result of substituting variables in a word.
type expansion struct {
	text string
	// pattern is text as a path.Match pattern with every unresolved
	// variable as `*`.
	pattern    string
	unresolved []string
	// onlyVars: the word held no text of its own, only variables that
	// have no value.
	onlyVars bool
}

// expandDocker substitutes variables in a Dockerfile word as BuildKit
// does for FROM and ARG: `$NAME`, `${NAME}`, `${NAME:-word}`,
// `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`; quotes are removed
// (nothing is substituted in single quotes), and the escape character
// escapes the next character. A variable without a value is left as
// written and listed.
func expandDocker(s string, esc byte, look func(string) (DockerArg, bool)) expansion {
	var x expander
	x.esc, x.look = esc, look
	x.run(s, 0)
	if x.over {
		// Variables within variables can double at every level.
		x.unresolved = append(x.unresolved, fmt.Sprintf("(over %d bytes)", maxExpand))
	}
	var unresolved []string
	for _, n := range x.unresolved {
		if !slices.Contains(unresolved, n) {
			unresolved = append(unresolved, n)
		}
	}
	res := expansion{text: x.b.String(), pattern: x.pat.String(), unresolved: unresolved}
	res.onlyVars = len(x.unresolved) > 0 && !x.literal
	return res
}

// maxExpand bounds the text a substitution produces.
const maxExpand = 8 << 10

type expander struct {
	over       bool // the text reached maxExpand and was cut
	b, pat     strings.Builder
	esc        byte
	look       func(string) (DockerArg, bool)
	unresolved []string
	literal    bool // text other than unresolved variables was written
}

// room reports whether n more bytes fit, and records when they do not.
func (x *expander) room(n int) bool {
	if x.b.Len()+n > maxExpand {
		x.over = true
		return false
	}
	return true
}

func (x *expander) lit(s string) {
	if s != "" && x.room(len(s)) {
		x.literal = true
		x.b.WriteString(s)
		x.patLit(s)
	}
}

// patLit writes literal text to the pattern, its wildcards escaped.
func (x *expander) patLit(s string) {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]\`, s[i]) >= 0 {
			x.pat.WriteByte('\\')
		}
		x.pat.WriteByte(s[i])
	}
}

// unresolvedRef writes a variable that has no value, as written.
func (x *expander) unresolvedRef(name, raw string) {
	if len(x.unresolved) < 100 {
		x.unresolved = append(x.unresolved, name)
	}
	if !x.room(len(raw)) {
		return
	}
	x.b.WriteString(raw)
	x.pat.WriteString("*")
}

func (x *expander) run(s string, depth int) {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == x.esc && i+1 < len(s) && quote != '\'':
			x.lit(s[i+1 : i+2])
			i++
		case c == '\'' && quote == 0:
			quote = '\''
		case c == '\'' && quote == '\'':
			quote = 0
		case c == '"' && quote == 0:
			quote = '"'
		case c == '"' && quote == '"':
			quote = 0
		case c == '$' && quote != '\'' && i+1 < len(s):
			i = x.variable(s, i, depth) - 1
		default:
			x.lit(s[i : i+1])
		}
	}
}

// variable substitutes the variable at s[i] (a `$`) and returns the
// index after it.
func (x *expander) variable(s string, i, depth int) int {
	if s[i+1] != '{' {
		j := i + 1
		for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || j > i+1 && s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if j == i+1 {
			x.lit("$")
			return i + 1
		}
		x.value(s[i+1:j], s[i:j])
		return j
	}
	// ${...}: find the matching brace.
	depthB, j := 0, i+1
	for ; j < len(s); j++ {
		if s[j] == '{' {
			depthB++
		} else if s[j] == '}' {
			depthB--
			if depthB == 0 {
				break
			}
		}
	}
	if j >= len(s) {
		x.lit(s[i:])
		return len(s)
	}
	body := s[i+2 : j]
	k := 0
	for k < len(body) && (body[k] == '_' || body[k] >= 'a' && body[k] <= 'z' || body[k] >= 'A' && body[k] <= 'Z' || k > 0 && body[k] >= '0' && body[k] <= '9') {
		k++
	}
	name, op := body[:k], body[k:]
	a, ok := x.look(name)
	val := a.Value
	switch {
	case op == "":
		x.value(name, s[i:j+1])
	case depth < 8 && (strings.HasPrefix(op, ":-") || strings.HasPrefix(op, "-")):
		word := strings.TrimPrefix(strings.TrimPrefix(op, ":"), "-")
		if ok && (val != "" || !strings.HasPrefix(op, ":")) {
			x.arg(a)
		} else {
			x.run(word, depth+1)
		}
	case depth < 8 && (strings.HasPrefix(op, ":+") || strings.HasPrefix(op, "+")):
		word := strings.TrimPrefix(strings.TrimPrefix(op, ":"), "+")
		switch {
		case !ok:
			x.unresolvedRef(name, s[i:j+1])
		case val != "" || !strings.HasPrefix(op, ":"):
			x.run(word, depth+1)
		}
	default:
		// Pattern operators (#, %, /) and the rest: not evaluated.
		x.unresolvedRef(name, s[i:j+1])
	}
	return j + 1
}

func (x *expander) value(name, raw string) {
	if a, ok := x.look(name); ok {
		x.arg(a)
		return
	}
	x.unresolvedRef(name, raw)
}

// arg writes the value of a declared variable, carrying over what it
// could not resolve itself.
func (x *expander) arg(a DockerArg) {
	if !x.room(len(a.Value)) {
		return
	}
	x.b.WriteString(a.Value)
	if len(a.Unresolved) > 0 {
		x.pat.WriteString(a.pattern)
	} else {
		x.patLit(a.Value)
	}
	if len(x.unresolved) < 100 {
		x.unresolved = append(x.unresolved, a.Unresolved...)
	}
	if a.Value != "" && !a.onlyVars {
		x.literal = true
	}
}
