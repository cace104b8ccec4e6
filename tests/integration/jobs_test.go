package integration

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

func jobIDs(jobs []store.Job) []int64 {
	out := make([]int64, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

func TestInsertJobsWithDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	runAt := time.Now().Add(time.Hour).Truncate(time.Microsecond)

	jobs, err := store.InsertJobs(b.ctx, b.pool, []store.NewJob{
		{Kind: "pantry.expiry-digest"},
		{Kind: "recipes.nutrition", Queue: "slow", Payload: json.RawMessage(`{"recipe_id": 7}`), Priority: 3,
			MaxAttempts: 5, RunAt: &runAt, UniqueKey: "recipe:7", TimeoutMs: 90_000},
	})

	require.NoError(t, err)
	first, second := jobs[0], jobs[1]
	require.Less(t, first.ID, second.ID, "ids ascend in input order")
	require.Equal(t, "pantry.expiry-digest", first.Kind)
	require.Equal(t, store.DefaultJobQueue, first.Queue)
	require.JSONEq(t, `{}`, string(first.Payload))
	require.Equal(t, int16(store.DefaultJobPriority), first.Priority)
	require.Equal(t, int32(store.DefaultJobMaxAttempts), first.MaxAttempts)
	require.Equal(t, store.JobStatePending, first.State)
	require.Nil(t, first.UniqueKey)
	require.Nil(t, first.TimeoutMs)
	require.JSONEq(t, `[]`, string(first.Errors))
	require.WithinDuration(t, time.Now(), first.RunAt, time.Minute)

	require.Equal(t, "slow", second.Queue)
	require.JSONEq(t, `{"recipe_id": 7}`, string(second.Payload))
	require.Equal(t, int16(3), second.Priority)
	require.Equal(t, int32(5), second.MaxAttempts)
	require.True(t, runAt.Equal(second.RunAt))
	require.Equal(t, ptr("recipe:7"), second.UniqueKey)
	require.Equal(t, ptr(int32(90_000)), second.TimeoutMs)
}

func TestJobIDsFollowInputOrderAcrossChunks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := make([]store.NewJob, many.ChunkSize+5)
	for i := range in {
		in[i] = store.NewJob{Kind: "k", Priority: int16(1 + i%4)}
	}

	jobs, err := store.InsertJobs(b.ctx, b.pool, in)

	require.NoError(t, err)
	for i := range in {
		require.Equal(t, in[i].Priority, jobs[i].Priority, "job %d", i)
		if i > 0 {
			require.Greater(t, jobs[i].ID, jobs[i-1].ID)
		}
	}
}

func TestAUniqueKeyIsHeldWhilePending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := store.InsertJobs(b.ctx, b.pool, []store.NewJob{{Kind: "digest", UniqueKey: "user:1"}, {Kind: "other", UniqueKey: "user:1"}})
	require.NoError(t, err, "keys are unique per kind")

	_, err = store.InsertJobs(b.ctx, b.pool, []store.NewJob{{Kind: "digest", UniqueKey: "user:1"}})

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrUniqueViolation)
	require.Equal(t, "jobs_kind_unique_key_idx", ce.Constraint)
}

func TestJobChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, j := range []store.NewJob{
		{Kind: ""},
		{Kind: "k", Priority: 5},
		{Kind: "k", MaxAttempts: -1},
		{Kind: "k", TimeoutMs: -1000},
		{Kind: "k", TimeoutMs: 25 * 3600 * 1000},
	} {
		_, err := store.InsertJobs(b.ctx, b.pool, []store.NewJob{j})
		require.ErrorIs(t, err, many.ErrCheckViolation, "%+v", j)
	}
	_, err := store.InsertJobs(b.ctx, b.pool, []store.NewJob{{Kind: "k", Payload: json.RawMessage(`{not json`)}})
	require.ErrorIs(t, err, many.ErrInvalidValue)
	require.Zero(t, count(t, b, "jobs"))
}

func TestListSelectUpdateAndDeleteJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := factories.Job().Kind("a")
	jobs := []store.Job{a.MustCreate(t, b.pool), factories.Job().Kind("b").Queue("q2").MustCreate(t, b.pool), a.MustCreate(t, b.pool), a.MustCreate(t, b.pool)}
	ids := jobIDs(jobs)
	// Put one job in a worker's hands.
	_, err := b.pool.Exec(b.ctx, "UPDATE jobs SET state = 'running', lease_expires_at = now() + interval '1 minute' WHERE id = $1", ids[3])
	require.NoError(t, err)

	got, err := store.SelectJobs(b.ctx, b.pool, []int64{ids[2], ids[0]})
	require.NoError(t, err)
	require.Equal(t, []int64{ids[2], ids[0]}, jobIDs(got))

	listed, pages := allPages(t, func(after many.Cursor) (many.Page[store.Job], error) {
		return store.ListJobs(b.ctx, b.pool, store.JobFilter{Kind: ptr("a"), State: ptr(string(store.JobStatePending)), After: after, Limit: 1})
	})
	require.Equal(t, []int64{ids[0], ids[2]}, jobIDs(listed))
	require.Equal(t, 2, pages)
	other, err := store.ListJobs(b.ctx, b.pool, store.JobFilter{Queue: ptr("q2")})
	require.NoError(t, err)
	require.Equal(t, []int64{ids[1]}, jobIDs(other.Items))

	later := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	updated, err := store.UpdateJobs(b.ctx, b.pool, []store.JobPatch{
		{ID: ids[3], Priority: many.Set[int16](4)}, // running: left alone
		{ID: ids[0], Priority: many.Set[int16](2), RunAt: many.Set(later)},
	})
	require.NoError(t, err)
	require.Equal(t, []int64{ids[0]}, jobIDs(updated))
	require.Equal(t, int16(2), updated[0].Priority)
	require.True(t, later.Equal(updated[0].RunAt))
	require.Equal(t, jobs[0].MaxAttempts, updated[0].MaxAttempts)

	deleted, err := store.DeleteJobs(b.ctx, b.pool, ids)
	require.NoError(t, err)
	require.Equal(t, ids[:3], jobIDs(deleted), "a running job is not deleted")
	require.Equal(t, 1, count(t, b, "jobs"))
}
