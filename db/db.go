// Package db is Larder's data layer: typed, many-first access to the eight
// domains' tables, on package many's engine.
//
// Data flows queries/*.sql -> sqlc -> this package -> actions. sqlc writes
// the models, enums and the statements of unmarked queries into db/dbsqlc,
// and, through the sqlc-gen-many plugin, a many-first function for each
// marked query into this package (*.many.go, generated: never edit them):
// InsertFoods, SelectFoods, UpdateFoods, ListFoods... with their input
// types (NewFood, FoodPatch, FoodFilter). Every call takes and returns
// slices; a caller with one row writes
//
//	food, err := many.First(db.InsertFoods(ctx, pool, []db.NewFood{f}))
//
// The hand-written files (foods.go, ...) hold only what is a table's own:
// the names of its types, its enums, and the calls that are more than one
// statement (a catalog import, an account's purge) or read in a way of
// their own (by barcode, by expiry).
//
// Functions take a many.DBTX, so the same call runs on a pool or inside a
// transaction (many.WithTx). Tables owned by a user take the acting owner
// and touch only that owner's rows.
package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// Open connects a pool to databaseURL (a postgres:// URL or a key=value
// DSN; pool settings such as pool_max_conns go in it), set up by
// Configure after the options, and checks that the server answers.
func Open(ctx context.Context, databaseURL string, options ...Option) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx's message can quote the URL, password included.
		return nil, fmt.Errorf("open database: invalid database URL")
	}
	for _, option := range options {
		option(config)
	}
	Configure(config)
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return pool, nil
}

// An Option changes the configuration of the pool Open opens, before
// Configure sets it up.
type Option func(*pgxpool.Config)

// WithTracer sends the pool's statements through tracer (pgx's
// ConnConfig.Tracer; a tracer that is also a pgx.BatchTracer or
// pgx.CopyFromTracer sees batches and copies too): package telemetry's
// QueryTracer makes an OpenTelemetry span of each. The chunks of a
// many-first call, pipelined, reach it as a statement each, and a job
// worker's own pool (jobs.Worker.Run) copies it.
func WithTracer(tracer pgx.QueryTracer) Option {
	return func(config *pgxpool.Config) { config.ConnConfig.Tracer = tracer }
}

// Limits on each statement and transaction of the pools Configure sets
// up: a statement that runs longer, or waits longer for a lock, fails
// (PostgreSQL's statement_timeout and lock_timeout), and a transaction
// left idle that long is ended (idle_in_transaction_session_timeout), so
// that no call holds the database for long. Set any of them in the
// database URL (statement_timeout=30s, lock_timeout=0 for none) to
// replace it.
const (
	DefaultStatementTimeout  = 5 * time.Second
	DefaultLockTimeout       = 2 * time.Second
	DefaultIdleInTransaction = 30 * time.Second
)

// Configure sets up a pool configuration for Larder, for a pool opened
// elsewhere than Open: package many's set-up (its codecs, unnamed
// statements: many.Configure), the limits, and the name "larder" unless
// the configuration names the application.
//
// The limits are the defaults above, or the values the configuration's
// RuntimeParams (its URL) give. They are not sent when a connection
// starts, as connection poolers refuse most startup parameters. On a
// connection to PostgreSQL they are set for the session once it is up.
// Through a connection pooler (found
// when connecting: many.TransactionPooled), where in transaction mode a
// session's settings do not last, they are set in every transaction Larder
// begins (SET LOCAL, through many.OnBegin), and a statement run on its
// own takes the database role's defaults: set those too (ALTER ROLE ...
// SET statement_timeout = '5s'), as README.md's "Behind PgBouncer" says.
func Configure(config *pgxpool.Config) {
	params := config.ConnConfig.RuntimeParams
	if _, ok := params["application_name"]; !ok {
		params["application_name"] = "larder"
	}
	var limits dbsqlc.SetSettingsParams
	for _, limit := range []struct {
		name  string
		value time.Duration
	}{{"statement_timeout", DefaultStatementTimeout}, {"lock_timeout", DefaultLockTimeout}, {"idle_in_transaction_session_timeout", DefaultIdleInTransaction}} {
		setting, ok := params[limit.name]
		if !ok {
			setting = strconv.FormatInt(limit.value.Milliseconds(), 10) + "ms"
		}
		delete(params, limit.name)
		limits.Names, limits.Values = append(limits.Names, limit.name), append(limits.Values, setting)
	}
	local := limits
	local.Local = true
	own := config.AfterConnect
	config.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if many.TransactionPooled(conn) {
			many.OnBegin(conn, func(ctx context.Context, tx pgx.Tx) error {
				return dbsqlc.New(tx).SetSettings(ctx, local)
			})
		} else if err := dbsqlc.New(conn).SetSettings(ctx, limits); err != nil {
			return fmt.Errorf("set %s: %w", strings.Join(limits.Names, ", "), err)
		}
		if own == nil {
			return nil
		}
		return own(ctx, conn)
	}
	many.Configure(config)
}
