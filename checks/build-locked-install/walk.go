package buildlockedinstall

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// site says where a script runs.
type site int

const (
	sitePipeline site = iota // a pipeline step on a CI runner
	siteDocker               // a Dockerfile RUN, in a build container
	siteMake                 // a Makefile recipe, wherever make runs
)

// jobState is what persists between the scripts of one job, one Docker
// build stage (and the stages built on it) or one Makefile rule: files
// that earlier commands wrote.
type jobState struct {
	// bundleFrozen: `bundle config [set] frozen|deployment true` ran.
	bundleFrozen bool
	// goflags is what `go env -w GOFLAGS=…` wrote.
	goflags string
	// githubEnv are the variables that `echo NAME=value >> $GITHUB_ENV`
	// wrote: the job's later steps see them.
	githubEnv []pipeline.Var
}

// shellState is what one shell knows while its commands run.
type shellState struct {
	site   site
	system pipeline.System
	job    *jobState
	// layers are environment variables, outermost first: a workflow's
	// env, a job's, a step's; a Dockerfile's ENV and ARG; a Makefile's
	// exports.
	layers [][]pipeline.Var
	// exports are `export NAME=value` run earlier in the shell.
	exports map[string]string
	// assign are the command's own leading NAME=value words.
	assign []string
	// dir is the working directory, relative to the repository root;
	// dirLost is set after a `cd` ssdf cannot follow (the root is then
	// assumed, as SPEC's default place).
	dir     string
	dirLost bool
	// dockerDir is the Dockerfile's directory (the usual build context);
	// workdir the container directory that WORKDIR set ("/" without
	// one), cdir the one that `cd` then moved to.
	dockerDir string
	workdir   string
	cdir      string
}

// env returns the value of an environment variable as the command sees
// it.
func (s *shellState) env(name string) (string, bool) {
	for i := len(s.assign) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(s.assign[i], "="); ok && k == name {
			return v, true
		}
	}
	if v, ok := s.exports[name]; ok {
		return v, true
	}
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		for j := len(l) - 1; j >= 0; j-- {
			if l[j].Name == name {
				return l[j].Value, true
			}
		}
	}
	return "", false
}

// envFold is env with a case-insensitive name (MSBuild properties).
func (s *shellState) envFold(name string) (string, bool) {
	if v, ok := s.env(name); ok {
		return v, true
	}
	for i := len(s.layers) - 1; i >= 0; i-- {
		for _, v := range s.layers[i] {
			if strings.EqualFold(v.Name, name) {
				return v.Value, true
			}
		}
	}
	return "", false
}

// ci reports whether the shell runs with CI detected, as pnpm (through
// the ci-info package) detects it: CI set to anything but "false", or a
// runner known to set it. GitHub Actions, GitLab CI, Jenkins, Azure
// Pipelines, CircleCI, Bitbucket, Buildkite, Drone, Woodpecker and
// Travis runners do; Tekton steps, Docker builds and make do not.
func (s *shellState) ci() bool {
	if v, ok := s.env("CI"); ok {
		return v != "false" && v != ""
	}
	if _, ok := s.env("BUILD_NUMBER"); ok {
		return true
	}
	return s.site == sitePipeline && s.system != pipeline.Tekton
}

