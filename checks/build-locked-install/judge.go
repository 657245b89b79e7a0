package buildlockedinstall

import (
	"fmt"
	"path"
	"strings"

	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// verdict is what one command is, for this check.
type verdict int

const (
	notInstall verdict = iota // not a dependency-install command
	locked                    // an install in the locked form
	unlocked                  // an install that is not locked: a finding
	undecided                 // an install whose lock ssdf cannot judge
)

// judgement is the verdict on one command.
type judgement struct {
	v verdict
	// tool names the installer: "npm", "yarn", "pnpm", "pip", "uv",
	// "poetry", "pipenv", "cargo", "dotnet", "composer", "go", "bundler".
	tool string
	// why says what is wrong (unlocked) or what could not be told
	// (undecided), after the command's text.
	why string
	// fix is the locked form to write.
	fix string
}

func pass(tool string) judgement { return judgement{v: locked, tool: tool} }

// judge classifies one command run in scope s.
func (e *eval) judge(c pipeline.Command, s *shellState) judgement {
	switch name := c.Name; {
	case name == "npm":
		return judgeNPM(c)
	case name == "yarn":
		return judgeYarn(c, s)
	case name == "pnpm":
		return judgePNPM(c, s)
	case isPip(name):
		return e.judgePip(c, s, "pip", c.Args)
	case name == "uv":
		return e.judgeUV(c, s)
	case name == "poetry":
		if sub, _ := subcommand(c.Args, nil); sub == "install" || sub == "sync" {
			return pass("poetry")
		}
	case name == "pipenv":
		return judgePipenv(c)
	case name == "cargo":
		return judgeCargo(c)
	case name == "dotnet":
		return e.judgeDotnet(c, s)
	case name == "composer" || name == "composer.phar":
		return judgeComposer(c, c.Args)
	case name == "php" && len(c.Args) > 0 && isComposerPhar(c.Args[0]):
		return judgeComposer(c, c.Args[1:])
	case name == "go":
		return judgeGo(c, s)
	case name == "bundle" || name == "bundler":
		return judgeBundle(c, s)
	}
	return judgement{}
}

// subcommand returns the first argument that is neither a flag nor the
// value of one of valueFlags, and the arguments after it.
func subcommand(args []string, valueFlags map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return args[i+1], args[i+2:]
			}
			return "", nil
		}
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}

// positionals returns the arguments that are neither flags nor values of
// valueFlags.
func positionals(args []string, valueFlags map[string]bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i+1:]...)
		}
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// has reports whether one of the flags is among args, alone or as
// "flag=value".
func has(args []string, flags ...string) bool {
	for _, a := range args {
		for _, f := range flags {
			if a == f || strings.HasPrefix(a, f+"=") {
				return true
			}
		}
	}
	return false
}

// flagValue returns the value of the last "--flag=value" or "--flag
// value" among args.
func flagValue(args []string, flag string) (string, bool) {
	v, ok := "", false
	for i, a := range args {
		switch {
		case a == flag && i+1 < len(args):
			v, ok = args[i+1], true
		case strings.HasPrefix(a, flag+"="):
			v, ok = a[len(flag)+1:], true
		}
	}
	return v, ok
}

// ---- npm ----

var npmValueFlags = set("--prefix", "--workspace", "-w", "--registry", "--cache", "--userconfig", "--globalconfig",
	"--loglevel", "--omit", "--include", "--install-strategy", "--tag", "--before", "--location", "--script-shell",
	"--only", "--also", "--otp", "--workspaces-update", "--install-links")

var npmInstall = set("install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
	"add", "install-test", "it")

var npmCI = set("ci", "clean-install", "ic", "install-clean", "isntall-clean", "install-ci-test", "cit")

func judgeNPM(c pipeline.Command) judgement {
	sub, rest := subcommand(c.Args, npmValueFlags)
	switch {
	case npmCI[sub]:
		return pass("npm")
	case !npmInstall[sub]:
		return judgement{}
	case has(rest, "--package-lock-only", "--lockfile-only", "--dry-run"):
		// Writes the lock, installs nothing.
		return judgement{}
	case len(positionals(rest, npmValueFlags)) > 0:
		// `npm install PKG` installs a named package (often a tool with
		// -g): SPEC asks for `npm ci` only in place of an install without
		// a package argument, so this is not a dependency install from
		// the lock — left aside, as `pip install NAME` is, never counted
		// as locked (that would pass without evidence).
		return judgement{}
	}
	return judgement{v: unlocked, tool: "npm",
		why: "resolves package.json afresh and may rewrite package-lock.json instead of installing exactly what the lock holds",
		fix: code(replaceWord(c.Text, sub, "ci", "npm ci"))}
}

