// Package codeownersgroup is the check codeowners-group (PO.2.1).
package codeownersgroup

import (
	"fmt"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is codeowners-group.
var Check = &check.Check{
	ID:      "codeowners-group",
	Title:   "Code ownership rests on a group",
	Tasks:   []string{"PO.2.1"},
	Sources: []check.Source{check.Files},
	Doc: `Ownership rests on a group: the effective catch-all rule (the last rule whose pattern is ` + "`*`" + ` or
` + "`/**`" + `, in any section) names a team/group (GitHub ` + "`@org/team`" + `, GitLab ` + "`@group/subgroup`" + ` or a
role ` + "`@@…`" + `) or at least two individuals; without a catch-all, every rule that names owners does.

- **pass**: the catch-all rule names a team, group or role, or at least two individuals (users or
  e-mail addresses, counted once each); without a catch-all, every rule that names owners does so
  (rules that a later entry of the same GitLab section replaces, and GitLab ` + "`!`" + ` exclusions, are not
  counted).
- **fail**: the catch-all rule names a single individual; an ownerless catch-all names nobody:
  ` + "`fail`" + `. Without a catch-all, a rule that names owners rests on a single individual.
- GitLab section default owners are the owners of that section's ownerless rules, not a catch-all.
- On GitLab a bare ` + "`@name`" + ` counts as one individual unless the forge resolves it to a group; when
  that decides the result and the forge was not consulted, or could not resolve the owners (the reason says why),
  the result is **unknown**. A name the forge read but did not resolve to a group is an individual.
- **not-applicable**: ` + "`codeowners-present`" + ` fails (no CODEOWNERS designates owners).
- **unknown**: also when the CODEOWNERS was not read, or none was found but the walk stopped early.

Details: ` + "`catchAll`" + ` (line, pattern, owners) when there is one, ` + "`rules`" + ` (the rules judged),
` + "`single`" + ` (how many rest on one individual).`,
	Remediation: `Make a group own the code, so that ownership survives holidays and departures: on GitHub
create a team with write access and name it (` + "`* @your-org/maintainers`" + `); on GitLab name a group or
subgroup (` + "`@your-group/maintainers`" + `) or a role (` + "`@@maintainer`" + `). Put it on a catch-all rule —
` + "`*`" + ` — so that every file has a group as fallback owner; where a single person must own an area, add a
second person or the team beside them.`,
	Run: run,
}

// Details are the result's details.
type Details struct {
	CatchAll *RuleRef `json:"catchAll,omitempty"`
	Rules    int      `json:"rules"`
	Single   int      `json:"single"`
}

// RuleRef names one rule.
type RuleRef struct {
	Line    int      `json:"line"`
	Pattern string   `json:"pattern"`
	Owners  []string `json:"owners"`
}

func ref(r *codeowners.Rule) *RuleRef {
	rr := &RuleRef{Line: r.Line, Pattern: r.Pattern, Owners: []string{}}
	for _, o := range r.Owners {
		rr.Owners = append(rr.Owners, o.Text)
	}
	return rr
}

// verdict is the judgement of one rule.
type verdict int

const (
	group      verdict = iota // a team, group, role or two individuals
	single                    // one individual, or none
	maybeGroup                // one bare GitLab @name, which may be a group
)

func judge(r *codeowners.Rule, d codeowners.Dialect) verdict {
	people := map[string]bool{}
	bare := false
	for _, o := range r.Owners {
		if o.Group() {
			return group
		}
		people[strings.ToLower(o.Text)] = true
		if o.Kind == codeowners.User {
			bare = true
		}
	}
	switch {
	case len(people) >= 2:
		return group
	case bare && d == codeowners.GitLab:
		return maybeGroup
	}
	return single
}

func run(p *check.Pass) check.Result {
	loc := check.Memo(p, codeowners.MemoKey, func() codeowners.Located { return codeowners.Effective(p.Snapshot) })
	switch loc.State() {
	case codeowners.Designates:
	case codeowners.Absent, codeowners.NoOwners:
		return check.Result{Status: check.NotApplicable, Reason: "No CODEOWNERS designates owners, so there is no ownership to judge."}
	default:
		return check.Result{Status: check.Unknown, Reason: loc.Why()}
	}
	f := loc.File
	forge := p.Snapshot.Forge
	var kinds snapshot.Fact[map[string]string]
	if forge.Consulted && forge.Repo != nil {
		kinds = forge.Repo.OwnerKinds
	}
	notConsulted := func(what string) check.Result {
		if !forge.Consulted {
			why := forge.Reason
			if why == "" {
				why = "the forge was not read"
			}
			return check.Resultf(check.Unknown, "Whether %s is a GitLab group decides the result, and the forge was not consulted (%s).", what, why)
		}
		return check.Resultf(check.Unknown, "Whether %s is a GitLab group decides the result, and the forge could not tell: %s.", what,
			check.FactOf("how GitLab resolves the CODEOWNERS owners", kinds).Why())
	}
	// resolve settles a maybeGroup rule with the forge: group when the
	// forge resolved its bare @name to a group, single when it was read and
	// did not; maybeGroup while the forge could not be read.
	resolve := func(r *codeowners.Rule) verdict {
		if !kinds.Known() {
			return maybeGroup
		}
		for _, o := range r.Owners {
			if o.Kind == codeowners.User && ownerKind(kinds.Value, o.Text) == "group" {
				return group
			}
		}
		return single
	}

	if ca := f.CatchAll(); ca != nil {
		d := Details{CatchAll: ref(ca), Rules: 1}
		where := fmt.Sprintf("The catch-all rule `%s` (line %d of %s)", ca.Pattern, ca.Line, loc.Path)
		r := check.Result{Details: d}
		if len(ca.Owners) == 0 {
			d.Single = 1
			r.Details = d
			r.Status, r.Reason = check.Failed, where+" names nobody."
			r.Findings = []check.Finding{{Path: loc.Path, Line: ca.Line, Message: "the catch-all rule names no owner, so files without a more specific rule have none"}}
			return r
		}
		v := judge(ca, f.Dialect)
		if v == maybeGroup {
			v = resolve(ca)
		}
		switch v {
		case group:
			r.Status, r.Reason = check.Passed, where+" names "+describe(ca, kinds.Value)+"."
			return r
		case maybeGroup:
			return withDetails(notConsulted(ca.Owners[0].Text+" in the catch-all rule"), d)
		}
		d.Single = 1
		r.Details = d
		r.Status, r.Reason = check.Failed, where+" names only one individual, "+ca.Owners[0].Text+"."
		r.Findings = []check.Finding{{Path: loc.Path, Line: ca.Line, Message: "the catch-all rule rests on one individual, " + ca.Owners[0].Text}}
		return r
	}

	d := Details{}
	var singles, maybes []*codeowners.Rule
	for i := range f.Rules {
		r := &f.Rules[i]
		if r.Exclusion || r.Replaced || len(r.Owners) == 0 {
			continue
		}
		d.Rules++
		v := judge(r, f.Dialect)
		if v == maybeGroup {
			v = resolve(r)
		}
		switch v {
		case single:
			singles = append(singles, r)
		case maybeGroup:
			maybes = append(maybes, r)
		}
	}
	if len(singles) == 0 && len(maybes) > 0 {
		return withDetails(notConsulted(names(maybes)), d)
	}
	d.Single = len(singles)
	if len(singles) == 0 {
		return check.Result{
			Status:  check.Passed,
			Reason:  fmt.Sprintf("There is no catch-all rule, and every one of the %d rules of %s that name owners names a group or at least two people.", d.Rules, loc.Path),
			Details: d,
		}
	}
	var findings []check.Finding
	for _, r := range singles {
		findings = append(findings, check.Finding{
			Path:    loc.Path,
			Line:    r.Line,
			Message: fmt.Sprintf("`%s` rests on one individual, %s", r.Pattern, r.Owners[0].Text),
		})
	}
	return check.Result{
		Status:   check.Failed,
		Reason:   fmt.Sprintf("There is no catch-all rule, and %d of the %d rules of %s that name owners rest on a single individual.", len(singles), d.Rules, loc.Path),
		Findings: findings,
		Details:  d,
	}
}

func withDetails(r check.Result, d Details) check.Result {
	r.Details = d
	return r
}

// ownerKind is how the forge resolved a CODEOWNERS owner ("user",
// "group", or "" when it did not resolve it).
func ownerKind(kinds map[string]string, owner string) string {
	if k, ok := kinds[owner]; ok {
		return k
	}
	for o, k := range kinds {
		if strings.EqualFold(o, owner) {
			return k
		}
	}
	return ""
}

// describe says what kind of owners a group-owned rule names.
func describe(r *codeowners.Rule, kinds map[string]string) string {
	for _, o := range r.Owners {
		if o.Kind == codeowners.User && ownerKind(kinds, o.Text) == "group" {
			return "the group " + o.Text
		}
		switch o.Kind {
		case codeowners.Team:
			return "the team " + o.Text
		case codeowners.Role:
			return "the role " + o.Text
		}
	}
	people := map[string]bool{}
	for _, o := range r.Owners {
		people[strings.ToLower(o.Text)] = true
	}
	return fmt.Sprintf("%d individuals", len(people))
}

// names lists the bare names of rules, up to three.
func names(rules []*codeowners.Rule) string {
	var n []string
	seen := map[string]bool{}
	for _, r := range rules {
		for _, o := range r.Owners {
			if o.Kind == codeowners.User && !seen[o.Text] {
				seen[o.Text] = true
				n = append(n, o.Text)
			}
		}
	}
	if len(n) > 3 {
		return strings.Join(n[:3], ", ") + fmt.Sprintf(" (and %d more names)", len(n)-3)
	}
	return strings.Join(n, ", ")
}
