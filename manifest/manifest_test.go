package manifest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// treeOf builds a snapshot tree holding files, every one read.
func treeOf(files map[string]string) snapshot.Tree {
	t := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for p, s := range files {
		t.Files = append(t.Files, p)
		t.Contents[p] = snapshot.Content{Text: s, Size: int64(len(s))}
	}
	slices.Sort(t.Files)
	return t
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, rel string
		braces       bool
		want         bool
	}{
		{"packages/*", "packages/a", false, true},
		{"packages/*", "packages/a/b", false, false},
		{"./packages/*/", "packages/a", false, true},
		{"packages/**", "packages/a/b", false, true},
		{"packages/**", "packages", false, true},
		{"**", "x/y", false, true},
		{"apps/**/web", "apps/web", false, true},
		{"apps/**/web", "apps/a/b/web", false, true},
		{"crates/?ore", "crates/core", false, true},
		{"crates/[a-c]*", "crates/core", false, true},
		{"crates/[a-c]*", "crates/dev", false, false},
		{"{apps,tools}/*", "tools/gen", true, true},
		{"{apps,tools}/*", "tools/gen", false, false},
		{"{a,{b,c}}/x", "c/x", true, true},
		{".", "", false, true},
		{"", "", false, true},
		{"../sibling", "sibling", false, false},
		{"/abs", "abs", false, false},
		{"[", "[", false, false},
	} {
		if got := globMatch(tc.pattern, tc.rel, tc.braces); got != tc.want {
			t.Errorf("globMatch(%q, %q, %v) = %v, want %v", tc.pattern, tc.rel, tc.braces, got, tc.want)
		}
	}
	// A hostile brace pattern is bounded.
	if n := len(expandBraces(strings.Repeat("{a,b}", 30), 0)); n > 256 {
		t.Errorf("expandBraces gave %d alternatives", n)
	}
}

