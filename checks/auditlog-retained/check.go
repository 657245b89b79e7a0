// Package auditlogretained is the check auditlog-retained (PO.4.2): the
// organization's audit events are kept outside the forge.
package auditlogretained

import (
	"fmt"
	"time"

	"github.com/ssdf-dev/ssdf/check"
)

// Check is auditlog-retained.
var Check = &check.Check{
	ID:      "auditlog-retained",
	Title:   "Audit events are kept outside the forge",
	Tasks:   []string{"PO.4.2"},
	Sources: []check.Source{check.Ledger, check.Forge},
	Doc: `Audit events are kept outside the forge: the ledger's last collection for this organization is newer than the policy's freshness (` + "`auditLog.freshnessHours`" + `, default 24 h) with no gap in the event cursor, or audit-log streaming is configured.

The ledger's collections are what ` + "`ssdf ledger collect-auditlog --org ORG`" + ` appends, read back by ` + "`ssdf scan --ledger`" + `; "gap" is the newest collection's record that the forge could no longer give every event since the previous cursor. Streaming is the forge's audit-log streaming setting, where the token can see it.

- **pass**: the forge shows audit-log streaming configured; or the newest collection is at most ` + "`freshnessHours`" + ` old and recorded no gap. Details: ` + "`lastCollected`, `gap`, `cursor`, `streaming`, `freshnessHours`" + `.
- **fail**: the ledger was consulted and holds no collection for the organization, or only a stale one, or its newest collection recorded a gap — and the forge does not show streaming configured.
- **unknown**: neither source can tell: the ledger was not consulted (no ` + "`--ledger`" + `, or unreadable) and the forge does not show streaming configured (not consulted, not visible, or off: the ledger could still hold the events).`,
	Remediation: "Collect the organization's audit log into the ledger at least once per freshness period, for example from a scheduled pipeline: `ssdf ledger collect-auditlog --org github.com/acme`, and scan with `--ledger`; after a gap, collect more often than the forge's retention window. Alternatively configure audit-log streaming to a SIEM or storage you control (GitHub Enterprise: Settings → Audit log → Log streaming; GitLab: Group → Secure → Audit events → Streams).",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	LastCollected  string `json:"lastCollected,omitempty"`
	Gap            bool   `json:"gap,omitempty"`
	Cursor         string `json:"cursor,omitempty"`
	Streaming      *bool  `json:"streaming,omitempty"`
	FreshnessHours int    `json:"freshnessHours"`
}

func run(p *check.Pass) check.Result {
	hours := p.Policy.AuditLog.FreshnessHours
	if hours <= 0 {
		hours = 24
	}
	d := Details{FreshnessHours: hours}
	// The forge part: is streaming configured?
	streaming := "the forge was not consulted"
	if f := p.Snapshot.Forge; f.Consulted {
		switch {
		case f.Org == nil:
			streaming = "the forge did not show the organization"
		case !f.Org.AuditLog.Known():
			streaming = "audit-log streaming could not be read: " + f.Org.AuditLog.Why()
		case f.Org.AuditLog.Value.Streaming == nil:
			streaming = "the forge does not show whether audit-log streaming is configured"
		case *f.Org.AuditLog.Value.Streaming:
			d.Streaming = f.Org.AuditLog.Value.Streaming
			return check.Result{Status: check.Passed, Details: d, Reason: "audit-log streaming is configured on the forge, so audit events are kept outside it."}
		default:
			d.Streaming = f.Org.AuditLog.Value.Streaming
			streaming = "audit-log streaming is not configured"
		}
	}
	led := p.Snapshot.Ledger
	if !led.Consulted {
		why := led.Reason
		if why == "" {
			why = "no ledger facts were collected"
		}
		return check.Result{Status: check.Unknown, Details: d,
			Reason: fmt.Sprintf("the ledger was not consulted (%s), and %s.", why, streaming)}
	}
	c := led.AuditLog
	if c == nil {
		return check.Result{Status: check.Failed, Details: d,
			Reason: fmt.Sprintf("the ledger holds no audit-log collection for this organization, and %s.", streaming)}
	}
	last := c.LastCollected.UTC()
	d.LastCollected, d.Gap, d.Cursor = last.Format(time.RFC3339), c.Gap, c.Cursor
	fresh := !last.Before(p.Now.Add(-time.Duration(hours) * time.Hour))
	switch {
	case fresh && !c.Gap:
		return check.Result{Status: check.Passed, Details: d,
			Reason: fmt.Sprintf("the ledger's last audit-log collection for %s was on %s, within the %d-hour freshness, with no gap in the event cursor.", c.Org, last.Format(time.RFC3339), hours)}
	case c.Gap:
		return check.Result{Status: check.Failed, Details: d,
			Reason: fmt.Sprintf("the ledger's last audit-log collection for %s, on %s, recorded a gap: the forge no longer had every event since the previous cursor; and %s.", c.Org, last.Format(time.RFC3339), streaming)}
	}
	age := p.Now.Sub(last).Hours()
	return check.Result{Status: check.Failed, Details: d,
		Reason: fmt.Sprintf("the ledger's last audit-log collection for %s was on %s, %.0f hours ago, older than the %d-hour freshness; and %s.", c.Org, last.Format(time.RFC3339), age, hours, streaming)}
}
