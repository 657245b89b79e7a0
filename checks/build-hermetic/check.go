// Package buildhermetic implements the check build-hermetic (PO.3.2): the
// build is hermetic — its inputs are declared and fetched before it runs,
// not downloaded while it runs.
package buildhermetic

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is build-hermetic.
var Check = &check.Check{
	ID:       "build-hermetic",
	Title:    "The build is hermetic",
	Tasks:    []string{"PO.3.2"},
	Sources:  []check.Source{check.Files},
	Advisory: true,
	Doc: `The build is hermetic: every input is declared (and pinned) before the build starts, so that the build does not reach the network for dependencies while it runs.

The mechanisms are exhaustive (` + "`mechanism`" + ` in the details):

- ` + "`konflux-hermetic`" + ` — a Konflux PipelineRun (a ` + "`.tekton/`" + ` PipelineRun with an ` + "`appstudio.openshift.io/*`" + ` label) whose params set ` + "`hermetic`" + ` to ` + "`\"true\"`" + ` and give a non-empty ` + "`prefetch-input`" + ` (the dependencies Hermeto/Cachi2 prefetches before the network-isolated build) — a param the run does not set takes its default from the run's embedded ` + "`pipelineSpec`" + ` or from this repository's Pipeline that the run names (its ` + "`pipelineRef`" + `, or the Pipelines-as-Code ` + "`pipeline`" + ` annotation);
- ` + "`nix-flake`" + ` — a ` + "`flake.nix`" + `, anywhere (SPEC names a Nix flake and nothing more; whether its ` + "`flake.lock`" + ` is committed is judged by build-lockfile);
- ` + "`bazel`" + ` — a Bazel workspace: ` + "`MODULE.bazel`" + `, ` + "`WORKSPACE`" + ` or ` + "`WORKSPACE.bazel`" + `, anywhere;
- ` + "`go-vendor`" + ` — vendored Go modules: a ` + "`vendor/modules.txt`" + ` (the walk does not enter ` + "`vendor/`" + ` but records this one file);
- ` + "`cargo-vendor`" + ` — the configuration ` + "`cargo vendor`" + ` prints, in a ` + "`.cargo/config.toml`" + ` (or ` + "`.cargo/config`" + `) anywhere: a ` + "`[source.vendored-sources]`" + ` table, or a ` + "`[source.NAME]`" + ` whose ` + "`replace-with`" + ` names a directory source.

Only Konflux PipelineRuns that run count (every PipelineRun under ` + "`.tekton/`" + ` does). File names match case-insensitively; the default exclusions and the policy's apply (a ` + "`vendor/`" + ` that the policy excludes is not looked into).

**pass** — at least one mechanism is found. Details: ` + "`mechanism`, `path`, `line`" + ` of the first, and ` + "`found`" + ` (up to 20 ` + "`{mechanism, path, line}`" + `).

**fail** — none is found. Findings point at what comes close: a Konflux PipelineRun that is not hermetic or has no ` + "`prefetch-input`" + `, a Cargo configuration that does not replace crates.io with a vendored directory.

**not-applicable** — nothing here is built: no package or build manifest (` + "`go.mod`, `package.json`, `Cargo.toml`, `pyproject.toml`, `pom.xml`, `build.gradle`, `*.csproj`" + ` …, with or without dependencies), no Dockerfile, Makefile, ` + "`CMakeLists.txt`, `meson.build`, `configure.ac`, `build.zig`" + ` or Bazel ` + "`BUILD`" + ` file outside the exclusions, no Tekton pipeline and no pipeline step that builds or publishes an artifact (a repository of Terraform modules or of software templates). SPEC's row names no such case; SPEC §2 makes a check not-applicable when what it checks does not exist.

**unknown** — none is found, and a ` + "`.tekton/`" + ` file or a Cargo configuration could not be read or parsed, or the walk of the repository was cut short (a mechanism may be in what was not seen).

Advisory by default.`,
	Remediation: "Make the build hermetic: on Konflux set the PipelineRun's params `- name: hermetic` / `value: \"true\"` and `- name: prefetch-input` / `value: '{\"type\": \"gomod\", \"path\": \".\"}'` (one entry per package manager); or vendor the dependencies and commit them (`go mod vendor`, which writes `vendor/modules.txt`; `cargo vendor`, then commit the `[source.crates-io] replace-with = \"vendored-sources\"` and `[source.vendored-sources] directory = \"vendor\"` it prints into `.cargo/config.toml`); or build with Nix flakes (commit `flake.lock`, written by `nix flake lock`) or Bazel.",
	Run:         run,
}

