// Package glob matches slash-separated paths against the glob patterns that
// ssdf's policy file uses (exclusions, exception paths): `*` and `?` match
// within a segment, `[...]` is a class, and `**` as a whole segment matches
// any number of segments, none included. A pattern without a slash matches
// the file name at any depth; a pattern ending in `/` or `/**` matches
// everything beneath the directory.
package glob

import (
	"path"
	"strings"
)

// Match reports whether name matches pattern. A malformed pattern matches
// nothing.
func Match(pattern, name string) bool {
	pattern = strings.TrimPrefix(pattern, "./")
	pattern = strings.TrimPrefix(pattern, "/")
	if strings.HasSuffix(pattern, "/") {
		pattern += "**"
	}
	if pattern == "" {
		return false
	}
	if !strings.Contains(pattern, "/") {
		pattern = "**/" + pattern
	}
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				return true
			}
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
