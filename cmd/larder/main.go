// Command larder runs Larder's main jobs against a PostgreSQL database:
// migrating it, seeding it, running the job worker, operating the job
// queue (listing, retrying and cancelling jobs, its dashboard), showing
// Larder at work, and the migration workflow in a checkout.
//
// The database is DATABASE_URL when set. Otherwise larder uses (and creates
// if needed) the database "larder" on the development server that
// internal/pgserver finds or starts, so the commands work on a fresh clone
// with nothing configured.
//
// Exit codes: 0 success (a worker stopped by SIGINT or SIGTERM included),
// 1 failure, 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `larder runs Larder's main jobs against a PostgreSQL database.

Usage:
  larder [-log-format text|json] [-log-level LEVEL] <command> [arguments]

Commands:
  demo        migrate the database, then walk through Larder as a new user
  seed        load the sample catalog and demo users (-scale N: load-test rows)
  worker      run the job queue and the AI generations until SIGINT/SIGTERM
  jobs        operate the job queue: jobs list|show|retry|cancel|stats|serve
  migrate     apply, roll back or list migrations: migrate up|down|status
  migrations  the migration workflow in a checkout: new | check | reconcile
  db          the development database: db url | db server | db pooler | db stop

The database is DATABASE_URL when set; otherwise the database "larder" on
the development server at 127.0.0.1:54329 (docker compose's, or a
throwaway cluster started for you: see internal/pgserver), where .env
points dbmate too.
Larder's migrations are recorded in schema_migrations, or in the table
LARDER_MIGRATIONS_TABLE names (an app whose own migrations keep dbmate's
default). The worker's model is LARDER_MODEL, LARDER_MODEL_BASE_URL,
LARDER_MODEL_API_KEY (see agents/README.md). The job queue's dashboard
(larder jobs serve) takes its token from LARDER_JOBS_TOKEN. Logs go to
stderr, as text or as JSON (-log-format, or LARDER_LOG_FORMAT).
Run "larder <command> -h" for a command's flags.

Exit codes: 0 success, 1 failure, 2 bad usage.
`

// errUsage marks errors caused by how larder was called (exit code 2).
var errUsage = errors.New("usage")

// command runs one larder command.
type command func(ctx context.Context, c *cli, args []string) error

// commands maps each command name to its function.
var commands = map[string]command{
	"demo":       runDemo,
	"seed":       runSeed,
	"worker":     runWorker,
	"jobs":       runJobs,
	"migrate":    runMigrate,
	"migrations": runMigrations,
	"db":         runDB,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli is what every command shares: where output and logs go.
type cli struct {
	stdout, stderr io.Writer
	logFormat      string
	logLevel       slog.Level
	log            *slog.Logger
}

// run runs one command and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, logFormat: os.Getenv("LARDER_LOG_FORMAT")}
	if c.logFormat == "" {
		c.logFormat = "text"
	}
	global := c.flags("larder", "")
	global.Usage = func() { fmt.Fprint(stdout, usage) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "larder: %v\n\n%s", err, usage)
		return 2
	}
	args = global.Args()
	if len(args) == 0 || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "larder: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, c, args[1:])
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

// flags returns a command's flag set, printing its help to stdout, with
// the logging flags every command takes (their defaults: what was given
// before the command).
func (c *cli) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stdout)
	fs.Usage = func() {
		fmt.Fprintf(c.stdout, "Usage: larder %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.logFormat, "log-format", c.logFormat, "logs as `text` (for a terminal) or json")
	fs.TextVar(&c.logLevel, "log-level", c.logLevel, "the least `level` logged: debug, info, warn or error")
	return fs
}

// parse parses a command's args, marking parse errors as usage errors,
// and makes the logger.
func (c *cli) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return fmt.Errorf("%w: -log-format is text or json, not %q", errUsage, c.logFormat)
	}
	c.log = c.logger(c.logLevel)
	return nil
}

// logger returns a logger to stderr in the chosen format, logging from
// level up (and never below -log-level).
func (c *cli) logger(level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: max(level, c.logLevel)}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(c.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(c.stderr, opts))
}

// isTerminal reports whether w is a terminal (a progress bar redraws
// itself there; elsewhere progress is printed as lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
