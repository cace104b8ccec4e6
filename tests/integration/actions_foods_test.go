package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

// newFoodInput is a valid food for the actions, from a factory-built one.
func newFoodInput() actions.NewFood {
	f := factories.Food().Build()
	return actions.NewFood{Name: f.Name, Kind: string(f.Kind), Category: string(f.Category), Nutrients: f.Nutrients}
}

func TestCreateFoodsWithTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	in := []actions.NewFood{newFoodInput(), newFoodInput()}
	in[0].Tags = []string{"breakfast", "quick"}
	in[1].Tags = []string{"Quick"}
	in[1].Barcode = "4006381333931"

	foods := ok(t, b.acts.CreateFoods(b.ctx, me.ID, in))

	require.Len(t, foods, 2)
	require.Equal(t, &me.ID, foods[0].OwnerID)
	require.Equal(t, ptr("4006381333931"), foods[1].Barcode)
	tags := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))
	require.Len(t, tags.Items, 2, "quick and Quick are one tag")
	require.Equal(t, int64(2), tags.Items[1].FoodCount)
}

func TestCreateFoodsIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	taken := factories.Food().OwnedBy(me).WithBarcode().MustCreate(t, b.pool)
	in := []actions.NewFood{newFoodInput(), newFoodInput(), newFoodInput()}
	in[0].Tags = []string{"would-be"}
	in[2].Barcode = *taken.Barcode

	fields := failed(t, b.acts.CreateFoods(b.ctx, me.ID, in), actions.CodeConflict)

	require.Equal(t, map[string]string{"foods[2].barcode": "is already taken"}, fields)
	require.Equal(t, 1, count(t, b, "foods"))
	require.Zero(t, count(t, b, "tags"), "the tags of the failed batch are rolled back too")
}

func TestCreateFoodsForAUserThatDoesNotExist(t *testing.T) {
	t.Parallel()
	b := setup(t)
	failed(t, b.acts.CreateFoods(b.ctx, uuid.New(), []actions.NewFood{newFoodInput()}), actions.CodeForbidden)
}

func TestUpdateFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().OwnedBy(me).Branded("Acme").MustCreateMany(t, b.pool, 2)
	name, empty, kind := "Renamed", "", "ultra_processed"
	nutrients := db.Nutrients{EnergyKcal: 100, ProteinG: 5, FatG: 5, CarbsG: 8, SugarG: 2}

	updated := ok(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{
		{ID: foods[0].ID, Name: &name, Brand: &empty},
		{ID: foods[1].ID, Kind: &kind, Nutrients: &nutrients},
	}))

	require.Equal(t, "Renamed", updated[0].Name)
	require.Nil(t, updated[0].Brand, "an empty brand clears it")
	require.Equal(t, foods[0].Kind, updated[0].Kind)
	require.Equal(t, db.FoodKindUltraProcessed, updated[1].Kind)
	require.Equal(t, nutrients, db.NutrientsOf(updated[1]))
	require.Equal(t, foods[1].Name, updated[1].Name)
}

func TestUpdateFoodsOfOthersAndOfTheCatalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	mine := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	theirs := factories.Food().OwnedBy(other).MustCreate(t, b.pool)
	shared := factories.Food().MustCreate(t, b.pool)
	name := "Taken"
	change := func(ids ...uuid.UUID) []actions.FoodChange {
		out := make([]actions.FoodChange, len(ids))
		for i, id := range ids {
			out[i] = actions.FoodChange{ID: id, Name: &name}
		}
		return out
	}

	fields := failed(t, b.acts.UpdateFoods(b.ctx, me.ID, change(mine.ID, theirs.ID)), actions.CodeNotFound)
	require.Equal(t, map[string]string{"foods[1].id": "no such food"}, fields, "another user's food is not found")

	fields = failed(t, b.acts.UpdateFoods(b.ctx, me.ID, change(mine.ID, shared.ID)), actions.CodeForbidden)
	require.Equal(t, map[string]string{"foods[1].id": "is in the shared catalog, which is read-only"}, fields)

	still := ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{mine.ID}))
	require.Equal(t, mine.Name, still[0].Name, "all or nothing")

	fields = failed(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{theirs.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[0]": "no such food"}, fields)
	failed(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{shared.ID}), actions.CodeForbidden)
	fields = failed(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{shared.ID, theirs.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such food"}, fields)
}

func TestDeleteFoodsInUseIsAConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().OwnedBy(me).MustCreateMany(t, b.pool, 3)
	factories.MealEntry().OwnedBy(me).OfFood(foods[2], 100).MustCreate(t, b.pool)

	fields := failed(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{foods[0].ID, foods[2].ID}), actions.CodeConflict)

	require.Equal(t, map[string]string{"ids[1]": "is used by a recipe or the journal"}, fields)
	require.Equal(t, 3, count(t, b, "foods"), "all or nothing")
	deleted := ok(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{foods[1].ID}))
	require.Equal(t, foods[1].ID, deleted[0].ID)
}

func TestSearchFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	oats := factories.Food().OwnedBy(me).Named("Rolled oats").Whole().WithTags("breakfast").MustCreate(t, b.pool)
	milk := factories.Food().Named("Oat milk").Processed().MustCreate(t, b.pool)
	factories.Food().OwnedBy(other).Named("Oat cookies").MustCreate(t, b.pool)
	tags := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))

	search := func(q actions.FoodSearch) []uuid.UUID {
		return foodIDs(ok(t, b.acts.SearchFoods(b.ctx, me.ID, q)).Items)
	}
	require.Equal(t, []uuid.UUID{oats.ID, milk.ID}, search(actions.FoodSearch{NameContains: "oat"}), "mine and the catalog's, not others'")
	require.Equal(t, []uuid.UUID{milk.ID}, search(actions.FoodSearch{NameContains: "oat", Kind: "processed"}))
	require.Equal(t, []uuid.UUID{oats.ID}, search(actions.FoodSearch{TagID: tags.Items[0].Tag.ID}))

	page := ok(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{NameContains: "oat", Limit: 1}))
	next := ok(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{NameContains: "oat", Limit: 1, After: string(page.Next)}))
	require.Equal(t, []uuid.UUID{milk.ID}, foodIDs(next.Items))

	fields := failed(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{After: "forged"}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"after": "is not a cursor a list returned"}, fields)
	fields = failed(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{Category: "snacks", Limit: 5000}), actions.CodeInvalid)
	require.Len(t, fields, 2)
}
