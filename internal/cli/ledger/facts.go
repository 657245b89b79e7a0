package ledger

import (
	"context"
	"errors"

	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	ledgerlib "github.com/ssdf-dev/ssdf/ledger"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// ReadFacts reads the ledger facts of a scan of snap from the ledger at
// path ("" means the default location; the flag was given). A ledger that
// does not exist yet is consulted and empty (the scan is about to create
// it); one that cannot be read gives Consulted false with the reason.
func ReadFacts(ctx context.Context, env *clienv.Env, path string, snap *snapshot.Snapshot) snapshot.Ledger {
	p, err := Path(env, path)
	if err != nil {
		return snapshot.Ledger{Reason: "the ledger could not be located: " + err.Error()}
	}
	l, err := ledgerlib.Open(ctx, p, ledgerlib.Options{ReadOnly: true})
	if errors.Is(err, ledgerlib.ErrNoLedger) {
		return snapshot.Ledger{Consulted: true}
	}
	if err != nil {
		return snapshot.Ledger{Reason: "the ledger could not be read: " + err.Error()}
	}
	defer l.Close()
	return ledgerlib.Facts(ctx, l, ledgerlib.OrgOf(snap))
}
