// Package scan is the `ssdf scan` command.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	attestlib "github.com/ssdf-dev/ssdf/attest"
	"github.com/ssdf-dev/ssdf/cdevents"
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/forge"
	cliattest "github.com/ssdf-dev/ssdf/internal/cli/attest"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/forgeconn"
	cliledger "github.com/ssdf-dev/ssdf/internal/cli/ledger"
	"github.com/ssdf-dev/ssdf/internal/cli/render"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/report"
	scanlib "github.com/ssdf-dev/ssdf/scan"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/tracker"
)

// Options are the parsed flags of `ssdf scan`.
type Options struct {
	Target   string
	Format   string
	Output   string
	Policy   string
	Forge    string
	ForgeURL string
	FailOn   string
	Checks   []string
	Raw      bool
	FromRaw  string
	MaxSize  int64
	MaxFiles int
	// Org is --org: scan an organization's settings and every repository.
	Org             string
	IncludeArchived bool
	Concurrency     int
	Budget          int64
	// Attest is --attest: sign the JSON report written to Output with Key
	// and write the DSSE envelope to Output + ".intoto.jsonl".
	Attest bool
	Key    string
	// Ledger is --ledger: append the scan to this evidence ledger.
	Ledger string
	// CDEventsSink is --cdevents-sink: send the scan as CDEvents to this
	// CloudEvents HTTP endpoint; a failed delivery is reported, not fatal.
	CDEventsSink string
	// OpenIssues is --open-issues: keep one ticket per failing required
	// check in the policy's tracker, else the repository's forge.
	OpenIssues bool
}

// NewCmd returns the command; runF replaces the run function in tests
// that only look at the parsed options.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Scan a checkout and report on the SSDF PO tasks",
		Long: `Scan a repository checkout (default: the current directory) and report, check by
check and task by task, whether the NIST SSDF "Prepare the Organization" practices are in
place. The scan is offline: it reads the files and the git history, and says "unknown"
where only the forge could tell.

Exit codes: 0 no required check failed; 1 a required check failed (or, with
--fail-on unknown, was unknown); 2 usage or policy error; 3 the target could not be read.`,
		Example: `  ssdf scan
  ssdf scan ../widget --format sarif --output ssdf.sarif
  ssdf scan --checks codeowners-present,codeowners-coverage --format json
  ssdf scan --raw > snapshot.json && ssdf scan --from-raw snapshot.json --format markdown`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Target = "."
			if len(args) == 1 {
				o.Target = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Format, "format", "f", "", "output format: "+strings.Join(render.Formats, ", ")+" (default text on a terminal, else json)")
	f.StringVarP(&o.Output, "output", "o", "", "write the output to this file instead of standard output")
	f.StringVar(&o.Policy, "policy", "", "policy file (default: .ssdf.yaml at the scanned root, else the embedded default)")
	f.StringVar(&o.Forge, "forge", "", "the forge of the repository: github or gitlab (default: from the origin remote, else guessed)")
	f.StringVar(&o.ForgeURL, "forge-url", "", "base URL of a self-hosted forge (GitHub Enterprise Server, self-managed GitLab)")
	f.StringVar(&o.FailOn, "fail-on", "fail", "exit 1 on a required check that is: fail, or unknown (fail or unknown)")
	f.StringSliceVar(&o.Checks, "checks", nil, "run only these checks (comma-separated IDs)")
	f.BoolVar(&o.Raw, "raw", false, "print the collected snapshot (raw facts, JSON) instead of the report")
	f.StringVar(&o.FromRaw, "from-raw", "", "evaluate a snapshot saved with --raw instead of collecting")
	f.Int64Var(&o.MaxSize, "max-file-size", collect.DefaultLimits.MaxFileSize, "largest file read, in bytes; larger ones are recorded as skipped")
	f.IntVar(&o.MaxFiles, "max-files", collect.DefaultLimits.MaxFiles, "stop walking after this many entries")
	f.StringVar(&o.Org, "org", "", "scan an organization (github.com/ORG) or GitLab group (gitlab.com/GROUP): its settings once, then every repository; --output names a directory for the reports")
	f.BoolVar(&o.IncludeArchived, "include-archived", false, "with --org: also scan archived repositories")
	f.IntVar(&o.Concurrency, "concurrency", 16, "with --org: repositories scanned at once (API requests in flight: twice that, at most 64)")
	f.Int64Var(&o.Budget, "budget", 0, "most forge API requests one scan may make (0: no limit); past it, what is left is unknown")
	f.BoolVar(&o.Attest, "attest", false, "sign the JSON report (needs --output and --key) as an in-toto attestation, written to OUTPUT.intoto.jsonl (DSSE) and OUTPUT.sigstore.json (Sigstore bundle)")
	f.StringVar(&o.Ledger, "ledger", "", "append the scan (report digest, target, commit, task statuses) to this ledger database")
	f.StringVar(&o.CDEventsSink, "cdevents-sink", "", "send the scan as CDEvents (test-suite run, one test-case run per task) to this CloudEvents HTTP URL; a delivery failure is reported and does not change the exit code")
	f.BoolVar(&o.OpenIssues, "open-issues", false, "keep one issue per failing required check in the policy's tracker (else the repository's GitHub or GitLab issues, labelled ssdf): opened, updated, reopened on regression, closed when the check passes; a tracker failure is reported and does not change the exit code")
	f.StringVar(&o.Key, "key", "", "with --attest: PEM private key (ECDSA P-256, Ed25519, or cosign-encrypted with COSIGN_PASSWORD)")
	return cmd
}

