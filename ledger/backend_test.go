package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// A backend is one Store implementation the shared tests run on: SQLite
// always, PostgreSQL when SSDF_TEST_POSTGRES names a server (each test in
// a schema of its own).
type backend struct {
	name string
	pg   string // the server's URL, for PostgreSQL
}

// forBackends runs fn as a subtest per backend.
func forBackends(t *testing.T, fn func(t *testing.T, b *backend)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, &backend{name: "sqlite"}) })
	t.Run("postgres", func(t *testing.T) { fn(t, pgBackend(t)) })
}

// pgBackend is the PostgreSQL backend, or skips (fails under
// SSDF_REQUIRE_SERVICES=1) without a server. Default key files go to a
// temporary data directory.
func pgBackend(t testing.TB) *backend {
	u := sharedtest.RequireEnv(t, "SSDF_TEST_POSTGRES")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	return &backend{name: "postgres", pg: u}
}

// admin connects to the test server as the URL's role.
func (b *backend) admin(t testing.TB) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), b.pg)
	if err != nil {
		t.Fatalf("connect to SSDF_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func randomName(prefix string) string {
	var r [6]byte
	rand.Read(r[:])
	return prefix + hex.EncodeToString(r[:])
}

// withParams returns rawURL with the query parameters set.
func withParams(t testing.TB, rawURL string, kv ...string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// newSchema creates a fresh schema, dropped at the end of the test.
func (b *backend) newSchema(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	name := randomName("ssdf_test_")
	c := b.admin(t)
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, b.pg)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		for _, s := range []string{name, name + "_old"} {
			if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+s+" CASCADE"); err != nil {
				t.Error(err)
			}
		}
	})
	return name
}

// newLoc returns the location of a fresh, empty ledger: a file path in a
// temporary directory, or the server's URL with a new schema as its
// search_path.
func (b *backend) newLoc(t testing.TB) string {
	t.Helper()
	if b.pg == "" {
		return filepath.Join(t.TempDir(), "ledger.db")
	}
	return withParams(t, b.pg, "search_path", b.newSchema(t))
}

// keyPath is the default key file of the ledger at loc.
func (b *backend) keyPath(t testing.TB, loc string) string {
	t.Helper()
	if !IsPostgresURL(loc) {
		return KeyPathFor(loc)
	}
	p, err := KeyPathForURL(loc, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// exec runs a statement on l's store directly (as the store's role,
// bypassing the Ledger), with ? placeholders.
func (b *backend) exec(l *Ledger, q string, args ...any) error {
	ctx := context.Background()
	switch s := l.Store().(type) {
	case *SQLiteStore:
		_, err := s.DB().ExecContext(ctx, q, args...)
		return err
	case *PostgresStore:
		_, err := s.Pool().Exec(ctx, dollarParams(q), args...)
		return err
	}
	panic("unknown store")
}

// dollarParams turns ? placeholders into $1, $2, ….
func dollarParams(q string) string {
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// dropTriggers drops every trigger on the ledger's tables, as the owner
// of the file or of the tables could.
func (b *backend) dropTriggers(t testing.TB, l *Ledger) {
	t.Helper()
	ctx := context.Background()
	var drops []string
	switch s := l.Store().(type) {
	case *SQLiteStore:
		rows, err := s.DB().QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			drops = append(drops, "DROP TRIGGER "+n)
		}
		rows.Close()
	case *PostgresStore:
		rows, err := s.Pool().Query(ctx, `SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n, tbl string
			rows.Scan(&n, &tbl)
			drops = append(drops, "DROP TRIGGER "+n+" ON "+tbl)
		}
		rows.Close()
	}
	if len(drops) == 0 {
		t.Fatal("no triggers to drop")
	}
	for _, q := range drops {
		if err := b.exec(l, q); err != nil {
			t.Fatal(err)
		}
	}
}

// replaceWith makes the ledger at dst hold what the ledger at src holds
// (both closed), as someone replacing the database would.
func (b *backend) replaceWith(t testing.TB, dst, src string) {
	t.Helper()
	if b.pg == "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(dst + suffix)
			if data, err := os.ReadFile(src + suffix); err == nil {
				os.WriteFile(dst+suffix, data, 0o600)
			}
		}
		return
	}
	ds, ss := schemaOf(t, dst), schemaOf(t, src)
	c := b.admin(t)
	for _, q := range []string{"ALTER SCHEMA " + ds + " RENAME TO " + ds + "_old", "ALTER SCHEMA " + ss + " RENAME TO " + ds} {
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

func schemaOf(t testing.TB, loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}
