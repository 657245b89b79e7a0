package serve

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/ssdf"
)

//go:embed dashboard.html.tmpl
var dashboardText string

var dashboard = template.Must(template.New("dashboard").Parse(dashboardText))

// badge is a status shown as a symbol and a word, so that colour is never
// the only signal; Class picks the colour.
type badge struct{ Class, Symbol, Word string }

// badges maps every status the dashboard shows to its badge: task
// statuses (SPEC §2), integrity and exception states.
var badges = map[string]badge{
	report.StatusPass:          {"st-pass", "✓", "pass"},
	report.StatusFail:          {"st-fail", "✗", "fail"},
	report.StatusUnknown:       {"st-unknown", "?", "unknown"},
	report.StatusNotApplicable: {"st-na", "–", "not applicable"},
	report.StatusWaived:        {"st-waived", "≈", "waived"},
	"":                         {"st-unknown", "?", "not recorded"},
	"verified":                 {"st-pass", "✓", "verified"},
	"tampered":                 {"st-fail", "✗", "TAMPERED"},
	StateRequested:             {"st-unknown", "…", "requested"},
	StateApproved:              {"st-pass", "✓", "approved"},
	StateRejected:              {"st-fail", "✗", "rejected"},
}

// badgeFor is the badge of a status; one the dashboard does not know is
// shown as unknown with its own word, never as passing.
func badgeFor(status string) badge {
	if b, ok := badges[status]; ok {
		return b
	}
	return badge{"st-unknown", "?", text(status)}
}

// text makes ledger text safe to show: valid UTF-8, and control
// characters (which HTML does not allow) other than tab and newline
// replaced by U+FFFD. html/template does the escaping.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r != '\t' && r != '\n' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

type pageData struct {
	Page, Title, Error, Origin, Version string
	Overview                            *overviewView
	Target                              *targetView
	Entries                             *entriesView
	Entry                               *entryView
}

type integrityView struct {
	Badge       badge
	OK          bool
	FirstBad    int64
	Problems    []string
	Notes       []string
	Checkpoints int
	Root        string
}

type taskHead struct{ ID, Title string }

func taskHeads() []taskHead {
	var out []taskHead
	for _, t := range ssdf.Tasks {
		out = append(out, taskHead{t.ID, t.Title})
	}
	return out
}

// cells are a scan's task badges in SSDF order.
func cells(tasks map[string]string) []badge {
	var out []badge
	for _, t := range ssdf.Tasks {
		out = append(out, badgeFor(tasks[t.ID]))
	}
	return out
}

type targetRow struct {
	Target, At, Commit string
	Scans              int
	Cells              []badge
}

type exceptionRow struct {
	Check, Ticket, Approver, Expires, Reason, RequestedBy, Flag string
	State                                                       badge
}

type reviewRow struct {
	Index                 int64
	At, Subject, What, By string
}

type overviewView struct {
	Integrity      integrityView
	Size           int64
	Origin         string
	CheckpointSize int64
	LatestAt       string
	Tasks          []taskHead
	Targets        []targetRow
	Attention      []exceptionRow
	Exceptions     int
	Reviews        []reviewRow
}

// latestReviews is how many reviews the overview lists.
const latestReviews = 10

