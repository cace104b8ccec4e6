package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestLogMealsAndDailyTotals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	rice := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 130, ProteinG: 2.5, FatG: 0.5, CarbsG: 28}).MustCreate(t, b.pool)
	bowl := factories.Recipe().OwnedBy(me).Serves(2).Using(rice).MustCreate(t, b.pool)
	grams := ok(t, b.acts.RecipeNutrition(b.ctx, me.ID, []string{bowl.ID.String()}))[0].Grams

	entries := ok(t, b.acts.LogMeals(b.ctx, me.ID, []actions.NewMealEntry{
		{EatenAt: "2026-11-24T08:00:00Z", Meal: "breakfast", FoodID: rice.ID.String(), Grams: 200},
		{EatenAt: "2026-11-26T19:30:00+01:00", Meal: "dinner", RecipeID: bowl.ID.String(), Servings: 1},
	}))
	require.Len(t, entries, 2)

	days := ok(t, b.acts.DailyTotals(b.ctx, me.ID, actions.DateRange{From: "2026-11-24", To: "2026-11-26"}))

	require.Equal(t, []string{"2026-11-24", "2026-11-25", "2026-11-26"}, []string{days[0].Date, days[1].Date, days[2].Date}, "every day, empty ones too")
	require.InDelta(t, 260, days[0].EnergyKcal, 1e-9)
	require.Zero(t, days[1].Entries)
	require.Zero(t, days[1].EnergyKcal)
	require.Equal(t, int32(1), days[2].Entries)
	require.InDelta(t, 130*grams/100/2, days[2].EnergyKcal, 1e-9, "one serving of a two-serving bowl")
}

func TestLogMealsOfOthersFoodsAndRecipes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	theirFood := factories.Food().OwnedBy(users[1]).MustCreate(t, b.pool)
	theirRecipe := factories.Recipe().OwnedBy(users[1]).MustCreate(t, b.pool)
	mine := factories.Food().OwnedBy(users[0]).MustCreate(t, b.pool)
	at := "2026-11-25T12:00:00Z"

	fields := failed(t, b.acts.LogMeals(b.ctx, users[0].ID, []actions.NewMealEntry{
		{EatenAt: at, Meal: "lunch", FoodID: mine.ID.String(), Grams: 10},
		{EatenAt: at, Meal: "lunch", FoodID: theirFood.ID.String(), Grams: 10},
		{EatenAt: at, Meal: "dinner", RecipeID: theirRecipe.ID.String(), Servings: 1},
	}), actions.CodeInvalid)

	require.Equal(t, map[string]string{"entries[1].food_id": "no such food", "entries[2].recipe_id": "no such recipe"}, fields)
	require.Zero(t, count(t, b, "meal_entries"))
}

func TestDeleteMealEntries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	mine := factories.MealEntry().OwnedBy(users[0]).MustCreate(t, b.pool)
	theirs := factories.MealEntry().OwnedBy(users[1]).MustCreate(t, b.pool)

	fields := failed(t, b.acts.DeleteMealEntries(b.ctx, users[0].ID, []string{mine.ID.String(), theirs.ID.String()}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such journal entry"}, fields)
	require.Equal(t, 2, count(t, b, "meal_entries"), "all or nothing")

	deleted := ok(t, b.acts.DeleteMealEntries(b.ctx, users[0].ID, []string{mine.ID.String()}))
	require.Equal(t, []uuid.UUID{mine.ID}, mealEntryIDs(deleted))
}
