package ledger

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Store is the ledger's storage backend. It knows nothing of hashing or
// signing: the Ledger computes hashes and checkpoints and the Store keeps
// them, append-only. SQLiteStore is the embedded backend; a PostgreSQL
// backend implements the same interface (and runs the same tests).
//
// Indexes: entry i is the i-th record of the log (from 0); hash k is the
// k-th stored hash in the order of tlog.StoredHashIndex; a checkpoint is
// keyed by its tree size.
type Store interface {
	// Append adds records at the end of the log in one transaction,
	// serialised with every other appender (in this and other processes).
	// Inside the transaction it calls seal with the index the first record
	// will get and a reader of the hashes stored so far; seal returns the
	// hashes to store from tlog.StoredHashCount(first) on, and the signed
	// checkpoint of the new tree (stored under size first+len(records)).
	// Append returns first; nothing is stored if seal or the commit fails.
	Append(ctx context.Context, records [][]byte, seal SealFunc) (first int64, err error)
	// View runs fn on a consistent read snapshot of the log.
	View(ctx context.Context, fn func(Reader) error) error
	// InitMeta stores a metadata value unless the key already has one, and
	// returns the value stored (metadata is append-only too).
	InitMeta(ctx context.Context, key, value string) (string, error)
	// Close releases the store.
	Close() error
}

// SealFunc computes what an append stores besides the records.
type SealFunc func(first int64, stored tlog.HashReader) (hashes []tlog.Hash, checkpoint []byte, err error)

// Reader reads a snapshot of the log. Its methods return what is stored,
// even if it was tampered with: gaps and mismatches are for Verify to find.
type Reader interface {
	// Size is the log's size as stored: one more than the largest entry
	// index, 0 when empty.
	Size() (int64, error)
	// Entries returns the stored entries with from <= index < to, in
	// index order.
	Entries(from, to int64) ([]StoredEntry, error)
	// ReadHashes returns the stored hashes at the given indexes
	// (tlog.HashReader); a missing index is an error.
	ReadHashes(indexes []int64) ([]tlog.Hash, error)
	// Hashes returns the stored hashes with from <= index < to, in index
	// order.
	Hashes(from, to int64) ([]StoredHash, error)
	// Checkpoints returns every stored checkpoint, by size.
	Checkpoints() ([]StoredCheckpoint, error)
	// Latest returns the checkpoint of the largest size, or nil.
	Latest() (*StoredCheckpoint, error)
	// Meta returns a stored metadata value ("" if unset).
	Meta(key string) (string, error)
}

// StoredEntry is one entry row.
type StoredEntry struct {
	Index int64
	Data  []byte
}

// StoredHash is one hash row.
type StoredHash struct {
	Index int64
	Hash  tlog.Hash
}

// StoredCheckpoint is one checkpoint row: the signed note, as stored.
type StoredCheckpoint struct {
	Size int64
	Note []byte
}

// rowScanner is the row a backend's single-row query returns (*sql.Row,
// pgx.Row).
type rowScanner interface {
	Scan(dest ...any) error
}

// scanLatest reads the row of a backend's Reader.Latest query (size,
// note): nil when there is none, which the backend's driver reports as
// noRows.
func scanLatest(row rowScanner, noRows error) (*StoredCheckpoint, error) {
	var c StoredCheckpoint
	switch err := row.Scan(&c.Size, &c.Note); {
	case err == nil:
		return &c, nil
	case errors.Is(err, noRows):
		return nil, nil
	default:
		return nil, fmt.Errorf("ledger: read checkpoint: %w", err)
	}
}

// scanMeta reads the row of a backend's Reader.Meta query for key (value):
// "" when there is none, which the backend's driver reports as noRows.
func scanMeta(row rowScanner, noRows error, key string) (string, error) {
	var v string
	switch err := row.Scan(&v); {
	case err == nil:
		return v, nil
	case errors.Is(err, noRows):
		return "", nil
	default:
		return "", fmt.Errorf("ledger: read %s: %w", key, err)
	}
}