func (s *server) pageOverview(w http.ResponseWriter, r *http.Request) {
	info, v, err := s.ledgerInfo(r.Context())
	if err != nil {
		s.pageUnreadable(w, r, err)
		return
	}
	ov := &overviewView{
		Integrity: integrityOf(info.Verification), Size: info.Size, Origin: text(info.Origin),
		CheckpointSize: info.CheckpointSize, Tasks: taskHeads(),
	}
	if info.LatestAt != nil {
		ov.LatestAt = timeText(*info.LatestAt)
	}
	for _, t := range targetsJSON(v.Entries).Targets {
		ov.Targets = append(ov.Targets, targetRow{
			Target: text(t.Target), Scans: t.Scans, At: timeText(t.Latest.At), Commit: text(t.Latest.Commit), Cells: cells(t.Latest.Tasks),
		})
	}
	exs := exceptionsJSON(v.Entries, s.o.Now())
	ov.Exceptions = len(exs.Exceptions)
	for _, ex := range exs.Exceptions {
		flag := ""
		switch {
		case ex.State == StateRequested:
			flag = "pending a decision"
		case ex.Expired:
			flag = "expired"
		case ex.ExpiresSoon:
			flag = "expires within 30 days"
		default:
			continue
		}
		ov.Attention = append(ov.Attention, exceptionRow{
			Check: text(ex.Check), Ticket: text(ex.Ticket), Approver: text(ex.Approver), Expires: text(ex.Expires),
			Reason: text(ex.Reason), RequestedBy: text(ex.RequestedBy), Flag: flag, State: badgeFor(ex.State),
		})
	}
	rv := reviewsJSON(v.Entries).Reviews
	for _, x := range rv[:min(len(rv), latestReviews)] {
		what := x.Digest
		if x.Subject == ledger.SubjectOwners {
			what = x.Org + ": " + strings.Join(x.Owners, ", ")
		}
		ov.Reviews = append(ov.Reviews, reviewRow{Index: x.Index, At: timeText(x.At), Subject: text(x.Subject), What: text(what), By: text(x.By)})
	}
	s.render(w, http.StatusOK, pageData{Page: "overview", Title: "SSDF evidence ledger", Overview: ov})
}

func integrityOf(v VerificationJSON) integrityView {
	iv := integrityView{OK: v.OK, Badge: badgeFor("verified"), Checkpoints: v.Checkpoints, Root: v.Root}
	for _, n := range v.Notes {
		iv.Notes = append(iv.Notes, text(n))
	}
	if !v.OK {
		iv.Badge = badgeFor("tampered")
		iv.Badge.Word += fmt.Sprintf(" at entry %d", *v.FirstBadIndex)
		iv.FirstBad = *v.FirstBadIndex
		for _, p := range v.Problems {
			iv.Problems = append(iv.Problems, text(p))
		}
	}
	return iv
}

type scanRow struct {
	Index              int64
	At, Commit, Digest string
	Cells              []badge
}

type targetView struct {
	Tasks []taskHead
	Scans []scanRow
}

func (s *server) pageTarget(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	if target == "" {
		s.pageError(w, http.StatusBadRequest, "target: required (follow a target's link from the overview)")
		return
	}
	h, ok, err := s.history(r.Context(), target)
	switch {
	case err != nil:
		s.pageUnreadable(w, r, err)
		return
	case !ok:
		s.pageError(w, http.StatusNotFound, "no scan of target "+target+" is recorded")
		return
	}
	tv := &targetView{Tasks: taskHeads()}
	for i := len(h.Scans) - 1; i >= 0; i-- {
		sc := h.Scans[i]
		tv.Scans = append(tv.Scans, scanRow{Index: sc.Index, At: timeText(sc.At), Commit: text(sc.Commit), Digest: text(sc.ReportDigest), Cells: cells(sc.Tasks)})
	}
	s.render(w, http.StatusOK, pageData{Page: "target", Title: "Scans of " + text(target), Target: tv})
}

type entryRow struct {
	Index             int64
	Type, At, Summary string
}

type entriesView struct {
	Size, First, Last, Limit, Prev, Next int64
	HasPrev, HasNext                     bool
	Rows                                 []entryRow
}

