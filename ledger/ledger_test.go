package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func open(t testing.TB, path string) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func scanEntry(i int) Scan {
	return Scan{
		ReportDigest: fmt.Sprintf("sha256:%064x", i),
		Target:       "github.com/acme/widget",
		Commit:       fmt.Sprintf("%040x", i),
		Tasks:        map[string]string{"PO.3.2": "pass", "PO.1.1": "fail"},
		At:           at.Add(time.Duration(i) * time.Second),
	}
}

// appendSingly appends n scan entries one append (one checkpoint) each.
func appendSingly(t testing.TB, l *Ledger, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if _, err := l.Append(context.Background(), scanEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
}

func mustVerify(t *testing.T, l *Ledger, o VerifyOptions) *Result {
	t.Helper()
	res, err := l.Verify(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCanonical(t *testing.T) {
	b, err := Canonical(Scan{ReportDigest: "sha256:ab", Target: "t", Tasks: map[string]string{"PO.5.1": "pass", "PO.1.1": "fail"}, At: at})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"at":"2026-03-01T12:00:00Z","reportDigest":"sha256:ab","target":"t","tasks":{"PO.1.1":"fail","PO.5.1":"pass"},"type":"scan"}`
	if string(b) != want {
		t.Errorf("Canonical:\n got %s\nwant %s", b, want)
	}
	ev := AuditLog{Org: "github.com/acme", Cursor: "c2", Events: []json.RawMessage{json.RawMessage(`{"z": 1, "a": "<x>"}`)}, At: at}
	b, err = Canonical(ev)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"at":"2026-03-01T12:00:00Z","cursor":"c2","events":[{"a":"<x>","z":1}],"org":"github.com/acme","type":"auditlog"}`
	if string(b) != want {
		t.Errorf("Canonical:\n got %s\nwant %s", b, want)
	}
	// Canonical bytes are a fixed point.
	r, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := Canonical(r)
	if !bytes.Equal(b, b2) {
		t.Errorf("not a fixed point:\n%s\n%s", b, b2)
	}
}

func TestRoundTrip(t *testing.T) { forBackends(t, testRoundTrip) }

func testRoundTrip(t *testing.T, b *backend) {
	ctx := context.Background()
	path := b.newLoc(t)
	l := open(t, path)
	recs := []Record{
		scanEntry(0),
		Review{Subject: SubjectCodeowners, Digest: "sha256:00ff", By: "alice", At: at},
		Review{Subject: SubjectOwners, Org: "github.com/acme", Owners: []string{"alice", "bob"}, By: "carol", At: at},
		Exception{Action: ActionRequest, Check: "pipeline-pinned-actions", Ticket: "https://github.com/acme/widget/issues/7", Approver: "bob", Expires: "2026-06-01", By: "alice", At: at},
		Exception{Action: ActionApprove, Check: "pipeline-pinned-actions", Ticket: "https://github.com/acme/widget/issues/7", Approver: "bob", Expires: "2026-06-01", By: "bob", At: at},
		Attestation{EnvelopeDigest: "sha256:1234", At: at},
		AuditLog{Org: "github.com/acme", Cursor: "abc", Events: []json.RawMessage{json.RawMessage(`{"action":"repo.create"}`)}, At: at},
	}
	first, err := l.Append(ctx, recs[0])
	if err != nil || first != 0 {
		t.Fatalf("Append = %d, %v", first, err)
	}
	first, err = l.Append(ctx, recs[1:]...)
	if err != nil || first != 1 {
		t.Fatalf("Append = %d, %v", first, err)
	}
	var got []Record
	if err := l.Entries(ctx, 0, -1, func(e Entry) error { got = append(got, e.Record); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(recs, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	res := mustVerify(t, l, VerifyOptions{})
	if !res.OK() || res.FirstBad != -1 || res.Size != 7 || res.Checkpoints != 2 {
		t.Fatalf("Verify = %+v", res)
	}

	// The key is kept beside the database (for PostgreSQL, in the data
	// directory), readable by the owner only.
	fi, err := os.Stat(b.keyPath(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", fi.Mode().Perm())
	}

	// The latest checkpoint is a signed C2SP checkpoint of the whole log.
	msg, err := l.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := OpenCheckpoint(msg, l.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 7 || cp.Root != res.Root || cp.Origin != l.Origin() || !strings.HasPrefix(cp.Origin, "ssdf-ledger-") {
		t.Errorf("checkpoint %+v, root %x", cp, res.Root)
	}
	lines := strings.Split(string(msg), "\n")
	if lines[1] != "7" || lines[2] != RootString(res.Root) || lines[3] != "" || !strings.HasPrefix(lines[4], "\u2014 "+cp.Origin+" ") {
		t.Errorf("checkpoint note:\n%s", msg)
	}

	// Inclusion proofs for every entry, and a consistency proof 1 → 7.
	for i := int64(0); i < 7; i++ {
		e, err := l.Entry(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		p, err := l.ProveEntry(ctx, 7, i)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, 7, cp.Root, i, tlog.RecordHash(e.Data)); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	e0, _ := l.Entry(ctx, 0)
	tp, err := l.ProveTree(ctx, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(tp, 7, cp.Root, 1, tlog.RecordHash(e0.Data)); err != nil {
		t.Error(err)
	}

	// Reopening read-only verifies with the same key.
	l.Close()
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if res := mustVerify(t, ro, VerifyOptions{Kept: msg}); !res.OK() {
		t.Fatalf("Verify read-only: %+v", res.Problems)
	}
}

func TestOpenMissing(t *testing.T) {
	forBackends(t, func(t *testing.T, b *backend) {
		_, err := Open(context.Background(), b.newLoc(t), Options{ReadOnly: true})
		if err == nil || !strings.Contains(err.Error(), "no ledger") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestTriggersRefuseChanges(t *testing.T) {
	forBackends(t, func(t *testing.T, b *backend) {
		l := open(t, b.newLoc(t))
		appendSingly(t, l, 0, 3)
		x := []byte{0}
		stmts := [][]any{
			{"UPDATE entries SET data = ? WHERE idx = 1", x},
			{"DELETE FROM entries WHERE idx = 2"},
			{"DELETE FROM entries"},
			{"INSERT INTO entries (idx, data) VALUES (7, ?)", x},
			{"INSERT INTO entries (idx, data) VALUES (1, ?)", x},
			{"UPDATE hashes SET hash = ? WHERE idx = 0", x},
			{"DELETE FROM hashes WHERE idx = 0"},
			{"UPDATE checkpoints SET note = ?", x},
			{"DELETE FROM checkpoints"},
			{"UPDATE meta SET value = 'x'"},
			{"DELETE FROM meta"},
		}
		if b.pg == "" {
			stmts = append(stmts,
				[]any{"INSERT OR REPLACE INTO entries (idx, data) VALUES (1, ?)", x},
				[]any{"INSERT OR REPLACE INTO hashes (idx, hash) VALUES (0, ?)", x})
		} else {
			stmts = append(stmts,
				[]any{"INSERT INTO entries (idx, data) VALUES (1, ?) ON CONFLICT (idx) DO UPDATE SET data = EXCLUDED.data", x},
				[]any{"INSERT INTO hashes (idx, hash) VALUES (0, ?) ON CONFLICT (idx) DO UPDATE SET hash = EXCLUDED.hash", x},
				[]any{"INSERT INTO meta (key, value) VALUES ('verifier', 'x') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"},
				[]any{"TRUNCATE entries"}, []any{"TRUNCATE hashes"}, []any{"TRUNCATE checkpoints"}, []any{"TRUNCATE meta"},
				[]any{"TRUNCATE entries, hashes, checkpoints, meta CASCADE"})
		}
		for _, st := range stmts {
			err := b.exec(l, st[0].(string), st[1:]...)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want append-only refusal", st[0], err)
			}
		}
		if res := mustVerify(t, l, VerifyOptions{}); !res.OK() || res.Size != 3 {
			t.Fatalf("Verify: %+v", res)
		}
	})
}

// tamper drops the triggers, as someone with the file (or owning the
// tables) could, and runs the statements (? placeholders).
func tamper(t *testing.T, b *backend, l *Ledger, stmts ...any) {
	t.Helper()
	b.dropTriggers(t, l)
	for i := 0; i < len(stmts); i++ {
		q := stmts[i].(string)
		var args []any
		for i+1 < len(stmts) {
			if _, ok := stmts[i+1].(string); ok {
				break
			}
			args = append(args, stmts[i+1])
			i++
		}
		if err := b.exec(l, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func rawEntry(t *testing.T, l *Ledger, i int64) []byte {
	t.Helper()
	e, err := l.Entry(context.Background(), i)
	if err != nil {
		t.Fatal(err)
	}
	return e.Data
}

func TestTamper(t *testing.T) { forBackends(t, testTamper) }

func testTamper(t *testing.T, bk *backend) {
	const n = 20
	for _, tc := range []struct {
		name  string
		do    func(t *testing.T, l *Ledger)
		kept  bool // verify against the checkpoint of size n kept before tampering
		first int64
	}{
		{"one byte changed", func(t *testing.T, l *Ledger) {
			b := rawEntry(t, l, 7)
			b = bytes.Replace(b, []byte(`"pass"`), []byte(`"fail"`), 1)
			tamper(t, bk, l, "UPDATE entries SET data = ? WHERE idx = 7", b)
		}, false, 7},
		{"one byte changed, hashes recomputed", func(t *testing.T, l *Ledger) {
			// Without the key, rewriting the leaf hash and the tree
			// hashes above it still leaves the signed checkpoints.
			b := rawEntry(t, l, 7)
			b = bytes.Replace(b, []byte(`"pass"`), []byte(`"fail"`), 1)
			stmts := []any{"UPDATE entries SET data = ? WHERE idx = 7", b}
			hs := recomputeHashes(t, l, 7, b)
			for k, h := range hs {
				stmts = append(stmts, "UPDATE hashes SET hash = ? WHERE idx = ?", h[:], k)
			}
			tamper(t, bk, l, stmts...)
		}, false, 7},
		{"entry deleted", func(t *testing.T, l *Ledger) {
			tamper(t, bk, l, "DELETE FROM entries WHERE idx = 11")
		}, false, 11},
		{"last entry deleted", func(t *testing.T, l *Ledger) {
			tamper(t, bk, l, "DELETE FROM entries WHERE idx = 19")
		}, false, 19},
		{"two entries swapped", func(t *testing.T, l *Ledger) {
			a, b := rawEntry(t, l, 5), rawEntry(t, l, 12)
			tamper(t, bk, l, "UPDATE entries SET data = ? WHERE idx = 5", b, "UPDATE entries SET data = ? WHERE idx = 12", a)
		}, false, 5},
		{"truncated", func(t *testing.T, l *Ledger) {
			tamper(t, bk, l, "DELETE FROM entries WHERE idx >= 15", "DELETE FROM hashes WHERE idx >= ?", tlog.StoredHashCount(15))
		}, false, 15},
		{"truncated with its checkpoints, against a kept checkpoint", func(t *testing.T, l *Ledger) {
			tamper(t, bk, l, "DELETE FROM entries WHERE idx >= 15", "DELETE FROM hashes WHERE idx >= ?", tlog.StoredHashCount(15), "DELETE FROM checkpoints WHERE size > 15")
		}, true, 15},
		{"checkpoint forged", func(t *testing.T, l *Ledger) {
			var note []byte
			l.Store().View(context.Background(), func(r Reader) error {
				cps, err := r.Checkpoints()
				for _, c := range cps {
					if c.Size == 9 {
						note = c.Note
					}
				}
				return err
			})
			tamper(t, bk, l, "UPDATE checkpoints SET note = ? WHERE size = 9", bytes.Replace(note, []byte("\n9\n"), []byte("\n9\n "), 1))
		}, false, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t, bk.newLoc(t))
			appendSingly(t, l, 0, n)
			kept, err := l.Latest(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			tc.do(t, l)
			o := VerifyOptions{}
			if tc.kept {
				o.Kept = kept
			}
			res := mustVerify(t, l, o)
			if res.OK() || res.FirstBad != tc.first {
				t.Fatalf("FirstBad = %d, want %d; problems: %v", res.FirstBad, tc.first, res.Problems)
			}
			t.Logf("problems: %v", res.Problems)
		})
	}
}

// recomputeHashes returns the stored hashes (by index) that change when
// entry i becomes data, as a forger without the key would write them.
func recomputeHashes(t *testing.T, l *Ledger, i int64, data []byte) map[int64]tlog.Hash {
	t.Helper()
	ctx := context.Background()
	n, _ := l.Size(ctx)
	var hs memHashes
	for j := int64(0); j < n; j++ {
		d := rawEntry(t, l, j)
		if j == i {
			d = data
		}
		s, err := tlog.StoredHashes(j, d, hs)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, s...)
	}
	out := map[int64]tlog.Hash{}
	err := l.Store().View(ctx, func(r Reader) error {
		stored, err := r.Hashes(0, int64(len(hs)))
		for _, s := range stored {
			if s.Hash != hs[s.Index] {
				out[s.Index] = hs[s.Index]
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFork replaces the database with a forked history signed with the
// same key: it is consistent in itself, but not with a checkpoint kept
// from the real history.
func TestFork(t *testing.T) { forBackends(t, testFork) }

func testFork(t *testing.T, b *backend) {
	ctx := context.Background()
	path := b.newLoc(t)
	l := open(t, path)
	appendSingly(t, l, 0, 20)
	kept, _ := l.Latest(ctx)
	keptCP, err := OpenCheckpoint(kept, l.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	l.Close()

	fork := b.newLoc(t)
	key, _ := os.ReadFile(b.keyPath(t, path))
	os.WriteFile(b.keyPath(t, fork), key, 0o600)
	f := open(t, fork)
	appendSingly(t, f, 0, 10)
	appendSingly(t, f, 100, 15) // a different history from entry 10 on
	f.Close()
	b.replaceWith(t, path, fork)

	l = open(t, path)
	if res := mustVerify(t, l, VerifyOptions{}); !res.OK() {
		t.Fatalf("the fork is consistent in itself, got %v", res.Problems)
	}
	res := mustVerify(t, l, VerifyOptions{Kept: kept})
	if res.OK() || res.FirstBad != 0 || !strings.Contains(res.Problems[0].Msg, "kept checkpoint of size 20") {
		t.Fatalf("Verify with the kept checkpoint: FirstBad %d, %v", res.FirstBad, res.Problems)
	}
	// The consistency proof the forked log gives does not check against
	// the kept root.
	n, _ := l.Size(ctx)
	p, err := l.ProveTree(ctx, n, keptCP.Size)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := OpenCheckpoint(mustLatest(t, l), l.Verifier())
	if err := tlog.CheckTree(p, n, cur.Root, keptCP.Size, keptCP.Root); err == nil {
		t.Fatal("consistency proof from the fork checked against the kept checkpoint")
	}
}

func mustLatest(t *testing.T, l *Ledger) []byte {
	t.Helper()
	b, err := l.Latest(context.Background())
	if err != nil || b == nil {
		t.Fatalf("Latest: %v", err)
	}
	return b
}

func TestWrongKey(t *testing.T) { forBackends(t, testWrongKey) }

func testWrongKey(t *testing.T, b *backend) {
	l := open(t, b.newLoc(t))
	appendSingly(t, l, 0, 3)
	_, vkey, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetVerifier(vkey); err != nil {
		t.Fatal(err)
	}
	res := mustVerify(t, l, VerifyOptions{})
	if res.OK() || res.FirstBad != 0 {
		t.Fatalf("FirstBad %d, %v", res.FirstBad, res.Problems)
	}
}

// checkAll verifies that the log holds exactly the given distinct
// targets, each once.
func checkAll(t *testing.T, l *Ledger, want map[string]bool) {
	t.Helper()
	seen := map[string]int{}
	err := l.Entries(context.Background(), 0, -1, func(e Entry) error {
		seen[e.Record.(Scan).Target]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if seen[k] != 1 {
			t.Errorf("%s appended %d times", k, seen[k])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d distinct entries, want %d", len(seen), len(want))
	}
	if res := mustVerify(t, l, VerifyOptions{}); !res.OK() {
		t.Fatalf("Verify: %v", res.Problems)
	}
}

func appendWriter(ctx context.Context, path, name string, n int) error {
	l, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	defer l.Close()
	for i := 0; i < n; i++ {
		s := scanEntry(i)
		s.Target = fmt.Sprintf("%s/%d", name, i)
		if _, err := l.Append(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func TestConcurrentGoroutines(t *testing.T) { forBackends(t, testConcurrentGoroutines) }

// TestConcurrentShared appends from 8 goroutines sharing one Ledger (one
// connection pool), 100 entries each.
func TestConcurrentShared(t *testing.T) {
	forBackends(t, func(t *testing.T, b *backend) {
		const workers, each = 8, 100
		l := open(t, b.newLoc(t))
		var wg sync.WaitGroup
		errs := make([]error, workers)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					s := scanEntry(i)
					s.Target = fmt.Sprintf("g%d/%d", w, i)
					if _, err := l.Append(context.Background(), s); err != nil {
						errs[w] = err
						return
					}
				}
			})
		}
		wg.Wait()
		want := map[string]bool{}
		for w := range workers {
			if errs[w] != nil {
				t.Fatal(errs[w])
			}
			for i := range each {
				want[fmt.Sprintf("g%d/%d", w, i)] = true
			}
		}
		checkAll(t, l, want)
		if n, err := l.Size(context.Background()); err != nil || n != workers*each {
			t.Fatalf("Size = %d, %v", n, err)
		}
	})
}

func testConcurrentGoroutines(t *testing.T, b *backend) {
	path := b.newLoc(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = appendWriter(context.Background(), path, fmt.Sprintf("g%d", w), 200)
		}()
	}
	wg.Wait()
	want := map[string]bool{}
	for w := range 2 {
		if errs[w] != nil {
			t.Fatal(errs[w])
		}
		for i := range 200 {
			want[fmt.Sprintf("g%d/%d", w, i)] = true
		}
	}
	checkAll(t, open(t, path), want)
}

const childEnv = "SSDF_LEDGER_TEST_CHILD"

// TestChildAppender is the body of the child processes of
// TestConcurrentProcesses.
func TestChildAppender(t *testing.T) {
	v := os.Getenv(childEnv)
	if v == "" {
		t.Skip("run by TestConcurrentProcesses")
	}
	path, name, _ := strings.Cut(v, "|")
	if err := appendWriter(context.Background(), path, name, 200); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentProcesses(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		return
	}
	forBackends(t, testConcurrentProcesses)
}

func testConcurrentProcesses(t *testing.T, b *backend) {
	path := b.newLoc(t)
	// Create it first, so that both children share one key.
	open(t, path).Close()
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for w := range 2 {
		c := exec.Command(os.Args[0], "-test.run=^TestChildAppender$", "-test.count=1")
		c.Env = append(os.Environ(), fmt.Sprintf("%s=%s|p%d", childEnv, path, w))
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, c), append(outs, &out)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	want := map[string]bool{}
	for w := range 2 {
		for i := range 200 {
			want[fmt.Sprintf("p%d/%d", w, i)] = true
		}
	}
	checkAll(t, open(t, path), want)
}

// Without the key file, the ledger verifies with the public key it
// recorded, says so, and cannot append.
func TestRecordedVerifier(t *testing.T) { forBackends(t, testRecordedVerifier) }

func testRecordedVerifier(t *testing.T, b *backend) {
	ctx := context.Background()
	dir := t.TempDir()
	path := b.newLoc(t)
	l := open(t, path)
	appendSingly(t, l, 0, 3)
	l.Close()
	if err := os.Rename(b.keyPath(t, path), filepath.Join(dir, "moved.key")); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	res := mustVerify(t, ro, VerifyOptions{})
	if !res.OK() || res.Checkpoints != 3 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "recorded in the ledger") {
		t.Fatalf("Verify: %+v", res)
	}
	if _, err := ro.Append(ctx, scanEntry(9)); err == nil {
		t.Fatal("appended without a key")
	}
	// The moved key, given explicitly, verifies too.
	withKey, err := Open(ctx, path, Options{ReadOnly: true, KeyPath: filepath.Join(dir, "moved.key")})
	if err != nil {
		t.Fatal(err)
	}
	defer withKey.Close()
	if res := mustVerify(t, withKey, VerifyOptions{}); !res.OK() || len(res.Notes) != 0 {
		t.Fatalf("Verify: %+v", res)
	}
}
