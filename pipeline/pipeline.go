// Package pipeline is ssdf's model of the CI/CD pipelines defined in a
// repository, parsed once per scan from the snapshot's file contents.
//
// It reads GitHub Actions workflows (`.github/workflows/*.y{a,}ml`) and
// `action.yml` composite actions, GitLab CI (`.gitlab-ci.yml`, files under
// `.gitlab/ci/` and every local include), Jenkinsfiles and Tekton resources
// under `.tekton/`. Every system is mapped onto the same small vocabulary —
// a File holds Jobs, a Job holds Steps; steps use actions (Ref), run shell
// (Script) or run in containers (Image) — so that a check can ask "does any
// pipeline run cosign?" without knowing four syntaxes. What is particular to
// one system stays on the File (GitLab includes, Tekton resources, GitHub
// triggers). Every reference and command records its file and line.
//
// Parsing never fails as a whole and never panics: a file that cannot be read
// or parsed is kept with its Problem, so that checks can say `unknown` rather
// than pass or fail on what they could not see. Following YAML aliases and
// merge keys is paid from a budget proportional to the file (alias bombs),
// nesting is bounded by the decoder and by maxNest, and GitLab scripts by
// maxParts lines.
//
// Dockerfiles (Set.Dockerfiles) and Makefiles (Set.Makefiles, see
// makefile.go) anywhere in the tree are read too, for the shell code of
// their RUN instructions and recipes.
//
// Checks get the set through Load, which memoises it for the scan. The
// recognisers of signed provenance, in-toto attestations and artifact
// publication (Set.Provenance, Set.Attestations, Set.Publishes) live here
// so that every check that needs them agrees; the tool catalogue is in
// package pipeline/tools.
package pipeline

import (
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// System identifies a CI/CD system, with the ids of SPEC §3 (pipeline-as-code).
type System string

// The systems this package reads.
const (
	GitHubActions System = "github-actions"
	GitLabCI      System = "gitlab-ci"
	Jenkins       System = "jenkins"
	Tekton        System = "tekton"
)

// Kind says what sort of pipeline file a File is.
type Kind string

// The kinds of file.
const (
	Workflow    Kind = "workflow"    // a GitHub Actions workflow
	Action      Kind = "action"      // a GitHub action metadata file (action.yml)
	GitLabFile  Kind = "gitlab-ci"   // a GitLab CI configuration file
	Jenkinsfile Kind = "jenkinsfile" // a Jenkins pipeline script
	TektonFile  Kind = "tekton"      // a file of Tekton resources
)

// Pos is a place in the repository: a slash-separated path and a 1-based
// line (0 when unknown).
type Pos struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
}

// Loc returns "path:line", or the path alone when the line is unknown.
func (p Pos) Loc() string {
	if p.Line == 0 {
		return p.Path
	}
	return fmt.Sprintf("%s:%d", p.Path, p.Line)
}

// Set is every pipeline file of a snapshot. It is read-only once built and
// shared between checks.
type Set struct {
	// Files are sorted by path.
	Files []*File
	// Dockerfiles are the Dockerfiles and Containerfiles anywhere in the
	// tree (see IsDockerfile), sorted by path.
	Dockerfiles []*Dockerfile
	// Makefiles are the Makefiles anywhere in the tree (see IsMakefile),
	// sorted by path.
	Makefiles []*Makefile
	// ArgoSkipped are files that look like Argo CD manifests but do not
	// parse as YAML (Helm or Jinja templates): SPEC §3 skips them.
	ArgoSkipped []Problem

	// tree is the snapshot the set was parsed from, for Followed.
	tree     snapshot.Tree
	followed sync.Map // *Script → *[]Command
	scripts  sync.Map // path → *[]Command (nil when not read)
	// wanted are scripts a step runs that the tree lists but did not read
	// (a remote scan reads them lazily): see ScriptsWanted.
	wanted sync.Map // path → true

	once        sync.Once
	pcOnce      sync.Once
	pcProv      bool
	provenance  []Evidence
	attestation []Evidence
	undecided   []Evidence
	publishes   []Evidence
}

