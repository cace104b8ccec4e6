package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// How often a run counts the completed jobs. A count(*) of 100,000 rows
// keeps a core busy for 10 to 50 ms, so counting every few milliseconds
// throughout would take a good part of a 2-core machine from the sides
// under test: the next count comes after half the time the jobs left
// should take at the rate since the last count, but at least pollEvery
// and at most maxPoll later. The end is then known to within pollEvery
// (maxPoll should the rate more than double at once) after a few dozen
// counts per run.
const (
	pollEvery = 10 * time.Millisecond
	maxPoll   = 500 * time.Millisecond
)

// nextPoll is how long to wait before the next count, given the jobs left
// and the rate (jobs/s) since the last count.
func nextPoll(left int, rate float64) time.Duration {
	if rate <= 0 {
		return maxPoll
	}
	return min(max(time.Duration(float64(left)/rate*float64(time.Second))/2, pollEvery), maxPoll)
}

// runResult is one run of one side: jobs per second of each phase.
type runResult struct {
	enqueue, burnDown float64
}

// runKey names the runs of one side of one comparison.
type runKey struct{ comparison, side string }

// throughput holds the runs of each side of each comparison, in round
// order, and how long the counts of completed jobs took.
type throughput struct {
	runs   map[runKey][]runResult
	polls  []time.Duration // how long each count took
	counts []float64       // how many counts each run made
}

// throughput runs each comparison's two sides once per round, one after
// the other, -runs rounds; every other round runs backwards, so that each
// side of each comparison goes first in turn.
func (e *env) throughput(ctx context.Context, comps []comparison) (*throughput, error) {
	t := &throughput{runs: map[runKey][]runResult{}}
	type step struct {
		c setup
		k runKey
	}
	var order []step
	for _, c := range comps {
		order = append(order, step{c.larder, runKey{c.name, sideLarder}}, step{c.river, runKey{c.name, sideRiver}})
	}
	for round := range e.opts.runs {
		if round > 0 {
			slices.Reverse(order)
		}
		for _, st := range order {
			s := st.c
			r, err := retry(ctx, func() (runResult, error) { return e.throughputRun(ctx, s, t) })
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", s.side, s.describe(e.larderDefault), err)
			}
			fmt.Fprintf(os.Stderr, "jobsbench: round %d/%d: %-6s %-60s enqueue %8.0f/s, burn-down %8.0f/s\n",
				round+1, e.opts.runs, s.side, s.describe(e.larderDefault), r.enqueue, r.burnDown)
			t.runs[st.k] = append(t.runs[st.k], r)
		}
	}
	return t, nil
}

// throughputRun is one run of s on a fresh database: -n jobs enqueued in
// batches, then burned down by a worker started on them, each phase timed
// after a checkpoint.
func (e *env) throughputRun(ctx context.Context, s setup, t *throughput) (runResult, error) {
	n := e.opts.n
	url, drop, err := e.freshDatabase(ctx, s.side)
	if err != nil {
		return runResult{}, err
	}
	defer drop()
	q, err := open(ctx, s, url, e.opts.pool, newStarts(), e.noteDefault(s))
	if err != nil {
		return runResult{}, err
	}
	defer q.close()
	// The observer: a connection of its own, in neither side's pool.
	obs, err := pgx.Connect(ctx, url)
	if err != nil {
		return runResult{}, err
	}
	defer obs.Close(context.WithoutCancel(ctx))

	if err := e.checkpoint(ctx, obs); err != nil {
		return runResult{}, err
	}
	began := time.Now()
	if err := q.enqueue(ctx, n); err != nil {
		return runResult{}, fmt.Errorf("enqueue: %w", err)
	}
	enqueued := time.Since(began)

	if err := e.checkpoint(ctx, obs); err != nil {
		return runResult{}, err
	}
	began = time.Now()
	if err := q.start(ctx); err != nil {
		return runResult{}, fmt.Errorf("start the worker: %w", err)
	}
	burned, err := waitCompleted(ctx, obs, s.side, n, began, t)
	if stopErr := q.stop(ctx); err == nil && stopErr != nil {
		err = fmt.Errorf("stop the worker: %w", stopErr)
	}
	if err != nil {
		return runResult{}, err
	}
	if err := allCompleted(ctx, obs, s.side, n); err != nil {
		return runResult{}, err
	}
	return runResult{enqueue: float64(n) / enqueued.Seconds(), burnDown: float64(n) / burned.Seconds()}, nil
}

// Runs that fail are run again, up to attempts in all, retryAfter apart: a
// shared server may be restarted, or have its connections terminated,
// by someone else's tests in the middle of a long benchmark.
const (
	attempts   = 3
	retryAfter = 10 * time.Second
)

// retry calls f until it succeeds, attempts times at most.
func retry[T any](ctx context.Context, f func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := f()
		if err == nil || attempt == attempts || ctx.Err() != nil {
			return v, err
		}
		fmt.Fprintf(os.Stderr, "jobsbench: %v; again in %v\n", err, retryAfter)
		time.Sleep(retryAfter)
	}
}

// noteDefault returns, for Larder's defaults, what records the
// concurrency the worker logs at its start.
func (e *env) noteDefault(s setup) func(map[string]int) {
	if s.side != sideLarder || s.workers != 0 {
		return nil
	}
	return func(queues map[string]int) { e.larderDefault = queues["default"] }
}

