package glob

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"legacy/**", "legacy/a/b.go", true},
		{"legacy/**", "src/legacy/a.go", false},
		{"legacy/", "legacy/a", true},
		{"/legacy/*.go", "legacy/a.go", true},
		{"legacy/*.go", "legacy/a/b.go", false},
		{"*.md", "docs/deep/README.md", true},
		{"**/gen/**", "a/b/gen/c/d", true},
		{"tools/legacy/**", "tools/legacy", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"[", "[", false},
		{"", "x", false},
	} {
		if got := Match(tc.pattern, tc.name); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}
