package codeowners

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignoreCompiled = cmpopts.IgnoreUnexported(Rule{}, File{})

func TestParseGitHub(t *testing.T) {
	f := Parse(GitHub, strings.Join([]string{
		"# comment",
		"",
		"*       @global-owner1 @global-owner2",
		"*.js    @js-owner #This is an inline comment.",
		"*.go docs@example.com",
		"*.txt @octo-org/octocats",
		"/apps/github",
		"   /indented/   @EMU-user_corp   ",
		"/crlf/ @crlf\r",
	}, "\n"))
	want := []Rule{
		{Line: 3, Pattern: "*", Owners: []Owner{{"@global-owner1", User}, {"@global-owner2", User}}},
		{Line: 4, Pattern: "*.js", Owners: []Owner{{"@js-owner", User}}},
		{Line: 5, Pattern: "*.go", Owners: []Owner{{"docs@example.com", Email}}},
		{Line: 6, Pattern: "*.txt", Owners: []Owner{{"@octo-org/octocats", Team}}},
		{Line: 7, Pattern: "/apps/github"},
		{Line: 8, Pattern: "/indented/", Owners: []Owner{{"@EMU-user_corp", User}}},
		{Line: 9, Pattern: "/crlf/", Owners: []Owner{{"@crlf", User}}},
	}
	if diff := cmp.Diff(want, f.Rules, ignoreCompiled); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors: %v", f.Errors)
	}
	if f.Lines != 9 {
		t.Errorf("Lines = %d, want 9", f.Lines)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		dialect Dialect
		line    string
		want    string // regexp of the error; "" for none
	}{
		{"negation", GitHub, "!/docs/ @a", "negation"},
		{"character range", GitHub, "*.[ch] @a", "character ranges"},
		{"escaped hash", GitHub, `\#notes @a`, "escaping a leading `#`"},
		{"escaped bracket is fine", GitHub, `a\[1\].txt @a`, ""},
		{"gitlab section", GitHub, "[Docs] @team", "GitLab section header"},
		{"gitlab optional section", GitHub, "^[Docs]", "GitLab section header"},
		{"role on github", GitHub, "* @@maintainer", "GitLab role"},
		{"nested group on github", GitHub, "* @a/b/c", "nested group"},
		{"bare word owner", GitHub, "* maintainers", "`maintainers` is not an owner"},
		{"root only", GitHub, "/ @a", "matches no file"},
		{"ownerless is valid", GitHub, "/vendor/", ""},
		{"ownerless with comment is valid", GitHub, "/vendor/ # nobody", ""},
		{"long line", GitHub, "/" + strings.Repeat("a", MaxLineLength) + " @a", "longer than"},
		{"nul byte", GitHub, "/a\x00b @a", "NUL"},

		{"section", GitLab, "[Docs]", ""},
		{"optional section", GitLab, "^[Docs]", ""},
		{"approvals", GitLab, "[Docs][2] @docs", ""},
		{"default owners", GitLab, "[Docs] @group @group/sub @@maintainer a@b.example", ""},
		{"optional with approvals", GitLab, "^[Docs][2]", "cannot require approvals"},
		{"empty section name", GitLab, "[]", "no name"},
		{"unclosed section", GitLab, "[Section", "not closed"},
		{"text after header", GitLab, "[Docs] @a, @b", "unexpected"},
		{"negation", GitLab, "!/docs/", ""},
		{"escaped hash", GitLab, `\#notes @a`, ""},
		{"escaped space", GitLab, `path\ with\ spaces/ @a`, ""},
		{"character class", GitLab, "*.[ch] @a", ""},
		{"bad role", GitLab, "* @@reporter", "not a role"},
		{"inline comment", GitLab, "/docs/**/*.md @markdown-docs  # Match specific file types", "inline comments"},
		{"malformed owner", GitLab, "/path/* @group user_without_at_symbol @user_with_at_symbol", "user_without_at_symbol"},
		{"ownerless is valid", GitLab, "/vendor/", ""},
		{"long line", GitLab, strings.Repeat("a", MaxLineLength+1), "longer than"},
	} {
		t.Run(string(c.dialect)+"/"+c.name, func(t *testing.T) {
			f := Parse(c.dialect, "# first line\n"+c.line+"\n")
			if c.want == "" {
				if len(f.Errors) != 0 {
					t.Errorf("errors: %v", f.Errors)
				}
				return
			}
			if len(f.Errors) != 1 {
				t.Fatalf("errors = %v, want one matching %q", f.Errors, c.want)
			}
			if e := f.Errors[0]; e.Line != 2 || !regexp.MustCompile(c.want).MatchString(e.Msg) {
				t.Errorf("error = %v, want line 2 matching %q", e, c.want)
			}
		})
	}
}

