// Package checks is the one list of every check ssdf runs. To add a check,
// write it in its own package under checks/<id>/ (with testdata/*.txtar)
// and add it here, in ID order. Only the command line and the docs
// generator import this list.
package checks

import (
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/audit-exceptions-tracked"
	"github.com/ssdf-dev/ssdf/checks/audit-tracker"
	"github.com/ssdf-dev/ssdf/checks/criteria-issue-templates"
	"github.com/ssdf-dev/ssdf/checks/criteria-policy-defined"
	"github.com/ssdf-dev/ssdf/checks/criteria-security-dod"
)

// List is every implemented check, sorted by ID.
var List = []*check.Check{
	auditexceptionstracked.Check,
	audittracker.Check,
	criteriaissuetemplates.Check,
	criteriapolicydefined.Check,
	criteriasecuritydod.Check,
}
