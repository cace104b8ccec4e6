package many

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// A connection pooler in transaction mode (PgBouncer's pool_mode =
// transaction) hands each transaction to whichever server connection is
// free: nothing of a session outlasts its transaction. Settings set on a
// session (SET, set_config(..., false)) then reach one server connection
// and not the next, and LISTEN hears nothing.
//
// Configure finds out when a connection goes through a pooler: the
// server process that answers it is not the one its start named, as a
// pooler makes up the process id and cancel key it gives its clients.
// Such a connection is marked TransactionPooled, whatever the pooler's
// mode, as the mode cannot be seen from the client, and the settings its
// transactions need are set in each transaction instead, by the hook
// OnBegin installs. Behind a pooler in session mode that costs what
// transaction mode costs: a job worker polls rather than listens unless
// given a direct ListenURL, its bookkeeping commits synchronously, and
// statements run outside a transaction take the role's limits.

// Where this package keeps its state on a connection (pgconn's
// CustomData).
const (
	pooledKey  = "many.transaction_pooled"
	onBeginKey = "many.on_begin"
)

// TransactionPooled reports whether conn reaches PostgreSQL through a
// connection pooler, which Larder treats as one in transaction mode.
func TransactionPooled(conn *pgx.Conn) bool {
	pooled, _ := conn.PgConn().CustomData()[pooledKey].(bool)
	return pooled
}

// OnBegin makes every transaction this package begins on conn (WithTx, a
// call of several chunks) run fn first, in the transaction: how settings
// meant for every statement reach a transaction pooler's connections (SET
// LOCAL). Call it from a pool's AfterConnect.
func OnBegin(conn *pgx.Conn, fn func(ctx context.Context, tx pgx.Tx) error) {
	conn.PgConn().CustomData()[onBeginKey] = fn
}

// beginFunc runs fn in a transaction on dbtx, as pgx.BeginFunc does (a
// savepoint inside a transaction), after the connection's OnBegin hook
// when a transaction, not a savepoint, begins.
func beginFunc(ctx context.Context, dbtx DBTX, fn func(tx pgx.Tx) error) error {
	_, nested := dbtx.(pgx.Tx)
	return pgx.BeginFunc(ctx, dbtx, func(tx pgx.Tx) error {
		if conn := tx.Conn(); !nested && conn != nil {
			if hook, ok := conn.PgConn().CustomData()[onBeginKey].(func(context.Context, pgx.Tx) error); ok {
				if err := hook(ctx, tx); err != nil {
					return fmt.Errorf("begin: %w", err)
				}
			}
		}
		return fn(tx)
	})
}
