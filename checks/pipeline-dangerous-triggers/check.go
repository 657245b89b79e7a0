// Package pipelinedangeroustriggers implements the check
// pipeline-dangerous-triggers (PO.3.2): no privileged workflow checks out
// untrusted code, and no script interpolates untrusted input.
package pipelinedangeroustriggers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Check is pipeline-dangerous-triggers.
var Check = &check.Check{
	ID:      "pipeline-dangerous-triggers",
	Title:   "Workflows neither run untrusted code with privileges nor interpolate untrusted input",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `No GitHub workflow runs code or text that an outsider controls with the repository's privileges.

Two things fail:

- **Checking out the untrusted head in a privileged workflow.** A workflow triggered by ` + "`pull_request_target`" + ` or ` + "`workflow_run`" + ` runs with the base repository's secrets and a write token; it must not check out the pull request's code: an ` + "`actions/checkout`" + ` step whose ` + "`ref:`" + ` takes its value from ` + "`github.event.pull_request.head.*`" + `, ` + "`github.head_ref`" + ` or ` + "`github.event.workflow_run.head_*`" + `. A reusable workflow (` + "`workflow_call`" + ` among its triggers) that does so is treated as having those triggers, since such a caller may call it. The finding is at the ` + "`ref:`" + ` line.
- **Interpolating an untrusted expression into a sink**, in every workflow whatever its trigger, and in composite actions (` + "`action.yml`" + `). The sinks are ` + "`run:`" + ` and the ` + "`script:`" + ` input of ` + "`actions/github-script`" + `. Untrusted are ` + "`github.head_ref`" + ` and ` + "`github.event.`" + ` followed by ` + "`issue.title`" + `, ` + "`issue.body`" + `, ` + "`pull_request.title`" + `, ` + "`pull_request.body`" + `, ` + "`discussion.title`" + `, ` + "`discussion.body`" + `, ` + "`comment.body`" + `, ` + "`review.body`" + `, ` + "`review_comment.body`" + `, ` + "`pages.*.page_name`" + `, ` + "`commits.*.message`" + `, ` + "`commits.*.author.name`" + `, ` + "`commits.*.author.email`" + `, ` + "`head_commit.message`" + `, ` + "`head_commit.author.*`" + `, ` + "`pull_request.head.ref`" + `, ` + "`pull_request.head.label`" + `, ` + "`pull_request.head.repo.default_branch`" + `, ` + "`workflow_run.head_branch`" + `, ` + "`workflow_run.head_commit.message`" + `, ` + "`workflow_run.head_commit.author.*`" + ` or ` + "`workflow_run.display_title`" + `. Contexts are matched case-insensitively, with bracket access and indexes (` + "`github.event.commits[0].message`" + `, ` + "`github['head_ref']`" + `) read as property access, through ` + "`format()`" + `, ` + "`join()`" + ` and ` + "`toJSON()`" + ` (which also serialises whole objects that contain untrusted fields, such as ` + "`toJSON(github.event)`" + `). A value that is only compared or tested (` + "`github.event.issue.title == 'x'`" + `, ` + "`contains(...)`" + `) does not reach the script and is not flagged, nor is an untrusted value that reaches only ` + "`env:`" + ` and is read in the script as ` + "`$VAR`" + ` — that is the safe form. The finding is at the line of the ` + "`${{`" + `.

**pass** — neither is found. Details: ` + "`workflows`" + `, ` + "`privileged`" + ` (workflows with ` + "`pull_request_target`" + `, ` + "`workflow_run`" + ` or ` + "`workflow_call`" + `), ` + "`checkouts`" + ` and ` + "`sinkExpressions`" + ` examined.

**fail** — one finding per offending checkout ` + "`ref:`" + ` and per offending expression.

**unknown** — nothing was found, but a workflow or action could not be read or parsed, or the walk of the repository was cut short.

**not-applicable** — the repository has no GitHub workflow and no composite action.`,
	Remediation: "Never check out the pull request head in a `pull_request_target` or `workflow_run` workflow: use `pull_request` for code that builds or tests the contribution, and keep privileged workflows to trusted code (or pass data between them as artifacts that are parsed, never executed). Never write an untrusted `${{ }}` expression into a script: hand it over through the environment instead, `env: {TITLE: \"${{ github.event.issue.title }}\"}` and `run: echo \"$TITLE\"` (in `actions/github-script`, read `process.env.TITLE` or `context.payload`).",
	Run:         run,
}

