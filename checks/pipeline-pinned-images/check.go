// Package pipelinepinnedimages implements the check pipeline-pinned-images
// (PO.3.2): the container images that pipelines run and that Dockerfiles
// build from are pinned by digest.
package pipelinepinnedimages

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is pipeline-pinned-images.
var Check = &check.Check{
	ID:      "pipeline-pinned-images",
	Title:   "Pipelines and Dockerfiles pin container images by digest",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every container image that the pipelines run, and every base image that a Dockerfile builds from, is pinned by digest (` + "`name:tag@sha256:<64 hex>`" + `), so that what runs is what was reviewed and a retagged image cannot slip in.

What is looked at, in every pipeline file of the repository (whether or not it runs) and in every Dockerfile and Containerfile anywhere (` + "`Dockerfile`" + `, ` + "`Containerfile`" + `, ` + "`Dockerfile.*`" + `, ` + "`Dockerfile-*`, `Dockerfile_*`, `*.dockerfile`" + `, and the same for Containerfile; not a template that generates one — ` + "`.template`, `.tmpl`, `.j2`" + ` …):

- GitHub Actions: a job's ` + "`container:`" + ` and ` + "`services:`" + ` images, ` + "`uses: docker://…`" + ` steps, and the ` + "`runs.image: docker://…`" + ` of an ` + "`action.yml`" + `;
- GitLab CI: ` + "`image:`" + ` and ` + "`services:`" + ` (string and ` + "`name:`" + ` forms, ` + "`default:`" + ` and ` + "`extends`" + ` applied; the image of a hidden template job is judged in the jobs that extend it, with their variables);
- Tekton: step, ` + "`stepTemplate`" + ` and sidecar images;
- Jenkins: ` + "`agent { docker { image '…' } }`" + ` and ` + "`docker.image('…')`" + `;
- Dockerfiles: every ` + "`FROM`" + `.

A reference passes when it ends in ` + "`@sha256:`" + ` and 64 hex digits. Variables are resolved before judging: GitLab ` + "`$VAR`/`${VAR}`" + ` from the job's and the global ` + "`variables:`" + `, GitHub ` + "`${{ env.X }}`" + ` from the job's and workflow's ` + "`env:`" + ` and ` + "`${{ matrix.X }}`" + ` as each value the job's ` + "`strategy.matrix`" + ` writes out (its list, less single-key ` + "`exclude`" + ` entries, plus ` + "`include`" + ` values; each value is judged as an image), Tekton ` + "`$(params.x)`" + ` from the task's params and their defaults, and in a Dockerfile the ` + "`ARG`" + ` defaults declared before the first ` + "`FROM`" + ` (` + "`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`" + `). A ` + "`FROM`" + ` that names an earlier build stage (also through a variable, as in ` + "`FROM binary-$TARGETOS`" + `) and ` + "`FROM scratch`" + ` pass; a ` + "`FROM ${BASE}`" + ` passes when the default of ` + "`ARG BASE`" + ` is pinned and fails when it is not.

An image that is nothing but a variable without a known value (` + "`${{ matrix.image }}`" + ` when the matrix comes from an expression such as ` + "`fromJSON(...)`" + `, ` + "`$IMAGE`" + ` defined nowhere, ` + "`ARG BASE`" + ` without a default) cannot be judged: it yields no finding, is listed in the details (` + "`unresolved`" + `), and makes the result unknown when nothing fails. An image that is only partly a variable (` + "`ruby:${RUBY_VERSION}`" + `) fails unless its resolved form carries a digest.

The images of the other CI systems ssdf reads are judged as written (Azure Pipelines, CircleCI, Bitbucket, Buildkite, Drone, Woodpecker, Travis: SPEC's list of systems is not called exhaustive). Not judged (counted in ` + "`notJudged`" + `): the images of ` + "`COPY --from=`" + ` and ` + "`RUN --mount=…,from=`" + ` that are not build stages, which are not ` + "`FROM`" + ` lines. ` + "`docker run IMAGE`" + ` in scripts is not judged either (it mostly runs images the pipeline has just built) and not counted.

**pass** — every judged image is pinned by digest, a build stage or ` + "`scratch`" + `. Details: ` + "`images`" + ` (` + "`{pinned, unpinned, unresolved}`" + ` counts), ` + "`stages`" + ` and ` + "`scratch`" + ` (references that pass without a digest), ` + "`unresolved`" + ` (up to 20 ` + "`{path, line, image}`" + `) and ` + "`notJudged`" + `.

**fail** — an image is not pinned; one finding per reference at its file and line, naming the image and the pinned form to write.

**unknown** — nothing unpinned was found, but an image could not be resolved, or a judged pipeline file or a Dockerfile could not be read or parsed, or the walk of the repository was cut short.

**not-applicable** — no pipeline uses a container image and there is no Dockerfile with a ` + "`FROM`" + `.`,
	Remediation: "Pin every image by digest and keep the tag for readers: `image: node:20@sha256:<digest>` (GitHub `container:`/`services:`, GitLab `image:`/`services:`, Tekton steps), `uses: docker://alpine:3.20@sha256:<digest>`, `FROM golang:1.22@sha256:<digest> AS build` — or, when FROM takes the image from an ARG, its default: `ARG BASE=golang:1.22@sha256:<digest>`. Get the digest of the tag you use with `docker buildx imagetools inspect name:tag` (the `Digest:` line) or `crane digest name:tag`; Dependabot or Renovate (`pinDigests: true`) keep pinned digests up to date.",
	Run:         run,
}

// Counts are the judged image references.
type Counts struct {
	Pinned     int `json:"pinned"`
	Unpinned   int `json:"unpinned"`
	Unresolved int `json:"unresolved"`
}

// Item is an image reference at a place.
type Item struct {
	Path  string `json:"path"`
	Line  int    `json:"line,omitempty"`
	Image string `json:"image"`
}

type details struct {
	Images Counts `json:"images"`
	// Stages and Scratch count the Dockerfile FROMs that pass without a
	// digest: earlier build stages and `scratch`.
	Stages  int `json:"stages"`
	Scratch int `json:"scratch"`
	// Unresolved lists images that are only variables without a value.
	Unresolved []Item `json:"unresolved"`
	// NotJudged counts the images this check leaves aside, by kind.
	NotJudged map[string]int `json:"notJudged"`
}

const maxListed = 20

var digestRE = regexp.MustCompile(`@sha256:[0-9a-fA-F]{64}$`)

// Pinned reports whether an image reference is pinned by digest.
func Pinned(ref string) bool { return digestRE.MatchString(strings.TrimSpace(ref)) }

type eval struct {
	d        details
	findings []check.Finding
	seen     map[string]bool
	// firstUnresolved describes the first unresolved image for the reason.
	firstUnresolved string
	total           int
}

// image judges one reference: raw as written, ref resolved, onlyVars when
// ref is nothing but unresolved variables. what names the place ("GitLab
// image", "FROM"), form is how the pinned line is written, with %s for
// the pinned reference.
func (e *eval) image(pos pipeline.Pos, raw, ref string, onlyVars bool, what, form string) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return
	}
	key := fmt.Sprintf("%s:%d %s", pos.Path, pos.Line, ref)
	if e.seen[key] {
		return
	}
	e.seen[key] = true
	e.total++
	shown := "`" + ref + "`"
	if raw != ref {
		shown = fmt.Sprintf("`%s` (`%s`)", ref, raw)
	}
	switch {
	case Pinned(ref):
		e.d.Images.Pinned++
	case onlyVars:
		e.d.Images.Unresolved++
		if len(e.d.Unresolved) < maxListed {
			e.d.Unresolved = append(e.d.Unresolved, Item{Path: pos.Path, Line: pos.Line, Image: raw})
		}
		if e.firstUnresolved == "" {
			e.firstUnresolved = fmt.Sprintf("%s `%s` at %s", what, raw, pos.Loc())
		}
	default:
		e.d.Images.Unpinned++
		pinned := strings.TrimSuffix(ref, "@") + "@sha256:<digest>"
		e.findings = append(e.findings, check.Finding{Path: pos.Path, Line: pos.Line,
			Message: fmt.Sprintf("%s %s is not pinned by digest: write `%s` (the digest from `docker buildx imagetools inspect %s` or `crane digest %s`)",
				what, shown, fmt.Sprintf(form, pinned), ref, ref)})
	}
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	e := &eval{d: details{Unresolved: []Item{}, NotJudged: map[string]int{}}, seen: map[string]bool{}}
	var problems []pipeline.Problem
	gitlabGlobals := gitlabGlobalVars(set)
	used := map[pipeline.Pos]bool{} // images of jobs that are not templates
	for _, j := range set.Jobs() {
		if !j.Hidden {
			for _, im := range j.Images {
				used[im.Pos] = true
			}
		}
	}
	// Every CI system's images are judged: SPEC's "every container image
	// used by the pipelines" names GitHub, GitLab and Tekton without
	// saying the list is exhaustive, and a person reading a CircleCI or
	// Woodpecker `image:` sees an image the pipeline uses.
	for _, f := range set.Files {
		if f.Problem != "" {
			problems = append(problems, pipeline.Problem{Path: f.Path, Reason: f.Problem})
		}
		if f.Runs != nil && f.Runs.Image != nil {
			im := f.Runs.Image
			ref, only := resolveGitHub(im.Ref, nil, f)
			e.image(im.Pos, im.Ref, ref, only, "action image", "image: docker://%s")
		}
		for _, j := range f.Jobs {
			for _, im := range j.Images {
				if j.Hidden && used[im.Pos] {
					// A GitLab template's image is judged in the jobs
					// that extend it, with their variables.
					continue
				}
				e.pipelineImage(f, j, im, gitlabGlobals)
			}
			for _, st := range j.Steps {
				if st.Image != nil {
					e.pipelineImage(f, j, st.Image, gitlabGlobals)
				}
			}
		}
	}
	for _, d := range set.Dockerfiles {
		if d.Problem != "" {
			problems = append(problems, pipeline.Problem{Path: d.Path, Reason: d.Problem})
		}
		e.dockerfile(d)
	}

	tree := p.Snapshot.Tree
	unseen := ""
	switch {
	case len(problems) > 0:
		unseen = fmt.Sprintf("%d pipeline files or Dockerfiles could not be read or parsed", len(problems))
	case tree.Truncated:
		unseen = fmt.Sprintf("the walk of the repository was cut short (%s)", tree.Error)
	}
	if n := e.d.Images.Unpinned; n > 0 {
		r := check.Result{Status: check.Failed, Details: e.d, Findings: e.findings,
			Reason: fmt.Sprintf("%d of %d container image references are not pinned by digest", n, e.total)}
		if e.firstUnresolved != "" {
			r.Reason += fmt.Sprintf("; %d more cannot be resolved (first: %s)", e.d.Images.Unresolved, e.firstUnresolved)
		}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	}
	if unseen != "" {
		r := check.Result{Status: check.Unknown, Details: e.d,
			Reason: fmt.Sprintf("no unpinned image was found, but %s", unseen)}
		for _, pr := range problems {
			r.Findings = append(r.Findings, check.Finding{Path: pr.Path, Message: pr.Reason})
		}
		return r
	}
	if e.firstUnresolved != "" {
		return check.Result{Status: check.Unknown, Details: e.d,
			Reason: fmt.Sprintf("no unpinned image was found, but %d images are variables without a known value, so whether they are pinned cannot be told (first: %s)",
				e.d.Images.Unresolved, e.firstUnresolved)}
	}
	if e.total == 0 {
		return check.Result{Status: check.NotApplicable, Details: e.d,
			Reason: "no pipeline uses a container image and no Dockerfile or Containerfile has a FROM"}
	}
	reason := fmt.Sprintf("all %d container image references are pinned by digest", e.total)
	if e.d.Stages > 0 || e.d.Scratch > 0 {
		parts := []string{fmt.Sprintf("%d pinned by digest", e.d.Images.Pinned)}
		if e.d.Stages > 0 {
			parts = append(parts, fmt.Sprintf("%d FROM an earlier build stage", e.d.Stages))
		}
		if e.d.Scratch > 0 {
			parts = append(parts, fmt.Sprintf("%d FROM scratch", e.d.Scratch))
		}
		reason = fmt.Sprintf("all %d container image references pass: %s", e.total, strings.Join(parts, ", "))
	}
	return check.Result{Status: check.Passed, Details: e.d, Reason: reason}
}

