package policy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// specExample is the example policy of SPEC.md §6, verbatim.
const specExample = `version: 1
reviewPeriodDays: 365          # PO.2.1 and PO.4.2 annual reviews
exclude: ["legacy/**"]         # added to the default exclusions
checks:
  build-provenance: {required: false}      # advisory
  codeowners-coverage: {threshold: 95}
requiredTools: [sast, secret-scanning]
securityKeywords: [security, threat, secret]
owners: {min: 2, max: 5}
reviews: {min: 2}
signedCommits: {window: 50, days: 90, threshold: 100, allowedSigners: .github/allowed_signers}
tracker: {kind: redmine, url: https://redmine.example.org, project: widget}
exceptions:
  - check: build-lockfile
    paths: ["tools/legacy/**"]
    reason: vendored tool, rebuilt from source by the release job
    ticket: https://redmine.example.org/issues/4711
    approvedBy: alice
    expires: 2027-03-31
`

func ptr[T any](v T) *T { return &v }

func load(t *testing.T, src string) *Policy {
	t.Helper()
	p, err := Load("p.yaml", []byte(src), ssdf.CheckIDs)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return p
}

func TestLoadSpecExample(t *testing.T) {
	got := load(t, specExample)
	want := &Policy{
		Version:          1,
		ReviewPeriodDays: 365,
		Exclude:          []string{"legacy/**"},
		Checks: map[string]CheckConfig{
			"build-provenance":    {Required: ptr(false), Line: 5},
			"codeowners-coverage": {Threshold: ptr(95.0), Line: 6},
		},
		RequiredTools:    []string{"sast", "secret-scanning"},
		SecurityKeywords: []string{"security", "threat", "secret"},
		Owners:           Owners{Min: 2, Max: 5},
		Reviews:          Reviews{Min: 2},
		SignedCommits:    SignedCommits{Window: 50, Days: 90, Threshold: 100, AllowedSigners: ".github/allowed_signers"},
		Tracker:          &Tracker{Kind: "redmine", URL: "https://redmine.example.org", Project: "widget", Line: 12},
		AuditLog:         AuditLog{FreshnessHours: 24},
		Exceptions: []Exception{{
			Check:      "build-lockfile",
			Paths:      []string{"tools/legacy/**"},
			Reason:     "vendored tool, rebuilt from source by the release job",
			Ticket:     "https://redmine.example.org/issues/4711",
			ApprovedBy: "alice",
			Expires:    time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC),
			Line:       14,
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(SPEC §6 example) mismatch (-want +got):\n%s", diff)
	}
	if probs := got.Exceptions[0].Problems(time.Date(2027, 3, 31, 23, 0, 0, 0, time.UTC)); len(probs) != 0 {
		t.Errorf("the example exception has problems on its expiry day: %v", probs)
	}
}

func TestLoadGood(t *testing.T) {
	tests := []struct {
		name string
		src  string
		edit func(p *Policy) // applied to Default() to give the want
	}{
		{"empty", "", nil},
		{"only comments", "# policy\n\n   # nothing yet\n", nil},
		{"document marker only", "---\n...\n", nil},
		{"null document", "~\n", nil},
		{"byte order mark", "\ufeffversion: 1\n", nil},
		{"CRLF line ends", "version: 1\r\nreviews:\r\n  min: 3\r\n", func(p *Policy) { p.Reviews.Min = 3 }},
		{"partial override keeps other defaults", "owners: {max: 7}\nsignedCommits: {days: 30}\n", func(p *Policy) {
			p.Owners.Max = 7
			p.SignedCommits.Days = 30
		}},
		{"expires as a quoted string", "exceptions:\n- check: build-hermetic\n  expires: \"2026-12-01\"\n", func(p *Policy) {
			p.Exceptions = []Exception{{Check: "build-hermetic", Expires: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Line: 2}}
		}},
		{"missing reason, ticket, approver and expiry are not load errors", "exceptions:\n  - check: build-hermetic\n", func(p *Policy) {
			p.Exceptions = []Exception{{Check: "build-hermetic", Line: 2}}
		}},
		{"null strings are empty", "exceptions:\n  - {check: build-hermetic, reason: ~, ticket: , expires: null}\n", func(p *Policy) {
			p.Exceptions = []Exception{{Check: "build-hermetic", Line: 2}}
		}},
		{"a numeric ticket is its text", "exceptions:\n  - {check: build-hermetic, ticket: 4711}\n", func(p *Policy) {
			p.Exceptions = []Exception{{Check: "build-hermetic", Ticket: "4711", Line: 2}}
		}},
		{"null lists and sections", "exclude:\nchecks:\nrequiredTools:\nowners:\ntracker:\nexceptions:\n", nil},
		{"check with null settings", "checks:\n  build-hermetic:\n", func(p *Policy) {
			p.Checks["build-hermetic"] = CheckConfig{Line: 2}
		}},
		{"threshold as a float, required true", "checks:\n  codeowners-coverage: {threshold: 87.5, required: true}\n", func(p *Policy) {
			p.Checks["codeowners-coverage"] = CheckConfig{Required: ptr(true), Threshold: ptr(87.5), Line: 2}
		}},
		{"tracker without url or project", "\n\ntracker:\n  kind: github\n", func(p *Policy) {
			p.Tracker = &Tracker{Kind: "github", Line: 3}
		}},
		{"security keywords replace the defaults", "securityKeywords: [CWE]\n", func(p *Policy) {
			p.SecurityKeywords = []string{"CWE"}
		}},
		{"every tool type", "requiredTools: [" + strings.Join(ToolTypes, ", ") + "]\n", func(p *Policy) {
			p.RequiredTools = ToolTypes
		}},
		{"globs", `exclude: ["**", "a/**/b", "*.go", "[a-z]?/x", "docs/", "\\*"]` + "\n", func(p *Policy) {
			p.Exclude = []string{"**", "a/**/b", "*.go", "[a-z]?/x", "docs/", `\*`}
		}},
		{"integers in other notations", "reviewPeriodDays: 0x10\nsignedCommits: {window: 1_000}\n", func(p *Policy) {
			p.ReviewPeriodDays = 16
			p.SignedCommits.Window = 1000
		}},
		{"anchors, aliases and merges", `exclude: &ex ["legacy/**"]
exceptions:
  - &base
    check: build-lockfile
    paths: *ex
    reason: shared reason
    expires: 2027-01-31
  - <<: *base
    check: build-hermetic
  - *base
`, func(p *Policy) {
			exp := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
			p.Exclude = []string{"legacy/**"}
			p.Exceptions = []Exception{
				{Check: "build-lockfile", Paths: []string{"legacy/**"}, Reason: "shared reason", Expires: exp, Line: 3},
				{Check: "build-hermetic", Paths: []string{"legacy/**"}, Reason: "shared reason", Expires: exp, Line: 8},
				{Check: "build-lockfile", Paths: []string{"legacy/**"}, Reason: "shared reason", Expires: exp, Line: 10},
			}
		}},
		{"merge of a list of mappings, earlier wins", "owners:\n  <<: [{min: 1, max: 3}, {min: 2, max: 4}]\n  max: 9\n", func(p *Policy) {
			p.Owners = Owners{Min: 1, Max: 9}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default()
			if tt.edit != nil {
				tt.edit(want)
			}
			got := load(t, tt.src)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // prefix of the error message
	}{
		// Unknown keys, at every level.
		{"unknown top-level key", "version: 1\nfoo: bar\n", "p.yaml:2: foo: unknown key; known keys are version, reviewPeriodDays,"},
		{"misspelt top-level key", "requiredtools: [sast]\n", "p.yaml:1: requiredtools: unknown key (did you mean requiredTools?)"},
		{"unknown key in a check", "checks:\n  codeowners-coverage:\n    treshold: 95\n", "p.yaml:3: checks.codeowners-coverage.treshold: unknown key (did you mean threshold?)"},
		{"unknown key in owners", "owners: {min: 1, mx: 3}\n", "p.yaml:1: owners.mx: unknown key (did you mean max?)"},
		{"unknown key in reviews", "reviews:\n  minimum: 2\n", "p.yaml:2: reviews.minimum: unknown key"},
		{"unknown key in signedCommits", "signedCommits:\n  windows: 10\n", "p.yaml:2: signedCommits.windows: unknown key (did you mean window?)"},
		{"unknown key in tracker", "tracker:\n  kind: trac\n  uri: https://trac.example.org\n", "p.yaml:3: tracker.uri: unknown key (did you mean url?)"},
		{"unknown key in an exception", "exceptions:\n  - check: build-lockfile\n  - check: build-lockfile\n    approver: bob\n", "p.yaml:4: exceptions[1].approver: unknown key"},

		// Wrong types.
		{"threshold not a number", "checks:\n  codeowners-coverage:\n    threshold: abc\n", `p.yaml:3: checks.codeowners-coverage.threshold: must be a number from 0 to 100 (a percentage), got "abc"`},
		{"threshold a quoted number", "checks: {codeowners-coverage: {threshold: \"95\"}}\n", `p.yaml:1: checks.codeowners-coverage.threshold: must be a number from 0 to 100 (a percentage), got "95"`},
		{"exclude not a list", "exclude: 5\n", "p.yaml:1: exclude: must be a list of glob patterns, got 5"},
		{"exclude a string", "exclude: legacy/**\n", `p.yaml:1: exclude: must be a list of glob patterns, got "legacy/**"`},
		{"exclude item a list", "exclude:\n  - [a]\n", "p.yaml:2: exclude[0]: must be a glob pattern, got a list"},
		{"required not a bool", "checks: {build-provenance: {required: maybe}}\n", `p.yaml:1: checks.build-provenance.required: must be true or false, got "maybe"`},
		{"required yes is not YAML 1.2 bool", "checks: {build-provenance: {required: yes}}\n", `p.yaml:1: checks.build-provenance.required: must be true or false, got "yes"`},
		{"check settings not a mapping", "checks:\n  codeowners-coverage: 95\n", "p.yaml:2: checks.codeowners-coverage: must be a mapping with keys required, threshold, got 95"},
		{"checks a list", "checks: [build-provenance]\n", "p.yaml:1: checks: must be a mapping from check ID to settings, got a list"},
		{"reviewPeriodDays a float", "reviewPeriodDays: 365.5\n", "p.yaml:1: reviewPeriodDays: must be a whole number from 1 to 36500, got 365.5"},
		{"reviewPeriodDays huge", "reviewPeriodDays: 99999999999999999999999\n", "p.yaml:1: reviewPeriodDays: must be a whole number from 1 to 36500, got 99999999999999999999999"},
		{"owners a scalar", "owners: 3\n", "p.yaml:1: owners: must be a mapping with keys min, max, got 3"},
		{"reason a list", "exceptions:\n  - check: build-lockfile\n    reason: [a, b]\n", "p.yaml:3: exceptions[0].reason: must be a string, got a list"},
		{"ticket a mapping", "exceptions:\n  - check: build-lockfile\n    ticket: {id: 1}\n", "p.yaml:3: exceptions[0].ticket: must be a ticket URL or ID, got a mapping"},
		{"approvedBy with a custom tag", "exceptions:\n  - check: build-lockfile\n    approvedBy: !person bob\n", `p.yaml:3: exceptions[0].approvedBy: must be a string, got !person "bob"`},
		{"paths not a list", "exceptions:\n  - check: build-lockfile\n    paths: 7\n", "p.yaml:3: exceptions[0].paths: must be a list of glob patterns, got 7"},
		{"exceptions a mapping", "exceptions: {check: build-lockfile}\n", "p.yaml:1: exceptions: must be a list of exceptions, got a mapping"},
		{"exception a string", "exceptions:\n  - build-lockfile\n", `p.yaml:2: exceptions[0]: must be a mapping with keys check, paths, reason, ticket, approvedBy, expires, got "build-lockfile"`},
		{"exception null", "exceptions:\n  -\n", "p.yaml:2: exceptions[0]: must be a mapping with keys check, paths, reason, ticket, approvedBy, expires, got null"},
		{"non-string key", "? [a, b]\n: c\n", "p.yaml:1: a key must be a string, got a list"},
		{"tagged mapping", "owners: !custom {min: 1}\n", "p.yaml:1: owners: must be a mapping with keys min, max, got a mapping tagged !custom"},
		{"binary scalar", "exceptions:\n  - check: !!binary YnVpbGQtbG9ja2ZpbGU=\n", `p.yaml:2: exceptions[0].check: must be a check ID, got !!binary "YnVpbGQtbG9ja2ZpbGU="`},
		{"alias to a wrong type is reported where it is used", "exclude: &m [a]\n\nreviewPeriodDays: *m\n", "p.yaml:3: reviewPeriodDays: must be a whole number from 1 to 36500, got a list"},
		{"tracker a string", "tracker: redmine\n", `p.yaml:1: tracker: must be a mapping with keys kind, url, project, got "redmine"`},

		// Dates.
		{"month 13", "exceptions:\n  - check: build-lockfile\n    expires: 2027-13-01\n", `p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got "2027-13-01"`},
		{"February 30", "exceptions:\n  - check: build-lockfile\n    expires: 2027-02-30\n", `p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got "2027-02-30"`},
		{"next year", "exceptions:\n  - check: build-lockfile\n    expires: next year\n", `p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got "next year"`},
		{"one-digit month", "exceptions:\n  - check: build-lockfile\n    expires: 2027-3-31\n", "p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got 2027-3-31"},
		{"timestamp with time", "exceptions:\n  - check: build-lockfile\n    expires: 2027-03-31T12:00:00Z\n", "p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got 2027-03-31T12:00:00Z"},
		{"date as a number", "exceptions:\n  - check: build-lockfile\n    expires: 20270331\n", "p.yaml:3: exceptions[0].expires: must be a date YYYY-MM-DD, got 20270331"},

		// Values out of range or unknown.
		{"version 2", "version: 2\n", "p.yaml:1: version: unsupported version 2: this ssdf reads version 1"},
		{"version as a string", "version: \"1\"\n", `p.yaml:1: version: unsupported version "1": this ssdf reads version 1`},
		{"version 1.0", "version: 1.0\n", "p.yaml:1: version: unsupported version 1.0: this ssdf reads version 1"},
		{"unknown check ID", "checks:\n  codeowner-coverage: {threshold: 90}\n", `p.yaml:2: checks.codeowner-coverage: unknown check ID "codeowner-coverage" (did you mean codeowners-coverage?)`},
		{"unknown check ID far from any", "checks:\n  zzz: {}\n", `p.yaml:2: checks.zzz: unknown check ID "zzz"`},
		{"unknown exception check", "exceptions:\n  - check: build-lockfiles\n", `p.yaml:2: exceptions[0].check: unknown check ID "build-lockfiles" (did you mean build-lockfile?)`},
		{"exception without check", "exceptions:\n  - reason: r\n    ticket: T-1\n", "p.yaml:2: exceptions[0]: missing key check"},
		{"tracker kind", "tracker: {kind: jira}\n", `p.yaml:1: tracker.kind: unknown tracker kind "jira"; known kinds are github, gitlab, bugzilla, redmine, mantis, trac`},
		{"tracker without kind", "tracker:\n  url: https://x.example\n", "p.yaml:2: tracker: missing key kind"},
		{"tracker url", "tracker: {kind: trac, url: trac.example.org}\n", `p.yaml:1: tracker.url: must be an http or https URL, got "trac.example.org"`},
		{"threshold over 100", "checks: {codeowners-coverage: {threshold: 101}}\n", "p.yaml:1: checks.codeowners-coverage.threshold: must be a number from 0 to 100 (a percentage), got 101"},
		{"threshold negative", "signedCommits:\n  threshold: -0.5\n", "p.yaml:2: signedCommits.threshold: must be a number from 0 to 100 (a percentage), got -0.5"},
		{"threshold NaN", "signedCommits: {threshold: .nan}\n", "p.yaml:1: signedCommits.threshold: must be a number from 0 to 100 (a percentage), got .nan"},
		{"negative reviewPeriodDays", "reviewPeriodDays: -1\n", "p.yaml:1: reviewPeriodDays: must be a whole number from 1 to 36500, got -1"},
		{"zero reviewPeriodDays", "reviewPeriodDays: 0\n", "p.yaml:1: reviewPeriodDays: must be a whole number from 1 to 36500, got 0"},
		{"negative reviews", "reviews: {min: -2}\n", "p.yaml:1: reviews.min: must be a whole number from 0 to 100, got -2"},
		{"negative owners", "owners: {min: -1}\n", "p.yaml:1: owners.min: must be a whole number from 0 to 10000, got -1"},
		{"zero window", "signedCommits: {window: 0}\n", "p.yaml:1: signedCommits.window: must be a whole number from 1 to 100000, got 0"},
		{"owners min > max", "owners:\n  min: 4\n  max: 3\n", "p.yaml:2: owners.min: is 4, more than owners.max (3)"},
		{"owners min > default max", "owners: {min: 6}\n", "p.yaml:1: owners.min: is 6, more than owners.max (5, the default)"},
		{"owners max < default min", "owners: {max: 1}\n", "p.yaml:1: owners.max: is 1, less than owners.min (2, the default)"},
		{"empty security keywords", "securityKeywords: []\n", "p.yaml:1: securityKeywords: must not be empty"},
		{"null security keywords", "securityKeywords:\n", "p.yaml:1: securityKeywords: must not be empty"},
		{"blank security keyword", "securityKeywords: [security, \" \"]\n", "p.yaml:1: securityKeywords[1]: a keyword must not be blank"},
		{"unknown tool type", "requiredTools:\n  - sast\n  - secrets-scanning\n", `p.yaml:3: requiredTools[1]: unknown tool type "secrets-scanning" (did you mean secret-scanning?)`},
		{"unknown tool type far from any", "requiredTools: [antivirus]\n", `p.yaml:1: requiredTools[0]: unknown tool type "antivirus"; known types are container-scanning, dast,`},
		{"requiredTools a string", "requiredTools: sast\n", `p.yaml:1: requiredTools: must be a list of tool types, got "sast"`},
		{"malformed exclude glob", "exclude: [\"src/[a-z\"]\n", `p.yaml:1: exclude[0]: malformed glob pattern "src/[a-z": bad segment "[a-z"`},
		{"malformed exception glob", "exceptions:\n  - check: build-lockfile\n    paths:\n      - ok/**\n      - 'bad\\'\n", `p.yaml:5: exceptions[0].paths[1]: malformed glob pattern "bad\\"`},
		{"empty glob", "exclude: [\"\"]\n", "p.yaml:1: exclude[0]: empty glob pattern"},

		// Structure.
		{"duplicate top-level key", "version: 1\nreviews: {min: 1}\nreviews: {min: 2}\n", "p.yaml:3: reviews: duplicate key (first on line 2)"},
		{"duplicate nested key", "exceptions:\n  - check: build-lockfile\n    check: build-hermetic\n", "p.yaml:3: exceptions[0].check: duplicate key (first on line 2)"},
		{"duplicate check ID", "checks:\n  build-hermetic: {}\n  build-hermetic: {}\n", "p.yaml:3: checks.build-hermetic: duplicate key (first on line 2)"},
		{"two documents", "version: 1\n---\nversion: 1\n", "p.yaml:2: a second YAML document"},
		{"second document broken", "version: 1\n---\n[\n", "p.yaml:3: invalid YAML: did not find expected node content"},
		{"top level a list", "- version: 1\n", "p.yaml:1: the policy must be a mapping (key: value) at the top level, got a list"},
		{"top level a string", "hello\n", `p.yaml:1: the policy must be a mapping (key: value) at the top level, got "hello"`},
		{"syntax error", "version: 1\nchecks: {a: [}\n", "p.yaml:2: invalid YAML:"},
		{"bad indentation", "tracker:\n  kind: trac\n url: https://x.example\n", "p.yaml:3: invalid YAML: did not find expected key"},
		{"unclosed flow mapping", "reviews: {min: 1}\n\nsignedCommits: {window: 5\nfoo: bar\n", "p.yaml:3: invalid YAML: did not find expected ',' or '}'"},
		{"tab indentation", "version: 1\n\treviews: 2\n", "p.yaml:2: invalid YAML:"},
		{"undefined alias", "version: 1\nexclude: *nope\n", "p.yaml:2: invalid YAML: unknown anchor 'nope' referenced"},
		{"merge into itself", "owners: &o\n  <<: *o\n", "p.yaml:1: owners: a mapping is merged (<<) into itself"},
		{"merge of a scalar", "owners:\n  <<: 3\n", "p.yaml:2: owners: a merge (<<) takes a mapping or a list of mappings, got 3"},
		{"invalid UTF-8", "version: 1\nexclude: [\"caf\xe9\"]\n", "p.yaml:2: invalid UTF-8 (byte 0xe9 at offset 25)"},
		{"NUL byte", "version: 1\n\x00", "p.yaml:2: control character U+0000 (offset 11) is not allowed in YAML"},
		{"UTF-16", "\xff\xfev\x00:\x00 \x001\x00", "p.yaml:1: invalid UTF-8 (byte 0xff at offset 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load("p.yaml", []byte(tt.src), ssdf.CheckIDs)
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want error %q", tt.src, p, tt.want)
			}
			if p != nil {
				t.Errorf("Load(%q) returned a policy with its error", tt.src)
			}
			if got := err.Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("Load(%q) error\n got: %s\nwant: %s...", tt.src, got, tt.want)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Load(%q) error %T is not a *policy.Error", tt.src, err)
			}
			if perr.File != "p.yaml" || perr.Line < 1 {
				t.Errorf("Load(%q) error has File %q, Line %d; want p.yaml and a line", tt.src, perr.File, perr.Line)
			}
		})
	}
}

