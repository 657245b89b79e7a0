package codeowners

import (
	"path"
	"slices"
	"strings"
)

// index finds the few rules that can match a path. Anchored patterns are
// filed under their literal leading directories, so a path tries only the
// rules anchored at its ancestors (or itself); floating patterns under a
// literal segment or a `*.ext` extension; the rest are tried always.
// Entries are priorities (see Rule.prio), ascending in every list.
type index struct {
	prefix  map[string][]int32
	segment map[string][]int32
	ext     map[string][]int32
	always  []int32
	// rule maps a priority to the index of the rule that holds it.
	rule []int32
	// sections is the number of sections (GitLab); exclusions marks the
	// sections that have an exclusion rule.
	sections   int
	exclusions []bool
}

func buildIndex(f *File) *index {
	x := &index{
		prefix:     map[string][]int32{},
		segment:    map[string][]int32{},
		ext:        map[string][]int32{},
		sections:   len(f.Sections) + 1,
		exclusions: make([]bool, len(f.Sections)+1),
	}
	x.rule = make([]int32, len(f.Rules))
	for i := range x.rule {
		x.rule[i] = -1
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		if r.Replaced {
			continue
		}
		x.rule[r.prio] = int32(i)
		if r.Exclusion {
			x.exclusions[r.section] = true
		}
	}
	// Walk by priority so that every list is ascending.
	for prio, ri := range x.rule {
		if ri < 0 {
			continue
		}
		g := &f.Rules[ri].glob
		p := int32(prio)
		switch g.keyKind {
		case keyPrefix:
			x.prefix[g.key] = append(x.prefix[g.key], p)
		case keySegment:
			x.segment[g.key] = append(x.segment[g.key], p)
		case keyExt:
			x.ext[g.key] = append(x.ext[g.key], p)
		default:
			x.always = append(x.always, p)
		}
	}
	return x
}

// matcher holds the scratch space of one lookup; reusing it across paths
// (Coverage) avoids allocation.
type matcher struct {
	f     *File
	segs  []string
	cands []int32
	// GitLab: per section, the winning rule (-1 none) and exclusion.
	win  []int32
	excl []bool
	seen []int
}

func (f *File) newMatcher() *matcher {
	m := &matcher{f: f}
	if f.Dialect == GitLab {
		m.win = make([]int32, f.idx.sections)
		m.excl = make([]bool, f.idx.sections)
		for i := range m.win {
			m.win[i] = -1
		}
	}
	return m
}

// cleanPath turns a path into the slash-separated, root-relative form
// that patterns match.
func cleanPath(p string) string {
	p = strings.TrimPrefix(p, "./")
	return strings.Trim(p, "/")
}

// candidates collects, in descending priority without duplicates, the
// rules that may match p.
func (m *matcher) candidates(p string) {
	x := m.f.idx
	m.segs = m.segs[:0]
	m.cands = append(m.cands[:0], x.always...)
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		seg := p[start:i]
		m.segs = append(m.segs, seg)
		if l, ok := x.prefix[p[:i]]; ok {
			m.cands = append(m.cands, l...)
		}
		if l, ok := x.segment[seg]; ok {
			m.cands = append(m.cands, l...)
		}
		if len(x.ext) > 0 {
			if e := path.Ext(seg); e != "" {
				if l, ok := x.ext[e]; ok {
					m.cands = append(m.cands, l...)
				}
			}
		}
		start = i + 1
	}
	slices.Sort(m.cands)
	m.cands = slices.Compact(m.cands)
}

// match returns the deciding rules of p: GitHub's last matching rule, or
// GitLab's last matching rule of each section that is not excluded, in
// section order. It appends to dst.
func (m *matcher) match(p string, dst []*Rule) []*Rule {
	p = cleanPath(p)
	if p == "" {
		return dst
	}
	m.candidates(p)
	f := m.f
	if f.Dialect != GitLab {
		for i := len(m.cands) - 1; i >= 0; i-- {
			r := &f.Rules[f.idx.rule[m.cands[i]]]
			if r.glob.match(m.segs) {
				return append(dst, r)
			}
		}
		return dst
	}
	m.seen = m.seen[:0]
	for i := len(m.cands) - 1; i >= 0; i-- {
		r := &f.Rules[f.idx.rule[m.cands[i]]]
		s := r.section
		if m.excl[s] || (m.win[s] >= 0 && !f.idx.exclusions[s]) {
			continue
		}
		if r.Exclusion {
			if r.glob.match(m.segs) {
				if m.win[s] < 0 {
					m.seen = append(m.seen, s)
				}
				m.excl[s] = true
			}
			continue
		}
		if m.win[s] >= 0 {
			continue // only an exclusion can still change this section
		}
		if r.glob.match(m.segs) {
			m.win[s] = f.idx.rule[m.cands[i]]
			if !m.excl[s] {
				m.seen = append(m.seen, s)
			}
		}
	}
	slices.Sort(m.seen)
	for _, s := range m.seen {
		if !m.excl[s] && m.win[s] >= 0 {
			dst = append(dst, &f.Rules[m.win[s]])
		}
		m.win[s], m.excl[s] = -1, false
	}
	return dst
}

// Match returns the rules that decide the ownership of path (slash
// separated, relative to the root): on GitHub the last matching rule, on
// GitLab the last matching rule of each section that matches path and does
// not exclude it, in section order. A rule may have no owners.
func (f *File) Match(path string) []*Rule {
	return f.newMatcher().match(path, nil)
}

// Owners returns the owners of path and the rule that gives them: on
// GitHub the last matching rule and its owners; on GitLab the owners of
// every section's deciding rule, without duplicates, and the first of
// those rules that names an owner (or the first deciding rule). owners is
// empty when path is unowned; rule is nil when no rule decides it.
func (f *File) Owners(path string) (owners []Owner, rule *Rule) {
	rules := f.Match(path)
	if len(rules) == 0 {
		return nil, nil
	}
	rule = rules[0]
	seen := map[string]bool{}
	for _, r := range rules {
		if len(r.Owners) > 0 && len(owners) == 0 {
			rule = r
		}
		for _, o := range r.Owners {
			k := strings.ToLower(o.Text)
			if !seen[k] {
				seen[k] = true
				owners = append(owners, o)
			}
		}
	}
	return owners, rule
}

// Owned reports whether path has at least one owner.
func (f *File) Owned(path string) bool {
	return f.newMatcher().owned(path)
}

func (m *matcher) owned(p string) bool {
	var buf [8]*Rule
	for _, r := range m.match(p, buf[:0]) {
		if len(r.Owners) > 0 {
			return true
		}
	}
	return false
}

// Coverage counts the paths that have an owner (GitHub: the last matching
// rule names one; GitLab: some section gives one) and lists the others in
// the order given.
func (f *File) Coverage(paths []string) (owned int, unowned []string) {
	m := f.newMatcher()
	for _, p := range paths {
		if m.owned(p) {
			owned++
		} else {
			unowned = append(unowned, p)
		}
	}
	return owned, unowned
}
