// Package buildreproduciblesettings implements the check
// build-reproducible-settings (PO.3.2): each ecosystem that builds release
// artifacts sets its determinism switch, and the build-tool wrappers verify
// what they download.
package buildreproduciblesettings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is build-reproducible-settings.
var Check = &check.Check{
	ID:       "build-reproducible-settings",
	Title:    "Builds set their determinism switches",
	Tasks:    []string{"PO.3.2"},
	Sources:  []check.Source{check.Files},
	Advisory: true,
	Doc: `Each ecosystem that builds release artifacts sets its determinism switch, so that the same source gives the same bytes, and the build-tool wrappers verify the distribution they download.

An ecosystem builds release artifacts here when:

- **go** — a pipeline step (of a pipeline that runs in this repository), a Dockerfile ` + "`RUN`" + ` or a Makefile recipe runs a ` + "`go build`" + ` that writes a binary (with ` + "`-o`" + `, or without a ` + "`...`" + ` package pattern: Go discards what it compiles for several packages, so ` + "`go build ./...`" + ` is a compile check), or GoReleaser builds Go (a GoReleaser configuration — a YAML file anywhere whose name holds ` + "`goreleaser`" + `, such as ` + "`.goreleaser.yaml`" + ` — with a Go build, its default build when it has no ` + "`builds`" + `, or goreleaser run by a pipeline). A file named ` + "`.goreleaser.y(a)ml` or `goreleaser.y(a)ml`" + ` is a GoReleaser configuration whatever it holds: one that only ` + "`includes:`" + ` a configuration from elsewhere has no Go build with -trimpath in this repository, and its finding names the includes that were not read (URLs, files outside the snapshot). A Go library that is only tested builds no artifact;
- **maven** — a ` + "`pom.xml`" + ` is present;
- **dotnet** — a ` + "`*.csproj`, `*.fsproj` or `*.vbproj`" + ` is present;
- **gradle** — a ` + "`build.gradle(.kts)`" + ` or ` + "`settings.gradle(.kts)`" + ` is present;
- **bazel** — a ` + "`MODULE.bazel`" + ` is present (Bzlmod and its lockfile);
- the wrappers: a Maven wrapper (` + "`.mvn/wrapper/maven-wrapper.properties`" + `) or a Gradle wrapper (` + "`gradle/wrapper/gradle-wrapper.properties`" + `) is present.

The switches (any one place that sets it is enough for its ecosystem):

| Ecosystem | Switch | Where ssdf looks |
|---|---|---|
| ` + "`go`" + ` | ` + "`-trimpath`" + ` | on a ` + "`go build`/`go install`" + ` command line (pipelines, Dockerfiles, Makefiles); in ` + "`GOFLAGS`" + ` set anywhere — pipeline, job or step environment, GitLab variables, Dockerfile ` + "`ENV`/`ARG`" + `, a Makefile variable, a command's ` + "`GOFLAGS=…`" + ` word (` + "`export`" + `, ` + "`go env -w`" + `, ` + "`>> $GITHUB_ENV`" + `); GoReleaser ` + "`builds[].flags`" + `, or ` + "`GOFLAGS`" + ` in its ` + "`env`" + ` |
| ` + "`maven`" + ` | ` + "`project.build.outputTimestamp`" + ` | a non-empty property in a ` + "`pom.xml`" + ` (project or profile properties), or ` + "`-Dproject.build.outputTimestamp=…`" + ` on a pipeline's ` + "`mvn`" + ` command line |
| ` + "`dotnet`" + ` | ` + "`ContinuousIntegrationBuild`/`Deterministic`" + `, or ` + "`DotNet.ReproducibleBuilds`" + ` | the property (not ` + "`false`" + `) in a project, ` + "`Directory.Build.props`" + ` or ` + "`Directory.Packages.props`" + `; the package reference or SDK; ` + "`-p:ContinuousIntegrationBuild=true`" + ` on a pipeline's ` + "`dotnet`/`msbuild`" + ` command line, or the variable in a pipeline's environment |
| ` + "`gradle`" + ` | reproducible archives, or Gradle ≥ 9 | ` + "`preserveFileTimestamps = false`" + ` and ` + "`reproducibleFileOrder = true`" + ` (Groovy or Kotlin DSL, ` + "`is…`" + ` names and ` + "`.set(…)`" + ` too) in any Gradle script, comments ignored; or a wrapper whose ` + "`distributionUrl`" + ` is Gradle 9 or later |
| ` + "`bazel`" + ` | ` + "`--lockfile_mode=error`" + ` | a ` + "`.bazelrc`" + ` (or an imported ` + "`*.bazelrc`/`.bazelrc.*`" + `) line, or a pipeline's ` + "`bazel`" + ` command line |
| ` + "`maven`, `gradle`" + ` wrappers | ` + "`distributionSha256Sum`" + ` | every wrapper properties file carries a non-empty value |

The commands of the repository scripts and make targets that a pipeline step runs (followed as ` + "`build-provenance`" + ` says: ` + "`./build.sh`, `bash scripts/x.sh`, `pwsh ./Build.ps1`, `make TARGET`" + `) count as that step's: a ` + "`-trimpath`, `GOFLAGS`, `/p:ContinuousIntegrationBuild=true`" + `, Maven or Bazel switch on their command lines is evidence. They bring evidence only: a ` + "`go build`" + ` or ` + "`goreleaser`" + ` in a script does not by itself make Go present (such scripts often build helper tools).

**pass** — every ecosystem present sets its switch, and every wrapper carries ` + "`distributionSha256Sum`" + `.

**fail** — an ecosystem sets no switch anywhere, or a wrapper lacks the checksum. Findings say where the switch belongs: each ` + "`go build`" + ` that writes a binary, each GoReleaser Go build without ` + "`-trimpath`" + `, the outermost ` + "`pom.xml`" + `, ` + "`Directory.Build.props`" + ` (else each project), Gradle build file or wrapper, the ` + "`.bazelrc`" + ` (else ` + "`MODULE.bazel`" + `).

**unknown** — no ecosystem fails, but for one of them no switch was found and a file that could set it could not be read or parsed (a pom, an MSBuild file, a Gradle script, a bazelrc, a GoReleaser configuration, a pipeline, Dockerfile or Makefile — for Go, also when a ` + "`go.mod`" + ` is present and such a file hides whether Go is built), or the walk of the repository was cut short.

**not-applicable** — no ecosystem above builds release artifacts and there is no wrapper.

Details: ` + "`ecosystems`" + ` — one entry per ecosystem and switch, ` + "`{ecosystem, switch, status, evidence}`" + `, ` + "`evidence`" + ` being the ` + "`path:line`" + ` where the switch was found. Advisory by default.`,
	Remediation: "Set the ecosystem's determinism switch where the build reads it: Go — `go build -trimpath -o bin/app ./cmd/app` (or `env: {GOFLAGS: -trimpath}` in the workflow, or `flags: [-trimpath]` under each `builds:` entry of `.goreleaser.yaml`); Maven — `<project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>` in the root pom's `<properties>`; .NET — `<ContinuousIntegrationBuild Condition=\"'$(CI)' == 'true'\">true</ContinuousIntegrationBuild>` in `Directory.Build.props` (or `<PackageReference Include=\"DotNet.ReproducibleBuilds\" PrivateAssets=\"All\" />`); Gradle — `tasks.withType<AbstractArchiveTask>().configureEach { isPreserveFileTimestamps = false; isReproducibleFileOrder = true }`, or upgrade the wrapper to Gradle 9; Bazel — `common --lockfile_mode=error` in `.bazelrc`. Pin the wrappers: add `distributionSha256Sum=<sha256 of the distribution>` to `gradle/wrapper/gradle-wrapper.properties` (`./gradlew wrapper --gradle-version X --gradle-distribution-sha256-sum <sum>`) and `.mvn/wrapper/maven-wrapper.properties`.",
	Run:         run,
}

