package buildreproduciblesettings

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// site is a shell command of a pipeline step, of a repository script a
// step runs, of a Dockerfile RUN or of a Makefile recipe.
type site struct {
	cmd pipeline.Command
	// where says which: "pipeline", "script", "Dockerfile" or "Makefile".
	where string
}

// commands returns the commands of the active pipeline jobs (with those
// of the repository scripts they run, pipeline.Set.Followed), the
// Dockerfiles and the Makefiles, and the files among them that could not
// be read or parsed.
func commands(set *pipeline.Set) ([]site, []check.Finding) {
	var out []site
	var problems []check.Finding
	for _, f := range set.Files {
		if f.Problem != "" {
			problems = append(problems, check.Finding{Path: f.Path, Message: f.Problem})
		}
		for _, j := range f.Jobs {
			if !j.Active {
				continue
			}
			for _, st := range j.Steps {
				for _, c := range set.Followed(st.Run) {
					switch {
					case c.Via == (pipeline.Pos{}):
						out = append(out, site{c, "pipeline"})
					case pipeline.IsMakefile(c.Path):
						// Every Makefile recipe is a site already.
					default:
						out = append(out, site{c, "script"})
					}
				}
			}
		}
	}
	for _, d := range set.Dockerfiles {
		if d.Problem != "" {
			problems = append(problems, check.Finding{Path: d.Path, Message: d.Problem})
		}
		for _, in := range d.Instructions {
			for _, c := range in.Run.Commands() {
				out = append(out, site{c, "Dockerfile"})
			}
		}
	}
	for _, m := range set.Makefiles {
		if m.Problem != "" {
			problems = append(problems, check.Finding{Path: m.Path, Message: m.Problem})
		}
		for _, r := range m.Rules {
			for _, c := range r.Recipe.Commands() {
				out = append(out, site{c, "Makefile"})
			}
		}
	}
	return out, problems
}

// envVars returns every variable a pipeline, a Dockerfile or a Makefile
// sets for the commands it runs: workflow/job/step env, GitLab variables,
// Dockerfile ENV and ARG, Makefile variables.
func envVars(set *pipeline.Set) []pipeline.Var {
	var out []pipeline.Var
	for _, f := range set.Files {
		out = append(out, f.Env...)
		for _, j := range f.Jobs {
			if !j.Active {
				continue
			}
			out = append(out, j.Env...)
			for _, st := range j.Steps {
				out = append(out, st.Env...)
			}
		}
	}
	for _, d := range set.Dockerfiles {
		for _, in := range d.Instructions {
			if in.Keyword != "ENV" && in.Keyword != "ARG" {
				continue
			}
			for _, kv := range dockerVars(in.Value) {
				kv.Pos = in.Pos
				out = append(out, kv)
			}
		}
	}
	for _, m := range set.Makefiles {
		for _, v := range m.Vars {
			out = append(out, pipeline.Var{Pos: v.Pos, Name: v.Name, Value: v.Value})
		}
	}
	return out
}

// dockerVars reads the NAME=value pairs of an ENV or ARG (and the legacy
// `ENV NAME value` form), quotes removed.
func dockerVars(s string) []pipeline.Var {
	s = strings.TrimSpace(s)
	if name, val, ok := strings.Cut(s, " "); ok && !strings.Contains(name, "=") {
		return []pipeline.Var{{Name: name, Value: unquote(strings.TrimSpace(val))}}
	}
	var out []pipeline.Var
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t")
		eq := strings.IndexAny(s, "= \t")
		if eq < 0 {
			out = append(out, pipeline.Var{Name: s})
			break
		}
		name := s[:eq]
		if s[eq] != '=' {
			out = append(out, pipeline.Var{Name: name})
			s = s[eq:]
			continue
		}
		s = s[eq+1:]
		end := 0
		for end < len(s) && s[end] != ' ' && s[end] != '\t' {
			if q := s[end]; q == '"' || q == '\'' {
				if k := strings.IndexByte(s[end+1:], q); k >= 0 {
					end += k + 2
					continue
				}
				end = len(s)
				break
			}
			end++
		}
		out = append(out, pipeline.Var{Name: name, Value: unquote(s[:end])})
		s = s[end:]
	}
	return out
}

func unquote(s string) string {
	var b strings.Builder
	var q byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// trimpathArg reports whether a go command's arguments set -trimpath (Go's
// flag package accepts one or two dashes and `=true`).
func trimpathArg(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "--") {
			a = a[1:]
		}
		switch a {
		case "-trimpath", "-trimpath=true", "-trimpath=1", "-trimpath=t", "-trimpath=T", "-trimpath=TRUE", "-trimpath=True":
			return true
		}
	}
	return false
}

