package integration

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

func generationIDs(gs []db.Generation) []uuid.UUID {
	return idsOf(gs, func(g db.Generation) uuid.UUID { return g.ID })
}

func TestAGenerationMovesThroughItsStatuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	job := factories.Job().MustCreate(t, b.pool)

	gen, err := many.First(db.InsertGenerations(b.ctx, b.pool, []db.NewGeneration{
		{OwnerID: owner.ID, Agent: "nutrition-estimator", Input: json.RawMessage(`{"description": "a ripe banana"}`), JobID: &job.ID},
	}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusPending, gen.Status)
	require.Equal(t, &job.ID, gen.JobID)
	require.Nil(t, gen.Output)
	require.Nil(t, gen.StartedAt)

	running, err := many.First(db.UpdateGenerations(b.ctx, b.pool, owner.ID, []db.GenerationPatch{
		{ID: gen.ID, Status: many.Set(db.GenerationStatusRunning)},
	}))
	require.NoError(t, err)
	require.NotNil(t, running.StartedAt)
	require.Nil(t, running.FinishedAt)

	done, err := many.First(db.UpdateGenerations(b.ctx, b.pool, owner.ID, []db.GenerationPatch{{
		ID:               gen.ID,
		Status:           many.Set(db.GenerationStatusSucceeded),
		GenerationResult: many.Set(db.GenerationResult{Output: json.RawMessage(`{"kind": "whole"}`), Model: ptr("test-model"), PromptTokens: 120, CompletionTokens: 30, LatencyMs: 850}),
	}}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusSucceeded, done.Status)
	require.JSONEq(t, `{"kind": "whole"}`, string(done.Output))
	require.Equal(t, ptr("test-model"), done.Model)
	require.Equal(t, ptr(int32(120)), done.PromptTokens)
	require.Equal(t, ptr(int32(30)), done.CompletionTokens)
	require.Equal(t, ptr(int32(850)), done.LatencyMs)
	require.Equal(t, running.StartedAt, done.StartedAt)
	require.NotNil(t, done.FinishedAt)

	// Jobs are pruned; the generation keeps its result.
	_, err = store.DeleteJobs(b.ctx, b.pool, []int64{job.ID})
	require.NoError(t, err)
	kept, err := many.First(db.SelectGenerations(b.ctx, b.pool, owner.ID, []uuid.UUID{gen.ID}))
	require.NoError(t, err)
	require.Nil(t, kept.JobID)
	require.Equal(t, done.Output, kept.Output)
}

func TestGenerationChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	gen, err := many.First(db.InsertGenerations(b.ctx, b.pool, []db.NewGeneration{{OwnerID: owner.ID, Agent: "a", Input: json.RawMessage(`{}`)}}))
	require.NoError(t, err)

	_, err = db.UpdateGenerations(b.ctx, b.pool, owner.ID, []db.GenerationPatch{{ID: gen.ID, Status: many.Set(db.GenerationStatusSucceeded)}})
	require.ErrorIs(t, err, many.ErrCheckViolation, "a success needs an output")
	_, err = db.UpdateGenerations(b.ctx, b.pool, owner.ID, []db.GenerationPatch{{ID: gen.ID, Status: many.Set(db.GenerationStatusFailed)}})
	require.ErrorIs(t, err, many.ErrCheckViolation, "a failure needs an error")

	failed, err := many.First(db.UpdateGenerations(b.ctx, b.pool, owner.ID, []db.GenerationPatch{
		{ID: gen.ID, Status: many.Set(db.GenerationStatusFailed), Error: many.Set(ptr("no model configured"))},
	}))
	require.NoError(t, err)
	require.Equal(t, ptr("no model configured"), failed.Error)

	_, err = db.InsertGenerations(b.ctx, b.pool, []db.NewGeneration{{OwnerID: owner.ID, Agent: "", Input: json.RawMessage(`{}`)}})
	require.ErrorIs(t, err, many.ErrCheckViolation)
	_, err = db.InsertGenerations(b.ctx, b.pool, []db.NewGeneration{{OwnerID: owner.ID, Agent: "a", Input: nil}})
	require.ErrorIs(t, err, many.ErrNotNullViolation)
}

