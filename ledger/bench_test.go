package ledger

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Run: go test -run '^$' -bench . -benchtime 3x ./ledger/
// (BenchmarkVerify100k builds its 100,000-entry ledger outside the timer.)

func BenchmarkAppendSingle(b *testing.B) {
	l := open(b, filepath.Join(b.TempDir(), "ledger.db"))
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := l.Append(ctx, scanEntry(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

func BenchmarkAppendBatch(b *testing.B) {
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			l := open(b, filepath.Join(b.TempDir(), "ledger.db"))
			ctx := context.Background()
			recs := make([]Record, size)
			n := 0
			for b.Loop() {
				for j := range recs {
					recs[j] = scanEntry(n)
					n++
				}
				if _, err := l.Append(ctx, recs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "appends/s")
		})
	}
}

func BenchmarkVerify100k(b *testing.B) { benchVerify(b, 100_000) }

// BenchmarkVerify1M takes about 15 s to build; it runs only with
// SSDF_LEDGER_BENCH_1M=1.
func BenchmarkVerify1M(b *testing.B) {
	if os.Getenv("SSDF_LEDGER_BENCH_1M") != "1" {
		b.Skip("set SSDF_LEDGER_BENCH_1M=1")
	}
	benchVerify(b, 1_000_000)
}

func benchVerify(b *testing.B, total int) {
	const batch = 5000
	l := open(b, filepath.Join(b.TempDir(), "ledger.db"))
	ctx := context.Background()
	recs := make([]Record, batch)
	for i := 0; i < total; i += batch {
		for j := range recs {
			recs[j] = scanEntry(i + j)
		}
		if _, err := l.Append(ctx, recs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := l.Verify(ctx, VerifyOptions{})
		if err != nil || !res.OK() || res.Size != int64(total) {
			b.Fatalf("Verify: %v %+v", err, res)
		}
	}
}
