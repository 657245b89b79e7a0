// Package cdevents turns a report into CDF CDEvents (specification v0.5.1)
// and sends them to a sink through the CloudEvents HTTP binding (SSDF
// PO.3.1 names CDEvents for interoperability).
//
// One scan is one test-suite run and each SSDF task one test-case run:
//
//	dev.cdevents.testsuiterun.started.0.3.0   (one, first)
//	dev.cdevents.testcaserun.finished.0.3.0   (one per task, in report order)
//	dev.cdevents.testsuiterun.finished.0.3.0  (one, last)
//
// The type versions are those of the v0.5.1 schemas. Every event's context
// carries specversion "0.5.1", a fresh UUID v4 as id, the report's
// generatedAt as timestamp, "ssdf/" and the target as source, and the
// suite run's id as chainId so that a consumer can group the events of one
// scan. The subject of a test-case run names its suite run in testSuiteRun.
//
// Outcomes. CDEvents has four outcomes (success, failure, cancel, error);
// ssdf's task statuses map as follows:
//
//	pass           → success
//	fail           → failure
//	unknown        → error    (the assessment could not be completed; never
//	                           reported as success: "could not tell" is not OK)
//	not-applicable → success  (no required check applies; the task does not
//	                           count against the scan, exactly as in the
//	                           report's overall status), with reason saying
//	                           "not-applicable"
//
// CDEvents also has testcaserun.skipped, but the issue promises one
// testcaserun.finished per task, so a consumer can count on one finished
// event per task; the exact ssdf status is always in customData.status and
// in the reason. The suite's outcome is the report's overall status
// (report.Status) through the same table.
//
// customData (customDataContentType application/json) holds ssdf's own
// details: the target, the report digest ("sha256:" and the hex digest of
// the JSON report as `ssdf scan --format json` writes it, the digest the
// ledger records), and for a task its status and its checks with their
// statuses and reasons.
package cdevents

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssdf-dev/ssdf/report"
)

// SpecVersion is the CDEvents specification version of the events.
const SpecVersion = "0.5.1"

// The event types, exactly as the v0.5.1 schemas give them.
const (
	TypeTestSuiteRunStarted  = "dev.cdevents.testsuiterun.started.0.3.0"
	TypeTestSuiteRunFinished = "dev.cdevents.testsuiterun.finished.0.3.0"
	TypeTestCaseRunFinished  = "dev.cdevents.testcaserun.finished.0.3.0"
)

// The CDEvents outcomes.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeCancel  = "cancel"
	OutcomeError   = "error"
)

// Event is one CDEvent.
type Event struct {
	Context               Context `json:"context"`
	Subject               Subject `json:"subject"`
	CustomData            any     `json:"customData,omitempty"`
	CustomDataContentType string  `json:"customDataContentType,omitempty"`
}

// Context is the CDEvents context.
type Context struct {
	SpecVersion string    `json:"specversion"`
	ID          string    `json:"id"`
	Source      string    `json:"source"`
	Type        string    `json:"type"`
	Timestamp   time.Time `json:"timestamp"`
	ChainID     string    `json:"chainId,omitempty"`
}

// Subject is the event's subject; Content is one of *SuiteStarted,
// *SuiteFinished, *CaseFinished.
type Subject struct {
	ID      string `json:"id"`
	Source  string `json:"source,omitempty"`
	Content any    `json:"content"`
}

// Environment is where the run happened: for ssdf, the scanned target.
type Environment struct {
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
}

// TestSuite identifies the suite: ssdf's SSDF checks.
type TestSuite struct {
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
	Name    string `json:"name,omitempty"`
	URI     string `json:"uri,omitempty"`
}

// TestCase identifies a test case: an SSDF task.
type TestCase struct {
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	URI     string `json:"uri,omitempty"`
}

// Ref names another subject.
type Ref struct {
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
}

