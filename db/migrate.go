package db

import (
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/amacneil/dbmate/v2/pkg/dbmate"
	_ "github.com/amacneil/dbmate/v2/pkg/driver/postgres" // dbmate's postgres driver
)

// migrationFiles are the dbmate migrations, built into every binary that
// imports this package, so migrating needs no checkout.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files (the directory
// "migrations"), for tools that read them.
func Migrations() embed.FS { return migrationFiles }

// MigrationStatus is one migration and whether the database has it.
type MigrationStatus struct {
	Version string // the file name's timestamp
	Name    string // the file name
	Applied bool
}

// MigrateOptions tunes Migrate, Rollback and Status.
type MigrateOptions struct {
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

// Migrate applies every embedded migration the database at databaseURL
// does not have yet, each in its own transaction.
func Migrate(databaseURL string, opts MigrateOptions) error {
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

// Rollback reverts the newest applied migration.
func Rollback(databaseURL string, opts MigrateOptions) error {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return err
	}
	if err := m.Rollback(); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// Status lists the migrations (the embedded ones, or those in opts.Dir),
// oldest first, and whether each is applied to the database at
// databaseURL.
func Status(databaseURL string, opts MigrateOptions) ([]MigrationStatus, error) {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return nil, err
	}
	found, err := m.FindMigrations()
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, len(found))
	for i, f := range found {
		out[i] = MigrationStatus{Version: f.Version, Name: f.FileName, Applied: f.Applied}
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
// at databaseURL (none when it has no schema_migrations table).
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
	m, err := migrator(databaseURL, MigrateOptions{})
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

// migrator configures dbmate to run the migrations against databaseURL,
// without dumping a schema file.
func migrator(databaseURL string, opts MigrateOptions) (*dbmate.DB, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Scheme == "" {
		return nil, errors.New("migrate: the database URL must be a postgres:// URL")
	}
	// dbmate connects through lib/pq, whose default sslmode is "require";
	// pgx's (and libpq's) is "prefer". Make one URL mean the same to both.
	if q := u.Query(); q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
		u.RawQuery = q.Encode()
	}
	m := dbmate.New(u)
	m.FS = migrationFiles
	m.MigrationsDir = []string{"migrations"}
	if opts.Dir != "" {
		m.FS, m.MigrationsDir = nil, []string{opts.Dir}
	}
	m.AutoDumpSchema = false
	m.Strict = opts.Strict
	m.Log = opts.Log
	if m.Log == nil {
		m.Log = io.Discard
	}
	return m, nil
}
