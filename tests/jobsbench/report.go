package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report collects the results and writes them as Markdown.
type report struct {
	opts          options
	comparisons   []comparison
	throughput    *throughput
	latencies     map[setup][]time.Duration
	scale         map[int][]scaleResult // by number of workers
	maxConns      int                   // the server's connections for a role without superuser rights
	machine       machine
	larderDefault int // the concurrency of jobs.Config{}
	loadBefore    string
	loadAfter     string
	took          time.Duration
}

// pairs are the rates of a phase of two setups, round by round, and the
// ratio of each round.
type pairs struct {
	a, b, ratios []float64
}

func (r *report) pairs(c comparison, phase func(runResult) float64) pairs {
	var p pairs
	ra, rb := r.throughput.runs[runKey{c.name, sideLarder}], r.throughput.runs[runKey{c.name, sideRiver}]
	for i := range min(len(ra), len(rb)) {
		x, y := phase(ra[i]), phase(rb[i])
		p.a, p.b, p.ratios = append(p.a, x), append(p.b, y), append(p.ratios, x/y)
	}
	return p
}

func enqueueRate(r runResult) float64  { return r.enqueue }
func burnDownRate(r runResult) float64 { return r.burnDown }

func (r *report) write(w io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	m := r.machine
	p("# Job queue benchmarks: Larder and River\n\n")
	p("Larder's job queue (package `jobs`) and River %s side by side: on the same PostgreSQL, in the same run, taking\n", m.River)
	p("turns, with the same procedure for both (`tests/jobsbench`, a module of its own, so that River is a dependency of\n")
	p("the benchmark only). Regenerate this file with:\n\n")
	p("```sh\nmake bench-jobs-doc    # %s -out docs/BENCHMARKS-jobs.md\n```\n\n", r.cleanCommand())
	p("`make bench-jobs` prints the report to the terminal. Figures from another machine or another run differ; the\n")
	p("ratios, measured side by side, are what carries over.\n\n")
	p("| machine | |\n|---|---|\n")
	p("| CPU | %s (%d cores, shared with PostgreSQL) |\n| memory | %s |\n| OS | %s |\n| Go | %s |\n", m.CPU, m.Cores, m.Memory, m.OS, m.Go)
	p("| PostgreSQL | %s, on the same machine: %s |\n", m.PostgreSQL, m.Settings)
	p("| River | `github.com/riverqueue/river` %s, `riverpgxv5` |\n", m.River)
	p("| pools | %d connections each (`pool_max_conns`); Larder's worker opens its own pool for its bookkeeping besides (a connection per queue + 4) |\n", r.opts.pool)
	p("| load average | %s before, %s after (1 minute) |\n", r.loadBefore, r.loadAfter)
	p("| run | %s, %v |\n\n", time.Now().UTC().Format("2006-01-02"), r.took.Round(time.Second))

	p("## Procedure\n\n")
	p("Each run of a side starts on a fresh database, cloned from a template that the side's own migrations made, with\n")
	p("nothing but its tables. After a `CHECKPOINT`, %s no-op jobs are enqueued in batches of %s, one batch after the\n", thousands(r.opts.n), thousands(batchSize))
	p("other, through the side's batch insert (`jobs.Client.EnqueueMany`, `river.Client.InsertMany`; both return a\n")
	p("result per job): **enqueue**. After another `CHECKPOINT`, the worker starts (`jobs.Worker.Run`,\n")
	p("`river.Client.Start`) while a connection outside both pools counts the completed jobs (`count(*)`), each count\n")
	p("after half the time the jobs left should take at the rate since the last (%v to %v later): **burn-down** runs\n", pollEvery, maxPoll)
	p("from the start to the count that finds all %s (%.0f counts per run and %s per count at the median: a count of\n",
		thousands(r.opts.n), median(r.throughput.counts), formatDuration(percentile(r.throughput.polls, 50)))
	p("%s rows keeps a core busy, so counting every few milliseconds throughout would slow both sides). Then the\n", thousands(r.opts.n))
	p("worker stops and every job is checked completed. Nothing is vacuumed or analysed; autovacuum runs as it would.\n")
	if !m.Checkpoints {
		p("The role could not `CHECKPOINT`: a phase may pay for the pages the one before it dirtied.\n")
	}
	p("\nEach round runs every setting once, the two sides of a comparison one after the other, the side that goes first\n")
	p("alternating from round to round; %d rounds. Figures are the median of the runs and, in brackets, their range;\n", r.opts.runs)
	p("a ratio is the median (and range) of the rounds' ratios, Larder's rate over River's in the same round.\n\n")

	p("## Throughput\n\n")
	p("| phase | settings | Larder jobs/s | River jobs/s | Larder ÷ River |\n|---|---|---:|---:|---:|\n")
	for _, c := range r.comparisons {
		if !c.main || c.larder.workers == 0 {
			continue // the enqueue does not depend on the worker's settings: once per commit mode
		}
		commit := "synchronous_commit on"
		if c.larder.asyncCommit {
			commit = "synchronous_commit=off"
		}
		pr := r.pairs(c, enqueueRate)
		p("| enqueue | %s | %s | %s | %s |\n", commit, rateCell(pr.a), rateCell(pr.b), ratioCell(pr.ratios))
	}
	for _, c := range r.comparisons {
		if !c.main {
			continue
		}
		pr := r.pairs(c, burnDownRate)
		p("| burn-down | %s: Larder %s; River %s | %s | %s | %s |\n", c.name,
			c.larder.describe(r.larderDefault), c.river.describe(r.larderDefault), rateCell(pr.a), rateCell(pr.b), ratioCell(pr.ratios))
	}
	p("\nRiver's best settings are its own benchmark's (`river bench`): %s workers, a %v fetch cooldown, a %v poll.\n",
		thousands(riverBestWorkers), riverBestCooldown, riverBestPoll)
	p("With synchronous_commit off, both sides' pools commit without waiting for the WAL to reach the disk; Larder's worker\n")
	p("already writes its own bookkeeping that way at any setting.\n\n")

	if slices.ContainsFunc(r.comparisons, func(c comparison) bool { return c.sweep }) {
		r.writeSweep(w)
	}
	if len(r.scale) > 0 {
		r.writeScale(w)
	}
	if len(r.latencies) > 0 {
		r.writeLatency(w)
	}
	return nil
}

