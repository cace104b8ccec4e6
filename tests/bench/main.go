// Command bench measures Larder's many-first data layer against the other
// ways Go code writes to and reads from PostgreSQL, on the same data in
// one run, and prints a Markdown report (docs/BENCHMARKS.md is one):
//
//   - insert foods: a per-row loop, a pgx Batch, multi-row VALUES, Larder's
//     many-first insert (db.InsertFoods) and action (actions.CreateFoods),
//     all returning the rows; pgx CopyFrom and Larder's bulk load
//     (db.CopyFoods), returning nothing;
//   - select by ids, update and delete: a per-row loop against Larder's
//     many-first call; for updates also COPY into a temporary table +
//     UPDATE … FROM, plain and with its rows locked in id order first.
//
// Each way runs at each size on an emptied (or freshly filled) table; the
// ways take turns, round after round, each timed run starting after a
// CHECKPOINT (measure.go). It reports rows/s of each way's fastest run and
// its ratio to CopyFrom (inserts) or to the per-row loop (the rest), the
// median over the rounds of the two ways' times in the same round;
// allocations and bytes allocated per row; and, at the largest size, the
// peak of the Go heap during an insert, whole and above the heap before it
// (the input is already there), and the heap that the rows the many-first
// insert returns keep. Where PostgreSQL runs on this machine, it also
// reports the CPU time the server spent per row (servercpu.go): what sets
// the pace of a way that keeps PostgreSQL busy throughout.
//
//	go run ./tests/bench                 # make bench
//	go run ./tests/bench -out docs/BENCHMARKS.md
//	go run ./tests/bench -latency 200us -sizes 1000,10000 -out docs/BENCHMARKS-network.md
//
// With -latency, Larder's and the other ways' pools reach PostgreSQL
// through a proxy that delays every byte (network.go), as a database on
// another machine would: what a per-row loop pays per statement grows,
// while a many-first call pays it once per chunk. The report gives the
// median round trip of a SELECT 1 either way.
//
// Larder's ways run on a pool from db.Open, the others on a pool with
// pgx's defaults (env.go).
//
// The database is found as the tests find theirs (internal/pgserver); the
// benchmark makes a database of its own there and drops it at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("sizes", "100,1000,10000,100000", "the numbers of rows, comma-separated")
	out := flag.String("out", "", "write the report to this file (default: standard output)")
	latency := flag.Duration("latency", 0, "add this much to every round trip to PostgreSQL, as a network would (a proxy in the bench)")
	flag.Parse()
	var ns []int
	for s := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -sizes: %q is not a number of rows\n", s)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if *latency < 0 {
		fmt.Fprintf(os.Stderr, "bench: -latency: %v is negative\n", *latency)
		os.Exit(2)
	}
	ctx := context.Background()
	if err := run(ctx, ns, *latency, *out); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizes []int, latency time.Duration, out string) error {
	env, err := newEnv(ctx, latency)
	if err != nil {
		return err
	}
	defer env.close(ctx)
	started := time.Now()
	r := &report{sizes: sizes, command: strings.Join(append([]string{"go run ./tests/bench"}, os.Args[1:]...), " ")}
	for _, n := range sizes {
		fmt.Fprintf(os.Stderr, "bench: %d rows\n", n)
		if err := env.inserts(ctx, r, n); err != nil {
			return err
		}
		if err := env.reads(ctx, r, n); err != nil {
			return err
		}
	}
	r.settled = env.checkpoints
	r.cpu = env.serverCPU != nil
	took := time.Since(started)
	m, err := env.machine(ctx)
	if err != nil {
		return err
	}
	var w io.Writer = os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return r.write(w, m, took)
}
