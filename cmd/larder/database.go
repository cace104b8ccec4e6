package main

import (
	"context"
	"fmt"
	"os"

	"github.com/larderhq/larder/internal/pgserver"
)

// devDatabase is the database larder uses on the development server.
const devDatabase = "larder"

// databaseURL returns DATABASE_URL, or the development database's URL,
// starting the development server and creating the database if needed.
func databaseURL(ctx context.Context) (string, error) {
	if env := os.Getenv("DATABASE_URL"); env != "" {
		return env, nil
	}
	server, err := pgserver.URL(ctx)
	if err != nil {
		return "", err
	}
	return pgserver.EnsureDatabase(ctx, server, devDatabase)
}

// runDB serves "larder db url" (print the database URL, starting the
// development server if needed) and "larder db stop" (stop the throwaway
// cluster, if larder started one).
func runDB(ctx context.Context, c *cli, args []string) error {
	stdout := c.stdout
	fs := c.flags("db", "db url | db stop")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "url":
		u, err := databaseURL(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u)
		return nil
	case "stop":
		return pgserver.Stop(ctx)
	default:
		return fmt.Errorf("%w: want url or stop", errUsage)
	}
}
