package sharedtest

import (
	"os"
	"testing"
)

// RequireEnv returns the value of the environment variable name, which
// points a test at a service (SSDF_TEST_POSTGRES: a PostgreSQL URL). When
// it is unset the test skips, saying so; under SSDF_REQUIRE_SERVICES=1,
// which .ci/run sets, it fails instead.
func RequireEnv(t testing.TB, name string) string {
	t.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	if os.Getenv("SSDF_REQUIRE_SERVICES") == "1" {
		t.Fatalf("%s is not set, and SSDF_REQUIRE_SERVICES=1 forbids skipping", name)
	}
	t.Skipf("%s is not set: skipping (set it to a server URL to run this test)", name)
	return ""
}