// pipelineImage judges an image of a pipeline job or step.
func (e *eval) pipelineImage(f *pipeline.File, j *pipeline.Job, im *pipeline.Image, globals map[string]string) {
	if f.System == pipeline.GitHubActions {
		if refs := expandMatrix(im.Ref, j); len(refs) > 1 || refs[0] != im.Ref {
			// One image per value the workflow writes in its matrix.
			for _, r := range refs {
				e.pipelineImageRef(f, j, im, r, globals)
			}
			return
		}
	}
	e.pipelineImageRef(f, j, im, im.Ref, globals)
}

// maxMatrixRefs bounds the images one matrix reference expands to.
const maxMatrixRefs = 64

var matrixExpr = regexp.MustCompile(`\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}`)

// expandMatrix returns the references a GitHub image takes over its job's
// matrix: each `${{ matrix.X }}` whose values the workflow writes out is
// replaced by each of them. A key without written values (or an expansion
// past maxMatrixRefs) stays as written, so that the image is unresolved.
func expandMatrix(ref string, j *pipeline.Job) []string {
	refs := []string{ref}
	if j == nil || len(j.Matrix) == 0 {
		return refs
	}
	seen := map[string]bool{}
	for _, m := range matrixExpr.FindAllStringSubmatch(ref, -1) {
		key := m[1]
		vals := j.Matrix[key]
		if seen[key] || len(vals) == 0 || len(refs)*len(vals) > maxMatrixRefs {
			continue
		}
		seen[key] = true
		re := regexp.MustCompile(`\$\{\{\s*matrix\.` + regexp.QuoteMeta(key) + `\s*\}\}`)
		var next []string
		for _, r := range refs {
			for _, v := range vals {
				next = append(next, re.ReplaceAllLiteralString(r, v))
			}
		}
		refs = next
	}
	return refs
}

