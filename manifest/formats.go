package manifest

import (
	"errors"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/mod/modfile"
)

// parseGoMod counts the `require`s of a go.mod.
func parseGoMod(p, s string) (declared, error) {
	f, err := modfile.ParseLax(p, []byte(s), nil)
	if err != nil {
		return declared{}, err
	}
	d := declared{deps: len(f.Require), fix: "go mod tidy"}
	for _, r := range f.Require {
		if r.Syntax != nil && (d.line == 0 || r.Syntax.Start.Line < d.line) {
			d.line = r.Syntax.Start.Line
		}
	}
	return d, nil
}

// parseGoWork returns the `use` directories of a go.work, as written.
func parseGoWork(p, s string) ([]string, error) {
	f, err := modfile.ParseWork(p, []byte(s), nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range f.Use {
		out = append(out, u.Path)
	}
	return out, nil
}

// cargoSections are the Cargo.toml tables that make it count, with
// [workspace] (SPEC §3).
var cargoSections = []string{"dependencies", "dev-dependencies", "build-dependencies"}

// parseCargo counts the dependencies of a Cargo.toml (platform-specific
// `[target.….dependencies]` tables included) and reads its [workspace].
func parseCargo(s string) (declared, *wsDef, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(s), &m); err != nil {
		return declared{}, nil, err
	}
	d := declared{fix: "cargo generate-lockfile"}
	for _, sec := range cargoSections {
		t, err := table(m[sec], "["+sec+"]")
		if err != nil {
			return declared{}, nil, err
		}
		if n := cargoExternal(t); n > 0 {
			d.deps += n
			if ln := tomlLine(s, sec, ""); ln > 0 && (d.line == 0 || ln < d.line) {
				d.line = ln + 1
			}
		}
	}
	targets, err := table(m["target"], "[target]")
	if err != nil {
		return declared{}, nil, err
	}
	for _, tv := range targets {
		tt, _ := tv.(map[string]any)
		for _, sec := range cargoSections {
			if t, ok := tt[sec].(map[string]any); ok {
				d.deps += cargoExternal(t)
			}
		}
	}
	var ws *wsDef
	if w, ok := m["workspace"]; ok {
		wt, ok := w.(map[string]any)
		if !ok {
			return declared{}, nil, errors.New("[workspace] is not a table")
		}
		d.force = true
		members, err := stringList(wt["members"], "[workspace] members")
		if err != nil {
			return declared{}, nil, err
		}
		exclude, err := stringList(wt["exclude"], "[workspace] exclude")
		if err != nil {
			return declared{}, nil, err
		}
		// Cargo expands members as globs; exclude entries are paths.
		ws = &wsDef{include: members, exclude: exclude, prefixExclude: true}
		if d.line == 0 {
			d.line = tomlLine(s, "workspace", "")
		}
	}
	return d, ws, nil
}

