package pgserver

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAClusterThatDoesNotAnswerIsStopped starts a real cluster, then starts
// it again with settings under which it runs but cannot be reached at its
// URL (no TCP socket): the failed start stops the server it started.
func TestAClusterThatDoesNotAnswerIsStopped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := testCluster(t)

	require.NoError(t, c.start(ctx))
	require.True(t, Answers(ctx, c.url()))
	require.NoError(t, c.stop(ctx, "fast"))
	require.NoError(t, portFree(c.port), "stopped, its port is free")

	c.settings = append(c.settings, "listen_addresses=''") // up on its socket only
	err := c.start(ctx)

	require.ErrorContains(t, err, "does not answer")
	_, err = os.Stat(filepath.Join(c.dir, "postmaster.pid"))
	require.ErrorIs(t, err, fs.ErrNotExist, "the server that did not answer was stopped")
}

// TestAClusterIsNotStartedOnATakenPort: something else listening on the
// port is reported, and no cluster is made.
func TestAClusterIsNotStartedOnATakenPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	c := testCluster(t)
	c.port = l.Addr().(*net.TCPAddr).Port

	err = c.start(context.Background())

	require.ErrorContains(t, err, "is taken by something that is not a PostgreSQL server")
	_, err = os.Stat(c.dir)
	require.ErrorIs(t, err, fs.ErrNotExist, "nothing was made")
}

// testCluster is a cluster in a directory of the test's own on a free
// port; it is stopped and removed when the test ends.
func testCluster(t *testing.T) cluster {
	t.Helper()
	base, err := os.MkdirTemp("", "larder-pgserver-test-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o755)) // the cluster's owner (postgres, under root) must reach its directory
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	c := cluster{dir: filepath.Join(base, "data"), port: port, settings: []string{"listen_addresses=127.0.0.1", "fsync=off"}}
	t.Cleanup(func() {
		_ = c.stop(context.Background(), "immediate")
		os.RemoveAll(base)
	})
	return c
}
