package integration

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/tests/testdb"
)

// The Client's admin calls: retry, cancel, delete and reschedule by ids
// or by filter, each returning what it changed; list, stats.

// finishAs puts jobs in a finished state, as runs would have.
func finishAs(t *testing.T, b bundle, state jobs.State, ids ...int64) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `UPDATE jobs SET state = $1::text::job_state, attempt = max_attempts, finished_at = now(),
		errors = '[{"attempt": 1, "error": "boom"}]' WHERE id = ANY($2)`, string(state), ids)
	require.NoError(t, err)
}

func TestRetryPutsFinishedJobsBackAndTheyRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	enq, err := client.EnqueueMany(b.ctx, b.pool,
		client.Job("admin.work").MaxAttempts(1), client.Job("admin.work"), client.Job("admin.work").UniqueBy("k"), client.Job("admin.work"))
	require.NoError(t, err)
	discarded, pending, unique, cancelled := enq[0].ID, enq[1].ID, enq[2].ID, enq[3].ID
	finishAs(t, b, jobs.StateDiscarded, discarded, unique)
	finishAs(t, b, jobs.StateCancelled, cancelled)
	holder, err := client.Job("admin.work").UniqueBy("k").Enqueue(b.ctx, b.pool) // now holds the key
	require.NoError(t, err)
	require.False(t, holder.Duplicate)

	retried, err := client.Retry(b.ctx, b.pool, jobs.Filter{IDs: []int64{discarded, pending, unique, cancelled}})

	require.NoError(t, err)
	require.Equal(t, []int64{discarded, cancelled}, rowIDs(retried), "a pending job, and one whose key another holds, are left alone")
	for _, r := range retried {
		require.Equal(t, jobs.StatePending, r.State)
		require.Nil(t, r.FinishedAt)
		require.JSONEq(t, `[{"attempt": 1, "error": "boom"}]`, string(r.Errors), "the history is kept")
		require.Greater(t, r.MaxAttempts, r.Attempt, "one attempt more")
	}
	ran := make(chan int64, 4)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "admin.work", func(_ context.Context, job jobs.Job[struct{}]) error { ran <- job.ID; return nil })
	runWorker(t, b.pool, reg, quick(t))
	testdb.Eventually(t, "the retried jobs completed", func() bool { return allIn(t, b, store.JobStateCompleted, discarded, cancelled) })
	require.True(t, allIn(t, b, store.JobStateDiscarded, unique))
}

func TestAdminCallsByFilterTakeEveryPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	const n = 1005 // more than a page
	batch := make([]jobs.Builder, n)
	for i := range batch {
		batch[i] = client.Job("admin.mass").Queue("mass")
	}
	enq, err := client.EnqueueMany(b.ctx, b.pool, batch...)
	require.NoError(t, err)
	ids := enqueuedIDs(enq)
	other, err := client.Job("admin.other").Queue("mass").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	finishAs(t, b, jobs.StateDiscarded, append(ids, other.ID)...)
	since := time.Now().Add(-time.Hour)

	retried, err := client.Retry(b.ctx, b.pool, jobs.Filter{Kind: "admin.mass", State: jobs.StateDiscarded, CreatedFrom: since})
	require.NoError(t, err)
	require.Equal(t, ids, rowIDs(retried), "every discarded job of the kind, in id order, across pages")
	require.True(t, allIn(t, b, store.JobStateDiscarded, other.ID), "another kind is not retried")

	at := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	moved, err := client.Reschedule(b.ctx, b.pool, jobs.Filter{Queue: "mass", State: jobs.StatePending}, at)
	require.NoError(t, err)
	require.Len(t, moved, n)
	require.True(t, moved[n-1].RunAt.Equal(at))

	cancelled, err := client.Cancel(b.ctx, b.pool, jobs.Filter{Queue: "mass"})
	require.NoError(t, err)
	require.Len(t, cancelled, n, "the discarded job of the other kind is finished: left alone")

	deleted, err := client.Delete(b.ctx, b.pool, jobs.Filter{Queue: "mass", State: jobs.StateCancelled})
	require.NoError(t, err)
	require.Len(t, deleted, n)
	left, err := client.List(b.ctx, b.pool, jobs.Filter{Queue: "mass"}, "", 0)
	require.NoError(t, err)
	require.Equal(t, []int64{other.ID}, rowIDs(left.Items))

	none, err := client.Retry(b.ctx, b.pool, jobs.Filter{Queue: "mass", CreatedBefore: since})
	require.NoError(t, err)
	require.Empty(t, none, "nothing enqueued before the range")
	require.NotNil(t, none, "empty, not nil")
}

func TestAdminCallsRefuseFiltersThatSelectEverythingOrNothingSensible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	_, err := client.Job("admin.kept").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	for name, call := range map[string]func(jobs.Filter) error{
		"retry":      func(f jobs.Filter) error { _, err := client.Retry(b.ctx, b.pool, f); return err },
		"cancel":     func(f jobs.Filter) error { _, err := client.Cancel(b.ctx, b.pool, f); return err },
		"delete":     func(f jobs.Filter) error { _, err := client.Delete(b.ctx, b.pool, f); return err },
		"reschedule": func(f jobs.Filter) error { _, err := client.Reschedule(b.ctx, b.pool, f, time.Now()); return err },
	} {
		require.ErrorIs(t, call(jobs.Filter{}), jobs.ErrEmptyFilter, name)
		require.ErrorIs(t, call(jobs.Filter{State: "lost"}), jobs.ErrInvalidFilter, name)
		now := time.Now()
		require.ErrorIs(t, call(jobs.Filter{CreatedFrom: now, CreatedBefore: now}), jobs.ErrInvalidFilter, name)
	}
	require.Equal(t, 1, count(t, b, "jobs"), "nothing changed")
	all, err := client.List(b.ctx, b.pool, jobs.Filter{}, "", 0)
	require.NoError(t, err)
	require.Len(t, all.Items, 1, "listing everything is fine")
}

func TestStatsSayWhatEachQueueDid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "admin.ok", func(context.Context, jobs.Job[struct{}]) error { time.Sleep(20 * time.Millisecond); return nil })
	jobs.Handle(reg, "admin.bad", func(context.Context, jobs.Job[struct{}]) error { return errors.New("boom") })
	_, err := client.EnqueueMany(b.ctx, b.pool, client.Job("admin.ok"), client.Job("admin.ok"), client.Job("admin.bad").MaxAttempts(1))
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))
	testdb.Eventually(t, "every job finished", func() bool { return allDone(t, b) })

	stats, err := client.Stats(b.ctx, b.pool, time.Minute)
	require.NoError(t, err)
	require.Len(t, stats, 1)
	s := stats[0]
	require.Equal(t, "default", s.Queue)
	require.Equal(t, [3]int64{2, 1, 0}, [3]int64{s.Completed, s.Discarded, s.Cancelled})
	require.GreaterOrEqual(t, s.RunP99Ms, 20.0, "the slow runs took at least 20 ms")
	require.GreaterOrEqual(t, s.RunP99Ms, s.RunP50Ms)
	require.GreaterOrEqual(t, s.WaitP99Ms, s.WaitP50Ms)
	old, err := client.Stats(b.ctx, b.pool, time.Nanosecond)
	require.NoError(t, err)
	require.Empty(t, old, "nothing finished in the last nanosecond")
}

func rowIDs(rows []jobs.Row) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}
