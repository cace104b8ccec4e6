package factories

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// GenerationBuilder builds generations: by default a pending
// nutrition-estimator run on a food description. Running, Succeeded and
// Failed move it on (one more statement). The user is created on demand
// unless OwnedBy.
type GenerationBuilder struct {
	Factory[db.NewGeneration, db.Generation]
}

// Generation starts a generation.
func Generation() GenerationBuilder {
	return GenerationBuilder{New(func(s Seq) db.NewGeneration {
		input, _ := json.Marshal(map[string]string{"description": descriptions[s.Rand.IntN(len(descriptions))]})
		return db.NewGeneration{Agent: "nutrition-estimator", Input: input}
	}, db.InsertGenerations).WithParent(Parent(func(g *db.NewGeneration) *uuid.UUID { return &g.OwnerID }, NewUser))}
}

func (b GenerationBuilder) set(change func(*db.NewGeneration)) GenerationBuilder {
	return GenerationBuilder{b.Set(change)}
}

// OwnedBy makes the generation user's.
func (b GenerationBuilder) OwnedBy(user db.User) GenerationBuilder {
	return b.set(func(g *db.NewGeneration) { g.OwnerID = user.ID })
}

// ForAgent sets the agent's name.
func (b GenerationBuilder) ForAgent(agent string) GenerationBuilder {
	return b.set(func(g *db.NewGeneration) { g.Agent = agent })
}

// WithInput sets the input document.
func (b GenerationBuilder) WithInput(input json.RawMessage) GenerationBuilder {
	return b.set(func(g *db.NewGeneration) { g.Input = input })
}

// WithJob sets the job that runs the generation (a worker's run finds it
// by that job).
func (b GenerationBuilder) WithJob(id int64) GenerationBuilder {
	return b.set(func(g *db.NewGeneration) { g.JobID = &id })
}

// Running makes the generation one a worker has started.
func (b GenerationBuilder) Running() GenerationBuilder {
	return b.moved(db.GenerationPatch{Status: many.Set(db.GenerationStatusRunning)})
}

// Succeeded makes the generation a finished one with output.
func (b GenerationBuilder) Succeeded(output json.RawMessage) GenerationBuilder {
	result := db.GenerationResult{Output: output, Model: ptrTo("test-model"), PromptTokens: 100, CompletionTokens: 50, LatencyMs: 400}
	return b.moved(db.GenerationPatch{Status: many.Set(db.GenerationStatusSucceeded), GenerationResult: many.Set(result)})
}

// Failed makes the generation a failed one with reason as its error.
func (b GenerationBuilder) Failed(reason string) GenerationBuilder {
	return b.moved(db.GenerationPatch{Status: many.Set(db.GenerationStatusFailed), Error: many.Set(&reason)})
}

// moved applies patch to every generation once it is inserted, in one
// statement, and returns them as they are then.
func (b GenerationBuilder) moved(patch db.GenerationPatch) GenerationBuilder {
	b.insert = func(ctx context.Context, tx many.DBTX, in []db.NewGeneration) ([]db.Generation, error) {
		gens, err := db.InsertGenerations(ctx, tx, in)
		if err != nil {
			return nil, err
		}
		patches := make([]db.GenerationPatch, len(gens))
		for i, g := range gens {
			patches[i] = patch
			patches[i].ID = g.ID
		}
		return db.UpdateGenerations(ctx, tx, gens[0].OwnerID, patches)
	}
	return b
}
