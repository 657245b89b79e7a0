package ledger_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ssdf-dev/ssdf/ledger"
)

func proveLedger(t *testing.T, n int) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for i := range n {
		s := ledger.Scan{ReportDigest: fmt.Sprintf("sha256:%064x", i), Target: fmt.Sprintf("t/%d", i), Tasks: map[string]string{"PO.3.2": "pass"}, At: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC)}
		if _, err := l.Append(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func hashOf(t *testing.T, s string) tlog.Hash {
	t.Helper()
	hs, err := ledger.ParseHashes([]string{s})
	if err != nil {
		t.Fatal(err)
	}
	return hs[0]
}

func TestProve(t *testing.T) {
	ctx := context.Background()
	l := proveLedger(t, 13)
	for _, c := range []struct{ index, size, old int64 }{{0, 0, 0}, {12, 0, 5}, {3, 7, 1}, {6, 7, 7}, {0, 1, 1}} {
		p, err := l.Prove(ctx, ledger.ProveOptions{Index: c.index, Size: c.size, OldSize: c.old})
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		// Round trip through JSON, then check as an outsider would.
		b, _ := json.Marshal(p)
		var q ledger.Proof
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
		cp, err := ledger.OpenCheckpoint([]byte(q.Checkpoint), l.Verifier())
		if err != nil {
			t.Fatal(err)
		}
		if cp.Size != q.Size || ledger.RootString(cp.Root) != q.Root || (c.size != 0 && q.Size != c.size) || (c.size == 0 && q.Size != 13) {
			t.Fatalf("%+v: checkpoint %+v, proof size %d root %s", c, cp, q.Size, q.Root)
		}
		entry, _ := base64.StdEncoding.DecodeString(q.Entry)
		incl, err := ledger.ParseHashes(q.Inclusion)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(incl, q.Size, cp.Root, q.Index, tlog.RecordHash(entry)); err != nil {
			t.Fatalf("%+v: CheckRecord: %v", c, err)
		}
		if hashOf(t, q.LeafHash) != tlog.RecordHash(entry) {
			t.Fatal("leaf hash")
		}
		if c.old == 0 {
			if q.Consistency != nil {
				t.Fatal("unasked consistency proof")
			}
			continue
		}
		old, err := ledger.OpenCheckpoint([]byte(q.Consistency.OldCheckpoint), l.Verifier())
		if err != nil || old.Size != c.old || ledger.RootString(old.Root) != q.Consistency.OldRoot {
			t.Fatalf("%+v: old checkpoint %+v %v", c, old, err)
		}
		tp, err := ledger.ParseHashes(q.Consistency.Proof)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(tp, q.Size, cp.Root, old.Size, old.Root); err != nil {
			t.Fatalf("%+v: CheckTree: %v", c, err)
		}
		// A wrong entry does not prove.
		if tlog.CheckRecord(incl, q.Size, cp.Root, q.Index, tlog.RecordHash(append(entry, ' '))) == nil {
			t.Fatal("tampered entry proved")
		}
	}
	for _, c := range []ledger.ProveOptions{{Index: 13}, {Index: -1}, {Index: 0, Size: 14}, {Index: 0, Size: 5, OldSize: 6}} {
		if _, err := l.Prove(ctx, c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	l := proveLedger(t, 9)
	var buf bytes.Buffer
	if err := l.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("export is not JSON:\n%s", buf.Bytes())
	}
	e, err := ledger.ReadExport(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Entries) != 9 || len(e.Checkpoints) != 9 || !strings.HasPrefix(e.VerifierKey, "ssdf-ledger-") {
		t.Fatalf("export: %d entries, %d checkpoints, key %q", len(e.Entries), len(e.Checkpoints), e.VerifierKey)
	}
	kept, _ := l.Latest(ctx)
	res, err := ledger.VerifyExport(e, ledger.ExportVerifyOptions{Kept: kept})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.FirstBad != -1 || res.Size != 9 || res.Checkpoints != 9 {
		t.Fatalf("VerifyExport: %+v", res)
	}
	// The same root as the database's own verification.
	dbres, _ := l.Verify(ctx, ledger.VerifyOptions{})
	if res.Root != dbres.Root {
		t.Fatal("export root differs from the ledger's")
	}

	tampered := func(f func(e *ledger.Export)) *ledger.Result {
		t.Helper()
		e, _ := ledger.ReadExport(bytes.NewReader(buf.Bytes()))
		f(e)
		res, err := ledger.VerifyExport(e, ledger.ExportVerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := tampered(func(e *ledger.Export) { e.Entries[4] = bytes.Replace(e.Entries[4], []byte("t/4"), []byte("t/X"), 1) }); res.OK() || res.FirstBad != 4 {
		t.Errorf("changed entry 4: first bad %d: %v", res.FirstBad, res.Problems)
	}
	if res := tampered(func(e *ledger.Export) { e.Entries = e.Entries[:7] }); res.OK() || res.FirstBad != 7 {
		t.Errorf("truncated to 7: first bad %d: %v", res.FirstBad, res.Problems)
	}
	if res := tampered(func(e *ledger.Export) { e.Entries = append(e.Entries[:2:2], e.Entries[3:]...) }); res.OK() || res.FirstBad != 2 {
		t.Errorf("deleted entry 2: first bad %d: %v", res.FirstBad, res.Problems)
	}
	// A forger who re-signs with his own key is caught by the trusted key.
	_, forged, _ := ledger.GenerateKey()
	e2, _ := ledger.ReadExport(bytes.NewReader(buf.Bytes()))
	e2.VerifierKey = forged
	if res, err := ledger.VerifyExport(e2, ledger.ExportVerifyOptions{VerifierKey: e.VerifierKey}); err != nil || !res.OK() {
		t.Errorf("trusted key: %v %+v", err, res)
	}
	if res, err := ledger.VerifyExport(e2, ledger.ExportVerifyOptions{}); err != nil || res.OK() || res.FirstBad != 0 {
		t.Errorf("wrong key in export: %v %+v", err, res)
	}
}
