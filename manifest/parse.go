package manifest

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Locks are the file names (lower case) that count as the lock of each
// ecosystem in a manifest's own directory (SPEC §3), in order of
// preference. Python's pylock.*.toml, .NET's packages.<project>.lock.json
// and the locks that are the manifest itself are handled apart.
var Locks = map[Ecosystem][]string{
	Go:     {"go.sum"},
	NPM:    {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"},
	Python: {"pylock.toml", "uv.lock", "poetry.lock", "pipfile.lock", "pdm.lock", "conda-lock.yml"},
	Gradle: {"gradle.lockfile"},
	DotNet: {"packages.lock.json"},
	Rust:   {"cargo.lock"},
	PHP:    {"composer.lock"},
	Ruby:   {"gemfile.lock"},
	Swift:  {"package.resolved"},
	Nix:    {"flake.lock"},
}

// Fixes are the default lock commands, per ecosystem.
var Fixes = map[Ecosystem]string{
	Go:     "go mod tidy",
	NPM:    "npm install --package-lock-only",
	Python: "uv lock",
	Maven:  "replace every range, LATEST, RELEASE and -SNAPSHOT version with a fixed release version",
	Gradle: "./gradlew dependencies --write-locks",
	DotNet: "dotnet restore --use-lock-file",
	Cpp:    "conan lock create .",
	Rust:   "cargo generate-lockfile",
	PHP:    "composer update --no-install",
	Ruby:   "bundle lock",
	Swift:  "swift package resolve",
	Nix:    "nix flake lock",
}

// parsed is one claimed manifest-like file after parsing.
type parsed struct {
	path string
	kind kind
	// unread is set when the file could not be read or parsed; it is then
	// an Unknown entry (when its kind is a manifest).
	unread string
	// counts says it declares at least one external dependency.
	counts bool
	decl   declared
	// self is set when the manifest is its own lock (hashed requirements,
	// vcpkg builtin-baseline); selfUnknown when that cannot be decided.
	self        bool
	selfUnknown string
	// selfProblems explain why it is not its own lock (unhashed lines).
	selfProblems []Problem
	// maven: the versions that fail, or why unknown.
	maven *Pom
	// msbuild project path whose lock name may be packages.<name>.lock.json
	msbuild *MSBuild
}

// wsDef is a workspace defined in a directory: its membership globs, or why
// they could not be read.
type wsDef struct {
	file    string
	include []string
	exclude []string
	// prefixExclude: exclude entries are path prefixes (Cargo), not globs.
	prefixExclude bool
	// braces: `{a,b}` alternatives are expanded (npm, pnpm).
	braces bool
	// exact: include entries are directories, not globs (go.work).
	exact bool
	err   string
}

func (w *wsDef) member(rel string) bool {
	in := false
	for _, pat := range w.include {
		neg := strings.HasPrefix(pat, "!")
		if neg {
			// npm and pnpm negate with a leading `!`.
			if globMatch(pat[1:], rel, w.braces) {
				in = false
			}
			continue
		}
		if w.exact {
			if d, ok := joinRel("", pat); ok && d == rel {
				in = true
			}
			continue
		}
		if globMatch(pat, rel, w.braces) {
			in = true
		}
	}
	if !in {
		return false
	}
	for _, ex := range w.exclude {
		if w.prefixExclude {
			if d, ok := joinRel("", ex); ok && (d == rel || d == "" || strings.HasPrefix(rel, d+"/")) {
				return false
			}
			continue
		}
		if globMatch(ex, rel, w.braces) {
			return false
		}
	}
	return true
}

type parser struct {
	tree snapshot.Tree
	x    *tree
	set  *Set
	// files are the parsed manifest-like files by path.
	files map[string]*parsed
	// workspaces by ecosystem, then by root directory.
	npmWS, cargoWS, goWS, uvWS map[string]*wsDef
	// modules are the repository's Maven modules (mavenModules).
	modules map[string]bool
}

// Parse builds the set of manifests from a snapshot tree. It never fails:
// what cannot be read or parsed is an Unknown entry.
func Parse(t snapshot.Tree) *Set {
	s := &Set{
		Requirements: map[string]*Requirements{},
		Projects:     map[string]*MSBuild{},
		Poms:         map[string]*Pom{},
		Truncated:    t.Truncated,
	}
	p := &parser{
		tree: t, x: newTree(t), set: s, files: map[string]*parsed{},
		npmWS: map[string]*wsDef{}, cargoWS: map[string]*wsDef{}, goWS: map[string]*wsDef{}, uvWS: map[string]*wsDef{},
	}
	paths := sortedPaths(t.Contents)
	// MSBuild props and requirements includes are read before the files
	// that use them.
	for _, f := range paths {
		switch k := classify(f); k {
		case msbuildProject, directoryBuildProps, directoryPackagesProps:
			s.Projects[f] = parseMSBuild(f, p.content(f))
		case requirementsTxt, requirementsInc:
			s.Requirements[f] = ParseRequirements(f, p.content(f))
		}
	}
	for _, f := range paths {
		k := classify(f)
		if k == notManifest || k == requirementsInc || k == directoryBuildProps || k == directoryPackagesProps {
			continue
		}
		p.files[f] = p.parse(f, k)
	}
	for _, f := range paths {
		if r := s.Requirements[f]; r != nil && r.Unread == "" {
			p.hashed(f, nil)
		}
	}
	for _, f := range paths {
		pf := p.files[f]
		if pf == nil || pf.kind == goWork || pf.kind == pnpmWorkspace {
			continue
		}
		if pf.unread == "" && !pf.counts {
			continue
		}
		s.Manifests = append(s.Manifests, p.cover(pf))
	}
	slices.SortFunc(s.Manifests, byPath)
	return s
}

// text is a claimed file's text, or why it is not available.
type text struct {
	s      string
	unread string
}

func (p *parser) content(f string) text {
	c, ok := p.tree.Contents[f]
	switch {
	case !ok:
		return text{unread: "not read"}
	case c.Skipped != "":
		return text{unread: "not read (" + c.Skipped + ")"}
	case len(c.Text) > maxText:
		return text{unread: fmt.Sprintf("not parsed: over %d bytes", maxText)}
	}
	return text{s: c.Text}
}

// parse reads one manifest-like file and records the workspaces it defines.
func (p *parser) parse(f string, k kind) (pf *parsed) {
	pf = &parsed{path: f, kind: k}
	t := p.content(f)
	dir := dirOf(f)
	if t.unread != "" {
		pf.unread = t.unread
		p.workspaceUnread(k, dir, f, t.unread)
		return pf
	}
	var err error
	func() {
		defer recovered(&err)
		err = p.parseText(pf, dir, t.s)
	}()
	if err != nil {
		var ue unreadErr
		if errors.As(err, &ue) {
			pf.unread = string(ue)
		} else {
			pf.unread = "could not be parsed: " + err.Error()
		}
		p.workspaceUnread(k, dir, f, pf.unread)
	}
	return pf
}

// workspaceUnread records that the workspace a file might define could not
// be read, so that its would-be members are Unknown rather than failing.
func (p *parser) workspaceUnread(k kind, dir, f, why string) {
	def := &wsDef{file: f, err: why}
	switch k {
	case packageJSON, pnpmWorkspace:
		if p.npmWS[dir] == nil {
			p.npmWS[dir] = def
		}
	case cargoTOML:
		p.cargoWS[dir] = def
	case goWork:
		p.goWS[dir] = def
	case pyprojectTOML:
		p.uvWS[dir] = def
	}
}

func (p *parser) parseText(pf *parsed, dir, s string) error {
	switch pf.kind {
	case goMod:
		d, err := parseGoMod(pf.path, s)
		pf.decl, pf.counts = d, d.deps > 0
		return err
	case goWork:
		uses, err := parseGoWork(pf.path, s)
		if err != nil {
			return err
		}
		p.goWS[dir] = &wsDef{file: pf.path, include: uses, exact: true}
	case packageJSON:
		d, ws, err := parsePackageJSON(s)
		if err != nil {
			return err
		}
		pf.decl, pf.counts = d, d.deps > 0
		if ws != nil {
			p.addNPM(dir, pf.path, ws)
		}
	case pnpmWorkspace:
		ws, err := parsePnpmWorkspace(s)
		if err != nil {
			return err
		}
		p.addNPM(dir, pf.path, ws)
	case pyprojectTOML:
		d, ws, err := parsePyproject(s)
		if err != nil {
			return err
		}
		pf.decl, pf.counts = d, d.deps > 0
		if ws != nil {
			ws.file = pf.path
			p.uvWS[dir] = ws
		}
	case setupCfg:
		d, err := parseSetupCfg(s)
		pf.decl, pf.counts = d, d.deps > 0
		return err
	case setupPy:
		pf.decl = parseSetupPy(s)
		pf.counts = pf.decl.deps > 0
	case pipfile:
		d, err := parsePipfile(s)
		pf.decl, pf.counts = d, d.deps > 0
		return err
	case requirementsTxt:
		r := p.set.Requirements[pf.path]
		if r.Unread != "" {
			return unreadErr(r.Unread)
		}
		n := len(r.Lines) + len(r.Includes)
		pf.counts = n > 0
		pf.decl = declared{deps: n, line: r.firstLine(), fix: "uv pip compile --generate-hashes " + requirementsSource(pf.path) + " -o " + path.Base(pf.path)}
		if strings.HasSuffix(strings.ToLower(pf.path), ".in") {
			pf.decl.fix = "uv pip compile --generate-hashes " + path.Base(pf.path) + " -o " + strings.TrimSuffix(path.Base(pf.path), path.Ext(pf.path)) + ".txt"
		}
		h := p.hashed(pf.path, nil)
		switch h.status {
		case Pass:
			pf.self = true
		case Unknown:
			pf.selfUnknown = h.why
		default:
			pf.selfProblems = h.bad
		}
	case pomXML:
		pom, err := ParsePom(s)
		if err != nil {
			return err
		}
		p.set.Poms[pf.path] = pom
		pf.maven = pom
		pf.counts = pom.Declared > 0
		pf.decl = declared{deps: pom.Declared, line: pom.FirstLine}
	case msbuildProject:
		m := p.set.Projects[pf.path]
		if m.Err != "" {
			return unreadErr(m.Err)
		}
		pf.msbuild = m
		d, counts, err := p.dotnetDeclared(pf.path, m)
		if err != nil {
			return err
		}
		pf.decl, pf.counts = d, counts
	case gradleBuild:
		pf.decl = parseGradle(s)
		pf.counts = pf.decl.deps > 0
	case vcpkgJSON:
		d, baseline, err := parseVcpkg(s)
		if err != nil {
			return err
		}
		pf.decl, pf.counts = d, d.deps > 0
		pf.self = baseline != ""
	case conanfileTxt:
		pf.decl = parseConanfileTxt(s)
		pf.counts = pf.decl.deps > 0
	case conanfilePy:
		pf.decl = parseConanfilePy(s)
		pf.counts = pf.decl.deps > 0
	case moduleBazel:
		pf.decl = parseModuleBazel(s)
		pf.counts = pf.decl.deps > 0
	case cargoTOML:
		d, ws, err := parseCargo(s)
		if err != nil {
			return err
		}
		pf.decl, pf.counts = d, d.deps > 0 || d.force
		if ws != nil {
			ws.file = pf.path
			p.cargoWS[dir] = ws
		}
	case composerJSON:
		d, err := parseComposer(s)
		pf.decl, pf.counts = d, d.deps > 0
		return err
	case gemfile:
		pf.decl = parseGemfile(s)
		pf.counts = pf.decl.deps > 0
	case packageSwift:
		pf.decl = parsePackageSwift(s)
		pf.counts = pf.decl.deps > 0
	case flakeNix:
		pf.decl = parseFlake(s)
		pf.counts = pf.decl.deps > 0
	}
	return nil
}

// addNPM merges a workspace definition into the directory's: a
// package.json `workspaces` and a pnpm-workspace.yaml `packages` in the same
// directory both count.
func (p *parser) addNPM(dir, file string, ws *wsDef) {
	ws.file, ws.braces = file, true
	old := p.npmWS[dir]
	if old == nil || old.err != "" {
		p.npmWS[dir] = ws
		return
	}
	if strings.EqualFold(path.Base(file), "pnpm-workspace.yaml") {
		old.file = file
	}
	old.include = append(old.include, ws.include...)
}

// requirementsSource names the input a requirements file is compiled from.
func requirementsSource(p string) string {
	base := path.Base(p)
	return strings.TrimSuffix(base, path.Ext(base)) + ".in"
}

// cover decides whether a manifest is covered.
func (p *parser) cover(pf *parsed) *Manifest {
	eco := ecosystemOf(pf.kind)
	m := &Manifest{Ecosystem: eco, Path: pf.path, Line: pf.decl.line, Deps: pf.decl.deps, Fix: pf.decl.fix}
	if m.Fix == "" {
		m.Fix = Fixes[eco]
	}
	if pf.unread != "" {
		m.Status = Unknown
		m.Reason = fmt.Sprintf("%s %s", pf.path, pf.unread)
		m.Problems = []Problem{{Path: pf.path, Message: pf.unread + ", so whether a lock covers it is unknown"}}
		return m
	}
	dir := dirOf(pf.path)
	switch pf.kind {
	case pomXML:
		return p.coverMaven(m, pf.maven)
	case vcpkgJSON:
		if pf.self {
			m.Status, m.Lock = Pass, pf.path
			m.Reason = pf.path + " pins its registry with builtin-baseline"
			return m
		}
		m.Fix = "vcpkg x-update-baseline --add-initial-baseline"
		return p.uncovered(m, nil, pf.path+" declares dependencies but no builtin-baseline")
	case conanfileTxt, conanfilePy:
		return p.coverBeside(m, dir, "conan.lock")
	case moduleBazel:
		m.Fix = "bazel mod deps --lockfile_mode=update"
		return p.coverBeside(m, dir, "MODULE.bazel.lock")
	case requirementsTxt:
		if pf.self {
			m.Status, m.Lock = Pass, pf.path
			m.Reason = fmt.Sprintf("every requirement of %s is ==-pinned with --hash: it is its own lock", pf.path)
			return m
		}
	case msbuildProject:
		return p.coverDotnet(m, pf.msbuild)
	}

	// A lock of the ecosystem beside the manifest.
	if lock := p.besideLock(eco, dir); lock != "" {
		m.Status, m.Lock = Pass, lock
		m.Reason = fmt.Sprintf("%s is covered by %s", pf.path, lock)
		return m
	}
	if pf.kind == requirementsTxt {
		// A requirements*.in is covered by the hashed requirements*.txt
		// that pip-compile writes from it beside it.
		if strings.HasSuffix(strings.ToLower(pf.path), ".in") {
			txt := strings.TrimSuffix(pf.path, path.Ext(pf.path)) + ".txt"
			if q := p.files[p.actual(txt)]; q != nil && q.self {
				m.Status, m.Lock = Pass, q.path
				m.Reason = fmt.Sprintf("%s is compiled into %s, whose every requirement is ==-pinned with --hash", pf.path, q.path)
				return m
			}
		}
		if pf.selfUnknown != "" {
			return p.undecided(m, pf.selfUnknown)
		}
	}
	if link := p.x.symlinked(dir, Locks[eco]...); link != "" {
		return p.undecided(m, fmt.Sprintf("its lock %s is a symlink, which ssdf does not follow", link))
	}

	// The lock of a workspace it is a member of.
	var defs map[string]*wsDef
	var self bool
	switch pf.kind {
	case packageJSON:
		defs = p.npmWS
	case cargoTOML:
		defs = p.cargoWS
	case goMod:
		defs, self = p.goWS, true
	case pyprojectTOML:
		defs = p.uvWS
	case gradleBuild:
		return p.coverGradle(m, dir)
	}
	if defs != nil {
		lock, via, why := p.workspaceLock(eco, dir, defs, self)
		if lock != "" {
			m.Status, m.Lock, m.Workspace = Pass, lock, via
			m.Reason = fmt.Sprintf("%s is a member of the workspace of %s, covered by %s", pf.path, via, lock)
			return m
		}
		if why != "" {
			return p.undecided(m, why)
		}
	}
	what := plural(m.Deps, "dependency", "dependencies")
	if m.Deps == 0 {
		what = "a workspace"
	}
	msg := fmt.Sprintf("%s declares %s and no %s lock covers it", pf.path, what, eco)
	return p.uncovered(m, pf.selfProblems, msg)
}

// actual returns the spelling in the tree of a path matched
// case-insensitively, or p.
func (p *parser) actual(want string) string {
	for _, f := range p.x.byDir[dirOf(want)] {
		if strings.EqualFold(f, want) {
			return f
		}
	}
	return want
}

// besideLock returns the lock of eco in dir, or "".
func (p *parser) besideLock(eco Ecosystem, dir string) string {
	if lock := p.x.find(dir, Locks[eco]...); lock != "" {
		return lock
	}
	if eco == Python {
		// A named lock: pylock.NAME.toml, NAME without dots (the
		// pylock.toml specification's file-name rule).
		return p.x.findFunc(dir, func(b string) bool {
			name, ok := strings.CutPrefix(b, "pylock.")
			name, ok2 := strings.CutSuffix(name, ".toml")
			return ok && ok2 && name != "" && !strings.Contains(name, ".")
		})
	}
	return ""
}

// workspaceLock finds the workspace, in an ancestor directory (or dir itself
// when self), that has dir as a member and a lock of eco beside its
// definition. why is set when a would-be workspace could not be read.
func (p *parser) workspaceLock(eco Ecosystem, dir string, defs map[string]*wsDef, self bool) (lock, via, why string) {
	cands := ancestors(dir)
	if self {
		cands = append([]string{dir}, cands...)
	}
	for _, a := range cands {
		def := defs[a]
		if def == nil {
			continue
		}
		l := ""
		if eco == Go {
			l = p.x.find(a, "go.work.sum")
		} else {
			l = p.besideLock(eco, a)
		}
		if l == "" {
			continue
		}
		if def.err != "" {
			if why == "" {
				why = fmt.Sprintf("%s, which may make it a member of a workspace locked by %s, %s", def.file, l, def.err)
			}
			continue
		}
		rel := dir
		if a != "" {
			rel = strings.TrimPrefix(dir, a+"/")
			if dir == a {
				rel = ""
			}
		}
		if def.member(rel) {
			return l, def.file, ""
		}
	}
	return "", "", why
}

// coverBeside covers a manifest by one lock name beside it.
func (p *parser) coverBeside(m *Manifest, dir, lockName string) *Manifest {
	if lock := p.x.find(dir, lockName); lock != "" {
		m.Status, m.Lock = Pass, lock
		m.Reason = fmt.Sprintf("%s is covered by %s", m.Path, lock)
		return m
	}
	if link := p.x.symlinked(dir, lockName); link != "" {
		return p.undecided(m, fmt.Sprintf("its lock %s is a symlink, which ssdf does not follow", link))
	}
	return p.uncovered(m, nil, fmt.Sprintf("%s declares %s and has no %s beside it", m.Path, plural(m.Deps, "dependency", "dependencies"), lockName))
}

// coverGradle covers a Gradle build file by gradle.lockfile beside it or
// the root project's gradle/verification-metadata.xml, the root being the
// nearest directory (the build file's own or an ancestor) holding a
// settings file; without one, the build file's directory is the root.
func (p *parser) coverGradle(m *Manifest, dir string) *Manifest {
	root := dir
	for _, a := range append([]string{dir}, ancestors(dir)...) {
		if p.x.find(a, "settings.gradle", "settings.gradle.kts") != "" {
			root = a
			break
		}
	}
	if lock := p.x.find(join(root, "gradle"), "verification-metadata.xml"); lock != "" {
		m.Status, m.Lock = Pass, lock
		if root != dir {
			m.Workspace = p.x.find(root, "settings.gradle", "settings.gradle.kts")
		}
		m.Reason = fmt.Sprintf("%s is verified by the root project's %s", m.Path, lock)
		return m
	}
	m.Fix = "./gradlew dependencies --write-locks (with dependency locking enabled), or ./gradlew --write-verification-metadata sha256 help"
	return p.uncovered(m, nil, fmt.Sprintf("%s declares dependencies and has neither gradle.lockfile beside it nor %s", m.Path, join(join(root, "gradle"), "verification-metadata.xml")))
}

// uncovered is a manifest without a lock: Fail, or Unknown when the walk
// was cut short (the lock may be beyond the cap).
func (p *parser) uncovered(m *Manifest, problems []Problem, msg string) *Manifest {
	if p.set.Truncated && len(problems) == 0 {
		return p.undecided(m, "no lock was found, but the walk of the repository was cut short")
	}
	m.Status, m.Reason = Fail, msg
	if len(problems) > 0 {
		m.Problems = problems
		return m
	}
	m.Problems = []Problem{{Path: m.Path, Line: m.Line, Message: fmt.Sprintf("%s; run `%s` and commit the lock", msg, m.Fix)}}
	return m
}

// undecided is a manifest whose coverage cannot be told.
func (p *parser) undecided(m *Manifest, why string) *Manifest {
	m.Status = Unknown
	m.Reason = fmt.Sprintf("whether a lock covers %s is unknown: %s", m.Path, why)
	m.Problems = []Problem{{Path: m.Path, Line: m.Line, Message: why}}
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