// ---- yarn ----

var yarnValueFlags = set("--cwd", "--modules-folder", "--cache-folder", "--mutex", "--network-timeout", "--registry",
	"--link-folder", "--global-folder", "--preferred-cache-folder", "--network-concurrency", "--mode")

func judgeYarn(c pipeline.Command, s *shellState) judgement {
	sub, _ := subcommand(c.Args, yarnValueFlags)
	if sub != "" && sub != "install" || has(c.Args, "--version", "-v", "-V", "--help", "-h") {
		// `yarn add`, `yarn build`, `yarn run x`: not an install.
		return judgement{}
	}
	if m, ok := flagValue(c.Args, "--mode"); ok && m == "update-lockfile" {
		return judgement{}
	}
	if has(c.Args, "--frozen-lockfile", "--immutable") {
		return pass("yarn")
	}
	if v, ok := s.env("YARN_ENABLE_IMMUTABLE_INSTALLS"); ok && truthy(v) {
		return pass("yarn")
	}
	what := "a bare `yarn`"
	if sub == "install" {
		what = "`yarn install`"
	}
	return judgement{v: unlocked, tool: "yarn",
		why: what + " without `--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+) may update yarn.lock instead of failing when it is out of date",
		fix: code(appendFlag(c.Text, "--frozen-lockfile", "yarn install --frozen-lockfile")) + " (Yarn 1) or " + code(appendFlag(c.Text, "--immutable", "yarn install --immutable")) + " (Yarn 2+)"}
}

// ---- pnpm ----

var pnpmValueFlags = set("-C", "--dir", "--filter", "-F", "--reporter", "--store-dir", "--virtual-store-dir",
	"--modules-dir", "--loglevel", "--workspace-concurrency", "--network-concurrency", "--child-concurrency")

func judgePNPM(c pipeline.Command, s *shellState) judgement {
	sub, rest := subcommand(c.Args, pnpmValueFlags)
	if sub != "install" && sub != "i" {
		return judgement{}
	}
	if has(rest, "--lockfile-only") {
		return judgement{}
	}
	if len(positionals(rest, pnpmValueFlags)) > 0 {
		// A named package, left aside as with npm.
		return judgement{}
	}
	if has(c.Args, "--no-frozen-lockfile") || has(c.Args, "--frozen-lockfile=false") {
		return judgement{v: unlocked, tool: "pnpm",
			why: "turns the frozen lockfile off, so pnpm-lock.yaml may be updated instead of failing when it is out of date",
			fix: code(removeFlag(c.Text, "--no-frozen-lockfile", "--frozen-lockfile=false", "pnpm install --frozen-lockfile"))}
	}
	if has(c.Args, "--frozen-lockfile") {
		return pass("pnpm")
	}
	if v, ok := s.env("npm_config_frozen_lockfile"); ok && truthy(v) {
		return pass("pnpm")
	}
	if s.ci() || s.site == siteMake {
		// pnpm installs with a frozen lockfile by default in CI; a
		// Makefile run by a pipeline inherits CI, and SPEC names plain
		// `pnpm install` as the locked form (hand labels read it so).
		return pass("pnpm")
	}
	where := "outside CI"
	switch s.site {
	case siteDocker:
		where = "in a Docker build, where CI is not set,"
	case sitePipeline:
		where = "in a step where CI is not set,"
		if s.system == pipeline.Tekton {
			where = "in a Tekton step, where CI is not set,"
		}
	}
	return judgement{v: unlocked, tool: "pnpm",
		why: "runs " + where + " so pnpm-lock.yaml may be updated instead of failing when it is out of date",
		fix: code(appendFlag(c.Text, "--frozen-lockfile", "pnpm install --frozen-lockfile"))}
}

// ---- pip and uv pip ----

// isPip recognises pip, pip3, pip3.12, pip2.
func isPip(name string) bool {
	rest, ok := strings.CutPrefix(name, "pip")
	return ok && strings.Trim(rest, "0123456789.") == ""
}

