package sharedtest

import (
	"os"
	"os/exec"
	"testing"
)

// RequireProgram skips the test when a program it needs (git, a database
// server, a browser) is not installed, saying so. Under
// SSDF_REQUIRE_SERVICES=1, which .ci/run sets, it fails instead: in CI a
// skipped test must not pass for a green one.
func RequireProgram(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("SSDF_REQUIRE_SERVICES") == "1" {
		t.Fatalf("%s is not installed, and SSDF_REQUIRE_SERVICES=1 forbids skipping", name)
	}
	t.Skipf("%s is not installed: skipping (install it to run this test)", name)
	return ""
}
