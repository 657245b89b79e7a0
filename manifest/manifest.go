// Package manifest is ssdf's model of the dependency manifests of a
// repository and the locks that cover them, for every ecosystem of SPEC §3's
// reproducible-builds table: go, npm, python, maven, gradle, dotnet, cpp,
// rust, php, ruby, swift and nix.
//
// A manifest counts only when it declares at least one external dependency,
// exactly as SPEC's second column says; this package returns only those
// (plus, as unknown, the claimed manifests that could not be read or
// parsed). Each is then covered or not:
//
//   - by a lock of its ecosystem in its own directory;
//   - by a lock it is itself (a requirements file whose every requirement
//     is `==`-pinned with `--hash`; a vcpkg.json with `builtin-baseline`);
//   - by the lock of a workspace it is a member of: npm/yarn/pnpm
//     (`workspaces` of an ancestor package.json, `packages` of an ancestor
//     pnpm-workspace.yaml), Cargo (`[workspace] members` minus `exclude`),
//     Go (`use` of a go.work in an ancestor directory, covered by
//     go.work.sum), uv (`[tool.uv.workspace] members` minus `exclude`),
//     Gradle (the root project's gradle/verification-metadata.xml, the root
//     being the nearest directory, upwards, holding settings.gradle(.kts));
//   - Maven has no lock: a pom.xml passes when none of its pinned versions
//     is a range, LATEST, RELEASE or -SNAPSHOT once the properties of the
//     same file are resolved.
//
// Parsing uses real parsers: encoding/json, encoding/xml,
// github.com/pelletier/go-toml/v2, go.yaml.in/yaml/v3 and
// golang.org/x/mod/modfile; the formats that are code (Gemfile,
// Package.swift, flake.nix, conanfile.py, MODULE.bazel, setup.py, Gradle
// build scripts) are read line by line, with their comments and strings
// skipped, for the one construct the rule names. Nothing is evaluated or
// executed.
//
// Parsing never fails as a whole and never panics: a manifest that cannot be
// read or parsed is an Unknown entry with the reason. Checks get the set
// through Load, which memoises it for the scan.
package manifest

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Ecosystem is an ecosystem id of SPEC §3.
type Ecosystem string

// The ecosystems, in SPEC's order.
const (
	Go     Ecosystem = "go"
	NPM    Ecosystem = "npm"
	Python Ecosystem = "python"
	Maven  Ecosystem = "maven"
	Gradle Ecosystem = "gradle"
	DotNet Ecosystem = "dotnet"
	Cpp    Ecosystem = "cpp"
	Rust   Ecosystem = "rust"
	PHP    Ecosystem = "php"
	Ruby   Ecosystem = "ruby"
	Swift  Ecosystem = "swift"
	Nix    Ecosystem = "nix"
)

// Ecosystems lists every ecosystem in SPEC's order.
var Ecosystems = []Ecosystem{Go, NPM, Python, Maven, Gradle, DotNet, Cpp, Rust, PHP, Ruby, Swift, Nix}

// Status says whether a manifest is covered.
type Status string

// The statuses of one manifest.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Unknown Status = "unknown"
)

// Problem is one located observation about a manifest.
type Problem struct {
	Path    string
	Line    int
	Message string
}

// Manifest is one manifest that counts (or, Unknown, one that could not be
// read or parsed), with its coverage.
type Manifest struct {
	Ecosystem Ecosystem
	// Path is the slash-separated path relative to the root.
	Path string
	// Line is the line of the first dependency, 0 when not known.
	Line int
	// Deps is the number of dependencies the manifest declares (entries of
	// the sections that make it count).
	Deps int
	// Lock is the path of the lock that covers it; the manifest itself when
	// it is its own lock; empty when none does (and always for Maven).
	Lock string
	// Workspace is the file that makes it a member of the workspace whose
	// lock covers it (an ancestor package.json, pnpm-workspace.yaml,
	// Cargo.toml, go.work, pyproject.toml or settings.gradle), else empty.
	Workspace string
	Status    Status
	// Reason is one sentence saying why Status.
	Reason string
	// Problems locate what is wrong when Status is Fail (at least one) or
	// Unknown (at least one).
	Problems []Problem
	// Fix is the command that writes the missing lock, or what to do.
	Fix string
}