// Run runs the scan.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	checks, err := selectChecks(env.Checks, o.Checks)
	if err != nil {
		return err
	}
	if o.Forge != "" && o.Forge != collect.GitHub && o.Forge != collect.GitLab {
		return clienv.Usage("--forge %q: want github or gitlab", o.Forge)
	}
	if o.FailOn != "fail" && o.FailOn != "unknown" {
		return clienv.Usage("--fail-on %q: want fail or unknown", o.FailOn)
	}
	format := o.Format
	if format == "" {
		format = "json"
		if env.OutIsTerminal && o.Output == "" {
			format = "text"
		}
	}
	if err := render.Valid(format); err != nil {
		return clienv.Usage("--format: %v", err)
	}
	if o.Raw && o.FromRaw != "" {
		return clienv.Usage("--raw and --from-raw cannot be used together")
	}

	var signer *attestlib.Signer
	if o.Attest || o.Key != "" {
		if !o.Attest || o.Key == "" || o.Output == "" || o.Output == "-" || format != "json" || o.Org != "" || o.Raw {
			return clienv.Usage("--attest needs --key and --output, the json format, and no --org or --raw")
		}
		if signer, err = cliattest.LoadSigner(env, o.Key); err != nil {
			return err
		}
	}
	if o.CDEventsSink != "" {
		if o.Raw {
			return clienv.Usage("--cdevents-sink cannot be used with --raw")
		}
		if err := cdevents.CheckSink(o.CDEventsSink); err != nil {
			return clienv.Usage("--cdevents-sink %v", err)
		}
	}
	if o.OpenIssues && (o.Org != "" || o.Raw) {
		return clienv.Usage("--open-issues cannot be used with --org or --raw")
	}
	if o.Ledger != "" && o.Raw {
		return clienv.Usage("--ledger cannot be used with --raw")
	}
	if o.Org != "" {
		if o.FromRaw != "" || o.Raw {
			return clienv.Usage("--org cannot be used with --raw or --from-raw")
		}
		return runOrg(ctx, env, o, checks, format)
	}
	var snap *snapshot.Snapshot
	var pol *policy.Policy
	switch {
	case o.FromRaw != "":
		snap, pol, err = loadRaw(o)
	case looksLikeURL(o.Target):
		snap, pol, err = remote(ctx, env, o)
	default:
		dir := o.Target
		if !filepath.IsAbs(dir) && env.Dir != "" {
			dir = filepath.Join(env.Dir, dir)
		}
		snap, pol, err = scanlib.Collect(ctx, dir, scanlib.Options{
			PolicyPath: o.Policy, Forge: o.Forge, ForgeURL: o.ForgeURL,
			Limits: collect.Limits{MaxFileSize: o.MaxSize, MaxFiles: o.MaxFiles},
			GitEnv: env.Environ, Path: o.Target,
		})
		if err == nil {
			c, f, why := forgeForCheckout(env, snap, o.ForgeURL)
			if c == nil {
				snap.Forge.Reason = why
			} else {
				f.Commits = pol.SignedCommits.Window
				scanlib.ReadForge(ctx, *f, snap)
			}
		}
	}
	if err != nil {
		return classify(err)
	}
	if o.Ledger != "" {
		snap.Ledger = cliledger.ReadFacts(ctx, env, o.Ledger, snap)
	} else if o.FromRaw == "" {
		snap.Ledger = snapshot.Ledger{Reason: "no --ledger given"}
	}
	if o.FromRaw == "" {
		snap.Tracker = readTracker(ctx, env, o, pol, snap)
	}
	if o.Raw {
		return env.WriteOutput(o.Output, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(snap)
		})
	}
	rep := scanlib.Evaluate(ctx, snap, pol, checks, env.Now(), env.Version)
	if err := env.WriteOutput(o.Output, func(w io.Writer) error {
		return render.Write(w, rep, format, env.Color() && o.Output == "", env.Checks)
	}); err != nil {
		return err
	}
	if o.CDEventsSink != "" {
		if err := cdevents.Emit(ctx, o.CDEventsSink, rep, nil); err != nil {
			fmt.Fprintf(env.Err, "ssdf: --cdevents-sink: %v (the scan goes on)\n", err)
		}
	}
	if o.OpenIssues {
		openIssues(ctx, env, o, pol, rep)
	}
	if signer != nil {
		if err := attestReport(ctx, env, o, signer); err != nil {
			return err
		}
	}
	if o.Ledger != "" {
		if err := cliledger.RecordScan(ctx, env, o.Ledger, rep); err != nil {
			return err
		}
	}
	if rep.Failed(o.FailOn == "unknown") {
		return &clienv.ExitError{Code: clienv.ExitFailed}
	}
	return nil
}