// candidates returns the repository paths that the path p, written in a
// command of this shell, may name, in order of preference; ok is false
// when p cannot be resolved (a variable, an absolute path outside a
// Docker build).
func (s *shellState) candidates(p string) ([]string, bool) {
	p = strings.Trim(p, `"'`)
	if p == "" || strings.ContainsAny(p, "$`*?~") {
		return nil, false
	}
	p = strings.ReplaceAll(p, `\`, "/")
	var out []string
	add := func(c string) {
		c = path.Clean(c)
		if c == "." {
			c = ""
		}
		if c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(c, "/") {
			return
		}
		for _, x := range out {
			if x == c {
				return
			}
		}
		out = append(out, c)
	}
	if s.site != siteDocker {
		if path.IsAbs(p) {
			return nil, false
		}
		add(join(s.dir, p))
		return out, len(out) > 0
	}
	// In a Docker build the context is not known: the Dockerfile's
	// directory, then the repository root. A container path under the
	// WORKDIR is taken relative to it (`COPY . .` put the context there);
	// any other path by its base name.
	if s.cdir == "" {
		return nil, false
	}
	full := p
	if !path.IsAbs(p) {
		full = path.Join(s.cdir, p)
	}
	rel := path.Base(full)
	switch wd := strings.TrimSuffix(s.workdir, "/"); {
	case full == s.workdir:
		rel = "."
	case strings.HasPrefix(full, wd+"/"):
		rel = full[len(wd)+1:]
	}
	add(join(s.dockerDir, rel))
	add(rel)
	if b := path.Base(rel); b != rel {
		add(join(s.dockerDir, b))
		add(b)
	}
	return out, len(out) > 0
}

// eval accumulates the verdicts of one scan.
type eval struct {
	tree      snapshot.Tree
	manifests *manifest.Set
	// files maps lower-cased paths to the tree's spelling.
	files map[string]string
	// props maps "dir/directory.build.props" (lower case) to the file.
	props map[string]string

	// seen holds the verdict of each command place, the worst kept.
	seen  map[string]*record
	order []string
}

// record is one install command at one place.
type record struct {
	pos  pipeline.Pos
	text string
	j    judgement
}

func newEval(tree snapshot.Tree, ms *manifest.Set) *eval {
	e := &eval{tree: tree, manifests: ms, files: map[string]string{}, props: map[string]string{}, seen: map[string]*record{}}
	for _, f := range tree.Files {
		lf := strings.ToLower(f)
		if _, ok := e.files[lf]; !ok {
			e.files[lf] = f
		}
	}
	for p := range ms.Projects {
		if strings.EqualFold(path.Base(p), "directory.build.props") {
			e.props[strings.ToLower(p)] = p
		}
	}
	return e
}

// lookup returns the tree's spelling of p (exact, else
// case-insensitive).
func (e *eval) lookup(p string) (string, bool) {
	if _, ok := e.tree.Contents[p]; ok {
		return p, true
	}
	f, ok := e.files[strings.ToLower(p)]
	return f, ok
}

// note records a verdict at a place; a place judged several times (a
// GitLab template merged into several jobs) keeps its worst verdict.
func (e *eval) note(c pipeline.Command, j judgement) {
	key := fmt.Sprintf("%s:%d:%s", c.Path, c.Line, c.Text)
	if r, ok := e.seen[key]; ok {
		if rank(j.v) > rank(r.j.v) {
			r.j = j
		}
		return
	}
	e.seen[key] = &record{pos: c.Pos, text: c.Text, j: j}
	e.order = append(e.order, key)
}

func rank(v verdict) int {
	switch v {
	case unlocked:
		return 3
	case undecided:
		return 2
	case locked:
		return 1
	}
	return 0
}

// script judges every command of sc in the shell s. With perPart, each
// part runs in a shell of its own (Makefile recipe lines): the working
// directory and exports start afresh.
func (e *eval) script(sc *pipeline.Script, s *shellState, perPart bool) {
	if sc == nil {
		return
	}
	e.commands(sc, sc.Commands(), s, perPart)
}

// commands judges cmds, the commands of sc (or, for a pipeline step, those
// it runs, the repository scripts it invokes followed), in the shell s.
func (e *eval) commands(sc *pipeline.Script, cmds []pipeline.Command, s *shellState, perPart bool) {
	ends := make([]int, len(sc.Parts))
	for i, p := range sc.Parts {
		ends[i] = p.Line + strings.Count(p.Value, "\n")
	}
	startDir, startLost, startCdir := s.dir, s.dirLost, s.cdir
	part := 0
	if s.exports == nil {
		s.exports = map[string]string{}
	}
	for _, c := range cmds {
		if perPart {
			np := part
			for np < len(ends)-1 && c.Line > ends[np] {
				np++
			}
			if np != part {
				part = np
				s.dir, s.dirLost, s.cdir = startDir, startLost, startCdir
				s.exports = map[string]string{}
			}
		}
		s.assign = c.Assign
		e.state(c, s)
		if j := e.judge(c, s); j.v != notInstall {
			e.note(c, j)
		}
		s.assign = nil
	}
}

// state follows the commands that change what later commands see: cd,
// export, `bundle config`, `go env -w`.
func (e *eval) state(c pipeline.Command, s *shellState) {
	switch c.Name {
	case "cd", "pushd":
		pos := c.Positional()
		dest := ""
		if len(pos) > 0 {
			dest = strings.Trim(pos[0], `"'`)
		}
		s.cd(dest)
	case "popd":
		s.dirLost = true
	case "export", "declare", "typeset":
		if c.Name != "export" && !has(c.Args, "-x") {
			return
		}
		for _, a := range c.Args {
			if k, v, ok := strings.Cut(a, "="); ok && !strings.HasPrefix(k, "-") {
				s.exports[k] = strings.Trim(v, `"'`)
			}
		}
	case "bundle", "bundler":
		pos := c.Positional()
		if len(pos) < 2 || pos[0] != "config" {
			return
		}
		kv := pos[1:]
		switch kv[0] {
		case "set":
			kv = kv[1:]
		case "unset":
			if len(kv) > 1 && (kv[1] == "frozen" || kv[1] == "deployment") {
				s.job.bundleFrozen = false
			}
			return
		}
		if len(kv) >= 2 && (kv[0] == "frozen" || kv[0] == "deployment") {
			s.job.bundleFrozen = bundlerTrue(kv[1])
		}
	case "echo", "printf":
		if s.site != sitePipeline || !strings.Contains(c.Text, "GITHUB_ENV") {
			return
		}
		for _, a := range c.Args {
			if k, v, ok := strings.Cut(a, "="); ok && envName(k) {
				s.job.githubEnv = append(s.job.githubEnv, pipeline.Var{Pos: c.Pos, Name: k, Value: v})
			}
		}
	case "go":
		pos := c.Positional()
		if len(pos) == 0 || pos[0] != "env" || !has(c.Args, "-w") {
			return
		}
		for _, a := range pos[1:] {
			if v, ok := strings.CutPrefix(a, "GOFLAGS="); ok {
				s.job.goflags = v
			}
		}
	}
}

