package manifest

import (
	"path"
	"strings"
)

// globMatch reports whether the directory rel (relative to a workspace
// root, "" for the root itself) matches a workspace membership pattern, the
// way npm, pnpm, Cargo and uv expand theirs: the pattern is relative to the
// root (a leading `./` and a trailing `/` are dropped), `*`, `?` and `[...]`
// match within one path segment, and a `**` segment matches any number of
// segments, none included. With braces, `{a,b}` alternatives are expanded
// first (npm's and pnpm's globs support them; Cargo's and uv's do not).
func globMatch(pattern, rel string, braces bool) bool {
	pattern = strings.ReplaceAll(strings.TrimSpace(pattern), "\\", "/")
	if braces {
		for _, alt := range expandBraces(pattern, 0) {
			if globMatch(alt, rel, false) {
				return true
			}
		}
		return false
	}
	for strings.HasPrefix(pattern, "./") {
		pattern = pattern[2:]
	}
	pattern = strings.TrimRight(pattern, "/")
	if pattern != "" {
		pattern = path.Clean(pattern)
	}
	if pattern == "" || pattern == "." {
		return rel == ""
	}
	if strings.HasPrefix(pattern, "/") || pattern == ".." || strings.HasPrefix(pattern, "../") {
		return false
	}
	var name []string
	if rel != "" {
		name = strings.Split(rel, "/")
	}
	return matchSegs(strings.Split(pattern, "/"), name)
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegs(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		ok, err := path.Match(pat[0], name[0])
		if err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// expandBraces expands `{a,b}` alternatives (nested ones too), up to a
// bounded number of results so that a hostile pattern cannot explode.
func expandBraces(p string, depth int) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 || depth > 8 {
		return []string{p}
	}
	level, close := 0, -1
	var commas []int
	for i := open; i < len(p) && close < 0; i++ {
		switch p[i] {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				close = i
			}
		case ',':
			if level == 1 {
				commas = append(commas, i)
			}
		}
	}
	if close < 0 || len(commas) == 0 {
		return []string{p}
	}
	var alts []string
	start := open + 1
	for _, c := range append(commas, close) {
		alts = append(alts, p[start:c])
		start = c + 1
	}
	var out []string
	for _, a := range alts {
		for _, e := range expandBraces(p[:open]+a+p[close+1:], depth+1) {
			if len(out) >= 256 {
				return out
			}
			out = append(out, e)
		}
	}
	return out
}
