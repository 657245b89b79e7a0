// Package pipelineascode implements the check pipeline-as-code (PO.3.2):
// the repository defines its pipelines as code.
package pipelineascode

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is pipeline-as-code.
var Check = &check.Check{
	ID:      "pipeline-as-code",
	Title:   "Pipelines are defined as code in the repository",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `At least one pipeline definition is in the repository, so that the build, test and deployment pipelines are versioned, reviewed and audited like the code they build.

A file is a pipeline definition by its name and place (file names match case-insensitively; a ` + "`*`" + ` never crosses a ` + "`/`" + `):

- at the root: GitHub Actions ` + "`.github/workflows/*.y{a,}ml`" + `; GitLab CI ` + "`.gitlab-ci.yml`" + ` or, when the GitLab project was read, the file its ` + "`ci_config_path`" + ` names (a path in the repository; a configuration in another project, ` + "`path@group/project`" + `, or at a URL is not in the repository and does not count); Tekton ` + "`.tekton/*.y{a,}ml`" + `; CircleCI ` + "`.circleci/config.yml`" + `; Bitbucket ` + "`bitbucket-pipelines.yml`" + `; Buildkite ` + "`.buildkite/pipeline.y{a,}ml`" + `; Drone ` + "`.drone.yml`" + `; Woodpecker ` + "`.woodpecker.yml`" + ` and ` + "`.woodpecker/*.yml`" + `; Travis ` + "`.travis.yml`" + `;
- anywhere: Jenkins ` + "`Jenkinsfile`, `*.Jenkinsfile`, `Jenkinsfile.*`" + `; Azure Pipelines ` + "`azure-pipelines.yml`" + ` and ` + "`.azure-pipelines/*.yml`" + `; Spinnaker ` + "`dinghyfile`" + `;
- anywhere, by content: Argo CD — a YAML document (in a ` + "`.yml`/`.yaml`" + ` file) whose top-level ` + "`apiVersion`" + ` starts with ` + "`argoproj.io/`" + ` and whose ` + "`kind`" + ` is ` + "`Application`, `ApplicationSet` or `AppProject`" + `. A file that does not parse as YAML (a Helm or Jinja template before rendering) is skipped; when its lines look like an Argo CD manifest it is listed in the details as ` + "`skipped`" + `.

Paths under the default exclusions (` + "`testdata`, `fixtures`, `examples`, `vendor`, `node_modules`" + `, …) and the policy's ` + "`exclude`" + ` do not count. The other systems are recognised by name alone, so a definition that is too large to read or does not parse still counts.

**pass** — at least one definition. Details: ` + "`systems`" + ` (the sorted ids among ` + "`argocd`, `azure-pipelines`, `bitbucket`, `buildkite`, `circleci`, `drone`, `github-actions`, `gitlab-ci`, `jenkins`, `spinnaker-dinghy`, `tekton`, `travis`, `woodpecker`" + `), ` + "`files`" + ` (per system, its paths, up to 100), ` + "`counts`" + ` (per system, the number of files).

**fail** — no definition. Argo CD-looking files that were skipped because they do not parse as YAML are findings.

**unknown** — no definition was found, but the walk of the repository was cut short, or a file that could be a definition was not read: a YAML file over the size cap or unreadable (it may hold an Argo CD manifest), a symlink or special file at a definition's path (symlinks are never followed), or a directory that could not be read. The findings name them.`,
	Remediation: "Keep the pipelines that build, test and release this code in the repository, as code reviewed like the rest, instead of in a CI server's settings: for example a GitHub workflow `.github/workflows/ci.yml` whose steps pin each action to a commit (`uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2`), a `.gitlab-ci.yml` at the root, a `Jenkinsfile` read by a Multibranch Pipeline job, Tekton PipelineRuns under `.tekton/`, a Spinnaker `dinghyfile`, or Argo CD `Application` manifests committed as plain YAML (render Helm-templated ones, which are not recognised before rendering).",
	Run:         run,
}

// maxFiles bounds the paths listed per system in the details.
const maxFiles = 100

// Details are the result's details.
type Details struct {
	Systems []string            `json:"systems"`
	Files   map[string][]string `json:"files"`
	Counts  map[string]int      `json:"counts"`
	// Skipped are Argo CD-looking files that do not parse as YAML.
	Skipped []pipeline.Problem `json:"skipped,omitempty"`
}

