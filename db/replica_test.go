package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

func TestUnreachable(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("select foods: %w", err) }
	tests := []struct {
		name string
		give error
		want bool
	}{
		{name: "connection refused", give: wrap(connectError(t)), want: true},
		{name: "the server shut down", give: wrap(&pgconn.PgError{Severity: "FATAL", Code: "57P01"}), want: true},
		{name: "the server crashed", give: &pgconn.PgError{Severity: "PANIC", Code: "XX000"}, want: true},
		{name: "the connection broke", give: wrap(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), want: true},
		{name: "the server hung up", give: wrap(io.ErrUnexpectedEOF), want: true},
		{name: "a closed connection", give: wrap(pgconn.ErrConnClosed), want: true},
		{name: "a closed pool", give: wrap(puddle.ErrClosedPool), want: true},
		{name: "a statement timeout", give: wrap(&pgconn.PgError{Severity: "ERROR", Code: "57014"}), want: false},
		{name: "a check violation", give: wrap(&many.ConstraintError{Kind: many.ErrCheckViolation}), want: false},
		{name: "no rows", give: many.ErrNotFound, want: false},
		{name: "the caller gave up", give: wrap(context.Canceled), want: false},
		{name: "the caller's deadline", give: wrap(context.DeadlineExceeded), want: false},
		{name: "an error of the code", give: errors.New("cannot scan"), want: false},
		{name: "none", give: nil, want: false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, db.Unreachable(tt.give), tt.name)
	}
}

func TestOpenReplicaDoesNotConnect(t *testing.T) {
	t.Parallel()
	pool, err := db.OpenReplica(t.Context(), "postgres://postgres@127.0.0.1:1/larder?sslmode=disable")
	require.NoError(t, err)
	defer pool.Close()
	require.Equal(t, db.DefaultReplicaConnectTimeout, pool.Config().ConnConfig.ConnectTimeout)

	pool, err = db.OpenReplica(t.Context(), "postgres://postgres@127.0.0.1:1/larder?connect_timeout=7")
	require.NoError(t, err)
	defer pool.Close()
	require.Equal(t, 7*time.Second, pool.Config().ConnConfig.ConnectTimeout, "the URL's connect_timeout stays")

	_, err = db.OpenReplica(t.Context(), "postgres://app:secret@db:bad port/larder")
	require.ErrorContains(t, err, "invalid database URL")
	require.NotContains(t, err.Error(), "secret")
}

// connectError is pgx's error for a server that refuses the connection.
func connectError(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	_, err = pgx.Connect(t.Context(), "postgres://postgres@"+addr+"/postgres?sslmode=disable")
	require.Error(t, err)
	return err
}
