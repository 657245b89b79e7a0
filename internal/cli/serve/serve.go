// Package serve is the `ssdf serve` command: the dashboard and HTTP API
// over one ledger (package serve), on loopback unless told otherwise.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	cliledger "github.com/ssdf-dev/ssdf/internal/cli/ledger"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	servelib "github.com/ssdf-dev/ssdf/serve"
)

// Options are the parsed flags of `ssdf serve`.
type Options struct {
	// Ledger is --ledger, resolved as `ssdf ledger` resolves it.
	Ledger string
	// Key is --key: the key file whose public half checks checkpoints
	// (default: beside the database).
	Key         string
	Addr        string
	AllowRemote bool
}

// DefaultAddr is where ssdf serve listens unless --addr says otherwise.
const DefaultAddr = "127.0.0.1:8080"

// NewCmd returns the command; runF replaces Run in tests that only look at
// the parsed options.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "serve [--ledger PATH|URL] [--addr HOST:PORT]",
		Short: "Serve a read-only dashboard and JSON API over the ledger",
		Long: `Serve the ledger read-only over HTTP, for compliance engineers and auditors: a dashboard
(the ledger's integrity, each target's SSDF task statuses from its latest scan and its
history, exceptions pending or expiring within 30 days, the latest reviews, every entry with
its inclusion proof) and a JSON API under /api/v1/ (docs/serve.md). Every request reads the
ledger afresh and verifies it where it shows integrity; nothing is ever written.

The ledger is found as ` + "`ssdf ledger`" + ` finds it: --ledger (a SQLite file or a postgres:// URL),
default $XDG_DATA_HOME/ssdf/ledger.db. No forge token is needed, and none is read.

It listens on loopback (` + DefaultAddr + `) and answers only requests addressed to a loopback
name, so that a web page cannot read the ledger through DNS rebinding. A non-loopback
--addr is refused unless --allow-remote is given: the server has no authentication and
no TLS, and the ledger names repositories, people and exception reasons; put it behind a
reverse proxy that authenticates and encrypts before exposing it.

It stops on interrupt (Ctrl-C) or SIGTERM, letting requests in flight finish.

Exit codes: 0 stopped; 2 usage error, the ledger could not be opened, or the address could
not be listened on.`,
		Example: `  ssdf serve                                   # http://127.0.0.1:8080/ over the default ledger
  ssdf serve --ledger evidence/ledger.db --addr 127.0.0.1:9000
  ssdf serve --ledger postgres://ssdf@db.example.org/ssdf
  curl -s http://127.0.0.1:8080/api/v1/ledger  # size, signed checkpoint, verification
  curl -s http://127.0.0.1:8080/api/v1/entries/41/proof > proof.json
  ssdf serve --addr 0.0.0.0:8080 --allow-remote   # behind an authenticating reverse proxy only`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Ledger, "ledger", "", "the ledger database or postgres:// URL (default: $XDG_DATA_HOME/ssdf/ledger.db)")
	f.StringVar(&o.Key, "key", "", "the ledger key file (default: ledger.key beside the database); only its public half is used")
	f.StringVar(&o.Addr, "addr", DefaultAddr, "the address to listen on, host:port (port 0 picks a free one)")
	f.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (no authentication, no TLS: use behind an authenticating proxy)")
	return cmd
}

// loopbackHosts are the names a loopback server answers to.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// isLoopback reports whether host (of --addr) is a loopback address or
// "localhost". An empty host listens on every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Run serves until ctx is done.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return clienv.Usage("--addr %q: want host:port (%v)", o.Addr, err)
	}
	loopback := isLoopback(host)
	if !loopback && !o.AllowRemote {
		return clienv.Usage("--addr %s is not a loopback address: the server has no authentication or TLS; pass --allow-remote to serve it there anyway (behind an authenticating proxy)", o.Addr)
	}
	l, err := cliledger.OpenReadOnly(ctx, env, o.Ledger, o.Key)
	if err != nil {
		return err
	}
	defer l.Close()
	so := servelib.Options{Now: env.Now, Version: env.Version}
	if loopback {
		so.Hosts = loopbackHosts
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.Addr)
	if err != nil {
		return clienv.Usage("listen on %s: %v", o.Addr, err)
	}
	srv := &http.Server{
		Handler:           servelib.New(l, so),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	where, _ := cliledger.Path(env, o.Ledger)
	fmt.Fprintf(env.Err, "ssdf: serving the ledger %s read-only at http://%s/ (Ctrl-C to stop)\n", ledgerlib.Redact(where), ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shut)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	fmt.Fprintln(env.Err, "ssdf: stopped serving")
	return nil
}
