// Package checktest runs a check over tiny repositories written as txtar
// archives, through the real collector and the real driver, and compares
// the outcome with the archive's @want section.
//
// An archive holds the repository's files plus these sections:
//
//	-- @want --            the expectation (required)
//	status: fail           the status
//	reason: regexp         optional; must match the reason
//	details: {json}        optional; a JSON object that the details must contain
//	path:line regexp       one line per finding (`-` for a finding without a path);
//	                       findings and these lines must match one to one
//	-- @git.json --        optional snapshot.Git facts (the repository is then a git repository)
//	-- @forge.json --      optional snapshot.Forge facts
//	-- @ledger.json --     optional snapshot.Ledger facts (without it the ledger
//	                       was not consulted: reason "no --ledger given")
//	-- @tracker.json --    optional snapshot.Tracker facts: the exceptions' tickets,
//	                       keyed by the policy's `ticket` (without it the tracker
//	                       was not consulted, with no reason)
//	-- @options --         optional `forge: gitlab`, `now: 2026-11-26T00:00:00Z`
//
// A `.ssdf.yaml` in the archive is the policy, loaded as a scan would.
package checktest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// DefaultNow is the clock of every archive unless its @options say otherwise.
var DefaultNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// Run validates c and runs it over every testdata/*.txtar of the calling
// package, one subtest each. It fails when there is no passing or no
// failing case.
func Run(t *testing.T, c *check.Check) {
	t.Helper()
	if err := check.Validate([]*check.Check{c}); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.txtar for %s", c.ID)
	}
	seen := map[check.Status]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, want := Eval(t, c, a)
			seen[want.status] = true
			Compare(t, got, want)
		})
	}
	if !seen[check.Passed] || !seen[check.Failed] {
		t.Errorf("%s: testdata needs at least one passing and one failing case (have %v)", c.ID, seen)
	}
}

type expectation struct {
	status   check.Status
	reason   *regexp.Regexp
	details  map[string]any
	findings []wantFinding
}

type wantFinding struct {
	path string
	line int
	msg  *regexp.Regexp
	text string
}

// Eval builds the repository of the archive, collects it and runs c.
func Eval(t *testing.T, c *check.Check, a *txtar.Archive) (check.Outcome, expectation) {
	t.Helper()
	fsys := fstest.MapFS{}
	var want *expectation
	var gitFacts *snapshot.Git
	var forge *snapshot.Forge
	var ledger *snapshot.Ledger
	var trk *snapshot.Tracker
	opts := collect.Options{Path: "."}
	now := DefaultNow
	var policyData []byte
	for _, f := range a.Files {
		switch f.Name {
		case "@want":
			want = parseWant(t, string(f.Data))
		case "@git.json":
			gitFacts = new(snapshot.Git)
			if err := json.Unmarshal(f.Data, gitFacts); err != nil {
				t.Fatalf("@git.json: %v", err)
			}
			gitFacts.Available = true
		case "@forge.json":
			forge = new(snapshot.Forge)
			if err := json.Unmarshal(f.Data, forge); err != nil {
				t.Fatalf("@forge.json: %v", err)
			}
		case "@ledger.json":
			ledger = new(snapshot.Ledger)
			if err := json.Unmarshal(f.Data, ledger); err != nil {
				t.Fatalf("@ledger.json: %v", err)
			}
		case "@tracker.json":
			trk = new(snapshot.Tracker)
			if err := json.Unmarshal(f.Data, trk); err != nil {
				t.Fatalf("@tracker.json: %v", err)
			}
		case "@options":
			for l := range strings.SplitSeq(string(f.Data), "\n") {
				k, v, _ := strings.Cut(l, ":")
				k, v = strings.TrimSpace(k), strings.TrimSpace(v)
				switch k {
				case "":
				case "forge":
					opts.Forge = v
				case "now":
					var err error
					if now, err = time.Parse(time.RFC3339, v); err != nil {
						t.Fatalf("@options now: %v", err)
					}
				default:
					t.Fatalf("@options: unknown key %q", k)
				}
			}
		default:
			fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
			if f.Name == ".ssdf.yaml" || f.Name == ".ssdf.yml" {
				policyData = f.Data
			}
		}
	}
	if want == nil {
		t.Fatal("archive has no @want section")
	}
	pol := policy.Default()
	if policyData != nil {
		var err error
		if pol, err = policy.Load(".ssdf.yaml", policyData, ssdf.CheckIDs); err != nil {
			t.Fatalf("policy: %v", err)
		}
		opts.Exclude = pol.Exclude
	}
	if gitFacts != nil && gitFacts.Tracked == nil {
		// A git repository tracks every file of the archive unless told.
		for name := range fsys {
			if !collect.NewExcluder(opts.Exclude).Excluded(name) {
				gitFacts.Tracked = append(gitFacts.Tracked, name)
			}
		}
	}
	snap := collect.FS(context.Background(), fsys, opts, gitFacts)
	if forge != nil {
		snap.Forge = *forge
	}
	if ledger != nil {
		snap.Ledger = *ledger
	} else {
		snap.Ledger = snapshot.Ledger{Reason: "no --ledger given"}
	}
	if trk != nil {
		snap.Tracker = *trk
	}
	out := check.Run(context.Background(), []*check.Check{c}, snap, pol, now)
	return out[0], *want
}

