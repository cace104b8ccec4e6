package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/larderhq/larder/internal/migrations"
)

const migrationsSynopsis = `migrations [flags] new NAME | check | reconcile

  new NAME   write db/migrations/<timestamp>_NAME.sql (NAME in lower_snake_case)
             with its up and down sections, versioned after every migration
  check      the checks make ci runs: the order (the branch's history replayed
             into a fresh database with dbmate in strict mode) and
             reversibility (every migration up, down to none and up again,
             the schema dumps compared at each step)
  reconcile  after a merge, give the migrations out of order fresh timestamps
             (git mv), apply them all to a fresh database, rewrite
             db/schema.sql and regenerate; changes nothing when two
             migrations cannot both apply

Run in the repository. Scratch databases are made on the server of the
database (DATABASE_URL, or the development database); reconcile also
renames the versions that database applied.`

// runMigrations serves "larder migrations": the migration workflow on the
// repository's files (internal/migrations).
func runMigrations(ctx context.Context, c *cli, args []string) error {
	stdout := c.stdout
	fs := c.flags("migrations", migrationsSynopsis)
	repo := fs.String("repo", ".", "the repository's root")
	main := fs.String("main", "main", "reconcile: the main branch, whose migrations keep their versions")
	sqlc := fs.String("sqlc", "", "reconcile: the sqlc binary to regenerate with (the Makefile passes bin/sqlc)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	o := migrations.Options{Repo: *repo, Main: *main, Sqlc: *sqlc, Log: stdout}
	switch fs.Arg(0) {
	case "new":
		if fs.NArg() != 2 {
			return fmt.Errorf("%w: want migrations new NAME", errUsage)
		}
		path, err := migrations.New(filepath.Join(*repo, "db", "migrations"), fs.Arg(1), time.Now())
		if errors.Is(err, migrations.ErrInvalidName) {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if err == nil {
			fmt.Fprintln(stdout, path)
		}
		return err
	case "check", "reconcile":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: %s takes no arguments", errUsage, fs.Arg(0))
		}
	default:
		return fmt.Errorf("%w: want new, check or reconcile", errUsage)
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	o.DatabaseURL = url
	if fs.Arg(0) == "reconcile" {
		return migrations.Reconcile(ctx, o)
	}
	if err := migrations.CheckOrder(ctx, o); err != nil {
		return err
	}
	return migrations.CheckReversible(ctx, o)
}
