package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ssdf-dev/ssdf/cdevents"
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/forgeconn"
	cliledger "github.com/ssdf-dev/ssdf/internal/cli/ledger"
	"github.com/ssdf-dev/ssdf/internal/cli/render"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/report"
	scanlib "github.com/ssdf-dev/ssdf/scan"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// orgChecks read only organization facts (and the ledger's, which are the
// organization's too): they are the same for every repository, so the
// summary shows them once.
var orgChecks = []string{"access-members-mfa", "access-mfa-required", "access-ssh-only", "auditlog-available", "auditlog-retained", "owners-minimal", "owners-reviewed", "repo-deletion-restricted"}

// runOrg scans an organization: its settings once, then every repository
// (archived ones skipped unless asked) through the forge, writing one report
// per repository into the --output directory and printing the organization
// summary, a `kind: organization` report.
func runOrg(ctx context.Context, env *clienv.Env, o *Options, checks []*check.Check, format string) error {
	kind, base, owner, name, err := forgeTarget(o.Org, o.Forge, o.ForgeURL)
	if err != nil {
		return err
	}
	if name != "" && kind == collect.GitHub {
		return clienv.Usage("--org %s: name the organization only (github.com/ORG)", o.Org)
	}
	if name != "" {
		owner = owner + "/" + name // a GitLab subgroup
	}
	// GitHub asks integrators to stay well under 100 concurrent requests.
	c, err := forgeconn.Connect(env, kind, base, o.Budget, min(2*max(o.Concurrency, 1), 64))
	if err != nil {
		return err
	}
	dir := o.Output
	if dir == "" {
		dir = "ssdf-reports"
	}
	if !filepath.IsAbs(dir) && env.Dir != "" {
		dir = filepath.Join(env.Dir, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	orgFacts, err := c.Client.Org(ctx, topGroup(kind, owner))
	if err != nil {
		orgFacts = scanlib.UnavailableOrg(topGroup(kind, owner), c.Unavailable(err))
	}
	repos, err := c.Client.Repos(ctx, owner)
	if err != nil {
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("list the repositories of %s: %v", owner, err)}
	}
	var todo []forge.RepoRef
	for _, r := range repos {
		if r.Archived && !o.IncludeArchived {
			continue
		}
		todo = append(todo, r)
	}
	slices.SortFunc(todo, func(a, b forge.RepoRef) int { return strings.Compare(a.FullName(), b.FullName()) })

	// The ledger's facts depend only on the organization: read them once
	// for all its repositories.
	var ledgerOnce sync.Once
	var ledgerFacts snapshot.Ledger
	reports := make([]*report.Report, len(todo))
	errs := make([]error, len(todo))
	prog := newProgress(env, len(todo))
	conc := max(o.Concurrency, 1)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, r := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f := scanlib.Forge{Client: c.Client, Repo: r, Org: topGroup(kind, owner), OrgFacts: orgFacts, Unavailable: c.Unavailable, BaseURL: c.BaseURL}
			snap, _, err := scanlib.Remote(ctx, f, scanlib.Options{PolicyPath: o.Policy, ForgeURL: base,
				Limits: collect.Limits{MaxFileSize: o.MaxSize, MaxFiles: o.MaxFiles}}, c.WebBase+"/"+r.FullName())
			if err == nil {
				if o.Ledger != "" {
					ledgerOnce.Do(func() { ledgerFacts = cliledger.ReadFacts(ctx, env, o.Ledger, snap) })
					snap.Ledger = ledgerFacts
				} else {
					snap.Ledger = snapshot.Ledger{Reason: "no --ledger given"}
				}
				var pol *policy.Policy
				if pol, err = scanlib.PolicyOf(snap); err == nil {
					reports[i] = scanlib.Evaluate(ctx, snap, pol, checks, env.Now(), env.Version)
				}
			}
			errs[i] = err
			prog.done(r.FullName())
		}()
	}
	wg.Wait()
	prog.finish()

	ext := map[string]string{"text": "txt", "json": "json", "markdown": "md", "sarif": "sarif", "html": "html", "junit": "xml"}[format]
	var failedRepos []string
	for i, r := range todo {
		name := strings.ReplaceAll(r.FullName(), "/", "__") + "." + ext
		if errs[i] != nil {
			failedRepos = append(failedRepos, r.FullName())
			fmt.Fprintf(env.Err, "ssdf: %s: %v\n", r.FullName(), errs[i])
			continue
		}
		if err := env.WriteOutput(filepath.Join(dir, name), func(w io.Writer) error {
			return render.Write(w, reports[i], format, false, env.Checks)
		}); err != nil {
			return err
		}
	}
	summary := orgSummary(kind, c.WebBase+"/"+owner, todo, reports, errs, env.Now(), env.Version)
	if err := env.WriteOutput(filepath.Join(dir, "organization."+ext), func(w io.Writer) error {
		return render.Write(w, summary, format, false, env.Checks)
	}); err != nil {
		return err
	}
	if err := render.Write(env.Out, summary, format, env.Color(), env.Checks); err != nil {
		return err
	}
	if o.CDEventsSink != "" {
		sent, failed := 0, 0
		for _, rep := range append(slices.Clone(reports), summary) {
			if rep == nil {
				continue
			}
			if err := cdevents.Emit(ctx, o.CDEventsSink, rep, nil); err != nil {
				failed++
				if failed == 1 {
					fmt.Fprintf(env.Err, "ssdf: --cdevents-sink: %s: %v (the scan goes on)\n", rep.Target.Name(), err)
				}
				continue
			}
			sent++
		}
		if failed > 0 {
			fmt.Fprintf(env.Err, "ssdf: --cdevents-sink: %d of %d reports not delivered\n", failed, sent+failed)
		}
	}
	if o.Ledger != "" {
		// One entry per repository scanned, then the organization summary,
		// appended together.
		var recs []ledgerlib.Record
		for _, rep := range append(slices.Clone(reports), summary) {
			if rep == nil {
				continue
			}
			e, err := cliledger.ScanEntry(rep)
			if err != nil {
				return err
			}
			recs = append(recs, e)
		}
		first, err := cliledger.Append(ctx, env, o.Ledger, "", recs...)
		if err != nil {
			return fmt.Errorf("--ledger: %w", err)
		}
		fmt.Fprintf(env.Err, "ssdf: %d scans recorded in the ledger as entries %d to %d (the last is the organization summary)\n", len(recs), first, first+int64(len(recs))-1)
	}
	fmt.Fprintf(env.Err, "ssdf: %d repositories scanned (%d skipped as archived), reports in %s\n",
		len(todo)-len(failedRepos), len(repos)-len(todo), dir)
	if summary.Failed(o.FailOn == "unknown") || len(failedRepos) > 0 {
		return &clienv.ExitError{Code: clienv.ExitFailed}
	}
	return nil
}