func loadRaw(o *Options) (*snapshot.Snapshot, *policy.Policy, error) {
	f, err := os.Open(o.FromRaw)
	if err != nil {
		return nil, nil, clienv.Usage("--from-raw: %v", err)
	}
	defer f.Close()
	var snap snapshot.Snapshot
	if err := json.NewDecoder(f).Decode(&snap); err != nil {
		return nil, nil, clienv.Usage("--from-raw %s: %v", o.FromRaw, err)
	}
	if snap.Schema != snapshot.Schema {
		return nil, nil, clienv.Usage("--from-raw %s: schema %q, want %q", o.FromRaw, snap.Schema, snapshot.Schema)
	}
	if o.Policy != "" {
		b, err := os.ReadFile(o.Policy)
		if err != nil {
			return nil, nil, &policy.Error{File: o.Policy, Msg: err.Error()}
		}
		snap.Policy = &snapshot.PolicyRef{Source: o.Policy, Digest: policy.Digest(b), Raw: string(b)}
	}
	pol, err := scanlib.PolicyOf(&snap)
	return &snap, pol, err
}

// classify maps an error to its exit code.
func classify(err error) error {
	var pe *policy.Error
	switch {
	case errors.As(err, &pe):
		return &clienv.ExitError{Code: clienv.ExitUsage, Err: fmt.Errorf("policy: %w", err)}
	case errors.Is(err, scanlib.ErrTarget):
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: err}
	}
	return err
}

