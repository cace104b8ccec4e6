package main

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"time"
)

// result is one way at one size.
type result struct {
	Times         []time.Duration // every timed run, round by round
	Allocs, Bytes float64         // allocations and bytes allocated per row
	Peak, Above   float64         // bytes: the heap's peak during the call, whole and above its size before; 0 when not measured
	ServerCPU     float64         // nanoseconds of PostgreSQL's CPU per row, the least of a few untimed runs; 0 when not read
}

// rate is rows per second in the fastest of r's runs of n rows.
func (r result) rate(n int) float64 {
	return float64(n) / slices.Min(r.Times).Seconds()
}

// reps is how many timed runs a size gets: more for quick ones. Fifteen
// at 10,000 rows, the size most targets are set at: on a machine shared
// with other work, ratios of nine rounds still moved by a tenth from one
// report to the next. Five at 100,000: with three, the fastest of one way
// moved by a fifth. A per-row way runs once at 100,000 rows (it takes half
// a minute).
func reps(n int, perRow bool) int {
	switch {
	case perRow && n >= 100_000:
		return 1
	case n <= 100:
		return 20
	case n <= 1000:
		return 10
	case n <= 10_000:
		return 15
	}
	return 5
}

// trial is one way at one size: prepare readies the table (untimed), op is
// timed.
type trial struct {
	way         string
	runs        int
	prepare, op func() error
}

// measure times trials round robin, each round running every trial that
// has runs left, so that a slow spell of the machine falls on all the ways
// alike, and keeps every run's time, round by round (report.ratio pairs
// them). settle runs after prepare, untimed, to start every run from the
// same state. Each trial then runs once more, counting allocations and,
// with peak, sampling the heap; and with server (nil for none) a few more
// times for the least CPU time PostgreSQL spends on a run (untimed:
// reading /proc between timed runs slowed the runs themselves).
func measure(n int, trials []trial, peak bool, settle func() error, server *serverCPU) (map[string]result, error) {
	times := map[string][]time.Duration{}
	for round := 0; ; round++ {
		ran := false
		for _, t := range trials {
			if round >= t.runs {
				continue
			}
			ran = true
			if err := t.prepare(); err != nil {
				return nil, fmt.Errorf("%s: %w", t.way, err)
			}
			if err := settle(); err != nil {
				return nil, err
			}
			start := time.Now()
			if err := t.op(); err != nil {
				return nil, fmt.Errorf("%s: %w", t.way, err)
			}
			times[t.way] = append(times[t.way], time.Since(start))
		}
		if !ran {
			break
		}
	}
	results := map[string]result{}
	for _, t := range trials {
		r := result{Times: times[t.way]}
		if err := t.prepare(); err != nil {
			return nil, fmt.Errorf("%s: %w", t.way, err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var sampler *heapSampler
		if peak {
			sampler = startHeapSampler()
		}
		err := t.op()
		if sampler != nil {
			r.Peak, r.Above = sampler.stop()
		}
		runtime.ReadMemStats(&after)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.way, err)
		}
		if server != nil {
			used, err := leastServerCPU(t, min(cpuRuns, t.runs), settle, server)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.way, err)
			}
			r.ServerCPU = float64(used) / float64(n)
		}
		r.Allocs = float64(after.Mallocs-before.Mallocs) / float64(n)
		r.Bytes = float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
		results[t.way] = r
	}
	return results, nil
}

// cpuRuns is how many untimed runs of a way its server CPU time is the
// least of (fewer for a way with fewer timed runs).
const cpuRuns = 5

// leastServerCPU runs t runs times, untimed, each after prepare and
// settle, and returns the least CPU time PostgreSQL spent on a run.
func leastServerCPU(t trial, runs int, settle func() error, server *serverCPU) (time.Duration, error) {
	var least time.Duration
	for i := range runs {
		if err := t.prepare(); err != nil {
			return 0, err
		}
		if err := settle(); err != nil {
			return 0, err
		}
		before, err := server.total()
		if err != nil {
			return 0, err
		}
		if err := t.op(); err != nil {
			return 0, err
		}
		after, err := server.total()
		if err != nil {
			return 0, err
		}
		if used := after - before; i == 0 || used < least {
			least = used
		}
	}
	return least, nil
}

// heldBy is the heap that what f returns keeps: the live heap with it less
// the live heap once it is dropped. Each side collects twice, the second
// time to drop what sync.Pools (pgx keeps its buffers in some) still hold.
func heldBy(f func() (any, error)) (float64, error) {
	v, err := f()
	collect := func() uint64 {
		runtime.GC()
		runtime.GC()
		return heapNow()
	}
	with := collect()
	runtime.KeepAlive(v)
	without := collect()
	return float64(with) - float64(without), err
}

// sampleEvery is how often a heapSampler reads the heap.
const sampleEvery = 200 * time.Microsecond

// heapSampler reads the size of the heap's live and not yet swept objects
// every sampleEvery, and keeps the largest.
type heapSampler struct {
	base, max uint64
	done      chan struct{}
	wg        sync.WaitGroup
}

const heapObjects = "/memory/classes/heap/objects:bytes"

func heapNow() uint64 {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{base: heapNow(), done: make(chan struct{})}
	h.max = h.base
	h.wg.Go(func() {
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-tick.C:
				h.max = max(h.max, heapNow())
			}
		}
	})
	return h
}

// stop returns the peak, whole and above the heap when sampling started.
func (h *heapSampler) stop() (peak, above float64) {
	close(h.done)
	h.wg.Wait()
	h.max = max(h.max, heapNow())
	return float64(h.max), float64(h.max - h.base)
}
