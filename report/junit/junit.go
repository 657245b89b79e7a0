// Package junit renders a report as JUnit XML, for CI systems that show test
// results (Jenkins, GitLab, Azure Pipelines, GitHub test-report actions).
//
// The mapping:
//
//   - a <testsuites name="ssdf"> root carries the totals;
//   - one <testsuite> per SSDF task (name = task ID, the title and the task's
//     status as properties), and a last suite named "other" for results no
//     task names;
//   - one <testcase> per check of the task: classname = task ID, name =
//     check ID;
//   - fail → <failure type="fail"> (type="advisory" for an advisory check),
//     message = the reason, body = the findings as "path:line: message"
//     lines and the remediation;
//   - unknown → <error type="unknown">, so that CI users see it: ssdf could
//     not decide, which is not a pass. A status ssdf does not know is treated
//     the same way;
//   - not-applicable → <skipped message="reason">;
//   - waived → a passing test case with a <system-out> saying "waived:" and
//     the reason (the exception) and the findings it covers;
//   - pass → a passing test case; its <system-out> holds the reason and any
//     informational findings.
//
// Advisory failures are failures here: JUnit has no "warning", and hiding
// them would hide what the report says. The exit code of ssdf scan, not this
// file, decides whether a pipeline fails. Times are 0: checks are not timed.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/report"
)

// Options says how to render. There are none yet.
type Options struct{}

type testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []testsuite `xml:"testsuite"`
}

type testsuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"`
	Properties []property `xml:"properties>property,omitempty"`
	Cases      []testcase `xml:"testcase"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type testcase struct {
	ClassName string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *outcome `xml:"failure,omitempty"`
	Error     *outcome `xml:"error,omitempty"`
	Skipped   *outcome `xml:"skipped,omitempty"`
	SystemOut *cdata   `xml:"system-out,omitempty"`
}

type outcome struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// cdata is text written as CDATA, so that multi-line text stays readable in
// the file; encoding/xml splits a "]]>" inside it.
type cdata struct {
	Text string `xml:",cdata"`
}

// Write renders r to w.
func Write(w io.Writer, r *report.Report, _ Options) error {
	doc := build(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}

func build(r *report.Report) testsuites {
	var stamp string
	if !r.GeneratedAt.IsZero() {
		// The JUnit schema's timestamp has no time zone; it is UTC.
		stamp = r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	}
	doc := testsuites{Name: "ssdf", Time: "0"}
	add := func(name string, props []property, results []report.Result) {
		s := testsuite{Name: name, Time: "0", Timestamp: stamp, Properties: props, Cases: []testcase{}}
		for _, res := range results {
			tc := testcase{ClassName: name, Name: res.Check, Time: "0"}
			switch res.Status {
			case report.StatusPass:
				tc.SystemOut = out(res.Reason, res.Findings)
			case report.StatusWaived:
				tc.SystemOut = out("waived: "+res.Reason, res.Findings)
			case report.StatusNotApplicable:
				tc.Skipped = &outcome{Message: res.Reason}
				s.Skipped++
			case report.StatusFail:
				typ := "fail"
				if !res.Required {
					typ = "advisory"
				}
				tc.Failure = &outcome{Message: res.Reason, Type: typ, Body: body(res)}
				s.Failures++
			default:
				typ := "unknown"
				if res.Status != report.StatusUnknown {
					typ = "unknown status " + strconv.Quote(res.Status)
				}
				tc.Error = &outcome{Message: res.Reason, Type: typ, Body: body(res)}
				s.Errors++
			}
			s.Cases = append(s.Cases, tc)
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	for _, t := range r.Tasks {
		props := []property{{"title", t.Title}, {"status", t.Status}}
		add(t.ID, props, r.TaskResults(t))
	}
	if other := r.Unassigned(); len(other) > 0 {
		add("other", nil, other)
	}
	return doc
}

// body is the text of a failure or error: the reason, the findings, the
// remediation.
func body(res report.Result) string {
	var b strings.Builder
	b.WriteString(res.Reason)
	if f := findings(res.Findings); f != "" {
		b.WriteString("\n\n")
		b.WriteString(f)
	}
	if res.Remediation != "" {
		b.WriteString("\n\nRemediation: ")
		b.WriteString(res.Remediation)
	}
	return clean(b.String())
}

func out(head string, fs []report.Finding) *cdata {
	if f := findings(fs); f != "" {
		head += "\n\n" + f
	}
	return &cdata{Text: clean(head)}
}

// clean replaces what XML 1.0 cannot carry (most control characters,
// invalid UTF-8) with U+FFFD. encoding/xml does so in attributes and
// character data, but not in CDATA.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// findings writes one "path:line: message" line per finding.
func findings(fs []report.Finding) string {
	var lines []string
	for _, f := range fs {
		loc := f.Path
		if loc != "" && f.Line > 0 {
			loc += ":" + strconv.Itoa(f.Line)
		}
		switch {
		case loc == "":
			lines = append(lines, f.Message)
		case f.Message == "":
			lines = append(lines, loc)
		default:
			lines = append(lines, loc+": "+f.Message)
		}
	}
	return strings.Join(lines, "\n")
}
