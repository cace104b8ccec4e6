package many

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Register installs this package's codecs in m, a connection's type map
// (conn.TypeMap() in an AfterConnect hook; Configure does it for a pool):
//
//   - the array writers of Column and of plain slices of the Encodings'
//     types (arrays.go): a batch's columns travel without an allocation
//     per element;
//   - github.com/google/uuid's UUID, and a *uuid.UUID, read and written as
//     their 16 bytes (uuid.go); without it pgx goes through the type's
//     database/sql Valuer and Scanner, a string round trip per id;
//   - numeric read into and written from float64 without the big.Int pgx
//     goes through (numeric.go).
//
// Enums are written as text and cast in SQL; Configure registers them
// for reading (enums.go).
func Register(m *pgtype.Map) {
	registerUUID(m)
	registerNumeric(m)
	registerArrays(m)
}

// Configure sets up a pool configuration for many-first statements: every
// connection gets Register's codecs and the database's enum types (one
// query when it opens: enums.go), then goes through the configuration's
// own AfterConnect, if it has one; and queries run as
// unnamed statements (pgx.QueryExecModeCacheDescribe) unless the
// configuration asks for another mode than pgx's default (a
// default_query_exec_mode=cache_statement in the URL cannot be told from
// the default, and is replaced too).
//
// A connection that reaches PostgreSQL through a connection pooler is
// marked TransactionPooled (pooler.go). Unnamed statements, described per
// client connection, work through a pooler in transaction mode, which
// does not keep named ones from one transaction to the next.
//
// Unnamed statements are planned for the arrays they carry on every run.
// A named prepared statement (pgx's default) switches, after five runs, to
// a generic plan that guesses every array's length (for a large batch
// update, a nested loop over two CTEs, quadratic). Forcing custom plans
// for the whole session instead (plan_cache_mode=force_custom_plan) also
// re-plans the query behind every foreign key check, once per row written.
func Configure(config *pgxpool.Config) {
	if config.ConnConfig.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement {
		config.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	own := config.AfterConnect
	config.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		Register(conn.TypeMap())
		if err := setUp(ctx, conn); err != nil {
			return err
		}
		if own == nil {
			return nil
		}
		return own(ctx, conn)
	}
}