// Item is one mechanism found.
type Item struct {
	Mechanism string `json:"mechanism"`
	Path      string `json:"path"`
	Line      int    `json:"line,omitempty"`
}

type details struct {
	Mechanism string `json:"mechanism,omitempty"`
	Path      string `json:"path,omitempty"`
	Line      int    `json:"line,omitempty"`
	Found     []Item `json:"found"`
}

const maxListed = 20

// The mechanisms.
const (
	Konflux     = "konflux-hermetic"
	NixFlake    = "nix-flake"
	Bazel       = "bazel"
	GoVendor    = "go-vendor"
	CargoVendor = "cargo-vendor"
)

type result struct {
	found    []Item
	near     []check.Finding // what comes close, reported on failure
	problems []check.Finding // files that could not be read or parsed
}

func run(p *check.Pass) check.Result {
	tree := p.Snapshot.Tree
	var res result
	konflux(pipeline.Load(p), tree.Contents, &res)

	for _, f := range tree.Files {
		dir, base := path.Split(f)
		switch strings.ToLower(base) {
		case "flake.nix":
			// SPEC §3 names "Nix flake" with no lock: the lock is
			// build-lockfile's to judge (flake.nix with inputs).
			res.found = append(res.found, Item{Mechanism: NixFlake, Path: f})
		case "module.bazel", "workspace", "workspace.bazel":
			res.found = append(res.found, Item{Mechanism: Bazel, Path: f})
		case "config.toml", "config":
			if strings.EqualFold(path.Base(strings.TrimSuffix(dir, "/")), ".cargo") {
				cargo(f, tree.Contents, &res)
			}
		}
	}
	for _, v := range tree.Vendored {
		res.found = append(res.found, Item{Mechanism: GoVendor, Path: v})
	}
	slices.SortFunc(res.found, func(a, b Item) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), strings.Compare(a.Mechanism, b.Mechanism))
	})

	d := details{Found: []Item{}}
	for _, it := range res.found {
		if len(d.Found) < maxListed {
			d.Found = append(d.Found, it)
		}
	}
	if len(res.found) > 0 {
		first := res.found[0]
		d.Mechanism, d.Path, d.Line = first.Mechanism, first.Path, first.Line
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("the build is hermetic (%s at %s, %d in all)", first.Mechanism, loc(first.Path, first.Line), len(res.found))}
	}
	const looked = "no Konflux hermetic build with prefetch-input, Nix flake, Bazel workspace, vendor/modules.txt or cargo vendor configuration was found"
	switch {
	case tree.Truncated:
		return check.Result{Status: check.Unknown, Details: d, Findings: res.problems,
			Reason: fmt.Sprintf("%s, but the walk of the repository was cut short (%s)", looked, tree.Error)}
	case len(res.problems) > 0:
		return check.Result{Status: check.Unknown, Details: d, Findings: res.problems,
			Reason: fmt.Sprintf("%s, but %d files that may declare one could not be read or parsed", looked, len(res.problems))}
	}
	if len(res.near) == 0 && !buildsAnything(p) {
		return check.Result{Status: check.NotApplicable, Details: d,
			Reason: "nothing here is built: no build or package manifest, Dockerfile, Makefile or other build file (" + strings.Join(buildFileNames, ", ") + ", *.csproj, *.gemspec …) outside the exclusions"}
	}
	return check.Result{Status: check.Failed, Details: d, Findings: res.near, Reason: "the build is not hermetic: " + looked}
}