// Entry is one ecosystem and switch in the details.
type Entry struct {
	Ecosystem string `json:"ecosystem"`
	Switch    string `json:"switch"`
	Status    string `json:"status"`
	// Evidence is the path:line where the switch was found.
	Evidence string `json:"evidence,omitempty"`
}

type details struct {
	Ecosystems []Entry `json:"ecosystems"`
}

// entry is what one ecosystem's evaluation found.
type entry struct {
	Ecosystem, Switch string
	// present: the ecosystem builds release artifacts here.
	present bool
	// evidence: where the switch is set.
	evidence []evidence
	// missing: where the switch belongs, reported on failure.
	missing []check.Finding
	// unread: files that could set the switch but were not read or parsed.
	unread []check.Finding
	// perFile: every file must carry the switch (wrappers); otherwise one
	// place that sets it is enough.
	perFile bool
}

type evidence struct {
	pipeline.Pos
	what string
}

func (e *entry) found(pos pipeline.Pos, what string) {
	e.evidence = append(e.evidence, evidence{pos, what})
}

func (e *entry) status(truncated bool) check.Status {
	switch {
	case e.perFile && len(e.missing) > 0:
		return check.Failed
	case e.perFile && len(e.unread) > 0:
		return check.Unknown
	case e.perFile:
		return check.Passed
	case len(e.evidence) > 0:
		return check.Passed
	case truncated || len(e.unread) > 0:
		return check.Unknown
	}
	return check.Failed
}