// Set is every manifest of a repository that counts, sorted by path.
type Set struct {
	Manifests []*Manifest
	// Requirements are the parsed requirements files (and the files they
	// include) by path, so that other checks can ask whether a file
	// `pip install -r` names is fully hashed.
	Requirements map[string]*Requirements
	// Projects are the parsed MSBuild files (projects, Directory.Build.props,
	// Directory.Packages.props) by path, with their properties.
	Projects map[string]*MSBuild
	// Poms are the parsed pom.xml files by path.
	Poms map[string]*Pom
	// Truncated is set when the walk was cut short: an absent lock then
	// proves nothing, and manifests without a lock are Unknown.
	Truncated bool
}

// Get returns the manifest at p, or nil.
func (s *Set) Get(p string) *Manifest {
	i, ok := slices.BinarySearchFunc(s.Manifests, p, func(m *Manifest, p string) int { return strings.Compare(m.Path, p) })
	if !ok {
		return nil
	}
	return s.Manifests[i]
}

// MemoKey is the key under which Load memoises the set.
const MemoKey = "manifest.Set"

// Load returns the manifests of the pass's snapshot, parsed once per scan.
func Load(p *check.Pass) *Set {
	return check.Memo(p, MemoKey, func() *Set { return Parse(p.Snapshot.Tree) })
}

// maxText bounds the text of one file that is parsed, whatever the snapshot
// says (a hand-made raw snapshot may hold more than the walker's cap).
const maxText = 16 << 20

// kind is what a file is, by its name.
type kind int

const (
	notManifest kind = iota
	goMod
	goWork
	packageJSON
	pnpmWorkspace
	pyprojectTOML
	setupCfg
	setupPy
	pipfile
	requirementsTxt // requirements*.txt / requirements*.in: a manifest
	requirementsInc // *.txt / *.in under a requirements* directory: read for -r only
	pomXML
	msbuildProject
	directoryBuildProps
	directoryPackagesProps
	gradleBuild
	vcpkgJSON
	conanfileTxt
	conanfilePy
	moduleBazel
	cargoTOML
	composerJSON
	gemfile
	packageSwift
	flakeNix
)

// Classify says what the file at p is, by its name alone (case-insensitive,
// SPEC §3).
func classify(p string) kind {
	lp := strings.ToLower(p)
	dir, base := path.Split(lp)
	switch base {
	case "go.mod":
		return goMod
	case "go.work":
		return goWork
	case "package.json":
		return packageJSON
	case "pnpm-workspace.yaml":
		return pnpmWorkspace
	case "pyproject.toml":
		return pyprojectTOML
	case "setup.cfg":
		return setupCfg
	case "setup.py":
		return setupPy
	case "pipfile":
		return pipfile
	case "pom.xml":
		return pomXML
	case "directory.build.props":
		return directoryBuildProps
	case "directory.packages.props":
		return directoryPackagesProps
	case "build.gradle", "build.gradle.kts":
		return gradleBuild
	case "vcpkg.json":
		return vcpkgJSON
	case "conanfile.txt":
		return conanfileTxt
	case "conanfile.py":
		return conanfilePy
	case "module.bazel":
		return moduleBazel
	case "cargo.toml":
		return cargoTOML
	case "composer.json":
		return composerJSON
	case "gemfile":
		return gemfile
	case "package.swift":
		return packageSwift
	case "flake.nix":
		return flakeNix
	}
	ext := path.Ext(base)
	switch {
	case ext == ".csproj" || ext == ".fsproj" || ext == ".vbproj":
		return msbuildProject
	case (ext == ".txt" || ext == ".in") && strings.HasPrefix(base, "requirements"):
		return requirementsTxt
	case (ext == ".txt" || ext == ".in") && inRequirementsDir(dir):
		return requirementsInc
	case (ext == ".txt" || ext == ".in") && (strings.Contains(base, "requirements") || strings.Contains(base, "constraints")):
		// test-requirements.txt, dev_requirements.in, constraints.txt:
		// read as requirements files for what `pip install -r`/`-c` name,
		// though SPEC's manifest pattern is requirements*.txt only.
		return requirementsInc
	}
	return notManifest
}

// inRequirementsDir says whether a directory (lower case, with a trailing
// slash) has a segment starting with "requirements", where projects keep
// the files that requirements files include (`-r requirements/base.txt`).
func inRequirementsDir(dir string) bool {
	for seg := range strings.SplitSeq(strings.TrimSuffix(dir, "/"), "/") {
		if strings.HasPrefix(seg, "requirements") {
			return true
		}
	}
	return false
}

