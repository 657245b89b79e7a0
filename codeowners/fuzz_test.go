package codeowners

import (
	"slices"
	"strings"
	"testing"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; they include real
// files from ../shared/corpus/codeowners. Run for example
//
//	go test -fuzz=FuzzParseGitLab -fuzztime=1m ./codeowners/

func FuzzParseGitHub(f *testing.F) { fuzzParse(f, GitHub) }

func FuzzParseGitLab(f *testing.F) { fuzzParse(f, GitLab) }

func fuzzParse(f *testing.F, d Dialect) {
	for _, s := range []string{
		"",
		"* @a @org/team a@b.example\n",
		"[Docs][2] @docs\ndocs/\n^[Opt]\n*.md @@maintainer\n",
		"!/x\n\\#y @a\npath\\ with\\ spaces/ @b\n[unclosed\n",
		"**/a/**/b/** @c\n/docs/* @d # inline\n",
	} {
		f.Add(s)
	}
	paths := []string{"a", "docs/a.md", "x/y/z", ".github/CODEOWNERS", "a/b/a/b/c"}
	f.Fuzz(func(t *testing.T, text string) {
		file := Parse(d, text)
		checkInvariants(t, file, text)
		for _, p := range paths {
			file.Owners(p)
		}
		file.Coverage(paths)
		file.CatchAll()
		file.NamesOwner()
	})
}

// FuzzMatch checks that the indexed matcher agrees with trying every rule.
func FuzzMatch(f *testing.F) {
	f.Add("* @a\n/docs/ @b\n*.md @c\n", "docs/x.md", false)
	f.Add("* @a\n!*.rb\n[S] @s\n/special/*.rb\n*.rb @r\n*.rb @q\n", "special/a.rb", true)
	f.Add("apps/ @a\n**/logs @b\ndocs/* @c\n/x/**/y/ @d\n", "x/1/y/2/logs/f", false)
	f.Fuzz(func(t *testing.T, text, p string, gitlab bool) {
		d := GitHub
		if gitlab {
			d = GitLab
		}
		file := Parse(d, text)
		got := file.Match(p)
		want := bruteMatch(file, p)
		if !slices.Equal(got, want) {
			t.Fatalf("Match(%q) = %v, brute force %v", p, lines(got), lines(want))
		}
	})
}

func lines(rs []*Rule) []int {
	var l []int
	for _, r := range rs {
		l = append(l, r.Line)
	}
	return l
}

// bruteMatch is Match without the index: every rule, by priority.
func bruteMatch(f *File, p string) []*Rule {
	p = cleanPath(p)
	if p == "" {
		return nil
	}
	segs := strings.Split(p, "/")
	var live []*Rule
	for i := range f.Rules {
		if !f.Rules[i].Replaced {
			live = append(live, &f.Rules[i])
		}
	}
	slices.SortFunc(live, func(a, b *Rule) int { return b.prio - a.prio })
	if f.Dialect == GitHub {
		for _, r := range live {
			if r.glob.match(segs) {
				return []*Rule{r}
			}
		}
		return nil
	}
	win := make([]*Rule, len(f.Sections)+1)
	excluded := make([]bool, len(f.Sections)+1)
	for _, r := range live {
		if !r.glob.match(segs) {
			continue
		}
		if r.Exclusion {
			excluded[r.section] = true
		} else if win[r.section] == nil {
			win[r.section] = r
		}
	}
	var out []*Rule
	for s, r := range win {
		if r != nil && !excluded[s] {
			out = append(out, r)
		}
	}
	return out
}

// The brute-force matcher agrees with Match on the documented examples.
func TestMatchAgreesWithBruteForce(t *testing.T) {
	files := map[Dialect]string{
		GitHub: "* @a\n*.js @b\n/build/logs/ @c\ndocs/* @d\napps/ @e\n/docs/ @f\n**/logs @g\n/apps/github\n*/debian @h\nMakefile @i\n",
		GitLab: "* @a\n!pom.xml\n[Ruby]\n*.rb @r\n!/config/**/*.rb\n[Docs] @docs\ndocs/\nREADME.md\n[DOCS]\n/docs/*/README.md @x\ninternal/README.md @y\n*.rb @z\n",
	}
	paths := []string{"a.js", "build/logs/x", "docs/a.md", "docs/x/README.md", "src/apps/github/a", "apps/github/b",
		"x/logs/y", "8/debian/a", "sub/Makefile", "pom.xml", "config/a.rb", "lib/a.rb", "internal/README.md", "a/internal/README.md"}
	for d, text := range files {
		f := Parse(d, text)
		for _, p := range paths {
			if got, want := f.Match(p), bruteMatch(f, p); !slices.Equal(got, want) {
				t.Errorf("%s %s: Match %v, brute force %v", d, p, lines(got), lines(want))
			}
		}
	}
}