func selectChecks(all []*check.Check, ids []string) ([]*check.Check, error) {
	if len(ids) == 0 {
		return all, nil
	}
	var out []*check.Check
	for _, id := range ids {
		id = strings.TrimSpace(id)
		i := slices.IndexFunc(all, func(c *check.Check) bool { return c.ID == id })
		if i < 0 {
			return nil, clienv.Usage("--checks: unknown check %q (see `ssdf checks`)", id)
		}
		if !slices.Contains(out, all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// remote scans a repository through the forge, without a clone.
func remote(ctx context.Context, env *clienv.Env, o *Options) (*snapshot.Snapshot, *policy.Policy, error) {
	kind, base, owner, name, err := forgeTarget(o.Target, o.Forge, o.ForgeURL)
	if err != nil {
		return nil, nil, err
	}
	if name == "" {
		return nil, nil, clienv.Usage("%s names an organization, not a repository: scan it with --org %s", o.Target, o.Target)
	}
	c, err := forgeconn.Connect(env, kind, base, o.Budget, 0)
	if err != nil {
		return nil, nil, err
	}
	ref := forge.RepoRef{Owner: owner, Name: name}
	f := scanlib.Forge{Client: c.Client, Repo: ref, Org: topGroup(kind, owner), Unavailable: c.Unavailable, BaseURL: c.BaseURL}
	snap, _, err := scanlib.Remote(ctx, f, scanlib.Options{PolicyPath: o.Policy, ForgeURL: base,
		Limits: collect.Limits{MaxFileSize: o.MaxSize, MaxFiles: o.MaxFiles}}, c.WebBase+"/"+ref.FullName())
	if err != nil {
		return nil, nil, err
	}
	pol, err := scanlib.PolicyOf(snap)
	return snap, pol, err
}

// attestReport signs the report file just written (its exact bytes) and
// writes the envelope, one JSON line, to Output + ".intoto.jsonl", and as a
// Sigstore bundle to Output + ".sigstore.json".
func attestReport(ctx context.Context, env *clienv.Env, o *Options, signer *attestlib.Signer) error {
	b, err := cliattest.ReadFile(env, "--attest", o.Output)
	if err != nil {
		return err
	}
	line, _, err := attestlib.Attest(ctx, signer, o.Output, b, attestlib.VSAOptions{UnknownFails: o.FailOn == "unknown"})
	if err != nil {
		return fmt.Errorf("--attest: %w", err)
	}
	if err := env.WriteOutput(o.Output+".intoto.jsonl", func(w io.Writer) error {
		_, err := w.Write(line)
		return err
	}); err != nil {
		return err
	}
	// The same envelope as a Sigstore bundle v0.3, for sigstore tooling.
	return cliattest.WriteBundle(env, o.Output+".sigstore.json", signer, line)
}

// openIssues syncs the tickets of the failing required checks (package
// tracker) and prints a one-line summary on stderr. Nothing it meets
// changes the scan's result: errors are printed, never returned. Tokens
// come from the environment (GITHUB_TOKEN/GH_TOKEN, GITLAB_TOKEN,
// SSDF_TRACKER_*) and never appear in what is printed.
func openIssues(ctx context.Context, env *clienv.Env, o *Options, pol *policy.Policy, rep *report.Report) {
	tr, err := openTracker(env, o, pol, rep.Target.URL, rep.Target.Forge)
	if err != nil {
		fmt.Fprintf(env.Err, "ssdf: --open-issues: %v (the scan goes on)\n", err)
		return
	}
	s, err := tracker.Sync(ctx, tr, rep.Target.Name(), rep)
	if err != nil {
		fmt.Fprintf(env.Err, "ssdf: --open-issues: %v (the scan goes on)\n", err)
		return
	}
	fmt.Fprintf(env.Err, "ssdf: --open-issues (%s): %s\n", tr.Kind(), s)
}

// openTracker opens the policy's tracker, else the issues of the
// repository's forge (targetURL, forgeKind).
func openTracker(env *clienv.Env, o *Options, pol *policy.Policy, targetURL, forgeKind string) (tracker.Tracker, error) {
	if pol != nil && pol.Tracker != nil {
		return tracker.FromPolicy(pol.Tracker.Kind, pol.Tracker.URL, pol.Tracker.Project, env.Getenv)
	}
	if targetURL == "" {
		return nil, errors.New("the policy names no tracker and the repository's forge is unknown (no origin remote); set `tracker:` in the policy")
	}
	kind, base, owner, name, err := forgeTarget(targetURL, forgeKind, o.ForgeURL)
	if err != nil || name == "" {
		return nil, fmt.Errorf("the policy names no tracker and %s is not a GitHub or GitLab repository; set `tracker:` in the policy", targetURL)
	}
	return tracker.FromPolicy(kind, base, owner+"/"+name, env.Getenv)
}

// trackerCredentials are the environment variables that hold a
// tracker's credentials.
func trackerCredentials(kind string) []string {
	switch kind {
	case "github":
		return []string{"GITHUB_TOKEN", "GH_TOKEN"}
	case "gitlab":
		return []string{"GITLAB_TOKEN"}
	case "trac":
		return []string{"SSDF_TRACKER_USER"}
	}
	return []string{"SSDF_TRACKER_TOKEN"}
}

// readTracker reads, for audit-exceptions-tracked, the ticket of each of
// the policy's exceptions from the tracker openTracker opens. A ticket the
// tracker does not know has Exists false; any other error is recorded on
// the ticket (its state unknown). Nothing here fails the scan.
func readTracker(ctx context.Context, env *clienv.Env, o *Options, pol *policy.Policy, snap *snapshot.Snapshot) snapshot.Tracker {
	if pol == nil || len(pol.Exceptions) == 0 {
		return snapshot.Tracker{Reason: "the policy has no exceptions"}
	}
	tr, err := openTracker(env, o, pol, snap.Target.URL, snap.Target.Forge)
	if err != nil {
		return snapshot.Tracker{Reason: err.Error()}
	}
	// Like the forge, the tracker is read only with credentials in the
	// environment: a scan without them stays offline.
	if vars := trackerCredentials(tr.Kind()); !slices.ContainsFunc(vars, func(v string) bool { return env.Getenv(v) != "" }) {
		return snapshot.Tracker{Kind: tr.Kind(), Reason: fmt.Sprintf("no %s in the environment, so the %s tracker was not read", strings.Join(vars, " or "), tr.Kind())}
	}
	out := snapshot.Tracker{Consulted: true, Kind: tr.Kind(), Tickets: map[string]snapshot.TicketState{}}
	for _, e := range pol.Exceptions {
		ref := e.Ticket
		if strings.TrimSpace(ref) == "" {
			continue
		}
		if _, done := out.Tickets[ref]; done {
			continue
		}
		t, err := tr.Get(ctx, ref)
		switch {
		case errors.Is(err, tracker.ErrNotFound):
			out.Tickets[ref] = snapshot.TicketState{}
		case err != nil:
			out.Tickets[ref] = snapshot.TicketState{Error: err.Error()}
		case t == nil:
			out.Tickets[ref] = snapshot.TicketState{}
		default:
			out.Tickets[ref] = snapshot.TicketState{Exists: true, Open: t.Open, Approved: t.Approved, Status: t.Status}
		}
	}
	return out
}