func run(p *check.Pass) check.Result {
	tree := p.Snapshot.Tree
	set := pipeline.Load(p)
	ms := manifest.Load(p)
	sites, problems := commands(set)
	vars := envVars(set)
	wrappers := wrapperProps(tree)
	all := []*entry{
		bazelEval(tree, sites),
		dotnetEval(ms, tree, sites, vars),
		goEval(set, tree, sites, vars, problems),
		gradleEval(tree, wrappers),
		wrapperEval("gradle", wrappers),
		mavenEval(ms, tree, sites),
		wrapperEval("maven", wrappers),
	}
	d := details{Ecosystems: []Entry{}}
	var failed, unknown, passed []string
	var findings, unread []check.Finding
	for _, e := range all {
		if !e.present {
			continue
		}
		slices.SortFunc(e.evidence, func(a, b evidence) int {
			return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
		})
		st := e.status(tree.Truncated)
		en := Entry{Ecosystem: e.Ecosystem, Switch: e.Switch, Status: string(st)}
		if len(e.evidence) > 0 {
			en.Evidence = e.evidence[0].Loc()
		}
		d.Ecosystems = append(d.Ecosystems, en)
		name := e.Ecosystem
		if e.perFile {
			name += " wrapper"
		}
		switch st {
		case check.Passed:
			ev := e.evidence[0]
			passed = append(passed, fmt.Sprintf("%s (%s at %s)", name, ev.what, ev.Loc()))
		case check.Failed:
			if e.perFile {
				// A wrapper's switch is the checksum of what it downloads.
				name += " (no distributionSha256Sum)"
			} else {
				name += " (" + e.Switch + ")"
			}
			failed = append(failed, name)
			findings = append(findings, e.missing...)
		case check.Unknown:
			unknown = append(unknown, name)
			unread = append(unread, e.unread...)
		}
	}
	if len(d.Ecosystems) == 0 {
		if tree.Truncated {
			return check.Resultf(check.Unknown, "no ecosystem was seen to build release artifacts, but the walk of the repository was cut short (%s)", tree.Error)
		}
		return check.Result{Status: check.NotApplicable, Details: d,
			Reason: "no ecosystem that has a determinism switch here builds release artifacts: no go build or GoReleaser, pom.xml, .NET project, Gradle build, MODULE.bazel or build-tool wrapper (SPEC names no switch for other ecosystems, such as Python, Rust or container builds)"}
	}
	var r check.Result
	switch {
	case len(failed) > 0:
		r = check.Resultf(check.Failed, "%s %s", strings.Join(failed, ", "), verb(len(failed), "lacks its determinism switch", "lack their determinism switch"))
		if len(unknown) > 0 {
			r.Reason += fmt.Sprintf("; %s could not be decided", strings.Join(unknown, ", "))
		}
		r.Findings = findings
	case len(unknown) > 0:
		why := "a file that could set it was not read or parsed"
		if tree.Truncated {
			why = "the walk of the repository was cut short (" + tree.Error + ")"
		}
		r = check.Resultf(check.Unknown, "no switch was found for %s, and %s", strings.Join(unknown, ", "), why)
		r.Findings = unread
	default:
		r = check.Resultf(check.Passed, "every ecosystem that builds release artifacts sets its determinism switch: %s", strings.Join(passed, "; "))
	}
	r.Details = d
	return r
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lineAt returns the 1-based line of byte offset off in text.
func lineAt(text string, off int) int {
	return strings.Count(text[:min(off, len(text))], "\n") + 1
}

func sortedKeys(m map[string]snapshot.Content) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= 80 {
		return s
	}
	n := 77
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
