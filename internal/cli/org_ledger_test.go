package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/report"
)

// TestOrgScanLedgerAndCDEvents: `ssdf scan --org` with --ledger reads the
// organization's ledger facts (an owner review recorded from the forge
// makes owners-reviewed pass, once, in the summary) and records every
// repository's scan and the summary; with --cdevents-sink it sends every
// report. The token is never printed.
func TestOrgScanLedgerAndCDEvents(t *testing.T) {
	gh := fake.GitHub(t, nil, fake.Enterprise())
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	vars := map[string]string{"GITHUB_TOKEN": secret, "HOME": dir, "XDG_DATA_HOME": filepath.Join(dir, "data")}
	org := strings.TrimPrefix(gh.URL, "http://") + "/acme"
	forgeArgs := []string{"--forge", "github", "--forge-url", gh.URL}
	noSecret := func(s ...string) {
		t.Helper()
		if strings.Contains(strings.Join(s, ""), secret) {
			t.Fatal("the token was printed")
		}
	}

	var events atomic.Int32
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		events.Add(1)
		w.WriteHeader(202)
	}))
	defer sink.Close()

	// Before any review: owners-reviewed fails in the summary.
	scan := func() (report.Result, string) {
		t.Helper()
		code, out, errOut := runIn(t, dir, vars, append([]string{"scan", "--org", org, "--format", "json", "--output", "reports",
			"--ledger", db, "--cdevents-sink", sink.URL}, forgeArgs...)...)
		noSecret(out, errOut)
		if code > 1 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var sum report.Report
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatal(err)
		}
		for _, r := range sum.Results {
			if r.Check == "owners-reviewed" {
				return r, errOut
			}
		}
		t.Fatalf("no owners-reviewed in the summary")
		return report.Result{}, ""
	}
	r, errOut := scan()
	if r.Status != report.StatusFail || len(r.Findings) != 0 {
		t.Fatalf("before a review: %s %s (%d findings)", r.Status, r.Reason, len(r.Findings))
	}
	m := regexp.MustCompile(`(\d+) scans recorded in the ledger as entries 0 to (\d+)`).FindStringSubmatch(errOut)
	if m == nil || m[1] == "1" {
		t.Fatalf("ledger line missing:\n%s", errOut)
	}
	if got := int(events.Load()); got == 0 {
		t.Fatal("no CDEvents sent")
	}
	sent := int(events.Load())

	// Record the review of the owners as the forge lists them, then scan.
	code, out, errOut := runIn(t, dir, vars, append([]string{"ledger", "review", "owners", "--org", org, "--by", "carol", "--ledger", db}, forgeArgs...)...)
	noSecret(out, errOut)
	if code != 0 {
		t.Fatalf("review owners: %d %s", code, errOut)
	}
	r, _ = scan()
	if r.Status != report.StatusPass || !strings.Contains(r.Reason, "reviewed by carol") {
		t.Fatalf("after the review: %s %s", r.Status, r.Reason)
	}
	if int(events.Load()) != 2*sent {
		t.Errorf("second scan sent %d CDEvents, the first %d", int(events.Load())-sent, sent)
	}
	// Two scans of n repositories and the summary, and the review.
	n, _ := strconv.Atoi(m[1])
	_, out, _ = runIn(t, dir, vars, "ledger", "verify", "--ledger", db)
	if want := fmt.Sprintf("ledger OK: %d entries", 2*n+1); !strings.Contains(out, want) {
		t.Errorf("ledger verify: %q, want %q", out, want)
	}
}
