package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/forgeconn"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/policy"
	scanlib "github.com/ssdf-dev/ssdf/scan"
	"github.com/ssdf-dev/ssdf/snapshot"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// DecisionOptions are the flags of `ssdf ledger review …` and `ssdf
// ledger exception …`.
type DecisionOptions struct {
	By     string
	Target string   // review codeowners: the checkout (default ".")
	Org    string   // review owners
	Owners []string // review owners: the current owner list (else read from the forge)
	// Forge and ForgeURL name a self-hosted forge for review owners.
	Forge    string
	ForgeURL string
	Check    string
	Ticket   string
	// Approver defaults to By.
	Approver string
	Expires  string
	Reason   string
	// Policy is the policy file naming the approvers (default: .ssdf.yaml
	// in the current directory).
	Policy string
}

func decisionCmds(env *clienv.Env, o *Options, d *DecisionOptions, runF func(context.Context, string, *Options) error) (review, exception *cobra.Command) {
	mk := func(name, use, short, long string, args cobra.PositionalArgs, run func(context.Context, *clienv.Env, *Options, *DecisionOptions, string) error) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Long: long, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				d.Target = "."
				if len(args) == 1 {
					d.Target = args[0]
				}
				if runF != nil {
					return runF(cmd.Context(), name, o)
				}
				return run(cmd.Context(), env, o, d, name)
			},
		}
	}
	review = &cobra.Command{Use: "review", Short: "Record a review of CODEOWNERS or of an organization's owners", Args: cobra.NoArgs}
	rc := mk("review codeowners", "codeowners [PATH]", "Record a review of the checkout's current CODEOWNERS content",
		`Record in the ledger that NAME reviewed the effective CODEOWNERS file of the checkout at PATH
(default: the current directory) as it is now: the entry holds the sha256 digest of its content.
codeowners-reviewed passes on such a review within the review period for as long as the content
is unchanged.`, cobra.MaximumNArgs(1), RunReviewCodeowners)
	rc.Flags().StringVar(&d.By, "by", "", "who reviewed (required)")
	ro := mk("review owners", "owners", "Record a review of an organization's owner list",
		`Record in the ledger that NAME reviewed the owner list of ORG (github.com/acme, or a GitLab
group) as the forge lists it now: ssdf reads the owners (GitHub: members with the admin role;
GitLab: Owners of the top-level group) with the token in GITHUB_TOKEN/GH_TOKEN or GITLAB_TOKEN,
prints them and records them. Without a token, give the list with --owners exactly as the
forge lists the owners. owners-reviewed passes while the forge's owners equal a list reviewed
within the review period.`, cobra.NoArgs, RunReviewOwners)
	ro.Flags().StringVar(&d.By, "by", "", "who reviewed (required)")
	ro.Flags().StringVar(&d.Org, "org", "", "the organization or group, e.g. github.com/acme (required)")
	ro.Flags().StringSliceVar(&d.Owners, "owners", nil, "the current owners, comma-separated (default: read from the forge)")
	ro.Flags().StringVar(&d.Forge, "forge", "", "the forge kind for a self-hosted instance: github or gitlab")
	ro.Flags().StringVar(&d.ForgeURL, "forge-url", "", "the forge's URL for a self-hosted instance")
	review.AddCommand(rc, ro)

	exception = &cobra.Command{Use: "exception", Short: "Record an exception request, approval or rejection", Args: cobra.NoArgs,
		Long: `Record exception decisions in the ledger, tied to a tracker ticket:

  ssdf ledger exception request --check ID --ticket T --by NAME --reason R [--expires YYYY-MM-DD]
  ssdf ledger exception approve --check ID --ticket T --by NAME [--approver NAME] --expires YYYY-MM-DD
  ssdf ledger exception reject  --check ID --ticket T --by NAME [--approver NAME]

The approver (--approver, default --by) of an approval or rejection must be listed under
` + "`approvers:`" + ` in the policy (--policy, default .ssdf.yaml in the current directory). An approval needs
a recorded request for the ticket, and the requester cannot approve their own request: such
approvals are refused with exit code 2.`}
	for _, a := range []string{ledgerlib.ActionRequest, ledgerlib.ActionApprove, ledgerlib.ActionReject} {
		c := mk("exception "+a, a, "Record an exception "+map[string]string{"request": "request", "approve": "approval", "reject": "rejection"}[a], "", cobra.NoArgs, RunException)
		f := c.Flags()
		f.StringVar(&d.Check, "check", "", "the check the exception is for (required)")
		f.StringVar(&d.Ticket, "ticket", "", "the tracker ticket (required)")
		f.StringVar(&d.By, "by", "", "who records the decision (required)")
		f.StringVar(&d.Reason, "reason", "", "why the exception is needed (required for a request)")
		f.StringVar(&d.Expires, "expires", "", "last day the exception holds, YYYY-MM-DD (required for an approval)")
		if a != ledgerlib.ActionRequest {
			f.StringVar(&d.Approver, "approver", "", "who decides (default: --by); must be listed in the policy's approvers")
			f.StringVar(&d.Policy, "policy", "", "the policy file listing the approvers (default: .ssdf.yaml in the current directory)")
		}
		exception.AddCommand(c)
	}
	return review, exception
}