var pipValueFlags = set("-r", "--requirement", "--requirements", "-c", "--constraint", "--constraints", "-e", "--editable",
	"-i", "--index-url", "--extra-index-url", "--index", "--default-index", "-f", "--find-links", "-t", "--target",
	"--prefix", "--root", "--python-version", "--platform", "--implementation", "--abi", "--src", "--upgrade-strategy",
	"--progress-bar", "--trusted-host", "--cache-dir", "--log", "--proxy", "--retries", "--timeout", "--exists-action",
	"--cert", "--client-cert", "--python", "-p", "--report", "--global-option", "--config-settings", "-C",
	"--no-binary", "--only-binary", "--use-feature", "--use-deprecated", "--group", "--overrides", "--extra",
	"--resolution", "--prerelease", "--index-strategy", "--keyring-provider", "--link-mode", "--exclude-newer",
	"--python-platform", "--reinstall-package", "--no-build-isolation-package", "--config-file", "--directory",
	"--project", "--color", "--no-install-package", "--torch-backend")

// judgePip judges `pip install ...` (and, with tool "uv", `uv pip
// install ...`); args start at the subcommand.
func (e *eval) judgePip(c pipeline.Command, s *shellState, tool string, args []string) judgement {
	sub, rest := subcommand(args, pipValueFlags)
	if sub != "install" {
		return judgement{}
	}
	var files, local []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "-r" || a == "--requirement" || a == "--requirements":
			if i+1 < len(rest) {
				files = append(files, rest[i+1])
				i++
			}
		case strings.HasPrefix(a, "--requirement=") || strings.HasPrefix(a, "--requirements="):
			_, v, _ := strings.Cut(a, "=")
			files = append(files, v)
		case strings.HasPrefix(a, "-r") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			files = append(files, a[2:])
		case len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.HasSuffix(a, "r") && strings.Trim(a[1:len(a)-1], "UqvI") == "":
			// A cluster of flags ending in -r (`pip install -Ur FILE`,
			// aio-libs/frozenlist's Makefile): the next word is the file.
			if i+1 < len(rest) {
				files = append(files, rest[i+1])
				i++
			}
		case a == "-e" || a == "--editable":
			if i+1 < len(rest) {
				if localPath(rest[i+1], true) {
					local = append(local, "-e "+rest[i+1])
				}
				i++
			}
		case a == "--group" || strings.HasPrefix(a, "--group="):
			// pip 25.1+: install a pyproject.toml dependency group, as
			// declared (psf/black's workflows): the project's own
			// dependencies, unpinned, like `pip install .`.
			g := strings.TrimPrefix(a, "--group=")
			if a == "--group" && i+1 < len(rest) {
				g = rest[i+1]
				i++
			}
			local = append(local, "--group "+g)
		case strings.HasPrefix(a, "--editable="):
			if v := a[len("--editable="):]; localPath(v, true) {
				local = append(local, "-e "+v)
			}
		case strings.HasPrefix(a, "-e") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			if localPath(a[2:], true) {
				local = append(local, "-e "+a[2:])
			}
		case strings.HasPrefix(a, "-"):
			if pipValueFlags[a] {
				i++
			}
		default:
			if localPath(a, false) {
				local = append(local, a)
			}
		}
	}
	return e.judgeRequirements(c, s, tool, files, local, has(rest, "--require-hashes"), has(rest, "--no-deps"))
}

// localPath reports whether a pip argument names a local project
// directory (`.`, `./x`, `../x`, `/app`, `.[extra]`) rather than a named
// package, a URL or a built archive.
func localPath(a string, editable bool) bool {
	a = strings.Trim(a, `"'`)
	if a == "" || strings.Contains(a, "://") || strings.HasPrefix(a, "git+") {
		return false
	}
	if i := strings.IndexByte(a, '['); i > 0 {
		a = a[:i]
	}
	la := strings.ToLower(a)
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".egg"} {
		if strings.HasSuffix(la, ext) {
			return false
		}
	}
	if editable && !strings.Contains(a, "$") {
		return true
	}
	return a == "." || a == ".." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, "../") || strings.HasPrefix(a, "/")
}

