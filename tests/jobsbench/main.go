// Command jobsbench measures Larder's job queue (package jobs) and River
// (github.com/riverqueue/river) side by side: on the same PostgreSQL, in
// the same run, taking turns, with one procedure for both. It prints a
// Markdown report; docs/BENCHMARKS-jobs.md is one.
//
// A run of one side, at one setting (run.go):
//
//  1. a fresh database, cloned from a template that the side's own
//     migrations made (Larder's db/migrate, River's rivermigrate), and a
//     pool of -pool connections on it;
//  2. CHECKPOINT, then -n no-op jobs enqueued in batches of 5,000 through
//     the side's batch insert (jobs.Client.EnqueueMany,
//     river.Client.InsertMany), one batch after the other: jobs enqueued
//     per second;
//  3. CHECKPOINT, then the worker starts (jobs.Worker.Run,
//     river.Client.Start) while a connection of its own counts the
//     completed jobs (count(*), more often as the end nears: nextPoll):
//     jobs burned down per second, from the start to the count that finds
//     them all;
//  4. the worker stops, every job is checked completed, the database is
//     dropped.
//
// Nothing is vacuumed or analysed (autovacuum runs as it would), and
// neither side's in-memory counters are read. The comparisons
// (settings.go) are Larder's defaults against River's best, each side's
// best, and each side's best with synchronous_commit off; then Larder at
// each concurrency of -sweep against River's best. Each round runs both
// sides of every comparison, one after the other, and every other round
// runs backwards, so that each side goes first in turn and a slow spell
// of a shared machine falls on both; -runs rounds in all. The report
// gives medians and the range of the runs, and each ratio as the median
// and range of the rounds' ratios.
//
// Then Larder alone on more than one process (scale.go): 1, 2, 4 and 8
// workers, each with a pool of its own, burn down jobs that each write a
// row, on one database; the report gives jobs/s, the connections held and
// how often a handler waited for one of its pool's.
//
// Last, enqueue→start latency (run.go): single jobs enqueued one at a
// time, each in a transaction, on an idle worker, from just before the
// commit to the handler's first line, at each side's defaults and best.
//
//	make bench-jobs       # go -C tests/jobsbench run . (the report on standard output)
//	make bench-jobs-doc   # ... -out ../../docs/BENCHMARKS-jobs.md
//
// The server is -server, else DATABASE_URL, else 127.0.0.1:5432, else
// what `go run ./cmd/larder db server` prints (the tests' lookup; env.go).
// The benchmark makes databases of its own there
// (larder_jobsbench_<random>_*) and drops them.
//
// It is a module of its own so that River is a dependency of the
// benchmark only, never of Larder's.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100_000, "jobs per run")
	flag.IntVar(&o.runs, "runs", 3, "runs of each side at each setting (rounds)")
	flag.IntVar(&o.pool, "pool", 20, "connections in each side's pool (pool_max_conns)")
	flag.IntVar(&o.best, "best", 1000, "Larder's concurrency at its best settings")
	sweep := flag.String("sweep", "100,250,500,1000,2000", "Larder's concurrencies to measure the burn-down at, comma-separated (empty: none)")
	scale := flag.String("scale", "1,2,4,8", "numbers of Larder workers, each with a pool of its own, to burn down write jobs on one database with (empty: none)")
	flag.IntVar(&o.latencyJobs, "latency-jobs", 200, "single jobs per side and setting for enqueue→start latency (0: skip)")
	flag.StringVar(&o.server, "server", "", "PostgreSQL server URL (default: DATABASE_URL, else 127.0.0.1:5432, else `larder db server`)")
	out := flag.String("out", "", "write the report to this file (default: standard output)")
	flag.Parse()
	var err error
	if o.sweep, err = parseInts(*sweep); err != nil {
		fail(2, fmt.Errorf("-sweep: %w", err))
	}
	if o.scale, err = parseInts(*scale); err != nil {
		fail(2, fmt.Errorf("-scale: %w", err))
	}
	if o.n < batchSize || o.runs < 1 || o.pool < 1 || o.best < 1 || o.latencyJobs < 0 {
		fail(2, fmt.Errorf("-n must be at least %d; -runs, -pool and -best at least 1", batchSize))
	}
	o.command = strings.Join(append([]string{"go run ."}, os.Args[1:]...), " ")
	// An interrupt stops the benchmark, which then drops its databases.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, o, *out)
	stop()
	if err != nil {
		fail(1, err)
	}
}

func fail(code int, err error) {
	fmt.Fprintf(os.Stderr, "jobsbench: %v\n", err)
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	n, runs, pool, best, latencyJobs int
	sweep, scale                     []int
	server                           string
	command                          string // as run, for the report
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a concurrency", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, o options, out string) error {
	started := time.Now()
	e, err := newEnv(ctx, o)
	if err != nil {
		return err
	}
	defer e.close(ctx)
	r := &report{opts: o, comparisons: comparisons(o.best, o.sweep)}
	r.loadBefore = loadAverage()
	if r.throughput, err = e.throughput(ctx, r.comparisons); err != nil {
		return err
	}
	if len(o.scale) > 0 {
		if r.scale, r.maxConns, err = e.scale(ctx, o.scale); err != nil {
			return err
		}
	}
	if o.latencyJobs > 0 {
		if r.latencies, err = e.latencies(ctx, latencyComparisons(o.best), o.latencyJobs); err != nil {
			return err
		}
	}
	r.loadAfter = loadAverage()
	if r.machine, err = e.machine(ctx); err != nil {
		return err
	}
	r.larderDefault = e.larderDefault
	r.took = time.Since(started)
	var w io.Writer = os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return r.write(w)
}
