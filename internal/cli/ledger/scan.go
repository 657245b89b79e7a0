package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/report"
)

// ScanEntry is the ledger entry of a scan: the digest of the JSON report
// (the bytes `ssdf scan --format json` writes, so it equals the sha256 of
// a saved JSON report file), the target, the commit and each task's
// status.
func ScanEntry(rep *report.Report) (ledgerlib.Scan, error) {
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		return ledgerlib.Scan{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	tasks := make(map[string]string, len(rep.Tasks))
	for _, t := range rep.Tasks {
		tasks[t.ID] = t.Status
	}
	target := rep.Target.URL
	if target == "" {
		target = rep.Target.Path
	}
	if target == "" {
		target = rep.Target.Name()
	}
	return ledgerlib.Scan{
		ReportDigest: "sha256:" + hex.EncodeToString(sum[:]),
		Target:       target,
		Commit:       rep.Target.Commit,
		Tasks:        tasks,
		At:           rep.GeneratedAt.UTC(),
	}, nil
}

// RecordScan appends the scan entry of rep to the ledger at path (""
// means the default location), creating the ledger and its key on first
// use, and says so on standard error.
func RecordScan(ctx context.Context, env *clienv.Env, path string, rep *report.Report) error {
	e, err := ScanEntry(rep)
	if err != nil {
		return err
	}
	i, err := Append(ctx, env, path, "", e)
	if err != nil {
		return fmt.Errorf("--ledger: %w", err)
	}
	fmt.Fprintf(env.Err, "ssdf: scan recorded in the ledger as entry %d\n", i)
	return nil
}
