package db

import (
	"context"
	"encoding/json"

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

// DeleteGenerations deletes owner's generations with the given ids and
// returns them in the order of ids.
func DeleteGenerations(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Generation, error) {
	return deleteRows(ctx, dbtx, generations, ids, func(ids []uuid.UUID) dbsqlc.DeleteGenerationsParams {
		return dbsqlc.DeleteGenerationsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteGenerations)
}