// cd follows a change of directory.
func (s *shellState) cd(dest string) {
	if s.site == siteDocker {
		switch {
		case dest == "" || strings.ContainsAny(dest, "$`~") || dest == "-" || s.cdir == "":
			s.cdir = "" // lost
		case path.IsAbs(dest):
			s.cdir = path.Clean(dest)
		default:
			s.cdir = path.Join(s.cdir, dest)
		}
		return
	}
	switch {
	case dest == "" || dest == "-" || strings.ContainsAny(dest, "$`~") || path.IsAbs(dest):
		s.dir, s.dirLost = "", true
	default:
		d := path.Clean(join(s.dir, dest))
		if d == "." {
			d = ""
		}
		if d == ".." || strings.HasPrefix(d, "../") {
			s.dir, s.dirLost = "", true
			return
		}
		s.dir = d
	}
}

// pipelines judges every script of every pipeline file.
func (e *eval) pipelines(set *pipeline.Set) {
	var gitlabGlobals []pipeline.Var
	for _, f := range set.Files {
		if f.System == pipeline.GitLabCI {
			gitlabGlobals = append(gitlabGlobals, f.Env...)
		}
	}
	// GitLab templates are judged in the jobs that extend them, with
	// their variables; a template nothing extends is judged alone.
	used := map[pipeline.Pos]bool{}
	for _, j := range set.Jobs() {
		if !j.Hidden {
			for _, st := range j.Steps {
				if st.Run != nil && len(st.Run.Parts) > 0 {
					used[st.Run.Parts[0].Pos] = true
				}
			}
		}
	}
	for _, f := range set.Files {
		for _, j := range f.Jobs {
			job := &jobState{}
			var carry *shellState
			for _, st := range j.Steps {
				if sc := actionInstall(st); sc != nil {
					e.script(sc, &shellState{site: sitePipeline, system: f.System, job: job,
						layers: [][]pipeline.Var{f.Env, j.Env, st.Env}}, false)
					continue
				}
				if st.Run == nil || len(st.Run.Parts) == 0 || j.Hidden && used[st.Run.Parts[0].Pos] {
					continue
				}
				var layers [][]pipeline.Var
				if f.System == pipeline.GitLabCI {
					layers = append(layers, gitlabGlobals)
				}
				layers = append(layers, f.Env, j.Env, slices.Clone(job.githubEnv), st.Env)
				s := &shellState{site: sitePipeline, system: f.System, job: job, layers: layers}
				// GitLab runs before_script and script in one shell.
				if f.System == pipeline.GitLabCI && st.Name == "script" && carry != nil {
					s.dir, s.dirLost, s.exports = carry.dir, carry.dirLost, carry.exports
				}
				// A step runs the repository scripts it invokes too
				// (encode/starlette: `scripts/install` → `pip install -r
				// requirements.txt`), as build-provenance reads them.
				e.commands(st.Run, set.Followed(st.Run), s, false)
				carry = nil
				if f.System == pipeline.GitLabCI && st.Name == "before_script" {
					carry = s
				}
			}
		}
	}
}

