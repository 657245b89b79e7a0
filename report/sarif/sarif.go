// Package sarif renders a report as SARIF 2.1.0 for GitHub code scanning
// (and any other SARIF consumer).
//
// One run; tool.driver is ssdf; its rules are the checks of the report,
// sorted by ID, with the SSDF task IDs (and "security") as
// properties.tags. A check that failed or is unknown gives one result per
// finding (or one result for the check when it has no findings): fail is
// level "error" when the check is required and "warning" when it is
// advisory, unknown is "note". A waived check gives the results it would
// give on failure, each carrying an external, accepted suppression whose
// justification is the waiver's reason. Passing and not-applicable checks give
// no results.
//
// # Results without a file
//
// GitHub code scanning rejects a result without a location ("expected at
// least one location") or with an empty URI, and many of ssdf's results are
// about settings, not files (MFA, branch protection, unsigned commits). Such
// a result is anchored, at line 1, to the most relevant file there is: the
// check's details.path when it names a repository path (e.g. the CODEOWNERS
// file); else the policy file in force when it is a repository path; else
// .ssdf.yaml, the policy file's default name, where an exception for the
// check would be written. The location's message says that it is an anchor.
// This is the approach of OpenSSF Scorecard (which anchors repository-level
// results to a pseudo-path), but with a path that is a valid URI reference and
// meaningful to the reader.
//
// A finding with a path but no line is shown at line 1: GitHub's
// documentation lists region.startLine as required, and SARIF validators warn
// about locations without a region.
//
// # Fingerprints
//
// partialFingerprints.primaryLocationLineHash, the one fingerprint GitHub
// uses, is set to a hash of check, finding path and message (not the line,
// not the anchor) plus an occurrence counter, so an alert survives edits that
// move its line and is not duplicated across runs. The upload action
// computes this fingerprint from file content only when it is absent, which
// would fail for anchored results.
//
// No automationDetails is written: one ssdf run per repository needs no
// category, and the upload action's category input sets one when needed.
package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ssdf-dev/ssdf/report"
)

// SchemaURI is the $schema of the output: the OASIS SARIF 2.1.0 schema.
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// InformationURI is the tool's home page.
const InformationURI = "https://github.com/ssdf-dev/ssdf"

// SourceRoot is the uriBaseId of every location: the repository root.
const SourceRoot = "%SRCROOT%"

// DefaultPolicyPath anchors results without a file when no better file is
// known (SPEC §6).
const DefaultPolicyPath = ".ssdf.yaml"

// maxDescription is GitHub's limit on shortDescription and fullDescription.
const maxDescription = 1024

// Rule describes a check, as the check list documents it.
type Rule struct {
	ID          string
	Title       string
	Doc         string // Markdown; its first paragraph is the full description
	Remediation string
	Tasks       []string
}

// Options says how to render.
type Options struct {
	// Rules documents the checks, by ID. A check missing here gets a rule
	// built from its result's title, tasks and remediation.
	Rules map[string]Rule
}

// Write renders r to w as SARIF.
func Write(w io.Writer, r *report.Report, opts Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(build(r, opts)); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// The SARIF objects ssdf writes, in the order the specification lists their
// properties.

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool                     tool                        `json:"tool"`
	OriginalURIBaseIDs       map[string]artifactLocation `json:"originalUriBaseIds,omitempty"`
	VersionControlProvenance []versionControlDetails     `json:"versionControlProvenance,omitempty"`
	Results                  []result                    `json:"results"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []rule `json:"rules"`
}

type rule struct {
	ID                   string         `json:"id"`
	ShortDescription     message        `json:"shortDescription"`
	FullDescription      message        `json:"fullDescription"`
	DefaultConfiguration configuration  `json:"defaultConfiguration"`
	Help                 message        `json:"help"`
	Properties           ruleProperties `json:"properties"`
}

type configuration struct {
	Level string `json:"level"`
}

type ruleProperties struct {
	Tags []string `json:"tags"`
}

type message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type versionControlDetails struct {
	RepositoryURI string `json:"repositoryUri"`
	RevisionID    string `json:"revisionId,omitempty"`
	Branch        string `json:"branch,omitempty"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             message           `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          resultProperties  `json:"properties"`
}

type location struct {
	PhysicalLocation physicalLocation `json:"physicalLocation"`
	Message          *message         `json:"message,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           region           `json:"region"`
}