func TestGitHubSkipsInvalidLines(t *testing.T) {
	f := Parse(GitHub, "* @all\n!/docs/ @nobody\n/docs/ @docs maintainers\n")
	if len(f.Rules) != 1 || len(f.Errors) != 2 {
		t.Fatalf("rules %d, errors %v; want 1 rule, 2 errors", len(f.Rules), f.Errors)
	}
	if got := ownerTexts(f, "docs/a.md"); got != "@all" {
		t.Errorf("docs/a.md owned by %s, want @all (invalid lines are skipped)", got)
	}
}

func TestGitLabKeepsValidOwners(t *testing.T) {
	f := Parse(GitLab, "/path/* @group user_without_at_symbol @user_with_at_symbol\n")
	if got := ownerTexts(f, "path/a"); got != "@group @user_with_at_symbol" {
		t.Errorf("owners %s", got)
	}
}

func TestParseGitLabSections(t *testing.T) {
	f := Parse(GitLab, strings.Join([]string{
		"* @admin",                     // 1
		"[Docs][2] @docs-team",         // 2
		"docs/",                        // 3
		"README.md @tech-writer",       // 4
		"^[Go]",                        // 5
		"*.go @gophers",                // 6
		"[DOCS] @@maintainer",          // 7
		"*.txt",                        // 8
		"^[go][0]",                     // 9
		"[Unclosed",                    // 10
		"[Roles] @@developers @@Owner", // 11
	}, "\n"))
	wantSections := []Section{
		{Name: "Docs", Lines: []int{2, 7}, Approvals: 2, DefaultOwners: []Owner{{"@docs-team", User}, {"@@maintainer", Role}}},
		{Name: "Go", Lines: []int{5, 9}, Optional: true},
		{Name: "Roles", Lines: []int{11}, DefaultOwners: []Owner{{"@@developers", Role}, {"@@Owner", Role}}},
	}
	if diff := cmp.Diff(wantSections, f.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	wantRules := []Rule{
		{Line: 1, Pattern: "*", Owners: []Owner{{"@admin", User}}},
		{Line: 3, Pattern: "docs/", Owners: []Owner{{"@docs-team", User}}, FromDefault: true, Section: "Docs"},
		{Line: 4, Pattern: "README.md", Owners: []Owner{{"@tech-writer", User}}, Section: "Docs"},
		{Line: 6, Pattern: "*.go", Owners: []Owner{{"@gophers", User}}, Section: "Go"},
		{Line: 8, Pattern: "*.txt", Owners: []Owner{{"@@maintainer", Role}}, FromDefault: true, Section: "Docs"},
		{Line: 10, Pattern: "[Unclosed", Section: "Go"},
	}
	if diff := cmp.Diff(wantRules, f.Rules, ignoreCompiled); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if len(f.Errors) != 1 || f.Errors[0].Line != 10 {
		t.Errorf("errors = %v, want one on line 10", f.Errors)
	}
	if got := ownerTexts(f, "a/notes.txt"); got != "@admin @@maintainer" {
		t.Errorf("a/notes.txt owners = %s", got)
	}
}

func TestCatchAll(t *testing.T) {
	for _, c := range []struct {
		d    Dialect
		text string
		line int
	}{
		{GitHub, "* @a\n/docs/ @b\n", 1},
		{GitHub, "* @a\n/** @b\n/docs/ @c\n", 2},
		{GitHub, "** @a\n/docs/ @c\n", 0},
		{GitLab, "* @a\n[S]\n* @b\n", 3},
		{GitLab, "[S] @d\n/docs/\n", 0},
		{GitLab, "* @a\n!*\n", 1},
	} {
		got := 0
		if r := Parse(c.d, c.text).CatchAll(); r != nil {
			got = r.Line
		}
		if got != c.line {
			t.Errorf("%s %q: catch-all on line %d, want %d", c.d, c.text, got, c.line)
		}
	}
}

func TestNamesOwner(t *testing.T) {
	for _, c := range []struct {
		d    Dialect
		text string
		want bool
	}{
		{GitHub, "# only comments\n", false},
		{GitHub, "/vendor/\n*.md # nobody\n", false},
		{GitHub, "* maintainers\n", false},
		{GitHub, "* @a\n", true},
		{GitLab, "[Docs] @docs\n", false},
		{GitLab, "[Docs] @docs\n/docs/\n", true},
		{GitLab, "!/docs/\n", false},
	} {
		if got := Parse(c.d, c.text).NamesOwner(); got != c.want {
			t.Errorf("%s %q: NamesOwner = %v, want %v", c.d, c.text, got, c.want)
		}
	}
}

// Hostile input: one 10 MiB line, NUL bytes, invalid UTF-8, many lines.
func TestParseHostile(t *testing.T) {
	inputs := map[string]string{
		"10 MiB line":   strings.Repeat("*", 10<<20),
		"10 MiB spaces": "* " + strings.Repeat(" ", 10<<20) + "@a",
		"NUL bytes":     "\x00\x00\n*\x00 @a\n\x00",
		"invalid UTF-8": "\xff\xfe\n/\xc3\x28/ @a\n*.\xe2\x82 @b\n[\xff] @c\n",
		"many errors":   strings.Repeat("! @a\n", 5000),
		"many rules":    strings.Repeat("/a/b/c/ @a\n", 20000),
		"deep globstar": strings.Repeat("**/a/", 2000) + "b @a\n",
		"only newlines": strings.Repeat("\n", 10000),
		"brackets":      "[[[[[[\n]]]]]]\n^[\n[][][]\n[a][99999999999999999999] @a\n",
	}
	deep := strings.Repeat("a/", 3000) + "b"
	for name, in := range inputs {
		for _, d := range []Dialect{GitHub, GitLab} {
			t.Run(string(d)+"/"+name, func(t *testing.T) {
				f := Parse(d, in)
				checkInvariants(t, f, in)
				f.Owners(deep)
				f.Owners("a")
				f.Coverage([]string{"", "/", "a/b", "\x00", "\xff/x"})
			})
		}
	}
	if f := Parse(GitHub, strings.Repeat("! @a\n", 5000)); len(f.Errors) != MaxErrors || f.MoreErrors != 4000 {
		t.Errorf("errors %d, more %d; want %d and 4000", len(f.Errors), f.MoreErrors, MaxErrors)
	}
}

// checkInvariants checks what must hold for every parse.
func checkInvariants(t testing.TB, f *File, text string) {
	t.Helper()
	lines := strings.Count(text, "\n") + 1
	last := 0
	for _, r := range f.Rules {
		if r.Line <= last || r.Line > lines {
			t.Fatalf("rule line %d after %d (file has %d lines)", r.Line, last, lines)
		}
		last = r.Line
		if r.FromDefault && r.Section == "" {
			t.Fatalf("line %d: default owners outside a section", r.Line)
		}
	}
	last = 0
	for _, e := range f.Errors {
		if e.Line < 1 || e.Line > lines || e.Line < last {
			t.Fatalf("error line %d after %d (file has %d lines)", e.Line, last, lines)
		}
		last = e.Line
		if e.Msg == "" {
			t.Fatalf("error on line %d has no message", e.Line)
		}
	}
	if len(f.Errors) > MaxErrors {
		t.Fatalf("%d errors recorded", len(f.Errors))
	}
	if f.Dialect == GitHub && len(f.Sections) > 0 {
		t.Fatalf("GitHub file with sections")
	}
}
