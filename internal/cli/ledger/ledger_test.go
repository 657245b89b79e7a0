package ledger_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/internal/cli"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
)

func run(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestLedgerCommands(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "SOURCE_DATE_EPOCH=1795694400", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(repo, 0o755)
	os.WriteFile(filepath.Join(repo, "CODEOWNERS"), []byte("* @acme/maintainers\n"), 0o644)
	db := filepath.Join(dir, "l", "ledger.db")
	report := filepath.Join(dir, "report.json")

	// Verifying a ledger that does not exist is a usage error.
	if code, _, stderr := run(t, env, "ledger", "verify", "--ledger", db); code != 2 || !strings.Contains(stderr, "no ledger") {
		t.Fatalf("verify missing: %d %s", code, stderr)
	}
	for range 2 {
		code, _, stderr := run(t, env, "scan", repo, "--format", "json", "--output", report, "--ledger", db)
		if code != 0 && code != 1 {
			t.Fatalf("scan: exit %d: %s", code, stderr)
		}
		if !regexp.MustCompile(`scan recorded in the ledger as entry \d`).MatchString(stderr) {
			t.Fatalf("scan stderr: %s", stderr)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "l", "ledger.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key: %v %v", fi, err)
	}
	code, stdout, _ := run(t, env, "ledger", "list", "--ledger", db)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], "1\t{") {
		t.Fatalf("list: %d\n%s", code, stdout)
	}
	// The scan entry carries the sha256 of the saved JSON report.
	e, err := ledgerlib.Decode([]byte(strings.SplitN(lines[1], "\t", 2)[1]))
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := os.ReadFile(report)
	s := e.(ledgerlib.Scan)
	if s.ReportDigest != sha(rb) || s.Tasks["PO.2.1"] == "" || s.Target == "" {
		t.Errorf("scan entry %+v, report digest %s", s, sha(rb))
	}

	code, cp, _ := run(t, env, "ledger", "checkpoint", "--ledger", db)
	if code != 0 || !strings.Contains(cp, "\n2\n") || !strings.Contains(cp, "\n\n\u2014 ssdf-ledger-") {
		t.Fatalf("checkpoint: %d\n%s", code, cp)
	}
	kept := filepath.Join(dir, "kept.txt")
	os.WriteFile(kept, []byte(cp), 0o644)
	code, stdout, _ = run(t, env, "ledger", "verify", "--ledger", db, "--checkpoint", kept)
	if code != 0 || !strings.HasPrefix(stdout, "ledger OK: 2 entries, 2 checkpoints verified") {
		t.Fatalf("verify: %d\n%s", code, stdout)
	}

	// Tamper with entry 1 behind the triggers' back: verify exits 1 and
	// names it.
	l, err := ledgerlib.Open(context.Background(), db, ledgerlib.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sq := l.Store().(*ledgerlib.SQLiteStore).DB()
	for _, q := range []string{"DROP TRIGGER entries_no_update", "UPDATE entries SET data = replace(data, 'PO.2.1', 'PO.2.2') WHERE idx = 1"} {
		if _, err := sq.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	code, stdout, _ = run(t, env, "ledger", "verify", "--ledger", db)
	if code != 1 || !strings.Contains(stdout, "ledger TAMPERED: first bad entry index 1") {
		t.Fatalf("verify after tampering: %d\n%s", code, stdout)
	}

	// The default location is under XDG_DATA_HOME.
	code, _, stderr := run(t, env, "scan", repo, "--format", "json", "--output", report, "--ledger", filepath.Join(dir, "data", "ssdf", "ledger.db"))
	if code > 1 {
		t.Fatal(stderr)
	}
	if code, stdout, _ := run(t, env, "ledger", "verify"); code != 0 || !strings.Contains(stdout, "1 entries") {
		t.Fatalf("verify default: %d %s", code, stdout)
	}
	// --ledger with --raw (a snapshot, not a scan) is refused.
	if code, _, stderr := run(t, env, "scan", repo, "--raw", "--ledger", db); code != 2 || !strings.Contains(stderr, "--ledger cannot be used with --raw") {
		t.Fatalf("--raw --ledger: exit %d %s", code, stderr)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}