func TestParseRequirements(t *testing.T) {
	r := ParseRequirements("sub/requirements.txt", text{s: strings.Join([]string{
		"# header",                     // 1
		"--index-url https://pypi.org", // 2
		"-rbase.txt",                   // 3
		"--requirement ../common.txt",  // 4
		"-c constraints.txt",           // 5
		"a==1.0 --hash=sha256:aa --hash sha256:bb  # two hashes", // 6
		"b[extra]==2.0 ; python_version < \"3.13\" \\",           // 7
		"    --hash=sha256:cc",                                   // 8
		"c==1.*",                                                 // 9
		"d>=1,<2",                                                // 10
		"e===3.0 --hash=sha256:dd",                               // 11
		"f @ https://example.com/f-1.0.whl#sha256=ee",            // 12
		"https://example.com/g.tar.gz",                           // 13
		"-e git+https://example.com/h.git#egg=h",                 // 14
		"./local/pkg",                                            // 15
		"i == 4.0",                                               // 16
		"-r ../../../outside.txt",                                // 17
	}, "\n")})
	type line struct {
		Line          int
		Text, Name    string
		Pinned        bool
		Hashes        int
		Editable, URL bool
	}
	var got []line
	for _, q := range r.Lines {
		got = append(got, line(q))
	}
	want := []line{
		{6, "a==1.0", "a", true, 2, false, false},
		{7, `b[extra]==2.0 ; python_version < "3.13"`, "b", true, 1, false, false},
		{9, "c==1.*", "c", false, 0, false, false},
		{10, "d>=1,<2", "d", false, 0, false, false},
		{11, "e===3.0", "e", true, 1, false, false},
		{12, "f @ https://example.com/f-1.0.whl#sha256=ee", "f", false, 0, false, true},
		{13, "https://example.com/g.tar.gz", "", false, 0, false, true},
		{14, "-e git+https://example.com/h.git#egg=h", "", false, 0, true, false},
		{15, "./local/pkg", "", false, 0, false, true},
		{16, "i == 4.0", "i", true, 0, false, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	wantInc := []Include{
		{Line: 3, Raw: "base.txt", Target: "sub/base.txt"},
		{Line: 4, Raw: "../common.txt", Target: "common.txt"},
		{Line: 17, Raw: "../../../outside.txt"},
	}
	if diff := cmp.Diff(wantInc, r.Includes); diff != "" {
		t.Errorf("includes (-want +got):\n%s", diff)
	}
}

func TestRequirementsCycle(t *testing.T) {
	set := Parse(treeOf(map[string]string{
		"requirements.txt":     "-r requirements-dev.txt\na==1 --hash=sha256:aa\n",
		"requirements-dev.txt": "-r requirements.txt\nb==2 --hash=sha256:bb\n",
	}))
	for _, p := range []string{"requirements.txt", "requirements-dev.txt"} {
		r := set.Requirements[p]
		if r.Hashed != Pass || r.Total != 2 || r.HashCount != 2 {
			t.Errorf("%s: hashed %s, %d requirements, %d hashes; want pass, 2, 2", p, r.Hashed, r.Total, r.HashCount)
		}
	}
}

func TestPomResolve(t *testing.T) {
	p, err := ParsePom(`<project>
  <parent><groupId>g</groupId><artifactId>parent</artifactId><version>7</version></parent>
  <properties><a>${b}</a><b>${a}</b><v>${project.parent.version}.1</v></properties>
  <dependencies>
    <dependency><groupId>x</groupId><artifactId>cycle</artifactId><version>${a}</version></dependency>
    <dependency><groupId>x</groupId><artifactId>inherited</artifactId><version>${project.version}</version></dependency>
    <dependency><groupId>x</groupId><artifactId>parent</artifactId><version>${v}</version></dependency>
    <dependency><groupId>x</groupId><artifactId>undefined</artifactId><version>${nope}</version></dependency>
  </dependencies>
</project>`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range p.Coordinates[1:] {
		got = append(got, c.ArtifactID+"="+c.Resolved+map[bool]string{true: " (unresolved)", false: ""}[c.Unresolved])
	}
	want := []string{"cycle=${a} (unresolved)", "inherited=7", "parent=7.1", "undefined=${nope} (unresolved)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolved (-want +got):\n%s", diff)
	}
	if _, err := ParsePom("<notaproject/>"); err == nil {
		t.Error("a non-project root parsed")
	}
	if _, err := ParsePom("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<project><artifactId>caf\xe9</artifactId></project>"); err != nil {
		t.Errorf("ISO-8859-1 pom: %v", err)
	}
}

func TestCodeFormats(t *testing.T) {
	for _, tc := range []struct {
		name       string
		f          func(string) declared
		src        string
		deps, line int
	}{
		{"gradle kts", parseGradle, "plugins { java }\n\ndependencies {\n    implementation(\"a:b:1\")\n    testImplementation(\"c:d:2\")\n}\n", 2, 4},
		{"gradle comment only", parseGradle, "dependencies {\n  // implementation 'a:b:1'\n  /* x */\n}\n", 0, 0},
		{"gradle string braces", parseGradle, "def s = \"dependencies {\"\ndependencies { }\n", 0, 0},
		{"gradle one line", parseGradle, "dependencies { classpath 'x:y:1' }", 1, 1},
		// square/moshi's extra test module: only another project of the build.
		{"gradle project deps only", parseGradle, "dependencies {\n  implementation(project(\":moshi\"))\n  testImplementation(projects.core)\n  api project(':x')\n  implementation(platform(project(\":bom\")))\n  implementation files('libs/a.jar')\n}\n", 0, 2},
		{"gradle mixed", parseGradle, "dependencies {\n  implementation(project(\":moshi\"))\n  implementation(\"com.squareup.okio:okio:3.9.0\")\n}\n", 1, 2},
		{"gemfile", parseGemfile, "source 'https://rubygems.org'\n# gem 'x'\ngem('rails')\n  gem \"rspec\"\ngems = 1\n", 2, 3},
		// rack's Gemfile names rdoc in both branches of an if/else: one gem.
		{"gemfile if/else", parseGemfile, "if RUBY_VERSION < '3'\n  gem 'rdoc', '< 6'\nelse\n  gem 'rdoc'\nend\ngem 'minitest', '~> 5'\n", 2, 2},
		{"swift", parsePackageSwift, "let package = Package(\n  dependencies: [\n    .package(url: \"a\", from: \"1.0.0\"),\n    .package (path: \"../b\"),\n    // .package(url: \"c\", from: \"1\")\n  ]\n)\n", 2, 3},
		{"swift packageX", parsePackageSwift, ".packageX(1)\n", 0, 0},
		{"flake dotted", parseFlake, "{\n  inputs.nixpkgs.url = \"github:x/y\";\n  inputs.utils.url = \"github:a/b\";\n  outputs = inputs: {};\n}\n", 2, 2},
		{"flake set", parseFlake, "{\n  inputs = {\n    a.url = \"x\";\n  };\n}\n", 1, 2},
		{"flake empty set", parseFlake, "{\n  inputs = { };\n  outputs = { self }: { };\n}\n", 0, 0},
		{"flake in string", parseFlake, "{\n  description = \"inputs = {a}\";\n  x = ''\n inputs.y = 1;\n'';\n}\n", 0, 0},
		{"bazel", parseModuleBazel, "module(name = \"m\")\n# bazel_dep(name = \"x\")\nbazel_dep(name = \"rules_cc\", version = \"0.1\")\nmy_bazel_dep(name = \"y\")\n", 1, 3},
		{"conanfile.py attr", parseConanfilePy, "class A(ConanFile):\n    requires = []\n    tool_requires = \"cmake/3.30.0\"\n", 1, 3},
		{"conanfile.txt", parseConanfileTxt, "[requires]\nzlib/1.3.1\n# boost/1.0\n\n[tool_requires]\ncmake/3.30\n[generators]\nCMakeDeps\n", 2, 2},
		{"setup.py", parseSetupPy, "from setuptools import setup\n# install_requires=['x']\nsetup(\n    name='a',\n    install_requires=REQS,\n)\n", 1, 5},
		{"setup.py empty", parseSetupPy, "import setuptools\nsetuptools.setup(install_requires=[])\n", 0, 0},
		{"setup.py no setup", parseSetupPy, "install_requires = ['x']\n", 0, 0},
	} {
		d := tc.f(tc.src)
		if d.deps != tc.deps || d.line != tc.line {
			t.Errorf("%s: deps %d at line %d, want %d at line %d", tc.name, d.deps, d.line, tc.deps, tc.line)
		}
	}
}

func TestSetupCfg(t *testing.T) {
	d, err := parseSetupCfg("[metadata]\nname = x\n\n[options]\npackages = find:\ninstall_requires =\n    # a comment\n    requests>=2\n    click\n\n[options.extras_require]\ndev = pytest\n")
	if err != nil || d.deps != 2 || d.line != 8 {
		t.Errorf("setup.cfg: %+v %v, want 2 at line 8", d, err)
	}
	d, _ = parseSetupCfg("[options]\ninstall_requires = requests\n")
	if d.deps != 1 || d.line != 2 {
		t.Errorf("one-line setup.cfg: %+v", d)
	}
	d, _ = parseSetupCfg("[options]\ninstall_requires =\n\n[other]\nx = 1\n")
	if d.deps != 0 {
		t.Errorf("empty install_requires counted: %+v", d)
	}
}

func TestPyproject(t *testing.T) {
	p, err := ParsePyproject(`[project]
name = "x"
dependencies = ["a", "b"]
[project.optional-dependencies]
dev = ["c"]
[dependency-groups]
test = ["d", {include-group = "dev"}]
[tool.poetry.dependencies]
python = "^3.12"
e = "*"
[tool.poetry.group.docs.dependencies]
f = "*"
[tool.pdm.dev-dependencies]
lint = ["g"]
[tool.uv]
dev-dependencies = ["h"]
[tool.uv.workspace]
members = ["libs/*"]
exclude = ["libs/old"]
`)
	if err != nil {
		t.Fatal(err)
	}
	want := Pyproject{Dependencies: 2, Optional: 1, Groups: 1, Poetry: 1, PoetryGroups: 1, PDMDev: 1, UVDev: 1,
		Workspace: &UVWorkspace{Members: []string{"libs/*"}, Exclude: []string{"libs/old"}}, Tool: "poetry"}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("pyproject (-want +got):\n%s", diff)
	}
	if p.Counted() != 5 {
		t.Errorf("Counted = %d, want 5", p.Counted())
	}
	if _, err := ParsePyproject("[project]\ndependencies = \"a\"\n"); err == nil {
		t.Error("dependencies as a string parsed")
	}
}

// A go.work beside the root module with `use .` covers it by go.work.sum;
// a go.work without go.work.sum covers nothing.
func TestGoWorkSelf(t *testing.T) {
	set := Parse(treeOf(map[string]string{
		"go.work":     "go 1.24\n\nuse .\nuse ./b\n",
		"go.work.sum": "",
		"go.mod":      "module a\n\nrequire x.example/y v1.0.0\n",
		"b/go.mod":    "module b\n\nrequire x.example/z v1.0.0\n",
		"c/go.work":   "go 1.24\nuse ./d\n",
		"c/d/go.mod":  "module d\n\nrequire x.example/z v1.0.0\n",
	}))
	var got []string
	for _, m := range set.Manifests {
		got = append(got, m.Path+" "+string(m.Status)+" "+m.Lock+" "+m.Workspace)
	}
	want := []string{"b/go.mod pass go.work.sum go.work", "c/d/go.mod fail  ", "go.mod pass go.work.sum go.work"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Hostile or broken input never panics and is never passed.
func TestBrokenInput(t *testing.T) {
	junk := []string{"", "\x00\xff", "{", "[", "<", "<project>", "{{{{{{{{", strings.Repeat("[", 10000), strings.Repeat("{\"a\":", 5000), "\"\"\"", "''", "/*", "-r", "-r \\"}
	names := []string{"go.mod", "go.work", "package.json", "pnpm-workspace.yaml", "pyproject.toml", "setup.cfg", "setup.py", "Pipfile",
		"requirements.txt", "pom.xml", "a.csproj", "Directory.Build.props", "build.gradle", "vcpkg.json", "conanfile.txt", "conanfile.py",
		"MODULE.bazel", "Cargo.toml", "composer.json", "Gemfile", "Package.swift", "flake.nix"}
	for _, name := range names {
		for _, j := range junk {
			set := Parse(treeOf(map[string]string{name: j, "x/" + name: j + "\n" + j}))
			for _, m := range set.Manifests {
				if m.Status == Pass && m.Lock == "" && m.Ecosystem != Maven {
					t.Errorf("%s %q: passed without a lock", name, j)
				}
			}
		}
		for _, j := range junk {
			_, _ = ParseLock(name, j)
		}
	}
	for _, lock := range []string{"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "Cargo.lock", "poetry.lock", "uv.lock",
		"pylock.toml", "Pipfile.lock", "composer.lock", "packages.lock.json", "conan.lock", "gradle.lockfile", "verification-metadata.xml",
		"MODULE.bazel.lock", "flake.lock", "Package.resolved", "Gemfile.lock"} {
		for _, j := range junk[1:] {
			if l, err := ParseLock(lock, j); err == nil && l.Packages > 0 {
				t.Errorf("%s %q parsed as %+v", lock, j, l)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("package.json", `{"workspaces":["a/*"],"dependencies":{"x":"1"}}`)
	f.Add("requirements.txt", "a==1 \\\n --hash=sha256:x\n-r b.txt\n")
	f.Add("pom.xml", "<project><dependencies><dependency><version>${x}</version></dependency></dependencies></project>")
	f.Add("flake.nix", "{ inputs = { a.url = ''x''; }; }")
	f.Add("build.gradle", "dependencies { implementation 'a:b:1' }")
	f.Fuzz(func(t *testing.T, name, s string) {
		if strings.ContainsAny(name, "/\x00") || name == "" {
			return
		}
		set := Parse(treeOf(map[string]string{name: s, "sub/" + name: s}))
		for _, m := range set.Manifests {
			if m.Status == "" || m.Reason == "" {
				t.Fatalf("%+v", m)
			}
			if m.Status != Pass && len(m.Problems) == 0 {
				t.Fatalf("no problem located: %+v", m)
			}
		}
		_, _ = ParseLock(name, s)
	})
}
