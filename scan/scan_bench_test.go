package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/internal/synth"
	"github.com/ssdf-dev/ssdf/scan"
)

// BenchmarkScan runs the full offline scan (collect with git, then every
// check) over synthetic checkouts of three sizes with a 500-rule CODEOWNERS,
// to show that the cost grows linearly with the number of files. The
// repositories are built once per size, outside the timer.
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{10_000, 30_000, 100_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			home := b.TempDir()
			env, err := synth.GitEnv(home)
			if err != nil {
				b.Fatal(err)
			}
			if err := synth.Write(filepath.Join(dir, "repo"), n, 500, env); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				snap, pol, err := scan.Collect(ctx, filepath.Join(dir, "repo"), scan.Options{GitEnv: env, Path: "."})
				if err != nil {
					b.Fatal(err)
				}
				rep := scan.Evaluate(ctx, snap, pol, checks.List, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), "bench")
				if len(rep.Results) != len(checks.List) {
					b.Fatalf("%d results", len(rep.Results))
				}
			}
			b.ReportMetric(float64(n), "files")
		})
	}
}

// BenchmarkScanDir scans the checkout named by SSDF_BENCH_DIR (a real
// repository; see docs/benchmarks.md). It is skipped without it.
func BenchmarkScanDir(b *testing.B) {
	dir := os.Getenv("SSDF_BENCH_DIR")
	if dir == "" {
		b.Skip("set SSDF_BENCH_DIR to a checkout")
	}
	ctx := context.Background()
	for b.Loop() {
		snap, pol, err := scan.Collect(ctx, dir, scan.Options{Path: "."})
		if err != nil {
			b.Fatal(err)
		}
		scan.Evaluate(ctx, snap, pol, checks.List, time.Now(), "bench")
	}
}