// goflagsTrim reports whether a GOFLAGS value holds -trimpath.
func goflagsTrim(v string) bool {
	return trimpathArg(strings.Fields(unquote(v)))
}

// assignTrim reports whether a NAME=value word sets GOFLAGS with -trimpath.
func assignTrim(w string) bool {
	name, v, ok := strings.Cut(w, "=")
	return ok && name == "GOFLAGS" && goflagsTrim(v)
}

func isGoBuild(c pipeline.Command) bool { return c.Is("go", "build") }

// writesBinary: a `go build` that writes its result. Go discards the
// result when it compiles several packages (a `...` pattern) without -o,
// so such a build is a compile check, not an artifact.
func writesBinary(c pipeline.Command) bool {
	if _, ok := c.Flag("-o", "--o"); ok {
		return true
	}
	for _, a := range c.Positional()[1:] {
		if strings.Contains(a, "...") {
			return false
		}
	}
	return true
}

// goreleaserNoop: the goreleaser subcommands that neither build nor
// release (the same list as the pipeline recogniser's).
func goreleaserRuns(args []string) bool {
	for _, a := range args {
		switch a {
		case "--version", "-v", "--help", "-h":
			return false
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		switch a {
		case "check", "healthcheck", "init", "jsonschema", "completion", "man", "help", "verify-license", "changelog":
			return false
		}
		return true
	}
	return true
}

// grBuild is one Go build of a GoReleaser configuration.
type grBuild struct {
	line int
	trim bool
	// dflt: GoReleaser's default build (the configuration has no builds).
	dflt bool
}

// grConfig is a GoReleaser configuration.
type grConfig struct {
	path   string
	builds []grBuild
	// globalTrim: the top-level env sets GOFLAGS with -trimpath.
	globalTrim bool
	trimLine   int
	// external are the `includes:` that are not read: a URL (`from_url`,
	// or the `url:` shorthand), or a `from_file` path not in the
	// snapshot.
	external []string
}

// goreleaserNames are the file names GoReleaser reads by default: such a
// file is a GoReleaser configuration whatever keys it has (one that only
// has `version`, `includes` and `variables` takes its builds from what it
// includes).
var goreleaserNames = map[string]bool{".goreleaser.yml": true, ".goreleaser.yaml": true, "goreleaser.yml": true, "goreleaser.yaml": true}

// nonGoBuilders are GoReleaser's builders for other languages.
var nonGoBuilders = map[string]bool{"rust": true, "zig": true, "bun": true, "deno": true, "uv": true, "poetry": true, "prebuilt": true}

// parseGoReleaser reads the Go builds of a GoReleaser configuration: each
// `builds` entry whose builder is Go (the default) and that is not
// skipped; without `builds`, GoReleaser's single default Go build. ok is
// false when the text is not a GoReleaser configuration: a file with one
// of GoReleaser's default names always is one; another name needs a
// GoReleaser key. inTree says whether a path is in the snapshot (for
// `includes: - from_file:`).
func parseGoReleaser(p, text string, inTree func(string) bool) (cfg *grConfig, ok bool, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, false, err
	}
	if len(doc.Content) == 0 {
		return nil, false, nil
	}
	root := deref(doc.Content[0])
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, false, nil
	}
	known := goreleaserNames[strings.ToLower(path.Base(p))]
	for _, k := range []string{"builds", "archives", "release", "project_name", "changelog", "dockers", "nfpms", "checksum", "snapshot", "brews", "before", "kos", "signs", "includes"} {
		if get(root, k) != nil {
			known = true
		}
	}
	if !known || get(root, "jobs") != nil || get(root, "stages") != nil {
		return nil, false, nil
	}
	cfg = &grConfig{path: p}
	cfg.external = goreleaserIncludes(p, get(root, "includes"), inTree)
	if env := get(root, "env"); env != nil {
		if line, ok := envTrim(env); ok {
			cfg.globalTrim, cfg.trimLine = true, line
		}
	}
	builds := get(root, "builds")
	if builds == nil {
		cfg.builds = []grBuild{{line: 1, dflt: true}}
		return cfg, true, nil
	}
	for _, b := range items(builds) {
		b = deref(b)
		if b == nil || b.Kind != yaml.MappingNode {
			continue
		}
		if s := scalar(get(b, "builder")); s != "" && s != "go" && nonGoBuilders[s] {
			continue
		}
		if s := scalar(get(b, "skip")); s == "true" {
			continue
		}
		gb := grBuild{line: b.Line}
		if f := get(b, "flags"); f != nil {
			for _, it := range append(items(f), f) {
				if it = deref(it); it != nil && it.Kind == yaml.ScalarNode && trimpathArg(strings.Fields(it.Value)) {
					gb.trim, gb.line = true, it.Line
				}
			}
		}
		if env := get(b, "env"); env != nil && !gb.trim {
			if line, ok := envTrim(env); ok {
				gb.trim, gb.line = true, line
			}
		}
		cfg.builds = append(cfg.builds, gb)
	}
	return cfg, true, nil
}

