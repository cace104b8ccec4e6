package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

// Client enqueues jobs, and reads, retries, cancels, reschedules and
// deletes them (admin.go). It holds no connection: every call takes the
// pool or transaction to work in. The zero Client is ready to use.
type Client struct {
	observer Observer // nil for none
}

// NewClient returns a Client with the options given.
func NewClient(options ...ClientOption) *Client {
	c := &Client{}
	for _, option := range options {
		option(c)
	}
	return c
}

// A ClientOption changes a Client NewClient makes.
type ClientOption func(*Client)

// WithObserver tells o of the jobs the Client enqueues (nil: none).
func WithObserver(o Observer) ClientOption { return func(c *Client) { c.observer = o } }

// Job starts a job of kind, to build with the fluent methods and Enqueue.
// Defaults: queue "default", priority 1 (runs first), 25 attempts, due now,
// not unique, the worker's timeout.
func (c *Client) Job(kind string) Builder { return Builder{client: c, job: store.NewJob{Kind: kind}} }

// Builder describes one job. Its methods return a changed copy, so a
// Builder can be shared and varied.
type Builder struct {
	client  *Client
	job     store.NewJob
	delay   time.Duration // In's, sent as the job's DelayMs
	timeout time.Duration // sent as its TimeoutMs
	err     error         // from Payload's marshalling
}

// Payload sets the job's payload: v as JSON.
func (b Builder) Payload(v any) Builder {
	raw, err := json.Marshal(v)
	if err != nil {
		b.err = fmt.Errorf("payload: %w", err)
		return b
	}
	b.job.Payload, b.err = raw, nil
	return b
}

// Queue puts the job in a queue; workers run queues with their own
// concurrency.
func (b Builder) Queue(queue string) Builder { b.job.Queue = queue; return b }

// Priority sets the priority, from 1 (runs first) to 4.
func (b Builder) Priority(p int16) Builder { b.job.Priority = p; return b }

// At schedules the job for t.
func (b Builder) At(t time.Time) Builder { b.job.RunAt, b.delay = &t, 0; return b }

// In schedules the job d after it is enqueued, on the database's clock.
func (b Builder) In(d time.Duration) Builder { b.job.RunAt, b.delay = nil, d; return b }

// MaxAttempts sets how many times the job may run before it is discarded.
func (b Builder) MaxAttempts(n int32) Builder { b.job.MaxAttempts = n; return b }

// UniqueBy gives the job a unique key: while a job of the same kind with
// that key is pending, running or completed (until pruned), enqueueing
// another returns that job. Put the period in the key for work that should
// run once per period ("digest:<user>:<day>"). A discarded or cancelled job
// frees its key.
func (b Builder) UniqueBy(key string) Builder { b.job.UniqueKey = key; return b }

// Timeout sets how long a run may take before its context is cancelled
// and the attempt fails; zero takes the worker's default.
func (b Builder) Timeout(d time.Duration) Builder { b.timeout = d; return b }

// Enqueue writes the job in dbtx: inside a transaction, it exists only if
// that transaction commits.
func (b Builder) Enqueue(ctx context.Context, dbtx many.DBTX) (Enqueued, error) {
	out, err := b.client.EnqueueMany(ctx, dbtx, b)
	if err != nil {
		return Enqueued{}, err
	}
	return out[0], nil
}

// EnqueueMany writes all jobs in one statement (per many.ChunkSize) and
// returns what became of each, in order. A job that breaks a rule is
// ErrInvalidJob, and nothing is written.
func (c *Client) EnqueueMany(ctx context.Context, dbtx many.DBTX, jobs ...Builder) ([]Enqueued, error) {
	in := make([]store.NewJob, len(jobs))
	for i, b := range jobs {
		if err := b.check(); err != nil {
			return nil, fmt.Errorf("enqueue: job %d (%q): %w", i, b.job.Kind, err)
		}
		in[i] = b.job
		in[i].DelayMs, in[i].TimeoutMs = b.delay.Milliseconds(), int32(b.timeout.Milliseconds()) // at most a day: check
	}
	out, err := store.EnqueueJobs(ctx, dbtx, in)
	if err == nil && c != nil && c.observer != nil {
		enqueued(ctx, c.observer, in, out)
	}
	return out, err
}

// Job limits, as the jobs table's CHECKs have them.
const (
	maxKindLen     = 100
	maxQueueLen    = 100
	maxUniqueLen   = 200
	maxAttemptsCap = 1000
	maxTimeout     = 24 * time.Hour
)

// check reports the first rule the job breaks, as ErrInvalidJob.
func (b Builder) check() error {
	j := b.job
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidJob, fmt.Sprintf(format, args...))
	}
	switch {
	case b.err != nil:
		return fmt.Errorf("%w: %v", ErrInvalidJob, b.err)
	case j.Kind == "" || utf8.RuneCountInString(j.Kind) > maxKindLen:
		return bad("kind must be 1 to %d characters", maxKindLen)
	case utf8.RuneCountInString(j.Queue) > maxQueueLen:
		return bad("queue must be at most %d characters", maxQueueLen)
	case j.Priority < 0 || j.Priority > 4:
		return bad("priority must be 1 (first) to 4, not %d", j.Priority)
	case j.MaxAttempts < 0 || j.MaxAttempts > maxAttemptsCap:
		return bad("max attempts must be 1 to %d, not %d", maxAttemptsCap, j.MaxAttempts)
	case utf8.RuneCountInString(j.UniqueKey) > maxUniqueLen:
		return bad("unique key must be at most %d characters", maxUniqueLen)
	case b.timeout < 0 || b.timeout > maxTimeout:
		return bad("timeout must be at most %v", maxTimeout)
	case b.delay < 0:
		return bad("In needs a delay of zero or more, not %v", b.delay)
	}
	return nil
}