// pipelineImageRef judges one reference of a pipeline image: as written,
// or one of the forms its matrix gives it.
func (e *eval) pipelineImageRef(f *pipeline.File, j *pipeline.Job, im *pipeline.Image, written string, globals map[string]string) {
	var ref string
	var only bool
	switch f.System {
	case pipeline.GitHubActions:
		ref, only = resolveGitHub(written, j, f)
	case pipeline.GitLabCI:
		ref, only = resolveGitLab(written, j, f, globals)
	case pipeline.Tekton:
		ref, only = resolveTekton(written, j)
	default:
		ref, only = written, onlyVariables(written)
	}
	what, form := describe(f.System, im.Role)
	if ref != im.Ref && !Pinned(ref) {
		// The image comes whole from a variable: pin its value.
		switch name := soleVariable(im.Ref); {
		case name != "" && f.System == pipeline.GitLabCI:
			form = name + ": %s"
		case githubEnvRef.MatchString(im.Ref):
			form = githubEnvRef.FindStringSubmatch(im.Ref)[1] + ": %s"
		case tektonParamRef.MatchString(im.Ref):
			form = "default: %s"
		}
	}
	e.image(im.Pos, im.Ref, ref, only, what, form)
}

// describe names an image's place and the form of its pinned line.
func describe(sys pipeline.System, role string) (string, string) {
	switch sys {
	case pipeline.GitHubActions:
		switch role {
		case "container":
			return "job container image", "container: %s"
		case "service":
			return "service image", "image: %s"
		case "step":
			return "docker:// step image", "uses: docker://%s"
		}
	case pipeline.GitLabCI:
		if role == "service" {
			return "GitLab service image", "services: [%s]"
		}
		return "GitLab image", "image: %s"
	case pipeline.Tekton:
		if role == "sidecar" {
			return "Tekton sidecar image", "image: %s"
		}
		return "Tekton step image", "image: %s"
	case pipeline.Jenkins:
		return "Jenkins docker image", "image '%s'"
	}
	return "image", "image: %s"
}

