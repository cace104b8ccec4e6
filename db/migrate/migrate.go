// Package migrate applies Larder's schema migrations (the dbmate files
// of db/migrations, embedded in package db) to a database, through
// dbmate's library: Up, Down and Status, as the dbmate command and
// `larder migrate` do. It is a package of its own so that only programs
// that migrate compile dbmate and its lib/pq driver.
//
// Larder records what it applied in schema_migrations, as dbmate does by
// default. An application with migrations of its own can keep the two
// histories apart: Options.Table names the table Larder's are recorded
// in (say larder_migrations), and the application's dbmate keeps
// schema_migrations (or its own --migrations-table).
package migrate

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/amacneil/dbmate/v2/pkg/dbmate"
	_ "github.com/amacneil/dbmate/v2/pkg/driver/postgres" // dbmate's postgres driver

	"github.com/larderhq/larder/db"
)

// Migration is one migration and whether the database has it.
type Migration struct {
	Version string // the file name's timestamp
	Name    string // the file name
	Applied bool
}

// DefaultTable is where dbmate, and Larder unless told otherwise, record
// the migrations a database has.
const DefaultTable = "schema_migrations"

// Options tunes Up, Down and Status.
type Options struct {
	// Table is the table that records which migrations the database has
	// (default DefaultTable). Give Larder's a table of their own when the
	// database has an application's migrations too.
	Table string
	// Log receives dbmate's progress lines ("Applying: ..."); nil discards
	// them.
	Log io.Writer
	// Strict refuses to apply a migration older than the newest applied
	// one: such a migration came from a merged branch and needs fresh
	// timestamps (make migration-reconcile). The error is ErrOutOfOrder.
	Strict bool
	// Dir reads the migrations from a directory on disk instead of the
	// ones built into the binary (the workflow's checks use it).
	Dir string
}

// ErrOutOfOrder: in strict mode, a pending migration is older than the
// newest applied one.
var ErrOutOfOrder = errors.New("a migration is out of order: run make migration-reconcile to give the migrations of the branch merged last fresh timestamps")

// Up applies every migration the database at databaseURL does not have
// yet, oldest first, each in its own transaction.
func Up(databaseURL string, opts Options) error {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return err
	}
	if err := m.Migrate(); err != nil {
		if opts.Strict && strings.Contains(err.Error(), "is out of order") {
			return fmt.Errorf("migrate: %w\n(dbmate: %v)", ErrOutOfOrder, err)
		}
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Down reverts the newest applied migration.
func Down(databaseURL string, opts Options) error {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return err
	}
	if err := m.Rollback(); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// Status lists the migrations (the embedded ones, or those in opts.Dir),
// oldest first, and whether each is applied to the database at
// databaseURL.
func Status(databaseURL string, opts Options) ([]Migration, error) {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return nil, err
	}
	found, err := m.FindMigrations()
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, len(found))
	for i, f := range found {
		out[i] = Migration{Version: f.Version, Name: f.FileName, Applied: f.Applied}
	}
	return out, nil
}

// DumpSchema returns the schema of the database at databaseURL as dbmate
// dumps it (pg_dump, then the applied versions): what db/schema.sql holds.
// pg_dump must be on PATH.
func DumpSchema(databaseURL string) ([]byte, error) {
	var dump []byte
	err := withDriver(databaseURL, func(drv dbmate.Driver, conn *sql.DB) error {
		var err error
		dump, err = drv.DumpSchema(conn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dump schema: %w", err)
	}
	return dump, nil
}

// AppliedVersions returns the migration versions applied to the database
// at databaseURL (none when it has no schema_migrations table yet).
func AppliedVersions(databaseURL string) (map[string]bool, error) {
	var applied map[string]bool
	err := withDriver(databaseURL, func(drv dbmate.Driver, conn *sql.DB) error {
		exists, err := drv.MigrationsTableExists(conn)
		if err != nil || !exists {
			applied = map[string]bool{}
			return err
		}
		applied, err = drv.SelectMigrations(conn, -1)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("applied migrations: %w", err)
	}
	return applied, nil
}

// RenameVersions records, in one transaction, that the applied migrations
// with the versions renames' keys now have the versions its values (their
// files were given new timestamps): dbmate then does not apply them again.
func RenameVersions(databaseURL string, renames map[string]string) error {
	if len(renames) == 0 {
		return nil
	}
	err := withDriver(databaseURL, func(drv dbmate.Driver, conn *sql.DB) error {
		tx, err := conn.Begin()
		if err != nil {
			return err
		}
		for from, to := range renames {
			if err := drv.DeleteMigration(tx, from); err != nil {
				_ = tx.Rollback()
				return err
			}
			if err := drv.InsertMigration(tx, to); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		return tx.Commit()
	})
	if err != nil {
		return fmt.Errorf("rename migration versions: %w", err)
	}
	return nil
}

// withDriver runs fn with dbmate's driver for databaseURL and a connection.
func withDriver(databaseURL string, fn func(drv dbmate.Driver, conn *sql.DB) error) error {
	m, err := migrator(databaseURL, Options{})
	if err != nil {
		return err
	}
	drv, err := m.Driver()
	if err != nil {
		return err
	}
	conn, err := drv.Open()
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(drv, conn)
}

// larderParams are the URL parameters of Larder's pools (db.Configure, and
// pgx's own) that are not PostgreSQL's startup parameters; pool_* are pgx's
// pool settings.
var larderParams = map[string]bool{
	"statement_timeout": true, "lock_timeout": true, "idle_in_transaction_session_timeout": true,
	"default_query_exec_mode": true, "statement_cache_capacity": true, "description_cache_capacity": true,
}

// tableName is the names Options.Table takes: what needs no quoting.
var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$`)

// migrator configures dbmate to run the migrations against databaseURL,
// without dumping a schema file.
func migrator(databaseURL string, opts Options) (*dbmate.DB, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Scheme == "" {
		return nil, errors.New("migrate: the database URL must be a postgres:// URL")
	}
	// dbmate connects through lib/pq, whose default sslmode is "require";
	// pgx's (and libpq's) is "prefer". Make one URL mean the same to both.
	// lib/pq would send the parameters pgx and Larder read themselves as
	// startup parameters, which a connection pooler refuses: they go.
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
	}
	for name := range q {
		if strings.HasPrefix(name, "pool_") || larderParams[name] {
			q.Del(name)
		}
	}
	u.RawQuery = q.Encode()
	m := dbmate.New(u)
	m.FS = db.Migrations()
	m.MigrationsDir = []string{"migrations"}
	if opts.Dir != "" {
		m.FS, m.MigrationsDir = nil, []string{opts.Dir}
	}
	if opts.Table != "" {
		if !tableName.MatchString(opts.Table) {
			return nil, fmt.Errorf("migrate: the table %q is not a lower-case name, or schema.name, of letters, digits and _", opts.Table)
		}
		m.MigrationsTableName = opts.Table
	}
	m.AutoDumpSchema = false
	m.Strict = opts.Strict
	m.Log = opts.Log
	if m.Log == nil {
		m.Log = io.Discard
	}
	return m, nil
}
