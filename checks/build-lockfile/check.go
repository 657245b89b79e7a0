// Package buildlockfile implements the check build-lockfile (PO.3.2):
// every dependency manifest is covered by its ecosystem's lock.
package buildlockfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
)

// Check is build-lockfile.
var Check = &check.Check{
	ID:      "build-lockfile",
	Title:   "Every dependency manifest is covered by a committed lock",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every dependency manifest in the repository is covered by its ecosystem's lock, so that a build resolves the same dependency versions every time.

A manifest counts only when it declares at least one external dependency:

| Ecosystem | Manifest | Lock that passes |
|---|---|---|
| ` + "`go`" + ` | ` + "`go.mod`" + ` with at least one ` + "`require`" + ` | ` + "`go.sum`" + ` |
| ` + "`npm`" + ` | ` + "`package.json`" + ` with an entry in ` + "`dependencies`, `devDependencies`, `optionalDependencies` or `peerDependencies`" + ` | ` + "`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lock`, `bun.lockb`" + ` |
| ` + "`python`" + ` | ` + "`pyproject.toml`" + ` with ` + "`[project] dependencies`, `[project.optional-dependencies]`, `[dependency-groups]`" + ` or ` + "`[tool.poetry.dependencies]`" + ` beyond ` + "`python`" + `; ` + "`setup.cfg`" + ` with ` + "`[options] install_requires`" + `; ` + "`setup.py`" + ` calling ` + "`setup(`" + ` with ` + "`install_requires`" + `; ` + "`Pipfile`" + ` with packages; ` + "`requirements*.txt`/`requirements*.in`" + ` with a requirement (or ` + "`-r`" + ` include) line | ` + "`pylock.toml`/`pylock.*.toml`, `uv.lock`, `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `conda-lock.yml`" + `; a requirements file in which every requirement, includes followed, is ` + "`==`" + `-pinned with ` + "`--hash`" + ` is its own lock (and the lock of the ` + "`requirements*.in`" + ` of the same name beside it, which pip-compile compiles into it) |
| ` + "`maven`" + ` | ` + "`pom.xml`" + ` with a dependency, plugin, extension or parent | no lock exists: passes when no version of the parent, a dependency, a ` + "`dependencyManagement`" + ` entry, a plugin, a ` + "`pluginManagement`" + ` entry or a build extension is a range, ` + "`LATEST`, `RELEASE`" + ` or ` + "`-SNAPSHOT`" + `, after the properties of the same file (and ` + "`${project.version}`" + `) are resolved; the project's own version is not checked, nor are references to the repository's own modules (a parent that is the root pom, a sibling module: groupId:artifactId of a pom in the repository), which carry it |
| ` + "`gradle`" + ` | ` + "`build.gradle`, `build.gradle.kts`" + ` with a ` + "`dependencies { … }`" + ` entry | ` + "`gradle.lockfile`" + ` beside it, or the root project's ` + "`gradle/verification-metadata.xml`" + ` |
| ` + "`dotnet`" + ` | ` + "`*.csproj`, `*.fsproj`, `*.vbproj`" + ` with a ` + "`PackageReference`" + ` (its own or its ` + "`Directory.Build.props`" + `') or a central ` + "`GlobalPackageReference`" + `, unless ` + "`RestorePackagesWithLockFile`" + ` is ` + "`false`" + ` | ` + "`packages.lock.json`" + ` beside the project |
| ` + "`cpp`" + ` | ` + "`conanfile.txt`/`conanfile.py`" + ` with requires, ` + "`vcpkg.json`" + ` with dependencies, ` + "`MODULE.bazel`" + ` with ` + "`bazel_dep`" + ` | ` + "`conan.lock`" + `; ` + "`vcpkg.json`" + ` with ` + "`builtin-baseline`" + `; ` + "`MODULE.bazel.lock`" + ` |
| ` + "`rust`" + ` | ` + "`Cargo.toml`" + ` with ` + "`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`" + ` or ` + "`[workspace]`" + ` | ` + "`Cargo.lock`" + ` |
| ` + "`php`" + ` | ` + "`composer.json`" + ` with ` + "`require`" + ` beyond ` + "`php`" + ` and ` + "`ext-*`" + ` | ` + "`composer.lock`" + ` |
| ` + "`ruby`" + ` | ` + "`Gemfile`" + ` with a ` + "`gem`" + ` line | ` + "`Gemfile.lock`" + ` |
| ` + "`swift`" + ` | ` + "`Package.swift`" + ` with a ` + "`.package(`" + ` dependency | ` + "`Package.resolved`" + ` |
| ` + "`nix`" + ` | ` + "`flake.nix`" + ` with ` + "`inputs`" + ` | ` + "`flake.lock`" + ` |

A manifest is covered by a lock in its own directory, or by the lock of a workspace it is a member of, the lock sitting beside the workspace's definition: npm/yarn/pnpm (` + "`workspaces`" + ` of an ancestor ` + "`package.json`" + `, or ` + "`packages`" + ` of an ancestor ` + "`pnpm-workspace.yaml`" + `, ` + "`!`" + ` negations and ` + "`{a,b}`" + ` included), Cargo (` + "`[workspace] members`" + ` minus ` + "`exclude`" + ` of an ancestor ` + "`Cargo.toml`" + `), Go (` + "`use`" + ` of a ` + "`go.work`" + ` in the module's directory or an ancestor, covered by ` + "`go.work.sum`" + ` or the member's own ` + "`go.sum`" + `), uv (` + "`[tool.uv.workspace] members`" + ` minus ` + "`exclude`" + `), Gradle (the root project's ` + "`gradle/verification-metadata.xml`" + `, the root being the nearest directory upwards holding ` + "`settings.gradle(.kts)`" + `, else the build file's own). Membership globs are evaluated as the tool does (` + "`*`" + ` within a path segment, ` + "`**`" + ` across segments); an ancestor lock that is not a workspace of the manifest does not cover it. File names match case-insensitively; the default exclusions (` + "`vendor`, `node_modules`, `testdata`, `examples`" + `, …) and the policy's apply.

**pass** — every manifest is covered.

**fail** — a manifest is not covered: one finding per such manifest, at the line of its first dependency, naming the command that writes its lock (for Maven and unhashed requirements files, one finding per unfixed version or at the first unhashed requirement).

**unknown** — nothing fails, but a manifest could not be read (over the size cap, unreadable) or parsed, a requirements file includes a file ssdf cannot read, a would-be workspace definition with a lock beside it cannot be read, a lock is a symlink (not followed), or the walk was cut short before a lock was found.

**not-applicable** — no manifest declares an external dependency.

Details: ` + "`ecosystems`" + ` — one entry per manifest, sorted by manifest: ` + "`{ecosystem, manifest, lock, status}`" + ` (` + "`lock`" + ` is the covering lock's path, the manifest itself when it is its own lock, empty when there is none — always for Maven; ` + "`status`" + ` is ` + "`pass`, `fail` or `unknown`" + `).`,
	Remediation: "Generate the missing lock in the manifest's directory (or the workspace root's) with the ecosystem's own command and commit it: `npm install --package-lock-only` (`pnpm install --lockfile-only`, `yarn install`), `uv lock` (`poetry lock`, `pdm lock`, `pipenv lock`, or `uv pip compile --generate-hashes requirements.in -o requirements.txt`, which writes lines such as `requests==2.32.3 --hash=sha256:…`), `go mod tidy`, `cargo generate-lockfile`, `dotnet restore --use-lock-file` after setting `<RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>`, `./gradlew dependencies --write-locks` with `dependencyLocking { lockAllConfigurations() }` (or `./gradlew --write-verification-metadata sha256 help`), `composer update --no-install`, `bundle lock`, `swift package resolve`, `nix flake lock`, `conan lock create .`, `bazel mod deps --lockfile_mode=update`, `vcpkg x-update-baseline --add-initial-baseline`. For Maven, replace each range, `LATEST`, `RELEASE` or `-SNAPSHOT` with a release: `<version>[1.0,2.0)</version>` becomes `<version>1.4.2</version>`.",
	Run:         run,
}

// Entry is one manifest in the details.
type Entry struct {
	Ecosystem string `json:"ecosystem"`
	Manifest  string `json:"manifest"`
	Lock      string `json:"lock"`
	Status    string `json:"status"`
}

type details struct {
	Ecosystems []Entry `json:"ecosystems"`
}

func run(p *check.Pass) check.Result {
	set := manifest.Load(p)
	if len(set.Manifests) == 0 {
		if set.Truncated {
			return check.Resultf(check.Unknown, "no dependency manifest was found, but the walk of the repository was cut short (%s)", p.Snapshot.Tree.Error)
		}
		return check.Resultf(check.NotApplicable, "no dependency manifest declares an external dependency")
	}
	d := details{Ecosystems: make([]Entry, 0, len(set.Manifests))}
	var failed, unknown []*manifest.Manifest
	var findings []check.Finding
	var ecos []string
	for _, m := range set.Manifests {
		d.Ecosystems = append(d.Ecosystems, Entry{Ecosystem: string(m.Ecosystem), Manifest: m.Path, Lock: m.Lock, Status: string(m.Status)})
		if !slices.Contains(ecos, string(m.Ecosystem)) {
			ecos = append(ecos, string(m.Ecosystem))
		}
		switch m.Status {
		case manifest.Fail:
			failed = append(failed, m)
		case manifest.Unknown:
			unknown = append(unknown, m)
		default:
			continue
		}
		for _, pr := range m.Problems {
			findings = append(findings, check.Finding{Path: pr.Path, Line: pr.Line, Message: pr.Message})
		}
	}
	slices.Sort(ecos)
	var r check.Result
	switch {
	case len(failed) > 0:
		verb := "are"
		if len(failed) == 1 {
			verb = "is"
		}
		r = check.Resultf(check.Failed, "%d of %s %s not covered by a lock: %s", len(failed), count(len(set.Manifests), "manifest", "manifests"), verb, list(failed))
		if len(unknown) > 0 {
			r.Reason += fmt.Sprintf("; %s could not be judged", count(len(unknown), "more", "more"))
		}
	case len(unknown) > 0:
		r = check.Resultf(check.Unknown, "no manifest fails, but %s could not be judged: %s", count(len(unknown), "manifest", "manifests"), reasons(unknown))
	default:
		r = check.Resultf(check.Passed, "all %s covered by a lock (%s)", count(len(set.Manifests), "manifest is", "manifests are"), strings.Join(ecos, ", "))
	}
	r.Findings = findings
	r.Details = d
	return r
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// list names up to five manifests.
func list(ms []*manifest.Manifest) string {
	var names []string
	for i, m := range ms {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(ms)-5))
			break
		}
		names = append(names, m.Path)
	}
	return strings.Join(names, ", ")
}

// reasons gives up to three manifests' reasons.
func reasons(ms []*manifest.Manifest) string {
	var out []string
	for i, m := range ms {
		if i == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(ms)-3))
			break
		}
		out = append(out, m.Reason)
	}
	return strings.Join(out, "; ")
}