// judgeRequirements judges an install of requirements files and local
// projects (pip install, uv pip install, uv pip sync).
func (e *eval) judgeRequirements(c pipeline.Command, s *shellState, tool string, files, local []string, requireHashes, noDeps bool) judgement {
	if len(files) == 0 && len(local) == 0 {
		// `pip install PKG`: a named package or tool, not the project's
		// locked dependencies.
		return judgement{}
	}
	envHashes := "PIP_REQUIRE_HASHES"
	if tool == "uv" {
		envHashes = "UV_REQUIRE_HASHES"
	}
	if v, ok := s.env(envHashes); ok && truthy(v) {
		requireHashes = true
	}
	if requireHashes {
		// pip and uv refuse any requirement without a matching hash.
		return pass(tool)
	}
	cmd := "pip install"
	if tool == "uv" {
		cmd = "uv pip install"
	}
	if len(local) > 0 && !noDeps {
		return judgement{v: unlocked, tool: tool,
			why: fmt.Sprintf("installs the local project `%s` with its dependencies resolved afresh from its metadata, not from a lock", strings.TrimPrefix(local[0], "-e ")),
			fix: fmt.Sprintf("`%s --require-hashes -r requirements.txt` (a hashed lock of the dependencies) then `%s --no-deps %s`", cmd, cmd, local[0])}
	}
	var undecidedWhy []string
	for _, f := range files {
		st, why := e.requirementsFile(s, f)
		switch st {
		case manifest.Fail:
			return judgement{v: unlocked, tool: tool, why: why,
				fix: fmt.Sprintf("`%s --require-hashes -r %s` with %s compiled by `uv pip compile --generate-hashes` or `pip-compile --generate-hashes`", cmd, f, f)}
		case manifest.Unknown:
			undecidedWhy = append(undecidedWhy, why)
		}
	}
	if len(undecidedWhy) > 0 {
		return judgement{v: undecided, tool: tool, why: strings.Join(undecidedWhy, "; ")}
	}
	return pass(tool)
}

// requirementsFile says whether the requirements file f, named in a
// command run in s, is fully hashed.
func (e *eval) requirementsFile(s *shellState, f string) (manifest.Status, string) {
	cands, ok := s.candidates(f)
	if !ok {
		return manifest.Unknown, fmt.Sprintf("its requirements file `%s` is not a path ssdf can resolve (a variable or an absolute path)", f)
	}
	for _, p := range cands {
		actual, found := e.lookup(p)
		if !found {
			continue
		}
		base := strings.ToLower(path.Base(actual))
		if base == "pyproject.toml" || base == "setup.py" || base == "setup.cfg" {
			return manifest.Fail, fmt.Sprintf("installs the dependencies declared in %s, unpinned, rather than from a lock", actual)
		}
		r := e.manifests.Requirements[actual]
		switch {
		case r == nil:
			return manifest.Unknown, fmt.Sprintf("its requirements file %s is not read by ssdf (only `.txt`/`.in` files whose name holds `requirements` or `constraints`, and the files under `requirements*/` directories, are)", actual)
		case r.Unread != "":
			return manifest.Unknown, fmt.Sprintf("its requirements file %s is %s", actual, r.Unread)
		case r.Hashed == manifest.Pass:
			return manifest.Pass, ""
		case r.Hashed == manifest.Fail:
			return manifest.Fail, fmt.Sprintf("installs from %s, which is not fully hashed (%s), without `--require-hashes`", actual, r.HashedWhy)
		default:
			why := r.HashedWhy
			if why == "" {
				why = "its hashes could not be judged"
			}
			return manifest.Unknown, fmt.Sprintf("its requirements file %s cannot be judged: %s", actual, why)
		}
	}
	return manifest.Unknown, fmt.Sprintf("its requirements file `%s` (looked for at %s) is not in the repository; a file written by an earlier step cannot be judged", f, strings.Join(cands, ", "))
}

// ---- uv ----

var uvValueFlags = set("--directory", "--project", "--config-file", "--cache-dir", "--color", "--python", "-p",
	"--extra", "--group", "--no-install-package", "--package", "--index", "--default-index", "--index-url",
	"--extra-index-url", "--find-links", "-f", "--resolution", "--prerelease", "--python-platform", "--exclude-newer",
	"--only-group", "--no-group", "--link-mode", "--keyring-provider", "--index-strategy", "--refresh-package",
	"--reinstall-package", "--upgrade-package", "-P", "--active", "--script", "--output-format")

