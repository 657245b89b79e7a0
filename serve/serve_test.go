package serve_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/serve"
)

func TestLedgerEndpoint(t *testing.T) {
	f := newFixture(t)
	var got serve.LedgerJSON
	f.getJSON(t, "/api/v1/ledger", http.StatusOK, &got)
	n := int64(len(records()))
	if got.Size != n || got.CheckpointSize != n || got.Origin != f.l.Origin() || !strings.HasPrefix(got.Origin, "ssdf-ledger-") {
		t.Errorf("size %d, checkpoint size %d, origin %q; want %d, %d, %q", got.Size, got.CheckpointSize, got.Origin, n, n, f.l.Origin())
	}
	// The checkpoint is the stored signed note, and opens with the key.
	cp, err := ledger.OpenCheckpoint([]byte(got.Checkpoint), f.l.Verifier())
	if err != nil || cp.Size != n {
		t.Errorf("checkpoint %q: %+v %v", got.Checkpoint, cp, err)
	}
	if !strings.HasPrefix(got.VerifierKey, got.Origin+"+") {
		t.Errorf("verifierKey %q", got.VerifierKey)
	}
	v := got.Verification
	if !v.OK || v.FirstBadIndex != nil || len(v.Problems) != 0 || v.Entries != n || v.Checkpoints != int(n) || v.Root != ledger.RootString(cp.Root) {
		t.Errorf("verification %+v, want OK over %d entries with root %s", v, n, ledger.RootString(cp.Root))
	}
	if got.LatestAt == nil || !got.LatestAt.Equal(now.AddDate(0, 0, -40)) {
		t.Errorf("latestAt %v, want the newest entry's time", got.LatestAt)
	}
	// The wire form keeps the documented names, with null for "none".
	_, _, body := f.get(t, "/api/v1/ledger")
	for _, k := range []string{`"size":`, `"origin":`, `"verifierKey":`, `"checkpoint":`, `"checkpointSize":`, `"latestAt":`, `"verification":{"ok":true,"firstBadIndex":null,`} {
		if !bytes.Contains(body, []byte(k)) {
			t.Errorf("no %s in %s", k, body)
		}
	}
}

