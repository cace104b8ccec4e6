// Package jobs is Larder's job queue, kept in PostgreSQL so that enqueueing
// is part of the transaction that makes the work necessary: a job enqueued
// in a transaction exists only if that transaction commits.
//
// Work flows in through a Client:
//
//	client.Job("pantry.expiry-digest").Payload(p).Queue("default").Priority(2).
//		In(time.Hour).MaxAttempts(5).UniqueBy("user:123").Enqueue(ctx, tx)
//
// (EnqueueMany writes any number of jobs in one statement), and out through
// a Worker, which runs the handlers of a Registry:
//
//	jobs.Handle(registry, "pantry.expiry-digest", func(ctx context.Context, job jobs.Job[Digest]) error { ... })
//
// The worker claims due jobs in batches (FOR UPDATE SKIP LOCKED, highest
// priority first, then oldest), wakes on LISTEN/NOTIFY sent by enqueues at
// commit and polls as a fallback, runs each job in its own goroutine under
// a lease it keeps renewing, and records outcomes in batches. A handler
// returns nil (done), an error (retried with exponential backoff and
// jitter, discarded with its error history once out of attempts),
// RetryAfter(d, err) (the same, retried after d), Cancel(err) (stop
// retrying) or Snooze(d) (run again after d without using an attempt); a panic is recovered and recorded as a failed attempt with
// its stack. Jobs of a worker that died are rescued when their lease
// expires. Maintenance (rescue, pruning finished jobs, enqueueing periodic
// jobs once per period) runs in every worker and is safe to run in many.
package jobs

import (
	"errors"
	"fmt"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// Job is one run of a job, as its handler sees it: the payload decoded
// into P and validated.
type Job[P any] struct {
	ID          int64
	Kind        string
	Queue       string
	Priority    int16
	Attempt     int32 // 1 on the first run
	MaxAttempts int32
	EnqueuedAt  time.Time
	Payload     P
}

// Enqueued is what became of a job given to Enqueue: written, or (with a
// unique key a pending, running or completed job held) that job, Duplicate.
type Enqueued = store.EnqueuedJob

// Cancel tells the worker to stop retrying: the job ends cancelled, with
// err in its history.
func Cancel(err error) error { return &cancelError{err} }

type cancelError struct{ err error }

func (e *cancelError) Error() string { return fmt.Sprintf("cancelled: %v", e.err) }
func (e *cancelError) Unwrap() error { return e.err }

// Snooze tells the worker to run the job again after d without counting
// this run as an attempt.
func Snooze(d time.Duration) error { return &snoozeError{d} }

type snoozeError struct{ d time.Duration }

func (e *snoozeError) Error() string { return fmt.Sprintf("snoozed for %v", e.d) }

// RetryAfter fails the attempt as err does, but the retry (if attempts
// remain) comes after d rather than after the backoff: for a service that
// said when to come back (HTTP 429 with Retry-After, say).
func RetryAfter(d time.Duration, err error) error { return &retryAfterError{d, err} }

type retryAfterError struct {
	d   time.Duration
	err error
}

func (e *retryAfterError) Error() string { return fmt.Sprintf("%v (retry after %v)", e.err, e.d) }
func (e *retryAfterError) Unwrap() error { return e.err }

// ErrInvalidJob is returned by Enqueue for a job that breaks a rule (an
// empty kind, a priority outside 1-4...); nothing is written.
var ErrInvalidJob = errors.New("invalid job")
