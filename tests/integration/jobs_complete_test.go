package integration

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/tests/testdb"
)

// CompleteTx: a job completed in the transaction of its handler's writes
// is done exactly when they commit.

func TestCompleteTxCommitsTheJobWithTheHandlersWrites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.pool.Exec(b.ctx, "CREATE TABLE effects (job_id bigint NOT NULL, attempt int NOT NULL)")
	require.NoError(t, err)
	errAfter, errInside := errors.New("after the commit"), errors.New("inside the transaction")
	reg := jobs.NewRegistry()
	// ok commits; late commits, then fails; rolled back fails inside the
	// transaction on its first attempt, after CompleteTx.
	jobs.Handle(reg, "tx.effect", func(ctx context.Context, job jobs.Job[string]) error {
		err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO effects VALUES ($1, $2)", job.ID, job.Attempt); err != nil {
				return err
			}
			if err := jobs.CompleteTx(ctx, tx, job); err != nil {
				return err
			}
			if job.Payload == "rolled back" && job.Attempt == 1 {
				return errInside
			}
			return nil
		})
		if err == nil && job.Payload == "late" {
			return errAfter
		}
		return err
	})
	client := jobs.NewClient()
	enq, err := client.EnqueueMany(b.ctx, b.pool,
		client.Job("tx.effect").Payload("ok"), client.Job("tx.effect").Payload("late"), client.Job("tx.effect").Payload("rolled back"))
	require.NoError(t, err)
	ids := enqueuedIDs(enq)
	runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "every job completed", func() bool { return allIn(t, b, store.JobStateCompleted, ids...) })
	got := jobsIn(t, b, ids...)
	require.Equal(t, []int32{1, 1, 2}, []int32{got[0].Attempt, got[1].Attempt, got[2].Attempt},
		"an error after the commit changes nothing; one inside rolls the completion back, and the job runs again")
	require.JSONEq(t, `[]`, string(got[1].Errors), "the late error is not in the history")
	var effects []int64
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT array_agg(job_id ORDER BY job_id) FROM effects").Scan(&effects))
	require.Equal(t, ids, effects, "one effect per job: the rolled-back one left none")
}

func TestCompleteTxOfARunThatLostItsJobFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	enq, err := client.Job("tx.lost").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	// The job is not running (no worker holds it): a run of attempt 1 has
	// nothing to complete.
	err = pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
		return jobs.CompleteTx(b.ctx, tx, jobs.Job[struct{}]{ID: enq.ID, Attempt: 1})
	})
	require.ErrorIs(t, err, jobs.ErrLeaseLost)
	require.True(t, allIn(t, b, store.JobStatePending, enq.ID))
}
