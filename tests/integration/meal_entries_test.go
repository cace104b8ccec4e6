package integration

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func mealEntryIDs(ms []db.MealEntry) []uuid.UUID {
	return idsOf(ms, func(m db.MealEntry) uuid.UUID { return m.ID })
}

func TestInsertMealEntriesOfFoodsAndRecipes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().MustCreate(t, b.pool)
	recipe, _ := createRecipe(t, b, owner, 2)
	at := time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)

	entries, err := db.InsertMealEntries(b.ctx, b.pool, []db.NewMealEntry{
		{OwnerID: owner.ID, EatenAt: at, Meal: db.MealKindLunch, MealSource: db.MealSource{FoodID: &food.ID, Grams: ptr(150.0)}},
		{OwnerID: owner.ID, EatenAt: at, Meal: db.MealKindDinner, MealSource: db.MealSource{RecipeID: &recipe.ID, Servings: ptr(1.5)}},
	})

	require.NoError(t, err)
	require.Equal(t, &food.ID, entries[0].FoodID)
	require.Equal(t, ptr(150.0), entries[0].Grams)
	require.Nil(t, entries[0].RecipeID)
	require.Nil(t, entries[0].Servings)
	require.Equal(t, &recipe.ID, entries[1].RecipeID)
	require.Equal(t, ptr(1.5), entries[1].Servings)
	require.Nil(t, entries[1].FoodID)
	require.True(t, at.Equal(entries[0].EatenAt))
}

func TestAMealEntryIsAFoodOrARecipe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().MustCreate(t, b.pool)
	recipe, _ := createRecipe(t, b, owner, 2)
	tests := []struct {
		name string
		give db.MealSource
		want error
	}{
		{name: "neither", give: db.MealSource{}, want: many.ErrCheckViolation},
		{name: "both", give: db.MealSource{FoodID: &food.ID, Grams: ptr(1.0), RecipeID: &recipe.ID, Servings: ptr(1.0)}, want: many.ErrCheckViolation},
		{name: "a food without grams", give: db.MealSource{FoodID: &food.ID}, want: many.ErrCheckViolation},
		{name: "negative grams", give: db.MealSource{FoodID: &food.ID, Grams: ptr(-5.0)}, want: many.ErrCheckViolation},
		{name: "an unknown food", give: db.MealSource{FoodID: ptr(uuid.New()), Grams: ptr(5.0)}, want: many.ErrForeignKeyViolation},
	}
	for _, tt := range tests {
		_, err := db.InsertMealEntries(b.ctx, b.pool, []db.NewMealEntry{{OwnerID: owner.ID, EatenAt: time.Now(), Meal: db.MealKindSnack, MealSource: tt.give}})
		require.ErrorIs(t, err, tt.want, tt.name)
	}
	require.Zero(t, count(t, b, "meal_entries"))
}

func TestDailyTotals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	owner := users[0]
	rice := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 130, ProteinG: 2.5, FatG: 0.5, CarbsG: 28}).MustCreate(t, b.pool)
	egg := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 150, ProteinG: 12.5, FatG: 10, CarbsG: 1}).MustCreate(t, b.pool)
	// 200 g rice + 100 g egg, for 2 servings: 205 kcal, 8.75 g protein per serving.
	bowl, _ := createRecipe(t, b, owner, 2,
		db.NewRecipeIngredient{Position: 1, FoodID: rice.ID, Grams: 200},
		db.NewRecipeIngredient{Position: 2, FoodID: egg.ID, Grams: 100},
	)
	at := func(d int, hour, minute int) time.Time { return time.Date(2026, 11, d, hour, minute, 0, 0, time.UTC) }
	mine := factories.MealEntry().OwnedBy(owner)
	mine.At(at(24, 8, 0)).OfFood(egg, 50).MustCreate(t, b.pool)                                        // day 24: 75 kcal
	mine.At(at(25, 12, 0)).OfFood(rice, 100).MustCreate(t, b.pool)                                     // day 25: 130 kcal
	mine.At(at(25, 19, 0)).OfRecipe(bowl, 2).MustCreate(t, b.pool)                                     // day 25: 410 kcal
	mine.At(at(25, 23, 30)).OfFood(rice, 50).MustCreate(t, b.pool)                                     // day 25 in UTC, 26 in Berlin: 65 kcal
	mine.At(at(27, 9, 0)).OfFood(rice, 1000).MustCreate(t, b.pool)                                     // after the range
	factories.MealEntry().OwnedBy(users[1]).At(at(25, 12, 0)).OfFood(rice, 1000).MustCreate(t, b.pool) // someone else's

	utc, err := db.DailyTotals(b.ctx, b.pool, db.DailyTotalsRange{OwnerID: owner.ID, FirstDay: day(2026, 11, 24), LastDay: day(2026, 11, 26)})
	require.NoError(t, err)
	require.Len(t, utc, 2, "only days with entries")
	require.Equal(t, day(2026, 11, 24), utc[0].Day)
	require.Equal(t, int32(1), utc[0].Entries)
	require.InDelta(t, 75, utc[0].EnergyKcal, 1e-9)
	require.Equal(t, day(2026, 11, 25), utc[1].Day)
	require.Equal(t, int32(3), utc[1].Entries)
	require.InDelta(t, 130+410+65, utc[1].EnergyKcal, 1e-9)
	require.InDelta(t, 2.5+17.5+1.25, utc[1].ProteinG, 1e-9)

	berlin, err := db.DailyTotals(b.ctx, b.pool, db.DailyTotalsRange{OwnerID: owner.ID, FirstDay: day(2026, 11, 25), LastDay: day(2026, 11, 26), TimeZone: "Europe/Berlin"})
	require.NoError(t, err)
	require.Len(t, berlin, 2)
	require.InDelta(t, 130+410, berlin[0].EnergyKcal, 1e-9)
	require.Equal(t, day(2026, 11, 26), berlin[1].Day)
	require.InDelta(t, 65, berlin[1].EnergyKcal, 1e-9)

	_, err = db.DailyTotals(b.ctx, b.pool, db.DailyTotalsRange{OwnerID: owner.ID, FirstDay: day(2026, 11, 25), LastDay: day(2026, 11, 26), TimeZone: "Mars/Olympus_Mons"})
	require.ErrorIs(t, err, many.ErrInvalidValue)
}

func TestListMealEntriesInEatingOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	at := func(hour int) time.Time { return time.Date(2026, 11, 25, hour, 0, 0, 0, time.UTC) }
	entry := factories.MealEntry().OwnedBy(owner)
	entries := []db.MealEntry{
		entry.Dinner().At(at(19)).MustCreate(t, b.pool),
		entry.Breakfast().At(at(8)).MustCreate(t, b.pool),
		entry.Lunch().At(at(12)).MustCreate(t, b.pool),
		entry.Lunch().At(at(12)).MustCreate(t, b.pool),
		entry.Snack().At(at(23)).MustCreate(t, b.pool),
	}

	got, _ := allPages(t, func(after many.Cursor) (many.Page[db.MealEntry], error) {
		return db.ListMealEntries(b.ctx, b.pool, db.MealEntryFilter{OwnerID: owner.ID, EatenFrom: ptr(at(8)), EatenBefore: ptr(at(23)), After: after, Limit: 1})
	})
	require.Len(t, got, 4, "[From, Before)")
	require.Equal(t, entries[1].ID, got[0].ID)
	require.ElementsMatch(t, []uuid.UUID{entries[2].ID, entries[3].ID}, mealEntryIDs(got[1:3]))
	require.Equal(t, entries[0].ID, got[3].ID)

	lunch, err := db.ListMealEntries(b.ctx, b.pool, db.MealEntryFilter{OwnerID: owner.ID, Meal: ptr(string(db.MealKindLunch))})
	require.NoError(t, err)
	require.Len(t, lunch.Items, 2)
}

func TestUpdateMealEntriesSwitchesTheSource(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(owner).MustCreate(t, b.pool)
	entry := factories.MealEntry().OwnedBy(owner).MustCreate(t, b.pool)

	updated, err := many.First(db.UpdateMealEntries(b.ctx, b.pool, owner.ID, []db.MealEntryPatch{
		{ID: entry.ID, Meal: many.Set(db.MealKindDinner), MealSource: many.Set(db.MealSource{RecipeID: &recipe.ID, Servings: ptr(2.0)})},
	}))

	require.NoError(t, err)
	require.Equal(t, db.MealKindDinner, updated.Meal)
	require.Nil(t, updated.FoodID)
	require.Nil(t, updated.Grams)
	require.Equal(t, &recipe.ID, updated.RecipeID)
	require.Equal(t, ptr(2.0), updated.Servings)
	require.True(t, entry.EatenAt.Equal(updated.EatenAt))
}

func TestMealEntriesAreScopedToTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	entries := factories.MealEntry().OwnedBy(ann).MustCreateMany(t, b.pool, 1)
	ids := mealEntryIDs(entries)

	seen, err := db.SelectMealEntries(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, seen)
	updated, err := db.UpdateMealEntries(b.ctx, b.pool, bo.ID, []db.MealEntryPatch{{ID: ids[0], Meal: many.Set(db.MealKindSnack)}})
	require.NoError(t, err)
	require.Empty(t, updated)
	deleted, err := db.DeleteMealEntries(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)
	totals, err := db.DailyTotals(b.ctx, b.pool, db.DailyTotalsRange{OwnerID: bo.ID, FirstDay: entries[0].EatenAt, LastDay: entries[0].EatenAt})
	require.NoError(t, err)
	require.Empty(t, totals)

	deleted, err = db.DeleteMealEntries(b.ctx, b.pool, ann.ID, ids)
	require.NoError(t, err)
	require.Equal(t, ids, mealEntryIDs(deleted))
}
