package jobs

import (
	"context"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// Observer is told what the queue does, for metrics and traces: the jobs
// a Client enqueues (WithObserver), and each run of a Worker
// (Config.Observer), its start and how it ended. Package
// github.com/larderhq/larder/telemetry implements it with OpenTelemetry.
//
// Its methods are called on the paths they observe, from many goroutines
// at once: they should be quick and must be safe for concurrent use. A
// Client or Worker without an Observer does no work for one.
type Observer interface {
	// JobsEnqueued is told of jobs an EnqueueMany (or Enqueue) wrote, once
	// per run of consecutive jobs of one kind and queue, when the
	// statement has returned: inside the caller's transaction, if any, so
	// jobs whose transaction then rolls back are told of too.
	JobsEnqueued(ctx context.Context, jobs EnqueuedJobs)
	// RunStarted is told of a run about to start, and returns the context
	// it goes on with: the handler's context is derived from it (a span
	// started here is the parent of the handler's), and RunEnded gets it.
	RunStarted(ctx context.Context, run Run) context.Context
	// RunEnded is told how a run ended, with the context RunStarted
	// returned. It is called once the handler has returned, before the
	// outcome is written (outcomes are written in batches).
	RunEnded(ctx context.Context, run Run, end RunEnd)
}

// EnqueuedJobs are jobs of one kind and queue an enqueue wrote.
type EnqueuedJobs struct {
	Kind  string
	Queue string // "default" for jobs given none
	// Written is how many jobs were written; Duplicates how many found
	// a job holding their unique key (Enqueued.Duplicate) and wrote
	// nothing.
	Written, Duplicates int
}

// Run is one run of a job, as an Observer sees it.
type Run struct {
	ID          int64
	Kind        string
	Queue       string
	Priority    int16
	Attempt     int32 // 1 on the first run
	MaxAttempts int32
	// RunAt is when the job was due (on the database's clock), StartedAt
	// when the worker started the run (on its own): StartedAt - RunAt is
	// how long the job waited in the queue once due.
	RunAt, StartedAt time.Time
}

// QueueLatency is how long the job waited in the queue once due: StartedAt
// - RunAt, zero when the clocks of the worker and the database disagree
// the other way.
func (r Run) QueueLatency() time.Duration { return max(r.StartedAt.Sub(r.RunAt), 0) }

// RunEnd is how a run ended.
type RunEnd struct {
	Outcome Outcome
	// Err is the error the job's history records for the attempt (a
	// timeout's or a panic's included), or, for a run that ended early
	// without a failure (shutdown, lease lost, cancelled on request), why;
	// nil for a completed or snoozed run.
	Err error
	// Duration is how long the run took, from RunStarted to the handler's
	// return (the payload's decoding and validation included).
	Duration time.Duration
}

// Outcome is what a run made of its job.
type Outcome uint8

// Outcomes of a run. Stats counts the first five.
const (
	OutcomeCompleted Outcome = iota + 1
	// OutcomeRetried: the attempt failed and the job runs again after a
	// delay.
	OutcomeRetried
	// OutcomeDiscarded: the attempt failed for good (its last attempt, or
	// a payload that does not decode or validate).
	OutcomeDiscarded
	// OutcomeCancelled: by the handler (Cancel) or on request
	// (Client.Cancel).
	OutcomeCancelled
	// OutcomeSnoozed: the handler returned Snooze; the attempt is given
	// back.
	OutcomeSnoozed
	// OutcomeShutdown: the worker stopped the run as it shut down; the job
	// goes back to the queue, the attempt given back.
	OutcomeShutdown
	// OutcomeLeaseLost: another worker has the job; nothing is recorded.
	OutcomeLeaseLost
)

var outcomeNames = [...]string{
	OutcomeCompleted: "completed", OutcomeRetried: "retried", OutcomeDiscarded: "discarded",
	OutcomeCancelled: "cancelled", OutcomeSnoozed: "snoozed", OutcomeShutdown: "shutdown", OutcomeLeaseLost: "lease_lost",
}

// String is the outcome's name: "completed", "retried", "discarded",
// "cancelled", "snoozed", "shutdown" or "lease_lost".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) && outcomeNames[o] != "" {
		return outcomeNames[o]
	}
	return "unknown"
}

// runOf describes a fetched job's run for an Observer.
func runOf(job store.FetchedJob, started time.Time) Run {
	return Run{
		ID: job.ID, Kind: job.Kind, Queue: job.Queue, Priority: job.Priority,
		Attempt: job.Attempt, MaxAttempts: job.MaxAttempts, RunAt: job.RunAt, StartedAt: started,
	}
}

// enqueued tells o what became of the jobs in (out, in order), once per
// run of consecutive jobs of one kind and queue.
func enqueued(ctx context.Context, o Observer, in []store.NewJob, out []Enqueued) {
	queueOf := func(j store.NewJob) string {
		if j.Queue == "" {
			return store.DefaultJobQueue
		}
		return j.Queue
	}
	var group EnqueuedJobs
	for i, j := range in {
		if q := queueOf(j); j.Kind != group.Kind || q != group.Queue {
			if i > 0 {
				o.JobsEnqueued(ctx, group)
			}
			group = EnqueuedJobs{Kind: j.Kind, Queue: q}
		}
		if out[i].Duplicate {
			group.Duplicates++
		} else {
			group.Written++
		}
	}
	if len(in) > 0 {
		o.JobsEnqueued(ctx, group)
	}
}
