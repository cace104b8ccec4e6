package integration

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// Behind a connection pooler (make test-pooled): a worker cannot LISTEN
// through it, so it listens on Config.ListenURL, a direct connection, or
// else polls and says so.

func TestAWorkerBehindAPoolerListensOnItsListenURL(t *testing.T) {
	t.Parallel()
	if os.Getenv(testdb.PoolerEnv) == "" {
		t.Skip("runs through a pooler: make test-pooled")
	}
	url := testdb.URL(t)
	pool, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	conn, err := pool.Acquire(t.Context())
	require.NoError(t, err)
	require.True(t, many.TransactionPooled(conn.Conn()), "the pool finds the pooler in the way")
	conn.Release()

	for _, tc := range []struct {
		name      string
		listenURL string
		wantLog   string
	}{
		{"with a direct connection, woken at once", testdb.Direct(t, url), ""},
		{"with a pool's URL, pool_ parameters and all", testdb.Direct(t, url) + separator(url) + "pool_max_conns=4", ""},
		{"without, polling", "", "polling for jobs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncBuffer
			ran := make(chan time.Time, 1)
			kind := "pooled." + strings.ReplaceAll(tc.name, " ", "-")
			reg := jobs.NewRegistry()
			jobs.Handle(reg, kind, func(context.Context, jobs.Job[noPayload]) error { ran <- time.Now(); return nil })
			cfg := quick(t)
			cfg.PollInterval, cfg.ListenURL = time.Hour, tc.listenURL // only a notification wakes it
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			runWorker(t, pool, reg, cfg)
			time.Sleep(300 * time.Millisecond) // listening
			_, err := jobs.NewClient().Job(kind).Enqueue(t.Context(), pool)
			require.NoError(t, err)
			select {
			case <-ran:
				require.Empty(t, tc.wantLog, "woken by the notification")
			case <-time.After(2 * time.Second):
				require.NotEmpty(t, tc.wantLog, "a notification on the direct connection wakes the worker")
				require.Contains(t, logs.String(), tc.wantLog)
			}
		})
	}
}

// separator is what goes before another parameter of url: ? or &.
func separator(url string) string {
	if strings.Contains(url, "?") {
		return "&"
	}
	return "?"
}

// syncBuffer is a strings.Builder safe for a logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