func (e *eval) judgeUV(c pipeline.Command, s *shellState) judgement {
	sub, rest := subcommand(c.Args, uvValueFlags)
	switch sub {
	case "sync":
		if has(rest, "--locked", "--frozen") || has(c.Args, "--locked", "--frozen") {
			return pass("uv")
		}
		for _, n := range []string{"UV_LOCKED", "UV_FROZEN"} {
			if v, ok := s.env(n); ok && truthy(v) {
				return pass("uv")
			}
		}
		return judgement{v: unlocked, tool: "uv",
			why: "without `--locked` or `--frozen` re-locks uv.lock when it is out of date instead of failing",
			fix: code(insertAfterWord(c.Text, "sync", "--locked", "uv sync --locked"))}
	case "pip":
		psub, prest := subcommand(rest, pipValueFlags)
		switch psub {
		case "install":
			return e.judgePip(c, s, "uv", rest)
		case "sync":
			files := positionals(prest, pipValueFlags)
			return e.judgeRequirements(c, s, "uv", files, nil, has(prest, "--require-hashes"), true)
		}
	}
	return judgement{}
}

// ---- pipenv ----

var pipenvValueFlags = set("--python", "-r", "--requirements", "-e", "--editable", "-i", "--index", "--extra-index-url",
	"--categories", "--pypi-mirror")

func judgePipenv(c pipeline.Command) judgement {
	sub, rest := subcommand(c.Args, pipenvValueFlags)
	switch sub {
	case "sync":
		return pass("pipenv")
	case "install":
	default:
		return judgement{}
	}
	if len(positionals(rest, pipenvValueFlags)) > 0 || has(rest, "-r", "--requirements", "-e", "--editable") {
		// Adds a package (or imports a requirements file) to the Pipfile.
		return judgement{}
	}
	if has(rest, "--deploy", "--ignore-pipfile") {
		return pass("pipenv")
	}
	return judgement{v: unlocked, tool: "pipenv",
		why: "without `--deploy` re-locks Pipfile.lock when it is out of date instead of failing",
		fix: code(appendFlag(c.Text, "--deploy", "pipenv install --deploy")) + " or `pipenv sync`"}
}

// ---- cargo ----

var cargoValueFlags = set("-Z", "--config", "-C", "--color")

func judgeCargo(c pipeline.Command) judgement {
	args := c.Args
	// `cargo +nightly build`: the toolchain comes first.
	if len(args) > 0 && strings.HasPrefix(args[0], "+") {
		args = args[1:]
	}
	sub, _ := subcommand(args, cargoValueFlags)
	switch sub {
	case "build", "b", "test", "t", "install":
	default:
		return judgement{}
	}
	if has(args, "--locked", "--frozen") {
		return pass("cargo")
	}
	why := "without `--locked` or `--frozen` may update Cargo.lock (or, for `cargo install`, ignore the crate's lock) instead of failing"
	return judgement{v: unlocked, tool: "cargo", why: why,
		fix: code(appendFlag(c.Text, "--locked", "cargo "+sub+" --locked"))}
}

// ---- dotnet ----

func (e *eval) judgeDotnet(c pipeline.Command, s *shellState) judgement {
	sub, rest := subcommand(c.Args, set("--verbosity", "-v"))
	if sub != "restore" {
		return judgement{}
	}
	for _, a := range rest {
		if v, ok := msbuildProperty(a, "RestoreForceEvaluate"); a == "--force-evaluate" || ok && strings.EqualFold(v, "true") {
			// NuGet re-evaluates and rewrites the lock; locked mode is
			// ignored (NU1512).
			return judgement{v: unlocked, tool: "dotnet",
				why: "forces NuGet to re-evaluate the dependencies and rewrite packages.lock.json, which overrides locked mode (NU1512)",
				fix: "`dotnet restore --locked-mode` without `--force-evaluate`"}
		}
	}
	if has(rest, "--locked-mode") {
		return pass("dotnet")
	}
	for _, a := range rest {
		if v, ok := msbuildProperty(a, "RestoreLockedMode"); ok {
			if strings.EqualFold(v, "true") {
				return pass("dotnet")
			}
		}
	}
	if v, ok := s.envFold("RestoreLockedMode"); ok && strings.EqualFold(strings.TrimSpace(v), "true") {
		// MSBuild reads environment variables as properties.
		return pass("dotnet")
	}
	target := ""
	if pos := positionals(rest, set("--source", "-s", "--packages", "--configfile", "--runtime", "-r", "--verbosity", "-v", "--lock-file-path", "--arch", "-a", "--os")); len(pos) > 0 {
		target = pos[0]
	}
	st, why := e.restoreLockedMode(s, target)
	fix := code(appendFlag(c.Text, "--locked-mode", "dotnet restore --locked-mode")) + " or set `<RestoreLockedMode>true</RestoreLockedMode>` in Directory.Build.props"
	switch st {
	case manifest.Pass:
		return pass("dotnet")
	case manifest.Unknown:
		return judgement{v: undecided, tool: "dotnet", why: why}
	}
	return judgement{v: unlocked, tool: "dotnet", why: why, fix: fix}
}

