package db

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// Generation is a row of generations: one AI generation, recorded before
// the model is called and updated as it runs (see package agents).
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

// NewGeneration is a generation to record, pending.
type NewGeneration struct {
	OwnerID uuid.UUID
	Agent   string
	Input   json.RawMessage
	JobID   int64 // zero: none yet
}

// GenerationResult is what a model call produced.
type GenerationResult struct {
	Output           json.RawMessage
	Model            string
	PromptTokens     int32
	CompletionTokens int32
	LatencyMs        int32
}

// GenerationPatch changes one generation; unset fields keep their value. A
// Status of running stamps started_at; succeeded or failed stamp
// finished_at. Error set to "" clears it.
type GenerationPatch struct {
	ID     uuid.UUID
	Status Optional[GenerationStatus]
	Result Optional[GenerationResult]
	Error  Optional[string]
	JobID  Optional[int64] // 0 clears it
}

// GenerationFilter selects a page of ListGenerations. Zero fields other
// than OwnerID do not filter.
type GenerationFilter struct {
	OwnerID uuid.UUID
	Agent   string
	Status  GenerationStatus
	After   Cursor
	Limit   int
}

var generations = table[Generation, uuid.UUID]{name: "generations", key: func(g Generation) uuid.UUID { return g.ID }, compare: compareUUID}

// InsertGenerations records generations, pending, and returns them in
// input order.
func InsertGenerations(ctx context.Context, dbtx DBTX, in []NewGeneration) ([]Generation, error) {
	return insertRows(ctx, dbtx, generations, in, func(ids []uuid.UUID, in []NewGeneration) dbsqlc.InsertGenerationsParams {
		n := len(in)
		p := dbsqlc.InsertGenerationsParams{
			Ids:      ids,
			OwnerIds: make([]uuid.UUID, n),
			Agents:   make([]string, n),
			Inputs:   make([]json.RawMessage, n),
			JobIds:   make([]int64, n),
		}
		for i, g := range in {
			p.OwnerIds[i], p.Agents[i], p.Inputs[i], p.JobIds[i] = g.OwnerID, g.Agent, g.Input, g.JobID
		}
		return p
	}, (*dbsqlc.Queries).InsertGenerations)
}

