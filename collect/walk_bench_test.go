package collect

import (
	"context"
	"os"
	"testing"
)

// BenchmarkCollectDir collects the checkout named by SSDF_BENCH_DIR (for
// measuring a real repository; see docs/benchmarks.md).
func BenchmarkCollectDir(b *testing.B) {
	dir := os.Getenv("SSDF_BENCH_DIR")
	if dir == "" {
		b.Skip("set SSDF_BENCH_DIR to a checkout")
	}
	for b.Loop() {
		s, err := Dir(context.Background(), dir, Options{})
		if err != nil || len(s.Tree.Files) == 0 {
			b.Fatal(err, len(s.Tree.Files))
		}
	}
}
