package ledger

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestIsPostgresURL(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db?sslmode=disable": true,
		"ledger.db": false, "/var/lib/ssdf/ledger.db": false, "postgres.db": false, "file:postgres://x": false,
	} {
		if got := IsPostgresURL(s); got != want {
			t.Errorf("IsPostgresURL(%q) = %v", s, got)
		}
	}
}

func TestKeyPathForURL(t *testing.T) {
	env := func(k string) string { return map[string]string{"XDG_DATA_HOME": "/data"}[k] }
	a, err := KeyPathForURL("postgres://app:secret@db.example:5433/ssdf", env)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "/data/ssdf/ledger-") || !strings.HasSuffix(a, ".key") || len(filepath.Base(a)) != len("ledger-")+16+len(".key") {
		t.Errorf("KeyPathForURL = %s", a)
	}
	// The role does not count; the host, port, database and schema do.
	same, _ := KeyPathForURL("postgresql://admin@db.example:5433/ssdf", env)
	if same != a {
		t.Errorf("owner and app role get different keys: %s, %s", a, same)
	}
	for _, u := range []string{"postgres://app@db.example:5432/ssdf", "postgres://app@db.example:5433/other", "postgres://app@db.example:5433/ssdf?search_path=s2"} {
		if k, _ := KeyPathForURL(u, env); k == a {
			t.Errorf("%s shares the key of %s", u, a)
		}
	}
	if got := Redact("postgres://app:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("Redact = %s", got)
	}
}