// summary is one line about an entry.
func summary(e entry) string {
	switch x := e.Record.(type) {
	case ledger.Scan:
		s := "scan of " + x.Target
		if x.Commit != "" {
			s += " at " + x.Commit
		}
		return s
	case ledger.Review:
		if x.Subject == ledger.SubjectOwners {
			return fmt.Sprintf("owner review of %s by %s: %s", x.Org, x.By, strings.Join(x.Owners, ", "))
		}
		return fmt.Sprintf("%s review by %s of %s", x.Subject, x.By, x.Digest)
	case ledger.Exception:
		s := fmt.Sprintf("exception %s for %s (ticket %s) by %s", x.Action, x.Check, x.Ticket, x.By)
		if x.Expires != "" {
			s += ", expires " + x.Expires
		}
		return s
	case ledger.Attestation:
		return "attestation " + x.EnvelopeDigest
	case ledger.AuditLog:
		return fmt.Sprintf("audit log of %s: %d events", x.Org, len(x.Events))
	case ledger.Unknown:
		return "an entry of a type this version does not know"
	}
	return "undecodable: " + e.Err
}

func (s *server) pageEntries(w http.ResponseWriter, r *http.Request) {
	from, limit, err := page(r)
	if err != nil {
		s.pageError(w, http.StatusBadRequest, err.Error())
		return
	}
	v, err := s.read(r.Context(), from, from+limit)
	if err != nil {
		s.pageUnreadable(w, r, err)
		return
	}
	ev := &entriesView{Size: v.Size, Limit: limit, First: from, Last: min(from+limit, v.Size) - 1}
	if from > 0 {
		ev.HasPrev, ev.Prev = true, max(min(from, v.Size)-limit, 0)
	}
	if from+limit < v.Size {
		ev.HasNext, ev.Next = true, from+limit
	}
	for _, e := range v.Entries {
		ev.Rows = append(ev.Rows, entryRow{Index: e.Index, Type: text(e.kind()), At: timeText(e.at()), Summary: text(summary(e))})
	}
	s.render(w, http.StatusOK, pageData{Page: "entries", Title: "Ledger entries", Entries: ev})
}

type entryView struct {
	Index                  int64
	Type, LeafHash, Record string
	Error, ProofError      string
	ProofBadge             badge
	Proof                  *ledger.Proof
}

func (s *server) pageEntry(w http.ResponseWriter, r *http.Request) {
	i, err := parseIndex(r.PathValue("i"))
	if err != nil {
		s.pageError(w, http.StatusBadRequest, err.Error())
		return
	}
	e, _, err := s.one(r.Context(), i)
	switch {
	case errors.Is(err, errNoEntry):
		s.pageError(w, http.StatusNotFound, err.Error())
		return
	case err != nil:
		s.pageUnreadable(w, r, err)
		return
	}
	j := entryJSON(e)
	ev := &entryView{Index: i, Type: text(j.Type), LeafHash: j.LeafHash, Error: text(j.Error)}
	var buf bytes.Buffer
	if j.Record != nil && json.Indent(&buf, j.Record, "", "  ") == nil {
		ev.Record = text(buf.String())
	} else {
		ev.Record = text(string(e.Data))
	}
	p, status, err := s.proof(r.Context(), i)
	if err != nil {
		ev.ProofError, ev.ProofBadge = text(err.Error()), badgeFor(report.StatusUnknown)
		if status == http.StatusConflict {
			ev.ProofBadge = badgeFor("tampered")
		}
	} else {
		p.Checkpoint = text(p.Checkpoint)
		ev.Proof, ev.ProofBadge = p, badgeFor("verified")
	}
	s.render(w, http.StatusOK, pageData{Page: "entry", Title: fmt.Sprintf("Entry %d", i), Entry: ev})
}

func (s *server) pageUnreadable(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return
	}
	s.pageError(w, http.StatusServiceUnavailable, "The ledger could not be read: "+err.Error())
}

func (s *server) pageError(w http.ResponseWriter, status int, msg string) {
	s.render(w, status, pageData{Page: "error", Title: http.StatusText(status), Error: text(msg)})
}

func (s *server) render(w http.ResponseWriter, status int, d pageData) {
	d.Origin, d.Version = text(s.l.Origin()), text(s.o.Version)
	var buf bytes.Buffer
	if err := dashboard.Execute(&buf, d); err != nil {
		writeError(w, http.StatusInternalServerError, "render %s page: %v", d.Page, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", CSP)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
