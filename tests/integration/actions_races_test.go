package integration

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

// TestABatchRacingADeleteIsWholeOrFails runs every update, delete and
// consume action on 20 rows while another call removes one of them: the
// batch returns one row per input, in input order, or fails not found at
// that element's path. It never succeeds short.
func TestABatchRacingADeleteIsWholeOrFails(t *testing.T) {
	t.Parallel()
	const size, rounds = 20, 20
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	name, q := "Raced", 1.0

	foods := func() []uuid.UUID { return foodIDs(factories.Food().OwnedBy(me).MustCreateMany(t, b.pool, size)) }
	items := func() []uuid.UUID {
		return idsOf(factories.PantryItem().OwnedBy(me).Grams(10).MustCreateMany(t, b.pool, size), func(p db.PantryItem) uuid.UUID { return p.ID })
	}
	recipes := func() []uuid.UUID {
		return idsOf(factories.Recipe().OwnedBy(me).MustCreateMany(t, b.pool, size), func(r db.Recipe) uuid.UUID { return r.ID })
	}
	entries := func() []uuid.UUID {
		return idsOf(factories.MealEntry().OwnedBy(me).MustCreateMany(t, b.pool, size), func(m db.MealEntry) uuid.UUID { return m.ID })
	}
	tags := func() []uuid.UUID {
		return idsOf(factories.Tag().OwnedBy(me).MustCreateMany(t, b.pool, size), func(tag db.Tag) uuid.UUID { return tag.ID })
	}
	deleteFood := func(id uuid.UUID) { b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{id}) }
	useUp := func(id uuid.UUID) {
		b.acts.ConsumePantryItems(b.ctx, me.ID, []actions.Consumption{{ID: id, Quantity: 10}})
	}
	deleteRecipe := func(id uuid.UUID) { b.acts.DeleteRecipes(b.ctx, me.ID, []uuid.UUID{id}) }
	deleteEntry := func(id uuid.UUID) { b.acts.DeleteMealEntries(b.ctx, me.ID, []uuid.UUID{id}) }
	deleteTag := func(id uuid.UUID) { b.acts.DeleteTags(b.ctx, me.ID, []uuid.UUID{id}) }
	rowIDs := func(n int, id func(i int) uuid.UUID) []uuid.UUID {
		out := make([]uuid.UUID, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}

	races := []struct {
		name   string
		rows   func() []uuid.UUID
		batch  func(in []uuid.UUID) ([]uuid.UUID, *actions.Error)
		remove func(id uuid.UUID)
		at     string // the path of element i, with %d
	}{
		{"UpdateFoods", foods, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			changes := make([]actions.FoodChange, len(in))
			for i, id := range in {
				changes[i] = actions.FoodChange{ID: id, Name: &name}
			}
			res := b.acts.UpdateFoods(b.ctx, me.ID, changes)
			return foodIDs(res.Data), res.Error
		}, deleteFood, "foods[%d].id"},
		{"DeleteFoods", foods, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			res := b.acts.DeleteFoods(b.ctx, me.ID, in)
			return foodIDs(res.Data), res.Error
		}, deleteFood, "ids[%d]"},
		{"UpdatePantryItems", items, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			changes := make([]actions.PantryItemChange, len(in))
			for i, id := range in {
				changes[i] = actions.PantryItemChange{ID: id, Quantity: &q}
			}
			res := b.acts.UpdatePantryItems(b.ctx, me.ID, changes)
			return idsOf(res.Data, func(p db.PantryItem) uuid.UUID { return p.ID }), res.Error
		}, useUp, "items[%d].id"},
		{"ConsumePantryItems", items, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			takes := make([]actions.Consumption, len(in))
			for i, id := range in {
				takes[i] = actions.Consumption{ID: id, Quantity: 1}
			}
			res := b.acts.ConsumePantryItems(b.ctx, me.ID, takes)
			return idsOf(res.Data.Remaining, func(p db.PantryItem) uuid.UUID { return p.ID }), res.Error
		}, useUp, "items[%d].id"},
		{"DeletePantryItems", items, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			res := b.acts.DeletePantryItems(b.ctx, me.ID, in)
			return idsOf(res.Data, func(p db.PantryItem) uuid.UUID { return p.ID }), res.Error
		}, useUp, "ids[%d]"},
		{"UpdateRecipes", recipes, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			changes := make([]actions.RecipeChange, len(in))
			for i, id := range in {
				changes[i] = actions.RecipeChange{ID: id, Title: &name}
			}
			res := b.acts.UpdateRecipes(b.ctx, me.ID, changes)
			return rowIDs(len(res.Data), func(i int) uuid.UUID { return res.Data[i].ID }), res.Error
		}, deleteRecipe, "recipes[%d].id"},
		{"DeleteRecipes", recipes, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			res := b.acts.DeleteRecipes(b.ctx, me.ID, in)
			return idsOf(res.Data, func(r db.Recipe) uuid.UUID { return r.ID }), res.Error
		}, deleteRecipe, "ids[%d]"},
		{"DeleteMealEntries", entries, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			res := b.acts.DeleteMealEntries(b.ctx, me.ID, in)
			return idsOf(res.Data, func(m db.MealEntry) uuid.UUID { return m.ID }), res.Error
		}, deleteEntry, "ids[%d]"},
		{"DeleteTags", tags, func(in []uuid.UUID) ([]uuid.UUID, *actions.Error) {
			res := b.acts.DeleteTags(b.ctx, me.ID, in)
			return idsOf(res.Data, func(tag db.Tag) uuid.UUID { return tag.ID }), res.Error
		}, deleteTag, "ids[%d]"},
	}
	for _, race := range races {
		t.Run(race.name, func(t *testing.T) {
			t.Parallel()
			for round := range rounds {
				in := race.rows()
				victim := round % size
				var got []uuid.UUID
				var e *actions.Error
				var wg sync.WaitGroup
				start := make(chan struct{})
				wg.Go(func() { <-start; got, e = race.batch(in) })
				wg.Go(func() { <-start; race.remove(in[victim]) })
				close(start)
				wg.Wait()
				if e == nil {
					require.Equal(t, in, got, "round %d: one row per input, in input order", round)
					continue
				}
				require.Equal(t, actions.CodeNotFound, e.Code, "round %d: %+v", round, e)
				require.Len(t, e.Fields, 1, "round %d", round)
				require.Contains(t, e.Fields, fmt.Sprintf(race.at, victim), "round %d: at the removed element", round)
			}
		})
	}
}
