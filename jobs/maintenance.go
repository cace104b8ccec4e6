package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

// maintain runs the queue's upkeep until ctx ends: rescuing jobs of dead
// workers, pruning finished jobs, enqueueing periodic jobs. Every worker
// runs it; each task is safe to run in many at once.
func (w *Worker) maintain(ctx context.Context) {
	scheduled := w.ensureSchedules(ctx)
	w.rescue(ctx)
	rescue := time.NewTicker(w.cfg.LeaseDuration / 2)
	prune := time.NewTicker(pruneEvery)
	schedule := time.NewTicker(scheduleEvery)
	defer rescue.Stop()
	defer prune.Stop()
	defer schedule.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-rescue.C:
			w.rescue(ctx)
		case <-prune.C:
			w.prune(ctx)
		case <-schedule.C:
			if !scheduled {
				scheduled = w.ensureSchedules(ctx)
			}
			w.enqueuePeriodic(ctx)
		}
	}
}

// rescue puts back the jobs whose lease expired, batch by batch.
func (w *Worker) rescue(ctx context.Context) {
	for {
		rescued, err := store.RescueJobs(ctx, w.bookkeeping, rescueBatch)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("rescuing jobs failed", "error", err)
			}
			return
		}
		if len(rescued) > 0 {
			w.log.Warn("rescued jobs whose worker stopped renewing their lease", "jobs", len(rescued))
			w.wakeAll()
		}
		if len(rescued) < rescueBatch {
			return
		}
	}
}

// prune deletes jobs finished longer than Retention ago, batch by batch.
func (w *Worker) prune(ctx context.Context) {
	before := time.Now().Add(-w.cfg.Retention)
	for {
		n, err := store.PruneJobs(ctx, w.bookkeeping, before, pruneBatch)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("pruning jobs failed", "error", err)
			}
			return
		}
		if n > 0 {
			w.log.Info("pruned finished jobs", "jobs", n)
		}
		if n < pruneBatch {
			return
		}
	}
}

// ensureSchedules adds the worker's periodic jobs to job_schedules, due at
// their next time; schedules already there keep theirs. It reports whether
// that worked.
func (w *Worker) ensureSchedules(ctx context.Context) bool {
	if len(w.periodic) == 0 {
		return true
	}
	now := time.Now()
	in := make([]store.JobSchedule, 0, len(w.periodic))
	for name, p := range w.periodic {
		in = append(in, store.JobSchedule{Name: name, NextRunAt: p.next(now)})
	}
	if _, err := store.EnsureJobSchedules(ctx, w.pool, in); err != nil {
		if ctx.Err() == nil {
			w.log.Error("recording periodic schedules failed; retrying at the next tick", "error", err)
		}
		return false
	}
	return true
}

// enqueuePeriodic enqueues the jobs of the due schedules and moves each to
// its next time, in one transaction: the rows stay locked until it
// commits, so no other worker enqueues the same period.
func (w *Worker) enqueuePeriodic(ctx context.Context) {
	if len(w.periodic) == 0 {
		return
	}
	names := make([]string, 0, len(w.periodic))
	for name := range w.periodic {
		names = append(names, name)
	}
	err := many.WithTx(ctx, w.pool, func(tx pgx.Tx) error {
		due, err := store.ClaimDueJobSchedules(ctx, tx, names)
		if err != nil || len(due) == 0 {
			return err
		}
		jobs := make([]Builder, len(due))
		moved := make([]store.JobSchedule, len(due))
		for i, s := range due {
			p := w.periodic[s.Name]
			jobs[i] = p.job
			if p.job.job.UniqueKey == "" {
				jobs[i] = p.job.UniqueBy("period:" + s.NextRunAt.UTC().Format(time.RFC3339))
			}
			moved[i] = store.JobSchedule{Name: s.Name, NextRunAt: p.next(later(s.Now, s.NextRunAt))}
		}
		if _, err := NewClient(WithObserver(w.cfg.Observer)).EnqueueMany(ctx, tx, jobs...); err != nil {
			return err
		}
		_, err = store.UpdateJobSchedules(ctx, tx, moved)
		return err
	})
	if err != nil && ctx.Err() == nil {
		w.log.Error("enqueueing periodic jobs failed; retrying at the next tick", "error", err)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