// waitCompleted counts side's completed jobs (nextPoll says when) until
// there are n, and returns the time from began to the start of the count
// that found them all (its snapshot, taken at its start, holds them).
func waitCompleted(ctx context.Context, obs *pgx.Conn, side string, n int, began time.Time, t *throughput) (time.Duration, error) {
	query := "SELECT count(*) FROM " + jobTable(side) + " WHERE state = 'completed'"
	deadline := began.Add(time.Duration(n)*time.Millisecond + time.Minute) // at least 1,000 jobs/s
	lastAt, last := began, 0
	for counts := 1; ; counts++ {
		polled := time.Now()
		var count int
		if err := obs.QueryRow(ctx, query).Scan(&count); err != nil {
			return 0, fmt.Errorf("count completed jobs: %w", err)
		}
		t.polls = append(t.polls, time.Since(polled))
		if count >= n {
			t.counts = append(t.counts, float64(counts))
			return polled.Sub(began), nil
		}
		if polled.After(deadline) {
			return 0, fmt.Errorf("%d of %d jobs completed after %v", count, n, polled.Sub(began).Round(time.Second))
		}
		rate := float64(count-last) / polled.Sub(lastAt).Seconds()
		lastAt, last = polled, count
		wait := time.NewTimer(time.Until(polled.Add(nextPoll(n-count, rate))))
		select {
		case <-ctx.Done():
			wait.Stop()
			return 0, ctx.Err()
		case <-wait.C:
		}
	}
}

// allCompleted checks that side's table holds n jobs, all completed.
func allCompleted(ctx context.Context, obs *pgx.Conn, side string, n int) error {
	rows, err := obs.Query(ctx, "SELECT state::text, count(*) FROM "+jobTable(side)+" GROUP BY 1")
	if err != nil {
		return err
	}
	counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
		var state string
		var count int
		err := row.Scan(&state, &count)
		return fmt.Sprintf("%s: %d", state, count), err
	})
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("completed: %d", n); len(counts) != 1 || counts[0] != want {
		return fmt.Errorf("jobs by state after the run: %v, want only %s", counts, want)
	}
	return nil
}

// Latency: blocks of single jobs, the sides taking turns block by block.
const (
	latencyBlocks = 4
	latencyWarmUp = 10 // jobs per block run before the timed ones
	// idleGap is the least pause after a job's completion is visible
	// before the next is enqueued (plus up to half as much again, at
	// random, so that no poller's period lines up with the jobs): longer
	// than River's default fetch cooldown (100 ms), which holds back the
	// notification of an insert that follows another within it.
	idleGap = 100 * time.Millisecond
)

// latencies measures enqueue→start latency of perSide single jobs for each
// side of each comparison, in latencyBlocks blocks, each on a fresh
// database with a worker of its own, the sides taking turns.
func (e *env) latencies(ctx context.Context, comps []comparison, perSide int) (map[setup][]time.Duration, error) {
	out := map[setup][]time.Duration{}
	perBlock := (perSide + latencyBlocks - 1) / latencyBlocks
	for block := range latencyBlocks {
		for _, c := range comps {
			pair := []setup{c.larder, c.river}
			if block%2 == 1 {
				slices.Reverse(pair)
			}
			for _, s := range pair {
				n := min(perBlock, perSide-len(out[s]))
				if n <= 0 {
					continue
				}
				got, err := retry(ctx, func() ([]time.Duration, error) { return e.latencyBlock(ctx, s, n) })
				if err != nil {
					return nil, fmt.Errorf("latency, %s, %s: %w", s.side, s.describe(e.larderDefault), err)
				}
				fmt.Fprintf(os.Stderr, "jobsbench: latency block %d/%d: %-6s %-60s median %v\n",
					block+1, latencyBlocks, s.side, s.describe(e.larderDefault), percentile(got, 50))
				out[s] = append(out[s], got...)
			}
		}
	}
	return out, nil
}

// latencyBlock starts s's worker on a fresh database and enqueues n timed
// jobs (after latencyWarmUp untimed ones) one at a time, each once the
// one before it is completed and the worker has idled for idleGap or more.
func (e *env) latencyBlock(ctx context.Context, s setup, n int) ([]time.Duration, error) {
	url, drop, err := e.freshDatabase(ctx, s.side)
	if err != nil {
		return nil, err
	}
	defer drop()
	rec := newStarts()
	q, err := open(ctx, s, url, e.opts.pool, rec, e.noteDefault(s))
	if err != nil {
		return nil, err
	}
	defer q.close()
	obs, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer obs.Close(context.WithoutCancel(ctx))
	if err := q.start(ctx); err != nil {
		return nil, err
	}
	out, err := timeJobs(ctx, q, obs, s.side, rec, n)
	if stopErr := q.stop(ctx); err == nil {
		err = stopErr
	}
	return out, err
}

func timeJobs(ctx context.Context, q queue, obs *pgx.Conn, side string, rec *starts, n int) ([]time.Duration, error) {
	var out []time.Duration
	for seq := range latencyWarmUp + n {
		id, committing, err := q.enqueueTimed(ctx, seq)
		if err != nil {
			return nil, err
		}
		if err := waitStarted(ctx, rec, seq); err != nil {
			return nil, err
		}
		if started, _ := rec.get(seq); seq >= latencyWarmUp {
			out = append(out, started.Sub(committing))
		}
		if err := waitJobCompleted(ctx, obs, side, id); err != nil {
			return nil, err
		}
		time.Sleep(idleGap + rand.N(idleGap/2))
	}
	return out, nil
}

func waitStarted(ctx context.Context, rec *starts, seq int) error {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case got := <-rec.ran:
			if got == seq {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("job %d did not start in 30s", seq)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func waitJobCompleted(ctx context.Context, obs *pgx.Conn, side string, id int64) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var state string
		if err := obs.QueryRow(ctx, "SELECT state::text FROM "+jobTable(side)+" WHERE id = $1", id).Scan(&state); err != nil {
			return err
		}
		if state == "completed" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("job %d is %s after 30s", id, state)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