// buildFileNames are the files, by base name, that show a build: the
// ecosystems' manifests (with or without dependencies) and the build
// systems' files.
var buildFileNames = []string{"go.mod", "package.json", "Cargo.toml", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "pom.xml",
	"build.gradle", "build.gradle.kts", "Gemfile", "composer.json", "Package.swift", "conanfile.txt", "conanfile.py", "vcpkg.json",
	"deno.json", "deno.jsonc", "jsr.json",
	"Dockerfile", "Containerfile", "Makefile", "GNUmakefile", "CMakeLists.txt", "meson.build", "configure.ac", "build.zig", "BUILD", "BUILD.bazel"}

// buildsAnything reports whether the repository holds anything that is
// built (SPEC §2: not-applicable when the thing checked does not exist
// here — a repository of Terraform modules or of templates builds
// nothing hermetic or otherwise).
func buildsAnything(p *check.Pass) bool {
	names := map[string]bool{}
	for _, n := range buildFileNames {
		names[strings.ToLower(n)] = true
	}
	for _, f := range p.Snapshot.Tree.Files {
		base := strings.ToLower(path.Base(f))
		ext := path.Ext(base)
		if names[base] || ext == ".csproj" || ext == ".fsproj" || ext == ".vbproj" || ext == ".gemspec" || ext == ".mk" ||
			strings.HasPrefix(base, "dockerfile") || strings.HasSuffix(base, ".dockerfile") {
			return true
		}
	}
	// Any manifest of SPEC's ecosystem table (a requirements file, a
	// flake…) shows something that is built.
	if len(manifest.Load(p).Manifests) > 0 {
		return true
	}
	set := pipeline.Load(p)
	if len(set.Dockerfiles) > 0 || len(set.Publishes()) > 0 {
		return true
	}
	// A Tekton pipeline in the repository is a build definition.
	for _, f := range set.Files {
		if f.System == pipeline.Tekton {
			return true
		}
	}
	return false
}

// konflux finds the Konflux PipelineRuns that are hermetic with
// prefetch-input, and reports the others as near misses.
func konflux(set *pipeline.Set, contents map[string]snapshot.Content, res *result) {
	for _, f := range set.Files {
		if f.System != pipeline.Tekton || !pipeline.InTektonDir(f.Path) {
			continue
		}
		if f.Problem != "" {
			res.problems = append(res.problems, check.Finding{Path: f.Path, Message: f.Problem})
		}
		for _, r := range f.Resources {
			if !r.Active || !pipeline.IsKonflux(f, r) {
				continue
			}
			// A param the run does not set takes the pipeline's default:
			// its embedded pipelineSpec's, or the repository's Pipeline it
			// runs (the usual Konflux layout keeps hermetic and
			// prefetch-input defaults in .tekton/build-pipeline.yaml).
			defaults := [][]pipeline.Var{r.SpecParams}
			if pl := set.PipelineOf(r); pl != nil {
				defaults = append(defaults, pl.Params)
			}
			h, hok, hpath := effectiveParam(r, f.Path, defaults, "hermetic")
			pf, pok, pfpath := effectiveParam(r, f.Path, defaults, "prefetch-input")
			switch {
			case hok && isTrue(h.Value) && pok && prefetches(pf, contents[pfpath].Text):
				res.found = append(res.found, Item{Mechanism: Konflux, Path: hpath, Line: h.Line})
			case hok && isTrue(h.Value):
				res.near = append(res.near, check.Finding{Path: hpath, Line: h.Line,
					Message: fmt.Sprintf("Konflux PipelineRun %s is hermetic but prefetches nothing: give its dependencies in the prefetch-input param", r.Name)})
			default:
				where, line := f.Path, r.Line
				if hok {
					where, line = hpath, h.Line
				}
				res.near = append(res.near, check.Finding{Path: where, Line: line,
					Message: fmt.Sprintf("Konflux PipelineRun %s is not hermetic: set the params hermetic to \"true\" and prefetch-input", r.Name)})
			}
		}
	}
}

