package codeowners

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Locations are where each forge reads CODEOWNERS, in precedence order:
// the first that exists is the one the forge uses (SPEC §3).
var Locations = map[Dialect][]string{
	GitHub: {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"},
	GitLab: {"CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"},
}

// MemoKey is the key under which checks share Effective through check.Memo.
const MemoKey = "codeowners.Effective"

// Located is the CODEOWNERS file that the repository's forge reads, and
// what else is around.
type Located struct {
	// Forge is the target's forge; Dialect its CODEOWNERS dialect.
	Forge   string
	Dialect Dialect
	// Path is the effective file, as spelled in the repository; empty when
	// the forge's locations hold none.
	Path string
	// File is the parsed effective file; nil when there is none or it was
	// not read.
	File *File
	// Skipped says why the effective file was claimed but not read (over
	// the size cap, unreadable). Its content is then unknown.
	Skipped string
	// Shadowed are CODEOWNERS files at this forge's later locations, which
	// the forge ignores because Path comes first.
	Shadowed []string
	// OtherForge are CODEOWNERS files at the other forge's locations only
	// (`.gitlab/CODEOWNERS` for GitHub, `.github/CODEOWNERS` for GitLab).
	OtherForge []string
	// Prow are Prow `OWNERS` files anywhere in the tree.
	Prow []string
	// Truncated is set when the walk stopped early, so that an absent file
	// proves nothing.
	Truncated bool
}

// Effective finds the forge's CODEOWNERS in the snapshot and parses it.
// File names match case-insensitively; paths keep their real spelling.
// Checks call it through check.Memo with MemoKey, so that it runs once per
// scan.
func Effective(s *snapshot.Snapshot) Located {
	l := Located{Forge: s.Target.Forge, Dialect: DialectOf(s.Target.Forge), Truncated: s.Tree.Truncated}
	if l.Forge == "" {
		l.Forge = string(GitHub)
	}
	// found maps each lower-case location to the real spellings present.
	found := map[string][]string{}
	add := func(p string) {
		lp := strings.ToLower(p)
		if path.Base(lp) == "codeowners" {
			found[lp] = append(found[lp], p)
		}
		if path.Base(lp) == "owners" {
			l.Prow = append(l.Prow, p)
		}
	}
	for _, p := range s.Tree.Files {
		add(p)
	}
	for p := range s.Tree.Contents {
		add(p) // duplicates of Files are removed below
	}
	for k := range found {
		slices.Sort(found[k])
		found[k] = slices.Compact(found[k])
	}
	slices.Sort(l.Prow)
	l.Prow = slices.Compact(l.Prow)

	mine := Locations[l.Dialect]
	for _, loc := range mine {
		for _, p := range found[strings.ToLower(loc)] {
			if l.Path == "" {
				l.Path = p
			} else {
				l.Shadowed = append(l.Shadowed, p)
			}
		}
	}
	other := Locations[GitHub]
	if l.Dialect == GitHub {
		other = Locations[GitLab]
	}
	for _, loc := range other {
		if slices.ContainsFunc(mine, func(m string) bool { return strings.EqualFold(m, loc) }) {
			continue
		}
		l.OtherForge = append(l.OtherForge, found[strings.ToLower(loc)]...)
	}
	if l.Path == "" {
		return l
	}
	c, ok := s.Tree.Contents[l.Path]
	switch {
	case !ok:
		l.Skipped = "its content was not collected"
	case c.Skipped != "":
		l.Skipped = c.Skipped
	default:
		l.File = Parse(l.Dialect, c.Text)
	}
	return l
}

// State is what the effective CODEOWNERS shows, as codeowners-present
// judges it.
type State int

// The states.
const (
	// Designates: the effective file names at least one owner.
	Designates State = iota
	// Absent: the forge's locations hold no CODEOWNERS.
	Absent
	// NoOwners: the effective file names no owner at all.
	NoOwners
	// Unreadable: the effective file exists but was not read.
	Unreadable
	// Undecided: no CODEOWNERS was found, but the walk stopped early.
	Undecided
)

// State classifies l.
func (l Located) State() State {
	switch {
	case l.Path == "" && l.Truncated:
		return Undecided
	case l.Path == "":
		return Absent
	case l.File == nil:
		return Unreadable
	case !l.File.NamesOwner():
		return NoOwners
	}
	return Designates
}

// Why is one sentence on why the CODEOWNERS cannot be evaluated, for the
// states Unreadable and Undecided.
func (l Located) Why() string {
	switch l.State() {
	case Unreadable:
		return fmt.Sprintf("%s was not read (%s), so its content is unknown.", l.Path, l.Skipped)
	case Undecided:
		return "No CODEOWNERS was found, but the walk of the repository stopped early, so one may exist."
	}
	return ""
}
