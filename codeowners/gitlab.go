package codeowners

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	// gitlabHeaderRE is Gitlab::CodeOwners::SectionParser::HEADER_REGEX:
	// optional `^`, `[name]`, optional `[approvals]`, default owners. It
	// matches a prefix of the line; what follows is reported here.
	gitlabHeaderRE = regexp.MustCompile(`^(\^)?\[(.*?)\](?:\[(\d*?)\])?(\s+[@\w_.\-/\s+]*)?`)
	// gitlabBadHeaderRE is SectionParser::REGEX_INVALID_SECTION: a `[`
	// that is never closed. GitLab reports it and reads the line as an entry.
	gitlabBadHeaderRE = regexp.MustCompile(`^\^?\[[^\]]+$`)
)

// maxDefaultOwners bounds Section.DefaultOwners, which merges the headers
// of a section: a hostile file cannot make the merge quadratic.
const maxDefaultOwners = 100

// gitlabHeader is one section header line.
type gitlabHeader struct {
	section  int // index into File.Sections, plus one
	defaults []Owner
}

// parseGitLab parses GitLab's dialect (Gitlab::CodeOwners::File).
func parseGitLab(f *File, lines []string) {
	cur := gitlabHeader{}     // the unnamed section
	names := map[string]int{} // folded section name to index in f.Sections
	// keys maps section and normalized pattern to the priority of the
	// entry that holds it, so that a repeated pattern replaces it in place.
	keys := map[sectionPattern]int{} // to the index in f.Rules of the live entry
	prio := 0
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
		if m := gitlabHeaderRE.FindStringSubmatchIndex(line); m != nil {
			if h, ok := parseHeader(f, names, ln, line, m); ok {
				cur = h
			}
			continue
		}
		if gitlabBadHeaderRE.MatchString(line) {
			f.errorf(ln, "unparsable section header %s: the `[` is not closed, so GitLab reads the line as a pattern", quote(line))
		}

		pattern, ownerText := splitPattern(line)
		r := Rule{Line: ln, section: cur.section}
		if cur.section > 0 {
			r.Section = f.Sections[cur.section-1].Name
		}
		if strings.HasPrefix(pattern, "!") {
			r.Exclusion = true
			pattern = pattern[1:]
		}
		r.Pattern = pattern
		norm := normalizeGitLab(pattern)
		r.glob = compileGitLab(norm)
		if !r.Exclusion {
			var bad []string
			for tok := range strings.FieldsSeq(ownerText) {
				o, msg := gitlabOwner(tok)
				if msg != "" {
					bad = append(bad, msg)
					continue
				}
				r.Owners = append(r.Owners, o)
			}
			if len(bad) > 0 {
				f.errorf(ln, "%s; %s", strings.Join(bad, "; "), gitlabOwnerHint)
			}
			if ownerText == "" && len(cur.defaults) > 0 {
				r.Owners = append([]Owner(nil), cur.defaults...)
				r.FromDefault = true
			}
		}
		k := sectionPattern{cur.section, norm}
		if j, ok := keys[k]; ok {
			// GitLab keeps the later entry, in the earlier one's place.
			f.Rules[j].Replaced = true
			r.prio = f.Rules[j].prio
		} else {
			r.prio = prio
			prio++
		}
		keys[k] = len(f.Rules)
		f.Rules = append(f.Rules, r)
	}
}

type sectionPattern struct {
	section int
	pattern string
}

// parseHeader reads a section header matched by gitlabHeaderRE (m holds
// the submatch indexes) and merges it into f.Sections.
func parseHeader(f *File, names map[string]int, ln int, line string, m []int) (gitlabHeader, bool) {
	group := func(i int) (string, bool) {
		if m[2*i] < 0 {
			return "", false
		}
		return line[m[2*i]:m[2*i+1]], true
	}
	_, optional := group(1)
	name, _ := group(2)
	approvalText, hasApprovals := group(3)
	defaultText, _ := group(4)
	ok := true
	if strings.TrimSpace(name) == "" {
		f.errorf(ln, "the section header has no name")
		ok = false
	}
	approvals := 0
	if hasApprovals && approvalText != "" {
		n, err := strconv.Atoi(approvalText)
		if err != nil || n > 1_000_000 {
			n = 1_000_000
		}
		approvals = n
	}
	if optional && approvals > 0 {
		f.errorf(ln, "the optional section %s cannot require approvals", quote(name))
	}
	if rest := strings.TrimSpace(line[m[1]:]); rest != "" {
		f.errorf(ln, "unexpected %s after the section header; %s", quote(rest), gitlabOwnerHint)
	}
	var defaults []Owner
	var bad []string
	for tok := range strings.FieldsSeq(defaultText) {
		o, msg := gitlabOwner(tok)
		if msg != "" {
			bad = append(bad, msg)
			continue
		}
		defaults = append(defaults, o)
	}
	if len(bad) > 0 {
		f.errorf(ln, "%s; %s", strings.Join(bad, "; "), gitlabOwnerHint)
	}
	if !ok {
		return gitlabHeader{}, false
	}
	// Section names are not case-sensitive; the first spelling is kept.
	key := strings.ToLower(strings.ToUpper(name))
	idx, ok := names[key]
	if !ok {
		f.Sections = append(f.Sections, Section{Name: name, Optional: true})
		idx = len(f.Sections) - 1
		names[key] = idx
	}
	s := &f.Sections[idx]
	s.Lines = append(s.Lines, ln)
	s.Optional = s.Optional && optional
	s.Approvals = max(s.Approvals, approvals)
	for _, o := range defaults {
		if len(s.DefaultOwners) < maxDefaultOwners && !slices.ContainsFunc(s.DefaultOwners, func(d Owner) bool { return strings.EqualFold(d.Text, o.Text) }) {
			s.DefaultOwners = append(s.DefaultOwners, o)
		}
	}
	return gitlabHeader{section: idx + 1, defaults: defaults}, true
}