// goreleaserIncludes returns the `includes:` of a GoReleaser
// configuration that are not read: URLs, and files not in the snapshot
// (a `from_file` path is relative to where goreleaser runs, the root).
func goreleaserIncludes(p string, n *yaml.Node, inTree func(string) bool) []string {
	var out []string
	for _, it := range items(n) {
		it = deref(it)
		if it == nil || it.Kind != yaml.MappingNode {
			continue
		}
		if u := get(it, "from_url"); u != nil {
			out = append(out, cmp.Or(text(get(u, "url")), "a from_url include"))
			continue
		}
		if v := text(get(it, "url")); v != "" {
			out = append(out, v)
			continue
		}
		if f := get(it, "from_file"); f != nil {
			fp := text(get(f, "path"))
			if fp == "" || strings.HasPrefix(fp, "/") || !inTree(path.Clean(fp)) {
				out = append(out, cmp.Or(fp, "a from_file include"))
			}
		}
	}
	return out
}

// text is a scalar's value as written, trimmed ("" for anything else).
func text(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// envTrim finds GOFLAGS with -trimpath in a GoReleaser env list
// (`- GOFLAGS=-trimpath`).
func envTrim(env *yaml.Node) (int, bool) {
	for _, it := range items(env) {
		if it = deref(it); it != nil && it.Kind == yaml.ScalarNode && assignTrim(strings.TrimSpace(it.Value)) {
			return it.Line, true
		}
	}
	return 0, false
}

// deref follows YAML aliases (bounded).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

// get returns the value of key in a mapping, looking through `<<` merges.
func get(m *yaml.Node, key string) *yaml.Node {
	return getDepth(deref(m), key, 0)
}

func getDepth(m *yaml.Node, key string, depth int) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Value == key {
			return m.Content[i+1]
		}
		if k.Value == "<<" {
			merges = append(merges, m.Content[i+1])
		}
	}
	for _, mg := range merges {
		mg = deref(mg)
		if mg != nil && mg.Kind == yaml.SequenceNode {
			for _, it := range mg.Content {
				if v := getDepth(deref(it), key, depth+1); v != nil {
					return v
				}
			}
			continue
		}
		if v := getDepth(mg, key, depth+1); v != nil {
			return v
		}
	}
	return nil
}

func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func scalar(n *yaml.Node) string { return strings.ToLower(text(n)) }

// isGoReleaserConfig: a YAML file whose name holds "goreleaser" and that
// is not a pipeline file (a workflow named goreleaser.yml); its content
// decides the rest (parseGoReleaser).
func isGoReleaserConfig(p string, set *pipeline.Set) bool {
	base := strings.ToLower(path.Base(p))
	ext := path.Ext(base)
	return (ext == ".yml" || ext == ".yaml") && strings.Contains(base, "goreleaser") && set.File(p) == nil
}

