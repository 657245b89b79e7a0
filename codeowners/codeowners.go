// Package codeowners parses CODEOWNERS files in GitHub's and GitLab's
// dialects, matches paths against them and finds the file that a forge
// reads (SPEC §3, PO.2.1).
//
// The two dialects share a line format, `pattern owner...`, and differ in
// the rest:
//
//   - GitHub: gitignore-like patterns. A pattern without a slash (other
//     than a trailing one) matches at any depth; a leading or inner slash
//     anchors it at the root; a trailing slash matches the contents of a
//     directory; a pattern whose last segment is `*` matches the files
//     directly in a directory only; otherwise a pattern matches a file or
//     a directory and everything below it. `*`, `?` and `**` are globs.
//     `!` negation, `[ ]` character ranges and a leading `\#` are invalid,
//     as are owners other than `@user`, `@org/team` and e-mail addresses;
//     GitHub skips invalid lines. `#` after the pattern starts a comment.
//     The last matching rule wins; a rule without owners leaves what it
//     matches unowned.
//   - GitLab: `File.fnmatch` with FNM_PATHNAME|FNM_DOTMATCH on the path with
//     a leading slash. A pattern without a leading `/` is prefixed with
//     `/**/` and so matches at any depth; a trailing `/` matches everything
//     below the directory; a pattern without a trailing `/` matches only a
//     file of that name (`docs` does not own `docs/index.md`); `[...]`
//     classes work, braces do not. Sections `[Name]`, optional `^[Name]`,
//     `[Name][N]` approvals and default owners after the header; owners
//     `@user`, `@group/subgroup`, `@@role` and e-mail addresses; `!pattern`
//     excludes what it matches from its section. Each section (the part
//     before the first header is an unnamed one) picks its last matching
//     rule; a file is owned when any section gives it owners. Sections
//     with the same name, compared without case, are one section, and a
//     pattern repeated within a section replaces the earlier entry in its
//     place.
//
// Parsing never fails: every problem is a ParseError with its line, and
// the rules that GitLab or GitHub would still use are kept.
package codeowners

import (
	"fmt"
	"strings"
)

// Dialect is the CODEOWNERS syntax of a forge.
type Dialect string

// The dialects.
const (
	GitHub Dialect = "github"
	GitLab Dialect = "gitlab"
)

// DialectOf returns the dialect of a forge name ("gitlab" or anything else,
// which is GitHub).
func DialectOf(forge string) Dialect {
	if strings.EqualFold(forge, string(GitLab)) {
		return GitLab
	}
	return GitHub
}

// Name is the dialect's forge as people write it.
func (d Dialect) Name() string {
	if d == GitLab {
		return "GitLab"
	}
	return "GitHub"
}

// OwnerKind says what an owner names.
type OwnerKind string

// The kinds of owner.
const (
	// User is `@name`. On GitLab a bare `@name` may also name a top-level
	// group; only the forge can tell.
	User OwnerKind = "user"
	// Team is a GitHub `@org/team` or a GitLab `@group/subgroup`.
	Team OwnerKind = "team"
	// Email is an e-mail address, which names one user.
	Email OwnerKind = "email"
	// Role is a GitLab `@@developer`, `@@maintainer` or `@@owner` (plurals
	// accepted).
	Role OwnerKind = "role"
)

// Owner is one owner as written in the file.
type Owner struct {
	Text string    `json:"text"`
	Kind OwnerKind `json:"kind"`
}

// Group reports whether the owner names a group of people: a team, a
// GitLab group or a role.
func (o Owner) Group() bool { return o.Kind == Team || o.Kind == Role }

// Rule is one pattern line.
type Rule struct {
	// Line is the 1-based line number in the file.
	Line int `json:"line"`
	// Pattern is the pattern as written, without a GitLab exclusion's `!`.
	Pattern string `json:"pattern"`
	// Owners are the rule's owners. For a GitLab rule written without
	// owners they are its section's default owners (FromDefault is then
	// set). Empty means the rule leaves what it matches unowned.
	Owners []Owner `json:"owners,omitempty"`
	// FromDefault is set when Owners are the section header's defaults.
	FromDefault bool `json:"fromDefault,omitempty"`
	// Section is the GitLab section's name (its first spelling); empty for
	// the rules before the first header and on GitHub.
	Section string `json:"section,omitempty"`
	// Exclusion marks a GitLab `!pattern`: what it matches needs no owner
	// in its section, whatever the order.
	Exclusion bool `json:"exclusion,omitempty"`
	// Replaced is set when a later line of the same GitLab section repeats
	// this pattern: GitLab keeps only the later entry (in this one's place).
	Replaced bool `json:"replaced,omitempty"`

	glob    glob
	section int // index into sections; 0 is the unnamed section
	prio    int // matching order: higher wins
}

