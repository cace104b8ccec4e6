package db

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"

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

// MigrateOptions tunes Migrate and Rollback.
type MigrateOptions struct {
	// Log receives dbmate's progress lines ("Applying: ..."); nil discards
	// them.
	Log io.Writer
	// Strict refuses to apply a migration older than the newest applied
	// one: such a migration came from a merged branch and needs fresh
	// timestamps (make migration-reconcile).
	Strict bool
}

// Migrate applies every embedded migration the database at databaseURL
// does not have yet, each in its own transaction.
func Migrate(databaseURL string, opts MigrateOptions) error {
	m, err := migrator(databaseURL, opts)
	if err != nil {
		return err
	}
	if err := m.Migrate(); err != nil {
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

// Status lists the embedded migrations, oldest first, and whether each is
// applied to the database at databaseURL.
func Status(databaseURL string) ([]MigrationStatus, error) {
	m, err := migrator(databaseURL, MigrateOptions{})
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

// migrator configures dbmate to run the embedded migrations against
// databaseURL, without dumping a schema file.
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
	m.AutoDumpSchema = false
	m.Strict = opts.Strict
	m.Log = opts.Log
	if m.Log == nil {
		m.Log = io.Discard
	}
	return m, nil
}
