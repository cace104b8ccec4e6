// Command larder runs Larder's main jobs against a PostgreSQL database:
// migrating it, and showing the data layer at work.
//
// The database is DATABASE_URL when set. Otherwise larder uses (and creates
// if needed) the database "larder" on the development server that
// internal/pgserver finds or starts, so the commands work on a fresh clone
// with nothing configured.
//
// Exit codes: 0 success, 1 failure, 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `larder runs Larder's main jobs against a PostgreSQL database.

Usage:
  larder <command> [arguments]

Commands:
  demo        migrate the database, then walk through the data layer
  migrate     apply, roll back or list migrations: migrate up|down|status
  migrations  the migration workflow in a checkout: new | check | reconcile
  db          the development database: db url | db stop

The database is DATABASE_URL when set; otherwise the database "larder" on
a development server found or started for you (see internal/pgserver).
Run "larder <command> -h" for a command's flags.
`

// errUsage marks errors caused by how larder was called (exit code 2).
var errUsage = errors.New("usage")

// commands maps each command name to its function.
var commands = map[string]func(ctx context.Context, args []string, stdout io.Writer) error{
	"demo":       runDemo,
	"migrate":    runMigrate,
	"migrations": runMigrations,
	"db":         runDB,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run runs one command and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "larder: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "larder %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "larder %s: %v\n", args[0], err)
		return 1
	}
}

// newFlags returns a command's flag set, printing its help to stdout.
func newFlags(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: larder %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, marking parse errors as usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}