// msbuildProperty reads "-p:Name=value", "/p:Name=value",
// "-property:Name=value", "--property:Name=value" (also with several
// `;`-separated properties), case-insensitively.
func msbuildProperty(a, name string) (string, bool) {
	la := strings.ToLower(a)
	var rest string
	found := false
	for _, p := range []string{"-p:", "/p:", "-property:", "--property:", "/property:"} {
		if strings.HasPrefix(la, p) {
			rest, found = a[len(p):], true
			break
		}
	}
	if !found {
		return "", false
	}
	for _, kv := range strings.Split(rest, ";") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.Trim(strings.TrimSpace(v), `"'`), true
		}
	}
	return "", false
}

// restoreLockedMode decides whether the projects that `dotnet restore
// [target]` restores run in locked mode through RestoreLockedMode set in
// the project or an imported Directory.Build.props.
func (e *eval) restoreLockedMode(s *shellState, target string) (manifest.Status, string) {
	dir, exact, ok := e.restoreTarget(s, target)
	if !ok {
		return manifest.Unknown, fmt.Sprintf("it restores `%s`, a path ssdf cannot resolve, and has no `--locked-mode`", target)
	}
	var projects []string
	for _, m := range e.manifests.Manifests {
		if m.Ecosystem != manifest.DotNet || m.Status == manifest.Unknown && e.manifests.Projects[m.Path] == nil {
			continue
		}
		if exact != "" && m.Path != exact || exact == "" && !under(m.Path, dir) {
			continue
		}
		projects = append(projects, m.Path)
	}
	where := "the repository root"
	if dir != "" {
		where = dir
	}
	if exact != "" {
		where = exact
	}
	if len(projects) == 0 {
		// No project with package references there: Directory.Build.props
		// at or above the directory may still set it.
		st, src := e.lockedModeAt(dir)
		switch st {
		case manifest.Pass:
			return manifest.Pass, ""
		case manifest.Unknown:
			return manifest.Unknown, src
		}
		return manifest.Fail, fmt.Sprintf("does not run in locked mode: no `--locked-mode`, and RestoreLockedMode is not set for %s", where)
	}
	var notSet, unknown []string
	for _, p := range projects {
		st, src := e.lockedModeOf(p)
		switch st {
		case manifest.Fail:
			notSet = append(notSet, p)
		case manifest.Unknown:
			unknown = append(unknown, src)
		}
	}
	switch {
	case len(notSet) > 0:
		return manifest.Fail, fmt.Sprintf("does not run in locked mode: no `--locked-mode`, and RestoreLockedMode is not true for %s", listN(notSet, 3))
	case len(unknown) > 0:
		return manifest.Unknown, strings.Join(unknown, "; ")
	}
	return manifest.Pass, ""
}

// restoreTarget resolves the target of `dotnet restore`: a project file
// (exact) or a directory whose projects it restores (a solution's
// directory too).
func (e *eval) restoreTarget(s *shellState, target string) (dir, exact string, ok bool) {
	if target == "" {
		cands, ok := s.candidates(".")
		if !ok || len(cands) == 0 {
			return "", "", false
		}
		for _, c := range cands {
			if e.hasDotnetUnder(c) {
				return c, "", true
			}
		}
		return cands[0], "", true
	}
	cands, ok := s.candidates(target)
	if !ok {
		return "", "", false
	}
	ext := strings.ToLower(path.Ext(target))
	for _, c := range cands {
		switch ext {
		case ".csproj", ".fsproj", ".vbproj":
			if actual, found := e.lookup(c); found {
				return "", actual, true
			}
		case ".sln", ".slnx", ".slnf":
			if _, found := e.lookup(c); found {
				return dirOf(c), "", true
			}
		default:
			if e.hasDotnetUnder(c) {
				return c, "", true
			}
		}
	}
	switch ext {
	case ".csproj", ".fsproj", ".vbproj":
		return "", cands[0], true
	case ".sln", ".slnx", ".slnf":
		return dirOf(cands[0]), "", true
	}
	return cands[0], "", true
}

func (e *eval) hasDotnetUnder(dir string) bool {
	for _, m := range e.manifests.Manifests {
		if m.Ecosystem == manifest.DotNet && under(m.Path, dir) {
			return true
		}
	}
	return false
}

