package junit

import (
	"bytes"
	"encoding/xml"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func render(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			got := render(t, fx.Report)
			golden.Check(t, fx.Name, got, *update)
			if !bytes.Equal(got, render(t, fx.Report)) {
				t.Errorf("output is not deterministic")
			}
		})
	}
}

// parsed is what a JUnit consumer reads back.
type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	var p parsed
	if err := xml.Unmarshal(data, &p); err != nil {
		t.Fatalf("output does not parse as XML: %v", err)
	}
	return p
}

func fixture(t *testing.T, name string) *report.Report {
	t.Helper()
	for _, fx := range golden.Fixtures(t) {
		if fx.Name == name {
			return fx.Report
		}
	}
	t.Fatalf("no fixture %s", name)
	return nil
}

func TestMapping(t *testing.T) {
	p := parse(t, render(t, fixture(t, "full")))
	type row struct{ Suite, Class, Name, Outcome string }
	var got []row
	for _, s := range p.Suites {
		for _, c := range s.Cases {
			o := "pass"
			switch {
			case c.Failure != nil:
				o = "failure:" + c.Failure.Type
			case c.Error != nil:
				o = "error:" + c.Error.Type
			case c.Skipped != nil:
				o = "skipped"
			case strings.HasPrefix(c.SystemOut, "waived:"):
				o = "pass (waived)"
			}
			got = append(got, row{s.Name, c.ClassName, c.Name, o})
		}
	}
	want := []row{
		{"PO.2.1", "PO.2.1", "codeowners-coverage", "failure:fail"},
		{"PO.2.1", "PO.2.1", "codeowners-present", "pass"},
		{"PO.2.1", "PO.2.1", "codeowners-reviewed", "pass"},
		{"PO.2.1", "PO.2.1", "codeowners-valid", "failure:fail"},
		{"PO.3.1", "PO.3.1", "toolchain-required-tools", "skipped"},
		{"PO.3.1", "PO.3.1", "toolchain-template", "pass"},
		{"PO.3.2", "PO.3.2", "build-hermetic", "failure:advisory"},
		{"PO.3.2", "PO.3.2", "build-locked-install", "failure:fail"},
		{"PO.3.2", "PO.3.2", "build-lockfile", "pass (waived)"},
		{"PO.3.2", "PO.3.2", "build-provenance", "pass"},
		{"PO.3.2", "PO.3.2", "pipeline-pinned-actions", "pass"},
		{"PO.3.2", "PO.3.2", "pipeline-token-permissions", "pass"},
		{"PO.3.3", "PO.3.3", "audit-exceptions-tracked", "pass"},
		{"PO.3.3", "PO.3.3", "audit-tracker", "pass"},
		{"PO.4.1", "PO.4.1", "criteria-policy-defined", "pass"},
		{"PO.4.1", "PO.4.1", "criteria-security-dod", "error:unknown"},
		{"PO.4.2", "PO.4.2", "auditlog-available", "error:unknown"},
		{"PO.4.2", "PO.4.2", "owners-minimal", "error:unknown"},
		{"PO.5.1", "PO.5.1", "access-mfa-required", "error:unknown"},
		{"PO.5.1", "PO.5.1", "access-signed-commits", "failure:fail"},
		{"PO.5.1", "PO.5.1", "access-ssh-only", "skipped"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("test cases (-want +got):\n%s", diff)
	}
	if p.Tests != 21 || p.Failures != 5 || p.Errors != 4 || p.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 21 5 4 2", p.Tests, p.Failures, p.Errors, p.Skipped)
	}
}

// TestTotals: in every fixture the totals add up and hostile text survives
// the round trip through XML as the same text.
func TestTotals(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		p := parse(t, render(t, fx.Report))
		var tests, failures, errors, skipped int
		for _, s := range p.Suites {
			if s.Tests != len(s.Cases) {
				t.Errorf("%s: suite %s says %d tests, has %d", fx.Name, s.Name, s.Tests, len(s.Cases))
			}
			var f, e, sk int
			for _, c := range s.Cases {
				if c.Failure != nil {
					f++
				}
				if c.Error != nil {
					e++
				}
				if c.Skipped != nil {
					sk++
				}
			}
			if f != s.Failures || e != s.Errors || sk != s.Skipped {
				t.Errorf("%s: suite %s counts %d/%d/%d, has %d/%d/%d", fx.Name, s.Name, s.Failures, s.Errors, s.Skipped, f, e, sk)
			}
			tests += s.Tests
			failures += s.Failures
			errors += s.Errors
			skipped += s.Skipped
		}
		if tests != p.Tests || failures != p.Failures || errors != p.Errors || skipped != p.Skipped {
			t.Errorf("%s: root totals %d/%d/%d/%d, suites add up to %d/%d/%d/%d", fx.Name,
				p.Tests, p.Failures, p.Errors, p.Skipped, tests, failures, errors, skipped)
		}
	}
}

func TestHostileText(t *testing.T) {
	data := render(t, fixture(t, "hostile"))
	if bytes.ContainsAny(data, "\x00\x07\x1b") {
		t.Errorf("output contains characters XML cannot carry")
	}
	p := parse(t, data)
	c := p.Suites[0].Cases[0]
	if c.Failure == nil {
		t.Fatal("codeowners-valid is not a failure")
	}
	// Control characters that XML cannot carry become U+FFFD; the rest is
	// the same text.
	want := "Line 1\nline 2 with <script>alert('r')</script>\r\nand a | pipe, a `backtick`, @acme/security and #42\uFFFD\uFFFD."
	if c.Failure.Message != want {
		t.Errorf("failure message = %q, want %q", c.Failure.Message, want)
	}
	if !strings.Contains(c.Failure.Body, "C:\\Windows\\system32 | x.txt:12: -- ]]> <![CDATA[ x ]]> &amp; &lt;already&gt;") {
		t.Errorf("failure body lost text:\n%s", c.Failure.Body)
	}
	var names []string
	for _, s := range p.Suites {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"PO.2.1", "PO.<3>|2", "other"}, names); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
}
