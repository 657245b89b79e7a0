package pipeline

import (
	"strings"
)

// Jenkinsfiles are Groovy. They are read at the token level, which is
// enough to find what pipelines run without evaluating Groovy (which is
// never done): the bodies of `sh`, `bat`, `powershell` and `pwsh` steps
// (`sh '…'`, `sh "…"`, `sh '''…'''`, `sh """…"""`, `sh(script: '…')`,
// `sh label: 'x', script: '…'`), images (`agent { docker { image 'x' } }`,
// `agent { docker 'x' }`, `image: 'x'`, `docker.image('x')`,
// `withDockerContainer('x')`), `@Library(...)` and `library(...)`
// references, and the stage each step sits in. Comments are skipped and
// strings are never mistaken for code. A Jenkinsfile is one job; its steps
// are named by their stage. File.Flavor says whether it is a declarative
// pipeline (a top-level `pipeline {`) or a scripted one (a `node` block).

type gtokKind int

const (
	gIdent gtokKind = iota
	gString
	gPunct
)

type gtok struct {
	kind gtokKind
	val  string
	line int
	// nl is set when a newline precedes the token.
	nl bool
}

var jenkinsShells = map[string]bool{"sh": true, "bat": true, "powershell": true, "pwsh": true}

func parseJenkinsfile(f *File, text string) {
	toks, problem := groovyTokens(text)
	if problem != "" {
		f.setProblem("%s", problem)
	}
	j := &Job{File: f, Pos: Pos{Path: f.Path, Line: 1}, ID: "jenkinsfile", Name: "Jenkinsfile"}
	stage := ""
	at := func(i int) gtok {
		if i < 0 || i >= len(toks) {
			return gtok{kind: gPunct}
		}
		return toks[i]
	}
	isP := func(i int, s string) bool { t := at(i); return t.kind == gPunct && t.val == s }
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == gPunct {
			switch t.val {
			case "{":
				depth++
			case "}":
				depth = max(depth-1, 0)
			}
			continue
		}
		if t.kind != gIdent {
			continue
		}
		switch {
		case t.val == "pipeline" && depth == 0 && isP(i+1, "{") && !isP(i-1, "."):
			f.Flavor = "declarative"
		case t.val == "node" && f.Flavor == "" && !isP(i-1, ".") && nodeBlock(toks, i+1):
			f.Flavor = "scripted"
		case (t.val == "docker" && !isP(i-1, ".") || t.val == "withDockerContainer") && (at(i+1).kind == gString || isP(i+1, "(") && at(i+2).kind == gString):
			s := at(i + 1)
			if s.kind != gString {
				s = at(i + 2)
			}
			if s.val != "" {
				j.Images = append(j.Images, &Image{Pos: Pos{Path: f.Path, Line: s.line}, Ref: s.val, Role: "image"})
			}
		case t.val == "stage" && isP(i+1, "(") && at(i+2).kind == gString:
			stage = at(i + 2).val
		case jenkinsShells[t.val] && !isP(i-1, ".") && !isP(i+1, ":") && !isP(i+1, "="):
			if s, ok := shellBody(toks, i+1); ok {
				j.Steps = append(j.Steps, &Step{
					Pos:  Pos{Path: f.Path, Line: t.line},
					Name: stage,
					Run:  &Script{Shell: t.val, Parts: []Text{{Pos: Pos{Path: f.Path, Line: s.line}, Value: s.val}}},
				})
			}
		case t.val == "image":
			k := i + 1
			if isP(k, "(") || isP(k, ":") {
				k++
			}
			if s := at(k); s.kind == gString && s.val != "" {
				j.Images = append(j.Images, &Image{Pos: Pos{Path: f.Path, Line: s.line}, Ref: s.val, Role: "image"})
			}
		case (t.val == "Library" && isP(i-1, "@")) || (t.val == "library" && !isP(i-1, ".")):
			k := i + 1
			if isP(k, "(") {
				k++
			}
			if at(k).kind == gIdent && isP(k+1, ":") { // library identifier: '...'
				k += 2
			}
			if isP(k, "[") {
				k++
			}
			for n := 0; n < 32 && at(k).kind == gString; n++ {
				s := at(k)
				name, ver, _ := strings.Cut(s.val, "@")
				f.Libraries = append(f.Libraries, &Ref{Pos: Pos{Path: f.Path, Line: s.line}, Raw: s.val, Kind: LibRef, Name: name, Version: ver})
				if !isP(k+1, ",") {
					break
				}
				k += 2
			}
		}
	}
	f.Jobs = append(f.Jobs, j)
}