// TestPostgresAppRole sets the ledger up as the owner, with an application
// role that has SELECT and INSERT only, and checks what the application
// role can and cannot do, with the triggers in place and after the owner
// dropped them.
func TestPostgresAppRole(t *testing.T) {
	b := pgBackend(t)
	ctx := context.Background()
	admin := b.admin(t)
	role := randomName("ssdf_app_")
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatalf("create role (SSDF_TEST_POSTGRES's role needs CREATEROLE): %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, b.pg)
		if err == nil {
			defer c.Close(ctx)
			_, err = c.Exec(ctx, "DROP ROLE "+role)
		}
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	schema := b.newSchema(t) // dropped before the role (cleanups run last first)
	ownerURL := withParams(t, b.pg, "search_path", schema)
	if err := SetupPostgres(ctx, ownerURL, role); err != nil {
		t.Fatal(err)
	}
	if err := SetupPostgres(ctx, ownerURL, role); err == nil {
		t.Error("SetupPostgres twice succeeded")
	}
	u, _ := url.Parse(ownerURL)
	u.User = url.User(role)
	appURL := u.String()

	// The application appends and verifies; the key defaults to the
	// same file for both roles.
	l := open(t, appURL)
	appendSingly(t, l, 0, 5)
	if res := mustVerify(t, l, VerifyOptions{}); !res.OK() || res.Size != 5 {
		t.Fatalf("Verify: %+v", res)
	}
	var owner string
	if err := l.Store().(*PostgresStore).Pool().QueryRow(ctx, "SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = 'entries'", schema).Scan(&owner); err != nil || owner == role {
		t.Fatalf("entries owned by %q (%v), want not the app role", owner, err)
	}

	refused := func(when string, stmts ...string) {
		t.Helper()
		for _, q := range stmts {
			if err := b.exec(l, q, []any{}...); err == nil {
				t.Errorf("%s: app role ran %q", when, q)
			} else {
				t.Logf("%s: %s: %v", when, q, err)
			}
		}
	}
	changes := []string{
		"UPDATE entries SET data = '\\x00' WHERE idx = 1",
		"DELETE FROM entries WHERE idx = 4",
		"TRUNCATE entries",
		"UPDATE hashes SET hash = '\\x00'",
		"DELETE FROM hashes",
		"TRUNCATE hashes",
		"DELETE FROM checkpoints",
		"UPDATE meta SET value = 'x'",
		"DELETE FROM meta",
	}
	ownerOnly := []string{
		"DROP TRIGGER entries_no_change ON entries",
		"ALTER TABLE entries DISABLE TRIGGER USER",
		"ALTER TABLE entries DISABLE TRIGGER ALL",
		"DROP TABLE checkpoints",
		"CREATE TABLE x (a int)",
		"CREATE OR REPLACE FUNCTION ssdf_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
		"ALTER TABLE entries OWNER TO " + role,
		"SET session_replication_role = replica",
	}
	refused("with triggers", append(changes, ownerOnly...)...)
	// Granting itself more is a no-op (PostgreSQL warns "no privileges
	// were granted"); its privileges stay SELECT and INSERT.
	b.exec(l, "GRANT UPDATE, DELETE, TRUNCATE ON entries, hashes, checkpoints, meta TO "+role)
	rows, err := admin.Query(ctx, `SELECT table_name || ':' || string_agg(privilege_type, ',' ORDER BY privilege_type)
		FROM information_schema.role_table_grants WHERE grantee = $1 AND table_schema = $2 GROUP BY table_name ORDER BY table_name`, role, schema)
	if err != nil {
		t.Fatal(err)
	}
	privs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(privs, " "), "checkpoints:INSERT,SELECT entries:INSERT,SELECT hashes:INSERT,SELECT meta:INSERT,SELECT"; got != want {
		t.Errorf("app role privileges: %s, want %s", got, want)
	}
	if err := b.exec(l, "INSERT INTO entries (idx, data) VALUES (9, '\\x00')"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("out-of-order insert: %v", err)
	}

	// The owner drops every trigger; the app role still cannot change
	// anything, for want of the privileges.
	ownerPool, err := OpenPostgres(ctx, ownerURL, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ownerPool.Close()
	b.dropTriggers(t, &Ledger{store: ownerPool})
	refused("triggers dropped", changes...)
	if res := mustVerify(t, l, VerifyOptions{}); !res.OK() || res.Size != 5 {
		t.Fatalf("Verify: %+v", res)
	}
	appendSingly(t, l, 5, 2)

	// The owner can still tamper; Verify finds it.
	if err := b.exec(&Ledger{store: ownerPool}, "DELETE FROM entries WHERE idx = 3"); err != nil {
		t.Fatal(err)
	}
	if res := mustVerify(t, l, VerifyOptions{}); res.OK() || res.FirstBad != 3 {
		t.Fatalf("Verify after the owner's delete: %+v", res)
	}
}

func benchPostgres(b *testing.B) (*backend, context.Context) {
	return pgBackend(b), context.Background()
}

// Run: SSDF_TEST_POSTGRES=postgres://… go test -run '^$' -bench Postgres -benchtime 3x ./ledger/

func BenchmarkPostgresAppendSingle(b *testing.B) {
	bk, ctx := benchPostgres(b)
	l := open(b, bk.newLoc(b))
	for i := 0; b.Loop(); i++ {
		if _, err := l.Append(ctx, scanEntry(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

func BenchmarkPostgresAppendBatch(b *testing.B) {
	bk, ctx := benchPostgres(b)
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			l := open(b, bk.newLoc(b))
			recs := make([]Record, size)
			n := 0
			for b.Loop() {
				for j := range recs {
					recs[j] = scanEntry(n)
					n++
				}
				if _, err := l.Append(ctx, recs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "appends/s")
		})
	}
}

func BenchmarkPostgresVerify100k(b *testing.B) {
	bk, ctx := benchPostgres(b)
	const total, batch = 100_000, 5000
	l := open(b, bk.newLoc(b))
	recs := make([]Record, batch)
	for i := 0; i < total; i += batch {
		for j := range recs {
			recs[j] = scanEntry(i + j)
		}
		if _, err := l.Append(ctx, recs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := l.Verify(ctx, VerifyOptions{})
		if err != nil || !res.OK() || res.Size != total {
			b.Fatalf("Verify: %v %+v", err, res)
		}
	}
}
