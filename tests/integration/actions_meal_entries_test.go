package integration

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func TestLogMealsAndDailyTotals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	rice := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 130, ProteinG: 2.5, FatG: 0.5, CarbsG: 28}).MustCreate(t, b.pool)
	bowl := factories.Recipe().OwnedBy(me).Serves(2).Using(rice).MustCreate(t, b.pool)
	grams := ok(t, b.acts.RecipeNutrition(b.ctx, me.ID, []uuid.UUID{bowl.ID}))[0].Grams

	entries := ok(t, b.acts.LogMeals(b.ctx, me.ID, []actions.NewMealEntry{
		{EatenAt: "2026-11-24T08:00:00Z", Meal: "breakfast", FoodID: rice.ID, Grams: 200},
		{EatenAt: "2026-11-26T19:30:00+01:00", Meal: "dinner", RecipeID: bowl.ID, Servings: 1},
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
		{EatenAt: at, Meal: "lunch", FoodID: mine.ID, Grams: 10},
		{EatenAt: at, Meal: "lunch", FoodID: theirFood.ID, Grams: 10},
		{EatenAt: at, Meal: "dinner", RecipeID: theirRecipe.ID, Servings: 1},
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

	fields := failed(t, b.acts.DeleteMealEntries(b.ctx, users[0].ID, []uuid.UUID{mine.ID, theirs.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such journal entry"}, fields)
	require.Equal(t, 2, count(t, b, "meal_entries"), "all or nothing")

	deleted := ok(t, b.acts.DeleteMealEntries(b.ctx, users[0].ID, []uuid.UUID{mine.ID}))
	require.Equal(t, []uuid.UUID{mine.ID}, mealEntryIDs(deleted))
}

func TestListMealEntries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	mine := factories.MealEntry().OwnedBy(me)
	dinnerBefore := mine.Dinner().At(day.Add(-5*time.Hour)).MustCreate(t, b.pool)
	breakfast := mine.Breakfast().At(day.Add(8*time.Hour)).MustCreate(t, b.pool)
	lunch := mine.Lunch().At(day.Add(12*time.Hour)).MustCreate(t, b.pool)
	dinner := mine.Dinner().At(day.Add(19*time.Hour)).MustCreate(t, b.pool)
	nextDay := mine.Breakfast().At(day.Add(32*time.Hour)).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(other).Dinner().At(day.Add(19*time.Hour)).MustCreate(t, b.pool)

	list := func(q actions.MealEntrySearch) []uuid.UUID {
		return mealEntryIDs(ok(t, b.acts.ListMealEntries(b.ctx, me.ID, q)).Items)
	}
	require.Equal(t, []uuid.UUID{dinnerBefore.ID, breakfast.ID, lunch.ID, dinner.ID, nextDay.ID}, list(actions.MealEntrySearch{}),
		"mine only, in eating order")
	require.Equal(t, []uuid.UUID{breakfast.ID, lunch.ID, dinner.ID},
		list(actions.MealEntrySearch{EatenFrom: "2026-11-25T00:00:00Z", EatenBefore: "2026-11-26T00:00:00Z"}), "one day, from inclusive, before exclusive")
	require.Equal(t, []uuid.UUID{dinnerBefore.ID, breakfast.ID},
		list(actions.MealEntrySearch{EatenFrom: "2026-11-25T01:00:00+06:00", EatenBefore: "2026-11-25T12:00:00Z"}), "in any offset")
	require.Equal(t, []uuid.UUID{dinnerBefore.ID, dinner.ID}, list(actions.MealEntrySearch{Meal: "dinner"}))
	require.Equal(t, []uuid.UUID{lunch.ID, dinner.ID, nextDay.ID}, list(actions.MealEntrySearch{EatenFrom: "2026-11-25T12:00:00Z"}))

	all, pages := allPages(t, func(after many.Cursor) (many.Page[db.MealEntry], error) {
		return b.acts.ListMealEntries(b.ctx, me.ID, actions.MealEntrySearch{Limit: 2, After: string(after)}).Get()
	})
	require.Equal(t, []uuid.UUID{dinnerBefore.ID, breakfast.ID, lunch.ID, dinner.ID, nextDay.ID}, mealEntryIDs(all))
	require.Equal(t, 3, pages)

	theirs := ok(t, b.acts.ListMealEntries(b.ctx, other.ID, actions.MealEntrySearch{}))
	require.Len(t, theirs.Items, 1, "my journal is invisible to others, theirs to me")

	tests := []struct {
		give actions.MealEntrySearch
		want map[string]string
	}{
		{actions.MealEntrySearch{EatenFrom: "2026-11-25"}, map[string]string{"eaten_from": "must be an RFC 3339 time from 1900 to 2199"}},
		{actions.MealEntrySearch{EatenFrom: "2026-11-25T12:00:00Z", EatenBefore: "2026-11-25T13:00:00+01:00"}, map[string]string{"eaten_before": "must be after eaten_from"}},
		{actions.MealEntrySearch{Meal: "brunch"}, map[string]string{"meal": "must be one of: breakfast, lunch, dinner, snack"}},
		{actions.MealEntrySearch{After: "forged"}, map[string]string{"after": "is not a cursor a list returned"}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, failed(t, b.acts.ListMealEntries(b.ctx, me.ID, tt.give), actions.CodeInvalid), "%+v", tt.give)
	}
}
