package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// A test that needs ssdf in its own process (to measure its memory, or
	// to kill it) runs this test binary with SSDF_TEST_MAIN=1.
	if os.Getenv("SSDF_TEST_MAIN") == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
	}
	testscript.Main(m, map[string]func(){
		"ssdf": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
		},
	})
}

// TestScripts runs internal/cli/testdata/script/*.txtar. Each script runs in
// a fresh directory with git isolated from the machine's configuration.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			home := e.WorkDir
			cfg := filepath.Join(home, ".gitconfig-test")
			if err := os.WriteFile(cfg, []byte("[user]\n\tname = Test\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
				return err
			}
			e.Setenv("HOME", home)
			e.Setenv("GIT_CONFIG_GLOBAL", cfg)
			e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			e.Setenv("SOURCE_DATE_EPOCH", "1795694400") // 2026-11-26T12:00:00Z
			e.Setenv("GIT_AUTHOR_DATE", "2026-10-01T00:00:00Z")
			e.Setenv("GIT_COMMITTER_DATE", "2026-10-01T00:00:00Z")
			return nil
		},
	})
}