func TestGenerationsAreScopedToTheirOwnerAndListed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	tagger := factories.Generation().OwnedBy(ann).ForAgent("auto-tagger")
	ids := []uuid.UUID{
		tagger.MustCreate(t, b.pool).ID,
		factories.Generation().OwnedBy(ann).ForAgent("recipe-suggester").MustCreate(t, b.pool).ID,
		tagger.Running().MustCreate(t, b.pool).ID,
	}

	seen, err := db.SelectGenerations(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, seen)
	changed, err := db.UpdateGenerations(b.ctx, b.pool, bo.ID, []db.GenerationPatch{{ID: ids[0], Status: many.Set(db.GenerationStatusRunning)}})
	require.NoError(t, err)
	require.Empty(t, changed)
	deleted, err := db.DeleteGenerations(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)

	taggers, pages := allPages(t, func(after many.Cursor) (many.Page[db.Generation], error) {
		return db.ListGenerations(b.ctx, b.pool, db.GenerationFilter{OwnerID: ann.ID, Agent: ptr("auto-tagger"), After: after, Limit: 1})
	})
	require.Equal(t, []uuid.UUID{ids[0], ids[2]}, generationIDs(taggers))
	require.Equal(t, 2, pages)
	running, err := db.ListGenerations(b.ctx, b.pool, db.GenerationFilter{OwnerID: ann.ID, Status: ptr(string(db.GenerationStatusRunning))})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{ids[2]}, generationIDs(running.Items))

	deleted, err = db.DeleteGenerations(b.ctx, b.pool, ann.ID, ids[:1])
	require.NoError(t, err)
	require.Equal(t, ids[:1], generationIDs(deleted))
}

func TestAWorkerRunClaimsAndFinishesAGenerationFencedByItsAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	job := factories.Job().MustCreate(t, b.pool)
	g := factories.Generation().OwnedBy(me).WithJob(job.ID).MustCreate(t, b.pool)

	first, err := db.StartGenerations(b.ctx, b.pool, me.ID, []int64{job.ID})
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.Equal(t, db.GenerationStatusRunning, first[0].Status)
	require.Equal(t, int32(1), first[0].Attempts)
	other := factories.User().MustCreate(t, b.pool)
	none, err := db.StartGenerations(b.ctx, b.pool, other.ID, []int64{job.ID})
	require.NoError(t, err)
	require.Empty(t, none, "scoped to the owner")

	// A second run takes over (the first lost its job): the first's
	// outcome is fenced off by the attempt count.
	second, err := db.StartGenerations(b.ctx, b.pool, me.ID, []int64{job.ID})
	require.NoError(t, err)
	require.Equal(t, int32(2), second[0].Attempts)
	stale, err := db.FinishGenerations(b.ctx, b.pool, me.ID, []db.GenerationOutcome{{ID: g.ID, Attempt: 1, Status: db.GenerationStatusFailed, Error: ptr("late")}})
	require.NoError(t, err)
	require.Empty(t, stale)

	result := db.GenerationResult{Output: json.RawMessage(`{"ok": true}`), Model: ptr("m"), PromptTokens: 3, CompletionTokens: 2, LatencyMs: 9}
	done, err := db.FinishGenerations(b.ctx, b.pool, me.ID, []db.GenerationOutcome{{ID: g.ID, Attempt: 2, Status: db.GenerationStatusSucceeded, GenerationResult: result}})
	require.NoError(t, err)
	require.Len(t, done, 1)
	require.Equal(t, db.GenerationStatusSucceeded, done[0].Status)
	require.JSONEq(t, `{"ok": true}`, string(done[0].Output))
	require.NotNil(t, done[0].FinishedAt)

	again, err := db.StartGenerations(b.ctx, b.pool, me.ID, []int64{job.ID})
	require.NoError(t, err)
	require.Empty(t, again, "a generation that succeeded is never run again")

	_, err = db.FinishGenerations(b.ctx, b.pool, me.ID, []db.GenerationOutcome{{ID: g.ID, Attempt: 2, Status: db.GenerationStatusRunning}})
	require.ErrorIs(t, err, many.ErrInvalidValue)
}

func TestARetriedRunAddsItsUsage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	job := factories.Job().MustCreate(t, b.pool)
	g := factories.Generation().OwnedBy(me).WithJob(job.ID).MustCreate(t, b.pool)
	run := func(o db.GenerationOutcome) db.Generation {
		started, err := db.StartGenerations(b.ctx, b.pool, me.ID, []int64{job.ID})
		require.NoError(t, err)
		o.ID, o.Attempt = g.ID, started[0].Attempts
		done, err := db.FinishGenerations(b.ctx, b.pool, me.ID, []db.GenerationOutcome{o})
		require.NoError(t, err)
		return done[0]
	}

	retry := run(db.GenerationOutcome{Status: db.GenerationStatusPending, GenerationResult: db.GenerationResult{PromptTokens: 10, LatencyMs: 100}, Error: ptr("attempt 1: HTTP 503")})
	require.Equal(t, db.GenerationStatusPending, retry.Status)
	require.Equal(t, "attempt 1: HTTP 503", *retry.Error)
	require.Nil(t, retry.FinishedAt)

	done := run(db.GenerationOutcome{Status: db.GenerationStatusSucceeded, GenerationResult: db.GenerationResult{Output: json.RawMessage(`{}`), Model: ptr("m"), PromptTokens: 5, CompletionTokens: 1, LatencyMs: 50}})
	require.Equal(t, int32(15), *done.PromptTokens)
	require.Equal(t, int32(150), *done.LatencyMs)
	require.Nil(t, done.Error, "a new run clears the last one's error")
}