// File is one pipeline file.
type File struct {
	Path   string
	System System
	Kind   Kind
	// Problem says why the file was not read or not fully understood: not
	// read by the collector (size cap), invalid YAML, not UTF-8, over the
	// parse budget. Whatever could be parsed before the problem is kept.
	Problem string
	// Active is false for files whose jobs never run in this repository's
	// own pipelines: a reusable workflow (only `on: workflow_call`) that no
	// active workflow of the repository calls, an action.yml that no active
	// workflow uses as a local action (`uses: ./dir`), a Tekton file whose
	// resources are all Tasks or Pipelines that no run refers to.
	Active bool

	// Name is the workflow's or action's `name:`.
	Name string
	// Triggers are a workflow's `on:` events.
	Triggers []Trigger
	// OnLine and JobsLine are the lines of a workflow's `on:` and `jobs:`
	// keys (0 when absent).
	OnLine, JobsLine int
	// Permissions is a workflow's top-level `permissions:` (nil when
	// absent).
	Permissions *Permissions
	// Env are the file-wide variables: a workflow's `env:`, GitLab's global
	// `variables:`.
	Env []Var
	// Jobs in document order. For Tekton they are the pipeline tasks (or
	// the single task of a Task/TaskRun) of every resource of the file.
	Jobs []*Job
	// Includes are GitLab `include:` entries (and `trigger: include:` of
	// child pipelines).
	Includes []*Include
	// Resources are the Tekton documents of the file.
	Resources []*Resource
	// Runs describes an action.yml: `runs.using` and, for Docker actions,
	// `runs.image`.
	Runs *ActionRuns
	// Libraries are a Jenkinsfile's `@Library` references, the template
	// repositories of Azure Pipelines (`resources.repositories`), CircleCI
	// orbs and Buildkite plugins.
	Libraries []*Ref
	// Flavor is "declarative" (`pipeline {}`) or "scripted" (`node {}`)
	// for a Jenkinsfile, "" when neither block is found.
	Flavor string
	// Dinghy holds what a Spinnaker dinghyfile or .module file refers to.
	Dinghy *Dinghy
	// Argo are the Argo CD documents of the file.
	Argo []*ArgoResource
}

// Trigger is one event of a workflow's `on:`.
type Trigger struct {
	Pos
	Event string
	// The event's filters, as written (GitHub `on.<event>.<filter>`);
	// Workflows are the workflows a workflow_run trigger listens to.
	Types, Branches, BranchesIgnore, Tags, TagsIgnore, Paths, PathsIgnore, Workflows []string
}

// ActionRuns is the `runs:` of an action.yml.
type ActionRuns struct {
	Using string
	Image *Image
}

// Job is a unit that runs on one runner: a GitHub job, a GitLab job, a
// Tekton pipeline task or Task, a Jenkinsfile (one job per file).
type Job struct {
	Pos
	File *File `json:"-"`
	ID   string
	Name string
	// Active is false for GitLab hidden jobs (`.name`), which only serve
	// as templates, and for every job of an inactive file.
	Active bool
	// Hidden marks a GitLab hidden job.
	Hidden bool
	// Extends are a GitLab job's `extends:` (already merged into the job's
	// images, steps and variables).
	Extends []string
	// Uses is the reusable workflow a GitHub job calls, With its inputs.
	Uses *Ref
	With []Var
	// Permissions is a GitHub job's `permissions:` (nil when absent).
	Permissions *Permissions
	// If is a GitHub job's `if:` condition (nil when absent).
	If *Text
	// TaskRef is the task a Tekton pipeline task or TaskRun refers to.
	TaskRef *TaskRef
	// Resource is the Tekton resource that holds the job.
	Resource *Resource `json:"-"`
	// Images are the job's containers: GitHub `container:`/`services:`,
	// GitLab `image:`/`services:` (with `default:` applied).
	Images []*Image
	Env    []Var
	Steps  []*Step
	// Matrix is a GitHub job's `strategy.matrix` as written: for each
	// key, its scalar values (a list's items, and the values `include:`
	// entries give it), in order. Expressions (`${{ fromJSON(...) }}`)
	// are not evaluated: such keys are absent.
	Matrix map[string][]string
}

// Step is one step of a job: an action used, a script run, or both (a
// Tekton step has an image and a script). GitLab jobs have one step per
// `before_script`, `script` and `after_script`.
type Step struct {
	Pos
	Name string
	ID   string
	// Uses is the action of a GitHub step (`docker://` included).
	Uses *Ref
	// With are the step's inputs (`with:`); Tekton step params.
	With []Var
	// Image is a Tekton step's image or a `docker://` action's image.
	Image *Image
	// Ref is a Tekton step's StepAction reference.
	Ref *TaskRef
	Run *Script
	Env []Var
	// If is a GitHub step's `if:` condition (nil when absent).
	If *Text
	// Exprs are the `${{ }}` expressions of a GitHub step's sinks: its
	// `run:`, and the `script:` input of actions/github-script.
	Exprs []Expr
}

