package ledger_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/ledger"
)

const crashChildEnv = "SSDF_LEDGER_CRASH_CHILD"

// crashEntry is the entry the child of round r appends i-th.
func crashEntry(r, i int) ledger.Scan {
	return ledger.Scan{
		ReportDigest: fmt.Sprintf("sha256:%064x", r*1_000_000+i),
		Target:       fmt.Sprintf("crash/%d/%d", r, i),
		Tasks:        map[string]string{"PO.3.2": "pass"},
		At:           time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
}

// TestCrashChild is the body of TestCrash's child processes: it appends
// entries one by one, for ever, and prints the index i of each append
// that returned (after it returned).
func TestCrashChild(t *testing.T) {
	v := os.Getenv(crashChildEnv)
	if v == "" {
		t.Skip("run by TestCrash")
	}
	path, round, _ := strings.Cut(v, "|")
	r, _ := strconv.Atoi(round)
	ctx := context.Background()
	l, err := ledger.Open(ctx, path, ledger.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		if _, err := l.Append(ctx, crashEntry(r, i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintf(os.Stdout, "%d\n", i) // os.Stdout is unbuffered
	}
}

// TestCrash kills a child appending to a SQLite ledger with SIGKILL at
// random moments; after each kill the ledger must open, verify, and hold
// every entry whose append had returned.
func TestCrash(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		return
	}
	rounds := 25
	if testing.Short() {
		rounds = 8
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SSDF_LEDGER_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set SSDF_LEDGER_CRASH_SEED to replay)", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))

	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	// Create it (and its key) first.
	l, err := ledger.Open(ctx, path, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()

	deadline := time.Now().Add(60 * time.Second)
	total := int64(0)
	for r := 0; r < rounds; r++ {
		if time.Now().After(deadline) {
			if r < 20 && !testing.Short() {
				t.Fatalf("only %d kill rounds before the time bound", r)
			}
			break
		}
		printed := crashRound(t, path, r, time.Duration(rng.IntN(60_000))*time.Microsecond)

		l, err := ledger.Open(ctx, path, ledger.Options{})
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", r, err)
		}
		res, err := l.Verify(ctx, ledger.VerifyOptions{})
		if err != nil {
			l.Close()
			t.Fatalf("round %d: verify: %v", r, err)
		}
		if res.FirstBad != -1 || !res.OK() {
			l.Close()
			t.Fatalf("round %d: verify after kill: first bad %d: %v", r, res.FirstBad, res.Problems)
		}
		got := map[string]bool{}
		err = l.Entries(ctx, total, -1, func(e ledger.Entry) error {
			s, ok := e.Record.(ledger.Scan)
			if !ok {
				return fmt.Errorf("entry %d: %T", e.Index, e.Record)
			}
			got[s.Target] = true
			return nil
		})
		n, _ := l.Size(ctx)
		l.Close()
		if err != nil {
			t.Fatalf("round %d: %v", r, err)
		}
		for _, i := range printed {
			if !got[fmt.Sprintf("crash/%d/%d", r, i)] {
				t.Fatalf("round %d: append %d returned but its entry is missing after the kill", r, i)
			}
		}
		// At most one append was in flight when the child died.
		if extra := len(got) - len(printed); extra < 0 || extra > 1 {
			t.Fatalf("round %d: %d entries stored, %d appends returned", r, len(got), len(printed))
		}
		if int64(len(got)) != n-total {
			t.Fatalf("round %d: size grew by %d, %d entries of this round", r, n-total, len(got))
		}
		total = n
	}
	t.Logf("%d rounds, %d entries", rounds, total)
}

// crashRound starts a child appending in round r, waits until its first
// append returned, lets it run for delay more, kills it with SIGKILL and
// returns the indexes it printed.
func crashRound(t *testing.T, path string, r int, delay time.Duration) []int {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	c.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", crashChildEnv, path, r))
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var printed []int
	first := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			i, err := strconv.Atoi(sc.Text())
			if err != nil {
				continue // test framework output
			}
			mu.Lock()
			printed = append(printed, i)
			if len(printed) == 1 {
				close(first)
			}
			mu.Unlock()
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case <-first:
	case <-done:
		c.Wait()
		t.Fatalf("round %d: child exited before appending: %s", r, stderr.String())
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		c.Wait()
		t.Fatalf("round %d: child did not append within 30s", r)
	}
	time.Sleep(delay)
	// Process.Kill is SIGKILL on Unix.
	if err := c.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	c.Wait()
	if strings.Contains(stderr.String(), "ledger") {
		t.Logf("round %d child stderr: %s", r, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return printed
}
