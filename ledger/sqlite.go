package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// sqliteSchema is the ledger's tables. Every table refuses UPDATE and
// DELETE, and an INSERT that would replace a row, by a trigger; entries
// must also be inserted in order without gaps. The triggers stop mistakes
// and casual edits; the hashes and signed checkpoints catch the rest.
const sqliteSchema = `
CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS hashes (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS entries_insert BEFORE INSERT ON entries
  WHEN NEW.idx IS NOT (SELECT COALESCE(MAX(idx) + 1, 0) FROM entries)
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: entries are added in order'); END;
`

var sqliteTables = map[string]string{"entries": "idx", "hashes": "idx", "checkpoints": "size", "meta": "key"}

func sqliteTriggers() string {
	var b strings.Builder
	for _, t := range []string{"entries", "hashes", "checkpoints", "meta"} {
		k := sqliteTables[t]
		fmt.Fprintf(&b, "CREATE TRIGGER IF NOT EXISTS %[1]s_no_update BEFORE UPDATE ON %[1]s BEGIN SELECT RAISE(ABORT, 'ledger is append-only: UPDATE refused'); END;\n", t)
		fmt.Fprintf(&b, "CREATE TRIGGER IF NOT EXISTS %[1]s_no_delete BEFORE DELETE ON %[1]s BEGIN SELECT RAISE(ABORT, 'ledger is append-only: DELETE refused'); END;\n", t)
		fmt.Fprintf(&b, "CREATE TRIGGER IF NOT EXISTS %[1]s_no_replace BEFORE INSERT ON %[1]s WHEN EXISTS (SELECT 1 FROM %[1]s WHERE %[2]s = NEW.%[2]s) BEGIN SELECT RAISE(ABORT, 'ledger is append-only: replace refused'); END;\n", t, k)
	}
	return b.String()
}

// SQLiteStore is the embedded Store: one SQLite file (modernc.org/sqlite,
// pure Go) in WAL mode. Appends take the write lock first (BEGIN
// IMMEDIATE), so appenders in several processes queue rather than
// interleave; busy_timeout makes them wait instead of failing.
type SQLiteStore struct {
	db   *sql.DB
	path string
}

// ErrNoLedger is returned when opening a ledger that does not exist
// without create.
var ErrNoLedger = errors.New("ledger: no ledger at this path")

// OpenSQLite opens (with create, creating) the ledger database at path.
func OpenSQLite(ctx context.Context, path string, create bool) (*SQLiteStore, error) {
	if _, err := os.Stat(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) || !create {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%w: %s", ErrNoLedger, path)
			}
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(60000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "recursive_triggers(ON)")
	q.Add("_pragma", "foreign_keys(ON)")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &SQLiteStore{db: db, path: path}
	if err := s.initSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *SQLiteStore) initSchema(ctx context.Context) error {
	return s.writeTx(ctx, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, sqliteSchema+sqliteTriggers()); err != nil {
			return fmt.Errorf("ledger: create schema in %s: %w", s.path, err)
		}
		return nil
	})
}

// DB is the underlying database, for tests that tamper with it.
func (s *SQLiteStore) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *SQLiteStore) Close() error { return s.db.Close() }

