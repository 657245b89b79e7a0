package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/internal/cli"
	"github.com/ssdf-dev/ssdf/ledger"
)

// syncBuffer is a buffer the server goroutine writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func environ(dir string) []string {
	return []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data")}
}

func run(ctx context.Context, env []string, stderr io.Writer, args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.Main(ctx, args, strings.NewReader(""), &out, stderr, env)
	return code, out.String()
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	l, err := ledger.Open(context.Background(), db, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		// Not loopback: refused before anything is opened or bound.
		{[]string{"serve", "--addr", "0.0.0.0:0", "--ledger", db}, "--allow-remote"},
		{[]string{"serve", "--addr", ":0", "--ledger", db}, "--allow-remote"},
		{[]string{"serve", "--addr", "192.0.2.1:8080", "--ledger", db}, "not a loopback address"},
		{[]string{"serve", "--addr", "nonsense", "--ledger", db}, "want host:port"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--ledger", filepath.Join(dir, "none.db")}, "no ledger"},
		{[]string{"serve", "extra"}, "unknown command"},
	} {
		var stderr bytes.Buffer
		code, _ := run(context.Background(), environ(dir), &stderr, tc.args...)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %q", tc.args, code, stderr.String(), tc.want)
		}
	}
	var stderr bytes.Buffer
	code, out := run(context.Background(), environ(dir), &stderr, "serve", "--help")
	for _, s := range []string{"--allow-remote", "--addr", "--ledger", "Examples:", "127.0.0.1:8080", "authentication"} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("serve --help (exit %d) lacks %q:\n%s", code, s, out)
		}
	}
}

// TestServe runs `ssdf serve` on a free loopback port, reads the API, and
// stops it by cancelling the context as SIGINT/SIGTERM does.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "evidence", "ledger.db")
	l, err := ledger.Open(context.Background(), db, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)
	if _, err := l.Append(context.Background(), ledger.Scan{ReportDigest: "sha256:00", Target: "https://github.com/acme/widget", Tasks: map[string]string{"PO.2.1": "pass"}, At: at}); err != nil {
		t.Fatal(err)
	}
	l.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	// A relative --ledger is resolved against the working directory, as
	// `ssdf ledger` resolves it.
	t.Chdir(dir)
	go func() {
		code, _ := run(ctx, environ(dir), stderr, "serve", "--ledger", filepath.Join("evidence", "ledger.db"), "--addr", "127.0.0.1:0")
		done <- code
	}()
	re := regexp.MustCompile(`at http://(127\.0\.0\.1:\d+)/`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	res, err := http.Get("http://" + addr + "/api/v1/ledger")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Size         int64
		Verification struct{ OK bool }
	}
	err = json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || info.Size != 1 || !info.Verification.OK {
		t.Errorf("GET /api/v1/ledger: %d %+v %v", res.StatusCode, info, err)
	}
	// A request for another host name (DNS rebinding) is refused.
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/ledger", nil)
	req.Host = "evil.example"
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host evil.example: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(stderr.String(), "stopped serving") {
			t.Errorf("after cancel: exit %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after the context was cancelled")
	}
	if s := stderr.String(); strings.Contains(s, "PRIVATE") {
		t.Errorf("stderr shows key material: %s", s)
	}
}
