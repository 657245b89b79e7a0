package sharedtest

import (
	"os"
	"os/exec"
	"testing"
)

// RequireChromium returns the path of a Chromium (or Chrome) executable for
// a browser test: the one SSDF_TEST_CHROMIUM names, else /usr/bin/chromium,
// else the first of chromium, chromium-browser and google-chrome on PATH.
// When there is none the test skips, saying so; under
// SSDF_REQUIRE_SERVICES=1, which .ci/run sets, it fails instead. A
// SSDF_TEST_CHROMIUM that names no executable always fails: it is a
// mistake, not a machine without a browser.
func RequireChromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SSDF_TEST_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("SSDF_TEST_CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SSDF_REQUIRE_SERVICES") == "1" {
		t.Fatalf("Chromium is not installed (looked for SSDF_TEST_CHROMIUM, /usr/bin/chromium, chromium, chromium-browser, google-chrome), and SSDF_REQUIRE_SERVICES=1 forbids skipping")
	}
	t.Skipf("Chromium is not installed: skipping (install the chromium package, or set SSDF_TEST_CHROMIUM to a Chromium or Chrome executable)")
	return ""
}