func TestEntries(t *testing.T) {
	f := newFixture(t)
	recs := records()
	n := int64(len(recs))
	next := func(i int64) *int64 { return &i }
	for _, tc := range []struct {
		query       string
		first, last int64 // indexes expected, last exclusive
		next        *int64
	}{
		{"", 0, n, nil},
		{"?limit=4", 0, 4, next(4)},
		{"?from=4&limit=4", 4, 8, next(8)},
		{"?from=12&limit=4", 12, n, nil},
		{"?from=11&limit=4", 11, n, nil},
		{"?from=" + fmt.Sprint(n), n, n, nil},
		{"?from=1000&limit=500", n, n, nil},
		{"?limit=500", 0, n, nil},
	} {
		var got serve.EntriesJSON
		f.getJSON(t, "/api/v1/entries"+tc.query, http.StatusOK, &got)
		var idx []int64
		for _, e := range got.Entries {
			idx = append(idx, e.Index)
		}
		var want []int64
		for i := tc.first; i < tc.last; i++ {
			want = append(want, i)
		}
		if !cmp.Equal(want, idx) || got.Size != n || !cmp.Equal(tc.next, got.Next) {
			t.Errorf("%s: indexes %v next %v size %d; want %v next %v size %d", tc.query, idx, got.Next, got.Size, want, tc.next, n)
		}
		if got.Entries == nil {
			t.Errorf("%s: entries is null, want []", tc.query)
		}
	}
	// Every entry carries its type, its record as stored and the leaf
	// hash of those bytes.
	var all serve.EntriesJSON
	f.getJSON(t, "/api/v1/entries", http.StatusOK, &all)
	for i, e := range all.Entries {
		want, err := ledger.Canonical(recs[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e.Record, want) {
			t.Errorf("entry %d record %s, want %s", i, e.Record, want)
		}
		if h := tlog.RecordHash(want); e.LeafHash != ledger.RootString(h) || e.Type != recs[i].Type() || e.Error != "" {
			t.Errorf("entry %d: type %q leafHash %q error %q", i, e.Type, e.LeafHash, e.Error)
		}
	}
	// Bad bounds are 400 with a JSON error.
	for _, q := range []string{"?limit=0", "?limit=501", "?limit=-1", "?limit=x", "?from=-1", "?from=1.5", "?from=%20"} {
		var e struct{ Error string }
		f.getJSON(t, "/api/v1/entries"+q, http.StatusBadRequest, &e)
		if e.Error == "" {
			t.Errorf("%s: no error message", q)
		}
	}
}

func TestEntry(t *testing.T) {
	f := newFixture(t)
	var e serve.EntryJSON
	f.getJSON(t, "/api/v1/entries/3", http.StatusOK, &e)
	x, err := ledger.Decode(e.Record)
	if err != nil || e.Index != 3 || e.Type != ledger.TypeException || x.(ledger.Exception).Ticket != "REDMINE-4711" {
		t.Errorf("entry 3: %+v (%v)", e, err)
	}
	for path, status := range map[string]int{
		"/api/v1/entries/15":                   http.StatusNotFound,
		"/api/v1/entries/99999999999":          http.StatusNotFound,
		"/api/v1/entries/99999999999999999999": http.StatusBadRequest,
		"/api/v1/entries/-1":                   http.StatusBadRequest,
		"/api/v1/entries/x":                    http.StatusBadRequest,
		"/api/v1/entries/15/proof":             http.StatusNotFound,
		"/api/v1/entries/x/proof":              http.StatusBadRequest,
		"/api/v1/nothing":                      http.StatusNotFound,
		"/api/v1/targets/history?target=none":  http.StatusNotFound,
		"/api/v1/targets/history":              http.StatusBadRequest,
		"/entries/15":                          http.StatusNotFound,
		"/entries/x":                           http.StatusBadRequest,
		"/entries?limit=0":                     http.StatusBadRequest,
		"/targets?target=none":                 http.StatusNotFound,
		"/targets":                             http.StatusBadRequest,
		"/nothing":                             http.StatusNotFound,
	} {
		code, _, body := f.get(t, path)
		if code != status {
			t.Errorf("GET %s: %d, want %d: %s", path, code, status, body)
		}
		if strings.HasPrefix(path, "/api/") {
			var e struct{ Error string }
			if json.Unmarshal(body, &e) != nil || e.Error == "" {
				t.Errorf("GET %s: body %s is not {\"error\": …}", path, body)
			}
		}
	}
	// Read-only: other methods are refused.
	for _, path := range []string{"/api/v1/entries", "/"} {
		res, err := http.Post(f.srv.URL+path, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: %d, want 405", path, res.StatusCode)
		}
	}
}

// TestProof checks the served proof with the tlog code that `ssdf ledger
// verify` and a client offline would use: the checkpoint's signature, the
// entry's leaf hash, and the audit path to the signed root.
func TestProof(t *testing.T) {
	f := newFixture(t)
	n := int64(len(records()))
	for i := range n {
		var p ledger.Proof
		f.getJSON(t, fmt.Sprintf("/api/v1/entries/%d/proof", i), http.StatusOK, &p)
		if err := checkProof(p, f.l.Verifier(), i); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
		if p.Size != n {
			t.Errorf("entry %d proved against size %d, want the latest %d", i, p.Size, n)
		}
	}
	// The check can fail: a changed hash, entry or index does not prove.
	var p ledger.Proof
	f.getJSON(t, "/api/v1/entries/5/proof", http.StatusOK, &p)
	bad := p
	bad.Inclusion = append([]string{}, p.Inclusion...)
	bad.Inclusion[0] = ledger.RootString(tlog.Hash{1})
	if checkProof(bad, f.l.Verifier(), 5) == nil {
		t.Error("a proof with a changed audit-path hash verified")
	}
	bad = p
	bad.Entry = base64.StdEncoding.EncodeToString([]byte(`{"type":"scan"}`))
	if checkProof(bad, f.l.Verifier(), 5) == nil {
		t.Error("a proof of other entry bytes verified")
	}
	if checkProof(p, f.l.Verifier(), 6) == nil {
		t.Error("a proof of entry 5 verified as entry 6's")
	}
}

// checkProof verifies p offline as proving entry i.
func checkProof(p ledger.Proof, v interface {
	Name() string
	KeyHash() uint32
	Verify(msg, sig []byte) bool
}, i int64) error {
	cp, err := ledger.OpenCheckpoint([]byte(p.Checkpoint), v)
	if err != nil {
		return err
	}
	if cp.Size != p.Size || ledger.RootString(cp.Root) != p.Root {
		return fmt.Errorf("checkpoint says size %d root %s; proof says %d %s", cp.Size, ledger.RootString(cp.Root), p.Size, p.Root)
	}
	data, err := base64.StdEncoding.DecodeString(p.Entry)
	if err != nil {
		return err
	}
	leaf := tlog.RecordHash(data)
	if ledger.RootString(leaf) != p.LeafHash {
		return fmt.Errorf("leaf hash %s, entry hashes to %s", p.LeafHash, ledger.RootString(leaf))
	}
	path, err := ledger.ParseHashes(p.Inclusion)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(path, cp.Size, cp.Root, i, leaf)
}

func TestTargets(t *testing.T) {
	f := newFixture(t)
	recs := records()
	scan := func(i int64) serve.ScanJSON {
		sc := recs[i].(ledger.Scan)
		return serve.ScanJSON{Index: i, Target: sc.Target, At: sc.At, Commit: sc.Commit, ReportDigest: sc.ReportDigest, Tasks: sc.Tasks}
	}
	var got serve.TargetsJSON
	f.getJSON(t, "/api/v1/targets", http.StatusOK, &got)
	// Sorted by target; the latest scan is the newest by time (entry 14
	// was appended last but records an older scan).
	want := serve.TargetsJSON{Targets: []serve.TargetJSON{
		{Target: evil, Scans: 2, Latest: scan(9)},
		{Target: widget, Scans: 4, Latest: scan(13)},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	var h serve.HistoryJSON
	f.getJSON(t, "/api/v1/targets/history?target="+url.QueryEscape(widget), http.StatusOK, &h)
	wantH := serve.HistoryJSON{Target: widget, Scans: []serve.ScanJSON{scan(14), scan(0), scan(4), scan(13)}}
	if diff := cmp.Diff(wantH, h); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	h = serve.HistoryJSON{}
	f.getJSON(t, "/api/v1/targets/history?target="+url.QueryEscape(evil), http.StatusOK, &h)
	if diff := cmp.Diff(serve.HistoryJSON{Target: evil, Scans: []serve.ScanJSON{scan(1), scan(9)}}, h); diff != "" {
		t.Errorf("history of the hostile target (-want +got):\n%s", diff)
	}
}

func TestExceptions(t *testing.T) {
	f := newFixture(t)
	var got serve.ExceptionsJSON
	f.getJSON(t, "/api/v1/exceptions", http.StatusOK, &got)
	type row struct {
		Check, Ticket, State, Approver, Expires, RequestedBy string
		Expired, Soon                                        bool
		Decisions                                            []int64
	}
	var rows []row
	for _, e := range got.Exceptions {
		r := row{e.Check, e.Ticket, e.State, e.Approver, e.Expires, e.RequestedBy, e.Expired, e.ExpiresSoon, nil}
		for _, d := range e.Decisions {
			r.Decisions = append(r.Decisions, d.Index)
		}
		rows = append(rows, r)
	}
	want := []row{
		{"build-lockfile", "REDMINE-4711", "approved", "bob", "2026-12-10", "carol", false, true, []int64{3, 5}},
		{"build-provenance", "T-3", "requested", "", "", "frank", false, false, []int64{10}},
		{"codeowners-valid", "T-4", "approved", "bob", "2027-06-30", "gina", false, false, []int64{11, 12}},
		{"pipeline-pinned-actions", "T-2", "rejected", "bob", "", "dave", false, false, []int64{6, 7}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("exceptions (-want +got):\n%s", diff)
	}
	if got.AsOf != "2026-11-26" || got.Exceptions[0].Reason != "vendored tool "+hostile[0] {
		t.Errorf("asOf %q, reason %q", got.AsOf, got.Exceptions[0].Reason)
	}

	// The same ledger a year on: the approvals have expired.
	srv := httptest.NewServer(serve.New(f.l, serve.Options{Now: func() time.Time { return now.AddDate(1, 0, 0) }}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/v1/exceptions")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var later serve.ExceptionsJSON
	if err := json.NewDecoder(res.Body).Decode(&later); err != nil {
		t.Fatal(err)
	}
	for _, e := range later.Exceptions {
		if e.State == "approved" && (!e.Expired || e.ExpiresSoon) {
			t.Errorf("%s %s a year on: expired %v, expiresSoon %v", e.Check, e.Ticket, e.Expired, e.ExpiresSoon)
		}
	}
}

func TestReviews(t *testing.T) {
	f := newFixture(t)
	var got serve.ReviewsJSON
	f.getJSON(t, "/api/v1/reviews", http.StatusOK, &got)
	want := serve.ReviewsJSON{Reviews: []serve.ReviewJSON{
		{Index: 8, Review: ledger.Review{Subject: "owners", Org: "github.com/acme", Owners: []string{"ann", "ben"}, By: "erin", At: now.AddDate(0, 0, -6)}},
		{Index: 2, Review: ledger.Review{Subject: "codeowners", Digest: "sha256:c0de", By: "alice " + hostile[1], At: now.AddDate(0, 0, -19)}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reviews (-want +got):\n%s", diff)
	}
	_, _, body := f.get(t, "/api/v1/reviews")
	if !bytes.Contains(body, []byte(`{"index":8,"subject":"owners","org":"github.com/acme","owners":["ann","ben"],"by":"erin","at":"2026-11-20T09:00:00Z"}`)) {
		t.Errorf("reviews wire form: %s", body)
	}
}

// TestTamper changes an entry in the SQLite file: the API and the
// dashboard say TAMPERED and name the entry, and its proof is refused.
func TestTamper(t *testing.T) {
	f := newFixture(t)
	changed, err := ledger.Canonical(ledger.Scan{ReportDigest: "sha256:04", Target: widget, Commit: "c4", At: now.AddDate(0, 0, -10),
		Tasks: tasks("PO.2.1", "pass", "PO.3.1", "pass", "PO.3.2", "pass", "PO.3.3", "pass", "PO.4.1", "pass", "PO.4.2", "pass", "PO.5.1", "pass")})
	if err != nil {
		t.Fatal(err)
	}
	f.tamper(t, 4, changed)
	var got serve.LedgerJSON
	f.getJSON(t, "/api/v1/ledger", http.StatusOK, &got)
	if v := got.Verification; v.OK || v.FirstBadIndex == nil || *v.FirstBadIndex != 4 || len(v.Problems) == 0 || !strings.Contains(v.Problems[0], "entry 4") {
		t.Errorf("verification after tampering with entry 4: %+v", v)
	}
	code, _, body := f.get(t, "/")
	if code != http.StatusOK || !bytes.Contains(body, []byte("✗ TAMPERED at entry 4")) || !bytes.Contains(body, []byte(`href="/entries/4"`)) || bytes.Contains(body, []byte("✓ verified")) {
		t.Errorf("overview after tampering (status %d) does not say TAMPERED at entry 4:\n%s", code, body)
	}
	var e struct{ Error string }
	f.getJSON(t, "/api/v1/entries/4/proof", http.StatusConflict, &e)
	if !strings.Contains(e.Error, "does not prove") {
		t.Errorf("proof of the changed entry: %q", e.Error)
	}
	code, _, body = f.get(t, "/entries/4")
	if code != http.StatusOK || !bytes.Contains(body, []byte("✗ TAMPERED")) {
		t.Errorf("entry page of the changed entry (status %d):\n%s", code, body)
	}
	// The entry's bytes are not JSON any more: it is listed, with the
	// reason, and the rest still reads.
	f.tamper(t, 6, []byte("not json"))
	var es serve.EntriesJSON
	f.getJSON(t, "/api/v1/entries", http.StatusOK, &es)
	if x := es.Entries[6]; string(x.Record) != "null" || x.Error == "" || len(es.Entries) != len(records()) {
		t.Errorf("entry 6 after writing non-JSON: %+v", x)
	}
	f.getJSON(t, "/api/v1/ledger", http.StatusOK, &got)
	if *got.Verification.FirstBadIndex != 4 {
		t.Errorf("first bad %d, want 4", *got.Verification.FirstBadIndex)
	}
}

// TestHostile checks that markup recorded in the ledger is served as
// text: escaped in every page, never an element.
func TestHostile(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/targets?target=" + url.QueryEscape(evil), "/entries", "/entries/1", "/entries/2", "/entries/3", "/entries/10", "/targets?target=" + url.QueryEscape(hostile[0])} {
		_, _, body := f.get(t, path)
		for _, h := range hostile {
			if bytes.Contains(body, []byte(h)) {
				t.Errorf("GET %s: %q appears unescaped", path, h)
			}
		}
		for _, tag := range []string{"<script", "<img", "<link", `id="forged"`} {
			if bytes.Contains(bytes.ToLower(body), []byte(tag)) {
				t.Errorf("GET %s: the page holds %s", path, tag)
			}
		}
	}
	_, _, body := f.get(t, "/")
	if !bytes.Contains(body, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("the hostile target is not shown as text on the overview")
	}
	if !bytes.Contains(body, []byte(`href="/targets?target=`+url.QueryEscape(evil))) && !bytes.Contains(body, []byte("/targets?target=https%3a%2f%2fexample.org%2f%3cscript%3e")) {
		t.Errorf("the hostile target's history link is not query-escaped:\n%s", body)
	}
}

func TestUnreadable(t *testing.T) {
	f := newFixture(t)
	f.l.Close()
	for _, path := range []string{"/api/v1/ledger", "/api/v1/entries", "/api/v1/entries/1", "/api/v1/targets", "/api/v1/exceptions", "/api/v1/reviews", "/"} {
		code, _, body := f.get(t, path)
		if code != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("could not be read")) {
			t.Errorf("GET %s on a closed ledger: %d %s", path, code, body)
		}
	}
}

func TestHosts(t *testing.T) {
	f := newFixture(t)
	h := serve.New(f.l, serve.Options{Hosts: []string{"localhost", "127.0.0.1", "::1"}})
	for host, want := range map[string]int{
		"127.0.0.1:8080": http.StatusOK, "localhost:1": http.StatusOK, "[::1]:80": http.StatusOK, "localhost": http.StatusOK,
		"evil.example:8080": http.StatusMisdirectedRequest, "evil.example": http.StatusMisdirectedRequest,
	} {
		req := httptest.NewRequestWithContext(context.Background(), "GET", "/api/v1/reviews", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}

// TestPages checks what the pages show, beside the browser test.
func TestPages(t *testing.T) {
	f := newFixture(t)
	_, _, body := f.get(t, "/")
	for _, s := range []string{"✓ verified", "REDMINE-4711", "expires within 30 days", "pending a decision", "T-3", "erin"} {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("the overview lacks %q", s)
		}
	}
	// Neither the rejected nor the far-off approval needs attention.
	for _, s := range []string{"T-2", "T-4"} {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("the overview lists %s among exceptions needing attention", s)
		}
	}
	_, _, body = f.get(t, "/entries?from=4&limit=4")
	for _, s := range []string{`href="/entries?from=0&amp;limit=4"`, `href="/entries?from=8&amp;limit=4"`, `href="/entries/7"`} {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("entries page 4-7 lacks %s", s)
		}
	}
	if bytes.Contains(body, []byte(`href="/entries/8"`)) {
		t.Error("entries page 4-7 lists entry 8")
	}
	_, _, body = f.get(t, "/entries/5")
	if !bytes.Contains(body, []byte("✓ verified")) || !bytes.Contains(body, []byte("Audit path")) {
		t.Errorf("entry page without its proof:\n%s", body)
	}
}
