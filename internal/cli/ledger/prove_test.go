package ledger_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

func TestProveExport(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
	db := filepath.Join(dir, "ledger.db")
	for i := range 5 {
		rev := ledgerlib.Review{Subject: ledgerlib.SubjectOwners, Org: "github.com/acme", Owners: []string{"alice"}, By: "bob", At: time.Date(2026, 3, 1, i, 0, 0, 0, time.UTC)}
		l, err := ledgerlib.Open(t.Context(), db, ledgerlib.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append(t.Context(), rev); err != nil {
			t.Fatal(err)
		}
		l.Close()
	}

	code, stdout, stderr := run(t, env, "ledger", "prove", "--ledger", db, "--index", "2", "--old-size", "3")
	if code != 0 {
		t.Fatalf("prove: %d %s", code, stderr)
	}
	var p ledgerlib.Proof
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	kb, _ := os.ReadFile(filepath.Join(dir, "ledger.key"))
	vkey, _ := ledgerlib.VerifierKey(strings.TrimSpace(string(kb)))
	l, _ := ledgerlib.Open(t.Context(), db, ledgerlib.Options{ReadOnly: true})
	v := l.Verifier()
	l.Close()
	cp, err := ledgerlib.OpenCheckpoint([]byte(p.Checkpoint), v)
	if err != nil || cp.Size != 5 || p.Index != 2 {
		t.Fatalf("checkpoint %+v %v", cp, err)
	}
	entry, _ := base64.StdEncoding.DecodeString(p.Entry)
	incl, _ := ledgerlib.ParseHashes(p.Inclusion)
	if err := tlog.CheckRecord(incl, cp.Size, cp.Root, 2, tlog.RecordHash(entry)); err != nil || !strings.Contains(string(entry), `"type":"review"`) {
		t.Fatalf("CheckRecord: %v (%s)", err, entry)
	}
	old, _ := ledgerlib.OpenCheckpoint([]byte(p.Consistency.OldCheckpoint), v)
	tp, _ := ledgerlib.ParseHashes(p.Consistency.Proof)
	if err := tlog.CheckTree(tp, cp.Size, cp.Root, 3, old.Root); err != nil {
		t.Fatalf("CheckTree: %v", err)
	}
	for _, args := range [][]string{{"--index", "5"}, {"--index", "0", "--size", "6"}, {}} {
		if code, _, _ := run(t, env, append([]string{"ledger", "prove", "--ledger", db}, args...)...); code != 2 {
			t.Errorf("prove %v: exit %d", args, code)
		}
	}

	exp := filepath.Join(dir, "export.json")
	if code, _, stderr := run(t, env, "ledger", "export", "--ledger", db, "--output", exp); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	os.Rename(db, db+".gone") // offline: no database
	code, stdout, stderr = run(t, env, "ledger", "verify", "--export", exp)
	if code != 0 || !strings.HasPrefix(stdout, "ledger OK: 5 entries, 5 checkpoints verified") || !strings.Contains(stderr, "verifier key in the export") {
		t.Fatalf("verify --export: %d\n%s%s", code, stdout, stderr)
	}
	keyFile := filepath.Join(dir, "trusted.pub")
	os.WriteFile(keyFile, []byte(vkey+"\n"), 0o644)
	if code, stdout, stderr := run(t, env, "ledger", "verify", "--export", exp, "--key", keyFile); code != 0 || stderr != "" {
		t.Fatalf("verify --export --key: %d\n%s%s", code, stdout, stderr)
	}

	// Tamper with entry 3 of the export.
	b, _ := os.ReadFile(exp)
	var e ledgerlib.Export
	json.Unmarshal(b, &e)
	e.Entries[3] = []byte(strings.Replace(string(e.Entries[3]), "alice", "mallory", 1))
	b, _ = json.Marshal(e)
	os.WriteFile(exp, b, 0o644)
	code, stdout, _ = run(t, env, "ledger", "verify", "--export", exp)
	if code != 1 || !strings.Contains(stdout, "ledger TAMPERED: first bad entry index 3") {
		t.Fatalf("verify tampered export: %d\n%s", code, stdout)
	}
}
