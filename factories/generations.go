package factories

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/larderhq/larder/db"
)

// GenerationBuilder builds generations: by default a pending
// nutrition-estimator run on a food description. Running, Succeeded and
// Failed move it on (one more statement). The user is created on demand
// unless OwnedBy.
type GenerationBuilder struct {
	owner  *db.User
	patch  db.GenerationPatch // the status change applied after insert, if any
	traits traits[db.NewGeneration]
}

// Generation starts a generation.
func Generation() GenerationBuilder { return GenerationBuilder{} }

var descriptions = []string{"a ripe banana", "two slices of sourdough toast", "a bowl of tomato soup",
	"a handful of salted peanuts", "a glass of oat milk", "grilled chicken thigh with skin"}

// OwnedBy makes the generation user's.
func (b GenerationBuilder) OwnedBy(user db.User) GenerationBuilder {
	b.owner = &user
	return b
}

// ForAgent sets the agent's name.
func (b GenerationBuilder) ForAgent(agent string) GenerationBuilder {
	b.traits = b.traits.with(func(g *db.NewGeneration, _ *rand.Rand) { g.Agent = agent })
	return b
}

// WithInput sets the input document.
func (b GenerationBuilder) WithInput(input json.RawMessage) GenerationBuilder {
	b.traits = b.traits.with(func(g *db.NewGeneration, _ *rand.Rand) { g.Input = input })
	return b
}

// WithJob sets the job that runs the generation (a worker's run finds it
// by that job).
func (b GenerationBuilder) WithJob(id int64) GenerationBuilder {
	b.traits = b.traits.with(func(g *db.NewGeneration, _ *rand.Rand) { g.JobID = id })
	return b
}

// Running makes the generation one a worker has started.
func (b GenerationBuilder) Running() GenerationBuilder {
	b.patch = db.GenerationPatch{Status: db.Set(db.GenerationStatusRunning)}
	return b
}

// Succeeded makes the generation a finished one with output.
func (b GenerationBuilder) Succeeded(output json.RawMessage) GenerationBuilder {
	b.patch = db.GenerationPatch{
		Status: db.Set(db.GenerationStatusSucceeded),
		Result: db.Set(db.GenerationResult{Output: output, Model: "test-model", PromptTokens: 100, CompletionTokens: 50, LatencyMs: 400}),
	}
	return b
}

// Failed makes the generation a failed one with reason as its error.
func (b GenerationBuilder) Failed(reason string) GenerationBuilder {
	b.patch = db.GenerationPatch{Status: db.Set(db.GenerationStatusFailed), Error: db.Set(reason)}
	return b
}

// Build returns a generation to insert, pending; its owner is the OwnedBy
// user's id, or zero until Create makes one.
func (b GenerationBuilder) Build() db.NewGeneration {
	_, r := next()
	input, _ := json.Marshal(map[string]string{"description": descriptions[r.IntN(len(descriptions))]})
	g := db.NewGeneration{Agent: "nutrition-estimator", Input: input}
	if b.owner != nil {
		g.OwnerID = b.owner.ID
	}
	b.traits.apply(&g, r)
	return g
}

// BuildMany returns n generations to insert, each built as Build does.
func (b GenerationBuilder) BuildMany(n int) []db.NewGeneration {
	out := make([]db.NewGeneration, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one generation.
func (b GenerationBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.Generation, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n generations in one statement, then moves them to
// the status asked for in another, after creating their user when not
// given.
func (b GenerationBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.Generation, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.Generation, error) {
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		in := b.BuildMany(n)
		for i := range in {
			in[i].OwnerID = owner.ID
		}
		gens, err := db.InsertGenerations(ctx, tx, in)
		if err != nil || !b.patch.Status.Set {
			return gens, err
		}
		patches := make([]db.GenerationPatch, len(gens))
		for i, g := range gens {
			patches[i] = b.patch
			patches[i].ID = g.ID
		}
		return db.UpdateGenerations(ctx, tx, owner.ID, patches)
	})
}

// MustCreate is Create that fails the test on error.
func (b GenerationBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.Generation {
	t.Helper()
	return must[db.Generation](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b GenerationBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.Generation {
	t.Helper()
	return must[[]db.Generation](t)(b.CreateMany(t.Context(), dbtx, n))
}
