package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/larderhq/larder/db"
)

// runMigrate serves "larder migrate up|down|status" with the migrations
// built into the binary.
func runMigrate(ctx context.Context, c *cli, args []string) error {
	stdout := c.stdout
	fs := c.flags("migrate", "migrate [-strict] up|down|status")
	strict := fs.Bool("strict", false, "refuse migrations older than the newest applied one")
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
	opts := db.MigrateOptions{Log: stdout, Strict: *strict}
	switch action {
	case "up":
		return db.Migrate(url, opts)
	case "down":
		return db.Rollback(url, opts)
	}
	status, err := db.Status(url, db.MigrateOptions{})
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
