package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

// The jobs that run generations.
const (
	// Kind is the job kind of a generation's run.
	Kind = "agents.generate"
	// Queue is the queue generations run in, apart from other work: model
	// calls take seconds. A worker must run it (jobs.Config.Queues).
	Queue = "agents"
	// MaxAttempts is how often a generation's job runs before it gives up
	// on a model that keeps failing (backoff 1s, 2s, 4s ... about 8 minutes
	// in all).
	MaxAttempts = 10
	// JobTimeout bounds one run: its model calls, repairs included.
	JobTimeout = 10 * time.Minute
	// MaxCallTimeout is the longest a model's call may take: a run's calls
	// (one, and up to two repairs) must fit in JobTimeout.
	MaxCallTimeout = JobTimeout / (defaultRepairs + 1) / 10 * 9
)

// A RequestOption changes how Request enqueues its jobs.
type RequestOption func(client **jobs.Client)

// WithJobs enqueues Request's jobs through client.
func WithJobs(client *jobs.Client) RequestOption {
	return func(c **jobs.Client) { *c = client }
}

// jobPayload is a generation job's payload. The job finds its generation
// by its own id (generations.job_id), within the owner's rows.
type jobPayload struct {
	OwnerID uuid.UUID `json:"owner_id" validate:"required"`
}

// ErrInvalidInput: an input breaks its type's validate rules.
var ErrInvalidInput = errors.New("invalid generation input")

// Request records one pending generation of agent a per input, owned by
// owner, with a job to run each, in one transaction on dbtx (a savepoint
// if dbtx is one already): one INSERT into jobs, one into generations. It
// returns the generations in input order at once; a worker carries them
// out. An input that breaks its validate rules is ErrInvalidInput, and
// nothing is written. The jobs are enqueued through a jobs.NewClient(),
// or the Client WithJobs gives (one with an Observer, say).
func Request[In, Out any](ctx context.Context, dbtx many.DBTX, a *Agent[In, Out], owner uuid.UUID, inputs []In, options ...RequestOption) ([]db.Generation, error) {
	if a.err != nil {
		return nil, a.err
	}
	if len(inputs) == 0 {
		return []db.Generation{}, nil
	}
	raw := make([]json.RawMessage, len(inputs))
	for i, in := range inputs {
		if reasons := brokenRules(in); len(reasons) > 0 {
			return nil, fmt.Errorf("%w: %s: input %d: %v", ErrInvalidInput, a.spec.Name, i, reasons)
		}
		var err error
		if raw[i], err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("%w: %s: input %d: %v", ErrInvalidInput, a.spec.Name, i, err)
		}
		if hasNUL(raw[i]) {
			return nil, fmt.Errorf("%w: %s: input %d holds the NUL character, which text cannot hold", ErrInvalidInput, a.spec.Name, i)
		}
	}
	client := jobs.NewClient()
	for _, option := range options {
		option(&client)
	}
	job := client.Job(Kind).Queue(Queue).Payload(jobPayload{OwnerID: owner}).MaxAttempts(MaxAttempts).Timeout(JobTimeout)
	batch := make([]jobs.Builder, len(inputs))
	for i := range batch {
		batch[i] = job
	}
	var out []db.Generation
	err := many.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		enqueued, err := client.EnqueueMany(ctx, tx, batch...)
		if err != nil {
			return err
		}
		rows := make([]db.NewGeneration, len(inputs))
		for i := range rows {
			rows[i] = db.NewGeneration{OwnerID: owner, Agent: a.spec.Name, Input: raw[i], JobID: &enqueued[i].ID}
		}
		out, err = db.InsertGenerations(ctx, tx, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("request %s generations: %w", a.spec.Name, err)
	}
	return out, nil
}