// parseGradle finds the `dependencies { … }` blocks of a Gradle build
// script (Groovy or Kotlin DSL) that hold at least one entry; buildscript
// classpath blocks count too.
func parseGradle(s string) declared {
	code := blank(s, cLang, true)
	d := declared{fix: "./gradlew dependencies --write-locks"}
	for _, i := range words(code, "dependencies") {
		j := skipSpace(code, i+len("dependencies"))
		if j >= len(code) || code[j] != '{' {
			continue
		}
		depth, k := 0, j
		for ; k < len(code); k++ {
			if code[k] == '{' {
				depth++
			} else if code[k] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		body := code[j+1 : min(k, len(code))]
		for _, l := range strings.Split(body, "\n") {
			// Another project of the build (`implementation(project(":moshi"))`,
			// `api(projects.core)`) or local files are not external
			// dependencies (SPEC: a manifest counts with at least one).
			if strings.TrimSpace(l) != "" && !gradleInternalRE.MatchString(l) {
				d.deps++
			}
		}
		if off := skipSpace(body, 0); off < len(body) && d.line == 0 {
			d.line = lineOf(s, j+1+off)
		}
	}
	return d
}

var gemRE = regexp.MustCompile(`^gem[\s(]`)

// cargoExternal counts a Cargo dependency table's external entries: a
// `{ path = … }` without a version, git or registry is a crate of the
// repository (dtolnay/anyhow's tests/crate), not a dependency to lock.
func cargoExternal(t map[string]any) int {
	n := 0
	for _, v := range t {
		if dep, ok := v.(map[string]any); ok {
			_, path := dep["path"]
			_, ver := dep["version"]
			_, git := dep["git"]
			_, reg := dep["registry"]
			if path && !ver && !git && !reg {
				continue
			}
		}
		n++
	}
	return n
}

// gradleInternalRE matches a dependency line whose notation is another
// project of the build or local files.
var gradleInternalRE = regexp.MustCompile(`^\s*[A-Za-z_][A-Za-z0-9_]*\s*\(?\s*(?:(?:platform|enforcedPlatform|testFixtures)\s*\(\s*)?(?:project\s*[\(\s]|projects\.|files\s*\(|fileTree\s*\()`)

// parseGemfile counts the gems of a Gemfile's `gem` lines, once each: a
// gem named in both branches of an if/else is one dependency.
func parseGemfile(s string) declared {
	d := declared{fix: "bundle lock"}
	seen := map[string]bool{}
	for i, l := range strings.Split(blank(s, hashLang, false), "\n") {
		l = strings.TrimSpace(l)
		if !gemRE.MatchString(l) {
			continue
		}
		name := l
		if m := gemNameRE.FindStringSubmatch(l); m != nil {
			name = m[1]
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		d.deps++
		if d.line == 0 {
			d.line = i + 1
		}
	}
	return d
}

// gemNameRE takes the gem's name: the first argument, quoted.
var gemNameRE = regexp.MustCompile(`^gem[\s(]+\s*["']([^"']+)["']`)

// parsePackageSwift counts the `.package(` dependencies of a Package.swift.
func parsePackageSwift(s string) declared {
	code := blank(s, cLang, false)
	d := declared{fix: "swift package resolve"}
	for i := 0; ; {
		j := strings.Index(code[i:], ".package")
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(".package")
		if i < len(code) && isIdent(code[i]) {
			continue
		}
		if k := skipSpace(code, i); k < len(code) && code[k] == '(' {
			d.deps++
			if d.line == 0 {
				d.line = lineOf(s, at)
			}
		}
	}
	return d
}

// parseFlake finds the `inputs` of a flake.nix: an `inputs = { … }` with
// at least one attribute, or `inputs.NAME…` attributes, at the top level
// of the flake's attribute set.
func parseFlake(s string) declared {
	code := blank(s, nixLang, true)
	d := declared{fix: "nix flake lock"}
	depth := 0
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '{' || c == '[' || c == '(':
			depth++
		case c == '}' || c == ']' || c == ')':
			depth--
		case depth == 1 && wordAt(code, i, "inputs"):
			j := skipSpace(code, i+len("inputs"))
			if j >= len(code) {
				break
			}
			switch code[j] {
			case '.':
				d.deps++
			case '=':
				k := skipSpace(code, j+1)
				if k < len(code) && code[k] == '{' && skipSpace(code, k+1) < len(code) && code[skipSpace(code, k+1)] != '}' {
					d.deps++
				}
			default:
				continue
			}
			if d.deps > 0 && d.line == 0 {
				d.line = lineOf(s, i)
			}
			i += len("inputs") - 1
		}
	}
	return d
}

// conanSections are the conanfile.txt sections that declare requirements.
var conanSections = map[string]bool{"requires": true, "tool_requires": true, "build_requires": true, "test_requires": true}

// parseConanfileTxt counts the entries of a conanfile.txt's [requires]
// (and tool, build and test requires) sections.
func parseConanfileTxt(s string) declared {
	d := declared{fix: "conan lock create ."}
	section := ""
	for i, l := range strings.Split(blank(s, iniLang, false), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section = strings.ToLower(strings.TrimSpace(t[1 : len(t)-1]))
		case conanSections[section]:
			d.deps++
			if d.line == 0 {
				d.line = i + 1
			}
		}
	}
	return d
}

var (
	conanAttrRE = regexp.MustCompile(`(?m)^[ \t]*(requires|tool_requires|build_requires|test_requires)[ \t]*=[ \t]*(.*)$`)
	conanCallRE = regexp.MustCompile(`\bself\.(requires|tool_requires|build_requires|test_requires)\s*\(`)
)

// parseConanfilePy counts the requirements of a conanfile.py: non-empty
// `requires = …` attributes (and tool, build and test requires) and
// `self.requires(…)` calls.
func parseConanfilePy(s string) declared {
	code := blank(s, hashLang, false)
	d := declared{fix: "conan lock create ."}
	add := func(off int) {
		d.deps++
		if ln := lineOf(s, off); d.line == 0 || ln < d.line {
			d.line = ln
		}
	}
	for _, m := range conanAttrRE.FindAllStringSubmatchIndex(code, -1) {
		v := strings.Join(strings.Fields(code[m[4]:m[5]]), "")
		if v == "" || v == "[]" || v == "()" || v == `""` || v == "''" || v == "None" {
			continue
		}
		add(m[0])
		// `requires = "a/1", "b/2"`: one more per further string.
		if n := strings.Count(v, `"`) + strings.Count(v, "'"); n > 2 {
			d.deps += n/2 - 1
		}
	}
	for _, m := range conanCallRE.FindAllStringIndex(code, -1) {
		add(m[0])
	}
	return d
}

// parseModuleBazel counts the `bazel_dep(` calls of a MODULE.bazel.
func parseModuleBazel(s string) declared {
	code := blank(s, hashLang, false)
	d := declared{fix: "bazel mod deps --lockfile_mode=update"}
	for _, i := range words(code, "bazel_dep") {
		if j := skipSpace(code, i+len("bazel_dep")); j < len(code) && code[j] == '(' {
			d.deps++
			if d.line == 0 {
				d.line = lineOf(s, i)
			}
		}
	}
	return d
}