func parseWant(t *testing.T, s string) *expectation {
	t.Helper()
	w := &expectation{}
	for l := range strings.SplitSeq(s, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "status:"):
			w.status = check.Status(strings.TrimSpace(strings.TrimPrefix(l, "status:")))
		case strings.HasPrefix(l, "reason:"):
			w.reason = regexp.MustCompile(strings.TrimSpace(strings.TrimPrefix(l, "reason:")))
		case strings.HasPrefix(l, "details:"):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "details:")), &w.details); err != nil {
				t.Fatalf("@want details: %v", err)
			}
		default:
			loc, msg, _ := strings.Cut(l, " ")
			wf := wantFinding{msg: regexp.MustCompile(strings.TrimSpace(msg)), text: l}
			if loc != "-" {
				p, ln, ok := strings.Cut(loc, ":")
				if !ok {
					t.Fatalf("@want: finding line %q is not `path:line regexp`", l)
				}
				n, err := strconv.Atoi(ln)
				if err != nil {
					t.Fatalf("@want: finding line %q: %v", l, err)
				}
				wf.path, wf.line = p, n
			}
			w.findings = append(w.findings, wf)
		}
	}
	if w.status == "" {
		t.Fatal("@want has no status line")
	}
	return w
}

// Compare reports every difference between an outcome and the expectation.
func Compare(t *testing.T, got check.Outcome, want expectation) {
	t.Helper()
	r := got.Result
	if r.Status != want.status {
		t.Errorf("status = %s, want %s (reason: %s)", r.Status, want.status, r.Reason)
	}
	if want.reason != nil && !want.reason.MatchString(r.Reason) {
		t.Errorf("reason %q does not match %q", r.Reason, want.reason)
	}
	if want.details != nil {
		b, err := json.Marshal(r.Details)
		if err != nil {
			t.Fatalf("details: %v", err)
		}
		var gotD map[string]any
		_ = json.Unmarshal(b, &gotD)
		for k, v := range want.details {
			if !reflect.DeepEqual(gotD[k], v) {
				t.Errorf("details[%q] = %v, want %v", k, gotD[k], v)
			}
		}
	}
	used := make([]bool, len(want.findings))
	for _, f := range r.Findings {
		matched := false
		for i, w := range want.findings {
			if !used[i] && w.path == f.Path && w.line == f.Line && w.msg.MatchString(f.Message) {
				used[i], matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("unexpected finding %s:%d %s", f.Path, f.Line, f.Message)
		}
	}
	for i, w := range want.findings {
		if !used[i] {
			t.Errorf("missing finding %s", w.text)
		}
	}
	if t.Failed() {
		b, _ := json.MarshalIndent(r, "", "  ")
		fmt.Fprintf(os.Stderr, "got: %s\n", b)
	}
}