func TestLoadErrorFields(t *testing.T) {
	src := "checks:\n  codeowners-coverage: {threshold: abc}\nexceptions:\n  - check: build-lockfile\n    expires: soon\n"
	_, err := Load("repo/.ssdf.yaml", []byte(src), ssdf.CheckIDs)
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("Load error %v is not a *policy.Error", err)
	}
	want := &Error{File: "repo/.ssdf.yaml", Line: 2, Key: "checks.codeowners-coverage.threshold", Msg: `must be a number from 0 to 100 (a percentage), got "abc"`}
	if diff := cmp.Diff(want, perr); diff != "" {
		t.Errorf("first error mismatch (-want +got):\n%s", diff)
	}
	// Both errors are reported, in line order.
	wantMsg := "repo/.ssdf.yaml:2: checks.codeowners-coverage.threshold: must be a number from 0 to 100 (a percentage), got \"abc\"\n" +
		"repo/.ssdf.yaml:5: exceptions[0].expires: must be a date YYYY-MM-DD, got \"soon\""
	if diff := cmp.Diff(wantMsg, err.Error()); diff != "" {
		t.Errorf("error message mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadTooManyErrors(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	_, err := Load("p.yaml", []byte(b.String()), ssdf.CheckIDs)
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxErrors+1 || !strings.HasSuffix(lines[len(lines)-1], "too many errors; stopping") {
		t.Errorf("got %d lines ending %q, want %d ending with too many errors", len(lines), lines[len(lines)-1], maxErrors+1)
	}
}

func TestLoadKnownIDs(t *testing.T) {
	// A check ID is valid only if the caller knows it.
	src := "checks: {my-check: {required: false}}\n"
	if _, err := Load("p.yaml", []byte(src), []string{"my-check"}); err != nil {
		t.Errorf("Load with my-check known: %v", err)
	}
	if _, err := Load("p.yaml", []byte(src), nil); err == nil {
		t.Error("Load with no known IDs succeeded, want an unknown check ID error")
	}
}

func TestLoadSizeLimit(t *testing.T) {
	ok := "#" + strings.Repeat("x", MaxSize-2) + "\n"
	if _, err := Load("p.yaml", []byte(ok), ssdf.CheckIDs); err != nil {
		t.Errorf("Load of a %d-byte file: %v", len(ok), err)
	}
	big := ok + "\n"
	_, err := Load("p.yaml", []byte(big), ssdf.CheckIDs)
	want := "p.yaml: the policy file is 1048577 bytes, more than the limit of 1 MiB (1048576 bytes)"
	if err == nil || err.Error() != want {
		t.Errorf("Load of a %d-byte file: %v, want %q", len(big), err, want)
	}
}

func TestDigest(t *testing.T) {
	tests := []struct {
		data string
		want string
	}{
		{"", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"version: 1\n", "sha256:09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847"},
	}
	for _, tt := range tests {
		if got := Digest([]byte(tt.data)); got != tt.want {
			t.Errorf("Digest(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}

// TestLoadHostile checks that inputs built to exhaust time, memory or stack
// are refused with an error, quickly.
func TestLoadHostile(t *testing.T) {
	laughs := func(where string) string {
		var b strings.Builder
		b.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
		for c := 'b'; c <= 'i'; c++ {
			fmt.Fprintf(&b, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c-1, c-1, c-1, c-1, c-1, c-1, c-1, c-1, c-1)
		}
		b.WriteString(where)
		return b.String()
	}
	// Merges nest: each level merges ten copies of the one before.
	var merges strings.Builder
	merges.WriteString("x0: &x0 {min: 1}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&merges, "x%d: &x%d {<<: [*x%d,*x%d,*x%d,*x%d,*x%d,*x%d,*x%d,*x%d,*x%d,*x%d]}\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	merges.WriteString("owners: {<<: [*x9,*x9,*x9,*x9,*x9,*x9,*x9,*x9,*x9,*x9]}\n")

	tests := []struct {
		name     string
		src      string
		want     string // prefix of the error
		contains string // in the error
	}{
		{"billion laughs under unknown keys", laughs(""), "p.yaml:1: a: unknown key", ""},
		{"billion laughs as exclude", laughs("exclude: *i\n"), "p.yaml:1: a: unknown key", "p.yaml:9: exclude[0]: must be a glob pattern, got a list"},
		{"billion laughs as the whole document", laughs("") + "---\n*i\n", "p.yaml:10: a second YAML document", ""},
		{"nested merges", merges.String(), "p.yaml:1: x0: unknown key", "p.yaml:1: owners: the document expands to more than 2097152 nodes through aliases"},
		{"10,000 levels of [", strings.Repeat("[", 10000), "p.yaml:1: invalid YAML: did not find expected node content", ""},
		{"10,000 levels of [ closed", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), "p.yaml:1: the policy must be a mapping (key: value) at the top level, got a list", ""},
		{"10,000 levels of [ as a value", "exclude: " + strings.Repeat("[", 9999) + strings.Repeat("]", 9999), "p.yaml:1: exclude[0]: must be a glob pattern, got a list", ""},
		{"100,000 levels of [", strings.Repeat("[", 100000), "p.yaml:1: invalid YAML: exceeded max depth of 10000", ""},
		{"100,000 levels of {", strings.Repeat("{a: ", 100000), "p.yaml:1: invalid YAML: exceeded max depth of 10000", ""},
		{"deep block nesting", strings.Repeat("- ", 20000) + "x\n", "p.yaml:1: invalid YAML: exceeded max depth of 10000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Load("p.yaml", []byte(tt.src), ssdf.CheckIDs)
			if err == nil {
				t.Fatalf("Load succeeded, want an error starting %q", tt.want)
			}
			if got := err.Error(); !strings.HasPrefix(got, tt.want) || !strings.Contains(got, tt.contains) {
				t.Errorf("Load error\n got: %.1000s\nwant: %s... containing %q", got, tt.want, tt.contains)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Load took %v", d)
			}
		})
	}
}

// TestLoadAliasBudget checks the alias budget itself, with a bomb that
// only touches known keys.
func TestLoadAliasBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("exceptions:\n  - &e\n    check: build-lockfile\n    paths: [")
	for range 20000 {
		b.WriteString("a,")
	}
	b.WriteString("]\n")
	for range 20000 {
		b.WriteString("  - *e\n")
	}
	_, err := Load("p.yaml", []byte(b.String()), ssdf.CheckIDs)
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("Load: %v, want a *policy.Error", err)
	}
	if !strings.Contains(perr.Msg, "expands to more than") || perr.Line == 0 || !strings.HasPrefix(perr.Key, "exceptions[") {
		t.Errorf("Load error = %v, want the alias expansion limit with a line and key", perr)
	}
}

// FuzzLoad checks that Load never panics, that its errors are *Error
// naming the file, and that what it accepts is a usable policy.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(specExample))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("f.yaml", data, ssdf.CheckIDs)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T %v is not a *policy.Error", err, err)
			}
			if perr.File != "f.yaml" || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			if p != nil {
				t.Fatal("policy returned with an error")
			}
			return
		}
		if p.Version != 1 || p.ReviewPeriodDays <= 0 {
			t.Fatalf("accepted policy has Version %d, ReviewPeriodDays %d", p.Version, p.ReviewPeriodDays)
		}
		if len(p.SecurityKeywords) == 0 || p.Owners.Min > p.Owners.Max {
			t.Fatalf("accepted policy is inconsistent: %+v", p)
		}
	})
}

func TestDefaultFile(t *testing.T) {
	got, err := Load("default.yaml", defaultYAML, ssdf.CheckIDs)
	if err != nil {
		t.Fatalf("Load(default.yaml): %v", err)
	}
	if diff := cmp.Diff(Default(), got); diff != "" {
		t.Errorf("default.yaml and Default() differ (-Default +default.yaml):\n%s", diff)
	}
	if d := DefaultDigest(); d != Digest(defaultYAML) || !strings.HasPrefix(d, "sha256:") || len(d) != len("sha256:")+64 {
		t.Errorf("DefaultDigest() = %q", d)
	}
}