// dockerfile judges every FROM of a Dockerfile, and counts the other
// image references it leaves aside.
func (e *eval) dockerfile(d *pipeline.Dockerfile) {
	for _, im := range d.Images() {
		switch {
		case im.Role != "from":
			if im.Stage == nil && len(im.Candidates) == 0 && !im.Scratch {
				e.d.NotJudged[im.Role]++
			}
		case im.Stage != nil || len(im.Candidates) > 0:
			e.total++
			e.d.Stages++
		case im.Scratch:
			e.total++
			e.d.Scratch++
		default:
			form := "FROM %s"
			if im.Raw != im.Ref && !Pinned(im.Ref) {
				if name := soleVariable(im.Raw); name != "" {
					form = "ARG " + name + "=%s"
				}
			}
			e.image(im.Pos, im.Raw, im.Ref, im.OnlyVariables, "FROM", form)
		}
	}
}

// soleVariable returns NAME when s is just `$NAME` or `${NAME}`.
func soleVariable(s string) string {
	s = strings.Trim(s, `"'`)
	if n, ok := strings.CutPrefix(s, "${"); ok && strings.HasSuffix(n, "}") {
		n = strings.TrimSuffix(n, "}")
		if isName(n) {
			return n
		}
	}
	if n, ok := strings.CutPrefix(s, "$"); ok && isName(n) {
		return n
	}
	return ""
}