// writeSweep writes Larder's burn-down at each concurrency of the sweep.
func (r *report) writeSweep(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	var rows []comparison
	for _, c := range r.comparisons {
		if c.sweep && !c.larder.asyncCommit {
			rows = append(rows, c)
		}
	}
	slices.SortFunc(rows, func(a, b comparison) int { return a.larder.workers - b.larder.workers })
	p("## Larder's concurrency\n\n")
	p("Larder's burn-down at each concurrency (`Queues: {\"default\": n}`), each against a run of River's best next to it\n")
	p("in the same round, as above: the ratio carries over from a slow spell of the machine to a fast one where the rates\n")
	p("do not. `jobs.Config{}` runs %s.\n\n", thousands(r.larderDefault))
	p("| workers | Larder jobs/s | River's best jobs/s | Larder ÷ River | × the best ratio |\n|---:|---:|---:|---:|---:|\n")
	best := 0.0
	for _, c := range rows {
		best = max(best, median(r.pairs(c, burnDownRate).ratios))
	}
	for _, c := range rows {
		pr := r.pairs(c, burnDownRate)
		p("| %s | %s | %s | %s | %.2f |\n", thousands(c.larder.workers), rateCell(pr.a), rateCell(pr.b), ratioCell(pr.ratios),
			safeDiv(median(pr.ratios), best))
	}
	p("\n")
}

