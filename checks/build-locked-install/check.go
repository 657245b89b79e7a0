// Package buildlockedinstall implements the check build-locked-install
// (PO.3.2): every dependency-install command that pipelines, Dockerfiles
// and Makefiles run uses its ecosystem's locked form.
package buildlockedinstall

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is build-locked-install.
var Check = &check.Check{
	ID:      "build-locked-install",
	Title:   "Pipelines, Dockerfiles and Makefiles install dependencies from the lock",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every dependency-install command that the repository's pipelines, Dockerfiles and Makefiles run uses its ecosystem's locked (frozen) form, so that a build installs exactly what the committed lock holds and fails, rather than silently re-resolving, when the lock is out of date.

Where commands are looked for: the shell scripts of every pipeline file the pipeline model reads, with the repository scripts and make targets a step runs followed as for build-provenance (GitHub ` + "`run:`" + `, the ` + "`cargo <command> <args>`" + ` an actions-rs/cargo step runs and the ` + "`pnpm install`" + ` of pnpm/action-setup's ` + "`run_install`" + `, GitLab ` + "`before_script`/`script`/`after_script`" + ` with ` + "`extends`" + ` merged, Jenkins ` + "`sh`/`bat`/`powershell`" + `, Tekton step ` + "`script`" + ` and ` + "`command`/`args`" + `, Azure Pipelines, CircleCI, Bitbucket, Buildkite, Drone, Woodpecker and Travis scripts), every ` + "`RUN`" + ` of every Dockerfile and Containerfile, and every recipe line of every ` + "`Makefile`, `makefile`, `GNUmakefile` and `*.mk`" + ` (make variables set in the file are expanded). Scripts are read with a real shell parser: ` + "`&&`" + ` chains, subshells, ` + "`sh -c '…'`" + `, ` + "`sudo`/`env`" + ` wrappers and ` + "`python -m pip`" + ` are seen through; text in strings, comments and here-documents is not a command.

The dependency-install commands and their locked forms:

| Tool | Install command | Passes when |
|---|---|---|
| npm | ` + "`npm install`/`npm i`" + ` (and its aliases, ` + "`npm add`, `npm install-test`" + `), ` + "`npm ci`" + ` | it is ` + "`npm ci`" + ` (or an alias: ` + "`clean-install`, `ic`, `install-ci-test`, `cit`" + `). ` + "`npm install PKG`" + ` with a package argument (a named package, often a tool with ` + "`-g`" + `) is left aside: SPEC asks for ` + "`npm ci`" + ` only in place of an install without one, and such a command installs nothing from the lock. ` + "`--package-lock-only`" + ` writes the lock and installs nothing: not judged. |
| Yarn | a bare ` + "`yarn`" + `, ` + "`yarn install`" + ` | ` + "`--frozen-lockfile`" + ` (Yarn 1) or ` + "`--immutable`" + ` (Yarn 2+) is given, or ` + "`YARN_ENABLE_IMMUTABLE_INSTALLS`" + ` is true in its environment. |
| pnpm | ` + "`pnpm install`/`pnpm i`" + ` (with a package argument it is left aside, as for npm) | no ` + "`--no-frozen-lockfile`" + `, and either ` + "`--frozen-lockfile`" + ` or CI is detected: pnpm freezes the lockfile by default in CI, which it detects (package ci-info) on GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, CircleCI, Bitbucket, Buildkite, Drone, Woodpecker and Travis runners or from ` + "`CI`" + ` set to anything but ` + "`false`" + `. Tekton steps and Docker builds do not set CI: there ` + "`--frozen-lockfile`" + ` (or ` + "`ENV CI=true`" + `, an exported ` + "`CI`" + `) is required. A Makefile recipe's plain ` + "`pnpm install`" + ` passes: a pipeline that runs make sets CI, and SPEC names plain ` + "`pnpm install`" + ` as the locked form. |
| pip | ` + "`pip install -r FILE`" + ` (also ` + "`pip3`, `python -m pip`, `--requirement`" + `); ` + "`pip install .`" + `, ` + "`pip install -e .`" + ` and other local project paths | ` + "`--require-hashes`" + ` (or ` + "`PIP_REQUIRE_HASHES`" + `) is given, or every ` + "`-r`" + ` file is fully hashed (every requirement, includes followed, ` + "`==`" + `-pinned with ` + "`--hash`" + `, as build-lockfile judges it). A local project passes only with ` + "`--no-deps`" + ` (its dependencies then come from elsewhere) or ` + "`--require-hashes`" + `. ` + "`pip install NAME`" + ` of named packages or tools is left aside. |
| uv | ` + "`uv sync`" + `; ` + "`uv pip install`" + `, ` + "`uv pip sync`" + ` | ` + "`uv sync`" + ` with ` + "`--locked`" + ` or ` + "`--frozen`" + ` (or ` + "`UV_LOCKED`/`UV_FROZEN`" + `); ` + "`uv pip`" + ` as pip (` + "`UV_REQUIRE_HASHES`" + `). |
| Poetry | ` + "`poetry install`, `poetry sync`" + ` | always (Poetry installs from poetry.lock and fails when it no longer matches pyproject.toml). |
| Pipenv | ` + "`pipenv install`" + ` without a package argument, ` + "`pipenv sync`" + ` | ` + "`pipenv sync`" + `, or ` + "`--deploy`" + ` (or ` + "`--ignore-pipfile`" + `, which installs from Pipfile.lock alone). |
| Cargo | ` + "`cargo build`, `cargo test`, `cargo install`" + ` (and ` + "`b`, `t`" + `; ` + "`cargo +toolchain …`" + `) | ` + "`--locked`" + ` or ` + "`--frozen`" + `. |
| .NET | ` + "`dotnet restore`" + ` | ` + "`--locked-mode`" + `, ` + "`-p:RestoreLockedMode=true`" + ` (or the environment variable), or RestoreLockedMode ` + "`true`" + ` in every restored project that build-lockfile counts (its own property, else its Directory.Build.props chain); the restored projects are those of the project file, solution directory or directory given, else of the working directory. ` + "`--force-evaluate`" + ` (or ` + "`RestoreForceEvaluate=true`" + `) fails: it overrides locked mode (NU1512). Implicit restores (` + "`dotnet build`/`test`" + `) are not judged. |
| Composer | ` + "`composer install`, `composer update`" + ` (also ` + "`composer.phar`, `php composer.phar`" + `) | it is ` + "`composer install`" + `; ` + "`composer update`" + ` (` + "`u`, `upgrade`" + `) always fails. ` + "`composer global …`" + ` is left aside. |
| Go | ` + "`go build`, `go test`" + ` | no ` + "`-mod=mod`" + ` on the command line, in ` + "`GOFLAGS`" + `, or written earlier by ` + "`go env -w GOFLAGS=…`" + ` (Go verifies go.sum and refuses to update go.mod by default). |
| Bundler | ` + "`bundle install`" + `, a bare ` + "`bundle`" + ` | ` + "`--frozen`" + ` or ` + "`--deployment`" + `, ` + "`BUNDLE_FROZEN`" + ` or ` + "`BUNDLE_DEPLOYMENT`" + ` true in its environment, or ` + "`bundle config [set] frozen|deployment true`" + ` run earlier in the same job, Docker stage or Makefile rule. |

Anything else (` + "`curl … | sh`" + `, ` + "`go install tool@v`" + `, ` + "`npm install -g tool`" + `, ` + "`pip install tool`" + `, ` + "`bun install`" + `, Maven and Gradle) is not a dependency-install command here.

Environment: a command sees its own leading ` + "`NAME=value`" + ` words, earlier ` + "`export`" + `s in its shell (GitLab's ` + "`before_script`" + ` and ` + "`script`" + ` share one), the step's, job's and file's ` + "`env:`/`variables:`" + ` (GitLab: also the global variables of every GitLab file), ` + "`NAME=value`" + ` written to ` + "`$GITHUB_ENV`" + ` by an earlier step of the job, a Dockerfile stage's ` + "`ENV`" + ` and ` + "`ARG`" + ` defaults (inherited by stages built ` + "`FROM`" + ` it), and a Makefile's exported variables.

Paths: a ` + "`-r`" + ` file or a ` + "`dotnet restore`" + ` target is resolved against the working directory: the repository root for pipeline steps (followed through ` + "`cd DIR`" + `; after a ` + "`cd`" + ` to a variable or an absolute path the root is assumed), the Makefile's directory for recipes; in a Dockerfile, whose build context is not known, relative to the Dockerfile's directory, then the root (a container path under the WORKDIR is taken relative to it, as ` + "`COPY . .`" + ` puts the context there). GitHub's ` + "`working-directory:`" + ` is not followed.

**pass** — at least one install command was found and every one uses its locked form. Details: ` + "`installs`" + ` (` + "`{locked, unlocked, undecided}`" + `) and ` + "`byTool`" + `.

**fail** — an install command is not locked: one finding per command at its file and line, with the locked form to write.

**unknown** — nothing fails, but an install command cannot be judged (its ` + "`-r`" + ` file is a variable, is not in the repository, is not read by ssdf or includes a file that cannot be read; a RestoreLockedMode set from a property ssdf does not evaluate; ` + "`BUNDLE_FROZEN`" + ` from a variable), or a pipeline file, Dockerfile or Makefile could not be read or parsed, or the walk of the repository was cut short. Details list the commands (` + "`undecided`" + `) and files (` + "`unread`" + `).

**not-applicable** — no dependency-install command was found, and every pipeline file, Dockerfile and Makefile was read.`,
	Remediation: "Install from the lock in CI, Dockerfiles and Makefiles: `npm ci` instead of `npm install`; `yarn install --frozen-lockfile` (Yarn 1) or `yarn install --immutable` (Yarn 2+); `pnpm install --frozen-lockfile`; `pip install --require-hashes -r requirements.txt` with the file compiled by `uv pip compile --generate-hashes requirements.in -o requirements.txt` (lines such as `requests==2.32.3 --hash=sha256:…`), then `pip install --no-deps -e .` for the project itself; `uv sync --locked`; `poetry install`; `pipenv install --deploy` or `pipenv sync`; `cargo build --locked` (`cargo install --locked`); `dotnet restore --locked-mode` (or `<RestoreLockedMode>true</RestoreLockedMode>` in Directory.Build.props); `composer install`, never `composer update`; `go build` without `-mod=mod`; `bundle config set frozen true` before `bundle install` (or `BUNDLE_FROZEN: \"true\"` in the job's environment). Commit the lock these commands read (see build-lockfile).",
	Run:         run,
}

// Counts counts install commands by verdict.
type Counts struct {
	Locked    int `json:"locked"`
	Unlocked  int `json:"unlocked"`
	Undecided int `json:"undecided"`
}

func (c *Counts) add(v verdict) {
	switch v {
	case locked:
		c.Locked++
	case unlocked:
		c.Unlocked++
	case undecided:
		c.Undecided++
	}
}

// Item is an install command that could not be judged.
type Item struct {
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Command string `json:"command"`
	Reason  string `json:"reason"`
}

type details struct {
	Installs Counts            `json:"installs"`
	ByTool   map[string]Counts `json:"byTool"`
	// Undecided lists up to maxListed commands that could not be judged.
	Undecided []Item `json:"undecided"`
	// Unread lists up to maxListed files that could not be read or parsed.
	Unread []pipeline.Problem `json:"unread"`
}

const maxListed = 20

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	e := newEval(p.Snapshot.Tree, manifest.Load(p))
	e.pipelines(set)
	for _, d := range set.Dockerfiles {
		e.dockerfile(d)
	}
	for _, m := range set.Makefiles {
		e.makefile(m)
	}

	var problems []pipeline.Problem
	for _, f := range set.Files {
		if f.Problem != "" && f.System != pipeline.ArgoCD && f.System != pipeline.SpinnakerDinghy {
			problems = append(problems, pipeline.Problem{Path: f.Path, Reason: f.Problem})
		}
	}
	for _, d := range set.Dockerfiles {
		if d.Problem != "" {
			problems = append(problems, pipeline.Problem{Path: d.Path, Reason: d.Problem})
		}
	}
	for _, m := range set.Makefiles {
		if m.Problem != "" {
			problems = append(problems, pipeline.Problem{Path: m.Path, Reason: m.Problem})
		}
	}
	slices.SortFunc(problems, func(a, b pipeline.Problem) int { return strings.Compare(a.Path, b.Path) })

	d := details{ByTool: map[string]Counts{}, Undecided: []Item{}, Unread: []pipeline.Problem{}}
	var findings []check.Finding
	var firstUndecided string
	for _, key := range e.order {
		r := e.seen[key]
		d.Installs.add(r.j.v)
		c := d.ByTool[r.j.tool]
		c.add(r.j.v)
		d.ByTool[r.j.tool] = c
		switch r.j.v {
		case unlocked:
			findings = append(findings, check.Finding{Path: r.pos.Path, Line: r.pos.Line,
				Message: fmt.Sprintf("`%s` %s: use %s", oneLine(r.text), r.j.why, r.j.fix)})
		case undecided:
			if len(d.Undecided) < maxListed {
				d.Undecided = append(d.Undecided, Item{Path: r.pos.Path, Line: r.pos.Line, Command: oneLine(r.text), Reason: r.j.why})
			}
			if firstUndecided == "" {
				firstUndecided = fmt.Sprintf("`%s` at %s: %s", oneLine(r.text), r.pos.Loc(), r.j.why)
			}
		}
	}
	for i, pr := range problems {
		if i == maxListed {
			break
		}
		d.Unread = append(d.Unread, pr)
	}

	tree := p.Snapshot.Tree
	unseen := ""
	switch {
	case len(problems) > 0:
		unseen = fmt.Sprintf("%s could not be read or parsed (first: %s, %s)", plural(len(problems), "pipeline file, Dockerfile or Makefile", "pipeline files, Dockerfiles or Makefiles"), problems[0].Path, problems[0].Reason)
	case tree.Truncated:
		unseen = fmt.Sprintf("the walk of the repository was cut short (%s)", tree.Error)
	}
	total := d.Installs.Locked + d.Installs.Unlocked + d.Installs.Undecided
	switch {
	case d.Installs.Unlocked > 0:
		r := check.Result{Status: check.Failed, Details: d, Findings: findings,
			Reason: fmt.Sprintf("%d of %s %s not use the locked form (%s)", d.Installs.Unlocked, plural(total, "dependency-install command", "dependency-install commands"),
				verb(d.Installs.Unlocked, "does", "do"), tools(d.ByTool, func(c Counts) int { return c.Unlocked }))}
		if d.Installs.Undecided > 0 {
			r.Reason += fmt.Sprintf("; %d more cannot be judged", d.Installs.Undecided)
		}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	case d.Installs.Undecided > 0:
		r := check.Result{Status: check.Unknown, Details: d,
			Reason: fmt.Sprintf("no install command is unlocked, but %s cannot be judged (first: %s)", plural(d.Installs.Undecided, "command", "commands"), firstUndecided)}
		for _, it := range d.Undecided {
			r.Findings = append(r.Findings, check.Finding{Path: it.Path, Line: it.Line, Message: fmt.Sprintf("`%s`: %s", it.Command, it.Reason)})
		}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	case unseen != "":
		r := check.Result{Status: check.Unknown, Details: d}
		if total == 0 {
			r.Reason = "no dependency-install command was found, but " + unseen
		} else {
			r.Reason = fmt.Sprintf("all %s found use the locked form, but %s", plural(total, "install command", "install commands"), unseen)
		}
		for _, pr := range problems {
			r.Findings = append(r.Findings, check.Finding{Path: pr.Path, Message: pr.Reason})
		}
		return r
	case total == 0:
		return check.Result{Status: check.NotApplicable, Details: d,
			Reason: "no dependency-install command was found in the pipelines, Dockerfiles or Makefiles"}
	}
	return check.Result{Status: check.Passed, Details: d,
		Reason: fmt.Sprintf("all %s use the locked form (%s)", plural(total, "dependency-install command", "dependency-install commands"),
			tools(d.ByTool, func(c Counts) int { return c.Locked }))}
}

// tools renders "npm 2, pip 1" for the tools where n is positive.
func tools(by map[string]Counts, n func(Counts) int) string {
	var names []string
	for t, c := range by {
		if n(c) > 0 {
			names = append(names, t)
		}
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, t := range names {
		parts[i] = fmt.Sprintf("%s %d", t, n(by[t]))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// oneLine shows a command on one line: continuations and newlines
// become spaces.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\\\n", " ")
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.Join(strings.Fields(s), " ")
}
