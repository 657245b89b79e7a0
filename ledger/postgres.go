package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/tlog"
)

// IsPostgresURL reports whether a ledger location is a PostgreSQL URL
// (postgres:// or postgresql://) rather than a SQLite file path.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// PostgresSchema is the ledger's tables on PostgreSQL: the same tables as
// SQLite, created in the connection's current schema (the first of its
// search_path). Triggers refuse UPDATE, DELETE and TRUNCATE on every
// table, and entries inserted out of order. The owner of the tables can
// drop the triggers; the application role should not be the owner (see
// PostgresGrants and docs/ledger-postgres.md).
const PostgresSchema = `
CREATE TABLE entries (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL);
CREATE TABLE hashes (idx BIGINT PRIMARY KEY, hash BYTEA NOT NULL);
CREATE TABLE checkpoints (size BIGINT PRIMARY KEY, note BYTEA NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE FUNCTION ssdf_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only: % refused on %', TG_OP, TG_TABLE_NAME;
END $$;
CREATE FUNCTION ssdf_ledger_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.idx IS DISTINCT FROM (SELECT COALESCE(MAX(idx) + 1, 0) FROM entries) THEN
    RAISE EXCEPTION 'ledger is append-only: entries are added in order (got %)', NEW.idx;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER entries_in_order BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION ssdf_ledger_in_order();
CREATE TRIGGER entries_no_change BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER hashes_no_change BEFORE UPDATE OR DELETE ON hashes FOR EACH ROW EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER hashes_no_truncate BEFORE TRUNCATE ON hashes FOR EACH STATEMENT EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER meta_no_change BEFORE UPDATE OR DELETE ON meta FOR EACH ROW EXECUTE FUNCTION ssdf_ledger_refuse();
CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON meta FOR EACH STATEMENT EXECUTE FUNCTION ssdf_ledger_refuse();
`

// PostgresGrants is the SQL that gives the application role appRole
// exactly what the ledger needs: USAGE on the current schema, SELECT and
// INSERT on the tables. It has no UPDATE, DELETE or TRUNCATE privilege,
// and, not owning the tables, cannot drop or disable their triggers.
func PostgresGrants(appRole string) string {
	r := pgx.Identifier{appRole}.Sanitize()
	return fmt.Sprintf(`
DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %%I TO %%s', current_schema(), %s); END $$;
REVOKE ALL ON entries, hashes, checkpoints, meta FROM PUBLIC;
GRANT SELECT, INSERT ON entries, hashes, checkpoints, meta TO %s;
`, quoteLiteral(r), r)
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SetupPostgres creates the ledger's tables and triggers in the current
// schema of ownerURL (as that URL's role, which becomes their owner) and,
// if appRole is not empty, grants appRole SELECT and INSERT only. It fails
// if the tables exist already.
func SetupPostgres(ctx context.Context, ownerURL, appRole string) error {
	c, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	sql := PostgresSchema
	if appRole != "" {
		sql += PostgresGrants(appRole)
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, sql); err != nil {
		return fmt.Errorf("ledger: set up %s: %w", Redact(ownerURL), err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("ledger: set up %s: %w", Redact(ownerURL), err)
	}
	return nil
}

// Redact returns a ledger location with any password removed, for
// messages.
func Redact(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.User == nil {
		return loc
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// KeyPathForURL is the default signing key file of the PostgreSQL ledger
// at rawURL: ssdf/ledger-<hash>.key in the user's data directory (the
// directory DefaultPath uses), where <hash> is the first 16 hex digits of
// the SHA-256 of "host:port/database" and, when the URL sets a
// search_path, "?search_path=<value>". The user name and password do not
// count: the owner and the application role share the key.
func KeyPathForURL(rawURL string, getenv func(string) string) (string, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return "", fmt.Errorf("ledger: %s: %w", Redact(rawURL), err)
	}
	id := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		id += "?search_path=" + sp
	}
	sum := sha256.Sum256([]byte(id))
	def, err := DefaultPath(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(def), "ledger-"+hex.EncodeToString(sum[:8])+".key"), nil
}

// existsSQL tells whether the ledger's tables exist in the current schema.
// It reads pg_class with the statement's snapshot (to_regclass would use
// the catalog caches, which may not yet show a table another transaction
// just committed).
const existsSQL = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'entries' AND relnamespace = current_schema()::regnamespace)"

// PostgresStore is the Store on PostgreSQL (github.com/jackc/pgx/v5, a
// connection pool). Appends take a transaction-level advisory lock keyed
// by the schema, so appenders on any connection of any process queue
// rather than interleave; reads run in REPEATABLE READ transactions.
type PostgresStore struct {
	pool *pgxpool.Pool
	loc  string
}

// OpenPostgres opens the ledger at the PostgreSQL URL rawURL. With create,
// it creates the tables and triggers in the current schema if they are
// missing (the connecting role then owns them: prefer SetupPostgres with
// a separate owner); without, missing tables are ErrNoLedger.
func OpenPostgres(ctx context.Context, rawURL string, create bool) (*PostgresStore, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", Redact(rawURL), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", Redact(rawURL), err)
	}
	s := &PostgresStore{pool: pool, loc: Redact(rawURL)}
	var exists bool
	if err := pool.QueryRow(ctx, existsSQL).Scan(&exists); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ledger: %s: %w", s.loc, err)
	}
	if !exists {
		if !create {
			pool.Close()
			return nil, fmt.Errorf("%w: %s", ErrNoLedger, s.loc)
		}
		if err := s.tx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
			// Two processes creating at once: the lock makes the
			// second see the first one's tables.
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('ssdf-ledger:' || current_schema(), 0))"); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, existsSQL).Scan(&exists); err != nil || exists {
				return err
			}
			_, err := tx.Exec(ctx, PostgresSchema)
			return err
		}); err != nil {
			pool.Close()
			return nil, fmt.Errorf("ledger: create schema in %s: %w", s.loc, err)
		}
	}
	return s, nil
}