// goEval decides the Go entry. Go builds release artifacts when a
// pipeline step, a Dockerfile RUN or a Makefile recipe runs a `go build`
// that writes a binary, or GoReleaser builds Go (a configuration with a Go
// build, or goreleaser run by a pipeline).
func goEval(set *pipeline.Set, tree snapshot.Tree, sites []site, vars []pipeline.Var, problems []check.Finding) *entry {
	e := &entry{Ecosystem: "go", Switch: "-trimpath"}
	// Evidence: -trimpath on a go command line, GOFLAGS with it anywhere,
	// GoReleaser flags or env.
	for _, s := range sites {
		c := s.cmd
		if (c.Is("go", "build") || c.Is("go", "install")) && trimpathArg(c.Args) {
			e.found(c.Pos, "-trimpath on "+s.where+" command `"+clip(c.Text)+"`")
		}
		for _, a := range append(slices.Clone(c.Assign), c.Args...) {
			if assignTrim(a) {
				e.found(c.Pos, "GOFLAGS="+strings.TrimPrefix(a, "GOFLAGS=")+" in "+s.where+" command")
			}
		}
	}
	for _, v := range vars {
		if v.Name == "GOFLAGS" && goflagsTrim(v.Value) {
			e.found(v.Pos, "GOFLAGS "+v.Value)
		}
	}
	var configs []*grConfig
	for _, p := range sortedKeys(tree.Contents) {
		if !isGoReleaserConfig(p, set) {
			continue
		}
		c := tree.Contents[p]
		// A GoReleaser configuration that cannot be read most likely
		// builds Go: Go is then present and undecided.
		if c.Skipped != "" {
			e.present = true
			e.unread = append(e.unread, check.Finding{Path: p, Message: "GoReleaser configuration not read: " + c.Skipped})
			continue
		}
		cfg, ok, err := parseGoReleaser(p, c.Text, func(f string) bool { _, ok := slices.BinarySearch(tree.Files, f); return ok })
		if err != nil {
			e.present = true
			e.unread = append(e.unread, check.Finding{Path: p, Message: "GoReleaser configuration does not parse: " + firstLine(err.Error())})
			continue
		}
		if !ok {
			continue
		}
		configs = append(configs, cfg)
		if cfg.globalTrim {
			e.found(pipeline.Pos{Path: p, Line: cfg.trimLine}, "GOFLAGS with -trimpath in the GoReleaser env")
		}
		for _, b := range cfg.builds {
			if b.trim {
				e.found(pipeline.Pos{Path: p, Line: b.line}, "-trimpath in the GoReleaser build flags")
			}
		}
	}

	// Presence, and where the switch is missing. The commands of the
	// scripts a step runs only bring evidence: a script's `go build` is as
	// often a helper tool as a release binary.
	for _, s := range sites {
		if s.where == "script" {
			continue
		}
		if isGoBuild(s.cmd) && writesBinary(s.cmd) {
			e.present = true
			if !trimpathArg(s.cmd.Args) {
				e.missing = append(e.missing, check.Finding{Path: s.cmd.Path, Line: s.cmd.Line,
					Message: fmt.Sprintf("`%s` builds a Go binary without -trimpath: add -trimpath (or set GOFLAGS=-trimpath)", clip(s.cmd.Text))})
			}
		}
	}
	for _, cfg := range configs {
		for _, b := range cfg.builds {
			e.present = true
			if !b.trim && !cfg.globalTrim {
				msg := "this GoReleaser build has no -trimpath in its flags: add `flags: [-trimpath]`"
				if b.dflt {
					msg = "GoReleaser's default build has no -trimpath: add a `builds:` entry with `flags: [-trimpath]`"
				}
				if len(cfg.external) > 0 {
					what := "this GoReleaser build has no -trimpath in this repository's files"
					if b.dflt {
						what = "this GoReleaser configuration has no `builds:` in this repository's files, so no -trimpath"
					}
					msg = fmt.Sprintf("%s; its `includes:` take configuration from outside the repository (%s), which was not read: set `flags: [-trimpath]` (or `GOFLAGS=-trimpath` in `env:`) in the repository's own configuration", what, strings.Join(cfg.external, ", "))
				}
				e.missing = append(e.missing, check.Finding{Path: cfg.path, Line: b.line, Message: msg})
			}
		}
	}
	// A goreleaser run builds Go unless every configuration skips its
	// builds (gin-gonic/gin: `builds: - skip: true`, a release of notes
	// only) and takes nothing from elsewhere.
	buildsGo := len(configs) == 0
	for _, cfg := range configs {
		if len(cfg.builds) > 0 || len(cfg.external) > 0 {
			buildsGo = true
		}
	}
	for _, s := range sites {
		if buildsGo && s.where != "script" && s.cmd.Name == "goreleaser" && goreleaserRuns(s.cmd.Args) {
			e.present = true
			if len(configs) == 0 {
				e.missing = append(e.missing, check.Finding{Path: s.cmd.Path, Line: s.cmd.Line,
					Message: "goreleaser builds with its default configuration, which has no -trimpath: commit a .goreleaser.yaml whose builds set `flags: [-trimpath]`"})
			}
		}
	}
	for _, f := range set.Files {
		for _, j := range f.Jobs {
			if !j.Active {
				continue
			}
			for _, st := range j.Steps {
				if !st.Uses.Is("goreleaser/goreleaser-action") {
					continue
				}
				if args, _ := st.Input("args"); !buildsGo || !goreleaserRuns(strings.Fields(args)) {
					continue
				}
				e.present = true
				if len(configs) == 0 {
					e.missing = append(e.missing, check.Finding{Path: st.Uses.Path, Line: st.Uses.Line,
						Message: "goreleaser builds with its default configuration, which has no -trimpath: commit a .goreleaser.yaml whose builds set `flags: [-trimpath]`"})
				}
			}
		}
	}
	if !e.present {
		// A Go module whose builds may be in a file that could not be
		// read is undecided rather than absent.
		if len(problems) > 0 && hasFile(tree, "go.mod") && len(e.evidence) == 0 {
			e.present = true
			e.unread = append(e.unread, problems...)
		}
		return e
	}
	e.unread = append(e.unread, problems...)
	return e
}

func hasFile(tree snapshot.Tree, base string) bool {
	for _, f := range tree.Files {
		if strings.EqualFold(path.Base(f), base) {
			return true
		}
	}
	return false
}