// effectiveParam is the value a PipelineRun's param takes — its own, else
// the first default that sets it — and the file where that value is.
func effectiveParam(r *pipeline.Resource, runPath string, defaults [][]pipeline.Var, name string) (pipeline.Var, bool, string) {
	if v, ok := param(r, name); ok {
		return v, true, runPath
	}
	for _, vs := range defaults {
		for _, v := range vs {
			if v.Name == name {
				return v, true, v.Path
			}
		}
	}
	return pipeline.Var{}, false, runPath
}

func param(r *pipeline.Resource, name string) (pipeline.Var, bool) {
	for _, v := range r.Params {
		if v.Name == name {
			return v, true
		}
	}
	return pipeline.Var{}, false
}

func isTrue(v string) bool {
	return strings.EqualFold(strings.Trim(strings.TrimSpace(v), `"'`), "true")
}

// prefetches: a prefetch-input that names something to prefetch (a
// package manager, or a JSON or YAML object or list of them), not empty.
// The pipeline model keeps scalar values only; a YAML collection is read
// from the text at its line.
func prefetches(v pipeline.Var, text string) bool {
	s := v.Value
	if s == "" && v.ValueLine > 0 {
		lines := strings.Split(text, "\n")
		if v.ValueLine <= len(lines) {
			s = lines[v.ValueLine-1]
			if _, after, ok := strings.Cut(s, "value:"); ok {
				s = after
			}
		}
	}
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	switch strings.Join(strings.Fields(s), "") {
	case "", "[]", "{}", `""`, "''", "null", "~":
		return false
	}
	return true
}

// cargo reads a Cargo configuration for the sources `cargo vendor` sets up.
func cargo(p string, contents map[string]snapshot.Content, res *result) {
	c, ok := contents[p]
	switch {
	case !ok:
		res.problems = append(res.problems, check.Finding{Path: p, Message: "not read by the collector"})
		return
	case c.Skipped != "":
		res.problems = append(res.problems, check.Finding{Path: p, Message: "not read: " + c.Skipped})
		return
	}
	var conf struct {
		Source map[string]map[string]any `toml:"source"`
	}
	if err := toml.Unmarshal([]byte(c.Text), &conf); err != nil {
		res.problems = append(res.problems, check.Finding{Path: p, Message: "does not parse as TOML: " + firstLine(err.Error())})
		return
	}
	if _, ok := conf.Source["vendored-sources"]; ok {
		res.found = append(res.found, Item{Mechanism: CargoVendor, Path: p, Line: lineOf(c.Text, "[source.vendored-sources]")})
		return
	}
	names := make([]string, 0, len(conf.Source))
	for n := range conf.Source {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		to, _ := conf.Source[n]["replace-with"].(string)
		if to == "" {
			continue
		}
		if dir, _ := conf.Source[to]["directory"].(string); dir != "" {
			res.found = append(res.found, Item{Mechanism: CargoVendor, Path: p, Line: lineOf(c.Text, "replace-with")})
			return
		}
	}
	res.near = append(res.near, check.Finding{Path: p, Line: 1,
		Message: "this Cargo configuration does not replace crates.io with vendored sources (`cargo vendor` prints the lines to add)"})
}

// lineOf returns the line of the first occurrence of s in text, or 0.
func lineOf(text, s string) int {
	i := strings.Index(text, s)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func loc(p string, line int) string {
	if line == 0 {
		return p
	}
	return fmt.Sprintf("%s:%d", p, line)
}
