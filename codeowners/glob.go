package codeowners

import (
	"strings"
	"unicode/utf8"
)

// glob is a compiled pattern: segments matched against the segments of a
// slash-separated path.
type glob struct {
	segs []segment
	// globstars is set when a segment is `**`; without one a pattern
	// matches exactly len(segs) segments.
	globstars bool
	// key indexes the pattern (see index): the literal leading segments of
	// an anchored pattern, or the first literal segment, or the extension
	// of a `*.ext` segment, of a floating one (which starts with `**`).
	key     string
	keyKind keyKind
}

type keyKind uint8

const (
	keyNone    keyKind = iota // tried for every path
	keyPrefix                 // anchored: the path starts with key
	keySegment                // floating: some segment of the path is key
	keyExt                    // floating: some segment of the path has extension key
)

// segment is one compiled path segment of a pattern.
type segment struct {
	kind segKind
	// lit is the literal text (segLiteral), the literal after the star
	// (segSuffix) or the raw glob (segGlob).
	lit string
	// brackets: `[...]` is a character class (GitLab); else literal.
	brackets bool
}

type segKind uint8

const (
	segLiteral  segKind = iota // matches lit exactly
	segStar                    // `*`: any one segment
	segGlobstar                // `**`: any number of segments, none included
	segSuffix                  // `*lit`: any segment ending in lit
	segGlob                    // anything else: matched by matchGlob
)

