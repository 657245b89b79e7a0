// Command synthrepo writes a synthetic checkout for measuring ssdf by hand
// (wall time and peak memory of `ssdf scan`; see docs/benchmarks.md).
//
//	go run ./internal/cmd/synthrepo -files 100000 -rules 500 /tmp/synth
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ssdf-dev/ssdf/internal/synth"
)

func main() {
	files := flag.Int("files", 100_000, "tracked files")
	rules := flag.Int("rules", 500, "CODEOWNERS rules")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: synthrepo [-files N] [-rules N] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	home, err := os.MkdirTemp("", "synthrepo-home")
	if err == nil {
		defer os.RemoveAll(home)
		var env []string
		if env, err = synth.GitEnv(home); err == nil {
			err = synth.Write(dir, *files, *rules, env)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "synthrepo:", err)
		os.Exit(1)
	}
}