// dockerfile judges the RUNs of a Dockerfile, stage by stage; a stage
// built on an earlier one inherits its environment and files.
func (e *eval) dockerfile(d *pipeline.Dockerfile) {
	type stageState struct {
		env     []pipeline.Var
		job     jobState
		workdir string
	}
	states := map[*pipeline.Stage]*stageState{}
	globals := map[string]string{}
	for _, a := range d.Args {
		if a.HasValue {
			globals[a.Name] = a.Value
		}
	}
	for _, st := range d.Stages {
		ss := &stageState{}
		if st.From != nil {
			if parent := states[st.From]; parent != nil {
				ss.env = append(ss.env, parent.env...)
				ss.job = parent.job
				ss.workdir = parent.workdir
			}
		}
		states[st] = ss
		for _, in := range st.Instructions {
			switch in.Keyword {
			case "ENV":
				ss.env = append(ss.env, dockerEnv(in)...)
			case "ARG":
				for _, w := range in.Args {
					k, v, ok := strings.Cut(w, "=")
					if !ok {
						if g, ok := globals[k]; ok {
							ss.env = append(ss.env, pipeline.Var{Pos: in.Pos, Name: k, Value: g})
						}
						continue
					}
					ss.env = append(ss.env, pipeline.Var{Pos: in.Pos, Name: k, Value: unquote(v)})
				}
			case "WORKDIR":
				if len(in.Args) > 0 {
					w := unquote(in.Args[0])
					if path.IsAbs(w) {
						ss.workdir = path.Clean(w)
					} else {
						ss.workdir = path.Join("/", ss.workdir, w)
					}
				}
			case "RUN":
				if in.Run == nil {
					continue
				}
				wd := ss.workdir
				if wd == "" {
					wd = "/"
				}
				s := &shellState{site: siteDocker, job: &ss.job, layers: [][]pipeline.Var{ss.env},
					dockerDir: dirOf(d.Path), workdir: wd, cdir: wd}
				e.script(in.Run, s, false)
			}
		}
	}
}

// dockerEnv reads `ENV A=1 B="2"` and the legacy `ENV A 1`.
func dockerEnv(in *pipeline.Instruction) []pipeline.Var {
	var out []pipeline.Var
	if len(in.Args) >= 2 && !strings.Contains(in.Args[0], "=") {
		return []pipeline.Var{{Pos: in.Pos, Name: in.Args[0], Value: unquote(strings.Join(in.Args[1:], " "))}}
	}
	for _, w := range in.Args {
		if k, v, ok := strings.Cut(w, "="); ok {
			out = append(out, pipeline.Var{Pos: in.Pos, Name: k, Value: unquote(v)})
		}
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// makefile judges the recipes of a Makefile. Recipes run in the
// Makefile's directory, each line in its own shell unless `.ONESHELL:`.
func (e *eval) makefile(m *pipeline.Makefile) {
	env := m.Env()
	for _, r := range m.Rules {
		job := &jobState{}
		s := &shellState{site: siteMake, job: job, layers: [][]pipeline.Var{env}, dir: dirOf(m.Path)}
		e.script(r.Recipe, s, !m.OneShell)
	}
}

// makeName reports whether s is an environment variable name.
func envName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// actionInstall is the install command line an action step runs on its
// own (actions-rs/cargo, pnpm/action-setup's run_install), or nil.
func actionInstall(st *pipeline.Step) *pipeline.Script {
	if sc := cargoAction(st); sc != nil {
		return sc
	}
	return pnpmSetupInstall(st)
}

// cargoAction is the cargo command line an actions-rs/cargo step (or its
// fork ClementTsang/cargo-action) runs — `cargo` with its command and args
// inputs, at the step's line — or nil for any other step.
func cargoAction(st *pipeline.Step) *pipeline.Script {
	if st.Uses == nil || !(st.Uses.Is("actions-rs/cargo") || st.Uses.Is("clementtsang/cargo-action")) {
		return nil
	}
	cmd, _ := st.Input("command")
	if strings.TrimSpace(cmd) == "" || strings.ContainsAny(cmd, "$`") {
		return nil
	}
	args, _ := st.Input("args")
	line := strings.Join(strings.Fields("cargo "+cmd+" "+args), " ")
	return &pipeline.Script{Parts: []pipeline.Text{{Pos: st.Uses.Pos, Value: line}}}
}

// pnpmSetupInstall is the `pnpm install` a pnpm/action-setup step runs
// when its run_install input asks for one (vercel/ms installs only that
// way): `true`, or an object or list whose args are passed on.
func pnpmSetupInstall(st *pipeline.Step) *pipeline.Script {
	if st.Uses == nil || !st.Uses.Is("pnpm/action-setup") {
		return nil
	}
	v, ok := st.Input("run_install")
	v = strings.TrimSpace(v)
	if !ok || v == "" || strings.EqualFold(v, "false") || strings.Contains(v, "$") {
		return nil
	}
	line := "pnpm install"
	for _, f := range []string{"--no-frozen-lockfile", "--frozen-lockfile=false", "--frozen-lockfile"} {
		if strings.Contains(v, f) {
			line += " " + f
			break
		}
	}
	return &pipeline.Script{Parts: []pipeline.Text{{Pos: st.Uses.Pos, Value: line}}}
}