type artifactLocation struct {
	URI         string   `json:"uri,omitempty"`
	URIBaseID   string   `json:"uriBaseId,omitempty"`
	Description *message `json:"description,omitempty"`
}

type region struct {
	StartLine int `json:"startLine"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type resultProperties struct {
	Status   string   `json:"status"`
	Required bool     `json:"required"`
	Tasks    []string `json:"tasks"`
}

func build(r *report.Report, opts Options) sarifLog {
	results := r.AllResults()

	// The rules: every check of the report, sorted by ID.
	var ids []string
	byID := make(map[string]report.Result)
	for _, res := range results {
		if _, ok := byID[res.Check]; !ok {
			byID[res.Check] = res
			ids = append(ids, res.Check)
		}
	}
	slices.Sort(ids)
	index := make(map[string]int, len(ids))
	rules := make([]rule, 0, len(ids))
	for i, id := range ids {
		index[id] = i
		rules = append(rules, makeRule(byID[id], opts.Rules))
	}

	out := []result{}
	seen := make(map[string]int) // fingerprint → occurrences so far
	for _, res := range results {
		level, suppress := classify(res)
		if level == "" {
			continue
		}
		base := result{
			RuleID:    res.Check,
			RuleIndex: index[res.Check],
			Level:     level,
			Properties: resultProperties{
				Status:   res.Status,
				Required: res.Required,
				Tasks:    nonNil(res.Tasks),
			},
		}
		if suppress {
			base.Suppressions = []suppression{{Kind: "external", Status: "accepted", Justification: res.Reason}}
		}
		findings := res.Findings
		if len(findings) == 0 {
			findings = []report.Finding{{Message: res.Reason}}
		}
		for _, f := range findings {
			x := base
			text := f.Message
			if strings.TrimSpace(text) == "" {
				text = res.Reason
			}
			if strings.TrimSpace(text) == "" {
				text = res.Check + ": " + res.Status
			}
			x.Message = message{Text: text}
			x.Locations = []location{locate(r, res, f)}
			fp := fingerprint(res.Check, f.Path, f.Message)
			seen[fp]++
			x.PartialFingerprints = map[string]string{
				"primaryLocationLineHash": fp[:16] + ":" + strconv.Itoa(seen[fp]),
				"ssdfFindingHash/v1":      fp,
			}
			out = append(out, x)
		}
	}

	ru := run{
		Tool: tool{Driver: driver{
			Name:           "ssdf",
			Version:        r.Tool.Version,
			InformationURI: InformationURI,
			Rules:          rules,
		}},
		OriginalURIBaseIDs: map[string]artifactLocation{
			SourceRoot: {Description: &message{Text: "The root of the scanned repository."}},
		},
		Results: out,
	}
	if u, err := url.Parse(r.Target.URL); err == nil && u.IsAbs() && u.Host != "" {
		ru.VersionControlProvenance = []versionControlDetails{{
			RepositoryURI: u.String(),
			RevisionID:    r.Target.Commit,
			Branch:        r.Target.Branch,
		}}
	}
	return sarifLog{Schema: SchemaURI, Version: "2.1.0", Runs: []run{ru}}
}

// classify gives the level of a result's SARIF results, "" for none, and
// whether they are suppressed.
func classify(res report.Result) (level string, suppressed bool) {
	failLevel := "warning"
	if res.Required {
		failLevel = "error"
	}
	switch res.Status {
	case report.StatusPass, report.StatusNotApplicable:
		return "", false
	case report.StatusFail:
		return failLevel, false
	case report.StatusWaived:
		return failLevel, true
	}
	// unknown, and any status this renderer does not know.
	return "note", false
}

func makeRule(res report.Result, rules map[string]Rule) rule {
	ru, ok := rules[res.Check]
	if !ok {
		ru = Rule{Title: res.Title, Remediation: res.Remediation}
	}
	if len(ru.Tasks) == 0 {
		ru.Tasks = res.Tasks
	}
	title := oneLine(ru.Title)
	if title == "" {
		title = res.Check
	}
	full := firstParagraph(ru.Doc)
	if full == "" {
		full = title
	}

	var tasks []string
	for _, t := range ru.Tasks {
		if !slices.Contains(tasks, t) {
			tasks = append(tasks, t)
		}
	}
	slices.Sort(tasks)

	doc := strings.TrimSpace(ru.Doc)
	if doc == "" {
		doc = title + "."
	}
	text, md := doc, doc
	if rem := strings.TrimSpace(ru.Remediation); rem != "" {
		text += "\n\nRemediation: " + rem
		md += "\n\n**Remediation:** " + rem
	}
	if len(tasks) > 0 {
		text += "\n\nSSDF tasks: " + strings.Join(tasks, ", ") + "."
		md += "\n\n**SSDF tasks:** " + strings.Join(tasks, ", ")
	}

	level := "warning"
	if res.Required {
		level = "error"
	}
	return rule{
		ID:                   res.Check,
		ShortDescription:     message{Text: truncate(title, maxDescription)},
		FullDescription:      message{Text: truncate(full, maxDescription)},
		DefaultConfiguration: configuration{Level: level},
		Help:                 message{Text: text, Markdown: md},
		Properties:           ruleProperties{Tags: append(tasks, "security")},
	}
}

// locate gives a finding's location: its path and line, or the anchor for
// results without a file (see the package documentation).
func locate(r *report.Report, res report.Result, f report.Finding) location {
	line := max(f.Line, 1)
	if f.Path != "" {
		return location{PhysicalLocation: physical(f.Path, line)}
	}
	anchor, why := DefaultPolicyPath, "the default policy file"
	if p := detailsPath(res.Details); p != "" {
		anchor, why = p, "the file the check examined"
	} else if src := r.Policy.Source; src != "default" && repoPath(src) {
		anchor, why = path.Clean(src), "the policy file"
	}
	return location{
		PhysicalLocation: physical(anchor, 1),
		Message:          &message{Text: "No file is associated with this result; it is shown on " + why + "."},
	}
}

func physical(p string, line int) physicalLocation {
	return physicalLocation{
		ArtifactLocation: artifactLocation{URI: uri(p), URIBaseID: SourceRoot},
		Region:           region{StartLine: line},
	}
}

// uri turns a repository path into a relative URI reference: forward
// slashes, percent-encoded where needed.
func uri(p string) string {
	return (&url.URL{Path: strings.ReplaceAll(p, `\`, "/")}).String()
}

// detailsPath is details.path when the details are an object whose path is a
// repository path.
func detailsPath(details json.RawMessage) string {
	var d struct {
		Path any `json:"path"`
	}
	if json.Unmarshal(details, &d) != nil {
		return ""
	}
	p, ok := d.Path.(string)
	if !ok || !repoPath(p) {
		return ""
	}
	return path.Clean(p)
}

// repoPath reports whether p is a clean-able path inside the repository.
func repoPath(p string) bool {
	if p == "" || strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "://") || path.IsAbs(p) {
		return false
	}
	c := path.Clean(p)
	return c != "." && c != ".." && !strings.HasPrefix(c, "../")
}

// fingerprint is a hash of what identifies a finding across runs.
func fingerprint(check, path, msg string) string {
	h := sha256.New()
	for _, s := range []string{check, path, msg} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func firstParagraph(doc string) string {
	doc = strings.TrimSpace(strings.ReplaceAll(doc, "\r\n", "\n"))
	if i := strings.Index(doc, "\n\n"); i >= 0 {
		doc = doc[:i]
	}
	return oneLine(doc)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
