package codeowners

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ownerTexts returns the owners of p as "@a @b", "-" when unowned.
func ownerTexts(f *File, p string) string {
	owners, _ := f.Owners(p)
	if len(owners) == 0 {
		return "-"
	}
	var s []string
	for _, o := range owners {
		s = append(s, o.Text)
	}
	return strings.Join(s, " ")
}

type matchCase struct {
	name  string
	file  string
	owns  map[string]string // path -> owners ("-" unowned)
	lines map[string]int    // path -> line of the deciding rule (0: none)
}

func runMatchCases(t *testing.T, d Dialect, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Parse(d, c.file)
			if len(f.Errors) > 0 {
				t.Fatalf("parse errors: %v", f.Errors)
			}
			got := map[string]string{}
			for p := range c.owns {
				got[p] = ownerTexts(f, p)
			}
			if diff := cmp.Diff(c.owns, got); diff != "" {
				t.Errorf("owners (-want +got):\n%s", diff)
			}
			for p, want := range c.lines {
				_, r := f.Owners(p)
				gotLine := 0
				if r != nil {
					gotLine = r.Line
				}
				if gotLine != want {
					t.Errorf("%s: deciding rule on line %d, want %d", p, gotLine, want)
				}
			}
		})
	}
}

// The examples of GitHub's "About code owners", one rule group at a time.
func TestMatchGitHubDocs(t *testing.T) {
	runMatchCases(t, GitHub, []matchCase{
		{
			name: "global owners and last match wins",
			file: "*       @global-owner1 @global-owner2\n*.js    @js-owner #This is an inline comment.\n*.go docs@example.com\n*.txt @octo-org/octocats\n",
			owns: map[string]string{
				"README.md":             "@global-owner1 @global-owner2",
				"some/deep/nested/x.rb": "@global-owner1 @global-owner2",
				"src/app.js":            "@js-owner",
				"app.js":                "@js-owner",
				"cmd/main.go":           "docs@example.com",
				"notes/todo.txt":        "@octo-org/octocats",
				".github/ci.yml":        "@global-owner1 @global-owner2",
			},
			lines: map[string]int{"src/app.js": 2, "README.md": 1},
		},
		{
			name: "/build/logs/ is the root build/logs directory and below",
			file: "/build/logs/ @doctocat\n",
			owns: map[string]string{
				"build/logs/a.log":       "@doctocat",
				"build/logs/2024/b.log":  "@doctocat",
				"x/build/logs/a.log":     "-",
				"build/logs":             "-",
				"build/other/logs/a.log": "-",
			},
		},
		{
			name: "docs/* matches files directly in docs only",
			file: "docs/* docs@example.com\n",
			owns: map[string]string{
				"docs/getting-started.md":            "docs@example.com",
				"docs/build-app/troubleshooting.md":  "-",
				"x/docs/getting-started.md":          "-",
				"docs/.hidden":                       "docs@example.com",
				"documentation/getting-started.md":   "-",
				"docs/build-app/nested/deep/file.md": "-",
			},
		},
		{
			name: "apps/ is an apps directory anywhere",
			file: "apps/ @octocat\n",
			owns: map[string]string{
				"apps/a.go":         "@octocat",
				"src/apps/a.go":     "@octocat",
				"src/apps/x/y/z.go": "@octocat",
				"apps":              "-",
				"myapps/a.go":       "-",
			},
		},
		{
			name: "/docs/ is the root docs directory and below",
			file: "/docs/ @doctocat\n",
			owns: map[string]string{
				"docs/a.md":     "@doctocat",
				"docs/x/y.md":   "@doctocat",
				"src/docs/a.md": "-",
			},
		},
		{
			name: "/scripts/ with two owners",
			file: "/scripts/ @doctocat @octocat\n",
			owns: map[string]string{"scripts/build.sh": "@doctocat @octocat"},
		},
		{
			name: "**/logs is a logs directory anywhere",
			file: "**/logs @octocat\n",
			owns: map[string]string{
				"build/logs/a.log":          "@octocat",
				"scripts/logs/a.log":        "@octocat",
				"deeply/nested/logs/x/y.gz": "@octocat",
				"logs/a.log":                "@octocat",
				"logs":                      "@octocat",
				"catalogs/a":                "-",
			},
		},
		{
			name: "an ownerless rule removes ownership",
			file: "/apps/ @octocat\n/apps/github\n",
			owns: map[string]string{
				"apps/a.go":          "@octocat",
				"apps/github/a.go":   "-",
				"apps/github":        "-",
				"apps/githubber/a.c": "@octocat",
			},
			lines: map[string]int{"apps/github/a.go": 2},
		},
		{
			name: "a later rule with its own owner",
			file: "/apps/ @octocat\n/apps/github @doctocat\n",
			owns: map[string]string{
				"apps/a.go":        "@octocat",
				"apps/github/a.go": "@doctocat",
			},
		},
		{
			name: "globs",
			file: "*       @all\n/*.md @root-docs\n?.txt @one\n/**/*.proto @proto\nsrc/**/test/ @tests\n/dist/** @dist\n",
			owns: map[string]string{
				"README.md":            "@root-docs",
				"docs/README.md":       "@all",
				"a.txt":                "@one",
				"dir/b.txt":            "@one",
				"ab.txt":               "@all",
				"api/v1/x.proto":       "@proto",
				"x.proto":              "@proto",
				"src/test/a.go":        "@tests",
				"src/a/b/test/c/d.go":  "@tests",
				"lib/src/test/a.go":    "@all",
				"dist/a/b.js":          "@dist",
				"dist":                 "@all",
				"unicode/é.txt":        "@one",
				"space dir/with space": "@all",
			},
		},
		{
			name: "escaped space",
			file: `/my\ dir/ @spaces` + "\n",
			owns: map[string]string{"my dir/a": "@spaces", "my/a": "-"},
		},
		{
			name: "a pattern with an inner slash is anchored",
			file: "*/debian @deb\ndocs/api @api\n",
			owns: map[string]string{
				"8/debian/Dockerfile":   "@deb",
				"a/8/debian/Dockerfile": "-",
				"docs/api/x.md":         "@api",
				"src/docs/api/x.md":     "-",
			},
		},
	})
}

