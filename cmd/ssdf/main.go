// Command ssdf checks, enforces and evidences the NIST SSDF "Prepare the
// Organization" practices of a repository.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ssdf-dev/ssdf/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}
