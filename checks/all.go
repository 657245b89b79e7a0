// Package checks is the one list of every check ssdf runs. To add a check,
// write it in its own package under checks/<id>/ (with testdata/*.txtar)
// and add it here, in ID order. Only the command line and the docs
// generator import this list.
package checks

import (
	"github.com/ssdf-dev/ssdf/check"
)

// List is every implemented check, sorted by ID.
var List = []*check.Check{}