// SuiteStarted is the content of testsuiterun.started.
type SuiteStarted struct {
	Trigger     *Trigger    `json:"trigger,omitempty"`
	Environment Environment `json:"environment"`
	TestSuite   *TestSuite  `json:"testSuite,omitempty"`
}

// Trigger is what started the suite run.
type Trigger struct {
	Type string `json:"type,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// SuiteFinished is the content of testsuiterun.finished.
type SuiteFinished struct {
	Environment Environment `json:"environment"`
	TestSuite   *TestSuite  `json:"testSuite,omitempty"`
	Outcome     string      `json:"outcome"`
	Reason      string      `json:"reason,omitempty"`
}

// CaseFinished is the content of testcaserun.finished.
type CaseFinished struct {
	Outcome      string      `json:"outcome"`
	Reason       string      `json:"reason,omitempty"`
	Environment  Environment `json:"environment"`
	TestSuiteRun *Ref        `json:"testSuiteRun,omitempty"`
	TestCase     *TestCase   `json:"testCase,omitempty"`
}

// SuiteData is the customData of the suite events.
type SuiteData struct {
	Target       report.Target   `json:"target"`
	ReportDigest string          `json:"reportDigest"`
	Tool         report.Tool     `json:"tool"`
	Policy       report.Policy   `json:"policy"`
	Status       string          `json:"status,omitempty"`
	Summary      *report.Summary `json:"summary,omitempty"`
	Tasks        []TaskStatus    `json:"tasks,omitempty"`
}

// TaskStatus is a task and its status.
type TaskStatus struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// CaseData is the customData of a test-case run.
type CaseData struct {
	Task         string        `json:"task"`
	Status       string        `json:"status"`
	Target       report.Target `json:"target"`
	ReportDigest string        `json:"reportDigest"`
	Checks       []CheckStatus `json:"checks"`
}

// CheckStatus is one check of a task and its result.
type CheckStatus struct {
	Check    string `json:"check"`
	Status   string `json:"status"`
	Required bool   `json:"required"`
	Reason   string `json:"reason"`
}

// Outcome maps an ssdf status to a CDEvents outcome (see the package
// documentation). A status this package does not know is an error: "could
// not tell" is never success.
func Outcome(status string) string {
	switch status {
	case report.StatusPass, report.StatusWaived, report.StatusNotApplicable:
		return OutcomeSuccess
	case report.StatusFail:
		return OutcomeFailure
	}
	return OutcomeError
}

// Digest is "sha256:" and the hex digest of the JSON report as
// `ssdf scan --format json` writes it (report.Write).
func Digest(rep *report.Report) (string, error) {
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		return "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// Source is the context source of the events of a report: "ssdf/" and the
// target (its URL without scheme, credentials, query or fragment, else its
// path, else its kind), escaped as a URI reference.
func Source(t report.Target) string {
	name := t.Kind
	switch {
	case t.URL != "":
		name = t.URL
		if u, err := url.Parse(t.URL); err == nil && u.Host != "" {
			name = u.Host + u.EscapedPath()
			if p, err := url.PathUnescape(name); err == nil {
				name = p
			}
		}
	case t.Path != "":
		name = t.Path
	}
	name = strings.TrimSuffix(name, "/")
	if name == "" {
		name = "target"
	}
	return (&url.URL{Path: "ssdf/" + name}).String()
}

// Events returns the events of one scan: testsuiterun.started, a
// testcaserun.finished per task in report order, testsuiterun.finished.
func Events(rep *report.Report) ([]Event, error) {
	if rep == nil {
		return nil, fmt.Errorf("cdevents: no report")
	}
	digest, err := Digest(rep)
	if err != nil {
		return nil, err
	}
	target := redactTarget(rep.Target)
	source := Source(rep.Target)
	at := rep.GeneratedAt.UTC()
	if at.IsZero() {
		return nil, fmt.Errorf("cdevents: the report has no generatedAt")
	}
	runID, err := newID()
	if err != nil {
		return nil, err
	}
	env := Environment{ID: strings.TrimPrefix(source, "ssdf/")}
	suite := &TestSuite{ID: "ssdf", Name: "NIST SSDF Prepare the Organization checks", Version: rep.Tool.Version}
	ctx := func(typ string) (Context, error) {
		id, err := newID()
		return Context{SpecVersion: SpecVersion, ID: id, Source: source, Type: typ, Timestamp: at, ChainID: runID}, err
	}
	suiteData := func() *SuiteData {
		return &SuiteData{Target: target, ReportDigest: digest, Tool: rep.Tool, Policy: rep.Policy}
	}

	out := make([]Event, 0, len(rep.Tasks)+2)
	c, err := ctx(TypeTestSuiteRunStarted)
	if err != nil {
		return nil, err
	}
	out = append(out, Event{
		Context: c,
		Subject: Subject{ID: runID, Source: source, Content: &SuiteStarted{
			Trigger: &Trigger{Type: "other"}, Environment: env, TestSuite: suite,
		}},
		CustomData: suiteData(), CustomDataContentType: "application/json",
	})
	var tasks []TaskStatus
	for _, t := range rep.Tasks {
		tasks = append(tasks, TaskStatus{ID: t.ID, Status: t.Status})
		data := &CaseData{Task: t.ID, Status: t.Status, Target: target, ReportDigest: digest, Checks: []CheckStatus{}}
		for _, res := range rep.TaskResults(t) {
			data.Checks = append(data.Checks, CheckStatus{Check: res.Check, Status: res.Status, Required: res.Required, Reason: res.Reason})
		}
		if c, err = ctx(TypeTestCaseRunFinished); err != nil {
			return nil, err
		}
		out = append(out, Event{
			Context: c,
			Subject: Subject{ID: runID + "/" + t.ID, Source: source, Content: &CaseFinished{
				Outcome:      Outcome(t.Status),
				Reason:       caseReason(t, data.Checks),
				Environment:  env,
				TestSuiteRun: &Ref{ID: runID, Source: source},
				TestCase:     &TestCase{ID: t.ID, Name: t.Title, Type: "compliance"},
			}},
			CustomData: data, CustomDataContentType: "application/json",
		})
	}
	status := rep.Status()
	sd := suiteData()
	sd.Status = status
	sum := rep.Summary
	sd.Summary = &sum
	sd.Tasks = tasks
	if c, err = ctx(TypeTestSuiteRunFinished); err != nil {
		return nil, err
	}
	out = append(out, Event{
		Context: c,
		Subject: Subject{ID: runID, Source: source, Content: &SuiteFinished{
			Environment: env, TestSuite: suite, Outcome: Outcome(status),
			Reason: fmt.Sprintf("%s: %d pass, %d fail, %d unknown, %d not-applicable, %d waived",
				status, sum.Pass, sum.Fail, sum.Unknown, sum.NotApplicable, sum.Waived),
		}},
		CustomData: sd, CustomDataContentType: "application/json",
	})
	return out, nil
}

// caseReason is the task's status and the checks that decided it.
func caseReason(t report.Task, checks []CheckStatus) string {
	var which []string
	for _, c := range checks {
		if c.Required && c.Status == t.Status {
			which = append(which, c.Check)
		}
	}
	if len(which) == 0 {
		return t.Status
	}
	return t.Status + ": " + strings.Join(which, ", ")
}

// redactTarget drops credentials, query and fragment from the target URL.
func redactTarget(t report.Target) report.Target {
	if t.URL != "" {
		t.URL = Redact(t.URL)
	}
	return t
}

// Redact returns the URL without userinfo, query and fragment, for
// messages: these may hold credentials.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	u.RawQuery, u.ForceQuery = "", false
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func newID() (string, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return "", fmt.Errorf("cdevents: event id: %w", err)
	}
	return id.String(), nil
}
