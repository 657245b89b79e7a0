// Package report is the canonical JSON report (SPEC §4). Every output format
// renders this model; nothing renders from the snapshot directly.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Schema identifies the report format; it changes on breaking changes only.
const Schema = "ssdf.report/v1"

// Report is one scan's result.
type Report struct {
	Schema      string    `json:"schema"`
	Tool        Tool      `json:"tool"`
	GeneratedAt time.Time `json:"generatedAt"`
	Target      Target    `json:"target"`
	Policy      Policy    `json:"policy"`
	Summary     Summary   `json:"summary"`
	Tasks       []Task    `json:"tasks"`
	Results     []Result  `json:"results"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target says what was scanned. Kind is "repository" or "organization".
type Target struct {
	Kind   string `json:"kind"`
	Path   string `json:"path,omitempty"`
	URL    string `json:"url,omitempty"`
	Forge  string `json:"forge,omitempty"`
	Branch string `json:"branch,omitempty"`
	Commit string `json:"commit,omitempty"`
}

// Policy names the policy in force: a file, or "default" for the embedded one.
type Policy struct {
	Source string `json:"source"`
	Digest string `json:"digest"`
}

// Summary counts results by status.
type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"notApplicable"`
	Waived        int `json:"waived"`
}

// Task is an SSDF task's aggregate status (SPEC §2).
type Task struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Status string   `json:"status"`
	Checks []string `json:"checks"`
}

// Result is one check's result.
type Result struct {
	Check       string          `json:"check"`
	Title       string          `json:"title"`
	Tasks       []string        `json:"tasks"`
	Required    bool            `json:"required"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason"`
	Findings    []Finding       `json:"findings"`
	Details     json.RawMessage `json:"details,omitempty"`
	Remediation string          `json:"remediation,omitempty"`
}

// Finding is one located observation.
type Finding struct {
	Message string `json:"message"`
	Path    string `json:"path,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// The statuses, as they appear in the report.
const (
	StatusPass          = "pass"
	StatusFail          = "fail"
	StatusUnknown       = "unknown"
	StatusNotApplicable = "not-applicable"
	StatusWaived        = "waived"
)

// Write writes the report as indented JSON followed by a newline.
func Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// Read parses a JSON report and checks its schema.
func Read(r io.Reader) (*Report, error) {
	var rep Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if rep.Schema != Schema {
		return nil, fmt.Errorf("read report: schema %q, want %q", rep.Schema, Schema)
	}
	return &rep, nil
}

// Failed reports whether a required check failed; with unknownFails, also
// whether a required check was unknown. It decides the exit code of scan.
func (r *Report) Failed(unknownFails bool) bool {
	for _, res := range r.Results {
		if !res.Required {
			continue
		}
		if res.Status == StatusFail || (unknownFails && res.Status == StatusUnknown) {
			return true
		}
	}
	return false
}
