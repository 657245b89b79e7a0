package codeowners

import (
	"fmt"
	"strings"
	"testing"
)

var exts = []string{".go", ".md", ".yaml", ".js", ".ts", ".py", ".json", ".txt", ".proto", ".sh"}

// synthPaths returns n paths, 2 to 5 segments deep, over 50 top-level
// directories.
func synthPaths(n int) []string {
	paths := make([]string, 0, n)
	for i := range n {
		depth := 2 + i%4
		segs := []string{fmt.Sprintf("dir%d", i%50)}
		for d := 1; d < depth-1; d++ {
			segs = append(segs, fmt.Sprintf("sub%d", (i/50+d*7)%20))
		}
		segs = append(segs, fmt.Sprintf("file%d%s", i, exts[(i/7)%len(exts)]))
		paths = append(paths, strings.Join(segs, "/"))
	}
	return paths
}

// synthRules returns a file of 500 rules in the dialect: a catch-all,
// anchored directories and files, wildcards, extensions and names that
// float, and ownerless rules; on GitLab spread over ten sections.
func synthRules(d Dialect) string {
	var b strings.Builder
	n := 0
	add := func(format string, args ...any) {
		fmt.Fprintf(&b, format+"\n", args...)
		n++
	}
	add("* @org/everyone")
	for i := 0; n < 500; i++ {
		if d == GitLab && i%50 == 0 {
			fmt.Fprintf(&b, "[Section %d] @org/section-%d\n", i/50, i/50)
		}
		switch i % 10 {
		case 0, 1, 2, 3, 4:
			add("/dir%d/sub%d/ @org/team-%d @user%d", i%50, i%20, i%40, i)
		case 5:
			add("/dir%d/sub%d/file%d%s @user%d", i%50, i%20, i*13, exts[i%len(exts)], i)
		case 6:
			add("*%s @org/lang-%d", exts[i%len(exts)], i%len(exts))
		case 7:
			add("/dir%d/*.md @org/docs-%d", i%50, i)
		case 8:
			add("sub%d/ @org/floating-%d", i%20, i)
		case 9:
			if d == GitLab {
				add("/dir%d/sub%d/generated/", i%50, i%20)
			} else {
				add("/dir%d/**/generated", i%50)
			}
		}
	}
	return b.String()
}

func benchmarkCoverage(b *testing.B, d Dialect) {
	text := synthRules(d)
	f := Parse(d, text)
	if len(f.Rules) != 500 || len(f.Errors) != 0 {
		b.Fatalf("%d rules, errors %v", len(f.Rules), f.Errors)
	}
	paths := synthPaths(100_000)
	b.ResetTimer()
	for b.Loop() {
		owned, _ := f.Coverage(paths)
		if owned == 0 {
			b.Fatal("nothing owned")
		}
	}
}

// BenchmarkCoverage100k500 matches 100,000 paths against 500 GitHub rules.
func BenchmarkCoverage100k500(b *testing.B) { benchmarkCoverage(b, GitHub) }

// BenchmarkCoverage100k500GitLab does the same with ten GitLab sections.
func BenchmarkCoverage100k500GitLab(b *testing.B) { benchmarkCoverage(b, GitLab) }

// The indexed matcher gives the same answer as trying every rule on the
// benchmark's data.
func TestSyntheticAgreesWithBruteForce(t *testing.T) {
	paths := synthPaths(5000)
	for _, d := range []Dialect{GitHub, GitLab} {
		f := Parse(d, synthRules(d))
		m := f.newMatcher()
		for _, p := range paths {
			got := m.match(p, nil)
			want := bruteMatch(f, p)
			if len(got) != len(want) {
				t.Fatalf("%s %s: Match %v, brute force %v", d, p, lines(got), lines(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s %s: Match %v, brute force %v", d, p, lines(got), lines(want))
				}
			}
		}
	}
}
