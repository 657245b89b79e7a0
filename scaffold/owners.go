package scaffold

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/collect"
)

// Suggestion is the owners init proposes for the catch-all rule.
type Suggestion struct {
	Owners []string
	// Source says where they came from, for the comment in CODEOWNERS.
	Source string
	// Candidates are the most frequent committers, for the comment.
	Candidates []string
}

// SuggestOwners proposes code owners: a placeholder team
// `@OWNER/maintainers` when the origin remote names the owner (the
// namespace on GitLab), else the two most frequent commit authors of
// history (by e-mail address), else the placeholder `@ORG/maintainers`.
// Either way ownership rests on a group or on two people, as
// codeowners-group asks.
func SuggestOwners(origin string, authors []collect.Author) Suggestion {
	type count struct {
		email, name string
		n, first    int
	}
	byEmail := map[string]*count{}
	for i, a := range authors {
		e := strings.ToLower(strings.TrimSpace(a.Email))
		if e == "" || !strings.Contains(e, "@") || strings.ContainsAny(e, " \t#") {
			continue
		}
		c := byEmail[e]
		if c == nil {
			c = &count{email: e, name: a.Name, first: i}
			byEmail[e] = c
		}
		c.n++
	}
	var cs []*count
	for _, c := range byEmail {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *count) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.first, b.first))
	})
	var cands []string
	for _, c := range cs {
		if len(cands) == 5 {
			break
		}
		cands = append(cands, c.email)
	}
	_, repoPath := collect.RemoteHost(origin)
	if i := strings.LastIndex(repoPath, "/"); i > 0 {
		ns := repoPath[:i]
		if validSlug(ns) {
			return Suggestion{Owners: []string{"@" + ns + "/maintainers"}, Source: "a placeholder team in " + ns + ", the owner of the origin remote", Candidates: cands}
		}
	}
	if len(cands) >= 2 {
		return Suggestion{Owners: cands[:2], Source: "the two most frequent commit authors of the history", Candidates: cands[2:]}
	}
	return Suggestion{Owners: []string{"@ORG/maintainers"}, Source: "a placeholder team: replace ORG with your organization", Candidates: cands}
}

func validSlug(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == '/':
		default:
			return false
		}
	}
	return true
}
