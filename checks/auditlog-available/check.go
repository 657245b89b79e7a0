// Package auditlogavailable is the check auditlog-available (PO.4.2): the
// organization's audit log can be read, so that it can be collected.
package auditlogavailable

import (
	"fmt"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is auditlog-available.
var Check = &check.Check{
	ID:      "auditlog-available",
	Title:   "The organization's audit log is readable",
	Tasks:   []string{"PO.4.2"},
	Sources: []check.Source{check.Forge},
	Doc: `The organization's (GitLab: top-level group's) audit log exists and is readable, so that its events can be collected and kept beyond the forge's retention.

The forge is asked for the log: GitHub ` + "`GET /orgs/{org}/audit-log`" + `, GitLab ` + "`GET /groups/:id/audit_events`" + `.

- **pass**: the log was read. Details: ` + "`readable`" + `, and ` + "`streaming`" + ` when the forge shows whether audit-log streaming is configured.
- **fail**: the organization's plan does not have the feature (the GitHub audit-log API is part of Enterprise Cloud; GitLab group audit events need Premium); the reason says so. Also when the forge answered that the log is not readable.
- **unknown**: the forge was not consulted, the token lacks the permission (the reason names it: on GitHub an organization owner's token with ` + "`read:audit_log`" + `, on GitLab a group owner's), or the forge answered with an error.`,
	Remediation: "On GitHub the audit-log API needs GitHub Enterprise Cloud: move the organization to it, then read the log with an owner's token that has the `read:audit_log` scope (`gh api orgs/ORG/audit-log`) or configure audit-log streaming to your SIEM. On GitLab, group audit events need Premium or Ultimate and a group owner's token (`glab api groups/ID/audit_events`). Then collect the events regularly with `ssdf ledger collect` so that they outlive the forge's retention.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Readable  bool  `json:"readable"`
	Streaming *bool `json:"streaming,omitempty"`
}

func run(p *check.Pass) check.Result {
	var org snapshot.Org
	if o := p.Snapshot.Forge.Org; o != nil {
		org = *o
	}
	f := org.AuditLog
	fact := check.FactOf("the audit log", f)
	if p.Snapshot.Forge.Consulted && f.Err != nil && f.Err.Kind == "plan" {
		return check.Result{Status: check.Failed, Details: Details{},
			Reason: fmt.Sprintf("The audit log is not available on the %s's plan%s: %s.", orgWord(p), planName(org), f.Err.Reason)}
	}
	if r, ok := check.ForgeUnknown(p, fact); ok {
		return r
	}
	d := Details{Readable: f.Value.Readable, Streaming: f.Value.Streaming}
	if !f.Value.Readable {
		return check.Result{Status: check.Failed, Details: d,
			Reason: fmt.Sprintf("The forge answered that the audit log of %s is not readable.", orgName(org))}
	}
	reason := fmt.Sprintf("The audit log of %s is readable with this token.", orgName(org))
	if s := f.Value.Streaming; s != nil && *s {
		reason = fmt.Sprintf("The audit log of %s is readable with this token, and audit-log streaming is configured.", orgName(org))
	}
	return check.Result{Status: check.Passed, Reason: reason, Details: d}
}

func orgWord(p *check.Pass) string {
	if check.ForgeKind(p) == "gitlab" {
		return "group"
	}
	return "organization"
}

func planName(org snapshot.Org) string {
	if org.Plan == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", org.Plan)
}

func orgName(org snapshot.Org) string {
	if org.Login == "" {
		return "the organization"
	}
	return org.Login
}
