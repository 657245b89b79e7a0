package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testRules document some of the fixtures' checks, as the CLI would from the
// check list; the others fall back to minimal rules.
var testRules = map[string]Rule{
	"codeowners-valid": {
		ID:    "codeowners-valid",
		Title: "CODEOWNERS parses under the forge's dialect",
		Doc: "Every non-blank, non-comment line of CODEOWNERS parses under the forge's dialect.\n\n" +
			"GitHub: a pattern, then owners (`@user`, `@org/team`, e-mail).",
		Remediation: "Fix the reported lines.",
		Tasks:       []string{"PO.2.1"},
	},
	"access-signed-commits": {
		ID:          "access-signed-commits",
		Title:       "Commits on the default branch are signed",
		Doc:         "The commits on the default branch in the window are signed.",
		Remediation: "Sign commits and require signatures on the default branch.",
		Tasks:       []string{"PO.5.1"},
	},
}

func render(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{Rules: testRules}); err != nil {
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

// schemaPath finds shared/schemas/sarif-2.1.0 by walking up from the working
// directory: the shared folder is a sibling of the module.
func schemaPath(t *testing.T) string {
	return sharedtest.Dir(t, "schemas", "sarif-2.1.0", "sarif-schema-2.1.0.json")
}

type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, errors.New("network access refused in tests: " + url)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noNetwork{})
	c.AssertFormat()
	if err := c.AddResource(SchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaURI)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSchema(t *testing.T) {
	sch := compileSchema(t)
	for _, fx := range golden.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			for name, opts := range map[string]Options{"rules": {Rules: testRules}, "no rules": {}} {
				var buf bytes.Buffer
				if err := Write(&buf, fx.Report, opts); err != nil {
					t.Fatal(err)
				}
				inst, err := jsonschema.UnmarshalJSON(&buf)
				if err != nil {
					t.Fatal(err)
				}
				if err := sch.Validate(inst); err != nil {
					t.Errorf("%s: output does not validate against SARIF 2.1.0:\n%v", name, err)
				}
			}
		})
	}
}

