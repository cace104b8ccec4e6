package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// execute runs one job under its timeout and decides its outcome; ok is
// false when there is nothing to record (the job is no longer the
// worker's). The Observer, if any, is told of the run's start and end.
func (w *Worker) execute(ctx context.Context, job store.FetchedJob) (store.JobOutcome, bool) {
	if w.cfg.Observer != nil {
		return w.observed(ctx, job)
	}
	outcome, end := w.timed(ctx, job)
	return outcome, end.Outcome != OutcomeLeaseLost
}

// observed is execute with an Observer.
func (w *Worker) observed(ctx context.Context, job store.FetchedJob) (store.JobOutcome, bool) {
	run := runOf(job, time.Now())
	ctx = w.cfg.Observer.RunStarted(ctx, run)
	outcome, end := w.timed(ctx, job)
	end.Duration = time.Since(run.StartedAt)
	w.cfg.Observer.RunEnded(ctx, run, end)
	return outcome, end.Outcome != OutcomeLeaseLost
}

// timed runs one job under its timeout.
func (w *Worker) timed(ctx context.Context, job store.FetchedJob) (store.JobOutcome, RunEnd) {
	timeout := w.cfg.JobTimeout
	if job.TimeoutMs != nil {
		timeout = time.Duration(*job.TimeoutMs) * time.Millisecond
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("timed out after %v", timeout))
	defer cancel()

	var err error
	if h, ok := w.handlers[job.Kind]; ok {
		err = call(ctx, h, job)
	} else {
		err = fmt.Errorf("no handler for kind %q on worker %s", job.Kind, w.cfg.ID)
	}
	return w.outcome(job, err, context.Cause(ctx))
}

// call runs a handler, turning a panic into an error with its stack.
func call(ctx context.Context, h handler, job store.FetchedJob) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: string(debug.Stack())}
		}
	}()
	return h(ctx, job)
}

type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// outcome turns how a run ended (its handler's error, and why its context
// ended, if it did) into what the job becomes, and into how the run ended
// for Stats and the Observer (with no Duration).
func (w *Worker) outcome(job store.FetchedJob, err, cause error) (store.JobOutcome, RunEnd) {
	o := store.JobOutcome{ID: job.ID, Attempt: job.Attempt}
	var snooze *snoozeError
	var cancelled *cancelError
	var payload *payloadError
	switch {
	case err == nil:
		o.State = store.JobStateCompleted
		w.stats.completed.Add(1)
		return o, RunEnd{Outcome: OutcomeCompleted}
	case errors.Is(cause, ErrLeaseLost):
		return o, RunEnd{Outcome: OutcomeLeaseLost, Err: cause}
	case errors.Is(cause, ErrShutdown):
		// Not the job's fault: back to the queue, the attempt given back.
		o.State, o.Snoozed = store.JobStatePending, true
		return o, RunEnd{Outcome: OutcomeShutdown, Err: cause}
	case errors.Is(cause, ErrCancelRequested):
		o.State, o.Error = store.JobStateCancelled, attemptError(job, ErrCancelRequested)
		w.stats.cancelled.Add(1)
		return o, RunEnd{Outcome: OutcomeCancelled, Err: ErrCancelRequested}
	case errors.As(err, &snooze):
		o.State, o.Delay, o.Snoozed = store.JobStatePending, snooze.d, true
		w.stats.snoozed.Add(1)
		return o, RunEnd{Outcome: OutcomeSnoozed}
	case errors.As(err, &cancelled):
		o.State, o.Error = store.JobStateCancelled, attemptError(job, err)
		w.stats.cancelled.Add(1)
		return o, RunEnd{Outcome: OutcomeCancelled, Err: err}
	case errors.As(err, &payload):
		o.State, o.Error = store.JobStateDiscarded, attemptError(job, err)
		w.stats.discarded.Add(1)
		w.log.Error("job discarded: its payload cannot be run", "job", job.ID, "kind", job.Kind, "error", err)
		return o, RunEnd{Outcome: OutcomeDiscarded, Err: err}
	}
	if cause != nil && !errors.Is(err, cause) {
		err = fmt.Errorf("%w: %w", cause, err) // a timeout, say
	}
	o.Error = attemptError(job, err)
	if job.Attempt >= job.MaxAttempts {
		o.State = store.JobStateDiscarded
		w.stats.discarded.Add(1)
		w.log.Error("job discarded after its last attempt", "job", job.ID, "kind", job.Kind, "attempt", job.Attempt, "error", err)
		return o, RunEnd{Outcome: OutcomeDiscarded, Err: err}
	}
	o.State, o.Delay = store.JobStatePending, w.cfg.Backoff(job.Attempt)
	var after *retryAfterError
	if errors.As(err, &after) {
		o.Delay = max(after.d, 0)
	}
	w.stats.retried.Add(1)
	w.log.Warn("job failed; it will be retried", "job", job.ID, "kind", job.Kind, "attempt", job.Attempt, "retry_in", o.Delay, "error", err)
	return o, RunEnd{Outcome: OutcomeRetried, Err: err}
}

// attemptError is an entry of a job's error history.
func attemptError(job store.FetchedJob, err error) json.RawMessage {
	entry := struct {
		Attempt int32     `json:"attempt"`
		Error   string    `json:"error"`
		At      time.Time `json:"at"`
		Trace   string    `json:"trace,omitempty"`
	}{Attempt: job.Attempt, Error: storable(err.Error()), At: time.Now().UTC()}
	var p *panicError
	if errors.As(err, &p) {
		entry.Trace = storable(p.stack)
	}
	raw, _ := json.Marshal(entry) // strings and a time: cannot fail
	return raw
}

// storable makes text fit for the jobs table's jsonb, which refuses the
// NUL character (json.Marshal already replaces invalid UTF-8).
func storable(s string) string { return strings.ReplaceAll(s, "\x00", "") }