// Section is a GitLab section; headers with the same name are merged.
type Section struct {
	// Name is the name as first written.
	Name string `json:"name"`
	// Lines are the lines of the section's headers.
	Lines []int `json:"lines"`
	// Optional is set when every header of the section is `^[Name]`.
	Optional bool `json:"optional,omitempty"`
	// Approvals is the largest count given as `[Name][N]`; 0 when none is
	// given, which GitLab treats as one approval.
	Approvals int `json:"approvals,omitempty"`
	// DefaultOwners are the owners named after the headers, in order.
	DefaultOwners []Owner `json:"defaultOwners,omitempty"`
}

// ParseError is one line that does not parse under the dialect.
type ParseError struct {
	Line int    `json:"line"`
	Msg  string `json:"msg"`
}

func (e ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Limits of the parser. A hostile file cannot make it use more than a
// small multiple of its own size.
const (
	// MaxLineLength is the longest line that is parsed; longer lines are
	// an error for that line.
	MaxLineLength = 64 << 10
	// MaxErrors is the number of errors recorded; MoreErrors counts the rest.
	MaxErrors = 1000
)

// File is a parsed CODEOWNERS file.
type File struct {
	Dialect Dialect `json:"dialect"`
	// Rules are the pattern lines in file order. GitHub lines with a syntax
	// error are not rules (GitHub skips them); GitLab keeps what GitLab
	// keeps (an entry with a malformed owner keeps its valid owners).
	Rules []Rule `json:"rules"`
	// Sections are GitLab's named sections in order of first appearance.
	Sections []Section `json:"sections,omitempty"`
	// Errors are the lines that do not parse, in line order.
	Errors []ParseError `json:"errors,omitempty"`
	// MoreErrors counts errors beyond MaxErrors.
	MoreErrors int `json:"moreErrors,omitempty"`
	// Lines is the number of lines in the file.
	Lines int `json:"lines"`

	idx *index
}

// Parse parses text under the dialect. It never fails and never panics:
// problems are in File.Errors.
func Parse(d Dialect, text string) *File {
	f := &File{Dialect: d}
	if d != GitLab {
		f.Dialect = GitHub
	}
	lines := strings.Split(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1] // a final newline ends the last line
	}
	f.Lines = len(lines)
	if f.Dialect == GitLab {
		parseGitLab(f, lines)
	} else {
		parseGitHub(f, lines)
	}
	f.idx = buildIndex(f)
	return f
}

func (f *File) errorf(line int, format string, args ...any) {
	if len(f.Errors) >= MaxErrors {
		f.MoreErrors++
		return
	}
	f.Errors = append(f.Errors, ParseError{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// Valid reports whether every line parses.
func (f *File) Valid() bool { return len(f.Errors) == 0 && f.MoreErrors == 0 }

// NamesOwner reports whether any rule names an owner (section defaults
// included). A file whose rules name no owner designates nobody (SPEC §3).
func (f *File) NamesOwner() bool {
	for i := range f.Rules {
		if r := &f.Rules[i]; !r.Exclusion && len(r.Owners) > 0 {
			return true
		}
	}
	return false
}

// CatchAll returns the effective catch-all rule: the last rule, in any
// section, whose pattern is `*` or `/**` (SPEC §3, codeowners-group), or
// nil. Exclusions are not catch-alls.
func (f *File) CatchAll() *Rule {
	for i := len(f.Rules) - 1; i >= 0; i-- {
		r := &f.Rules[i]
		if !r.Exclusion && (r.Pattern == "*" || r.Pattern == "/**") {
			return r
		}
	}
	return nil
}

// trimLine strips the line's surrounding white space (and a CR before
// the newline).
func trimLine(s string) string {
	return strings.Trim(s, " \t\r\v\f\x00")
}

// splitPattern cuts a line at its first run of white space that is not
// escaped by a backslash: the pattern, then the rest (owners, comments).
func splitPattern(line string) (pattern, rest string) {
	for i := 0; i < len(line); i++ {
		if isSpace(line[i]) && (i == 0 || line[i-1] != '\\') {
			j := i
			for j < len(line) && isSpace(line[j]) {
				j++
			}
			return line[:i], line[j:]
		}
	}
	return line, ""
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}

// quote shortens a token for an error message.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return "`" + strings.ToValidUTF8(s, "\uFFFD") + "`"
}
