// Package check defines what a check is, the Pass through which it sees the
// snapshot and the policy, and the driver that runs a list of checks.
//
// A check is a value (see go/analysis): an ID, its SSDF tasks, its sources,
// its documentation and a pure Run function. Checks are listed explicitly in
// package checks; nothing registers itself.
package check

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// Status is the outcome of one check (SPEC §2).
type Status string

// The statuses, in the order the report counts them.
const (
	Passed        Status = "pass"
	Failed        Status = "fail"
	Unknown       Status = "unknown"
	NotApplicable Status = "not-applicable"
	Waived        Status = "waived"
)

// Source is where a check takes its evidence from (SPEC §3).
type Source string

// The sources.
const (
	Files   Source = "files"
	Git     Source = "git"
	Forge   Source = "forge"
	Policy  Source = "policy"
	Ledger  Source = "ledger"
	Tracker Source = "tracker"
)

// Check is one check. Every field but Run is documentation, rendered by
// `ssdf checks explain`, docs/checks.md and SARIF rule help.
type Check struct {
	ID    string
	Title string
	// Tasks are the SSDF task IDs the check evidences.
	Tasks   []string
	Sources []Source
	// Advisory checks are not required unless the policy says so.
	Advisory bool
	// Doc says, in Markdown, what makes the check pass, fail, be unknown or
	// not applicable. Its first sentence is the summary.
	Doc string
	// Remediation is one paragraph telling the user what to do on failure.
	Remediation string
	// Run evaluates the check. It must be pure: no files, network, clock or
	// environment; everything comes from the Pass.
	Run func(*Pass) Result
}

// Pass is the only thing a check sees.
type Pass struct {
	Snapshot *snapshot.Snapshot
	// Policy is the policy in force; never nil.
	Policy *policy.Policy
	// Now is the injected clock, for review periods and expiry dates.
	Now time.Time
	// Check is the check being run, so that helpers can read its settings.
	Check *Check

	memo *memo
}

// Threshold returns the policy's threshold for the running check, or def.
func (p *Pass) Threshold(def float64) float64 {
	if c, ok := p.Policy.Checks[p.Check.ID]; ok && c.Threshold != nil {
		return *c.Threshold
	}
	return def
}

type memo struct {
	mu sync.Mutex
	m  map[string]any
}

// Memo returns the value that f computes from the pass's snapshot, computing
// it once per scan and sharing it between checks. Parsers use it so that a
// file that several checks read is parsed once. key must be unique per T.
func Memo[T any](p *Pass, key string, f func() T) T {
	if p.memo == nil {
		return f()
	}
	p.memo.mu.Lock()
	defer p.memo.mu.Unlock()
	if v, ok := p.memo.m[key]; ok {
		return v.(T)
	}
	v := f()
	p.memo.m[key] = v
	return v
}

// Result is what Run returns.
type Result struct {
	Status Status
	// Reason is one sentence, always present.
	Reason   string
	Findings []Finding
	// Details is a check-specific struct with JSON tags, or nil.
	Details any
}