// lockedModeOf gives the RestoreLockedMode in force for a project: its
// own, else that of the Directory.Build.props it imports.
func (e *eval) lockedModeOf(project string) (manifest.Status, string) {
	if m := e.manifests.Projects[project]; m != nil {
		if m.Err != "" {
			return manifest.Unknown, fmt.Sprintf("%s %s", project, m.Err)
		}
		if p, ok := m.Property("RestoreLockedMode"); ok {
			return propertyStatus(project, p)
		}
	}
	return e.lockedModeAt(dirOf(project))
}

// lockedModeAt gives the RestoreLockedMode that the Directory.Build.props
// files imported in dir set: the nearest one upwards, then the next one
// above it for as long as each imports its parent's (GetPathOfFileAbove).
func (e *eval) lockedModeAt(dir string) (manifest.Status, string) {
	for _, d := range append([]string{dir}, ancestors(dir)...) {
		f := e.props[strings.ToLower(join(d, "directory.build.props"))]
		if f == "" {
			continue
		}
		m := e.manifests.Projects[f]
		if m == nil {
			return manifest.Unknown, fmt.Sprintf("%s is not read", f)
		}
		if m.Err != "" {
			return manifest.Unknown, fmt.Sprintf("%s %s", f, m.Err)
		}
		if p, ok := m.Property("RestoreLockedMode"); ok {
			return propertyStatus(f, p)
		}
		chained := false
		for _, imp := range m.Imports {
			if strings.Contains(imp, "FileAbove") && strings.Contains(strings.ToLower(imp), "directory.build.props") {
				chained = true
			}
		}
		if !chained {
			break
		}
	}
	return manifest.Fail, ""
}

func propertyStatus(file string, p manifest.Property) (manifest.Status, string) {
	v := strings.TrimSpace(p.Value)
	switch {
	case strings.EqualFold(v, "true"):
		return manifest.Pass, ""
	case strings.Contains(v, "$("):
		return manifest.Unknown, fmt.Sprintf("%s:%d sets RestoreLockedMode to `%s`, which ssdf does not evaluate", file, p.Line, v)
	}
	return manifest.Fail, ""
}

// ---- composer ----

func isComposerPhar(a string) bool {
	b := strings.ToLower(path.Base(a))
	return b == "composer.phar" || b == "composer"
}

func judgeComposer(c pipeline.Command, args []string) judgement {
	sub, _ := subcommand(args, set("-d", "--working-dir"))
	switch sub {
	case "install", "i":
		return pass("composer")
	case "update", "u", "upgrade":
		return judgement{v: unlocked, tool: "composer",
			why: "resolves composer.json afresh and rewrites composer.lock; CI must install what the lock holds",
			fix: code(replaceWord(c.Text, sub, "install", "composer install"))}
	}
	return judgement{}
}

// ---- go ----

func judgeGo(c pipeline.Command, s *shellState) judgement {
	sub, rest := subcommand(c.Args, set("-C"))
	if sub != "build" && sub != "test" {
		return judgement{}
	}
	if m, ok := goModFlag(rest); ok {
		if m == "mod" {
			return judgement{v: unlocked, tool: "go",
				why: "with `-mod=mod` lets the go command update go.mod and go.sum instead of failing when they are incomplete",
				fix: code(removeFlag(c.Text, "-mod=mod", "--mod=mod", "go "+sub))}
		}
		return pass("go")
	}
	if v, ok := s.env("GOFLAGS"); ok && goflagsModMod(v) {
		return judgement{v: unlocked, tool: "go",
			why: "runs with `-mod=mod` in GOFLAGS, which lets the go command update go.mod and go.sum instead of failing when they are incomplete",
			fix: "`go " + sub + "` without `-mod=mod` in GOFLAGS"}
	}
	if goflagsModMod(s.job.goflags) {
		return judgement{v: unlocked, tool: "go",
			why: "runs after `go env -w GOFLAGS=-mod=mod`, which lets the go command update go.mod and go.sum instead of failing when they are incomplete",
			fix: "`go " + sub + "` without `go env -w GOFLAGS=-mod=mod` before it"}
	}
	return pass("go")
}

