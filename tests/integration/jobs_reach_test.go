package integration

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/internal/pgserver"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/tests/testdb"
)

// TestAWorkerThatCannotReachItsDatabaseFails: a server that refuses every
// connection of the worker (here, to a database that does not exist; a
// transaction pooler refusing a startup parameter is another) makes Run
// return that error once DatabaseTimeout has passed, instead of running
// idle.
func TestAWorkerThatCannotReachItsDatabaseFails(t *testing.T) {
	t.Parallel()
	missing, err := pgserver.WithDatabase(testdb.ServerURL(t), "larder_no_such_database")
	require.NoError(t, err)
	pool, err := pgxpool.New(t.Context(), missing) // connects lazily: no error yet
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	cfg := quick(t)
	cfg.DatabaseTimeout = 300 * time.Millisecond
	w, err := jobs.NewWorker(pool, jobs.NewRegistry(), cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	err = w.Run(ctx)

	require.ErrorContains(t, err, "the database did not answer in 300ms")
	require.ErrorContains(t, err, `database "larder_no_such_database" does not exist`)
	require.NoError(t, ctx.Err(), "Run gave up by itself")
}

// TestAWorkerWhoseDatabaseGoesAwayStops: a worker running jobs whose
// database is dropped returns the error once fetching has failed for
// DatabaseTimeout.
func TestAWorkerWhoseDatabaseGoesAwayStops(t *testing.T) {
	t.Parallel()
	dbURL := testdb.URL(t)
	pool, err := db.Open(t.Context(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	reg := jobs.NewRegistry()
	ran := make(chan struct{}, 1)
	jobs.Handle(reg, "test.work", func(context.Context, jobs.Job[noPayload]) error {
		signalOnce(ran)
		return nil
	})
	cfg := quick(t)
	cfg.DatabaseTimeout = time.Second
	w, err := jobs.NewWorker(pool, reg, cfg)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	_, err = jobs.NewClient().Job("test.work").Enqueue(t.Context(), pool)
	require.NoError(t, err)
	<-ran

	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	require.NoError(t, pgserver.DropDatabase(t.Context(), testdb.ServerURL(t), strings.TrimPrefix(u.Path, "/")))

	select {
	case err := <-done:
		require.ErrorContains(t, err, `fetching jobs of queue "default" failed for`)
	case <-time.After(time.Minute):
		t.Fatal("the worker kept running without its database")
	}
}

// signalOnce sends on ch without waiting, the first time.
func signalOnce(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