// orgSummary folds the repository reports into one organization report:
// the organization checks once, every other check with the status that
// SPEC §2's task rule gives over the repositories, and a finding per
// repository that is not `pass`.
func orgSummary(kind, url string, repos []forge.RepoRef, reports []*report.Report, errs []error, now time.Time, version string) *report.Report {
	sum := &report.Report{
		Schema: report.Schema, Tool: report.Tool{Name: "ssdf", Version: version},
		GeneratedAt: now.UTC().Truncate(time.Second),
		Target:      report.Target{Kind: "organization", URL: url, Forge: kind},
		Policy:      report.Policy{Source: "default", Digest: policy.DefaultDigest()},
		Tasks:       []report.Task{}, Results: []report.Result{},
	}
	byCheck := map[string][]report.Result{}
	names := map[string][]string{}
	var order []string
	for i, rep := range reports {
		if rep == nil {
			continue
		}
		if sum.Policy.Source == "default" && rep.Policy.Source != "default" {
			sum.Policy = rep.Policy
		}
		for _, r := range rep.Results {
			if _, ok := byCheck[r.Check]; !ok {
				order = append(order, r.Check)
			}
			byCheck[r.Check] = append(byCheck[r.Check], r)
			names[r.Check] = append(names[r.Check], repos[i].FullName())
		}
	}
	slices.Sort(order)
	for _, id := range order {
		rs := byCheck[id]
		out := report.Result{Check: id, Title: rs[0].Title, Tasks: rs[0].Tasks, Required: rs[0].Required,
			Remediation: rs[0].Remediation, Findings: []report.Finding{}}
		if slices.Contains(orgChecks, id) {
			out.Status, out.Reason, out.Findings, out.Details = rs[0].Status, rs[0].Reason, rs[0].Findings, rs[0].Details
		} else {
			count := map[string]int{}
			var ids []string
			for j, r := range rs {
				count[r.Status]++
				if r.Status != report.StatusPass && r.Status != report.StatusNotApplicable {
					out.Findings = append(out.Findings, report.Finding{Path: names[id][j], Message: r.Status + ": " + r.Reason})
				}
				ids = append(ids, fmt.Sprint(j))
			}
			agg := make([]report.Result, len(rs))
			for j, r := range rs {
				agg[j] = report.Result{Check: fmt.Sprint(j), Required: true, Status: r.Status}
			}
			out.Status = scanlib.TaskStatus(agg, ids)
			out.Reason = fmt.Sprintf("over %d repositories: %d pass, %d fail, %d unknown, %d not applicable, %d waived",
				len(rs), count[report.StatusPass], count[report.StatusFail], count[report.StatusUnknown], count[report.StatusNotApplicable], count[report.StatusWaived])
		}
		sum.Results = append(sum.Results, out)
		switch out.Status {
		case report.StatusPass:
			sum.Summary.Pass++
		case report.StatusFail:
			sum.Summary.Fail++
		case report.StatusUnknown:
			sum.Summary.Unknown++
		case report.StatusNotApplicable:
			sum.Summary.NotApplicable++
		case report.StatusWaived:
			sum.Summary.Waived++
		}
	}
	for i, err := range errs {
		if err != nil {
			sum.Results = append(sum.Results, report.Result{Check: "scan-error", Title: "Repository could not be scanned",
				Tasks: []string{}, Required: true, Status: report.StatusUnknown,
				Reason: repos[i].FullName() + ": " + err.Error(), Findings: []report.Finding{}})
			sum.Summary.Unknown++
		}
	}
	for _, t := range ssdf.Tasks {
		task := report.Task{ID: t.ID, Title: t.Title, Checks: []string{}}
		for _, r := range sum.Results {
			if slices.Contains(r.Tasks, t.ID) {
				task.Checks = append(task.Checks, r.Check)
			}
		}
		if len(task.Checks) > 0 {
			task.Status = scanlib.TaskStatus(sum.Results, task.Checks)
			sum.Tasks = append(sum.Tasks, task)
		}
	}
	return sum
}

// progress draws a progress bar on standard error when it is a terminal.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	total int
	n     int
}

func newProgress(env *clienv.Env, total int) *progress {
	return &progress{w: env.Err, on: env.ErrIsTerminal, total: total}
}

func (p *progress) done(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if !p.on {
		return
	}
	const width = 30
	filled := width
	if p.total > 0 {
		filled = width * p.n / p.total
	}
	if len(name) > 40 {
		name = "…" + name[len(name)-39:]
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.n, p.total, name)
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