// Finding is one located observation.
type Finding struct {
	Message string `json:"message"`
	Path    string `json:"path,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// Resultf builds a result with a formatted reason.
func Resultf(s Status, format string, args ...any) Result {
	return Result{Status: s, Reason: fmt.Sprintf(format, args...)}
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)

// Validate reports every way in which the list of checks is malformed:
// IDs, tasks, missing docs, duplicates, missing Run. It runs at start-up
// and in a test.
func Validate(checks []*Check) error {
	var errs []string
	seen := map[string]bool{}
	for i, c := range checks {
		if c == nil {
			errs = append(errs, fmt.Sprintf("check %d is nil", i))
			continue
		}
		if !idRE.MatchString(c.ID) {
			errs = append(errs, fmt.Sprintf("%q: malformed ID", c.ID))
		}
		if seen[c.ID] {
			errs = append(errs, fmt.Sprintf("%q: listed twice", c.ID))
		}
		seen[c.ID] = true
		if i > 0 && checks[i-1] != nil && checks[i-1].ID >= c.ID {
			errs = append(errs, fmt.Sprintf("%q: list not sorted by ID", c.ID))
		}
		if c.Title == "" || c.Doc == "" || c.Remediation == "" {
			errs = append(errs, fmt.Sprintf("%q: title, doc and remediation are required", c.ID))
		}
		if len(c.Tasks) == 0 {
			errs = append(errs, fmt.Sprintf("%q: no SSDF task", c.ID))
		}
		for _, t := range c.Tasks {
			if _, ok := ssdf.Lookup(t); !ok {
				errs = append(errs, fmt.Sprintf("%q: unknown task %q", c.ID, t))
			}
		}
		if len(c.Sources) == 0 {
			errs = append(errs, fmt.Sprintf("%q: no source", c.ID))
		}
		if c.Run == nil {
			errs = append(errs, fmt.Sprintf("%q: no Run", c.ID))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("invalid checks:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// NoFileEvidence is the result of a check with a file part and a forge
// part when the files show nothing (SPEC §3): `unknown` while the forge
// could still supply the evidence but was not read — not consulted at all
// ("no evidence in the files; forge not consulted"), or consulted while one
// of facts, the forge facts that carry the evidence, is not known (the
// reason then names the missing permission or plan) — else `fail` with
// failReason.
func NoFileEvidence(p *Pass, failReason string, facts ...ForgeFact) Result {
	if !p.Snapshot.Forge.Consulted {
		return Resultf(Unknown, "no evidence in the files; forge not consulted (%s)", notConsulted(p))
	}
	if why := unknownFacts(facts); why != "" {
		return Resultf(Unknown, "no evidence in the files; the forge could not show it: %s", why)
	}
	return Result{Status: Failed, Reason: failReason}
}

// ForgeFact is a forge fact reduced to what the verdict helpers need:
// what it is, whether it is known and, if not, why.
type ForgeFact struct {
	// What names the fact as a noun phrase for reasons ("the
	// organization's two-factor requirement").
	What  string
	Known bool
	Read  bool
	Err   *snapshot.Unavailable
}

// FactOf describes a forge fact for ForgeUnknown and NoFileEvidence.
func FactOf[T any](what string, f snapshot.Fact[T]) ForgeFact {
	return ForgeFact{What: what, Known: f.Known(), Read: f.Read, Err: f.Err}
}

// PartOf describes a part of a fact that the forge could not read while
// the rest was (GitHub classic protection beside readable rulesets, GitLab
// approval or push rules): known when u is nil.
func PartOf(what string, u *snapshot.Unavailable) ForgeFact {
	return ForgeFact{What: what, Known: u == nil, Read: true, Err: u}
}

// Why is one clause saying why the fact is not known: the forge's reason,
// with the permission the token lacks or the plan that lacks the feature.
// It is empty for a known fact.
func (f ForgeFact) Why() string {
	if f.Known {
		return ""
	}
	if f.Err == nil {
		return f.What + " was not read from the forge"
	}
	why := f.Err.Reason
	if why == "" {
		why = "the forge did not answer (" + f.Err.Kind + ")"
	}
	switch f.Err.Kind {
	case "permission":
		if f.Err.Permission != "" && !strings.Contains(why, f.Err.Permission) {
			why += " (missing permission: " + f.Err.Permission + ")"
		}
	case "plan":
		if !strings.Contains(strings.ToLower(why), "plan") {
			why += " (the plan lacks this feature)"
		}
	}
	return f.What + " could not be read: " + why
}

// ForgeUnknown returns the `unknown` result, and true, when facts cannot
// decide a forge check: the forge was not consulted, or one of the facts
// is not known (the reason names the missing permission or plan). It
// returns false when every fact is known.
func ForgeUnknown(p *Pass, facts ...ForgeFact) (Result, bool) {
	if !p.Snapshot.Forge.Consulted {
		var what []string
		for _, f := range facts {
			what = append(what, f.What)
		}
		return Resultf(Unknown, "the forge was not consulted (%s), so %s %s unknown", notConsulted(p), strings.Join(what, " and "), isAre(len(what))), true
	}
	if why := unknownFacts(facts); why != "" {
		return Result{Status: Unknown, Reason: why}, true
	}
	return Result{}, false
}

// ForgeKind is the kind of the target's forge: the consulted forge's, else
// the one the scan decided on (SPEC §3, "The forge of a repository").
func ForgeKind(p *Pass) string {
	if k := p.Snapshot.Forge.Kind; k != "" {
		return k
	}
	return p.Snapshot.Target.Forge
}

func notConsulted(p *Pass) string {
	if why := p.Snapshot.Forge.Reason; why != "" {
		return why
	}
	return "the forge was not read"
}

func unknownFacts(facts []ForgeFact) string {
	var why []string
	for _, f := range facts {
		if !f.Known {
			why = append(why, f.Why())
		}
	}
	return strings.Join(why, "; ")
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
