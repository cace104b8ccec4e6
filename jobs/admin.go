package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

// Row is a job as the jobs table holds it: its state, attempts, error
// history (Errors, a JSON array of {"attempt", "error", "at", "trace"}) and
// times.
type Row = store.Job

// State is where a job is in its life.
type State = store.JobState

// The states of a job.
const (
	StatePending   = store.JobStatePending   // waiting for its run_at, or to be fetched
	StateRunning   = store.JobStateRunning   // a worker holds it
	StateCompleted = store.JobStateCompleted // its handler succeeded
	StateCancelled = store.JobStateCancelled // asked to stop, or its handler said so
	StateDiscarded = store.JobStateDiscarded // out of attempts, or its payload cannot run
)

// States returns every state, in the order of a job's life.
func States() []State { return store.AllJobStates() }

// Count is how many jobs a queue has in a state.
type Count = store.JobCount

// QueueStats is what a queue did in a window of time: jobs finished by
// state, and the median and 99th percentile of their wait (due to
// started) and run time, in milliseconds.
type QueueStats = store.QueueStats

// Filter selects jobs for the Client's calls: by IDs, or by kind, queue,
// state and when they were enqueued (CreatedFrom inclusive, CreatedBefore
// exclusive), or both (the jobs of IDs that also match the rest). A zero
// field does not filter.
type Filter struct {
	IDs           []int64   `json:"ids,omitempty"`
	Kind          string    `json:"kind,omitempty"`
	Queue         string    `json:"queue,omitempty"`
	State         State     `json:"state,omitempty"`
	CreatedFrom   time.Time `json:"created_from,omitzero"`
	CreatedBefore time.Time `json:"created_before,omitzero"`
}

// ErrEmptyFilter: a call that changes jobs was given a filter that
// selects every job. Name the jobs, or a state, a kind, a queue or a time.
var ErrEmptyFilter = errors.New("the filter selects every job: give ids, a kind, a queue, a state or a time range")

// ErrInvalidFilter: a filter's state is not a state, or its time range is
// empty.
var ErrInvalidFilter = errors.New("invalid filter")

func (f Filter) empty() bool {
	return len(f.IDs) == 0 && f.Kind == "" && f.Queue == "" && f.State == "" && f.CreatedFrom.IsZero() && f.CreatedBefore.IsZero()
}

func (f Filter) check() error {
	switch {
	case f.State != "" && !f.State.Valid():
		return fmt.Errorf("%w: %q is not a state (%v)", ErrInvalidFilter, f.State, States())
	case !f.CreatedFrom.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedFrom.Before(f.CreatedBefore):
		return fmt.Errorf("%w: created_from must come before created_before", ErrInvalidFilter)
	}
	return nil
}

// matches reports whether row passes the filter's fields other than IDs.
func (f Filter) matches(row *Row) bool {
	return (f.Kind == "" || row.Kind == f.Kind) && (f.Queue == "" || row.Queue == f.Queue) &&
		(f.State == "" || row.State == f.State) &&
		(f.CreatedFrom.IsZero() || !row.CreatedAt.Before(f.CreatedFrom)) &&
		(f.CreatedBefore.IsZero() || row.CreatedAt.Before(f.CreatedBefore))
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Get returns the jobs with the given ids, in their order; ids of no job
// are left out.
func (c *Client) Get(ctx context.Context, dbtx many.DBTX, ids ...int64) ([]Row, error) {
	return store.SelectJobs(ctx, dbtx, ids)
}

// List returns a page of the jobs f selects, oldest first: at most limit
// (many.DefaultPageSize for 0, at most many.MaxPageSize), and the cursor
// of the next page, empty on the last.
func (c *Client) List(ctx context.Context, dbtx many.DBTX, f Filter, after many.Cursor, limit int) (many.Page[Row], error) {
	if err := f.check(); err != nil {
		return many.Page[Row]{}, err
	}
	if len(f.IDs) > 0 {
		rows, err := c.selected(ctx, dbtx, f)
		return many.Page[Row]{Items: rows}, err
	}
	return store.ListJobs(ctx, dbtx, c.listFilter(f, after, limit))
}

func (c *Client) listFilter(f Filter, after many.Cursor, limit int) store.JobFilter {
	return store.JobFilter{Kind: nonEmpty(f.Kind), Queue: nonEmpty(f.Queue), State: nonEmpty(string(f.State)),
		CreatedFrom: nonZero(f.CreatedFrom), CreatedBefore: nonZero(f.CreatedBefore), After: after, Limit: limit}
}

// selected returns the jobs of f.IDs that match the rest of f.
func (c *Client) selected(ctx context.Context, dbtx many.DBTX, f Filter) ([]Row, error) {
	rows, err := store.SelectJobs(ctx, dbtx, f.IDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r Row) bool { return !f.matches(&r) }), nil
}

