package integration

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

// TestPantryItemsCreateManyIsOneInsertPerTable is the factories' batching
// bar: 1,000 items are one INSERT, plus one for the user and one for the
// food they share.
func TestPantryItemsCreateManyIsOneInsertPerTable(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)
	b := bundle{ctx: t.Context(), pool: pool}

	items := factories.PantryItem().MustCreateMany(t, pool, 1000)

	require.Len(t, items, 1000)
	require.Equal(t, 3, stmts.count("INSERT"), "users, foods, pantry_items")
	for _, it := range items {
		require.Equal(t, items[0].OwnerID, it.OwnerID, "one user for the whole batch")
		require.Equal(t, items[0].FoodID, it.FoodID, "one food for the whole batch")
	}
	require.Equal(t, 1, count(t, b, "users"))
	require.Equal(t, 1, count(t, b, "foods"))
	require.Equal(t, 1000, count(t, b, "pantry_items"))
}

func TestRecipesWithIngredientsShareTheirFoods(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)
	b := bundle{ctx: t.Context(), pool: pool}

	recipes := factories.Recipe().WithIngredients(3).MustCreateMany(t, pool, 5)

	require.Len(t, recipes, 5)
	require.Equal(t, 4, stmts.count("INSERT"), "users, recipes, foods, recipe_ingredients")
	require.Equal(t, 3, count(t, b, "foods"))
	require.Equal(t, 15, count(t, b, "recipe_ingredients"))
	page, err := db.ListRecipeIngredients(b.ctx, pool, db.RecipeIngredientFilter{OwnerID: recipes[0].OwnerID, RecipeIDs: recipeIDs(recipes[:1])})
	require.NoError(t, err)
	require.Equal(t, []int32{1, 2, 3}, []int32{page.Items[0].Position, page.Items[1].Position, page.Items[2].Position})
}

func TestFoodsWithTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)

	foods := factories.Food().OwnedBy(owner).WithTags("vegan", "quick").MustCreateMany(t, b.pool, 3)

	pairs, err := db.SelectFoodTags(b.ctx, b.pool, owner.ID, foodIDs(foods))
	require.NoError(t, err)
	require.Len(t, pairs, 6)
	shared := factories.Food().WithTags("imported").MustCreate(t, b.pool)
	require.Nil(t, shared.OwnerID, "a shared food's tags belong to a user made for them")
	require.Equal(t, 3, count(t, b, "tags"))
}

// TestEveryTraitMakesRowsTheSchemaAccepts creates rows with each trait:
// the values are realistic, so every CHECK holds.
func TestEveryTraitMakesRowsTheSchemaAccepts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	user := factories.User().MustCreate(t, b.pool)
	for _, f := range []factories.FoodBuilder{
		factories.Food(), factories.Food().Whole(), factories.Food().Processed(), factories.Food().UltraProcessed(),
		factories.Food().HighFat(), factories.Food().HighProtein(), factories.Food().HighSugar(), factories.Food().LowCalorie(),
		factories.Food().Processed().HighFat().OwnedBy(user).WithBarcode().Branded("Acme"),
		factories.Food().InCategory(db.FoodCategoryBeverage).HighFat(), // contradictory: the closest food
	} {
		f.MustCreateMany(t, b.pool, 40)
	}
	factories.PantryItem().OwnedBy(user).Expired().MustCreateMany(t, b.pool, 5)
	factories.PantryItem().OwnedBy(user).Millilitres(330).NonPerishable().MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(user).Serves(4).WithIngredients(5).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(user).OfRecipe(recipe, 1.5).Dinner().MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(user).Breakfast().MustCreateMany(t, b.pool, 7)
	factories.Tag().OwnedBy(user).MustCreateMany(t, b.pool, 5)
	factories.Job().Queue("slow").Priority(4).UniqueBy("k").MustCreate(t, b.pool)
	factories.Generation().OwnedBy(user).Running().MustCreate(t, b.pool)
	failed := factories.Generation().OwnedBy(user).Failed("model timed out").MustCreate(t, b.pool)
	require.Equal(t, db.GenerationStatusFailed, failed.Status)
	done := factories.Generation().Succeeded(json.RawMessage(`{"kind": "whole"}`)).MustCreate(t, b.pool)
	require.Equal(t, db.GenerationStatusSucceeded, done.Status)
	require.NotNil(t, done.FinishedAt)
}

func TestCreateManyWritesAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)

	_, err := factories.Food().Named("").WithTags("x").CreateMany(b.ctx, b.pool, 3)

	require.ErrorIs(t, err, many.ErrCheckViolation)
	for _, table := range []string{"users", "foods", "tags"} {
		require.Zero(t, count(t, b, table), table)
	}
}

func TestCreateInsideACallerTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tx, err := b.pool.Begin(b.ctx)
	require.NoError(t, err)

	item := factories.PantryItem().MustCreate(t, tx)
	require.NoError(t, tx.Rollback(b.ctx))

	require.NotEqual(t, uuid.Nil, item.ID)
	require.Zero(t, count(t, b, "pantry_items"), "rolled back with the caller's transaction")
}