func (d *DecisionOptions) need(flags ...string) error {
	vals := map[string]string{"--by": d.By, "--org": d.Org, "--check": d.Check, "--ticket": d.Ticket, "--reason": d.Reason, "--expires": d.Expires}
	for _, f := range flags {
		if f == "--owners" {
			if len(d.Owners) == 0 {
				return clienv.Usage("--owners is required: the current owners, comma-separated")
			}
			continue
		}
		if strings.TrimSpace(vals[f]) == "" {
			return clienv.Usage("%s is required", f)
		}
	}
	return nil
}

func appendOne(ctx context.Context, env *clienv.Env, o *Options, r ledgerlib.Record) (int64, error) {
	l, err := openLedger(ctx, env, o, true)
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Append(ctx, r)
}

// RunReviewCodeowners runs `ssdf ledger review codeowners`.
func RunReviewCodeowners(ctx context.Context, env *clienv.Env, o *Options, d *DecisionOptions, _ string) error {
	if err := d.need("--by"); err != nil {
		return err
	}
	dir := d.Target
	if !filepath.IsAbs(dir) && env.Dir != "" {
		dir = filepath.Join(env.Dir, dir)
	}
	snap, _, err := scanlib.Collect(ctx, dir, scanlib.Options{GitEnv: env.Environ, Path: d.Target})
	var pe *policy.Error
	switch {
	case errors.As(err, &pe):
		return clienv.Usage("policy: %v", err)
	case err != nil:
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: err}
	}
	loc := codeowners.Effective(snap)
	c, ok := snap.Tree.Contents[loc.Path]
	if loc.Path == "" || !ok || c.Skipped != "" {
		why := loc.Why()
		if loc.Path != "" && c.Skipped != "" {
			why = loc.Path + " was not read: " + c.Skipped
		}
		return clienv.Usage("no CODEOWNERS content to review in %s: %s", d.Target, why)
	}
	digest := snapshot.ContentDigest(c.Text)
	i, err := appendOne(ctx, env, o, ledgerlib.Review{Subject: ledgerlib.SubjectCodeowners, Digest: digest, By: d.By, At: env.Now().UTC()})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "recorded the review of %s (%s) by %s as entry %d\n", loc.Path, digest, d.By, i)
	return nil
}

// RunReviewOwners runs `ssdf ledger review owners`.
func RunReviewOwners(ctx context.Context, env *clienv.Env, o *Options, d *DecisionOptions, _ string) error {
	if err := d.need("--org", "--by"); err != nil {
		return err
	}
	list, source := d.Owners, "as given with --owners"
	if len(d.Owners) == 0 {
		var err error
		if list, err = forgeOwners(ctx, env, d); err != nil {
			return err
		}
		source = "as the forge lists them"
	}
	var owners []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			owners = append(owners, s)
		}
	}
	slices.Sort(owners)
	owners = slices.Compact(owners)
	if len(owners) == 0 {
		if len(d.Owners) == 0 {
			return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("the forge lists no owner of %s: nothing to review", d.Org)}
		}
		return clienv.Usage("--owners lists no owner")
	}
	i, err := appendOne(ctx, env, o, ledgerlib.Review{Subject: ledgerlib.SubjectOwners, Org: d.Org, Owners: owners, By: d.By, At: env.Now().UTC()})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "recorded the review of the owners of %s (%s, %s) by %s as entry %d\n", d.Org, strings.Join(owners, ", "), source, d.By, i)
	return nil
}

