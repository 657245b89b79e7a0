package ledger

import (
	"context"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Facts reads from the ledger what concerns a scan of a repository of the
// organization org ("github.com/acme", or just "acme"; "" when the
// organization is not known): every CODEOWNERS review (the check picks
// the one of the current content by its digest), the owner reviews and
// the newest audit-log collection of org, and every exception decision.
// A ledger that cannot be read gives Consulted false with the error as
// the reason; Facts never fails the scan.
func Facts(ctx context.Context, l *Ledger, org string) snapshot.Ledger {
	var out snapshot.Ledger
	var audit *snapshot.AuditLogCollection
	err := l.Entries(ctx, 0, -1, func(e Entry) error {
		switch r := e.Record.(type) {
		case Review:
			switch r.Subject {
			case SubjectCodeowners:
				out.CodeownersReviews = append(out.CodeownersReviews, snapshot.CodeownersReview{Digest: r.Digest, By: r.By, At: r.At.UTC()})
			case SubjectOwners:
				if org != "" && OrgMatches(r.Org, org) {
					out.OwnerReviews = append(out.OwnerReviews, snapshot.OwnerReview{Org: r.Org, Owners: slices.Clone(r.Owners), By: r.By, At: r.At.UTC()})
				}
			}
		case Exception:
			out.Exceptions = append(out.Exceptions, snapshot.ExceptionDecision{
				Action: r.Action, Check: r.Check, Ticket: r.Ticket, Approver: r.Approver,
				Expires: r.Expires, Reason: r.Reason, By: r.By, At: r.At.UTC(),
			})
		case AuditLog:
			if org != "" && OrgMatches(r.Org, org) && (audit == nil || !r.At.Before(audit.LastCollected)) {
				audit = &snapshot.AuditLogCollection{Org: r.Org, LastCollected: r.At.UTC(), Gap: r.Gap, Cursor: r.Cursor}
			}
		}
		return nil
	})
	if err != nil {
		return snapshot.Ledger{Reason: "the ledger could not be read: " + err.Error()}
	}
	out.Consulted = true
	out.AuditLog = audit
	return out
}

// OrgOf names the organization of a scanned repository: the forge's
// organization login when the forge was read, else the host and first
// path segment of the target URL or the origin remote
// ("github.com/acme"); "" when none tells.
func OrgOf(s *snapshot.Snapshot) string {
	host := ""
	for _, u := range []string{s.Target.URL, s.Git.Origin} {
		if h, owner := hostOwner(u); owner != "" {
			if s.Forge.Org != nil && s.Forge.Org.Login != "" {
				return h + "/" + s.Forge.Org.Login
			}
			return h + "/" + owner
		} else if h != "" {
			host = h
		}
	}
	if s.Forge.Org != nil && s.Forge.Org.Login != "" {
		if host != "" {
			return host + "/" + s.Forge.Org.Login
		}
		return s.Forge.Org.Login
	}
	return ""
}

// hostOwner splits a remote URL (https://host/owner/repo, ssh://…,
// git@host:owner/repo.git) into its host and first path segment.
func hostOwner(u string) (host, owner string) {
	if u == "" {
		return "", ""
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if at, rest, ok := strings.Cut(u, "@"); ok && !strings.Contains(at, "/") {
		u = strings.Replace(rest, ":", "/", 1) // scp-like git@host:owner/repo
	}
	if i := strings.LastIndex(u, "@"); i >= 0 && i < strings.Index(u+"/", "/") {
		u = u[i+1:]
	}
	host, path, _ := strings.Cut(u, "/")
	host, _, _ = strings.Cut(host, ":")
	owner, _, _ = strings.Cut(path, "/")
	return strings.ToLower(host), owner
}

// OrgMatches reports whether two spellings of an organization name the
// same one: equal ignoring case, a scheme and trailing slashes; when
// either lacks the host ("acme" against "github.com/acme"), the names
// alone are compared.
func OrgMatches(a, b string) bool {
	na, nb := normOrg(a), normOrg(b)
	if na == "" || nb == "" {
		return false
	}
	if na == nb {
		return true
	}
	if strings.Contains(na, "/") && strings.Contains(nb, "/") {
		return false
	}
	return lastSeg(na) == lastSeg(nb)
}

func normOrg(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.Trim(s, "/")
	// A port is not part of the organization's name: OrgOf drops it from
	// the scanned URL, so a review or collection recorded with
	// "git.example:8443/acme" must match too.
	if host, rest, ok := strings.Cut(s, "/"); ok {
		if h, _, hasPort := strings.Cut(host, ":"); hasPort {
			s = h + "/" + rest
		}
	}
	return s
}

func lastSeg(s string) string {
	_, after, ok := strings.Cut(s, "/")
	if !ok {
		return s
	}
	return after
}
