// Package evidence judges the checks that look, in a repository's
// pipelines, for evidence published with each artifact (build-provenance,
// audit-attestations): found evidence passes, a truncated walk or an
// unreadable pipeline is unknown, nothing published is not applicable,
// and publishing without evidence fails.
package evidence

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/pipeline"
)

// Item is one recognised piece of evidence or publication.
type Item struct {
	Mechanism string `json:"mechanism"`
	Path      string `json:"path"`
	Line      int    `json:"line,omitempty"`
}

const maxListed = 20

// Items lists up to 20 of es.
func Items(es []pipeline.Evidence) []Item {
	out := []Item{}
	for _, e := range es {
		if len(out) == maxListed {
			break
		}
		out = append(out, Item{Mechanism: e.Mechanism, Path: e.Path, Line: e.Line})
	}
	return out
}

// Wording is what a check calls its evidence in its reasons and findings.
type Wording struct {
	// Found is the pass reason, before "(mechanism at path:line, N in
	// all)": "a pipeline generates signed SLSA provenance".
	Found string
	// Missing follows "N publishing steps and no" in the unknown reason:
	// "SLSA provenance".
	Missing string
	// None follows "(N steps) but none" in the fail reason: "generates
	// signed SLSA provenance".
	None string
	// Finding follows "publishes an artifact (mechanism: text) with no" in
	// each finding: "signed SLSA provenance from any pipeline".
	Finding string
}

// Judge judges the pipelines of set by the evidence found in them, with d
// as the result's details.
func Judge(p *check.Pass, set *pipeline.Set, found []pipeline.Evidence, d any, w Wording) check.Result {
	pubs := set.Publishes()
	if len(found) > 0 {
		first := found[0]
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("%s (%s at %s, %d in all)", w.Found, first.Mechanism, first.Loc(), len(found))}
	}

	problems := set.Problems()
	tree := p.Snapshot.Tree
	if tree.Truncated || len(problems) > 0 {
		r := check.Result{Status: check.Unknown, Details: d}
		what := "no pipeline was seen to build or publish an artifact"
		if len(pubs) > 0 {
			what = fmt.Sprintf("%d publishing steps and no %s were found", len(pubs), w.Missing)
		}
		if tree.Truncated {
			r.Reason = fmt.Sprintf("%s, but the walk of the repository was cut short (%s)", what, tree.Error)
		} else {
			r.Reason = fmt.Sprintf("%s, but %d pipeline files could not be read or parsed", what, len(problems))
		}
		for _, pr := range problems {
			r.Findings = append(r.Findings, check.Finding{Path: pr.Path, Message: pr.Reason})
		}
		return r
	}
	if len(pubs) == 0 {
		if len(set.Files) == 0 {
			return check.Result{Status: check.NotApplicable, Details: d, Reason: "no pipeline builds or publishes an artifact: the repository has no pipeline definition"}
		}
		return check.Result{Status: check.NotApplicable, Details: d, Reason: "no pipeline builds or publishes an artifact"}
	}
	r := check.Result{Status: check.Failed, Details: d,
		Reason: fmt.Sprintf("pipelines build or publish artifacts (%d %s) but none %s", len(pubs), map[bool]string{true: "step", false: "steps"}[len(pubs) == 1], w.None)}
	for _, e := range pubs {
		r.Findings = append(r.Findings, check.Finding{Path: e.Path, Line: e.Line, Message: PublishMessage(e, w.Finding)})
	}
	return r
}

// PublishMessage is the finding of one publishing step with no evidence:
// what publishes, and, for a command of a repository script or make
// target, the pipeline command that runs it; for a remote reusable
// workflow, that its content was not read.
func PublishMessage(e pipeline.Evidence, missing string) string {
	if e.Mechanism == pipeline.RemoteWorkflowMechanism {
		return fmt.Sprintf("calls the remote reusable workflow `%s`, whose name says it publishes (%s; its content is in another repository and was not read, and SPEC counts only this repository's workflows), with no %s", Clip(e.Text), e.Mechanism, missing)
	}
	msg := fmt.Sprintf("publishes an artifact (%s: %s) with no %s", e.Mechanism, Clip(e.Text), missing)
	if e.Via != (pipeline.Pos{}) {
		msg += fmt.Sprintf(" (run by the pipeline command at %s)", e.Via.Loc())
	}
	return msg
}

// Clip folds the white space of s and cuts it to 80 bytes, ending in
// "..." when cut.
func Clip(s string) string {
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