// Input returns the value of the step's input name and whether it is set.
func (s *Step) Input(name string) (string, bool) { return lookup(s.With, name) }

// Input returns the value of the job's input name (reusable workflows).
func (j *Job) Input(name string) (string, bool) { return lookup(j.With, name) }

func lookup(vs []Var, name string) (string, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// RefKind classifies a `uses:` reference.
type RefKind string

// The kinds of reference.
const (
	RemoteRef RefKind = "remote" // owner/repo[/path]@version
	LocalRef  RefKind = "local"  // ./path in the same repository
	DockerRef RefKind = "docker" // docker://image
	LibRef    RefKind = "library"
)

// Ref is a reference to code run by a pipeline: a GitHub action or reusable
// workflow, or a Jenkins shared library.
type Ref struct {
	Pos
	// Raw is the reference as written.
	Raw  string
	Kind RefKind
	// Name is the reference without its version: "actions/checkout",
	// "slsa-framework/slsa-github-generator/.github/workflows/x.yml",
	// "./.github/actions/foo", or the image of a docker:// reference.
	Name string
	// Version is what follows the last "@" (a tag, branch or SHA).
	Version string
	// Comment is the line comment after the reference, without "#"
	// (often the version that a SHA stands for).
	Comment string
}

// Repo returns "owner/repo" of a remote reference, lower-cased.
func (r *Ref) Repo() string {
	parts := strings.SplitN(strings.ToLower(r.Name), "/", 3)
	if len(parts) < 2 {
		return strings.ToLower(r.Name)
	}
	return parts[0] + "/" + parts[1]
}

// Is reports whether a remote reference names the action or workflow
// prefix, compared case-insensitively at path-segment boundaries:
// Is("github/codeql-action") matches "github/codeql-action/analyze".
func (r *Ref) Is(prefix string) bool {
	if r == nil || r.Kind != RemoteRef {
		return false
	}
	return segmentPrefix(strings.ToLower(r.Name), strings.ToLower(prefix))
}

func segmentPrefix(s, prefix string) bool {
	return s == prefix || strings.HasPrefix(s, prefix+"/")
}

// Image is a container image a pipeline runs.
type Image struct {
	Pos
	Ref string
	// Role says where it was found: "container", "service", "image",
	// "step", "action", "docker-run".
	Role string
}

// Var is a name and a value with the place of its name: an environment
// variable, an input, a parameter, a label or an annotation. Values that
// are not scalars are rendered as their YAML flow text.
type Var struct {
	Pos
	Name  string
	Value string
	// ValueLine is the line where the value's text starts (the line after
	// `|` or `>` for YAML block scalars); 0 when unknown.
	ValueLine int
}

// Text returns the value placed at its first line, for values that are
// code (the `script:` input of actions/github-script).
func (v Var) Text() Text {
	line := v.ValueLine
	if line == 0 {
		line = v.Line
	}
	return Text{Pos: Pos{Path: v.Path, Line: line}, Value: v.Value}
}

// Script is shell code that a step runs. It has one or more parts, each
// at its own place: a `run:` block, the items of a GitLab script list, a
// Jenkins `sh` string.
type Script struct {
	// Shell is the declared shell when known ("bash", "pwsh", "bat", ...).
	Shell string
	Parts []Text
	// Vars is the environment the script runs with (GitHub workflow, job
	// and step `env:`). A command whose program is only `$X`, `${X}` or
	// `${{ env.X }}` is read as the program X's literal value names
	// (`${{ env.CARGO }} build` with `CARGO: cargo`), as the runner would
	// run it.
	Vars Vars
	// Dir is the directory the script runs in, relative to the
	// repository root, as written (a GitHub step's
	// `working-directory:`); "" for the root.
	Dir string

	cmds commandCache // see Commands
}

// Vars is an environment in layers, outermost first (workflow, job,
// step). The layers are shared with the model, never copied: one anchored
// env reused by every job costs nothing per step.
type Vars [][]Var

// Literal returns the value of name from the innermost layer that sets
// it, when that value holds no expression.
func (vs Vars) Literal(name string) (string, bool) {
	for i := len(vs) - 1; i >= 0; i-- {
		for j := len(vs[i]) - 1; j >= 0; j-- {
			if v := vs[i][j]; v.Name == name {
				if strings.Contains(v.Value, "${{") || strings.Contains(v.Value, "$[[") {
					return "", false
				}
				return v.Value, true
			}
		}
	}
	return "", false
}

// Text is a piece of text and the line of its first line. In YAML block
// scalars (`|`, `>`) that is the line after the indicator; in folded and
// multi-line quoted scalars later lines are approximate.
type Text struct {
	Pos
	Value string
}

// Include is one GitLab `include:` entry.
type Include struct {
	Pos
	// Kind is "local", "project", "remote", "template" or "component".
	Kind string
	// Value is the local path, project path, URL, template name or
	// component reference.
	Value string
	// Ref and Files belong to a project include.
	Ref   string
	Files []string
	// Integrity is a remote include's `integrity:`.
	Integrity string
	// Version is what follows the last "@" of a component include
	// (a SHA, an exact or partial version, `~latest`, a branch); empty
	// for the other kinds.
	Version string
	// Trigger marks the include of a child pipeline (`trigger: include:`).
	Trigger bool
}

// Resource is one Tekton document.
type Resource struct {
	Pos
	APIVersion  string
	Kind        string
	Name        string
	Labels      []Var
	Annotations []Var
	// Params are the run's `spec.params` (PipelineRun, TaskRun) or the
	// declared `spec.params` defaults (Pipeline, Task).
	Params []Var
	// PipelineRef is a PipelineRun's `pipelineRef`.
	PipelineRef *TaskRef
	// SpecParams are the param defaults of a PipelineRun's embedded
	// `pipelineSpec`.
	SpecParams []Var
	Jobs       []*Job
	// Active is set on runs (PipelineRun, TaskRun) and on the Pipelines,
	// Tasks and StepActions that an active resource refers to.
	Active bool
}

// Label returns the value of a label.
func (r *Resource) Label(name string) (string, bool) { return lookup(r.Labels, name) }

// Param returns the value of a param.
func (r *Resource) Param(name string) (string, bool) { return lookup(r.Params, name) }

// Annotation returns the value of an annotation.
func (r *Resource) Annotation(name string) (string, bool) { return lookup(r.Annotations, name) }

// HasLabelPrefix returns the first label whose name starts with prefix.
func (r *Resource) HasLabelPrefix(prefix string) (Var, bool) { return firstPrefix(r.Labels, prefix) }

// HasAnnotationPrefix returns the first annotation whose name starts with prefix.
func (r *Resource) HasAnnotationPrefix(prefix string) (Var, bool) {
	return firstPrefix(r.Annotations, prefix)
}

func firstPrefix(vs []Var, prefix string) (Var, bool) {
	for _, v := range vs {
		if strings.HasPrefix(v.Name, prefix) {
			return v, true
		}
	}
	return Var{}, false
}

// TaskRef is a Tekton reference to a Task, Pipeline or StepAction: by name
// (`name`, `kind`), by OCI bundle, or through a resolver (bundles, git,
// hub, cluster, http) with its params.
type TaskRef struct {
	Pos
	Name     string
	Kind     string
	Bundle   string
	Resolver string
	Params   []Var
	// BundleLine is the line of the OCI bundle reference: the `bundle:`
	// value, or the value of the bundles resolver's `bundle` param.
	BundleLine int
}

// Param returns a resolver param.
func (t *TaskRef) Param(name string) (string, bool) { return lookup(t.Params, name) }

// TaskName returns the referenced task's name: `name`, else the resolver's
// `name` param, else the bundle's repository base name without "task-".
func (t *TaskRef) TaskName() string {
	if t.Name != "" {
		return t.Name
	}
	if n, ok := t.Param("name"); ok && n != "" {
		return n
	}
	if b := t.BundleRef(); b != "" {
		repo := ImageRepository(b)
		return strings.TrimPrefix(path.Base(repo), "task-")
	}
	return ""
}

// BundleRef returns the OCI bundle, from `bundle` or the bundles resolver.
func (t *TaskRef) BundleRef() string {
	if t.Bundle != "" {
		return t.Bundle
	}
	if t.Resolver == "bundles" {
		b, _ := t.Param("bundle")
		return b
	}
	return ""
}

// Problem is a pipeline file that could not be read or fully parsed.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Problems lists the files that have a problem, sorted by path.
func (s *Set) Problems() []Problem {
	var out []Problem
	for _, f := range s.Files {
		if f.Problem != "" {
			out = append(out, Problem{f.Path, f.Problem})
		}
	}
	return out
}

// File returns the file at p, or nil.
func (s *Set) File(p string) *File {
	i, ok := slices.BinarySearchFunc(s.Files, p, func(f *File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return nil
	}
	return s.Files[i]
}

// Jobs returns every job of every file, active or not, in file order.
func (s *Set) Jobs() []*Job {
	var out []*Job
	for _, f := range s.Files {
		out = append(out, f.Jobs...)
	}
	return out
}

// ActiveJobs returns the jobs that run in this repository's pipelines.
func (s *Set) ActiveJobs() []*Job {
	var out []*Job
	for _, f := range s.Files {
		for _, j := range f.Jobs {
			if j.Active {
				out = append(out, j)
			}
		}
	}
	return out
}

// Systems returns the sorted systems that have at least one file.
func (s *Set) Systems() []System {
	var out []System
	for _, f := range s.Files {
		if !slices.Contains(out, f.System) {
			out = append(out, f.System)
		}
	}
	slices.Sort(out)
	return out
}

// Load returns the pipelines of the pass's snapshot, parsed once per scan.
func Load(p *check.Pass) *Set {
	return check.Memo(p, "pipeline.Set", func() *Set { return Parse(p.Snapshot.Tree) })
}

// maxText bounds the text of one file that is parsed, whatever the
// snapshot says (a hand-made raw snapshot may hold more than the walker's
// cap).
const maxText = 16 << 20

// Parse builds the set from a snapshot tree. It never fails: problems are
// recorded on the files.
func Parse(tree snapshot.Tree) *Set {
	s := &Set{tree: tree}
	b := &builder{tree: tree, set: s, byPath: map[string]*File{}}
	paths := make([]string, 0, len(tree.Contents))
	for p := range tree.Contents {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	// Files that stand alone are parsed on every core; GitLab files, whose
	// includes reach across files, and Argo CD documents after that, in
	// order. Each parse writes only to its own File.
	b.async = true
	// The slice is sized first: the workers write into it while the loop runs.
	n := 0
	for _, p := range paths {
		if IsDockerfile(p) {
			n++
		}
	}
	dockerfiles := make([]*Dockerfile, n)
	nm := 0
	for _, p := range paths {
		if IsMakefile(p) {
			nm++
		}
	}
	makefiles := make([]*Makefile, nm)
	nm = 0
	n = 0
	for _, p := range paths {
		if IsMakefile(p) {
			slot := &makefiles[nm]
			nm++
			b.spawn(func() { *slot = parseMakefileAt(tree, p) })
		}
		if IsDockerfile(p) {
			slot := &dockerfiles[n]
			n++
			b.spawn(func() {
				defer func() {
					if v := recover(); v != nil {
						*slot = &Dockerfile{Path: p, Problem: fmt.Sprintf("internal error while parsing: %v", v)}
					}
				}()
				*slot = parseDockerfileAt(tree, p)
			})
		}
		switch classify(p) {
		case Workflow:
			b.parse(p, GitHubActions, Workflow, parseWorkflow)
		case Action:
			b.parse(p, GitHubActions, Action, parseAction)
		case GitLabFile:
			b.gitlabQueue = append(b.gitlabQueue, p)
		case Jenkinsfile:
			b.parse(p, Jenkins, Jenkinsfile, parseJenkinsfile)
		case TektonFile:
			b.parse(p, Tekton, TektonFile, parseTekton)
		default:
			b.other(p)
		}
	}
	b.wg.Wait()
	b.async = false
	s.Dockerfiles = dockerfiles
	s.Makefiles = makefiles
	b.gitlab()
	slices.SortFunc(s.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	markActive(s)
	return s
}

// classify says what a path is by its name alone. GitLab files beyond the
// root file and `.gitlab/ci/` are found through local includes.
func classify(p string) Kind {
	lp := strings.ToLower(p)
	dir, base := path.Split(lp)
	dir = strings.TrimSuffix(dir, "/")
	ext := path.Ext(base)
	isYAML := ext == ".yml" || ext == ".yaml"
	switch {
	case isYAML && dir == ".github/workflows":
		return Workflow
	case base == "action.yml" || base == "action.yaml":
		return Action
	case dir == "" && (base == ".gitlab-ci.yml" || base == ".gitlab-ci.yaml"):
		return GitLabFile
	case isYAML && (dir == ".gitlab/ci" || strings.HasPrefix(dir, ".gitlab/ci/")):
		return GitLabFile
	case base == "jenkinsfile" || strings.HasPrefix(base, "jenkinsfile.") || strings.HasSuffix(base, ".jenkinsfile"):
		return Jenkinsfile
	case isYAML && (dir == ".tekton" || strings.HasPrefix(dir, ".tekton/")):
		return TektonFile
	}
	return ""
}

type builder struct {
	tree        snapshot.Tree
	set         *Set
	byPath      map[string]*File
	gitlabQueue []string

	// async makes parse run the parser on the worker pool; wg waits for it.
	async bool
	wg    sync.WaitGroup
	sem   chan struct{}
}

// spawn runs fn on a bounded pool of goroutines (one per core).
func (b *builder) spawn(fn func()) {
	if b.sem == nil {
		b.sem = make(chan struct{}, runtime.GOMAXPROCS(0))
	}
	b.sem <- struct{}{}
	b.wg.Add(1)
	go func() {
		defer func() { <-b.sem; b.wg.Done() }()
		fn()
	}()
}

// parse adds the file at p, parsed by fn, with every failure and panic
// turned into the file's Problem.
func (b *builder) parse(p string, sys System, kind Kind, fn func(f *File, text string)) *File {
	f := &File{Path: p, System: sys, Kind: kind}
	b.set.Files = append(b.set.Files, f)
	b.byPath[p] = f
	text, ok := b.text(f)
	if !ok {
		return f
	}
	run := func() {
		defer func() {
			if v := recover(); v != nil {
				f.Problem = fmt.Sprintf("internal error while parsing: %v", v)
			}
		}()
		fn(f, text)
	}
	if b.async {
		b.spawn(run)
	} else {
		run()
	}
	return f
}

// text returns the file's text, or records why there is none.
func (b *builder) text(f *File) (string, bool) {
	text, problem := readable(b.tree, f.Path)
	if problem != "" {
		f.Problem = problem
		return "", false
	}
	return text, true
}

// readable returns the text of the claimed file at p, or why it cannot be
// parsed: not read by the collector, skipped, over the parse cap, not
// UTF-8. Every file kind the package parses goes through it.
func readable(tree snapshot.Tree, p string) (text, problem string) {
	c, ok := tree.Contents[p]
	switch {
	case !ok:
		return "", "not read by the collector"
	case c.Skipped != "":
		return "", "not read: " + c.Skipped
	case len(c.Text) > maxText:
		return "", fmt.Sprintf("not parsed: %d bytes, over the %d-byte parse cap", len(c.Text), maxText)
	case !utf8.ValidString(c.Text):
		return "", "not parsed: the file is not valid UTF-8"
	}
	return c.Text, ""
}

// setProblem records the first problem of a file.
func (f *File) setProblem(format string, args ...any) {
	if f.Problem == "" {
		f.Problem = fmt.Sprintf(format, args...)
	}
}

// markActive decides which files and jobs run in this repository's own
// pipelines: everything but GitHub reusable workflows and actions that no
// active workflow reaches, and GitLab hidden jobs.
func markActive(s *Set) {
	type key = string
	actions := map[key]*File{}
	workflows := map[key]*File{}
	var queue []*File
	for _, f := range s.Files {
		switch f.Kind {
		case Action:
			actions[strings.ToLower(path.Dir(f.Path))] = f
		case Workflow:
			workflows[strings.ToLower(f.Path)] = f
			for _, t := range f.Triggers {
				if t.Event != "workflow_call" {
					f.Active = true
				}
			}
		default:
			f.Active = f.Problem == "" || len(f.Jobs) > 0 || len(f.Includes) > 0 || len(f.Resources) > 0
		}
		if f.Active && f.System == GitHubActions {
			queue = append(queue, f)
		}
	}
	activate := func(f *File) {
		if f != nil && !f.Active {
			f.Active = true
			queue = append(queue, f)
		}
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, j := range f.Jobs {
			if j.Uses != nil && j.Uses.Kind == LocalRef {
				activate(workflows[strings.ToLower(localPath(j.Uses.Name))])
			}
			for _, st := range j.Steps {
				if st.Uses != nil && st.Uses.Kind == LocalRef {
					activate(actions[strings.ToLower(localPath(st.Uses.Name))])
				}
			}
		}
	}
	markTekton(s)
	for _, f := range s.Files {
		for _, j := range f.Jobs {
			j.Active = f.Active && !j.Hidden && (j.Resource == nil || j.Resource.Active)
		}
	}
}

// markTekton decides which Tekton resources run: runs (PipelineRun,
// TaskRun) do; a Pipeline, Task or StepAction does when an active resource
// refers to it by name (taskRef, pipelineRef, step ref without a remote
// resolver) or a Pipelines-as-Code annotation (`pipelinesascode.tekton.dev/task*`,
// `.../pipeline`) names it or its file.
func markTekton(s *Set) {
	byName := map[string][]*Resource{}
	byFile := map[string][]*Resource{}
	var queue []*Resource
	for _, f := range s.Files {
		if f.System != Tekton {
			continue
		}
		for _, r := range f.Resources {
			if r.Name != "" {
				byName[r.Name] = append(byName[r.Name], r)
			}
			byFile[f.Path] = append(byFile[f.Path], r)
			if r.Kind == "PipelineRun" || r.Kind == "TaskRun" {
				r.Active = true
				queue = append(queue, r)
			}
		}
	}
	activate := func(rs []*Resource) {
		for _, r := range rs {
			if !r.Active {
				r.Active = true
				queue = append(queue, r)
			}
		}
	}
	byRef := func(t *TaskRef) {
		if t != nil && t.Name != "" && (t.Resolver == "" || t.Resolver == "cluster") {
			activate(byName[t.Name])
		}
		if t != nil && t.Resolver == "cluster" {
			if n, ok := t.Param("name"); ok {
				activate(byName[n])
			}
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, a := range r.Annotations {
			if !strings.HasPrefix(a.Name, PaCAnnotation+"task") && a.Name != PaCAnnotation+"pipeline" {
				continue
			}
			for _, v := range strings.Split(strings.Trim(strings.TrimSpace(a.Value), "[]"), ",") {
				v = strings.Trim(strings.TrimSpace(v), `"'`)
				activate(byFile[path.Clean(strings.TrimPrefix(v, "./"))])
				activate(byName[v])
			}
		}
		byRef(r.PipelineRef)
		for _, j := range r.Jobs {
			byRef(j.TaskRef)
			for _, st := range j.Steps {
				byRef(st.Ref)
			}
		}
	}
	for _, f := range s.Files {
		if f.System != Tekton {
			continue
		}
		f.Active = false
		for _, r := range f.Resources {
			f.Active = f.Active || r.Active
		}
	}
}

// PipelineOf returns the Pipeline of this repository that a PipelineRun
// runs: the one its pipelineRef names (no resolver, the cluster resolver,
// or the git resolver's pathInRepo), else the one its Pipelines-as-Code
// pipeline annotation names; nil when none is found here.
func (s *Set) PipelineOf(run *Resource) *Resource {
	if run == nil || run.Kind != "PipelineRun" {
		return nil
	}
	var name, file string
	if t := run.PipelineRef; t != nil {
		switch t.Resolver {
		case "":
			name = t.Name
		case "cluster":
			name, _ = t.Param("name")
		case "git":
			file, _ = t.Param("pathInRepo")
		}
	}
	if a, ok := run.Annotation(PaCAnnotation + "pipeline"); ok && file == "" {
		file = strings.Trim(strings.TrimSpace(a), `"'[]`)
	}
	file = path.Clean(strings.TrimPrefix(file, "./"))
	for _, f := range s.Files {
		if f.System != Tekton {
			continue
		}
		for _, r := range f.Resources {
			if r.Kind != "Pipeline" {
				continue
			}
			if (name != "" && r.Name == name) || (file != "." && f.Path == file && (name == "" || r.Name == name)) {
				return r
			}
		}
	}
	return nil
}

// localPath turns "./a/b" into the repository path "a/b" ("." for "./").
func localPath(ref string) string {
	return path.Clean(strings.TrimPrefix(ref, "/"))
}