// TestSchemaRejects makes sure the validation is not vacuous.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	for _, bad := range []string{
		`{"version": "2.1.0"}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "suppressions": [{"kind": "external", "status": "waived"}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}

// decoded is the part of the output the assertions below read.
type decoded struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string
					DefaultConfiguration struct{ Level string }
					Help                 struct{ Text, Markdown string }
					Properties           struct{ Tags []string }
				}
			}
		}
		Results []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           struct{ StartLine int }
				}
				Message *struct{ Text string }
			}
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Status, Justification string }
		}
	}
}

func decode(t *testing.T, r *report.Report, opts Options) decoded {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	var d decoded
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(d.Runs))
	}
	return d
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

// TestGitHubRequirements checks what GitHub code scanning needs beyond the
// schema: a location with a non-empty URI and a fingerprint on every result,
// non-empty rule texts, and consistent rule indexes.
func TestGitHubRequirements(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		d := decode(t, fx.Report, Options{})
		rules := d.Runs[0].Tool.Driver.Rules
		for i, ru := range rules {
			if i > 0 && rules[i-1].ID >= ru.ID {
				t.Errorf("%s: rules not sorted: %s before %s", fx.Name, rules[i-1].ID, ru.ID)
			}
			if ru.Help.Text == "" || ru.Help.Markdown == "" {
				t.Errorf("%s: rule %s has empty help", fx.Name, ru.ID)
			}
			if tags := ru.Properties.Tags; len(tags) == 0 || tags[len(tags)-1] != "security" {
				t.Errorf("%s: rule %s tags %q do not end in security", fx.Name, ru.ID, tags)
			}
		}
		fps := make(map[string]bool)
		for _, res := range d.Runs[0].Results {
			if res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("%s: result %s has ruleIndex %d", fx.Name, res.RuleID, res.RuleIndex)
			}
			if strings.TrimSpace(res.Message.Text) == "" {
				t.Errorf("%s: result of %s has no message", fx.Name, res.RuleID)
			}
			if len(res.Locations) != 1 {
				t.Errorf("%s: result of %s has %d locations, want 1", fx.Name, res.RuleID, len(res.Locations))
				continue
			}
			loc := res.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI == "" || loc.ArtifactLocation.URI == "." || loc.Region.StartLine < 1 {
				t.Errorf("%s: result of %s has location %+v", fx.Name, res.RuleID, loc)
			}
			fp := res.PartialFingerprints["primaryLocationLineHash"]
			if fp == "" || fps[fp] {
				t.Errorf("%s: result of %s has fingerprint %q (empty or repeated)", fx.Name, res.RuleID, fp)
			}
			fps[fp] = true
		}
	}
}

func TestResults(t *testing.T) {
	d := decode(t, fixture(t, "full"), Options{Rules: testRules})
	type row struct {
		Rule, Level, URI string
		Line             int
		Suppressed       bool
	}
	var got []row
	for _, res := range d.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		got = append(got, row{res.RuleID, res.Level, loc.ArtifactLocation.URI, loc.Region.StartLine, len(res.Suppressions) > 0})
	}
	want := []row{
		{"access-mfa-required", "note", ".ssdf.yaml", 1, false},
		{"access-signed-commits", "error", ".ssdf.yaml", 1, false},
		{"access-signed-commits", "error", ".ssdf.yaml", 1, false},
		{"auditlog-available", "note", ".ssdf.yaml", 1, false},
		{"build-hermetic", "warning", ".ssdf.yaml", 1, false},
		{"build-locked-install", "error", ".github/workflows/ci.yml", 42, false},
		{"build-locked-install", "error", "Dockerfile", 7, false},
		{"build-lockfile", "error", "tools/legacy/package.json", 1, true},
		{"codeowners-coverage", "error", "scripts/release.sh", 1, false},
		{"codeowners-coverage", "error", "tools/legacy/package.json", 1, false},
		{"codeowners-coverage", "error", "tools/legacy/index.js", 1, false},
		{"codeowners-valid", "error", ".github/CODEOWNERS", 14, false},
		{"criteria-security-dod", "note", ".github/pull_request_template.md", 1, false},
		{"owners-minimal", "note", ".ssdf.yaml", 1, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for _, res := range d.Runs[0].Results {
		if res.RuleID == "build-lockfile" {
			s := res.Suppressions[0]
			if s.Kind != "external" || s.Status != "accepted" || !strings.HasPrefix(s.Justification, "Waived until 2027-03-31") {
				t.Errorf("suppression = %+v", s)
			}
		}
	}
	for _, ru := range d.Runs[0].Tool.Driver.Rules {
		switch ru.ID {
		case "build-hermetic":
			if ru.DefaultConfiguration.Level != "warning" {
				t.Errorf("advisory rule level %q", ru.DefaultConfiguration.Level)
			}
		case "codeowners-valid":
			if !strings.Contains(ru.Help.Markdown, "**Remediation:** Fix the reported lines.") {
				t.Errorf("rule help from Options.Rules not used: %q", ru.Help.Markdown)
			}
		}
	}
}

func TestAnchor(t *testing.T) {
	fail := func(details string) report.Result {
		res := report.Result{Check: "c", Status: report.StatusFail, Required: true, Reason: "r"}
		if details != "" {
			res.Details = json.RawMessage(details)
		}
		return res
	}
	for _, tc := range []struct {
		name, policy, details, want string
	}{
		{"default policy", "default", "", ".ssdf.yaml"},
		{"policy file", "config/ssdf.yml", "", "config/ssdf.yml"},
		{"policy file, dotted", "./.ssdf.yaml", "", ".ssdf.yaml"},
		{"policy outside", "../policy.yaml", "", ".ssdf.yaml"},
		{"policy absolute", "/etc/ssdf.yaml", "", ".ssdf.yaml"},
		{"details path", "default", `{"path": ".github/CODEOWNERS"}`, ".github/CODEOWNERS"},
		{"details path wins", "p.yaml", `{"path": "CODEOWNERS"}`, "CODEOWNERS"},
		{"details path outside", "p.yaml", `{"path": "../x"}`, "p.yaml"},
		{"details path not a string", "default", `{"path": 3}`, ".ssdf.yaml"},
		{"details not an object", "default", `[1, 2]`, ".ssdf.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Policy: report.Policy{Source: tc.policy}, Results: []report.Result{fail(tc.details)}}
			d := decode(t, r, Options{})
			loc := d.Runs[0].Results[0].Locations[0]
			if got := loc.PhysicalLocation.ArtifactLocation.URI; got != tc.want {
				t.Errorf("anchor %q, want %q", got, tc.want)
			}
			if loc.Message == nil || !strings.Contains(loc.Message.Text, "No file is associated") {
				t.Errorf("anchored location without explanation: %+v", loc.Message)
			}
		})
	}
}

func TestURI(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.go":                   "a/b.go",
		"a b/c.yml":                "a%20b/c.yml",
		"#frag?q=1%20x":            "%23frag%3Fq=1%2520x",
		`C:\Windows\x.txt`:         "./C:/Windows/x.txt",
		"docs/<script>.md":         "docs/%3Cscript%3E.md",
		".github/workflows/ci.yml": ".github/workflows/ci.yml",
	} {
		if got := uri(in); got != want {
			t.Errorf("uri(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFingerprintStable: the fingerprint ignores the line, so moving a
// finding does not make a new alert, while another message does.
func TestFingerprintStable(t *testing.T) {
	mk := func(line int, msg string) *report.Report {
		return &report.Report{Results: []report.Result{{
			Check: "c", Status: report.StatusFail, Required: true,
			Findings: []report.Finding{{Path: "a.yml", Line: line, Message: msg}},
		}}}
	}
	fp := func(r *report.Report) string {
		return decode(t, r, Options{}).Runs[0].Results[0].PartialFingerprints["primaryLocationLineHash"]
	}
	if a, b := fp(mk(3, "m")), fp(mk(30, "m")); a != b {
		t.Errorf("fingerprint changed with the line: %s, %s", a, b)
	}
	if a, b := fp(mk(3, "m")), fp(mk(3, "n")); a == b {
		t.Errorf("fingerprint ignores the message")
	}
}

func TestNoResultsForPassing(t *testing.T) {
	r := &report.Report{Results: []report.Result{
		{Check: "a", Status: report.StatusPass, Required: true, Findings: []report.Finding{{Path: "x", Message: "info"}}},
		{Check: "b", Status: report.StatusNotApplicable, Required: true},
	}}
	d := decode(t, r, Options{})
	if n := len(d.Runs[0].Results); n != 0 {
		t.Errorf("%d results for passing checks, want 0", n)
	}
	if n := len(d.Runs[0].Tool.Driver.Rules); n != 2 {
		t.Errorf("%d rules, want 2", n)
	}
}