// goModFlag returns the value of a -mod flag among args.
func goModFlag(args []string) (string, bool) {
	for i, a := range args {
		for _, f := range []string{"-mod", "--mod"} {
			if a == f && i+1 < len(args) {
				return args[i+1], true
			}
			if v, ok := strings.CutPrefix(a, f+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

func goflagsModMod(v string) bool {
	for _, f := range strings.Fields(strings.Trim(v, `"'`)) {
		if f == "-mod=mod" || f == "--mod=mod" {
			return true
		}
	}
	return false
}

// ---- bundler ----

var bundleValueFlags = set("--jobs", "-j", "--retry", "--path", "--without", "--with", "--gemfile", "--binstubs",
	"--shebang", "--trust-policy", "--target-rbconfig")

func judgeBundle(c pipeline.Command, s *shellState) judgement {
	sub, _ := subcommand(c.Args, bundleValueFlags)
	if sub != "" && sub != "install" || has(c.Args, "--version", "-v", "-V", "--help", "-h") {
		return judgement{}
	}
	if has(c.Args, "--frozen", "--deployment") {
		return pass("bundler")
	}
	undecidedEnv := ""
	for _, n := range []string{"BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT"} {
		if v, ok := s.env(n); ok {
			switch {
			case strings.Contains(v, "$"):
				undecidedEnv = fmt.Sprintf("%s is set to `%s`, whose value ssdf cannot tell", n, v)
			case bundlerTrue(v):
				return pass("bundler")
			}
		}
	}
	if s.job.bundleFrozen {
		return pass("bundler")
	}
	if undecidedEnv != "" {
		return judgement{v: undecided, tool: "bundler", why: undecidedEnv}
	}
	what := "`bundle install`"
	if sub == "" {
		what = "a bare `bundle` (an install)"
	}
	return judgement{v: unlocked, tool: "bundler",
		why: what + " without `--frozen`, `--deployment` or BUNDLE_FROZEN may update Gemfile.lock instead of failing when it is out of date",
		fix: code("BUNDLE_FROZEN=true "+oneLine(c.Text)) + " or run `bundle config set frozen true` before it"}
}

// bundlerTrue reads a Bundler boolean setting as Bundler does: anything
// but "", "false", "f", "no", "n" and "0" is true.
func bundlerTrue(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`)) {
	case "", "false", "f", "no", "n", "0":
		return false
	}
	return true
}

// truthy reads a boolean environment variable: 1, true, yes, on.
func truthy(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`)) {
	case "1", "true", "yes", "on", "y", "t":
		return true
	}
	return false
}

// ---- fixes ----

// code renders a command as Markdown code.
func code(s string) string { return "`" + s + "`" }

// appendFlag returns the command as written with flag appended, or def
// when the text is clipped or empty.
func appendFlag(text, flag, def string) string {
	t := strings.TrimSpace(text)
	if t == "" || len(t) >= 300 || strings.Contains(t, "\n") {
		return def
	}
	return t + " " + flag
}

// insertAfterWord inserts flag after the first word w of text.
func insertAfterWord(text, w, flag, def string) string {
	return replaceWord(text, w, w+" "+flag, def)
}

// replaceWord replaces the first blank-delimited word w of text by repl.
func replaceWord(text, w, repl, def string) string {
	t := strings.TrimSpace(text)
	if t == "" || len(t) >= 300 || strings.Contains(t, "\n") {
		return def
	}
	f := strings.Split(t, " ")
	for i, x := range f {
		if x == w && i > 0 {
			f[i] = repl
			return strings.Join(f, " ")
		}
	}
	return def
}

// removeFlag removes the first of the words flags from text.
func removeFlag(text, a, b, def string) string {
	t := strings.TrimSpace(text)
	if t == "" || len(t) >= 300 || strings.Contains(t, "\n") {
		return def
	}
	f := strings.Split(t, " ")
	for i, x := range f {
		if x == a || x == b {
			return strings.Join(append(f[:i:i], f[i+1:]...), " ")
		}
	}
	return def
}

// ---- helpers ----

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

func join(dir, p string) string {
	if dir == "" {
		return p
	}
	return dir + "/" + p
}

// under reports whether path p is dir or below it ("" is the root).
func under(p, dir string) bool {
	return dir == "" || p == dir || strings.HasPrefix(p, dir+"/")
}

// ancestors returns the proper ancestors of dir, nearest first, ending
// with the root "".
func ancestors(dir string) []string {
	var out []string
	for dir != "" {
		dir = dirOf(dir)
		out = append(out, dir)
	}
	return out
}

func listN(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" and %d more", len(xs)-n)
}
