package integration

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

// TestAnIDGivenTwiceIsARepeat drives every action that takes ids with an
// id and its twin, decoded from the id's upper-case spelling as a client
// may send it: one row named twice is invalid at the repeating element,
// and nothing is written.
func TestAnIDGivenTwiceIsARepeat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	tag := ok(t, b.acts.CreateTags(b.ctx, me.ID, []string{"twin"}))[0]
	item := factories.PantryItem().OwnedBy(me).Of(food).Grams(10).MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(me).MustCreate(t, b.pool)
	entry := factories.MealEntry().OwnedBy(me).OfFood(food, 100).MustCreate(t, b.pool)
	estimate := factories.Generation().OwnedBy(me).ForAgent("nutrition-estimator").
		Succeeded([]byte(`{"name":"Twin","kind":"whole","category":"fruit","nutrients":{"energy_kcal":50,"protein_g":1,"fat_g":0,"carbs_g":10,"fiber_g":1,"sugar_g":5,"sodium_mg":1}}`)).
		MustCreate(t, b.pool)
	tagging := factories.Generation().OwnedBy(me).ForAgent("auto-tagger").
		Succeeded([]byte(`{"foods":[{"food_id":"`+food.ID.String()+`","tags":["twin"]}]}`)).
		MustCreate(t, b.pool)
	suggested := func(title string) string {
		return `{"title":"` + title + `","servings":1,"instructions":"Eat.","ingredients":[{"food_id":"` + food.ID.String() + `","grams":10}]}`
	}
	suggestion := factories.Generation().OwnedBy(me).ForAgent("recipe-suggester").
		Succeeded([]byte(`{"recipes":[`+suggested("First")+`,`+suggested("Second")+`]}`)).
		MustCreate(t, b.pool)
	twins := func(id uuid.UUID) (uuid.UUID, uuid.UUID) {
		var upper uuid.UUID
		require.NoError(t, actions.Decode([]byte(`"`+strings.ToUpper(id.String())+`"`), "id", &upper))
		return id, upper
	}
	name, q := "Twin", 1.0

	tests := []struct {
		name string
		call func() *actions.Error
		want map[string]string
	}{
		{"UpdateFoods", func() *actions.Error {
			x, y := twins(food.ID)
			return b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: x, Name: &name}, {ID: y, Name: &name}}).Error
		}, map[string]string{"foods[1].id": "repeats foods[0].id"}},
		{"DeleteFoods", func() *actions.Error {
			x, y := twins(food.ID)
			return b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"GetFoods", func() *actions.Error {
			x, y := twins(food.ID)
			return b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"TagFoods", func() *actions.Error {
			x, y := twins(food.ID)
			return b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{{FoodID: x, TagID: tag.ID}, {FoodID: y, TagID: tag.ID}}).Error
		}, map[string]string{"pairs[1]": "repeats pairs[0]"}},
		{"UntagFoods", func() *actions.Error {
			x, y := twins(tag.ID)
			return b.acts.UntagFoods(b.ctx, me.ID, []actions.FoodTag{{FoodID: food.ID, TagID: x}, {FoodID: food.ID, TagID: y}}).Error
		}, map[string]string{"pairs[1]": "repeats pairs[0]"}},
		{"UpdatePantryItems", func() *actions.Error {
			x, y := twins(item.ID)
			return b.acts.UpdatePantryItems(b.ctx, me.ID, []actions.PantryItemChange{{ID: x, Quantity: &q}, {ID: y, Quantity: &q}}).Error
		}, map[string]string{"items[1].id": "repeats items[0].id"}},
		{"ConsumePantryItems", func() *actions.Error {
			x, y := twins(item.ID)
			return b.acts.ConsumePantryItems(b.ctx, me.ID, []actions.Consumption{{ID: x, Quantity: 3}, {ID: y, Quantity: 10}}).Error
		}, map[string]string{"items[1].id": "repeats items[0].id"}},
		{"DeletePantryItems", func() *actions.Error {
			x, y := twins(item.ID)
			return b.acts.DeletePantryItems(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"DeleteTags", func() *actions.Error {
			x, y := twins(tag.ID)
			return b.acts.DeleteTags(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"GetUsers", func() *actions.Error {
			x, y := twins(me.ID)
			return b.acts.GetUsers(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"UpdateRecipes", func() *actions.Error {
			x, y := twins(recipe.ID)
			return b.acts.UpdateRecipes(b.ctx, me.ID, []actions.RecipeChange{{ID: x, Title: &name}, {ID: y, Title: &name}}).Error
		}, map[string]string{"recipes[1].id": "repeats recipes[0].id"}},
		{"GetRecipes", func() *actions.Error {
			x, y := twins(recipe.ID)
			return b.acts.GetRecipes(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"DeleteRecipes", func() *actions.Error {
			x, y := twins(recipe.ID)
			return b.acts.DeleteRecipes(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"RecipeNutrition", func() *actions.Error {
			x, y := twins(recipe.ID)
			return b.acts.RecipeNutrition(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"DeleteMealEntries", func() *actions.Error {
			x, y := twins(entry.ID)
			return b.acts.DeleteMealEntries(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"GetGenerations", func() *actions.Error {
			x, y := twins(estimate.ID)
			return b.acts.GetGenerations(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"CreateFoodsFromEstimates", func() *actions.Error {
			x, y := twins(estimate.ID)
			return b.acts.CreateFoodsFromEstimates(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"ApplySuggestedTags", func() *actions.Error {
			x, y := twins(tagging.ID)
			return b.acts.ApplySuggestedTags(b.ctx, me.ID, []uuid.UUID{x, y}).Error
		}, map[string]string{"ids[1]": "repeats ids[0]"}},
		{"SaveSuggestedRecipes", func() *actions.Error {
			x, y := twins(suggestion.ID)
			return b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{{GenerationID: x}, {GenerationID: y}}).Error
		}, map[string]string{"choices[1]": "repeats choices[0]"}},
		{"SuggestTags", func() *actions.Error {
			x, y := twins(food.ID)
			return b.acts.SuggestTags(b.ctx, me.ID, []actions.TagSuggestionRequest{{FoodIDs: []uuid.UUID{x, y}}}).Error
		}, map[string]string{"requests[0].food_ids[1]": "repeats requests[0].food_ids[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.call()
			require.NotNil(t, e, "the twin passed")
			require.Equal(t, actions.CodeInvalid, e.Code, "%+v", e)
			require.Equal(t, tt.want, e.Fields)
		})
	}

	still := ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))
	require.Equal(t, food.Name, still[0].Name)
	items := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{}))
	require.Equal(t, []db.PantryItem{item}, items.Items, "nothing consumed")
	require.Equal(t, 1, count(t, b, "recipes"))
	require.Equal(t, 1, count(t, b, "meal_entries"))
	require.Zero(t, count(t, b, "food_tags"))
	require.Equal(t, 1, count(t, b, "tags"))
	require.Equal(t, 3, count(t, b, "generations"), "no generation requested")

	// Two choices from one generation are two recipes, not a repeat; an
	// error is reported at the choice that caused it.
	x, y := twins(suggestion.ID)
	saved := ok(t, b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{{GenerationID: x, Index: 1}, {GenerationID: y}}))
	require.Equal(t, []string{"Second", "First"}, []string{saved[0].Title, saved[1].Title})
	fields := failed(t, b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{
		{GenerationID: x}, {GenerationID: y, Index: 1}, {GenerationID: recipe.ID},
	}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"choices[2].generation_id": "no such generation"}, fields)
}