// writeScale writes Larder's burn-down with several workers on one
// database.
func (r *report) writeScale(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## More than one worker on one database\n\n")
	p("Larder alone, as an application runs it on several processes: k workers, each with a pool of its own and\n")
	p("`jobs.Config{}`, burn down %s jobs whose handler writes one row (`INSERT`) through its worker's pool, on one\n", thousands(r.opts.n))
	p("database; %d rounds, as above. Each pool has %d connections, or fewer where k pools and k bookkeeping pools (%d\n", r.opts.runs, r.opts.pool, bookkeepingConns)
	p("connections each) would pass the server's %d connections (`max_connections` less the superusers' reserve, less %d\n", r.maxConns, scaleReserved)
	p("for the benchmark). *Peak connections* is the most a sample of `pg_stat_activity` (every 50 ms) found open to the\n")
	p("database; *waited* is the share of the handlers' pool acquires that found no idle connection.\n\n")
	p("| workers | pool each | peak connections | jobs/s | × one worker | waited |\n|---:|---:|---:|---:|---:|---:|\n")
	var one float64
	if rs := r.scale[1]; len(rs) > 0 {
		one = median(burnDownOf(rs))
	}
	for _, k := range r.opts.scale {
		rs := r.scale[k]
		if len(rs) == 0 {
			continue
		}
		peaks, waits := make([]float64, len(rs)), make([]float64, len(rs))
		for i, x := range rs {
			peaks[i], waits[i] = float64(x.peakConns), x.waited
		}
		p("| %d | %d | %.0f | %s | %.2f | %.0f%% |\n", k, rs[0].pool, slices.Max(peaks), rateCell(burnDownOf(rs)),
			safeDiv(median(burnDownOf(rs)), one), 100*median(waits))
	}
	p("\n")
}

func burnDownOf(rs []scaleResult) []float64 {
	out := make([]float64, len(rs))
	for i, x := range rs {
		out[i] = x.burnDown
	}
	return out
}

// writeLatency writes the enqueue→start latencies.
func (r *report) writeLatency(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## Enqueue→start latency\n\n")
	p("Single jobs enqueued one at a time, each in a transaction of its own, on an idle worker: from just before the\n")
	p("commit to the first line of the handler (which records `time.Now()`). Each job is enqueued once the one before it\n")
	p("is completed and the worker has been idle for %v to %v (longer than River's default fetch cooldown, which holds\n", idleGap, idleGap*3/2)
	p("back the notification of an insert that follows another within it). %d blocks per side and setting, each on a\n", latencyBlocks)
	p("fresh database with a worker of its own after %d untimed jobs, the sides taking turns block by block.\n\n", latencyWarmUp)
	p("| settings | jobs | Larder median | Larder p99 | River median | River p99 |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range latencyComparisons(r.opts.best) {
		a, b := r.latencies[c.larder], r.latencies[c.river]
		p("| %s: Larder %s; River %s | %d | %s | %s | %s | %s |\n", c.name,
			c.larder.describe(r.larderDefault), c.river.describe(r.larderDefault), min(len(a), len(b)),
			formatDuration(percentile(a, 50)), formatDuration(percentile(a, 99)),
			formatDuration(percentile(b, 50)), formatDuration(percentile(b, 99)))
	}
	p("\n")
}

// cleanCommand is the command line as `make` runs it, without -out.
func (r *report) cleanCommand() string {
	fields := strings.Fields(r.opts.command)
	for i := 0; i < len(fields); i++ {
		if f := fields[i]; f == "-out" || f == "--out" {
			fields = slices.Delete(fields, i, min(i+2, len(fields)))
			i--
		} else if strings.HasPrefix(f, "-out=") || strings.HasPrefix(f, "--out=") {
			fields = slices.Delete(fields, i, i+1)
			i--
		}
	}
	return "go -C tests/jobsbench " + strings.Join(fields[1:], " ")
}

// median of xs; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile is the nearest-rank p-th percentile of ds; 0 for none.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

// rateCell writes rates as their median and range: "48,200 (46,900–50,100)".
func rateCell(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%s–%s)", rate(median(xs)), rate(slices.Min(xs)), rate(slices.Max(xs)))
}

// ratioCell writes ratios as their median and range: "1.81× (1.75–1.90)".
func ratioCell(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", median(xs), slices.Min(xs), slices.Max(xs))
}

// rate rounds a rate to three significant figures, with thousands
// separators: 48,200.
func rate(x float64) string {
	if x <= 0 {
		return "0"
	}
	unit := math.Pow(10, math.Max(0, math.Floor(math.Log10(x))-2))
	return thousands(int(math.Round(x/unit) * unit))
}

// formatDuration writes a latency in milliseconds, to 0.01 ms.
func formatDuration(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// thousands writes n with commas: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
