package integration

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/tests/testdb"
)

// BenchmarkJobs measures the queue with the worker's default settings
// (jobs.Config{}: one queue of concurrency 100, 30s leases, outcomes
// recorded every 20ms or 1,000 jobs) and reports jobs/s:
//
//   - enqueue: 100,000 jobs in batches of 5,000 (EnqueueMany);
//   - burn-down: a worker starts on 100,000 pre-inserted no-op jobs and runs
//     them all;
//   - continuous: 100,000 no-op jobs enqueued in batches of 1,000 while a
//     worker runs them, from the first enqueue to the last completion.
//
// make bench-jobs runs it.
func BenchmarkJobs(b *testing.B) {
	const total = 100_000
	pool := testdb.New(b)
	client := jobs.NewClient()
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "bench.noop", func(context.Context, jobs.Job[struct{}]) error { return nil })
	ctx := context.Background()
	batch := func(n int) []jobs.Builder {
		out := make([]jobs.Builder, n)
		for i := range out {
			out[i] = client.Job("bench.noop")
		}
		return out
	}
	clear := func(b *testing.B) {
		b.Helper()
		if _, err := pool.Exec(ctx, "TRUNCATE jobs CASCADE"); err != nil {
			b.Fatal(err)
		}
	}
	enqueue := func(b *testing.B, per int) {
		jobs := batch(per)
		for range total / per {
			if _, err := client.EnqueueMany(ctx, pool, jobs...); err != nil {
				b.Error(err) // also called from a goroutine: Error, not Fatal
				return
			}
		}
	}
	// work runs a worker until every job is completed.
	work := func(b *testing.B) {
		b.Helper()
		quiet := slog.New(slog.NewTextHandler(testWriter{b}, &slog.HandlerOptions{Level: slog.LevelWarn}))
		w, err := jobs.NewWorker(pool, reg, jobs.Config{Logger: quiet}) // defaults otherwise
		if err != nil {
			b.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- w.Run(runCtx) }()
		for w.Stats().Completed < total {
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		counts, err := store.CountJobs(ctx, pool)
		if err != nil || len(counts) != 1 || counts[0].State != store.JobStateCompleted {
			b.Fatalf("not all completed: %v %v", counts, err)
		}
	}
	rate := func(b *testing.B) { b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "jobs/s") }

	b.Run("enqueue", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			clear(b)
			b.StartTimer()
			enqueue(b, 5000)
		}
		rate(b)
	})
	b.Run("burn-down", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			clear(b)
			enqueue(b, 5000)
			if _, err := pool.Exec(ctx, "VACUUM ANALYZE jobs"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			work(b)
		}
		rate(b)
	})
	b.Run("continuous", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			clear(b)
			b.StartTimer()
			go enqueue(b, 1000)
			work(b)
		}
		rate(b)
	})
}
