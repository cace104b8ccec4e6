package db

import (
	"cmp"
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// Generation is a row of generations: one AI generation, recorded before
// the model is called and updated as it runs (see package agents).
// NewGeneration, GenerationPatch, GenerationOutcome, GenerationResult and
// GenerationFilter are generated from the queries.
type Generation = dbsqlc.Generation

// GenerationStatus is where a generation is in its life.
type GenerationStatus = dbsqlc.GenerationStatus

// Generation statuses.
const (
	GenerationStatusPending   = dbsqlc.GenerationStatusPending
	GenerationStatusRunning   = dbsqlc.GenerationStatusRunning
	GenerationStatusSucceeded = dbsqlc.GenerationStatusSucceeded
	GenerationStatusFailed    = dbsqlc.GenerationStatusFailed
)

// StartGenerations is a worker's claim: it moves owner's generations run
// by the given jobs from pending (or from running, when an earlier run was
// cut short) to running, counting the attempt, and returns them in the
// order of jobIDs. Generations that succeeded or failed are left out: they
// are never run again.
func StartGenerations(ctx context.Context, dbtx many.DBTX, owner uuid.UUID, jobIDs []int64) ([]Generation, error) {
	key := many.Key[Generation, int64]{Of: func(g *Generation) int64 { return *g.JobID }, Compare: cmp.Compare[int64]}
	return many.ByKey(ctx, dbtx, "start", "generations", jobIDs, key, many.Rows(func(ctx context.Context, dbtx many.DBTX, ids []int64) ([]Generation, error) {
		return dbsqlc.New(dbtx).StartGenerations(ctx, dbsqlc.StartGenerationsParams{JobIDs: ids, OwnerID: owner})
	}))
}

// FinishGenerations records how runs of owner's generations ended (pending
// again, succeeded or failed) and returns the generations it changed, in
// input order. An outcome whose generation is no longer running that
// attempt is left out.
func FinishGenerations(ctx context.Context, dbtx many.DBTX, owner uuid.UUID, in []GenerationOutcome) ([]Generation, error) {
	for _, o := range in {
		if o.Status == GenerationStatusRunning || !o.Status.Valid() {
			return nil, fmt.Errorf("finish generations: %w: a run ends pending, succeeded or failed, not %q", many.ErrInvalidValue, o.Status)
		}
	}
	return FinishGenerationRuns(ctx, dbtx, owner, in)
}
