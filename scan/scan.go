// Package scan is ssdf's library entry point: collect a target into a
// snapshot, then evaluate a list of checks over it into the canonical
// report. It takes the checks as an argument; only the command line knows
// the full list.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// ErrTarget wraps errors that mean the target could not be read at all
// (exit code 3).
var ErrTarget = errors.New("target unreadable")

// PolicyNames are the policy file names looked for at the scanned root.
var PolicyNames = []string{".ssdf.yaml", ".ssdf.yml"}

// maxPolicySize bounds the policy file read from a repository.
const maxPolicySize = 1 << 20

// Options configure Collect.
type Options struct {
	// PolicyPath is --policy; empty means the root's .ssdf.yaml if any,
	// else the embedded default.
	PolicyPath string
	Forge      string
	ForgeURL   string
	Limits     collect.Limits
	GitEnv     []string
	// Path is the target as the user named it, for the report.
	Path string
}

// Collect loads the policy and collects the checkout at dir. A policy error
// is a *policy.Error; a target that cannot be opened wraps ErrTarget.
func Collect(ctx context.Context, dir string, o Options) (*snapshot.Snapshot, *policy.Policy, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTarget, err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("%w: %s is not a directory", ErrTarget, dir)
	}
	ref, pol, err := loadPolicy(dir, o.PolicyPath)
	if err != nil {
		return nil, nil, err
	}
	snap, err := collect.Dir(ctx, dir, collect.Options{
		Forge: o.Forge, ForgeURL: o.ForgeURL, Exclude: pol.Exclude,
		Limits: o.Limits, GitEnv: o.GitEnv, Path: o.Path, Commits: pol.SignedCommits.Window,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrTarget, err)
	}
	snap.Policy = ref
	return snap, pol, nil
}

// loadPolicy reads --policy, or the root's policy file through os.Root so
// that a symlinked .ssdf.yaml cannot make ssdf read outside the tree.
func loadPolicy(dir, explicit string) (*snapshot.PolicyRef, *policy.Policy, error) {
	var name string
	var data []byte
	if explicit != "" {
		b, err := readCapped(os.DirFS("/"), explicit, true)
		if err != nil {
			return nil, nil, &policy.Error{File: explicit, Msg: err.Error()}
		}
		name, data = explicit, b
	} else {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrTarget, err)
		}
		defer root.Close()
		for _, n := range PolicyNames {
			b, err := readCapped(root.FS(), n, false)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, nil, &policy.Error{File: n, Msg: err.Error()}
			}
			name, data = n, b
			break
		}
	}
	if name == "" {
		return nil, policy.Default(), nil
	}
	return parsePolicy(name, data)
}

func parsePolicy(name string, data []byte) (*snapshot.PolicyRef, *policy.Policy, error) {
	pol, err := policy.Load(name, data, ssdf.CheckIDs)
	if err != nil {
		return nil, nil, err
	}
	return &snapshot.PolicyRef{Source: name, Digest: policy.Digest(data), Raw: string(data)}, pol, nil
}

func readCapped(fsys fs.FS, name string, abs bool) ([]byte, error) {
	var f fs.File
	var err error
	if abs {
		f, err = os.Open(name)
	} else {
		f, err = fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPolicySize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPolicySize {
		return nil, fmt.Errorf("larger than %d bytes", maxPolicySize)
	}
	return b, nil
}

// PolicyOf returns the policy recorded in a saved snapshot (for
// --from-raw), or the default.
func PolicyOf(s *snapshot.Snapshot) (*policy.Policy, error) {
	if s.Policy == nil || s.Policy.Raw == "" {
		return policy.Default(), nil
	}
	return policy.Load(s.Policy.Source, []byte(s.Policy.Raw), ssdf.CheckIDs)
}

// Evaluate runs the checks over the snapshot and builds the report.
func Evaluate(ctx context.Context, snap *snapshot.Snapshot, pol *policy.Policy, checks []*check.Check, now time.Time, version string) *report.Report {
	outs := check.Run(ctx, checks, snap, pol, now)
	return Build(snap, outs, now, version)
}

// Build turns outcomes into the canonical report: results sorted by check,
// tasks aggregated as SPEC §2 says.
func Build(snap *snapshot.Snapshot, outs []check.Outcome, now time.Time, version string) *report.Report {
	r := &report.Report{
		Schema:      report.Schema,
		Tool:        report.Tool{Name: "ssdf", Version: version},
		GeneratedAt: now.UTC().Truncate(time.Second),
		Target: report.Target{
			Kind: snap.Target.Kind, Path: snap.Target.Path, URL: snap.Target.URL,
			Forge: snap.Target.Forge, Branch: snap.Target.Branch, Commit: snap.Target.Commit,
		},
		Policy:  report.Policy{Source: "default", Digest: policy.DefaultDigest()},
		Tasks:   []report.Task{},
		Results: []report.Result{},
	}
	if snap.Policy != nil {
		r.Policy = report.Policy{Source: snap.Policy.Source, Digest: snap.Policy.Digest}
	}
	for _, o := range outs {
		res := report.Result{
			Check: o.Check.ID, Title: o.Check.Title, Tasks: slices.Sorted(slices.Values(o.Check.Tasks)),
			Required: o.Required, Status: string(o.Result.Status), Reason: o.Result.Reason,
			Findings: []report.Finding{}, Remediation: o.Check.Remediation,
		}
		for _, f := range o.Result.Findings {
			res.Findings = append(res.Findings, report.Finding(f))
		}
		if o.Result.Details != nil {
			if b, err := json.Marshal(o.Result.Details); err == nil && string(b) != "null" {
				res.Details = b
			}
		}
		r.Results = append(r.Results, res)
		switch o.Result.Status {
		case check.Passed:
			r.Summary.Pass++
		case check.Failed:
			r.Summary.Fail++
		case check.Unknown:
			r.Summary.Unknown++
		case check.NotApplicable:
			r.Summary.NotApplicable++
		case check.Waived:
			r.Summary.Waived++
		}
	}
	slices.SortFunc(r.Results, func(a, b report.Result) int { return strings.Compare(a.Check, b.Check) })
	for _, t := range ssdf.Tasks {
		task := report.Task{ID: t.ID, Title: t.Title, Checks: []string{}}
		for _, res := range r.Results {
			if slices.Contains(res.Tasks, t.ID) {
				task.Checks = append(task.Checks, res.Check)
			}
		}
		if len(task.Checks) == 0 {
			continue
		}
		task.Status = TaskStatus(r.Results, task.Checks)
		r.Tasks = append(r.Tasks, task)
	}
	return r
}

// TaskStatus aggregates the required checks of a task (SPEC §2): fail if
// any failed; else unknown if any is unknown; else pass if at least one
// passed or was waived; else not-applicable.
func TaskStatus(results []report.Result, ids []string) string {
	var fail, unknown, pass bool
	for _, res := range results {
		if !res.Required || !slices.Contains(ids, res.Check) {
			continue
		}
		switch res.Status {
		case report.StatusFail:
			fail = true
		case report.StatusUnknown:
			unknown = true
		case report.StatusPass, report.StatusWaived:
			pass = true
		}
	}
	switch {
	case fail:
		return report.StatusFail
	case unknown:
		return report.StatusUnknown
	case pass:
		return report.StatusPass
	}
	return report.StatusNotApplicable
}