// The examples of GitLab's "Syntax of CODEOWNERS file" and "Advanced
// CODEOWNERS configuration".
func TestMatchGitLabDocs(t *testing.T) {
	runMatchCases(t, GitLab, []matchCase{
		{
			name: "basic examples",
			file: "* @default-owner\nREADME.md @doc-team @tech-lead\n*.rb @ruby-owner\nLICENSE @legal janedoe@gitlab.com\n",
			owns: map[string]string{
				"main.go":           "@default-owner",
				"README.md":         "@doc-team @tech-lead",
				"app/lib/README.md": "@doc-team @tech-lead",
				"app/models/x.rb":   "@ruby-owner",
				"LICENSE":           "@legal janedoe@gitlab.com",
				".gitignore":        "@default-owner",
			},
		},
		{
			name: "absolute, relative and directory paths",
			file: "/README.md @root\n/docs/ @all-docs\ninternal/README.md @internal\nlib/ @lib-owner\n/config/ @config-owner\n",
			owns: map[string]string{
				"README.md":                   "@root",
				"docs/README.md":              "@all-docs",
				"internal/README.md":          "@internal",
				"docs/internal/README.md":     "@internal",
				"docs/api/internal/README.md": "@internal",
				"docs/a/b/c.md":               "@all-docs",
				"lib/a.rb":                    "@lib-owner",
				"app/lib/x/y.rb":              "@lib-owner",
				"config/a.yml":                "@config-owner",
				"app/config/a.yml":            "-",
				"x/README.md":                 "-",
			},
		},
		{
			name: "wildcards and globstars",
			file: "/docs/*.md @md\n/docs/index.* @index\n/docs/*spec* @spec\n/docs/*/README.md @readme\n/db/**/index.md @db\n",
			owns: map[string]string{
				"docs/a.md":                   "@md",
				"docs/x/a.md":                 "-",
				"docs/index.html":             "@index",
				"docs/qa_specs.rb":            "@spec",
				"docs/runtime.spec":           "@spec",
				"docs/api/README.md":          "@readme",
				"docs/README.md":              "@md",
				"docs/a/b/README.md":          "-",
				"db/index.md":                 "@db",
				"db/api/index.md":             "@db",
				"db/api/graphql/index.md":     "@db",
				"db/api/graphql/notindex.md":  "-",
				"other/db/api/index.md":       "-",
				"docs/api/deeper/README.html": "-",
			},
		},
		{
			name: "a directory without a trailing slash matches only a file of that name",
			file: "[Documentation]\nee/docs    @docs\ndocs       @docs\n",
			owns: map[string]string{
				"docs":          "@docs",
				"docs/index.md": "-",
				"ee/docs":       "@docs",
				"x/ee/docs":     "@docs",
				"ee/docs/a.md":  "-",
			},
		},
		{
			name: "/docs/** ends in ** which fnmatch reads as *",
			file: "/docs/** @one-level\n",
			owns: map[string]string{"docs/a.md": "@one-level", "docs/a/b.md": "-"},
		},
		{
			name: "sections are evaluated separately",
			file: "* @admin\n\n[README Owners]\nREADME.md @user1 @user2\ninternal/README.md @user4\n\n[README other owners]\nREADME.md @user3\n",
			owns: map[string]string{
				"README.md":          "@admin @user1 @user2 @user3",
				"internal/README.md": "@admin @user4 @user3",
				"main.go":            "@admin",
			},
		},
		{
			name: "section default owners",
			file: "[Documentation] @docs-team\ndocs/\nREADME.md\n\n[Database] @database-team @agarcia\nmodel/db/\nconfig/db/database-setup.md @docs-team\n",
			owns: map[string]string{
				"docs/a.md":                   "@docs-team",
				"README.md":                   "@docs-team",
				"model/db/schema.rb":          "@database-team @agarcia",
				"config/db/database-setup.md": "@docs-team",
				"main.go":                     "-",
			},
		},
		{
			name: "regular entries and sections",
			file: "* @general-approvers\n\n[Documentation] @docs-team\ndocs/\nREADME.md\n*.txt\n\n[Database] @database-team\nmodel/db/\nconfig/db/database-setup.md @docs-team\n",
			owns: map[string]string{
				"model/db/CHANGELOG.txt": "@general-approvers @docs-team @database-team",
			},
		},
		{
			name: "duplicate sections merge without case",
			file: "[Documentation]\nee/docs/    @docs\ndocs/       @docs\n\n[Database]\nREADME.md  @database\nmodel/db/   @database\n\n[DOCUMENTATION]\nREADME.md  @docs\n",
			owns: map[string]string{
				"README.md": "@docs @database",
			},
		},
		{
			name: "last entry of a section wins",
			file: "*.md @doc-team\nterms.md @legal-team\n",
			owns: map[string]string{"terms.md": "@legal-team", "x/terms.md": "@legal-team", "a.md": "@doc-team"},
		},
		{
			name: "exclusions",
			file: "* @username\n!pom.xml\n\n[Ruby]\n*.rb @ruby-team\n!/config/**/*.rb\n",
			owns: map[string]string{
				"pom.xml":          "-",
				"sub/pom.xml":      "-",
				"app/a.rb":         "@username @ruby-team",
				"config/a.rb":      "@username",
				"config/x/y/z.rb":  "@username",
				"config/README.md": "@username",
			},
		},
		{
			name: "an exclusion wins whatever the order",
			file: "* @default-owner\n!*.rb\n/special/*.rb @ruby-owner\n",
			owns: map[string]string{"special/a.rb": "-", "a.rb": "-", "a.go": "@default-owner"},
		},
		{
			name: "exclusions in one section leave the others",
			file: "[Ruby]\n*.rb @ruby-team\n!/config/**/*.rb\n\n[Config]\n/config/ @ops-team\n",
			owns: map[string]string{"config/routes.rb": "@ops-team", "app/a.rb": "@ruby-team"},
		},
		{
			name: "roles and nested groups",
			file: "/config/ @@maintainer\nfile.md @@developer @@maintainers\nREADME @group @group/with-nested/subgroup\n",
			owns: map[string]string{
				"config/a.yml": "@@maintainer",
				"file.md":      "@@developer @@maintainers",
				"README":       "@group @group/with-nested/subgroup",
			},
		},
		{
			name: "escaped spaces and hash",
			file: "path\\ with\\ spaces/ @space-owner\n\\#file_with_pound.rb @owner-file-with-pound\n",
			owns: map[string]string{
				"path with spaces/a.md":   "@space-owner",
				"x/path with spaces/a.md": "@space-owner",
				"#file_with_pound.rb":     "@owner-file-with-pound",
			},
		},
		{
			name: "character classes work, braces do not",
			file: "glib/gmessages.[ch] @pwithnall\ngio/g*{file,vfs}* @oholy\nx/[!a]*.go @nota\n",
			owns: map[string]string{
				"glib/gmessages.c":      "@pwithnall",
				"glib/gmessages.h":      "@pwithnall",
				"glib/gmessages.o":      "-",
				"gio/gfile.c":           "-",
				"gio/g{file,vfs}.c":     "@oholy",
				"x/b.go":                "@nota",
				"x/a.go":                "-",
				"sub/glib/gmessages.c":  "@pwithnall",
				"glib/gmessages.[ch]":   "-",
				"glib/sub/gmessages.c":  "-",
				"deeper/x/bcd/e.go":     "-",
				"deeper/x/bcd.go":       "@nota",
				"deeper/x/.dotfile.go":  "@nota",
				"glib/gmessages.c/file": "-",
			},
		},
		{
			name: "a repeated pattern replaces the entry in its place",
			file: "*.rb @a\n/x.rb @b\n*.rb @c\n",
			owns: map[string]string{"x.rb": "@b", "y.rb": "@c"},
		},
	})
}

func TestGitLabDotfiles(t *testing.T) {
	f := Parse(GitLab, "*.yml @yaml\n/.gitlab/ @ci\n")
	for p, want := range map[string]string{
		".gitlab-ci.yml":     "@yaml",
		".gitlab/ci/a.yml":   "@ci",
		".github/x/.a.yml":   "@yaml",
		".gitlab/.hidden/.x": "@ci",
	} {
		if got := ownerTexts(f, p); got != want {
			t.Errorf("%s: owners %s, want %s", p, got, want)
		}
	}
}

func TestCoverage(t *testing.T) {
	f := Parse(GitHub, "* @all\n/vendor/\n/docs/ @docs\n/docs/generated/\n")
	owned, unowned := f.Coverage([]string{"a.go", "vendor/x.go", "docs/a.md", "docs/generated/b.md", "./c.go", "/d.go"})
	if owned != 4 {
		t.Errorf("owned = %d, want 4", owned)
	}
	if diff := cmp.Diff([]string{"vendor/x.go", "docs/generated/b.md"}, unowned); diff != "" {
		t.Errorf("unowned (-want +got):\n%s", diff)
	}
}