func run(p *check.Pass) check.Result {
	tree := p.Snapshot.Tree
	set := pipeline.Load(p)
	defs := pipeline.Definitions(tree.Files, set)
	if def, ok := configuredGitLabCI(p); ok && !slices.Contains(defs, def) {
		defs = append(defs, def)
		slices.SortFunc(defs, func(a, b pipeline.Definition) int {
			return cmp.Or(strings.Compare(string(a.System), string(b.System)), strings.Compare(a.Path, b.Path))
		})
	}
	d := Details{Systems: []string{}, Files: map[string][]string{}, Counts: map[string]int{}, Skipped: set.ArgoSkipped}
	for _, def := range defs {
		sys := string(def.System)
		if d.Counts[sys] == 0 {
			d.Systems = append(d.Systems, sys)
		}
		d.Counts[sys]++
		if len(d.Files[sys]) < maxFiles {
			d.Files[sys] = append(d.Files[sys], def.Path)
		}
	}
	sort.Strings(d.Systems)
	if len(defs) > 0 {
		var parts []string
		for _, s := range d.Systems {
			parts = append(parts, fmt.Sprintf("%s (%d)", s, d.Counts[s]))
		}
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("%s in the repository: %s", map[bool]string{true: "1 pipeline definition is", false: fmt.Sprintf("%d pipeline definitions are", len(defs))}[len(defs) == 1], strings.Join(parts, ", "))}
	}

	if tree.Truncated {
		why := tree.Error
		if why == "" {
			why = "a directory was too deep to walk"
		}
		return check.Result{Status: check.Unknown, Details: d,
			Reason: fmt.Sprintf("no pipeline definition was found, but the walk of the repository was cut short (%s)", why)}
	}
	if unread := unreadCandidates(tree); len(unread) > 0 {
		return check.Result{Status: check.Unknown, Details: d, Findings: unread,
			Reason: fmt.Sprintf("no pipeline definition was found, but %d files or directories that could hold one were not read", len(unread))}
	}
	r := check.Result{Status: check.Failed, Details: d, Reason: "no pipeline definition is in the repository"}
	for _, s := range set.ArgoSkipped {
		r.Findings = append(r.Findings, check.Finding{Path: s.Path, Line: yamlErrorLine(s.Reason),
			Message: "looks like an Argo CD manifest but is skipped: " + s.Reason})
	}
	if len(r.Findings) > 0 {
		r.Reason += fmt.Sprintf(" (%d templated Argo CD manifests that do not parse as YAML were skipped)", len(r.Findings))
	}
	return r
}

// configuredGitLabCI is the GitLab project's configured CI file
// (ci_config_path) when it names a file of the repository that the walk
// found. A configuration in another project (path@group/project) or at a
// URL is not in the repository; offline, nothing is configured.
func configuredGitLabCI(p *check.Pass) (pipeline.Definition, bool) {
	f := p.Snapshot.Forge
	if !f.Consulted || check.ForgeKind(p) != "gitlab" || f.Repo == nil || !f.Repo.CIConfigPath.Known() {
		return pipeline.Definition{}, false
	}
	path := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(f.Repo.CIConfigPath.Value), "./"), "/")
	if path == "" || strings.Contains(path, "@") || strings.Contains(path, "://") {
		return pipeline.Definition{}, false
	}
	for _, file := range p.Snapshot.Tree.Files {
		if strings.EqualFold(file, path) {
			return pipeline.Definition{System: pipeline.GitLabCI, Path: file}, true
		}
	}
	return pipeline.Definition{}, false
}

// unreadCandidates lists what could hold a pipeline definition but was not
// read: claimed YAML files that were not read (an Argo CD manifest is
// recognised by content), entries at a definition's path that the walk
// did not follow (symlinks, special files), and directories it could not
// read. A symlinked YAML file elsewhere does not count: symlinks are never
// followed, and their targets inside the repository are walked anyway.
func unreadCandidates(tree snapshot.Tree) []check.Finding {
	var out []check.Finding
	paths := make([]string, 0, len(tree.Contents))
	for path, c := range tree.Contents {
		if c.Skipped != "" && pipeline.ArgoCandidate(path) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		out = append(out, check.Finding{Path: path,
			Message: "not read (" + tree.Contents[path].Skipped + "); it may hold an Argo CD manifest"})
	}
	for _, s := range tree.Skipped {
		switch {
		case pipeline.DefinitionSystem(s.Path) != "":
			out = append(out, check.Finding{Path: s.Path, Message: fmt.Sprintf("a %s definition's path, not read (%s)", pipeline.DefinitionSystem(s.Path), s.Reason)})
		case strings.HasPrefix(s.Reason, "unreadable"):
			// The walk reports read errors of directories only (files
			// are read later, into Contents).
			out = append(out, check.Finding{Path: s.Path, Message: "directory not read (" + s.Reason + "); it may hold pipeline definitions"})
		}
	}
	return out
}

// yamlErrorLine returns N of a YAML decoder's "line N: …" in a reason, or 0.
func yamlErrorLine(reason string) int {
	_, rest, ok := strings.Cut(reason, "line ")
	if !ok {
		return 0
	}
	num, _, ok := strings.Cut(rest, ":")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0
	}
	return n
}
