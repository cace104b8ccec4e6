package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/larderhq/larder/internal/pgserver"
)

// devDatabase is the database larder uses on the development server.
const devDatabase = "larder"

// databaseURL returns DATABASE_URL, or the development database's URL
// (the database larder on the development server at 127.0.0.1:54329,
// where .env points dbmate), starting the development server and
// creating the database if needed.
func databaseURL(ctx context.Context) (string, error) {
	if env := os.Getenv("DATABASE_URL"); env != "" {
		return env, nil
	}
	server, err := pgserver.Dev(ctx)
	if err != nil {
		return "", err
	}
	return pgserver.EnsureDatabase(ctx, server, devDatabase)
}

// runDB serves "larder db url" (print the database URL, starting the
// development server if needed), "larder db server" (print the server the
// tests make their databases on: DATABASE_URL, else 127.0.0.1:5432, else
// the development server), "larder db pooler" (start PgBouncer in
// transaction mode in front of that server, for the tests' run through a
// pooler, and print its address) and "larder db stop" (stop the pooler
// and the throwaway cluster, if larder started them).
func runDB(ctx context.Context, c *cli, args []string) error {
	stdout := c.stdout
	fs := c.flags("db", "db url | db server | db pooler | db stop")
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
	case "server":
		u, err := pgserver.URL(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u)
		return nil
	case "pooler":
		server, err := pgserver.URL(ctx)
		if err != nil {
			return err
		}
		addr, err := pgserver.Pooler(ctx, server)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, addr)
		return nil
	case "stop":
		return errors.Join(pgserver.StopPooler(ctx), pgserver.Stop(ctx))
	default:
		return fmt.Errorf("%w: want url, server, pooler or stop", errUsage)
	}
}
