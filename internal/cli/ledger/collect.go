package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/forgeconn"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

// CollectOptions are the flags of `ssdf ledger collect-auditlog`.
type CollectOptions struct {
	// Org is --org: "github.com/acme", "gitlab.com/group[/sub]" or
	// "host/org" with --forge (and --forge-url) for a self-hosted forge.
	Org      string
	Forge    string
	ForgeURL string
}

// collectRounds bounds the AuditEvents calls of one run (each reads up to
// forge.AuditPages pages); a run cut short records a gap and the next run
// continues from the cursor.
const collectRounds = 10

func collectCmd(env *clienv.Env, o *Options, c *CollectOptions, runF func(context.Context, string, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "collect-auditlog --org HOST/ORG",
		Short: "Append the organization's new forge audit events to the ledger",
		Long: `Read the audit log of a GitHub organization (GET /orgs/{org}/audit-log: GitHub Enterprise
Cloud or Server, an owner's token with read:audit_log in GITHUB_TOKEN or GH_TOKEN) or of a
GitLab group (GET /groups/:id/audit_events: GitLab Premium, GITLAB_TOKEN) from the cursor kept
in the ledger, and append one auditlog entry holding the events not yet kept (the forge's
JSON, deduplicated by event ID) and the new cursor (the newest event's time and ID). Run it
more often than the forge's retention (GitHub: 180 days; GitLab: as configured) so the
ledger keeps the whole trail (PO.4.2).

Every run appends one entry, with zero events when nothing is new, so that the ledger shows
when the audit log was last collected. The entry records a gap when events may have been
lost: the cursor's event is no longer returned and every event returned is newer (the
forge's retention dropped events before they were collected), or the run stopped before
the forge's last page (run it again to continue).

Exit codes: 0 collected; 2 usage error or the ledger could not be opened; 3 the forge could
not be read (nothing is appended).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if c.Org == "" {
				return clienv.Usage("--org is required (e.g. --org github.com/acme)")
			}
			if runF != nil {
				return runF(cmd.Context(), "collect-auditlog", o)
			}
			return RunCollectAuditLog(cmd.Context(), env, o, c)
		},
	}
	cmd.Flags().StringVar(&c.Org, "org", "", "the organization or group: github.com/ORG or gitlab.com/GROUP (required)")
	cmd.Flags().StringVar(&c.Forge, "forge", "", "the forge kind for a self-hosted instance: github or gitlab")
	cmd.Flags().StringVar(&c.ForgeURL, "forge-url", "", "the forge's URL for a self-hosted instance (GitHub Enterprise Server, GitLab)")
	return cmd
}

// auditTarget splits --org into the forge kind, the API base ("" for the
// hosted service), the ledger's name of the organization (host/org,
// lower-case host) and the organization (GitLab: group path).
func auditTarget(c *CollectOptions) (kind, base, name, org string, err error) {
	s := c.Org
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" {
		return "", "", "", "", clienv.Usage("--org %q is not host/organization such as github.com/acme", c.Org)
	}
	if u.User != nil {
		return "", "", "", "", clienv.Usage("--org must not carry credentials: give the token in GITHUB_TOKEN or GITLAB_TOKEN")
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	org = strings.Trim(strings.TrimSuffix(u.Path, "/"), "/")
	if org == "" {
		return "", "", "", "", clienv.Usage("--org %q names no organization", c.Org)
	}
	switch {
	case c.Forge == "github" || c.Forge == "gitlab":
		kind = c.Forge
	case c.Forge != "":
		return "", "", "", "", clienv.Usage("--forge must be github or gitlab")
	case host == "github.com":
		kind = "github"
	case host == "gitlab.com":
		kind = "gitlab"
	default:
		return "", "", "", "", clienv.Usage("%s is not github.com or gitlab.com: give --forge github|gitlab (and --forge-url for a self-hosted instance)", host)
	}
	if kind == "github" && strings.Contains(org, "/") {
		return "", "", "", "", clienv.Usage("--org %q: a GitHub organization is one name, such as github.com/acme", c.Org)
	}
	base = c.ForgeURL
	if base == "" && host != "github.com" && host != "gitlab.com" {
		base = u.Scheme + "://" + u.Host
	}
	return kind, base, host + "/" + org, org, nil
}

// auditConnect builds the audit-log reader, connected as `ssdf scan` is.
func auditConnect(env *clienv.Env, kind, base string) (forge.AuditLogger, error) {
	c, err := forgeconn.Connect(env, kind, base, 0, 0)
	if err != nil {
		return nil, err
	}
	al, ok := c.Client.(forge.AuditLogger)
	if !ok {
		return nil, clienv.Usage("the %s client cannot read audit logs", kind)
	}
	return al, nil
}

// eventID is the forge ID of a stored raw event: GitHub's _document_id,
// GitLab's id.
func eventID(raw json.RawMessage) string {
	var v struct {
		DocID string          `json:"_document_id"`
		ID    json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if v.DocID != "" {
		return v.DocID
	}
	return strings.Trim(string(v.ID), `"`)
}

// RunCollectAuditLog runs `ssdf ledger collect-auditlog`.
func RunCollectAuditLog(ctx context.Context, env *clienv.Env, o *Options, c *CollectOptions) error {
	kind, base, name, org, err := auditTarget(c)
	if err != nil {
		return err
	}
	al, err := auditConnect(env, kind, base)
	if err != nil {
		return err
	}
	l, err := openLedger(ctx, env, o, true)
	if err != nil {
		return err
	}
	defer l.Close()

	// The cursor of the newest collection of this organization, and the
	// IDs already kept (to deduplicate events of the cursor's time).
	var prev *ledgerlib.AuditLog
	seen := map[string]bool{}
	err = l.Entries(ctx, 0, -1, func(e ledgerlib.Entry) error {
		r, ok := e.Record.(ledgerlib.AuditLog)
		if !ok || !ledgerlib.OrgMatches(r.Org, name) {
			return nil
		}
		if prev == nil || !r.At.Before(prev.At) {
			prev = &r
		}
		for _, ev := range r.Events {
			if id := eventID(ev); id != "" {
				seen[id] = true
			}
		}
		return nil
	})
	if err != nil {
		return clienv.Usage("%v", err)
	}
	cursor := ""
	if prev != nil {
		cursor = prev.Cursor
	}
	curTime, curID, err := forge.ParseAuditCursor(cursor)
	if err != nil {
		return clienv.Usage("the ledger's last auditlog entry for %s: %v", name, err)
	}

	var fetched []forge.AuditEvent
	next, more := cursor, true
	for round := 0; more && round < collectRounds; round++ {
		var evs []forge.AuditEvent
		evs, next, more, err = al.AuditEvents(ctx, org, next)
		if err != nil {
			return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("read the audit log of %s: %v (nothing appended)", name, err)}
		}
		fetched = append(fetched, evs...)
	}

	rec := ledgerlib.AuditLog{Org: name, Cursor: next, At: env.Now().UTC()}
	var reasons []string
	if cursor != "" && len(fetched) > 0 {
		found := false
		for _, e := range fetched {
			if e.ID == curID {
				found = true
				break
			}
		}
		if !found && fetched[0].Time.After(curTime) {
			reasons = append(reasons, fmt.Sprintf("the forge no longer returns the last collected event (%s); events between it and %s may have been lost to the forge's retention", curID, fetched[0].Time.Format("2006-01-02T15:04:05Z")))
		}
	}
	if more {
		reasons = append(reasons, "the forge had more events than one run reads; run collect-auditlog again to continue")
	}
	rec.Gap = len(reasons) > 0
	for _, e := range fetched {
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		rec.Events = append(rec.Events, e.Raw)
	}
	if rec.Cursor == "" && cursor != "" {
		rec.Cursor = cursor
	}
	i, err := l.Append(ctx, rec)
	if err != nil {
		return fmt.Errorf("--ledger: %w", err)
	}
	for _, r := range reasons {
		fmt.Fprintf(env.Err, "ssdf: warning: gap in the audit log of %s: %s\n", name, r)
	}
	fmt.Fprintf(env.Out, "%s: %d new audit events recorded in the ledger as entry %d\n", name, len(rec.Events), i)
	return nil
}