// writeTx runs fn inside BEGIN IMMEDIATE … COMMIT on one connection.
func (s *SQLiteStore) writeTx(ctx context.Context, fn func(*sql.Conn) error) (err error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer func() {
		if err != nil {
			c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err := fn(c); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

// Append implements Store.
func (s *SQLiteStore) Append(ctx context.Context, records [][]byte, seal SealFunc) (int64, error) {
	var first int64
	err := s.writeTx(ctx, func(c *sql.Conn) error {
		r := &sqliteReader{ctx: ctx, q: c}
		n, err := r.Size()
		if err != nil {
			return err
		}
		first = n
		hashes, cp, err := seal(first, r)
		if err != nil {
			return err
		}
		if err := insertMany(ctx, c, "entries", first, len(records), func(i int) any { return records[i] }); err != nil {
			return err
		}
		h0 := tlog.StoredHashCount(first)
		if err := insertMany(ctx, c, "hashes", h0, len(hashes), func(i int) any { return hashes[i][:] }); err != nil {
			return err
		}
		if cp != nil {
			if _, err := c.ExecContext(ctx, "INSERT INTO checkpoints (size, note) VALUES (?, ?)", first+int64(len(records)), cp); err != nil {
				return fmt.Errorf("ledger: store checkpoint: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return first, nil
}

// insertMany inserts rows (start+i, value(i)) in multi-row statements.
func insertMany(ctx context.Context, c *sql.Conn, table string, start int64, n int, value func(int) any) error {
	const chunk = 200
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (idx, %s) VALUES ", table, map[string]string{"entries": "data", "hashes": "hash"}[table])
		args := make([]any, 0, 2*(hi-lo))
		for i := lo; i < hi; i++ {
			if i > lo {
				b.WriteString(",")
			}
			b.WriteString("(?,?)")
			args = append(args, start+int64(i), value(i))
		}
		if _, err := c.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("ledger: store %s: %w", table, err)
		}
	}
	return nil
}

// InitMeta implements Store.
func (s *SQLiteStore) InitMeta(ctx context.Context, key, value string) (string, error) {
	var got string
	err := s.writeTx(ctx, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, "INSERT INTO meta (key, value) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)", key, value, key); err != nil {
			return fmt.Errorf("ledger: store %s: %w", key, err)
		}
		return c.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&got)
	})
	return got, err
}

// View implements Store: a deferred transaction, whose first read fixes
// the snapshot (WAL readers never block the writer).
func (s *SQLiteStore) View(ctx context.Context, fn func(Reader) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return fn(&sqliteReader{ctx: ctx, q: c})
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type sqliteReader struct {
	ctx context.Context
	q   querier
}

func (r *sqliteReader) Size() (int64, error) {
	var n int64
	if err := r.q.QueryRowContext(r.ctx, "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries").Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: size: %w", err)
	}
	return n, nil
}

func (r *sqliteReader) Entries(from, to int64) ([]StoredEntry, error) {
	rows, err := r.q.QueryContext(r.ctx, "SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()
	var out []StoredEntry
	for rows.Next() {
		var e StoredEntry
		if err := rows.Scan(&e.Index, &e.Data); err != nil {
			return nil, fmt.Errorf("ledger: read entries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (r *sqliteReader) Hashes(from, to int64) ([]StoredHash, error) {
	rows, err := r.q.QueryContext(r.ctx, "SELECT idx, hash FROM hashes WHERE idx >= ? AND idx < ? ORDER BY idx", from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: read hashes: %w", err)
	}
	defer rows.Close()
	var out []StoredHash
	for rows.Next() {
		var h StoredHash
		var b []byte
		if err := rows.Scan(&h.Index, &b); err != nil {
			return nil, fmt.Errorf("ledger: read hashes: %w", err)
		}
		copy(h.Hash[:], b) // a short or long blob gives a hash that will not match
		out = append(out, h)
	}
	return out, rows.Err()
}

func (r *sqliteReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		var b []byte
		if err := r.q.QueryRowContext(r.ctx, "SELECT hash FROM hashes WHERE idx = ?", idx).Scan(&b); err != nil {
			return nil, fmt.Errorf("ledger: read hash %d: %w", idx, err)
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("ledger: hash %d has %d bytes", idx, len(b))
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func (r *sqliteReader) Checkpoints() ([]StoredCheckpoint, error) {
	rows, err := r.q.QueryContext(r.ctx, "SELECT size, note FROM checkpoints ORDER BY size")
	if err != nil {
		return nil, fmt.Errorf("ledger: read checkpoints: %w", err)
	}
	defer rows.Close()
	var out []StoredCheckpoint
	for rows.Next() {
		var c StoredCheckpoint
		if err := rows.Scan(&c.Size, &c.Note); err != nil {
			return nil, fmt.Errorf("ledger: read checkpoints: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (r *sqliteReader) Latest() (*StoredCheckpoint, error) {
	return scanLatest(r.q.QueryRowContext(r.ctx, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"), sql.ErrNoRows)
}

func (r *sqliteReader) Meta(key string) (string, error) {
	return scanMeta(r.q.QueryRowContext(r.ctx, "SELECT value FROM meta WHERE key = ?", key), sql.ErrNoRows, key)
}