// SelectGenerations returns owner's generations with the given ids, in the
// order of ids.
func SelectGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Generation, error) {
	return selectRows(ctx, dbtx, generations, ids, func(ids []uuid.UUID) dbsqlc.SelectGenerationsParams {
		return dbsqlc.SelectGenerationsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectGenerations)
}

// ListGenerations returns a page of f.OwnerID's generations, oldest first.
func ListGenerations(ctx context.Context, dbtx DBTX, f GenerationFilter) (Page[Generation], error) {
	return listRows(ctx, dbtx, generations.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListGenerationsParams {
			return dbsqlc.ListGenerationsParams{
				OwnerID:        f.OwnerID,
				Agent:          nonEmpty(f.Agent),
				Status:         nonEmpty(f.Status),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListGenerations, func(g Generation) timeKey { return timeKey{g.CreatedAt, g.ID} })
}

// UpdateGenerations applies the patches to owner's generations and returns
// the changed generations in input order; patches of other generations are
// left out.
func UpdateGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []GenerationPatch) ([]Generation, error) {
	return updateRows(ctx, dbtx, generations, in, func(p GenerationPatch) uuid.UUID { return p.ID },
		func(in []GenerationPatch) dbsqlc.UpdateGenerationsParams {
			n := len(in)
			p := dbsqlc.UpdateGenerationsParams{
				OwnerID:          owner,
				Ids:              make([]uuid.UUID, n),
				SetStatuses:      make([]bool, n),
				Statuses:         make([]string, n),
				SetResults:       make([]bool, n),
				Outputs:          make([]json.RawMessage, n),
				Models:           make([]string, n),
				PromptTokens:     make([]int32, n),
				CompletionTokens: make([]int32, n),
				LatencyMs:        make([]int32, n),
				SetErrors:        make([]bool, n),
				Errors:           make([]string, n),
				SetJobIds:        make([]bool, n),
				JobIds:           make([]int64, n),
			}
			for i, g := range in {
				r := g.Result.Value
				p.Ids[i] = g.ID
				p.SetStatuses[i], p.Statuses[i] = g.Status.Set, string(g.Status.Value)
				p.SetResults[i] = g.Result.Set
				p.Outputs[i], p.Models[i] = r.Output, r.Model
				p.PromptTokens[i], p.CompletionTokens[i], p.LatencyMs[i] = r.PromptTokens, r.CompletionTokens, r.LatencyMs
				p.SetErrors[i], p.Errors[i] = g.Error.Set, g.Error.Value
				p.SetJobIds[i], p.JobIds[i] = g.JobID.Set, g.JobID.Value
			}
			return p
		}, (*dbsqlc.Queries).UpdateGenerations)
}

// GenerationOutcome is how a worker's run of a generation ended.
type GenerationOutcome struct {
	ID      uuid.UUID
	Attempt int32            // the run's attempt: a generation since taken by another run is left alone
	Status  GenerationStatus // pending (to be retried), succeeded or failed
	Result  GenerationResult // Output only when succeeded; tokens and latency are added to earlier runs'
	Error   string           // why it failed, or why it will be retried; "" for none
}

// generationsByJob finds generations by the job that runs them.
var generationsByJob = table[Generation, int64]{
	name: "generations", key: func(g Generation) int64 { return deref(g.JobID) }, compare: cmp.Compare[int64],
}

// StartGenerations is a worker's claim: it moves owner's generations run
// by the given jobs from pending (or from running, when an earlier run was
// cut short) to running, counting the attempt, and returns them in the
// order of jobIDs. Generations that succeeded or failed are left out: they
// are never run again.
func StartGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, jobIDs []int64) ([]Generation, error) {
	sorted := slices.Clone(jobIDs)
	slices.Sort(sorted)
	return keyedRows(ctx, dbtx, generationsByJob, "start", jobIDs, sorted, func(ids []int64) dbsqlc.StartGenerationsParams {
		return dbsqlc.StartGenerationsParams{JobIds: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).StartGenerations)
}

// FinishGenerations records how runs of owner's generations ended and
// returns the generations it changed, in input order. An outcome whose
// generation is no longer running that attempt is left out.
func FinishGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []GenerationOutcome) ([]Generation, error) {
	for _, o := range in {
		if o.Status == GenerationStatusRunning || !o.Status.Valid() {
			return nil, generations.fail("finish", fmt.Errorf("%w: a run ends pending, succeeded or failed, not %q", ErrInvalidValue, o.Status))
		}
	}
	return updateRows(ctx, dbtx, generations, in, func(o GenerationOutcome) uuid.UUID { return o.ID },
		func(in []GenerationOutcome) dbsqlc.FinishGenerationsParams {
			n := len(in)
			p := dbsqlc.FinishGenerationsParams{
				OwnerID:          owner,
				Ids:              make([]uuid.UUID, n),
				Attempts:         make([]int32, n),
				Statuses:         make([]string, n),
				Outputs:          make([]json.RawMessage, n),
				Models:           make([]string, n),
				PromptTokens:     make([]int32, n),
				CompletionTokens: make([]int32, n),
				LatencyMs:        make([]int32, n),
				Errors:           make([]string, n),
			}
			for i, o := range in {
				r := o.Result
				p.Ids[i], p.Attempts[i], p.Statuses[i], p.Errors[i] = o.ID, o.Attempt, string(o.Status), o.Error
				p.Outputs[i], p.Models[i] = r.Output, r.Model
				if len(r.Output) == 0 {
					p.Outputs[i] = json.RawMessage("null")
				}
				p.PromptTokens[i], p.CompletionTokens[i], p.LatencyMs[i] = r.PromptTokens, r.CompletionTokens, r.LatencyMs
			}
			return p
		}, (*dbsqlc.Queries).FinishGenerations)
}

// DeleteGenerations deletes owner's generations with the given ids and
// returns them in the order of ids.
func DeleteGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Generation, error) {
	return deleteRows(ctx, dbtx, generations, ids, func(ids []uuid.UUID) dbsqlc.DeleteGenerationsParams {
		return dbsqlc.DeleteGenerationsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteGenerations)
}
