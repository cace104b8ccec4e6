// Package many runs many-first statements on PostgreSQL with pgx: every
// call takes and returns slices, and a batch is one statement whose
// columns travel as arrays (INSERT ... SELECT unnest(...), UPDATE ...
// FROM unnest(...), WHERE id = ANY(...)).
//
// Data flows from SQL to callers in three layers:
//
//  1. Queries written by hand for sqlc, each marked with what it does
//     ("-- many: insert NewWidget").
//  2. Code that sqlc generates from them with the sqlc-gen-many plugin
//     (tools/sqlc-gen-many): an input type per batch, one field per unnest
//     column, and a function per query that sends each column straight
//     from the input rows (Column) and binds the query to this package's
//     engine.
//  3. The engine (Insert, Update, Select, Delete, Run, Copy, List), which
//     does what every table shares: no round trip for empty input, at most
//     ChunkSize rows a statement and one transaction for several, new
//     UUIDv7 keys, rows returned in input order, duplicate keys refused,
//     keys sent sorted so that concurrent batches lock rows in one order,
//     and PostgreSQL's errors mapped to this package's (errors.go).
//
// Connections need this package's codecs (Register), which Configure and
// Open install: the array encoders the generated columns use, and faster
// uuid and numeric codecs than pgx's defaults.
package many

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DBTX is a pool, a connection or a transaction: anything that runs
// queries, copies rows in and can begin a (nested) transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

var (
	_ DBTX = (*pgxpool.Pool)(nil)
	_ DBTX = (*pgx.Conn)(nil)
	_ DBTX = (pgx.Tx)(nil)
)

// WithTx runs fn in a transaction on dbtx and commits it when fn returns
// nil; otherwise, or if fn panics, it rolls back. Inside a transaction
// dbtx, it runs fn in a savepoint. A transaction runs its connection's
// OnBegin hook first. Errors come back mapped like every error of this
// package, including those PostgreSQL reports only at commit (deferred
// foreign keys).
func WithTx(ctx context.Context, dbtx DBTX, fn func(tx pgx.Tx) error) error {
	return mapError(beginFunc(ctx, dbtx, fn))
}

// First returns the first of rows: the many-first way to ask for one row,
// meant to wrap a call, as in many.First(db.SelectFoods(ctx, dbtx, viewer,
// ids)). It returns ErrNotFound when rows is empty.
func First[T any](rows []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, ErrNotFound
	}
	return rows[0], nil
}

// Optional is one field of a partial update: it is written only when Set
// is true. The zero Optional leaves the column as it is. The plugin gives
// a change's input an Optional for each column (or group of columns) that
// a set_<name> flag of its query guards.
type Optional[T any] struct {
	Value T
	Set   bool
}

// Set returns an Optional that writes v.
func Set[T any](v T) Optional[T] { return Optional[T]{Value: v, Set: true} }