// forgeOwners reads the current owners of --org from the forge, as the
// scan does for owners-reviewed, so that the review records exactly the
// list the check will compare.
func forgeOwners(ctx context.Context, env *clienv.Env, d *DecisionOptions) ([]string, error) {
	kind, base, _, org, err := auditTarget(&CollectOptions{Org: d.Org, Forge: d.Forge, ForgeURL: d.ForgeURL})
	if err != nil {
		return nil, err
	}
	if tok, vars := forgeconn.Token(env, kind); tok == "" {
		return nil, clienv.Usage("no --owners and no %s in the environment to read the owners of %s from the forge: give one", vars, d.Org)
	}
	c, err := forgeconn.Connect(env, kind, base, 0, 0)
	if err != nil {
		return nil, err
	}
	if kind == "gitlab" {
		org, _, _ = strings.Cut(org, "/") // owners are the top-level group's
	}
	of, err := c.Client.Org(ctx, org)
	if err != nil {
		return nil, &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("read the owners of %s: %v", d.Org, err)}
	}
	if !of.Owners.Known() {
		return nil, &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("the forge did not list the owners of %s (%s): nothing was recorded", d.Org, of.Owners.Why())}
	}
	return of.Owners.Value, nil
}

// RunException runs `ssdf ledger exception request|approve|reject`.
func RunException(ctx context.Context, env *clienv.Env, o *Options, d *DecisionOptions, name string) error {
	action := strings.TrimPrefix(name, "exception ")
	req := []string{"--check", "--ticket", "--by"}
	switch action {
	case ledgerlib.ActionRequest:
		req = append(req, "--reason")
	case ledgerlib.ActionApprove:
		req = append(req, "--expires")
	}
	if err := d.need(req...); err != nil {
		return err
	}
	if !slices.Contains(ssdf.CheckIDs, d.Check) {
		return clienv.Usage("--check: unknown check %q (see `ssdf checks`)", d.Check)
	}
	if d.Expires != "" {
		t, err := time.Parse(time.DateOnly, d.Expires)
		if err != nil {
			return clienv.Usage("--expires %q: want a date YYYY-MM-DD", d.Expires)
		}
		if action != ledgerlib.ActionReject && policy.Expired(t, env.Now()) {
			return clienv.Usage("--expires %s is already past", d.Expires)
		}
	}
	e := ledgerlib.Exception{Action: action, Check: d.Check, Ticket: d.Ticket, Expires: d.Expires, Reason: d.Reason, By: d.By, At: env.Now().UTC()}
	l, err := openLedger(ctx, env, o, true)
	if err != nil {
		return err
	}
	defer l.Close()
	if action != ledgerlib.ActionRequest {
		e.Approver = d.Approver
		if e.Approver == "" {
			e.Approver = d.By
		}
		pol, src, err := loadPolicy(env, d.Policy)
		if err != nil {
			return err
		}
		if !slices.Contains(pol.Approvers, e.Approver) {
			if len(pol.Approvers) == 0 {
				return clienv.Usage("%s is not an approver: %s lists no approvers (add `approvers: [%s]`)", e.Approver, src, e.Approver)
			}
			return clienv.Usage("%s is not an approver: %s lists %s", e.Approver, src, strings.Join(pol.Approvers, ", "))
		}
		requester := ""
		err = l.Entries(ctx, 0, -1, func(x ledgerlib.Entry) error {
			if r, ok := x.Record.(ledgerlib.Exception); ok && r.Action == ledgerlib.ActionRequest && r.Ticket == d.Ticket && r.Check == d.Check {
				requester = r.By
			}
			return nil
		})
		if err != nil {
			return clienv.Usage("%v", err)
		}
		if action == ledgerlib.ActionApprove {
			switch {
			case requester == "":
				return clienv.Usage("no request for %s on ticket %s is recorded in the ledger: record it first with `ssdf ledger exception request`", d.Check, d.Ticket)
			case requester == e.Approver:
				return clienv.Usage("self-approval refused: %s requested the exception for %s on ticket %s and cannot approve it; another approver must", requester, d.Check, d.Ticket)
			}
		}
	}
	i, err := l.Append(ctx, e)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "recorded the exception %s for %s (ticket %s) by %s as entry %d\n", action, d.Check, d.Ticket, d.By, i)
	return nil
}

// loadPolicy loads --policy, else .ssdf.yaml (or .ssdf.yml) in the
// current directory, else the embedded default.
func loadPolicy(env *clienv.Env, path string) (*policy.Policy, string, error) {
	cands := []string{path}
	if path == "" {
		cands = []string{".ssdf.yaml", ".ssdf.yml"}
	}
	for _, p := range cands {
		full := p
		if !filepath.IsAbs(full) && env.Dir != "" {
			full = filepath.Join(env.Dir, full)
		}
		b, err := os.ReadFile(full)
		if errors.Is(err, os.ErrNotExist) && path == "" {
			continue
		}
		if err != nil {
			return nil, "", clienv.Usage("--policy: %v", err)
		}
		pol, err := policy.Load(p, b, ssdf.CheckIDs)
		if err != nil {
			return nil, "", clienv.Usage("policy: %v", err)
		}
		return pol, p, nil
	}
	return policy.Default(), "the default policy", nil
}
