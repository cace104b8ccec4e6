package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
)

// Scale: Larder only, as an application runs it on more than one
// process. Each of k workers has a pool of its own (as a process would)
// and jobs.Config{}'s concurrency; together they burn down -n jobs whose
// handler writes one row through its worker's pool, on one database. The
// run counts the server's connections to that database, and the share of
// the handlers' pool acquires that found no idle connection and waited:
// where throughput stops growing with k, and which of the pool, the
// server's connections and the server's CPU is the limit.

// kindWrite is the scale run's job: one INSERT through the worker's pool.
const kindWrite = "bench.write"

type writeArgs struct{}

func (writeArgs) Kind() string { return kindWrite }

// Connections the benchmark keeps off the pools' budget: its observer
// and its sampler, and a margin for anything else on the server.
const scaleReserved = 2 + 5

// scaleResult is one run of k workers.
type scaleResult struct {
	workers   int
	pool      int     // pool_max_conns of each worker's pool
	burnDown  float64 // jobs/s
	peakConns int     // the most connections to the database a sample saw, the benchmark's own left out
	waited    float64 // share of the handlers' acquires that waited for a connection
}

// scale runs each count of workers once per round, -runs rounds, every
// other round backwards.
func (e *env) scale(ctx context.Context, counts []int) (map[int][]scaleResult, int, error) {
	maxConns, err := e.maxClientConnections(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := map[int][]scaleResult{}
	order := slices.Clone(counts)
	for round := range e.opts.runs {
		if round > 0 {
			slices.Reverse(order)
		}
		for _, k := range order {
			// Each worker's pool is -pool connections, or what the server's
			// connections leave it when k workers, each with its
			// bookkeeping pool, would exceed them.
			size := min(e.opts.pool, (maxConns-scaleReserved)/k-bookkeepingConns)
			if size < 1 {
				return nil, 0, fmt.Errorf("%d workers need more than the server's %d connections", k, maxConns)
			}
			r, err := retry(ctx, func() (scaleResult, error) { return e.scaleRun(ctx, k, size) })
			if err != nil {
				return nil, 0, fmt.Errorf("scale, %d workers: %w", k, err)
			}
			fmt.Fprintf(os.Stderr, "jobsbench: round %d/%d: %d workers × %d connections: burn-down %8.0f/s, peak %d connections, %.0f%% of acquires waited\n",
				round+1, e.opts.runs, k, size, r.burnDown, r.peakConns, 100*r.waited)
			out[k] = append(out[k], r)
		}
	}
	return out, maxConns, nil
}

// bookkeepingConns is the size of a Larder worker's own pool with the
// default queue: a connection per queue, and 4.
const bookkeepingConns = 1 + 4

// maxClientConnections is how many connections the server takes from a
// role without superuser rights.
func (e *env) maxClientConnections(ctx context.Context) (int, error) {
	conn, err := pgx.Connect(ctx, e.server)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT current_setting('max_connections')::int
		- current_setting('superuser_reserved_connections')::int`).Scan(&n)
	return n, err
}

// scaleRun burns down -n write jobs with k workers, each with a pool of
// size connections.
func (e *env) scaleRun(ctx context.Context, k, size int) (scaleResult, error) {
	n := e.opts.n
	url, drop, err := e.freshDatabase(ctx, sideLarder)
	if err != nil {
		return scaleResult{}, err
	}
	defer drop()
	obs, err := pgx.Connect(ctx, url)
	if err != nil {
		return scaleResult{}, err
	}
	defer obs.Close(context.WithoutCancel(ctx))
	if _, err := obs.Exec(ctx, "CREATE TABLE bench_effects (job_id bigint PRIMARY KEY)"); err != nil {
		return scaleResult{}, err
	}
	u, err := poolURL(url, setup{side: sideLarder}, size)
	if err != nil {
		return scaleResult{}, err
	}
	pools := make([]*pgxpool.Pool, k)
	workers := make([]*jobs.Worker, k)
	defer func() {
		for _, p := range pools {
			if p != nil {
				p.Close()
			}
		}
	}()
	for i := range k {
		if pools[i], err = db.Open(ctx, u); err != nil {
			return scaleResult{}, err
		}
		pool := pools[i]
		reg := jobs.NewRegistry()
		jobs.Handle(reg, kindWrite, func(ctx context.Context, job jobs.Job[writeArgs]) error {
			_, err := pool.Exec(ctx, "INSERT INTO bench_effects (job_id) VALUES ($1)", job.ID)
			return err
		})
		if workers[i], err = jobs.NewWorker(pool, reg, jobs.Config{Logger: slog.New(&quietHandler{})}); err != nil {
			return scaleResult{}, err
		}
	}
	client := jobs.NewClient()
	batch := make([]jobs.Builder, batchSize)
	for i := range batch {
		batch[i] = client.Job(kindWrite)
	}
	for left := n; left > 0; left -= batchSize {
		if _, err := client.EnqueueMany(ctx, pools[0], batch[:min(left, batchSize)]...); err != nil {
			return scaleResult{}, fmt.Errorf("enqueue: %w", err)
		}
	}
	if err := e.checkpoint(ctx, obs); err != nil {
		return scaleResult{}, err
	}

	sampleCtx, stopSampling := context.WithCancel(ctx)
	peak := make(chan int, 1)
	go func() { peak <- sampleConnections(sampleCtx, url) }()
	runCtx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make([]error, k)
	began := time.Now()
	for i, w := range workers {
		wg.Go(func() { errs[i] = w.Run(runCtx) })
	}
	burned, err := waitCompleted(ctx, obs, sideLarder, n, began, &throughput{})
	stopWorkers()
	wg.Wait()
	stopSampling()
	r := scaleResult{workers: k, pool: size, peakConns: <-peak}
	if err != nil {
		return r, err
	}
	for _, err := range errs {
		if err != nil {
			return r, fmt.Errorf("worker: %w", err)
		}
	}
	if err := allCompleted(ctx, obs, sideLarder, n); err != nil {
		return r, err
	}
	var acquires, waits int64
	for _, p := range pools {
		s := p.Stat()
		acquires += s.AcquireCount()
		waits += s.EmptyAcquireCount()
	}
	r.burnDown = float64(n) / burned.Seconds()
	r.waited = safeDiv(float64(waits), float64(acquires))
	return r, nil
}

// sampleConnections counts the client connections to the database at url
// every 50 ms until ctx ends, and returns the most it saw, the
// benchmark's observer and its own left out.
func sampleConnections(ctx context.Context, url string) int {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0
	}
	defer conn.Close(context.WithoutCancel(ctx))
	peak := 0
	for ctx.Err() == nil {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) - 2 FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend'`).Scan(&n)
		if err == nil {
			peak = max(peak, n)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return peak
}
