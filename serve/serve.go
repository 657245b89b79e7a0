// Package serve is the read-only HTTP face of one ledger: a JSON API under
// /api/v1/ and a server-rendered dashboard for compliance engineers and
// auditors (`ssdf serve`).
//
// Every request reads the ledger afresh through its exported API (the
// ledger may grow while it is served) and never writes to it. The
// dashboard is html/template output with inline CSS, no script and a
// Content-Security-Policy that forbids loading anything, like the HTML
// report; every string from the ledger is escaped as text.
//
// The API's field names are documented in docs/serve.md and are stable
// within /api/v1/.
package serve

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/policy"
)

// Options configure the handler.
type Options struct {
	// Now is the clock (exception expiry). Default time.Now.
	Now func() time.Time
	// Hosts, when set, are the only host names (without port) a request's
	// Host header may carry; others get 421. `ssdf serve` sets the
	// loopback names when it binds loopback, so that a web page whose
	// domain was rebound to 127.0.0.1 cannot read the ledger.
	Hosts []string
	// Version is shown in the dashboard's footer.
	Version string
}

// Paging of /api/v1/entries and /entries.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ExpiringWithin is how close an approved exception's expiry must be to be
// flagged as expiring soon.
const ExpiringWithin = 30 * 24 * time.Hour

// CSP is the dashboard's Content-Security-Policy: nothing may load and no
// script may run; only the page's own inline style applies.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type server struct {
	l    *ledger.Ledger
	o    Options
	mux  *http.ServeMux
	host map[string]bool
}

// New returns the handler serving l. It does not close l.
func New(l *ledger.Ledger, o Options) http.Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &server{l: l, o: o, mux: http.NewServeMux()}
	if len(o.Hosts) > 0 {
		s.host = map[string]bool{}
		for _, h := range o.Hosts {
			s.host[strings.ToLower(h)] = true
		}
	}
	s.mux.HandleFunc("GET /api/v1/ledger", s.apiLedger)
	s.mux.HandleFunc("GET /api/v1/entries", s.apiEntries)
	s.mux.HandleFunc("GET /api/v1/entries/{i}", s.apiEntry)
	s.mux.HandleFunc("GET /api/v1/entries/{i}/proof", s.apiProof)
	s.mux.HandleFunc("GET /api/v1/targets", s.apiTargets)
	s.mux.HandleFunc("GET /api/v1/targets/history", s.apiHistory)
	s.mux.HandleFunc("GET /api/v1/exceptions", s.apiExceptions)
	s.mux.HandleFunc("GET /api/v1/reviews", s.apiReviews)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method %s not allowed: the API is read-only", r.Method)
			return
		}
		writeError(w, http.StatusNotFound, "no such endpoint: %s", r.URL.Path)
	})
	s.mux.HandleFunc("GET /{$}", s.pageOverview)
	s.mux.HandleFunc("GET /targets", s.pageTarget)
	s.mux.HandleFunc("GET /entries", s.pageEntries)
	s.mux.HandleFunc("GET /entries/{i}", s.pageEntry)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.pageError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: the dashboard is read-only")
			return
		}
		s.pageError(w, http.StatusNotFound, "no such page: "+r.URL.Path)
	})
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if s.host != nil {
		host := r.Host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			host = hh
		}
		host = strings.Trim(strings.ToLower(host), "[]")
		if !s.host[host] {
			writeError(w, http.StatusMisdirectedRequest, "host %q is not served here (ssdf serve answers only its loopback names; see --allow-remote)", r.Host)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// errorJSON is every error's body.
type errorJSON struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Records are served as their canonical bytes (no HTML escaping), so
	// that a record's JSON hashes to its leaf hash as served.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, bytes.Buffer{}
		fmt.Fprintf(&buf, "{\"error\":%q}\n", "encode response: "+err.Error())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, errorJSON{Error: fmt.Sprintf(format, args...)})
}