// ecosystemOf is the ecosystem of a manifest kind.
func ecosystemOf(k kind) Ecosystem {
	switch k {
	case goMod, goWork:
		return Go
	case packageJSON, pnpmWorkspace:
		return NPM
	case pyprojectTOML, setupCfg, setupPy, pipfile, requirementsTxt, requirementsInc:
		return Python
	case pomXML:
		return Maven
	case gradleBuild:
		return Gradle
	case msbuildProject, directoryBuildProps, directoryPackagesProps:
		return DotNet
	case vcpkgJSON, conanfileTxt, conanfilePy, moduleBazel:
		return Cpp
	case cargoTOML:
		return Rust
	case composerJSON:
		return PHP
	case gemfile:
		return Ruby
	case packageSwift:
		return Swift
	case flakeNix:
		return Nix
	}
	return ""
}

// declared is what parsing one manifest file says: whether it counts, how
// many dependencies, the first line; plus what the coverage rules need.
type declared struct {
	deps int
	line int
	// fix is the lock command for this manifest (it may depend on the
	// tool the file is written for, e.g. Poetry).
	fix string
	// force makes the file count without dependencies (a Cargo
	// [workspace]).
	force bool
}

// tree indexes the snapshot's file list for lock look-ups.
type tree struct {
	// byDir maps a directory ("" for the root) to the files directly in it.
	byDir map[string][]string
	// symlinks are paths recorded as skipped symlinks, lower-cased.
	symlinks map[string]bool
}

func newTree(t snapshot.Tree) *tree {
	x := &tree{byDir: map[string][]string{}, symlinks: map[string]bool{}}
	for _, f := range t.Files {
		d := dirOf(f)
		x.byDir[d] = append(x.byDir[d], f)
	}
	for _, s := range t.Skipped {
		if strings.HasPrefix(s.Reason, "symlink") {
			x.symlinks[strings.ToLower(s.Path)] = true
		}
	}
	return x
}

// find returns the first file in dir whose lower-cased name is one of
// names (in the order of names), else "".
func (x *tree) find(dir string, names ...string) string {
	files := x.byDir[dir]
	for _, n := range names {
		for _, f := range files {
			if strings.EqualFold(path.Base(f), n) {
				return f
			}
		}
	}
	return ""
}

// findFunc returns the first file in dir, in path order, whose lower-cased
// base name satisfies ok.
func (x *tree) findFunc(dir string, ok func(base string) bool) string {
	for _, f := range x.byDir[dir] {
		if ok(strings.ToLower(path.Base(f))) {
			return f
		}
	}
	return ""
}

// symlinked returns the first of names in dir that is a symlink the walk
// did not follow, else "".
func (x *tree) symlinked(dir string, names ...string) string {
	for _, n := range names {
		if p := join(dir, n); x.symlinks[strings.ToLower(p)] {
			return p
		}
	}
	return ""
}

// dirOf returns the directory of a slash path, "" for the root.
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// join joins a directory ("" for the root) and a relative path, cleaned;
// ok is false when the result leaves the root.
func joinRel(dir, rel string) (string, bool) {
	rel = strings.ReplaceAll(rel, "\\", "/")
	if strings.HasPrefix(rel, "/") {
		return "", false
	}
	p := path.Clean(path.Join(dir, rel))
	if p == "." {
		return "", true
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// ancestors returns the proper ancestor directories of dir, nearest first,
// ending with the root "".
func ancestors(dir string) []string {
	var out []string
	for dir != "" {
		dir = dirOf(dir)
		out = append(out, dir)
	}
	return out
}

// lineOf returns the 1-based line of byte offset off in text.
func lineOf(text string, off int) int {
	if off > len(text) {
		off = len(text)
	}
	return strings.Count(text[:off], "\n") + 1
}

// sortedPaths returns the keys of contents, sorted.
func sortedPaths(c map[string]snapshot.Content) []string {
	out := make([]string, 0, len(c))
	for p := range c {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// byPath sorts manifests by path.
func byPath(a, b *Manifest) int { return cmp.Compare(a.Path, b.Path) }

// recovered turns a parser panic into an error.
func recovered(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("the parser failed: %v", r)
	}
}