// untrusted are the context properties an outsider controls (SPEC §3),
// `*` standing for any one property or index.
var untrusted = func() [][]string {
	var out [][]string
	for _, p := range []string{
		"issue.title", "issue.body", "pull_request.title", "pull_request.body", "discussion.title", "discussion.body",
		"comment.body", "review.body", "review_comment.body", "pages.*.page_name", "commits.*.message",
		"commits.*.author.name", "commits.*.author.email", "head_commit.message", "head_commit.author.*",
		"pull_request.head.ref", "pull_request.head.label", "pull_request.head.repo.default_branch",
		"workflow_run.head_branch", "workflow_run.head_commit.message", "workflow_run.head_commit.author.*",
		"workflow_run.display_title",
	} {
		out = append(out, strings.Split("github.event."+p, "."))
	}
	return append(out, []string{"github", "head_ref"})
}()

// untrustedUse reports whether a context use lets outsider-controlled text
// into the expression's value: the property is one of the untrusted ones
// (or below one), or an object holding one is serialised by toJSON().
func untrustedUse(u pipeline.ContextUse) bool {
	if !u.Result {
		return false
	}
	segs := strings.Split(u.Path, ".")
	for _, pat := range untrusted {
		n := min(len(segs), len(pat))
		if len(segs) < len(pat) && !u.Serialised {
			continue
		}
		match := true
		for i := range n {
			if pat[i] != "*" && segs[i] != "*" && pat[i] != segs[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// untrustedHead reports whether a checkout ref's context names the
// untrusted head: github.event.pull_request.head.*, github.head_ref,
// github.event.workflow_run.head_*.
func untrustedHead(u pipeline.ContextUse) bool {
	if !u.Result {
		return false
	}
	s := strings.Split(u.Path, ".")
	switch {
	case len(s) >= 2 && s[0] == "github" && s[1] == "head_ref":
		return true
	case len(s) >= 5 && s[0] == "github" && s[1] == "event" && s[2] == "pull_request" && s[3] == "head":
		return true
	case len(s) >= 4 && s[0] == "github" && s[1] == "event" && s[2] == "workflow_run" && strings.HasPrefix(s[3], "head_"):
		return true
	}
	return false
}

// privileged are the triggers under which checking out the head is
// dangerous; workflow_call stands for them.
var privileged = []string{"pull_request_target", "workflow_run", "workflow_call"}

type details struct {
	Workflows       int      `json:"workflows"`
	Actions         int      `json:"compositeActions"`
	Privileged      []string `json:"privileged"`
	Checkouts       int      `json:"checkouts"`
	SinkExpressions int      `json:"sinkExpressions"`
}

func run(p *check.Pass) check.Result {
	set := pipeline.Load(p)
	d := details{Privileged: []string{}}
	var findings, problems []check.Finding
	for _, f := range set.Files {
		switch {
		case f.Kind == pipeline.Workflow:
			d.Workflows++
		case f.Kind == pipeline.Action && (len(f.Jobs) > 0 || f.Problem != ""):
			d.Actions++
		default:
			continue
		}
		if f.Problem != "" {
			problems = append(problems, check.Finding{Path: f.Path, Message: f.Problem})
		}
		var trig []string
		if f.Kind == pipeline.Workflow {
			for _, t := range privileged {
				if f.HasTrigger(t) {
					trig = append(trig, t)
				}
			}
		}
		if len(trig) > 0 {
			d.Privileged = append(d.Privileged, f.Path)
		}
		for _, j := range f.Jobs {
			for _, st := range j.Steps {
				if st.IsCheckout() {
					d.Checkouts++
					if ref, ok := st.InputVar("ref"); ok && len(trig) > 0 {
						if ctx := headContext(ref.Value); ctx != "" {
							findings = append(findings, check.Finding{Path: ref.Path, Line: ref.Line, Message: checkoutMessage(trig, ctx, ref.Value)})
						}
					}
				}
				for _, e := range st.Exprs {
					d.SinkExpressions++
					if ctx := untrustedContext(e); ctx != "" {
						findings = append(findings, check.Finding{Path: e.Path, Line: e.Line, Message: sinkMessage(e, ctx)})
					}
				}
			}
		}
	}
	if d.Workflows == 0 && d.Actions == 0 {
		if p.Snapshot.Tree.Truncated {
			return check.Result{Status: check.Unknown, Details: d,
				Reason: fmt.Sprintf("no GitHub workflow was found, but the walk of the repository was cut short (%s)", p.Snapshot.Tree.Error)}
		}
		return check.Result{Status: check.NotApplicable, Details: d, Reason: "the repository has no GitHub workflow and no composite action"}
	}
	unseen := ""
	switch {
	case len(problems) > 0:
		unseen = fmt.Sprintf("%d workflows or actions could not be read or parsed", len(problems))
	case p.Snapshot.Tree.Truncated:
		unseen = fmt.Sprintf("the walk of the repository was cut short (%s)", p.Snapshot.Tree.Error)
	}
	if len(findings) > 0 {
		var checkouts, sinks int
		for _, f := range findings {
			if strings.HasPrefix(f.Message, "checks out") {
				checkouts++
			} else {
				sinks++
			}
		}
		r := check.Result{Status: check.Failed, Details: d, Findings: findings,
			Reason: fmt.Sprintf("%d checkouts of the untrusted head in privileged workflows and %d untrusted expressions in scripts", checkouts, sinks)}
		if unseen != "" {
			r.Reason += "; besides, " + unseen
		}
		return r
	}
	if unseen != "" {
		return check.Result{Status: check.Unknown, Details: d, Findings: problems,
			Reason: "no dangerous checkout or untrusted expression was found, but " + unseen}
	}
	return check.Result{Status: check.Passed, Details: d,
		Reason: fmt.Sprintf("no privileged workflow checks out the untrusted head and no script interpolates an untrusted expression (%d workflows, %d with pull_request_target, workflow_run or workflow_call; %d expressions in run:/script: examined)",
			d.Workflows, len(d.Privileged), d.SinkExpressions)}
}

// headContext returns the first untrusted head context a ref value takes,
// or "".
func headContext(v string) string {
	for _, x := range pipeline.ExprsIn(v) {
		for _, u := range pipeline.Contexts(pipeline.Expr{Raw: x}.Body()) {
			if untrustedHead(u) {
				return u.Path
			}
		}
	}
	return ""
}

func untrustedContext(e pipeline.Expr) string {
	for _, u := range e.Contexts() {
		if untrustedUse(u) {
			return u.Path
		}
	}
	return ""
}

func checkoutMessage(trig []string, ctx, ref string) string {
	what := "a `" + strings.Join(trig, "`/`") + "` workflow"
	if slices.Equal(trig, []string{"workflow_call"}) {
		what = "a reusable workflow (`workflow_call`, treated as `pull_request_target`/`workflow_run`)"
	}
	return fmt.Sprintf("checks out the untrusted head (`ref: %s`, from `%s`) in %s, which runs with the base repository's secrets and token; build untrusted code under `pull_request` instead",
		clip(ref), ctx, what)
}

func sinkMessage(e pipeline.Expr, ctx string) string {
	sink := "`run:`"
	if e.In == "script" {
		sink = "the `script:` of actions/github-script"
	}
	return fmt.Sprintf("%s interpolates the untrusted `%s` (`%s`), which can inject code; pass it through `env:` and read it as \"$VAR\"",
		sink, ctx, clip(e.Raw))
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		r := []rune(s)
		if len(r) > 117 {
			s = string(r[:117]) + "..."
		}
	}
	return s
}
