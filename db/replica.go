package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
)

// DefaultReplicaConnectTimeout bounds each attempt to connect to a
// replica (OpenReplica), unless its URL sets connect_timeout: a replica
// whose host is gone costs a read that long before it goes to the primary.
const DefaultReplicaConnectTimeout = 2 * time.Second

// OpenReplica connects a pool to a read replica of the primary database
// (a standby streaming from it), set up as Open sets up the primary's
// (Configure), for actions.WithReplica. Unlike Open it does not wait for
// the server to answer: a replica that is down when the application
// starts is an outage like a later one, and reads go to the primary until
// it answers. Connection attempts time out after
// DefaultReplicaConnectTimeout unless the URL's connect_timeout says
// otherwise.
func OpenReplica(ctx context.Context, replicaURL string) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(replicaURL)
	if err != nil {
		// pgx's message can quote the URL, password included.
		return nil, fmt.Errorf("open replica: invalid database URL")
	}
	if config.ConnConfig.ConnectTimeout == 0 {
		config.ConnConfig.ConnectTimeout = DefaultReplicaConnectTimeout
	}
	Configure(config)
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("open replica: %w", err)
	}
	return pool, nil
}

// Unreachable reports whether err says that a statement found no server
// to run on: the connection could not be made (refused, timed out, the
// server starting or shutting down), the server ended the session (an
// error of severity FATAL or PANIC: shut down, crashed, terminated the
// backend), the connection broke or was closed, or the pool was closed.
// A statement's own error (a broken constraint, a statement timeout, no
// rows) is not, nor is a context's end once connected; a caller whose
// context ended should not take a failed connection attempt for an
// outage either. Package actions reads from the primary when a replica
// is unreachable.
func Unreachable(err error) bool {
	var connectErr *pgconn.ConnectError
	switch {
	case err == nil:
		return false
	case errors.As(err, &connectErr):
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Severity == "FATAL" || pgErr.Severity == "PANIC"
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, puddle.ErrClosedPool)
}
