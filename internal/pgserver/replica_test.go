package pgserver

import (
	"context"
	"io/fs"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestReplicaPairStreams starts a primary and a replica of it: the replica
// is a read-only standby that sees what the primary commits once it
// catches up, and nothing while its replay is paused; stopped, it frees
// its port, and started again it catches up with what it missed; Stop
// leaves nothing behind.
func TestReplicaPairStreams(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pair, err := StartReplicaPair(ctx)
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = pair.Stop(context.Background())
		}
	})

	require.False(t, inRecovery(t, pair.PrimaryURL))
	require.True(t, inRecovery(t, pair.ReplicaURL), "the replica is a standby")
	execAll(t, pair.PrimaryURL, "CREATE TABLE notes (body text)", "INSERT INTO notes VALUES ('one')")
	require.NoError(t, pair.CatchUp(ctx))
	require.Equal(t, 1, notes(t, pair.ReplicaURL))
	conn, err := pgx.Connect(ctx, pair.ReplicaURL)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "INSERT INTO notes VALUES ('on the replica')")
	require.ErrorContains(t, err, "read-only", "a standby takes no writes")
	conn.Close(ctx)

	require.NoError(t, pair.PauseReplay(ctx))
	execAll(t, pair.PrimaryURL, "INSERT INTO notes VALUES ('two')")
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	require.Error(t, pair.CatchUp(short), "a paused replica does not catch up")
	require.Equal(t, 1, notes(t, pair.ReplicaURL), "a paused replica does not see the write")
	require.NoError(t, pair.ResumeReplay(ctx))
	require.NoError(t, pair.CatchUp(ctx))
	require.Equal(t, 2, notes(t, pair.ReplicaURL))

	require.NoError(t, pair.StopReplica(ctx))
	require.False(t, Answers(ctx, pair.ReplicaURL))
	require.NoError(t, portFree(pair.replica.port), "stopped, the replica's port is free")
	execAll(t, pair.PrimaryURL, "INSERT INTO notes VALUES ('three')")
	require.NoError(t, pair.StartReplica(ctx))
	require.Equal(t, 3, notes(t, pair.ReplicaURL), "started again, the replica caught up")

	stopped = true
	require.NoError(t, pair.Stop(ctx))
	_, err = os.Stat(pair.dir)
	require.ErrorIs(t, err, fs.ErrNotExist, "Stop removes both clusters")
	require.NoError(t, portFree(pair.primary.port))
	require.NoError(t, portFree(pair.replica.port))
}

func TestFreePortsAreFreeAndDifferent(t *testing.T) {
	t.Parallel()
	ports, err := freePorts(3)
	require.NoError(t, err)
	seen := map[int]bool{}
	for _, port := range ports {
		require.False(t, seen[port], "port %d twice", port)
		seen[port] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		require.NoError(t, err, "port %d is free", port)
		l.Close()
	}
}

func inRecovery(t *testing.T, url string) bool {
	t.Helper()
	var in bool
	require.NoError(t, queryRow(t.Context(), url, "SELECT pg_is_in_recovery()", &in))
	return in
}

func notes(t *testing.T, url string) int {
	t.Helper()
	var n int
	require.NoError(t, queryRow(t.Context(), url, "SELECT count(*) FROM notes", &n))
	return n
}

func execAll(t *testing.T, url string, statements ...string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	for _, sql := range statements {
		_, err := conn.Exec(t.Context(), sql)
		require.NoError(t, err, sql)
	}
}