// unreadable answers a ledger read error: 503 unless the client went away.
func unreadable(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return
	}
	writeError(w, http.StatusServiceUnavailable, "the ledger could not be read: %v", err)
}

// entry is one stored entry, decoded.
type entry struct {
	Index  int64
	Data   []byte
	Record ledger.Record // nil when the bytes do not decode
	Err    string        // why they do not
}

func (e entry) kind() string {
	if e.Record == nil {
		return ""
	}
	return e.Record.Type()
}

// at is the entry's record time (zero for types without one).
func (e entry) at() time.Time {
	switch r := e.Record.(type) {
	case ledger.Scan:
		return r.At
	case ledger.Review:
		return r.At
	case ledger.Exception:
		return r.At
	case ledger.Attestation:
		return r.At
	case ledger.AuditLog:
		return r.At
	}
	return time.Time{}
}

// view is one consistent read of the ledger: its size, the entries in
// [from, to) and the latest checkpoint.
type view struct {
	Size       int64
	Entries    []entry
	Checkpoint []byte
	Verifier   string
}

// read reads entries from <= index < to (to < 0: to the end) in one
// snapshot. An entry whose bytes do not decode is kept, with the reason,
// so that one bad entry does not hide the rest.
func (s *server) read(ctx context.Context, from, to int64) (*view, error) {
	v := &view{}
	err := s.l.Store().View(ctx, func(r ledger.Reader) error {
		var err error
		if v.Size, err = r.Size(); err != nil {
			return err
		}
		cp, err := r.Latest()
		if err != nil {
			return err
		}
		if cp != nil {
			v.Checkpoint = cp.Note
		}
		if v.Verifier, err = r.Meta("verifier"); err != nil {
			return err
		}
		if to < 0 || to > v.Size {
			to = v.Size
		}
		const chunk = 4096
		for lo := from; lo < to; lo += chunk {
			es, err := r.Entries(lo, min(lo+chunk, to))
			if err != nil {
				return err
			}
			for _, se := range es {
				e := entry{Index: se.Index, Data: se.Data}
				if rec, err := ledger.Decode(se.Data); err != nil {
					e.Err = err.Error()
				} else {
					e.Record = rec
				}
				v.Entries = append(v.Entries, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// The JSON of /api/v1/.

// LedgerJSON is GET /api/v1/ledger.
type LedgerJSON struct {
	Size   int64  `json:"size"`
	Origin string `json:"origin"`
	// VerifierKey is the note verifier key recorded in the ledger
	// ("name+hash+key"). Check checkpoints against a copy kept elsewhere.
	VerifierKey string `json:"verifierKey"`
	// Checkpoint is the latest signed checkpoint note, "" when empty.
	Checkpoint     string `json:"checkpoint"`
	CheckpointSize int64  `json:"checkpointSize"`
	// LatestAt is the time recorded in the newest entry (checkpoints
	// carry no time), null when there is none.
	LatestAt     *time.Time       `json:"latestAt"`
	Verification VerificationJSON `json:"verification"`
}

// VerificationJSON is the result of verifying the whole ledger, as
// `ssdf ledger verify` does.
type VerificationJSON struct {
	OK bool `json:"ok"`
	// FirstBadIndex is the first entry index in doubt, null when OK.
	FirstBadIndex *int64   `json:"firstBadIndex"`
	Problems      []string `json:"problems"`
	Notes         []string `json:"notes"`
	Entries       int64    `json:"entries"`
	Checkpoints   int      `json:"checkpoints"`
	Root          string   `json:"root"`
}

// EntryJSON is one entry.
type EntryJSON struct {
	Index int64  `json:"index"`
	Type  string `json:"type"`
	// LeafHash is the RFC 6962 record hash of the stored bytes, base64.
	LeafHash string `json:"leafHash"`
	// Record is the entry's stored canonical JSON, byte for byte; null
	// when the stored bytes are not JSON (then Error says why).
	Record json.RawMessage `json:"record"`
	Error  string          `json:"error,omitempty"`
}

// EntriesJSON is GET /api/v1/entries.
type EntriesJSON struct {
	Size    int64       `json:"size"`
	From    int64       `json:"from"`
	Limit   int64       `json:"limit"`
	Entries []EntryJSON `json:"entries"`
	// Next is the from of the next page, null on the last.
	Next *int64 `json:"next"`
}

// ScanJSON is one recorded scan.
type ScanJSON struct {
	Index        int64             `json:"index"`
	Target       string            `json:"target"`
	At           time.Time         `json:"at"`
	Commit       string            `json:"commit"`
	ReportDigest string            `json:"reportDigest"`
	Tasks        map[string]string `json:"tasks"`
}

// TargetJSON is one scanned target and its latest scan.
type TargetJSON struct {
	Target string   `json:"target"`
	Scans  int      `json:"scans"`
	Latest ScanJSON `json:"latest"`
}

// TargetsJSON is GET /api/v1/targets.
type TargetsJSON struct {
	Targets []TargetJSON `json:"targets"`
}

// HistoryJSON is GET /api/v1/targets/history.
type HistoryJSON struct {
	Target string     `json:"target"`
	Scans  []ScanJSON `json:"scans"`
}

// DecisionJSON is one exception decision.
type DecisionJSON struct {
	Index    int64     `json:"index"`
	Action   string    `json:"action"`
	By       string    `json:"by"`
	Approver string    `json:"approver,omitempty"`
	Expires  string    `json:"expires,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

// ExceptionJSON is one exception: the decisions on one check and ticket.
type ExceptionJSON struct {
	Check  string `json:"check"`
	Ticket string `json:"ticket"`
	// State is "requested", "approved" or "rejected": the newest approval
	// or rejection decides, as it does for the scan's waivers.
	State       string `json:"state"`
	RequestedBy string `json:"requestedBy"`
	Reason      string `json:"reason"`
	// Approver and Expires come from the deciding approval or rejection.
	Approver string `json:"approver"`
	Expires  string `json:"expires"`
	// Expired is set for an approval whose expiry date has passed;
	// ExpiresSoon for one expiring within 30 days.
	Expired     bool           `json:"expired"`
	ExpiresSoon bool           `json:"expiresSoon"`
	Decisions   []DecisionJSON `json:"decisions"`
}

// ExceptionsJSON is GET /api/v1/exceptions.
type ExceptionsJSON struct {
	// AsOf is the date expiry is judged on.
	AsOf       string          `json:"asOf"`
	Exceptions []ExceptionJSON `json:"exceptions"`
}

// ReviewJSON is one CODEOWNERS or owner review: the entry's index and
// the review's own fields (subject, digest, org, owners, by, at).
type ReviewJSON struct {
	Index int64 `json:"index"`
	ledger.Review
}

// ReviewsJSON is GET /api/v1/reviews.
type ReviewsJSON struct {
	Reviews []ReviewJSON `json:"reviews"`
}

func (s *server) ledgerInfo(ctx context.Context) (LedgerJSON, *view, error) {
	v, err := s.read(ctx, 0, -1)
	if err != nil {
		return LedgerJSON{}, nil, err
	}
	res, err := s.l.Verify(ctx, ledger.VerifyOptions{})
	if err != nil {
		return LedgerJSON{}, nil, err
	}
	out := LedgerJSON{
		Size: v.Size, Origin: s.l.Origin(), VerifierKey: v.Verifier, Checkpoint: string(v.Checkpoint),
		Verification: VerificationJSON{
			OK: res.OK(), Problems: []string{}, Notes: append([]string{}, res.Notes...),
			Entries: res.Size, Checkpoints: res.Checkpoints, Root: ledger.RootString(res.Root),
		},
	}
	if v.Checkpoint != nil {
		if c, err := parseNote(v.Checkpoint); err == nil {
			out.CheckpointSize = c.Size
		}
	}
	for _, p := range res.Problems {
		out.Verification.Problems = append(out.Verification.Problems, p.String())
	}
	if !res.OK() {
		fb := res.FirstBad
		out.Verification.FirstBadIndex = &fb
	}
	for i := len(v.Entries) - 1; i >= 0; i-- {
		if at := v.Entries[i].at(); !at.IsZero() {
			at = at.UTC()
			out.LatestAt = &at
			break
		}
	}
	return out, v, nil
}

// parseNote parses a signed checkpoint's text without checking its
// signature (Verify does that).
func parseNote(msg []byte) (ledger.Checkpoint, error) {
	text, _, ok := bytes.Cut(msg, []byte("\n\n"))
	if !ok {
		return ledger.Checkpoint{}, errors.New("checkpoint: not a signed note")
	}
	return ledger.ParseCheckpoint(string(text) + "\n")
}

func (s *server) apiLedger(w http.ResponseWriter, r *http.Request) {
	out, _, err := s.ledgerInfo(r.Context())
	if err != nil {
		unreadable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func entryJSON(e entry) EntryJSON {
	h := tlog.RecordHash(e.Data)
	out := EntryJSON{Index: e.Index, Type: e.kind(), LeafHash: ledger.RootString(h), Error: e.Err}
	if json.Valid(e.Data) {
		out.Record = json.RawMessage(e.Data)
	} else if out.Error == "" {
		out.Error = "the stored bytes are not JSON"
	}
	return out
}

// page parses from and limit.
func page(r *http.Request) (from, limit int64, err error) {
	q := r.URL.Query()
	limit = DefaultLimit
	if s := q.Get("from"); s != "" {
		if from, err = strconv.ParseInt(s, 10, 64); err != nil || from < 0 {
			return 0, 0, fmt.Errorf("from %q: want an entry index, 0 or more", s)
		}
	}
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.ParseInt(s, 10, 64); err != nil || limit < 1 || limit > MaxLimit {
			return 0, 0, fmt.Errorf("limit %q: want 1 to %d", s, MaxLimit)
		}
	}
	return from, limit, nil
}

func (s *server) entries(ctx context.Context, from, limit int64) (EntriesJSON, error) {
	v, err := s.read(ctx, from, from+limit)
	if err != nil {
		return EntriesJSON{}, err
	}
	out := EntriesJSON{Size: v.Size, From: from, Limit: limit, Entries: []EntryJSON{}}
	for _, e := range v.Entries {
		out.Entries = append(out.Entries, entryJSON(e))
	}
	if next := from + limit; next < v.Size {
		out.Next = &next
	}
	return out, nil
}

func (s *server) apiEntries(w http.ResponseWriter, r *http.Request) {
	from, limit, err := page(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	out, err := s.entries(r.Context(), from, limit)
	if err != nil {
		unreadable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// errNoEntry is a request for an entry the ledger does not hold.
var errNoEntry = errors.New("no such entry")

func parseIndex(s string) (int64, error) {
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil || i < 0 {
		return 0, fmt.Errorf("entry index %q: want an integer, 0 or more", s)
	}
	return i, nil
}

// one reads entry i; errNoEntry when the ledger has none.
func (s *server) one(ctx context.Context, i int64) (entry, *view, error) {
	v, err := s.read(ctx, i, i+1)
	if err != nil {
		return entry{}, nil, err
	}
	if len(v.Entries) != 1 {
		if i < v.Size {
			return entry{}, v, fmt.Errorf("%w: entry %d is missing from the store (run ssdf ledger verify)", errNoEntry, i)
		}
		return entry{}, v, fmt.Errorf("%w: entry %d (the ledger holds %d)", errNoEntry, i, v.Size)
	}
	return v.Entries[0], v, nil
}

func (s *server) apiEntry(w http.ResponseWriter, r *http.Request) {
	i, err := parseIndex(r.PathValue("i"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	e, _, err := s.one(r.Context(), i)
	switch {
	case errors.Is(err, errNoEntry):
		writeError(w, http.StatusNotFound, "%v", err)
	case err != nil:
		unreadable(w, r, err)
	default:
		writeJSON(w, http.StatusOK, entryJSON(e))
	}
}

// proof proves entry i against the latest checkpoint. The status says
// what went wrong: 404 no such entry or no checkpoint yet, 409 the entry
// does not prove (tampering), 503 unreadable.
func (s *server) proof(ctx context.Context, i int64) (*ledger.Proof, int, error) {
	_, v, err := s.one(ctx, i)
	if errors.Is(err, errNoEntry) {
		return nil, http.StatusNotFound, err
	}
	if err != nil {
		return nil, http.StatusServiceUnavailable, fmt.Errorf("the ledger could not be read: %w", err)
	}
	if v.Checkpoint == nil {
		return nil, http.StatusNotFound, errors.New("no signed checkpoint yet")
	}
	if c, err := parseNote(v.Checkpoint); err == nil && i >= c.Size {
		return nil, http.StatusNotFound, fmt.Errorf("entry %d is not covered by the latest signed checkpoint (size %d)", i, c.Size)
	}
	p, err := s.l.Prove(ctx, ledger.ProveOptions{Index: i})
	if err != nil {
		if ctx.Err() != nil {
			return nil, http.StatusServiceUnavailable, err
		}
		return nil, http.StatusConflict, err
	}
	return p, http.StatusOK, nil
}

func (s *server) apiProof(w http.ResponseWriter, r *http.Request) {
	i, err := parseIndex(r.PathValue("i"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	p, status, err := s.proof(r.Context(), i)
	if err != nil {
		writeError(w, status, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func scanJSON(i int64, sc ledger.Scan) ScanJSON {
	tasks := sc.Tasks
	if tasks == nil {
		tasks = map[string]string{}
	}
	return ScanJSON{Index: i, Target: sc.Target, At: sc.At.UTC(), Commit: sc.Commit, ReportDigest: sc.ReportDigest, Tasks: tasks}
}

// targets groups the scans by target, oldest first, targets sorted.
func targets(es []entry) (names []string, scans map[string][]ScanJSON) {
	scans = map[string][]ScanJSON{}
	for _, e := range es {
		if sc, ok := e.Record.(ledger.Scan); ok {
			if _, seen := scans[sc.Target]; !seen {
				names = append(names, sc.Target)
			}
			scans[sc.Target] = append(scans[sc.Target], scanJSON(e.Index, sc))
		}
	}
	slices.Sort(names)
	return names, scans
}

// latest is the newest scan of a target: the latest recorded time, the
// later entry on a tie.
func latest(scans []ScanJSON) ScanJSON {
	best := scans[0]
	for _, sc := range scans[1:] {
		if !sc.At.Before(best.At) {
			best = sc
		}
	}
	return best
}

func targetsJSON(es []entry) TargetsJSON {
	names, scans := targets(es)
	out := TargetsJSON{Targets: []TargetJSON{}}
	for _, n := range names {
		out.Targets = append(out.Targets, TargetJSON{Target: n, Scans: len(scans[n]), Latest: latest(scans[n])})
	}
	return out
}

func (s *server) apiTargets(w http.ResponseWriter, r *http.Request) {
	v, err := s.read(r.Context(), 0, -1)
	if err != nil {
		unreadable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, targetsJSON(v.Entries))
}

// history is a target's scans, oldest first; ok false when it has none.
func (s *server) history(ctx context.Context, target string) (HistoryJSON, bool, error) {
	v, err := s.read(ctx, 0, -1)
	if err != nil {
		return HistoryJSON{}, false, err
	}
	_, scans := targets(v.Entries)
	hs, ok := scans[target]
	slices.SortStableFunc(hs, func(a, b ScanJSON) int { return a.At.Compare(b.At) })
	return HistoryJSON{Target: target, Scans: hs}, ok, nil
}

func (s *server) apiHistory(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	if target == "" {
		writeError(w, http.StatusBadRequest, "target: required (a target as /api/v1/targets lists it)")
		return
	}
	h, ok, err := s.history(r.Context(), target)
	switch {
	case err != nil:
		unreadable(w, r, err)
	case !ok:
		writeError(w, http.StatusNotFound, "no scan of target %q is recorded", target)
	default:
		writeJSON(w, http.StatusOK, h)
	}
}

// Exception states.
const (
	StateRequested = "requested"
	StateApproved  = "approved"
	StateRejected  = "rejected"
)

func exceptionsJSON(es []entry, now time.Time) ExceptionsJSON {
	type key struct{ check, ticket string }
	var order []key
	byKey := map[key]*ExceptionJSON{}
	for _, e := range es {
		x, ok := e.Record.(ledger.Exception)
		if !ok {
			continue
		}
		k := key{x.Check, strings.TrimSpace(x.Ticket)}
		ex := byKey[k]
		if ex == nil {
			ex = &ExceptionJSON{Check: k.check, Ticket: k.ticket, State: StateRequested}
			byKey[k] = ex
			order = append(order, k)
		}
		ex.Decisions = append(ex.Decisions, DecisionJSON{
			Index: e.Index, Action: x.Action, By: x.By, Approver: x.Approver, Expires: x.Expires, Reason: x.Reason, At: x.At.UTC(),
		})
		who := x.Approver
		if who == "" {
			who = x.By
		}
		switch x.Action {
		case ledger.ActionRequest:
			ex.RequestedBy, ex.Reason = x.By, x.Reason
		case ledger.ActionApprove:
			ex.State, ex.Approver, ex.Expires = StateApproved, who, x.Expires
		case ledger.ActionReject:
			ex.State, ex.Approver, ex.Expires = StateRejected, who, x.Expires
		}
	}
	out := ExceptionsJSON{AsOf: now.UTC().Format(time.DateOnly), Exceptions: []ExceptionJSON{}}
	for _, k := range order {
		ex := byKey[k]
		if ex.State == StateApproved {
			if t, err := time.Parse(time.DateOnly, ex.Expires); err == nil {
				ex.Expired = policy.Expired(t, now)
				ex.ExpiresSoon = !ex.Expired && t.Format(time.DateOnly) <= now.Add(ExpiringWithin).UTC().Format(time.DateOnly)
			}
		}
		out.Exceptions = append(out.Exceptions, *ex)
	}
	slices.SortStableFunc(out.Exceptions, func(a, b ExceptionJSON) int {
		return cmp.Or(strings.Compare(a.Check, b.Check), strings.Compare(a.Ticket, b.Ticket))
	})
	return out
}

func (s *server) apiExceptions(w http.ResponseWriter, r *http.Request) {
	v, err := s.read(r.Context(), 0, -1)
	if err != nil {
		unreadable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, exceptionsJSON(v.Entries, s.o.Now()))
}

// reviewsJSON lists the reviews newest first (by recorded time, then by
// index).
func reviewsJSON(es []entry) ReviewsJSON {
	out := ReviewsJSON{Reviews: []ReviewJSON{}}
	for _, e := range es {
		if rv, ok := e.Record.(ledger.Review); ok {
			rv.At = rv.At.UTC()
			out.Reviews = append(out.Reviews, ReviewJSON{Index: e.Index, Review: rv})
		}
	}
	slices.SortStableFunc(out.Reviews, func(a, b ReviewJSON) int {
		return cmp.Or(b.At.Compare(a.At), int(b.Index-a.Index))
	})
	return out
}

func (s *server) apiReviews(w http.ResponseWriter, r *http.Request) {
	v, err := s.read(r.Context(), 0, -1)
	if err != nil {
		unreadable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reviewsJSON(v.Entries))
}
