package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/larderhq/larder/db/migrate"
)

// envMigrationsTable names the table that records Larder's migrations,
// for an application whose own migrations keep dbmate's default table
// (db/migrate.Options.Table). Every command that migrates or checks the
// migrations reads it.
const envMigrationsTable = "LARDER_MIGRATIONS_TABLE"

// migrationsTable is the table that records Larder's migrations.
func migrationsTable() string {
	if t := os.Getenv(envMigrationsTable); t != "" {
		return t
	}
	return migrate.DefaultTable
}

// runMigrate serves "larder migrate up|down|status" with the migrations
// built into the binary.
func runMigrate(ctx context.Context, c *cli, args []string) error {
	stdout := c.stdout
	fs := c.flags("migrate", "migrate [-strict] [-table name] up|down|status")
	strict := fs.Bool("strict", false, "refuse migrations older than the newest applied one")
	table := fs.String("table", migrationsTable(), "the table that records Larder's migrations (env "+envMigrationsTable+")")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	action := fs.Arg(0)
	if action != "up" && action != "down" && action != "status" {
		return fmt.Errorf("%w: want up, down or status", errUsage)
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	opts := migrate.Options{Log: stdout, Strict: *strict, Table: *table}
	switch action {
	case "up":
		return migrate.Up(url, opts)
	case "down":
		return migrate.Down(url, opts)
	}
	status, err := migrate.Status(url, migrate.Options{Table: *table})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	applied := 0
	for _, m := range status {
		state := "pending"
		if m.Applied {
			state, applied = "applied", applied+1
		}
		fmt.Fprintf(w, "%s\t%s\n", state, m.Name)
	}
	fmt.Fprintf(w, "\n%d applied, %d pending\n", applied, len(status)-applied)
	return w.Flush()
}