// Pool is the underlying connection pool, for tests that tamper with it.
func (s *PostgresStore) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *PostgresStore) Close() error { s.pool.Close(); return nil }

func (s *PostgresStore) tx(ctx context.Context, o pgx.TxOptions, fn func(pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, o)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

// Append implements Store.
func (s *PostgresStore) Append(ctx context.Context, records [][]byte, seal SealFunc) (int64, error) {
	var first int64
	err := s.tx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		// Under READ COMMITTED every statement after the lock sees the
		// appends committed before it was granted.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('ssdf-ledger:' || current_schema(), 0))"); err != nil {
			return fmt.Errorf("ledger: lock: %w", err)
		}
		r := &pgReader{ctx: ctx, q: tx}
		n, err := r.Size()
		if err != nil {
			return err
		}
		first = n
		hashes, cp, err := seal(first, r)
		if err != nil {
			return err
		}
		rows := make([][]any, len(records))
		for i, rec := range records {
			rows[i] = []any{first + int64(i), rec}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"entries"}, []string{"idx", "data"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("ledger: store entries: %w", err)
		}
		h0 := tlog.StoredHashCount(first)
		rows = make([][]any, len(hashes))
		for i, h := range hashes {
			rows[i] = []any{h0 + int64(i), h[:]}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"hashes"}, []string{"idx", "hash"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("ledger: store hashes: %w", err)
		}
		if cp != nil {
			if _, err := tx.Exec(ctx, "INSERT INTO checkpoints (size, note) VALUES ($1, $2)", first+int64(len(records)), cp); err != nil {
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

// InitMeta implements Store.
func (s *PostgresStore) InitMeta(ctx context.Context, key, value string) (string, error) {
	var got string
	err := s.tx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", key, value); err != nil {
			return fmt.Errorf("ledger: store %s: %w", key, err)
		}
		return tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", key).Scan(&got)
	})
	return got, err
}

// View implements Store: a REPEATABLE READ, READ ONLY transaction.
func (s *PostgresStore) View(ctx context.Context, fn func(Reader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return fn(&pgReader{ctx: ctx, q: tx})
}

type pgReader struct {
	ctx context.Context
	q   pgx.Tx
}

func (r *pgReader) Size() (int64, error) {
	var n int64
	if err := r.q.QueryRow(r.ctx, "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries").Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: size: %w", err)
	}
	return n, nil
}

func (r *pgReader) Entries(from, to int64) ([]StoredEntry, error) {
	rows, err := r.q.Query(r.ctx, "SELECT idx, data FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx", from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoredEntry, error) {
		var e StoredEntry
		err := row.Scan(&e.Index, &e.Data)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	return out, nil
}

func (r *pgReader) Hashes(from, to int64) ([]StoredHash, error) {
	rows, err := r.q.Query(r.ctx, "SELECT idx, hash FROM hashes WHERE idx >= $1 AND idx < $2 ORDER BY idx", from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: read hashes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoredHash, error) {
		var h StoredHash
		var b []byte
		err := row.Scan(&h.Index, &b)
		copy(h.Hash[:], b) // a short or long value gives a hash that will not match
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read hashes: %w", err)
	}
	return out, nil
}

func (r *pgReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	rows, err := r.q.Query(r.ctx, "SELECT idx, hash FROM hashes WHERE idx = ANY($1)", indexes)
	if err != nil {
		return nil, fmt.Errorf("ledger: read hashes: %w", err)
	}
	got := map[int64][]byte{}
	var idx int64
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&idx, &b}, func() error {
		got[idx] = append([]byte(nil), b...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read hashes: %w", err)
	}
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		b, ok := got[idx]
		if !ok {
			return nil, fmt.Errorf("ledger: read hash %d: missing", idx)
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("ledger: hash %d has %d bytes", idx, len(b))
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func (r *pgReader) Checkpoints() ([]StoredCheckpoint, error) {
	rows, err := r.q.Query(r.ctx, "SELECT size, note FROM checkpoints ORDER BY size")
	if err != nil {
		return nil, fmt.Errorf("ledger: read checkpoints: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StoredCheckpoint, error) {
		var c StoredCheckpoint
		err := row.Scan(&c.Size, &c.Note)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read checkpoints: %w", err)
	}
	return out, nil
}

func (r *pgReader) Latest() (*StoredCheckpoint, error) {
	return scanLatest(r.q.QueryRow(r.ctx, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"), pgx.ErrNoRows)
}

func (r *pgReader) Meta(key string) (string, error) {
	return scanMeta(r.q.QueryRow(r.ctx, "SELECT value FROM meta WHERE key = $1", key), pgx.ErrNoRows, key)
}
