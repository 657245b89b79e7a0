// Package render writes a report in the format the user asked for. Every
// format renders the canonical report (SPEC §4).
package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/html"
	"github.com/ssdf-dev/ssdf/report/junit"
	"github.com/ssdf-dev/ssdf/report/markdown"
	"github.com/ssdf-dev/ssdf/report/sarif"
	"github.com/ssdf-dev/ssdf/report/text"
)

// Formats are the output formats, in the order help lists them.
var Formats = []string{"text", "json", "markdown", "sarif", "html", "junit"}

// Valid reports whether f names a format, with a usage message if not.
func Valid(f string) error {
	if slices.Contains(Formats, f) {
		return nil
	}
	return fmt.Errorf("unknown format %q (want one of %s)", f, strings.Join(Formats, ", "))
}

// Write renders r as format. checks supplies SARIF rule help.
func Write(w io.Writer, r *report.Report, format string, color bool, checks []*check.Check) error {
	switch format {
	case "json":
		return report.Write(w, r)
	case "text":
		return text.Write(w, r, text.Options{Color: color})
	case "markdown":
		return markdown.Write(w, r, markdown.Options{})
	case "sarif":
		rules := map[string]sarif.Rule{}
		for _, c := range checks {
			rules[c.ID] = sarif.Rule{ID: c.ID, Title: c.Title, Doc: c.Doc, Remediation: c.Remediation, Tasks: c.Tasks}
		}
		return sarif.Write(w, r, sarif.Options{Rules: rules})
	case "html":
		return html.Write(w, r, html.Options{})
	case "junit":
		return junit.Write(w, r, junit.Options{})
	}
	return Valid(format)
}