// Retry puts the finished jobs f selects (discarded, cancelled or
// completed) back to pending, due now, and returns them: their history is
// kept, and a job out of attempts gets one more. A job whose unique key
// another job now holds is left alone, as are pending and running jobs.
func (c *Client) Retry(ctx context.Context, dbtx many.DBTX, f Filter) ([]Row, error) {
	return c.change(ctx, dbtx, "retry", f, store.RetryJobs)
}

// Cancel cancels the jobs f selects and returns those it reached: a
// pending one is cancelled at once; a running one is asked to stop, and
// its worker cancels the run's context and records it cancelled (it is
// returned still running). Finished jobs are left alone.
func (c *Client) Cancel(ctx context.Context, dbtx many.DBTX, f Filter) ([]Row, error) {
	return c.change(ctx, dbtx, "cancel", f, store.CancelJobs)
}

// Delete deletes the jobs f selects that no worker holds (running ones
// are left alone) and returns them.
func (c *Client) Delete(ctx context.Context, dbtx many.DBTX, f Filter) ([]Row, error) {
	return c.change(ctx, dbtx, "delete", f, store.DeleteJobs)
}

// Reschedule makes the pending jobs f selects due at at, and returns them;
// jobs in other states are left alone.
func (c *Client) Reschedule(ctx context.Context, dbtx many.DBTX, f Filter, at time.Time) ([]Row, error) {
	return c.change(ctx, dbtx, "reschedule", f, func(ctx context.Context, dbtx many.DBTX, ids []int64) ([]Row, error) {
		patches := make([]store.JobPatch, len(ids))
		for i, id := range ids {
			patches[i] = store.JobPatch{ID: id, RunAt: many.Set(at)}
		}
		return store.UpdateJobs(ctx, dbtx, patches)
	})
}

// change applies a many-first change by ids to the jobs f selects: its
// ids as they are, or page after page of the jobs matching it, in one
// transaction (a savepoint in dbtx's).
func (c *Client) change(ctx context.Context, dbtx many.DBTX, op string, f Filter, apply func(context.Context, many.DBTX, []int64) ([]Row, error)) ([]Row, error) {
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%s jobs: %w", op, err)
	}
	if f.empty() {
		return nil, fmt.Errorf("%s jobs: %w", op, ErrEmptyFilter)
	}
	changed := []Row{}
	err := many.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		var after many.Cursor
		for {
			var page many.Page[Row]
			var err error
			if len(f.IDs) > 0 {
				page.Items, err = c.selected(ctx, tx, f)
			} else {
				page, err = store.ListJobs(ctx, tx, c.listFilter(f, after, many.MaxPageSize))
			}
			if err != nil {
				return err
			}
			ids := make([]int64, len(page.Items))
			for i, r := range page.Items {
				ids[i] = r.ID
			}
			rows, err := apply(ctx, tx, ids)
			if err != nil {
				return err
			}
			changed = append(changed, rows...)
			if page.Next == "" {
				return nil
			}
			after = page.Next
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s jobs: %w", op, err)
	}
	return changed, nil
}

// Counts returns how many jobs each queue has in each state (states with
// none left out).
func (c *Client) Counts(ctx context.Context, dbtx many.DBTX) ([]Count, error) {
	return store.CountJobs(ctx, dbtx)
}

// Stats returns what each queue did in the last window: the jobs that
// finished in it by state, their wait and run times.
func (c *Client) Stats(ctx context.Context, dbtx many.DBTX, window time.Duration) ([]QueueStats, error) {
	return store.JobStats(ctx, dbtx, window)
}
