package codeowners

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"
)

func corpusDir(t testing.TB) string { return sharedtest.Dir(t, "corpus") }

type corpusFile struct {
	name, repo, path string
	dialect          Dialect
	text             string
}

// gitlabHosted are the corpus projects that live on a GitLab instance
// (mirrored to GitHub): gitlab.com/gitlab-org, gitlab.gnome.org,
// gitlab.kitware.com.
func gitlabHosted(repo, p string) bool {
	return strings.HasPrefix(p, ".gitlab/") || strings.HasPrefix(repo, "gitlabhq/") || repo == "GNOME/glib" || repo == "Kitware/SMTK"
}

// loadCorpus reads every CODEOWNERS of the corpus with its dialect, taken
// from SOURCES.tsv.
func loadCorpus(t testing.TB) map[string]corpusFile {
	t.Helper()
	root := corpusDir(t)
	files := map[string]corpusFile{}
	for _, c := range sharedtest.Corpus(t, "codeowners") {
		b, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		d := GitHub
		if gitlabHosted(c.Repo, c.Path) {
			d = GitLab
		}
		name := filepath.Base(c.File)
		files[name] = corpusFile{name: name, repo: c.Repo, path: c.Path, dialect: d, text: string(b)}
	}
	// Every file of the directory is in SOURCES.tsv.
	entries, err := os.ReadDir(filepath.Join(root, "codeowners"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := files[e.Name()]; !ok {
			t.Errorf("%s is not in SOURCES.tsv", e.Name())
		}
	}
	if len(files) < 30 {
		t.Fatalf("only %d CODEOWNERS in the corpus", len(files))
	}
	return files
}

// Every corpus file parses in its forge's dialect without an error, and in
// the other dialect without a panic.
func TestCorpusParses(t *testing.T) {
	paths := []string{"README.md", "docs/index.md", ".github/workflows/ci.yml", "a/b/c/d/e.go", "pkg/x/y_test.go"}
	for name, c := range loadCorpus(t) {
		t.Run(name, func(t *testing.T) {
			f := Parse(c.dialect, c.text)
			checkInvariants(t, f, c.text)
			if len(f.Errors) != 0 {
				t.Errorf("%s dialect: %v", c.dialect, f.Errors)
			}
			if !f.NamesOwner() {
				t.Errorf("names no owner")
			}
			f.Coverage(paths)
			other := GitLab
			if c.dialect == GitLab {
				other = GitHub
			}
			g := Parse(other, c.text)
			checkInvariants(t, g, c.text)
			g.Coverage(paths)
		})
	}
}

func corpusFileNamed(t *testing.T, name string) corpusFile {
	t.Helper()
	c, ok := loadCorpus(t)[name]
	if !ok {
		t.Fatalf("corpus has no %s", name)
	}
	return c
}

func owners(texts ...string) []Owner {
	var os []Owner
	for _, s := range texts {
		var o Owner
		switch {
		case strings.HasPrefix(s, "@@"):
			o = Owner{s, Role}
		case strings.HasPrefix(s, "@") && strings.Contains(s, "/"):
			o = Owner{s, Team}
		case strings.HasPrefix(s, "@"):
			o = Owner{s, User}
		default:
			o = Owner{s, Email}
		}
		os = append(os, o)
	}
	return os
}

// gitlab-runner: four sections, one with a default owner, no approval
// counts (so one approval each), nested-group owners.
func TestCorpusGitLabRunnerSections(t *testing.T) {
	c := corpusFileNamed(t, "gitlabhq__gitlab-runner__.gitlab__CODEOWNERS")
	if c.dialect != GitLab {
		t.Fatalf("dialect %s", c.dialect)
	}
	f := Parse(c.dialect, c.text)
	want := []Section{
		{Name: "Hosted Runners", Lines: []int{10}, DefaultOwners: owners("@gitlab-org/production-engineering/runners-platform")},
		{Name: "Pipeline Security", Lines: []int{15}},
		{Name: "Documentation", Lines: []int{23}},
		{Name: "Localization", Lines: []int{27}},
	}
	if diff := cmp.Diff(want, f.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	// `magefiles/hosted_runners.go` has no owner of its own: it takes the
	// section's default owner.
	rules := f.Match("magefiles/hosted_runners.go")
	if len(rules) != 2 || rules[0].Line != 5 {
		t.Fatalf("magefiles/hosted_runners.go decided by %d rules", len(rules))
	}
	if r := rules[1]; r.Line != 12 || !r.FromDefault || r.Section != "Hosted Runners" {
		t.Errorf("magefiles/hosted_runners.go decided by %+v", r)
	}
	// docs/ is owned by the unnamed section's catch-all and by Documentation.
	got, _ := f.Owners("docs/install/index.md")
	if diff := cmp.Diff(owners("@gitlab-com/runner-maintainers", "@gitlab-com/runner-docs-maintainers"), got); diff != "" {
		t.Errorf("docs owners (-want +got):\n%s", diff)
	}
	if r := f.CatchAll(); r == nil || r.Line != 5 {
		t.Errorf("catch-all %+v, want line 5", r)
	}
}

// gitlab-shell: an ownerless `*.md ` (with a trailing space) in a section
// with default owners; an approval count added to that header.
func TestCorpusGitLabShellDefaultsAndApprovals(t *testing.T) {
	c := corpusFileNamed(t, "gitlabhq__gitlab-shell__.gitlab__CODEOWNERS")
	f := Parse(c.dialect, c.text)
	r := f.Rules[1]
	if r.Line != 5 || r.Pattern != "*.md" || !r.FromDefault || !cmp.Equal(r.Owners, owners("@gl-docsteam")) {
		t.Errorf("line 5 rule = %+v", r)
	}
	got, _ := f.Owners("doc/x/README.md")
	if diff := cmp.Diff(owners("@gitlab-org/maintainers/gitlab-shell", "@gl-docsteam"), got); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	if f.Sections[0].Approvals != 0 {
		t.Errorf("approvals %d, want 0 (none given)", f.Sections[0].Approvals)
	}
	// The same file with the approval-count form, which no real file uses.
	g := Parse(GitLab, strings.Replace(c.text, "[Documentation] @gl-docsteam", "[Documentation][2] @gl-docsteam", 1))
	if len(g.Errors) != 0 || g.Sections[0].Approvals != 2 || g.Sections[0].Name != "Documentation" {
		t.Errorf("[Documentation][2]: sections %+v, errors %v", g.Sections, g.Errors)
	}
	// ... and with a role as the section's default owner.
	h := Parse(GitLab, strings.Replace(c.text, "[Documentation] @gl-docsteam", "[Documentation] @@maintainer", 1))
	if got, _ := h.Owners("README.md"); !slices.Contains(got, Owner{"@@maintainer", Role}) {
		t.Errorf("README.md owners %v, want the role @@maintainer", got)
	}
	if hub := Parse(GitHub, "* @@maintainer\n"); len(hub.Errors) != 1 {
		t.Errorf("a role is not a GitHub owner: errors %v", hub.Errors)
	}
}

// Kitware/SMTK: e-mail owners only.
func TestCorpusEmailOwners(t *testing.T) {
	c := corpusFileNamed(t, "Kitware__SMTK__.gitlab__CODEOWNERS")
	f := Parse(c.dialect, c.text)
	got, r := f.Owners("smtk/resource/Resource.cxx")
	if diff := cmp.Diff(owners("david.thompson@kitware.com", "bob.obara@kitware.com"), got); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	if r == nil || r.Line != 23 {
		t.Errorf("rule %+v, want line 23", r)
	}
	for _, r := range f.Rules {
		for _, o := range r.Owners {
			if o.Kind != Email {
				t.Errorf("line %d: %v is not an e-mail owner", r.Line, o)
			}
		}
	}
	// No catch-all: files outside the listed directories are unowned.
	if owned, _ := f.Coverage([]string{"CMakeLists.txt", "smtk/io/Logger.h"}); owned != 1 {
		t.Errorf("owned %d of 2, want 1", owned)
	}
}

// omnibus-gitlab: `!` exclusions are GitLab syntax, invalid on GitHub.
func TestCorpusNegation(t *testing.T) {
	c := corpusFileNamed(t, "gitlabhq__omnibus-gitlab__.gitlab__CODEOWNERS")
	hub := Parse(GitHub, c.text)
	var negations []int
	for _, e := range hub.Errors {
		if strings.Contains(e.Msg, "negation") {
			negations = append(negations, e.Line)
		}
	}
	if diff := cmp.Diff([]int{15, 16, 17, 18, 19, 20, 24, 25}, negations); diff != "" {
		t.Errorf("GitHub negation errors (-want +got):\n%s", diff)
	}
	lab := Parse(GitLab, c.text)
	// doc/install.md is excluded from the unnamed section's `*` rule but
	// owned by the optional Documentation Directories section.
	got, r := lab.Owners("doc/install.md")
	if diff := cmp.Diff(owners("@axil", "@eread"), got); diff != "" {
		t.Errorf("doc/install.md owners (-want +got):\n%s", diff)
	}
	if r == nil || r.Section != "Documentation Directories" {
		t.Errorf("doc/install.md decided by %+v", r)
	}
	if s := lab.Sections[3]; s.Name != "Legal" || !s.Optional {
		t.Errorf("section 4 = %+v, want the optional Legal", s)
	}
	// argo_translation.yml: excluded from the unnamed section, owned by the
	// Localization Team.
	if got := ownerTexts(lab, "argo_translation.yml"); got != "@gitlab-com/localization/maintainers/tech-docs" {
		t.Errorf("argo_translation.yml owners %s", got)
	}
}

// istio: `/releasenotes/notes` names no owner and so removes ownership.
func TestCorpusOwnerlessPattern(t *testing.T) {
	c := corpusFileNamed(t, "istio__istio__CODEOWNERS")
	f := Parse(c.dialect, c.text)
	got, r := f.Owners("releasenotes/notes/fix-1234.yaml")
	if len(got) != 0 || r == nil || r.Line != 47 || r.Pattern != "/releasenotes/notes" {
		t.Errorf("releasenotes/notes: owners %v, rule %+v; want none, from line 47", got, r)
	}
	if got := ownerTexts(f, "releasenotes/template.yaml"); got != "@istio/wg-test-and-release-maintainers" {
		t.Errorf("releasenotes/template.yaml owners %s", got)
	}
	if got := ownerTexts(f, "pilot/pkg/security/authn.go"); got != "@istio/wg-security-maintainers" {
		t.Errorf("pilot/pkg/security owners %s", got)
	}
	// konflux-ci: a trailing ownerless `/pipelines/*/README.md`.
	k := corpusFileNamed(t, "konflux-ci__build-definitions__CODEOWNERS")
	kf := Parse(k.dialect, k.text)
	if got := ownerTexts(kf, "pipelines/docker-build/README.md"); got != "-" {
		t.Errorf("konflux README owners %s, want none", got)
	}
	if got := ownerTexts(kf, "pipelines/docker-build/deep/README.md"); got != "@konflux-ci/build-maintainers" {
		t.Errorf("konflux deep README owners %s", got)
	}
}

// glib (GitLab): `[ch]` classes, literal braces; invalid on GitHub.
func TestCorpusGlibClasses(t *testing.T) {
	c := corpusFileNamed(t, "GNOME__glib__docs__CODEOWNERS")
	if c.dialect != GitLab {
		t.Fatalf("dialect %s", c.dialect)
	}
	f := Parse(c.dialect, c.text)
	if got := ownerTexts(f, "glib/gmessages.h"); got != "@pwithnall" {
		t.Errorf("glib/gmessages.h owners %s", got)
	}
	if got := ownerTexts(f, "glib/grefcount.c"); got != "@ebassi @pwithnall" {
		t.Errorf("glib/grefcount.c owners %s (braces are literal in fnmatch)", got)
	}
	hub := Parse(GitHub, c.text)
	var ranges []int
	for _, e := range hub.Errors {
		ranges = append(ranges, e.Line)
	}
	if diff := cmp.Diff([]int{88, 89, 90, 93}, ranges); diff != "" {
		t.Errorf("GitHub errors (-want +got):\n%s", diff)
	}
}

// Small GitHub facts: no final newline, teams, `**` as catch-all pattern,
// an anchored `*/debian`, warp's optional sections.
func TestCorpusSmallFacts(t *testing.T) {
	runner := Parse(GitHub, corpusFileNamed(t, "actions__runner__CODEOWNERS").text)
	if diff := cmp.Diff([]Rule{{Line: 1, Pattern: "*", Owners: owners("@actions/actions-runtime")}}, runner.Rules, ignoreCompiled); diff != "" {
		t.Errorf("actions/runner (-want +got):\n%s", diff)
	}
	argo := Parse(GitHub, corpusFileNamed(t, "argoproj__argo-cd__CODEOWNERS").text)
	if argo.CatchAll() != nil {
		t.Errorf("argo-cd's `**` is not a catch-all pattern by SPEC's definition")
	}
	if owned, unowned := argo.Coverage([]string{"go.mod", "server/a/b.go", ".github/x.yml"}); owned != 3 {
		t.Errorf("argo-cd `**` owns everything; unowned %v", unowned)
	}
	jd := Parse(GitHub, corpusFileNamed(t, "jenkinsci__docker__.github__CODEOWNERS").text)
	if got := ownerTexts(jd, "debian/bookworm/Dockerfile"); got != "@jenkinsci/team-docker-packaging" {
		t.Errorf("debian/ at the root: %s", got)
	}
	if got := ownerTexts(jd, "alpine/debian/x"); got != "@ksalerno99" {
		t.Errorf("alpine/debian/x: %s", got)
	}
	warp := Parse(GitLab, corpusFileNamed(t, "NVIDIA__warp__.gitlab__CODEOWNERS").text)
	var optional []string
	for _, s := range warp.Sections {
		if s.Optional {
			optional = append(optional, s.Name)
		}
	}
	if len(warp.Sections) != 16 || len(optional) != 13 || optional[0] != "Docs and Examples" {
		t.Errorf("warp: %d sections, optional %v", len(warp.Sections), optional)
	}
	// `.clang-format` in [CI/CD] has no leading slash: any depth.
	if got := ownerTexts(warp, "src/.clang-format"); got != "@ershi" {
		t.Errorf("warp .clang-format owners %s", got)
	}
	cde := Parse(GitHub, corpusFileNamed(t, "cdevents__spec__CODEOWNERS").text)
	if len(cde.Rules) != 1 || cde.Rules[0].Line != 12 {
		t.Errorf("cdevents: rules %+v", cde.Rules)
	}
}
