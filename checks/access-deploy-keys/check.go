// Package accessdeploykeys is the check access-deploy-keys (PO.5.1): no
// deploy key can write to the repository unless the policy allows it.
package accessdeploykeys

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-deploy-keys.
var Check = &check.Check{
	ID:       "access-deploy-keys",
	Title:    "No deploy key has write access unless the policy allows it",
	Tasks:    []string{"PO.5.1"},
	Sources:  []check.Source{check.Forge},
	Advisory: true,
	Doc: `No deploy key of the repository has write access, except those the policy allows by title (` + "`deployKeys.allowWrite`" + `, exact titles). A deploy key with write access can push to the repository without a person's account, two-factor authentication or review. Advisory by default.

The keys are GitHub's ` + "`GET /repos/{owner}/{repo}/keys`" + ` (` + "`read_only`" + `) and GitLab's ` + "`GET /projects/:id/deploy_keys`" + ` (` + "`can_push`" + `).

**pass**: no key has write access, or only keys the policy allows; also when the repository has no deploy key. Details: ` + "`keys`" + ` (how many), ` + "`writable`" + ` (titles of the keys with write access that the policy does not allow), ` + "`allowed`" + ` (those it allows).

**fail**: a key the policy does not allow has write access; each is a finding.

**unknown**: the forge was not consulted, or the keys could not be listed (the reason names the missing permission: listing deploy keys needs administration rights on the repository).`,
	Remediation: "Make the key read-only: GitHub deploy keys cannot be edited, so delete the key and add it again without \"Allow write access\" (`gh repo deploy-key delete ID`, then `gh repo deploy-key add key.pub --title TITLE` without `--allow-write`); on GitLab, untick \"Grant write permissions to this key\" (`can_push: false`). Where a key must write — a release job pushing tags, say — prefer a GitHub App or a project access token with a narrow scope, or allow that key by its title in the policy: `deployKeys: {allowWrite: [\"release tagging\"]}`.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Keys     int      `json:"keys"`
	Writable []string `json:"writable"`
	Allowed  []string `json:"allowed,omitempty"`
}

// maxFindings bounds the findings; the rest are counted in one finding.
const maxFindings = 100

func run(p *check.Pass) check.Result {
	var repo snapshot.Repo
	if r := p.Snapshot.Forge.Repo; r != nil {
		repo = *r
	}
	f := repo.DeployKeys
	if r, ok := check.ForgeUnknown(p, check.FactOf("the list of the repository's deploy keys", f)); ok {
		return r
	}
	d := Details{Keys: len(f.Value), Writable: []string{}}
	var bad []snapshot.DeployKey
	for _, k := range f.Value {
		if k.ReadOnly {
			continue
		}
		if slices.Contains(p.Policy.DeployKeys.AllowWrite, k.Title) {
			d.Allowed = append(d.Allowed, k.Title)
			continue
		}
		bad = append(bad, k)
		d.Writable = append(d.Writable, k.Title)
	}
	slices.Sort(d.Writable)
	slices.Sort(d.Allowed)
	if len(bad) == 0 {
		reason := "No deploy key has write access."
		switch {
		case len(f.Value) == 0:
			reason = "The repository has no deploy key."
		case len(d.Allowed) > 0:
			reason = fmt.Sprintf("Only the deploy keys the policy allows have write access (%s).", quoteAll(d.Allowed))
		}
		return check.Result{Status: check.Passed, Reason: reason, Details: d}
	}
	r := check.Result{Status: check.Failed, Details: d}
	if len(bad) == 1 {
		r.Reason = fmt.Sprintf("The deploy key %q has write access, and the policy does not allow it.", bad[0].Title)
	} else {
		r.Reason = fmt.Sprintf("%d deploy keys have write access that the policy does not allow: %s.", len(bad), quoteAll(d.Writable))
	}
	slices.SortFunc(bad, func(a, b snapshot.DeployKey) int { return strings.Compare(a.Title, b.Title) })
	for i, k := range bad {
		if i == maxFindings {
			r.Findings = append(r.Findings, check.Finding{Message: fmt.Sprintf("%d more keys are not listed", len(bad)-maxFindings)})
			break
		}
		msg := fmt.Sprintf("the deploy key %q has write access", k.Title)
		if k.ID != 0 {
			msg = fmt.Sprintf("the deploy key %q (id %d) has write access", k.Title, k.ID)
		}
		r.Findings = append(r.Findings, check.Finding{Message: msg})
	}
	return r
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, t := range s {
		q[i] = strconv.Quote(t)
	}
	if len(q) > 10 {
		return strings.Join(q[:10], ", ") + fmt.Sprintf(" and %d more", len(q)-10)
	}
	return strings.Join(q, ", ")
}
