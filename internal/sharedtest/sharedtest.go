// Package sharedtest finds the project's shared test material (the
// real-world corpus and the official schemas), which lives in a `shared`
// folder beside the checkout, for tests in any package.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns shared/<elem...> found by walking up from the working
// directory. A missing folder fails the test: CI always has it, and a
// skipped corpus test would look green.
func Dir(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join(append([]string{"shared"}, elem...)...)
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("%s not found above the package directory (the shared folder belongs beside the checkout)", rel)
		}
		dir = filepath.Dir(dir)
	}
}