// compileSegment compiles one segment. brackets enables character classes.
func compileSegment(s string, brackets bool) segment {
	if s == "**" {
		return segment{kind: segGlobstar}
	}
	wild := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			i++
			continue
		}
		if c == '*' || c == '?' || (brackets && c == '[') {
			wild = true
			break
		}
	}
	if !wild {
		return segment{kind: segLiteral, lit: unescape(s)}
	}
	// `*`, `**x`, `***`: consecutive stars are one star within a segment.
	t := strings.TrimLeft(s, "*")
	if t == "" {
		return segment{kind: segStar}
	}
	if len(t) < len(s) && !strings.ContainsAny(t, `*?\`) && !(brackets && strings.Contains(t, "[")) {
		return segment{kind: segSuffix, lit: t}
	}
	return segment{kind: segGlob, lit: s, brackets: brackets}
}

func (g segment) match(name string) bool {
	switch g.kind {
	case segLiteral:
		return name == g.lit
	case segStar:
		return true
	case segSuffix:
		return strings.HasSuffix(name, g.lit)
	case segGlob:
		return matchGlob(g.lit, name, g.brackets)
	}
	return false // a globstar is handled by matchSegs
}

// literal reports whether the segment matches one fixed name.
func (g segment) literal() bool { return g.kind == segLiteral }

// unescape removes the backslashes that escape characters.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// matchGlob matches one path segment against a glob: `*` any run, `?` one
// character, `\x` the character x, and with brackets `[...]` a class
// (`[!...]` or `[^...]` negated, `a-z` ranges). An unterminated `[` is a
// literal. It runs in O(len(pat)·len(name)).
func matchGlob(pat, name string, brackets bool) bool {
	px, nx := 0, 0
	starPx, starNx := -1, 0
	for px < len(pat) || nx < len(name) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				for px < len(pat) && pat[px] == '*' {
					px++
				}
				starPx, starNx = px, nx
				continue
			case '?':
				if nx < len(name) {
					_, w := utf8.DecodeRuneInString(name[nx:])
					px++
					nx += w
					continue
				}
			case '[':
				if brackets && nx < len(name) {
					r, w := utf8.DecodeRuneInString(name[nx:])
					if ok, n, valid := matchClass(pat[px:], r); valid {
						if ok {
							px += n
							nx += w
							continue
						}
						break
					}
				}
				if brackets && nx >= len(name) {
					break
				}
				// An unterminated class is a literal `[`.
				if nx < len(name) && name[nx] == '[' {
					px++
					nx++
					continue
				}
			case '\\':
				if px+1 < len(pat) {
					if nx < len(name) && name[nx] == pat[px+1] {
						px += 2
						nx++
						continue
					}
					break
				}
				fallthrough
			default:
				if nx < len(name) && name[nx] == c {
					px++
					nx++
					continue
				}
			}
		}
		if starPx >= 0 && starNx < len(name) {
			_, w := utf8.DecodeRuneInString(name[starNx:])
			starNx += w
			px, nx = starPx, starNx
			continue
		}
		return false
	}
	return true
}

// matchClass matches r against the class at the start of pat ("[...]").
// It returns whether r is in the class, the class's length, and whether
// the class is terminated at all.
func matchClass(pat string, r rune) (match bool, n int, valid bool) {
	i := 1
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(pat) {
		if pat[i] == ']' && !first {
			return match != negate, i + 1, true
		}
		first = false
		lo, w := classChar(pat[i:])
		if w == 0 {
			return false, 0, false
		}
		i += w
		hi := lo
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			var w2 int
			hi, w2 = classChar(pat[i+1:])
			if w2 == 0 {
				return false, 0, false
			}
			i += 1 + w2
		}
		if lo <= r && r <= hi {
			match = true
		}
	}
	return false, 0, false
}

// classChar reads one (possibly escaped) character of a class.
func classChar(s string) (rune, int) {
	if s == "" {
		return 0, 0
	}
	if s[0] == '\\' {
		if len(s) < 2 {
			return 0, 0
		}
		r, w := utf8.DecodeRuneInString(s[1:])
		return r, w + 1
	}
	r, w := utf8.DecodeRuneInString(s)
	return r, w
}

// matchSegs reports whether pattern segments match all of name. A globstar
// matches any number of segments, none included. Backtracking only to the
// last globstar keeps it O(len(pat)·len(name)).
func matchSegs(pat []segment, name []string) bool {
	pi, ni := 0, 0
	starPi, starNi := -1, 0
	for pi < len(pat) || ni < len(name) {
		if pi < len(pat) {
			if pat[pi].kind == segGlobstar {
				if pi == len(pat)-1 {
					return true // a trailing globstar takes the rest
				}
				starPi, starNi = pi, ni
				pi++
				continue
			}
			if ni < len(name) && pat[pi].match(name[ni]) {
				pi++
				ni++
				continue
			}
		}
		if starPi >= 0 && starNi < len(name) {
			starNi++
			pi, ni = starPi+1, starNi
			continue
		}
		return false
	}
	return true
}

// match reports whether the compiled pattern matches the path split into
// segs.
func (g *glob) match(segs []string) bool {
	if !g.globstars && len(g.segs) != len(segs) {
		return false
	}
	return matchSegs(g.segs, segs)
}

// compileGitHub compiles a GitHub pattern (already checked for the
// constructs GitHub rejects). ok is false for a pattern that can match
// nothing, such as `/`.
func compileGitHub(p string) (g glob, ok bool) {
	dirOnly := strings.HasSuffix(p, "/") && !strings.HasSuffix(p, `\/`)
	if dirOnly {
		p = p[:len(p)-1]
	}
	anchored := strings.Contains(p, "/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return glob{}, false
	}
	parts := strings.Split(p, "/")
	// What the pattern matches below itself: a pattern matches a file or a
	// directory, and a directory means everything below it.
	tail := []string{"**"}
	switch last := parts[len(parts)-1]; {
	case dirOnly:
		// `dir/`: everything below a directory, not a file of that name.
		tail = []string{"*", "**"}
	case last == "**":
		// `dir/**` is everything below dir, not dir itself.
		parts = parts[:len(parts)-1]
		tail = []string{"*", "**"}
	case last == "*":
		// `docs/*` matches the files directly in docs only.
		tail = nil
	}
	if !anchored {
		parts = append([]string{"**"}, parts...)
	}
	g.segs = compileSegments(parts, false)
	g.finish() // the index keys come from the pattern without its tail
	g.segs = append(g.segs, compileSegments(tail, false)...)
	if len(g.segs) > 1 && g.segs[len(g.segs)-2].kind == segGlobstar && g.segs[len(g.segs)-1].kind == segGlobstar {
		g.segs = g.segs[:len(g.segs)-1]
	}
	g.globstars = g.globstars || len(tail) > 0
	return g, true
}

// normalizeGitLab turns a GitLab pattern into the absolute fnmatch pattern
// that GitLab matches (Gitlab::CodeOwners::File#normalize_pattern).
func normalizeGitLab(p string) string {
	if p == "*" {
		return "/**/*"
	}
	if strings.HasPrefix(p, `\#`) {
		p = p[1:]
	}
	p = unescapeSpaces(p)
	if !strings.HasPrefix(p, "/") {
		p = "/**/" + p
	}
	if strings.HasSuffix(p, "/") {
		p += "**/*"
	}
	return p
}

// unescapeSpaces replaces each backslash followed by white space with one
// space, as GitLab does.
func unescapeSpaces(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) && isSpace(p[i+1]) {
			for i+1 < len(p) && isSpace(p[i+1]) {
				i++
			}
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// compileGitLab compiles a normalized GitLab pattern (see normalizeGitLab)
// with fnmatch's FNM_PATHNAME|FNM_DOTMATCH semantics: `**/` matches any
// number of directories, a `**` that ends the pattern is a `*`, `*` and
// `?` do not match `/`, dot files are not special.
func compileGitLab(norm string) glob {
	parts := strings.Split(strings.TrimPrefix(norm, "/"), "/")
	if parts[len(parts)-1] == "**" {
		parts[len(parts)-1] = "*"
	}
	g := glob{}
	g.segs = compileSegments(parts, true)
	g.finish()
	return g
}

func compileSegments(parts []string, brackets bool) []segment {
	segs := make([]segment, 0, len(parts))
	for _, s := range parts {
		sg := compileSegment(s, brackets)
		// `**/**` is one globstar.
		if sg.kind == segGlobstar && len(segs) > 0 && segs[len(segs)-1].kind == segGlobstar {
			continue
		}
		segs = append(segs, sg)
	}
	return segs
}

// finish sets the globstar flag and the index key.
func (g *glob) finish() {
	for _, s := range g.segs {
		if s.kind == segGlobstar {
			g.globstars = true
		}
	}
	if len(g.segs) == 0 {
		return
	}
	if g.segs[0].kind != segGlobstar {
		// Anchored at the root.
		var lits []string
		for _, s := range g.segs {
			if !s.literal() {
				break
			}
			lits = append(lits, s.lit)
		}
		if len(lits) > 0 {
			g.key, g.keyKind = strings.Join(lits, "/"), keyPrefix
		}
		return
	}
	// Floating: `**` then the rest, which has no further globstar for the
	// segment and extension keys to hold.
	rest := g.segs[1:]
	if len(rest) == 0 {
		return
	}
	for _, s := range rest {
		if s.kind == segGlobstar {
			return
		}
	}
	switch first := rest[0]; {
	case first.literal():
		g.key, g.keyKind = first.lit, keySegment
	case len(rest) == 1 && first.kind == segSuffix:
		if i := strings.LastIndexByte(first.lit, '.'); i >= 0 {
			g.key, g.keyKind = first.lit[i:], keyExt
		}
	}
}
