package codeowners

import (
	"strings"
)

// parseGitHub parses GitHub's dialect. A line with a syntax error is
// reported and skipped, as GitHub skips it.
func parseGitHub(f *File, lines []string) {
	for i, raw := range lines {
		ln := i + 1
		if len(raw) > MaxLineLength {
			f.errorf(ln, "the line is longer than %d bytes", MaxLineLength)
			continue
		}
		line := trimLine(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.IndexByte(line, 0) >= 0 {
			f.errorf(ln, "the line contains a NUL byte")
			continue
		}
		pattern, rest := splitPattern(line)
		switch {
		case gitlabHeaderRE.MatchString(line) && !strings.ContainsAny(pattern, "*?"):
			f.errorf(ln, "%s is a GitLab section header, which GitHub does not support", quote(strings.TrimSpace(line)))
			continue
		case strings.HasPrefix(pattern, `\#`):
			f.errorf(ln, "GitHub does not support escaping a leading `#` with `\\` in pattern %s", quote(pattern))
			continue
		case strings.HasPrefix(pattern, "!"):
			f.errorf(ln, "GitHub does not support `!` negation in pattern %s", quote(pattern))
			continue
		case hasUnescaped(pattern, '[') || hasUnescaped(pattern, ']'):
			f.errorf(ln, "GitHub does not support `[ ]` character ranges in pattern %s", quote(pattern))
			continue
		}
		var owners []Owner
		var bad []string
		for tok := range strings.FieldsSeq(rest) {
			if tok[0] == '#' {
				break // an inline comment
			}
			o, msg := githubOwner(tok)
			if msg != "" {
				bad = append(bad, msg)
				continue
			}
			owners = append(owners, o)
		}
		if len(bad) > 0 {
			f.errorf(ln, "%s; %s", strings.Join(bad, "; "), githubOwnerHint)
			continue
		}
		g, ok := compileGitHub(pattern)
		if !ok {
			f.errorf(ln, "pattern %s matches no file", quote(pattern))
			continue
		}
		f.Rules = append(f.Rules, Rule{Line: ln, Pattern: pattern, Owners: owners, glob: g, prio: len(f.Rules)})
	}
}

// hasUnescaped reports whether s contains c not escaped by a backslash.
func hasUnescaped(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case c:
			return true
		}
	}
	return false
}
