// Package golden is the golden-file harness of the renderer tests: it loads
// the shared fixture reports of report/testdata and compares output with
// testdata/*.golden, rewriting them when asked (go test ./report/... -update).
package golden

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ssdf-dev/ssdf/report"
)

// Fixture is one shared fixture report.
type Fixture struct {
	Name   string // file name without .json, e.g. "full"
	Report *report.Report
}

// Fixtures reads every report/testdata/*.json, sorted by name. It is called
// from a renderer's package directory (report/<format>).
func Fixtures(t *testing.T) []Fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("golden: no fixture reports in ../testdata")
	}
	sort.Strings(files)
	var out []Fixture
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		r, err := report.Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("golden: %s: %v", file, err)
		}
		out = append(out, Fixture{Name: strings.TrimSuffix(filepath.Base(file), ".json"), Report: r})
	}
	return out
}

// Check compares got with testdata/<name>.golden, or writes that file when
// update is set.
func Check(t *testing.T, name string, got []byte, update bool) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run go test ./report/... -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\n(run go test ./report/... -update if the change is intended)", path, diff)
	}
}
