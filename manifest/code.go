package manifest

import "strings"

// lang is the comment and string syntax of a file that is code.
type lang int

const (
	hashLang lang = iota // Python, Starlark, Ruby: `#` comments; '…', "…", '''…''', """…"""
	cLang                // Swift, Kotlin, Groovy: `//` and `/* */`; "…", '…', """…""", '''…''' (Groovy)
	nixLang              // Nix: `#` and `/* */`; "…" and ''…''
	iniLang              // INI-like: whole-line `#` and `;` comments
)

// blank returns s with every comment (and, when strs, every string
// literal's content) replaced by spaces, newlines kept, so that offsets and
// lines stay those of s and a search cannot match inside a comment.
func blank(s string, l lang, strs bool) string {
	b := []byte(s)
	n := len(b)
	fill := func(from, to int) {
		for k := from; k < to && k < n; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	i := 0
	for i < n {
		c := b[i]
		switch {
		case l == iniLang:
			// A comment is a line whose first non-blank is # or ;.
			j := i
			for j < n && (b[j] == ' ' || b[j] == '\t') {
				j++
			}
			end := strings.IndexByte(s[j:], '\n')
			if end < 0 {
				end = n
			} else {
				end += j
			}
			if j < n && (b[j] == '#' || b[j] == ';') {
				fill(j, end)
			}
			i = end + 1
			continue
		case c == '#' && (l == hashLang || l == nixLang):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = n - i
			}
			fill(i, i+end)
			i += end
			continue
		case c == '/' && i+1 < n && b[i+1] == '/' && l == cLang:
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = n - i
			}
			fill(i, i+end)
			i += end
			continue
		case c == '/' && i+1 < n && b[i+1] == '*' && (l == cLang || l == nixLang):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				fill(i, n)
				return string(b)
			}
			fill(i, i+2+end+2)
			i += 2 + end + 2
			continue
		case c == '"' || (c == '\'' && l != nixLang):
			q := string(c)
			triple := i+2 < n && b[i+1] == c && b[i+2] == c
			if triple {
				q = strings.Repeat(q, 3)
			}
			start := i + len(q)
			end := start
			for end < n {
				if b[end] == '\\' {
					end += 2
					continue
				}
				if strings.HasPrefix(s[end:], q) {
					break
				}
				if !triple && b[end] == '\n' {
					break
				}
				end++
			}
			if end > n {
				end = n
			}
			if strs {
				fill(start, end)
			}
			i = end + len(q)
			continue
		case c == '\'' && l == nixLang && i+1 < n && b[i+1] == '\'':
			// Nix indented string ''…''; '' escapes with '''.
			start := i + 2
			end := start
			for end < n {
				if strings.HasPrefix(s[end:], "'''") {
					end += 3
					continue
				}
				if strings.HasPrefix(s[end:], "''") {
					break
				}
				end++
			}
			if strs {
				fill(start, end)
			}
			i = end + 2
			continue
		}
		i++
	}
	return string(b)
}

// isIdent says whether c may be part of an identifier.
func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// wordAt says whether s has the identifier w at i, not part of a longer one.
func wordAt(s string, i int, w string) bool {
	if !strings.HasPrefix(s[i:], w) {
		return false
	}
	if i > 0 && isIdent(s[i-1]) {
		return false
	}
	j := i + len(w)
	return j >= len(s) || !isIdent(s[j])
}

// skipSpace returns the index of the first non-blank byte of s at or after
// i (newlines included).
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// words returns the offsets of the identifier w in s.
func words(s, w string) []int {
	var out []int
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return out
		}
		if wordAt(s, i+j, w) {
			out = append(out, i+j)
		}
		i += j + len(w)
	}
}