func isName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// maxResolve bounds variables within variables, maxResolvedLen the text
// they may grow to.
const (
	maxResolve     = 5
	maxResolvedLen = 4 << 10
)

// The variable syntaxes of the systems.
var (
	githubExpr     = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	shellVar       = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
	tektonVar      = regexp.MustCompile(`\$\(\s*params\.([A-Za-z0-9_.-]+)\s*\)|\$\(\s*params\[['"]([^'"]+)['"]\]\s*\)`)
	githubEnvRef   = regexp.MustCompile(`^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$`)
	tektonParamRef = regexp.MustCompile(`^\$\(params\.[A-Za-z0-9_.-]+\)$`)
	anyVar         = regexp.MustCompile(`\$\{\{.*?\}\}|\$\(.*?\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)
)

// onlyVariables reports whether s is nothing but variable references
// (once resolved ones are gone) — whatever the syntax.
func onlyVariables(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && anyVar.MatchString(s) && strings.TrimSpace(anyVar.ReplaceAllString(s, "")) == ""
}

// substitute replaces the matches of re in s with what lookup gives for
// them (by submatch), up to maxResolve times over and while the text
// stays under maxResolvedLen.
func substitute(s string, re *regexp.Regexp, lookup func(m []string) (string, bool)) string {
	for range maxResolve {
		changed := false
		var b strings.Builder
		last := 0
		for _, loc := range re.FindAllStringSubmatchIndex(s, -1) {
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = s[loc[2*i]:loc[2*i+1]]
				}
			}
			v, ok := lookup(m)
			if !ok || b.Len()+loc[0]-last+len(v) > maxResolvedLen {
				continue
			}
			b.WriteString(s[last:loc[0]])
			b.WriteString(v)
			last = loc[1]
			changed = true
		}
		if !changed {
			break
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

func lookupVars(vs []pipeline.Var, name string) (string, bool) {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Name == name {
			return vs[i].Value, true
		}
	}
	return "", false
}

// resolveGitHub substitutes `${{ env.X }}` from the job's and the
// workflow's env.
func resolveGitHub(ref string, j *pipeline.Job, f *pipeline.File) (string, bool) {
	out := substitute(ref, githubExpr, func(m []string) (string, bool) {
		name, ok := strings.CutPrefix(m[1], "env.")
		if !ok || !isName(name) {
			return "", false
		}
		if j != nil {
			if v, ok := lookupVars(j.Env, name); ok {
				return v, true
			}
		}
		return lookupVars(f.Env, name)
	})
	return out, onlyVariables(out)
}

// resolveGitLab substitutes `$VAR` and `${VAR}` from the job's
// variables, the file's global variables, then those of every GitLab file
// (includes merge them).
func resolveGitLab(ref string, j *pipeline.Job, f *pipeline.File, globals map[string]string) (string, bool) {
	out := substitute(ref, shellVar, func(m []string) (string, bool) {
		name := m[1] + m[2]
		if v, ok := lookupVars(j.Env, name); ok {
			return v, true
		}
		if v, ok := lookupVars(f.Env, name); ok {
			return v, true
		}
		v, ok := globals[name]
		return v, ok
	})
	return out, onlyVariables(out)
}

// gitlabGlobalVars collects the global variables of every GitLab file;
// the first definition in path order wins.
func gitlabGlobalVars(set *pipeline.Set) map[string]string {
	out := map[string]string{}
	for _, f := range set.Files {
		if f.System != pipeline.GitLabCI {
			continue
		}
		for _, v := range f.Env {
			if _, ok := out[v.Name]; !ok {
				out[v.Name] = v.Value
			}
		}
	}
	return out
}

// resolveTekton substitutes `$(params.x)` from the params a pipeline task
// passes, then the params (and defaults) of its resource.
func resolveTekton(ref string, j *pipeline.Job) (string, bool) {
	out := substitute(ref, tektonVar, func(m []string) (string, bool) {
		name := m[1] + m[2]
		if v, ok := lookupVars(j.With, name); ok && v != "" {
			return v, true
		}
		if j.Resource != nil {
			if v, ok := lookupVars(j.Resource.Params, name); ok && v != "" {
				return v, true
			}
		}
		return "", false
	})
	return out, onlyVariables(out)
}
