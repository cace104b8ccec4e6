package main

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// result is one way at one size.
type result struct {
	Rate          float64 // rows per second, of the fastest run
	Allocs, Bytes float64 // allocations and bytes allocated per row
	Peak, Above   float64 // bytes: the heap's peak during the call, whole and above its size before; 0 when not measured
}

// reps is how many timed runs a size gets: more for quick ones.
func reps(n int) int {
	switch {
	case n <= 100:
		return 20
	case n <= 1000:
		return 10
	case n <= 10_000:
		return 5
	}
	return 3
}

// measure runs op after prepare (untimed) runs times, keeping the fastest,
// then once more counting allocations and, with peak, sampling the heap.
func measure(n, runs int, peak bool, prepare, op func() error) (result, error) {
	var r result
	best := time.Duration(1 << 62)
	for range runs {
		if err := prepare(); err != nil {
			return r, err
		}
		start := time.Now()
		if err := op(); err != nil {
			return r, err
		}
		best = min(best, time.Since(start))
	}
	r.Rate = float64(n) / best.Seconds()

	if err := prepare(); err != nil {
		return r, err
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var sampler *heapSampler
	if peak {
		sampler = startHeapSampler()
	}
	err := op()
	if sampler != nil {
		r.Peak, r.Above = sampler.stop()
	}
	runtime.ReadMemStats(&after)
	r.Allocs = float64(after.Mallocs-before.Mallocs) / float64(n)
	r.Bytes = float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
	return r, err
}

// heapSampler reads the size of the heap's live and not yet swept objects
// every 200µs, and keeps the largest.
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
		tick := time.NewTicker(200 * time.Microsecond)
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
