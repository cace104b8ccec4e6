// Package testdb gives every test its own PostgreSQL database, migrated
// and empty, in tens of milliseconds.
//
// The first call in a test binary finds a server (internal/pgserver:
// DATABASE_URL, else 127.0.0.1:5432, else a throwaway cluster it starts);
// with LARDER_TEST_POOLER set, tests reach their databases through that
// connection pooler in transaction mode.
// pgtestdb then makes, once per set of migrations and shared by every
// process, a template database migrated with the embedded migrations
// through dbmate (migrate.Up), and gives each test a clone of it (CREATE
// DATABASE ... TEMPLATE). A passing test's database is dropped; a failing
// test's is kept, and its URL logged, for inspection.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/internal/pgserver"
)

// serverURL finds the server once per test binary.
var serverURL = sync.OnceValues(func() (string, error) { return pgserver.URL(context.Background()) })

// New returns a pool connected to a fresh, migrated database that lives as
// long as the test. The pool (of up to 20 connections, for tests that run
// workers) is closed before the database is dropped.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(t.Context(), URL(t)+"&pool_max_conns=20")
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// URL creates a fresh, migrated database for the test and returns its URL:
// straight to the server, or through the pooler LARDER_TEST_POOLER names.
func URL(t testing.TB) string {
	t.Helper()
	conf, err := config()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return Pooled(t, pgtestdb.Custom(t, conf, migrator{}).URL())
}

// PoolerEnv names the connection pooler in transaction mode (host:port)
// that tests reach their databases through, when set: `make test-pooled`
// starts one (larder db pooler) and runs the integration and e2e tiers
// with it. Databases are still made and dropped straight on the server.
const PoolerEnv = "LARDER_TEST_POOLER"

// Pooled returns databaseURL through the pooler PoolerEnv names, or as it
// is when there is none.
func Pooled(t testing.TB, databaseURL string) string {
	t.Helper()
	addr := os.Getenv(PoolerEnv)
	if addr == "" {
		return databaseURL
	}
	u, err := pgserver.ThroughPooler(databaseURL, addr)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return u
}

// Direct returns databaseURL straight to the server: a URL of a database
// of the tests, without the pooler, for what a pooler cannot pass on
// (LISTEN) or hides (the server's sessions).
func Direct(t testing.TB, databaseURL string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	server, err := url.Parse(ServerURL(t))
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	u.Host = server.Host
	return u.String()
}

// ServerURL returns the URL of the server the test databases live on (its
// maintenance database), for tests that create databases of their own.
func ServerURL(t testing.TB) string {
	t.Helper()
	u, err := serverURL()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return u
}

// config turns the server's URL into pgtestdb's configuration.
func config() (pgtestdb.Config, error) {
	raw, err := serverURL()
	if err != nil {
		return pgtestdb.Config{}, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return pgtestdb.Config{}, err
	}
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	password, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       port,
		User:       u.User.Username(),
		Password:   password,
		Database:   u.Path[1:],
		Options:    q.Encode(),
		// A test that leaks a connection still gets its database dropped.
		ForceTerminateConnections: true,
	}, nil
}

// migrator migrates pgtestdb's template database with the embedded
// migrations.
type migrator struct{}

// Hash identifies the template: a digest of every migration's name and
// content, so that changing a migration makes a new template.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	files := db.Migrations()
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Migrate applies the migrations to the new, empty template database.
func (migrator) Migrate(_ context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	return migrate.Up(conf.URL(), migrate.Options{})
}