// nodeBlock reports whether the tokens from i are a scripted pipeline's
// `node` block: `{`, or arguments in parentheses followed by `{`.
func nodeBlock(toks []gtok, i int) bool {
	if i >= len(toks) || toks[i].kind != gPunct {
		return false
	}
	switch toks[i].val {
	case "{":
		return true
	case "(":
	default:
		return false
	}
	depth := 0
	for k := i; k < len(toks) && k < i+64; k++ {
		if toks[k].kind != gPunct {
			continue
		}
		switch toks[k].val {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return k+1 < len(toks) && toks[k+1].kind == gPunct && toks[k+1].val == "{"
			}
		}
	}
	return false
}

// shellBody finds the script of a shell step whose arguments start at
// toks[i]: a string, or the `script:` named argument, within the call.
func shellBody(toks []gtok, i int) (gtok, bool) {
	if i >= len(toks) {
		return gtok{}, false
	}
	paren := toks[i].kind == gPunct && toks[i].val == "("
	if paren {
		i++
	}
	if i < len(toks) && toks[i].kind == gString {
		return toks[i], true
	}
	for k, depth := i, 0; k < len(toks) && k < i+64; k++ {
		t := toks[k]
		if !paren && k > i && t.nl && depth == 0 {
			break
		}
		if t.kind == gPunct {
			switch t.val {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return gtok{}, false
				}
				depth--
			}
			continue
		}
		if depth == 0 && t.kind == gIdent && t.val == "script" && k+2 < len(toks) &&
			toks[k+1].kind == gPunct && toks[k+1].val == ":" && toks[k+2].kind == gString {
			return toks[k+2], true
		}
	}
	return gtok{}, false
}

// groovyTokens splits Groovy source into identifiers, strings (unescaped)
// and punctuation, skipping comments and whitespace. Slashy strings are
// not recognised (a `/` is punctuation). It returns a problem for an
// unterminated string or comment.
func groovyTokens(src string) ([]gtok, string) {
	var toks []gtok
	line, nl := 1, false
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			nl = true
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return toks, "unterminated comment"
			}
			line += strings.Count(src[i:i+2+end+2], "\n")
			i += 2 + end + 2
		case c == '\'' || c == '"':
			start := line
			val, n, ok := groovyString(src[i:])
			line += strings.Count(src[i:i+n], "\n")
			i += n
			toks = append(toks, gtok{kind: gString, val: val, line: start, nl: nl})
			nl = false
			if !ok {
				return toks, "unterminated string"
			}
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, gtok{kind: gIdent, val: src[i:j], line: line, nl: nl})
			nl = false
			i = j
		default:
			toks = append(toks, gtok{kind: gPunct, val: src[i : i+1], line: line, nl: nl})
			nl = false
			i++
		}
	}
	return toks, ""
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// groovyString reads the string literal at the start of s and returns its
// value, its length in s and whether it was terminated. Escapes are
// resolved except a backslash before a newline, which is kept so that the
// shell sees a line continuation and lines keep their numbers. In
// double-quoted strings `${...}` is kept as written, nested quotes
// included.
func groovyString(s string) (string, int, bool) {
	q := s[:1]
	triple := strings.HasPrefix(s, q+q+q)
	i := 1
	if triple {
		i = 3
	}
	var b strings.Builder
	for i < len(s) {
		c := s[i]
		switch {
		case triple && strings.HasPrefix(s[i:], q+q+q):
			return b.String(), i + 3, true
		case !triple && c == q[0]:
			return b.String(), i + 1, true
		case !triple && c == '\n':
			return b.String(), i, false
		case c == '\\' && i+1 < len(s):
			switch e := s[i+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\n':
				b.WriteString("\\\n")
			default:
				b.WriteByte(e)
			}
			i += 2
		case q == `"` && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := gstringExpr(s, i+2)
			b.WriteString(s[i:end])
			i = end
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), len(s), false
}

// gstringExpr returns the index just after the `}` that closes a `${`
// whose body starts at i, skipping nested braces and quoted strings.
func gstringExpr(s string, i int) int {
	depth := 1
	for i < len(s) {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\'', '"':
			q := s[i]
			i++
			for i < len(s) && s[i] != q && s[i] != '\n' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
		case '\n':
			return i
		}
		i++
	}
	return len(s)
}
