package pipeline

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The systems beyond GitHub Actions, GitLab CI, Jenkins and Tekton, with
// the ids of SPEC §3 (pipeline-as-code).
const (
	SpinnakerDinghy System = "spinnaker-dinghy"
	ArgoCD          System = "argocd"
	AzurePipelines  System = "azure-pipelines"
	CircleCI        System = "circleci"
	Bitbucket       System = "bitbucket"
	Buildkite       System = "buildkite"
	Drone           System = "drone"
	Woodpecker      System = "woodpecker"
	Travis          System = "travis"
)

// AllSystems lists every system id of SPEC §3 (pipeline-as-code), sorted.
var AllSystems = []System{
	ArgoCD, AzurePipelines, Bitbucket, Buildkite, CircleCI, Drone, GitHubActions,
	GitLabCI, Jenkins, SpinnakerDinghy, Tekton, Travis, Woodpecker,
}

// The kinds of file of those systems.
const (
	DinghyFile    Kind = "dinghyfile"    // a Spinnaker dinghyfile
	DinghyModule  Kind = "dinghy-module" // a Spinnaker Dinghy .module file
	ArgoFile      Kind = "argocd"        // a YAML file holding Argo CD documents
	AzureFile     Kind = "azure-pipelines"
	CircleFile    Kind = "circleci"
	BitbucketYML  Kind = "bitbucket-pipelines"
	BuildkiteYML  Kind = "buildkite"
	DroneYML      Kind = "drone"
	WoodpeckerYML Kind = "woodpecker"
	TravisYML     Kind = "travis"
)

// DefinitionSystem returns the system of which the file at p (a
// slash-separated path from the repository root) is a pipeline definition
// by its name and place alone, exactly as SPEC §3 (pipeline-as-code) lists
// them, or "". Names match case-insensitively; a `*` never crosses a `/`.
//
// At the root: `.github/workflows/*.y{a,}ml`, `.gitlab-ci.yml`,
// `.tekton/*.y{a,}ml`, `.circleci/config.yml`, `bitbucket-pipelines.yml`,
// `.buildkite/pipeline.y{a,}ml`, `.drone.yml`, `.woodpecker.yml`,
// `.woodpecker/*.yml`, `.travis.yml`. Anywhere: `Jenkinsfile`,
// `*.Jenkinsfile`, `Jenkinsfile.*`, `azure-pipelines.yml`,
// `.azure-pipelines/*.yml`, `dinghyfile`. Argo CD is recognised by content
// (File.Argo), not by name.
func DefinitionSystem(p string) System {
	lp := strings.ToLower(p)
	dir, base := path.Split(lp)
	dir = strings.TrimSuffix(dir, "/")
	ext := path.Ext(base)
	yml := ext == ".yml"
	yamlish := yml || ext == ".yaml"
	// Anywhere.
	switch {
	case base == "jenkinsfile" || strings.HasPrefix(base, "jenkinsfile.") || strings.HasSuffix(base, ".jenkinsfile"):
		return Jenkins
	case base == "azure-pipelines.yml" || yml && (dir == ".azure-pipelines" || strings.HasSuffix(dir, "/.azure-pipelines")):
		return AzurePipelines
	case base == "dinghyfile":
		return SpinnakerDinghy
	}
	// At the root.
	switch {
	case dir == ".github/workflows" && yamlish:
		return GitHubActions
	case lp == ".gitlab-ci.yml":
		return GitLabCI
	case dir == ".tekton" && yamlish:
		return Tekton
	case lp == ".circleci/config.yml":
		return CircleCI
	case lp == "bitbucket-pipelines.yml":
		return Bitbucket
	case lp == ".buildkite/pipeline.yml" || lp == ".buildkite/pipeline.yaml":
		return Buildkite
	case lp == ".drone.yml":
		return Drone
	case lp == ".woodpecker.yml" || dir == ".woodpecker" && yml:
		return Woodpecker
	case lp == ".travis.yml":
		return Travis
	}
	return ""
}

// Definition is one pipeline definition of SPEC §3 pipeline-as-code.
type Definition struct {
	System System `json:"system"`
	Path   string `json:"path"`
}

