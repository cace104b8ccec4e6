package jobs

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// complete records outcomes in batches: when finishBatch have gathered or
// finishEvery has passed, whichever comes first. When Run closes closing,
// it records the outcomes already sent, and returns.
func (w *Worker) complete() {
	batch := make([]store.JobOutcome, 0, finishBatch)
	tick := time.NewTicker(finishEvery)
	defer tick.Stop()
	flush := func() {
		if len(batch) > 0 {
			w.finish(batch)
			batch = batch[:0]
		}
	}
	add := func(o store.JobOutcome) {
		if batch = append(batch, o); len(batch) == finishBatch {
			flush()
		}
	}
	for {
		select {
		case o := <-w.outcomes:
			add(o)
		case <-tick.C:
			flush()
		case <-w.closing:
			for {
				select {
				case o := <-w.outcomes:
					add(o)
				default:
					flush()
					return
				}
			}
		}
	}
}

// finish writes a batch of outcomes, retrying a while if the database is
// out of reach; the lease keeper renews the jobs' leases meanwhile. Outcomes
// it cannot write are not lost work: their jobs' leases expire and the jobs
// are rescued.
func (w *Worker) finish(batch []store.JobOutcome) {
	defer w.recorded(batch)
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), w.cfg.LeaseDuration)
		_, err := store.FinishJobs(ctx, w.bookkeeping, batch)
		cancel()
		if err == nil {
			return
		}
		if attempt == 5 {
			w.log.Error("recording outcomes failed; their jobs will be rescued when their leases expire", "jobs", len(batch), "error", err)
			return
		}
		w.log.Warn("recording outcomes failed; retrying", "jobs", len(batch), "error", err)
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
}

// Stats are a worker's counts since it started.
type Stats struct {
	Completed int64 `json:"completed"`
	Retried   int64 `json:"retried"`   // failed attempts with attempts left
	Discarded int64 `json:"discarded"` // failed for good
	Cancelled int64 `json:"cancelled"`
	Snoozed   int64 `json:"snoozed"`
	Running   int   `json:"running"`
}

type counters struct {
	completed, retried, discarded, cancelled, snoozed atomic.Int64
}

// Stats returns the worker's counts so far.
func (w *Worker) Stats() Stats {
	return Stats{
		Completed: w.stats.completed.Load(), Retried: w.stats.retried.Load(), Discarded: w.stats.discarded.Load(),
		Cancelled: w.stats.cancelled.Load(), Snoozed: w.stats.snoozed.Load(), Running: w.running(),
	}
}
