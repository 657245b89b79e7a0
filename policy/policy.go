// Package policy is the policy file, `.ssdf.yaml` (SPEC §6): its model, the
// embedded default, loading with line-accurate errors, and exceptions.
package policy

import (
	"time"

	"github.com/ssdf-dev/ssdf/glob"
)

// Policy is a parsed policy file. The zero value is not useful: use Default
// or Load, which fill the defaults in.
type Policy struct {
	Version          int                    `json:"version"`
	ReviewPeriodDays int                    `json:"reviewPeriodDays"`
	Exclude          []string               `json:"exclude,omitempty"`
	Checks           map[string]CheckConfig `json:"checks,omitempty"`
	RequiredTools    []string               `json:"requiredTools,omitempty"`
	SecurityKeywords []string               `json:"securityKeywords"`
	Owners           Owners                 `json:"owners"`
	Reviews          Reviews                `json:"reviews"`
	SignedCommits    SignedCommits          `json:"signedCommits"`
	DeployKeys       DeployKeys             `json:"deployKeys,omitzero"`
	Tracker          *Tracker               `json:"tracker,omitempty"`
	// AuditLog configures auditlog-retained (PO.4.2).
	AuditLog AuditLog `json:"auditLog"`
	// Approvers may approve or reject exceptions in the ledger
	// (`ssdf ledger exception approve|reject`).
	Approvers  []string    `json:"approvers,omitempty"`
	Exceptions []Exception `json:"exceptions,omitempty"`
}

// CheckConfig is the per-check part of the policy. Nil fields are unset.
type CheckConfig struct {
	Required  *bool    `json:"required,omitempty"`
	Threshold *float64 `json:"threshold,omitempty"`
	// Line is where the entry is in the policy file, for messages.
	Line int `json:"-"`
}

// Owners bounds the number of organization owners (PO.4.2).
type Owners struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// AuditLog configures the audit-log retention check (PO.4.2).
type AuditLog struct {
	// FreshnessHours is how old the ledger's last audit-log collection
	// for the org may be (default 24).
	FreshnessHours int `json:"freshnessHours"`
}

// Reviews is the required number of approvals (PO.5.1).
type Reviews struct {
	Min int `json:"min"`
	// BypassAllowed are the ruleset bypass actors that may skip the
	// required reviews without failing access-review-required: a team,
	// app or role name, or the actor type of an actor without a name
	// ("OrganizationAdmin", "DeployKey").
	BypassAllowed []string `json:"bypassAllowed,omitempty"`
}

// DeployKeys says which deploy keys may have write access (PO.5.1).
type DeployKeys struct {
	// AllowWrite are the titles of the deploy keys allowed write access.
	AllowWrite []string `json:"allowWrite,omitempty"`
}

// SignedCommits configures access-signed-commits.
type SignedCommits struct {
	Window         int     `json:"window"`
	Days           int     `json:"days"`
	Threshold      float64 `json:"threshold"`
	AllowedSigners string  `json:"allowedSigners,omitempty"`
}

// Tracker is the designated system of record (PO.3.3).
type Tracker struct {
	Kind    string `json:"kind"`
	URL     string `json:"url,omitempty"`
	Project string `json:"project,omitempty"`
	Line    int    `json:"-"`
}

// TrackerKinds are the trackers the guide names.
var TrackerKinds = []string{"github", "gitlab", "bugzilla", "redmine", "mantis", "trac"}

// ToolTypes are the tool types that requiredTools may name (PO.3.1), sorted.
var ToolTypes = []string{
	"container-scanning",
	"dast",
	"dependency-scanning",
	"fuzzing",
	"iac-scanning",
	"license-scanning",
	"provenance",
	"sast",
	"sbom",
	"secret-scanning",
	"signing",
	"ssdf",
}

// Exception waives a check's failure, optionally for some paths only.
type Exception struct {
	Check      string   `json:"check"`
	Paths      []string `json:"paths,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Ticket     string   `json:"ticket,omitempty"`
	ApprovedBy string   `json:"approvedBy,omitempty"`
	// Expires is the last day on which the exception holds (a date, UTC).
	Expires time.Time `json:"expires,omitzero"`
	// Line is where the exception starts in the policy file.
	Line int `json:"-"`
}

// DefaultSecurityKeywords are the case-insensitive substrings that mark a
// security criterion in a change-request template (SPEC §3, PO.4.1).
var DefaultSecurityKeywords = []string{"security", "threat", "secret", "credential", "vulnerab", "cve", "sast", "sbom", "privacy", "sensitive"}

// Default returns the embedded default policy.
func Default() *Policy {
	return &Policy{
		Version:          1,
		ReviewPeriodDays: 365,
		SecurityKeywords: append([]string(nil), DefaultSecurityKeywords...),
		Owners:           Owners{Min: 2, Max: 5},
		Reviews:          Reviews{Min: 1},
		SignedCommits:    SignedCommits{Window: 50, Days: 90, Threshold: 100},
		AuditLog:         AuditLog{FreshnessHours: 24},
		Checks:           map[string]CheckConfig{},
	}
}

// Problems lists what keeps the exception from being valid: a missing
// reason, ticket, approver or expiry, or an expiry in the past. An empty
// list means it is valid on the day of now.
func (e Exception) Problems(now time.Time) []string {
	var p []string
	if e.Reason == "" {
		p = append(p, "no reason")
	}
	if e.Ticket == "" {
		p = append(p, "no ticket")
	}
	if e.ApprovedBy == "" {
		p = append(p, "no approver")
	}
	switch {
	case e.Expires.IsZero():
		p = append(p, "no expiry date")
	case Expired(e.Expires, now):
		p = append(p, "expired on "+e.Expires.Format(time.DateOnly))
	}
	return p
}

// Expired reports whether the day expires is over at now. The exception
// holds through the whole of its expiry day, in UTC.
func Expired(expires, now time.Time) bool {
	return now.UTC().Format(time.DateOnly) > expires.UTC().Format(time.DateOnly)
}

// Covers reports whether the exception covers a finding at path. An
// exception without paths covers the whole check, findings without a path
// included; one with paths covers only findings whose path matches.
func (e Exception) Covers(path string) bool {
	if len(e.Paths) == 0 {
		return true
	}
	if path == "" {
		return false
	}
	for _, p := range e.Paths {
		if glob.Match(p, path) {
			return true
		}
	}
	return false
}