// Definitions returns the pipeline definitions of a repository: the files
// (a tree's paths) that DefinitionSystem recognises, and the files of the
// set that hold at least one Argo CD Application, ApplicationSet or
// AppProject. They are sorted by system, then path.
func Definitions(files []string, s *Set) []Definition {
	var out []Definition
	for _, p := range files {
		if sys := DefinitionSystem(p); sys != "" {
			out = append(out, Definition{System: sys, Path: p})
		}
	}
	if s != nil {
		for _, f := range s.Files {
			if f.System == ArgoCD && len(f.Argo) > 0 {
				out = append(out, Definition{System: ArgoCD, Path: f.Path})
			}
		}
	}
	slices.SortFunc(out, func(a, b Definition) int {
		if c := strings.Compare(string(a.System), string(b.System)); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return slices.Compact(out)
}

// otherKind says what a path not claimed by classify is, by its name: one
// of the systems of this file, a Dinghy file or module, or "".
func otherKind(p string) (System, Kind) {
	switch sys := DefinitionSystem(p); sys {
	case SpinnakerDinghy:
		return sys, DinghyFile
	case AzurePipelines:
		return sys, AzureFile
	case CircleCI:
		return sys, CircleFile
	case Bitbucket:
		return sys, BitbucketYML
	case Buildkite:
		return sys, BuildkiteYML
	case Drone:
		return sys, DroneYML
	case Woodpecker:
		return sys, WoodpeckerYML
	case Travis:
		return sys, TravisYML
	}
	if strings.HasSuffix(strings.ToLower(p), ".module") {
		return SpinnakerDinghy, DinghyModule
	}
	return "", ""
}

// other parses a file that classify does not know: the systems of this
// file by name, else an Argo CD manifest by content.
func (b *builder) other(p string) {
	sys, kind := otherKind(p)
	switch kind {
	case DinghyModule:
		if c, ok := b.tree.Contents[p]; ok && c.Skipped == "" && dinghyModuleText(c.Text) {
			b.parse(p, sys, kind, parseDinghy)
		}
	case DinghyFile:
		b.parse(p, sys, kind, parseDinghy)
	case AzureFile:
		b.parse(p, sys, kind, parseAzure)
	case CircleFile:
		b.parse(p, sys, kind, parseCircleCI)
	case BitbucketYML:
		b.parse(p, sys, kind, parseBitbucket)
	case BuildkiteYML:
		b.parse(p, sys, kind, parseBuildkite)
	case DroneYML, WoodpeckerYML:
		b.parse(p, sys, kind, parseDroneLike)
	case TravisYML:
		b.parse(p, sys, kind, parseTravis)
	default:
		if ArgoCandidate(p) {
			b.argo(p)
		}
	}
}

// ---- shared helpers ----

// topMapping decodes a file that must hold one mapping document.
func topMapping(f *File, text, what string) (*yreader, *yaml.Node) {
	docs := decodeAll(f, text)
	r := newReader(f, text)
	if len(docs) == 0 {
		if f.Problem == "" {
			f.setProblem("empty %s", what)
		}
		return r, nil
	}
	top := r.deref(docs[0])
	if top == nil || top.Kind != yaml.MappingNode {
		f.setProblem("not a %s: the document is not a mapping", what)
		return r, nil
	}
	return r, top
}

// scriptParts reads a script given as a string or a (nested) list of
// strings, each item at its own line. Empty strings are dropped.
func (r *yreader) scriptParts(n *yaml.Node) []Text { return r.appendParts(nil, n) }

// appendParts appends the parts of the script at n to out, up to maxParts
// in all (beyond, the file gets a problem). Like every item that the
// parsers of this file keep, each part is paid for from the file's budget
// (yreader.charge), so that one alias reused by many jobs cannot make the
// model much larger than the file.
func (r *yreader) appendParts(out []Text, n *yaml.Node) []Text {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if len(out) >= maxParts {
			r.f.setProblem("not fully parsed: a script has more than %d lines", maxParts)
			return
		}
		d := r.deref(n)
		if d == nil || depth > maxNest {
			return
		}
		if t, ok := r.text(d); ok {
			if strings.TrimSpace(t.Value) != "" && r.charge(1) {
				out = append(out, t)
			}
			return
		}
		for _, it := range r.items(d) {
			walk(it, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// scriptStep returns a step named name that runs the script at n, or nil
// when n holds no script.
func (r *yreader) scriptStep(pos Pos, name, shell string, n *yaml.Node) *Step {
	parts := r.scriptParts(n)
	if len(parts) == 0 {
		return nil
	}
	return &Step{Pos: pos, Name: name, Run: &Script{Shell: shell, Parts: parts}}
}

// envList reads environment variables given as a mapping, or as a list of
// "NAME=value" strings (Travis, Drone's older form).
func (r *yreader) envList(n *yaml.Node) []Var {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.MappingNode {
		return paidVars(r, d)
	}
	var out []Var
	for _, it := range r.items(d) {
		if it.Kind != yaml.ScalarNode {
			continue
		}
		for _, w := range strings.Fields(it.Value) {
			if k, v, ok := strings.Cut(w, "="); ok && isAssign(w) && r.charge(1) {
				out = append(out, Var{Pos: r.pos(it), Name: k, Value: strings.Trim(v, `"'`), ValueLine: it.Line})
			}
		}
	}
	return out
}

// namedItems returns the entries of a list of mappings, or of a mapping
// of names to mappings (Woodpecker and Drone accept both), with the name
// of each: its `name:` or its key.
func (r *yreader) namedItems(n *yaml.Node) []pair {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.MappingNode {
		return r.pairs(d)
	}
	var out []pair
	for _, it := range r.items(d) {
		if it.Kind == yaml.MappingNode {
			out = append(out, pair{r.deref(r.get(it, "name")), it})
		}
	}
	return out
}

func nodeValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// ---- Azure Pipelines ----

// parseAzure reads an Azure Pipelines definition: `resources`
// (containers, repositories), top-level `steps`, `jobs` or `stages`; jobs
// (`job`, `deployment` with its strategy hooks) with `container:`,
// `services:` and steps. Script steps are `script`, `bash`, `pwsh`,
// `powershell`, and the Bash/CmdLine/PowerShell/ShellScript tasks with an
// inline `script` input; other tasks keep their inputs as With.
func parseAzure(f *File, text string) {
	r, top := topMapping(f, text, "Azure Pipelines definition")
	if top == nil {
		return
	}
	az := &azureCtx{r: r, f: f, containers: map[string]*Image{}}
	res := r.get(top, "resources")
	for _, c := range r.items(r.get(res, "containers")) {
		if img := scalarImage(r, r.get(c, "image"), "container"); img != nil {
			az.containers[r.getStr(c, "container")] = img
		}
	}
	for _, rp := range r.items(r.get(res, "repositories")) {
		name := r.deref(r.get(rp, "name"))
		if name == nil || name.Kind != yaml.ScalarNode {
			continue
		}
		ver := r.getStr(rp, "ref")
		raw := name.Value
		if ver != "" {
			raw += "@" + ver
		}
		if r.charge(1) {
			f.Libraries = append(f.Libraries, &Ref{Pos: r.pos(name), Raw: raw, Kind: LibRef, Name: name.Value, Version: ver})
		}
	}
	f.Name = r.getStr(top, "name")
	f.Env = az.variables(r.get(top, "variables"))
	if r.get(top, "steps") != nil {
		j := az.job(top, "", r.pos(top))
		j.ID, j.Name = "default", "default"
		if r.charge(1) {
			f.Jobs = append(f.Jobs, j)
		}
	}
	az.jobs(r.get(top, "jobs"), "")
	for _, st := range r.items(r.get(top, "stages")) {
		az.jobs(r.get(st, "jobs"), r.getStr(st, "stage"))
	}
}

type azureCtx struct {
	r          *yreader
	f          *File
	containers map[string]*Image
}

// variables reads `variables:` as a mapping or a list of {name, value}.
func (az *azureCtx) variables(n *yaml.Node) []Var {
	r := az.r
	d := r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.MappingNode {
		return paidVars(r, d)
	}
	var out []Var
	for _, it := range r.items(d) {
		name := r.deref(r.get(it, "name"))
		if name == nil || name.Kind != yaml.ScalarNode {
			continue
		}
		v := Var{Pos: r.pos(name), Name: name.Value, Value: r.getStr(it, "value")}
		if t, ok := r.text(r.get(it, "value")); ok {
			v.ValueLine = t.Line
		}
		if r.charge(1) {
			out = append(out, v)
		}
	}
	return out
}

func (az *azureCtx) jobs(n *yaml.Node, stage string) {
	r := az.r
	for _, it := range r.items(n) {
		if it.Kind != yaml.MappingNode {
			continue
		}
		id := r.getStr(it, "job")
		if id == "" {
			id = r.getStr(it, "deployment")
		}
		if id == "" {
			if t := r.getStr(it, "template"); t != "" {
				id = "template " + t
			}
		}
		if stage != "" {
			id = stage + "." + id
		}
		j := az.job(it, id, r.pos(it))
		if dn := r.getStr(it, "displayName"); dn != "" {
			j.Name = dn
		}
		if r.charge(1) {
			az.f.Jobs = append(az.f.Jobs, j)
		}
	}
}

// job reads the parts of a job (or of a pipeline that is one job).
func (az *azureCtx) job(n *yaml.Node, id string, pos Pos) *Job {
	r := az.r
	j := &Job{File: az.f, Pos: pos, ID: id, Name: id}
	if img := az.container(r.get(n, "container"), "container"); img != nil {
		if r.charge(1) {
			j.Images = append(j.Images, img)
		}
	}
	for _, sp := range r.pairs(r.get(n, "services")) {
		if img := az.container(sp.v, "service"); img != nil {
			if r.charge(1) {
				j.Images = append(j.Images, img)
			}
		}
	}
	j.Env = az.variables(r.get(n, "variables"))
	az.steps(j, r.get(n, "steps"))
	// A deployment job's steps sit in its strategy's lifecycle hooks.
	for _, sp := range r.pairs(r.get(n, "strategy")) {
		for _, hook := range []string{"preDeploy", "deploy", "routeTraffic", "postRouteTraffic"} {
			az.steps(j, r.get(r.get(sp.v, hook), "steps"))
		}
		on := r.get(sp.v, "on")
		for _, hook := range []string{"failure", "success"} {
			az.steps(j, r.get(r.get(on, hook), "steps"))
		}
	}
	return j
}

// container reads a job's or service's container: the alias of a
// `resources.containers` entry, an image, or a mapping with `image:`.
func (az *azureCtx) container(n *yaml.Node, role string) *Image {
	d := az.r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.ScalarNode {
		if img, ok := az.containers[d.Value]; ok {
			cp := *img
			cp.Role = role
			return &cp
		}
	}
	return containerImage(az.r, d, role)
}

var azureShells = map[string]string{"script": "", "bash": "bash", "pwsh": "pwsh", "powershell": "powershell"}

// azureScriptTasks are the tasks whose `script` input is inline shell.
var azureScriptTasks = map[string]string{"bash": "bash", "cmdline": "cmd", "powershell": "powershell", "shellscript": "bash"}

func (az *azureCtx) steps(j *Job, n *yaml.Node) {
	r := az.r
	for _, it := range r.items(n) {
		if it.Kind != yaml.MappingNode {
			continue
		}
		st := &Step{Pos: r.pos(it), Name: r.getStr(it, "displayName"), ID: r.getStr(it, "name")}
		st.Env = paidVars(r, r.get(it, "env"))
		for _, p := range r.pairs(it) {
			if shell, ok := azureShells[p.k.Value]; ok {
				if parts := r.scriptParts(p.v); len(parts) > 0 {
					st.Run = &Script{Shell: shell, Parts: parts}
				}
			}
		}
		if task := r.getStr(it, "task"); task != "" {
			if st.Name == "" {
				st.Name = task
			}
			inputs := r.get(it, "inputs")
			st.With = paidVars(r, inputs)
			name, _, _ := strings.Cut(strings.ToLower(task), "@")
			if shell, ok := azureScriptTasks[name]; ok && !strings.EqualFold(r.getStr(inputs, "targetType"), "filePath") {
				if parts := r.scriptParts(r.get(inputs, "script")); len(parts) > 0 {
					st.Run = &Script{Shell: shell, Parts: parts}
				}
			}
		}
		if st.Name == "" {
			for _, k := range []string{"checkout", "template", "download", "publish"} {
				if v := r.getStr(it, k); v != "" {
					st.Name = k + " " + v
					break
				}
			}
		}
		if r.charge(1) {
			j.Steps = append(j.Steps, st)
		}
	}
}

// ---- CircleCI ----

// parseCircleCI reads `.circleci/config.yml`: `orbs` (as Libraries),
// `executors`, `jobs` (docker images — the first is the job's image, the
// others services — directly or through `executor:`) and `commands`, with
// `run:` steps (a string or a mapping with `command:`).
func parseCircleCI(f *File, text string) {
	r, top := topMapping(f, text, "CircleCI configuration")
	if top == nil {
		return
	}
	for _, op := range r.pairs(r.get(top, "orbs")) {
		d := r.deref(op.v)
		if d == nil || d.Kind != yaml.ScalarNode {
			continue // an inline orb
		}
		name, ver, _ := strings.Cut(d.Value, "@")
		if r.charge(1) {
			f.Libraries = append(f.Libraries, &Ref{Pos: r.pos(d), Raw: d.Value, Kind: LibRef, Name: name, Version: ver, Comment: lineComment(d)})
		}
	}
	executors := map[string]*yaml.Node{}
	for _, ep := range r.pairs(r.get(top, "executors")) {
		executors[ep.k.Value] = ep.v
	}
	circleJob := func(k, v *yaml.Node, prefix string) *Job {
		j := &Job{File: f, Pos: r.pos(k), ID: prefix + k.Value, Name: prefix + k.Value}
		images := circleImages(r, r.get(v, "docker"))
		if len(images) == 0 {
			ex := r.deref(r.get(v, "executor"))
			name := nodeValue(ex)
			if ex != nil && ex.Kind == yaml.MappingNode {
				name = r.getStr(ex, "name")
			}
			if e, ok := executors[name]; ok {
				images = circleImages(r, r.get(e, "docker"))
			}
		}
		j.Images = images
		j.Env = paidVars(r, r.get(v, "environment"))
		for _, it := range r.items(r.get(v, "steps")) {
			if st := circleStep(r, it); st != nil {
				if r.charge(1) {
					j.Steps = append(j.Steps, st)
				}
			}
		}
		return j
	}
	for _, jp := range r.pairs(r.get(top, "jobs")) {
		if r.isMap(jp.v) {
			if r.charge(1) {
				f.Jobs = append(f.Jobs, circleJob(jp.k, jp.v, ""))
			}
		}
	}
	for _, cp := range r.pairs(r.get(top, "commands")) {
		if r.isMap(cp.v) {
			if r.charge(1) {
				f.Jobs = append(f.Jobs, circleJob(cp.k, cp.v, "commands."))
			}
		}
	}
}

func circleImages(r *yreader, n *yaml.Node) []*Image {
	var out []*Image
	for i, it := range r.items(n) {
		role := "image"
		if i > 0 {
			role = "service"
		}
		if img := scalarImage(r, r.get(it, "image"), role); img != nil {
			if r.charge(1) {
				out = append(out, img)
			}
		}
	}
	return out
}

func circleStep(r *yreader, n *yaml.Node) *Step {
	if n.Kind == yaml.ScalarNode {
		return &Step{Pos: r.pos(n), Name: n.Value}
	}
	ps := r.pairs(n)
	if len(ps) == 0 {
		return nil
	}
	k, v := ps[0].k, ps[0].v
	st := &Step{Pos: r.pos(k), Name: k.Value}
	if k.Value != "run" {
		st.With = paidVars(r, v)
		return st
	}
	d := r.deref(v)
	if d == nil {
		return st
	}
	cmd := d
	shell := ""
	if d.Kind == yaml.MappingNode {
		if name := r.getStr(d, "name"); name != "" {
			st.Name = name
		}
		shell = r.getStr(d, "shell")
		st.Env = paidVars(r, r.get(d, "environment"))
		cmd = r.get(d, "command")
	}
	if parts := r.scriptParts(cmd); len(parts) > 0 {
		st.Run = &Script{Shell: shell, Parts: parts}
	}
	return st
}

// ---- Bitbucket Pipelines ----

// parseBitbucket reads `bitbucket-pipelines.yml`: the global `image`,
// `definitions.services`, and every step of `pipelines` (default,
// branches, tags, bookmarks, pull-requests, custom), inside `parallel` and
// `stage` groups too. Each step is a job with its image and services; its
// `script` and `after-script` are steps, and each `pipe:` is a step whose
// image is the pipe.
func parseBitbucket(f *File, text string) {
	r, top := topMapping(f, text, "Bitbucket Pipelines definition")
	if top == nil {
		return
	}
	global := bitbucketImage(r, r.get(top, "image"), "image")
	services := map[string]*Image{}
	for _, sp := range r.pairs(r.get(r.get(top, "definitions"), "services")) {
		if img := bitbucketImage(r, r.get(sp.v, "image"), "service"); img != nil {
			services[sp.k.Value] = img
		}
	}
	bb := &bbCtx{r: r, f: f, global: global, services: services}
	for _, pp := range r.pairs(r.get(top, "pipelines")) {
		switch pp.k.Value {
		case "default":
			bb.items(pp.v, "default", 0)
		default:
			for _, bp := range r.pairs(pp.v) {
				bb.items(bp.v, pp.k.Value+"/"+bp.k.Value, 0)
			}
		}
	}
}

type bbCtx struct {
	r        *yreader
	f        *File
	global   *Image
	services map[string]*Image
	n        int
}

func bitbucketImage(r *yreader, n *yaml.Node, role string) *Image {
	d := r.deref(n)
	if d != nil && d.Kind == yaml.MappingNode {
		d = r.deref(r.get(d, "name"))
	}
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	return &Image{Pos: r.pos(d), Ref: d.Value, Role: role}
}

// items reads a list of pipeline items: step, parallel, stage.
func (bb *bbCtx) items(n *yaml.Node, where string, depth int) {
	r := bb.r
	if depth > maxNest {
		return
	}
	for _, it := range r.items(n) {
		for _, p := range r.pairs(it) {
			switch p.k.Value {
			case "step":
				bb.step(p.v, where)
			case "parallel":
				if r.isMap(p.v) {
					bb.items(r.get(p.v, "steps"), where, depth+1)
				} else {
					bb.items(p.v, where, depth+1)
				}
			case "stage":
				bb.items(r.get(p.v, "steps"), where, depth+1)
			}
		}
	}
}

func (bb *bbCtx) step(n *yaml.Node, where string) {
	r := bb.r
	d := r.deref(n)
	if d == nil || d.Kind != yaml.MappingNode {
		return
	}
	bb.n++
	name := r.getStr(d, "name")
	id := where + "/" + name
	if name == "" {
		id = where + "/" + strconv.Itoa(bb.n)
	}
	j := &Job{File: bb.f, Pos: r.pos(d), ID: id, Name: name}
	if img := bitbucketImage(r, r.get(d, "image"), "image"); img != nil {
		if r.charge(1) {
			j.Images = append(j.Images, img)
		}
	} else if bb.global != nil {
		img := *bb.global
		if r.charge(1) {
			j.Images = append(j.Images, &img)
		}
	}
	for _, s := range r.strs(r.get(d, "services")) {
		if img, ok := bb.services[s]; ok {
			cp := *img
			if r.charge(1) {
				j.Images = append(j.Images, &cp)
			}
		}
	}
	for _, key := range []string{"script", "after-script"} {
		sn := r.get(d, key)
		if sn == nil {
			continue
		}
		var parts []Text
		flush := func() {
			if len(parts) > 0 {
				if r.charge(1) {
					j.Steps = append(j.Steps, &Step{Pos: parts[0].Pos, Name: key, Run: &Script{Parts: parts}})
				}
				parts = nil
			}
		}
		for _, it := range r.items(sn) {
			if it.Kind == yaml.MappingNode {
				if pn := r.deref(r.get(it, "pipe")); pn != nil && pn.Kind == yaml.ScalarNode {
					flush()
					if !r.charge(1) {
						continue
					}
					j.Steps = append(j.Steps, &Step{Pos: r.pos(it), Name: "pipe " + pn.Value, With: paidVars(r, r.get(it, "variables")),
						Image: &Image{Pos: r.pos(pn), Ref: strings.TrimPrefix(pn.Value, "docker://"), Role: "pipe"}})
				}
				continue
			}
			parts = r.appendParts(parts, it)
		}
		flush()
	}
	if r.charge(1) {
		bb.f.Jobs = append(bb.f.Jobs, j)
	}
}

// ---- Buildkite ----

// parseBuildkite reads `.buildkite/pipeline.y{a,}ml`: command steps
// (`command`/`commands`, also inside `group` steps), their plugins (as
// Libraries, `name#version`) and the `image:` of the docker and
// docker-compose plugins.
func parseBuildkite(f *File, text string) {
	r, top := topMapping(f, text, "Buildkite pipeline")
	if top == nil {
		return
	}
	f.Env = paidVars(r, r.get(top, "env"))
	n := 0
	var steps func(list *yaml.Node, depth int)
	steps = func(list *yaml.Node, depth int) {
		if depth > maxNest {
			return
		}
		for _, it := range r.items(list) {
			if it.Kind != yaml.MappingNode {
				continue // "wait"
			}
			if g := r.get(it, "steps"); g != nil && r.get(it, "group") != nil {
				steps(g, depth+1)
				continue
			}
			cmd := r.get(it, "command")
			if cmd == nil {
				cmd = r.get(it, "commands")
			}
			plugins := r.get(it, "plugins")
			if cmd == nil && plugins == nil {
				continue // wait, block, input, trigger
			}
			n++
			id := r.getStr(it, "key")
			if id == "" {
				id = r.getStr(it, "id")
			}
			if id == "" {
				id = strconv.Itoa(n)
			}
			label := r.getStr(it, "label")
			if label == "" {
				label = r.getStr(it, "name")
			}
			j := &Job{File: f, Pos: r.pos(it), ID: id, Name: label}
			j.Env = paidVars(r, r.get(it, "env"))
			buildkitePlugins(r, f, j, plugins)
			if st := r.scriptStep(r.pos(cmd), "command", "", cmd); st != nil {
				if r.charge(1) {
					j.Steps = append(j.Steps, st)
				}
			}
			if r.charge(1) {
				f.Jobs = append(f.Jobs, j)
			}
		}
	}
	steps(r.get(top, "steps"), 0)
}

func buildkitePlugins(r *yreader, f *File, j *Job, n *yaml.Node) {
	add := func(k, v *yaml.Node) {
		if k == nil || k.Kind != yaml.ScalarNode || k.Value == "" {
			return
		}
		name, ver, _ := strings.Cut(k.Value, "#")
		if r.charge(1) {
			f.Libraries = append(f.Libraries, &Ref{Pos: r.pos(k), Raw: k.Value, Kind: LibRef, Name: name, Version: ver})
		}
		base := strings.TrimSuffix(path.Base(strings.TrimSuffix(name, ".git")), "-buildkite-plugin")
		if base == "docker" || base == "docker-compose" {
			if img := scalarImage(r, r.get(v, "image"), "image"); img != nil {
				if r.charge(1) {
					j.Images = append(j.Images, img)
				}
			}
		}
	}
	d := r.deref(n)
	if d == nil {
		return
	}
	if d.Kind == yaml.MappingNode {
		for _, p := range r.pairs(d) {
			add(p.k, p.v)
		}
		return
	}
	for _, it := range r.items(d) {
		if it.Kind == yaml.ScalarNode {
			add(it, nil)
			continue
		}
		for _, p := range r.pairs(it) {
			add(p.k, p.v)
		}
	}
}

// ---- Drone and Woodpecker ----

// parseDroneLike reads `.drone.yml` (one job per `kind: pipeline`
// document) and Woodpecker files (one job per file): steps as a list or a
// mapping (also the older `pipeline:` key), each with its `image` and
// `commands` (or `entrypoint`), and `services` as the job's images.
func parseDroneLike(f *File, text string) {
	r := newReader(f, text)
	docs := decodeAll(f, text)
	for i, doc := range docs {
		d := r.deref(doc)
		if d == nil || d.Kind != yaml.MappingNode {
			continue
		}
		if k := r.getStr(d, "kind"); k != "" && k != "pipeline" {
			continue // Drone secrets, signatures, templates
		}
		id := r.getStr(d, "name")
		if id == "" {
			id = strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path))
			if len(docs) > 1 {
				id += "#" + strconv.Itoa(i+1)
			}
		}
		j := &Job{File: f, Pos: r.pos(d), ID: id, Name: id}
		for _, sp := range r.namedItems(r.get(d, "services")) {
			if img := scalarImage(r, r.get(sp.v, "image"), "service"); img != nil {
				if r.charge(1) {
					j.Images = append(j.Images, img)
				}
			}
		}
		stepsNode := r.get(d, "steps")
		if stepsNode == nil {
			stepsNode = r.get(d, "pipeline")
		}
		for _, sp := range r.namedItems(stepsNode) {
			st := &Step{Pos: r.pos(r.deref(sp.v)), Name: nodeValue(sp.k)}
			st.Image = scalarImage(r, r.get(sp.v, "image"), "step")
			st.Env = r.envList(r.get(sp.v, "environment"))
			st.With = paidVars(r, r.get(sp.v, "settings"))
			cmds := r.get(sp.v, "commands")
			if cmds == nil {
				cmds = r.get(sp.v, "entrypoint")
			}
			if parts := r.scriptParts(cmds); len(parts) > 0 {
				st.Run = &Script{Parts: parts}
			}
			if r.charge(1) {
				j.Steps = append(j.Steps, st)
			}
		}
		if r.charge(1) {
			f.Jobs = append(f.Jobs, j)
		}
	}
	if len(docs) == 0 && f.Problem == "" {
		f.setProblem("empty pipeline")
	}
}

// ---- Travis CI ----

// travisPhases are the script phases of a Travis job, in run order.
var travisPhases = []string{"before_install", "install", "before_script", "script", "before_cache",
	"after_success", "after_failure", "before_deploy", "after_deploy", "after_script"}

// parseTravis reads `.travis.yml`: the top-level phases as the job
// "default", and each `jobs.include` (or `matrix.include`) entry as a job
// of its own phases; `env.global` (or a list of "NAME=value") as the
// file's variables; `deploy` entries with `provider: script` add their
// `script` as a step.
func parseTravis(f *File, text string) {
	r, top := topMapping(f, text, "Travis CI configuration")
	if top == nil {
		return
	}
	env := r.deref(r.get(top, "env"))
	if env != nil && env.Kind == yaml.MappingNode {
		f.Env = r.envList(r.get(env, "global"))
	} else {
		f.Env = r.envList(env)
	}
	phases := func(j *Job, n *yaml.Node) {
		for _, ph := range travisPhases {
			v := r.get(n, ph)
			if v == nil {
				continue
			}
			if st := r.scriptStep(r.pos(v), ph, "", v); st != nil {
				if r.charge(1) {
					j.Steps = append(j.Steps, st)
				}
			}
		}
		dep := r.deref(r.get(n, "deploy"))
		deps := []*yaml.Node{dep}
		if dep != nil && dep.Kind == yaml.SequenceNode {
			deps = r.items(dep)
		}
		for _, d := range deps {
			if d == nil || r.getStr(d, "provider") != "script" {
				continue
			}
			v := r.get(d, "script")
			if st := r.scriptStep(r.pos(r.deref(v)), "deploy", "", v); st != nil {
				if r.charge(1) {
					j.Steps = append(j.Steps, st)
				}
			}
		}
	}
	def := &Job{File: f, Pos: r.pos(top), ID: "default", Name: "default"}
	phases(def, top)
	if len(def.Steps) > 0 {
		if r.charge(1) {
			f.Jobs = append(f.Jobs, def)
		}
	}
	for _, key := range []string{"jobs", "matrix"} {
		for i, it := range r.items(r.get(r.get(top, key), "include")) {
			if it.Kind != yaml.MappingNode {
				continue
			}
			id := r.getStr(it, "name")
			if id == "" {
				id = key + ".include." + strconv.Itoa(i+1)
			}
			j := &Job{File: f, Pos: r.pos(it), ID: id, Name: r.getStr(it, "stage")}
			j.Env = r.envList(r.get(it, "env"))
			phases(j, it)
			if r.charge(1) {
				f.Jobs = append(f.Jobs, j)
			}
		}
	}
}
