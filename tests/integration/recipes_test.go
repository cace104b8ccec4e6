package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func recipeIDs(rs []db.Recipe) []uuid.UUID {
	return idsOf(rs, func(r db.Recipe) uuid.UUID { return r.ID })
}

// createRecipe makes owner a recipe with exactly the given ingredients,
// for tests that assert on what they add up to.
func createRecipe(t *testing.T, b bundle, owner db.User, servings int32, ingredients ...db.NewRecipeIngredient) (db.Recipe, []db.RecipeIngredient) {
	t.Helper()
	recipe := factories.Recipe().OwnedBy(owner).Serves(servings).MustCreate(t, b.pool)
	for i := range ingredients {
		ingredients[i].RecipeID = recipe.ID
	}
	rows, err := db.InsertRecipeIngredients(b.ctx, b.pool, ingredients)
	require.NoError(t, err)
	return recipe, rows
}

func TestRecipeNutritionSumsItsIngredients(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	oats := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 380, ProteinG: 13, FatG: 7, CarbsG: 68, FiberG: 10, SugarG: 1, SodiumMg: 6}).MustCreate(t, b.pool)
	milk := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 64, ProteinG: 3.4, FatG: 3.6, CarbsG: 4.8, SugarG: 4.8, SodiumMg: 44}).MustCreate(t, b.pool)
	porridge, _ := createRecipe(t, b, owner, 2,
		db.NewRecipeIngredient{Position: 1, FoodID: oats.ID, Grams: 100},
		db.NewRecipeIngredient{Position: 2, FoodID: milk.ID, Grams: 250},
	)
	empty := factories.Recipe().OwnedBy(owner).Serves(1).MustCreate(t, b.pool)

	got, err := db.SelectRecipeNutrition(b.ctx, b.pool, owner.ID, []uuid.UUID{empty.ID, porridge.ID})

	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, db.RecipeNutrition{RecipeID: empty.ID, Servings: 1}, got[0], "no ingredients: zeros")
	whole := got[1]
	require.Equal(t, porridge.ID, whole.RecipeID)
	require.InDelta(t, 350, whole.Grams, 1e-9)
	require.InDelta(t, 380+160, whole.EnergyKcal, 1e-9)
	require.InDelta(t, 13+8.5, whole.ProteinG, 1e-9)
	require.InDelta(t, 7+9, whole.FatG, 1e-9)
	require.InDelta(t, 68+12, whole.CarbsG, 1e-9)
	require.InDelta(t, 6+110, whole.SodiumMg, 1e-9)
	require.InDelta(t, 270, whole.PerServing().EnergyKcal, 1e-9)
}

func TestRecipeIngredientsKeepTheirPositions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().MustCreateMany(t, b.pool, 3)
	recipe, ingredients := createRecipe(t, b, owner, 4,
		db.NewRecipeIngredient{Position: 2, FoodID: foods[1].ID, Grams: 20},
		db.NewRecipeIngredient{Position: 1, FoodID: foods[0].ID, Grams: 10},
		db.NewRecipeIngredient{Position: 3, FoodID: foods[2].ID, Grams: 30},
	)

	listed, pages := allPages(t, func(after many.Cursor) (many.Page[db.RecipeIngredient], error) {
		return db.ListRecipeIngredients(b.ctx, b.pool, db.RecipeIngredientFilter{OwnerID: owner.ID, RecipeIDs: []uuid.UUID{recipe.ID}, After: after, Limit: 2})
	})
	require.Equal(t, 2, pages)
	require.Equal(t, []int32{1, 2, 3}, []int32{listed[0].Position, listed[1].Position, listed[2].Position})

	_, err := db.InsertRecipeIngredients(b.ctx, b.pool, []db.NewRecipeIngredient{{RecipeID: recipe.ID, Position: 1, FoodID: foods[0].ID, Grams: 5}})
	require.ErrorIs(t, err, many.ErrUniqueViolation, "one ingredient per position")

	// Swapping two positions in one batch passes: the unique check waits
	// for the end of the statement.
	swapped, err := db.UpdateRecipeIngredients(b.ctx, b.pool, owner.ID, []db.RecipeIngredientPatch{
		{ID: ingredients[0].ID, Position: many.Set[int32](1)},
		{ID: ingredients[1].ID, Position: many.Set[int32](2), Grams: many.Set(15.5)},
	})
	require.NoError(t, err)
	require.Equal(t, int32(1), swapped[0].Position)
	require.Equal(t, int32(2), swapped[1].Position)
	require.Equal(t, 15.5, swapped[1].Grams)
	require.Equal(t, foods[0].ID, swapped[1].FoodID)
}

func TestRecipeChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().MustCreate(t, b.pool)
	for _, r := range []db.NewRecipe{
		{OwnerID: owner.ID, Title: "", Servings: 1},
		{OwnerID: owner.ID, Title: "Zero", Servings: 0},
		{OwnerID: owner.ID, Title: "Crowd", Servings: 101},
	} {
		_, err := db.InsertRecipes(b.ctx, b.pool, []db.NewRecipe{r})
		require.ErrorIs(t, err, many.ErrCheckViolation, r.Title)
	}
	recipe, _ := createRecipe(t, b, owner, 1)
	for _, in := range []db.NewRecipeIngredient{
		{RecipeID: recipe.ID, Position: 0, FoodID: food.ID, Grams: 1},
		{RecipeID: recipe.ID, Position: 1, FoodID: food.ID, Grams: 0},
	} {
		_, err := db.InsertRecipeIngredients(b.ctx, b.pool, []db.NewRecipeIngredient{in})
		require.ErrorIs(t, err, many.ErrCheckViolation)
	}
	_, err := db.InsertRecipeIngredients(b.ctx, b.pool, []db.NewRecipeIngredient{{RecipeID: recipe.ID, Position: 1, FoodID: uuid.New(), Grams: 1}})
	require.ErrorIs(t, err, many.ErrForeignKeyViolation, "checked at commit, still reported")
	require.Zero(t, count(t, b, "recipe_ingredients"))
}

func TestRecipesAreScopedToTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	food := factories.Food().MustCreate(t, b.pool)
	recipe, ingredients := createRecipe(t, b, ann, 2, db.NewRecipeIngredient{Position: 1, FoodID: food.ID, Grams: 100})
	ids := []uuid.UUID{recipe.ID}
	ingredientIDs := []uuid.UUID{ingredients[0].ID}

	seen, err := db.SelectRecipes(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, seen)
	nutrition, err := db.SelectRecipeNutrition(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, nutrition)
	seenIngredients, err := db.SelectRecipeIngredients(b.ctx, b.pool, bo.ID, ingredientIDs)
	require.NoError(t, err)
	require.Empty(t, seenIngredients)
	page, err := db.ListRecipeIngredients(b.ctx, b.pool, db.RecipeIngredientFilter{OwnerID: bo.ID, RecipeIDs: ids})
	require.NoError(t, err)
	require.Empty(t, page.Items)
	changed, err := db.UpdateRecipeIngredients(b.ctx, b.pool, bo.ID, []db.RecipeIngredientPatch{{ID: ingredientIDs[0], Grams: many.Set(1.0)}})
	require.NoError(t, err)
	require.Empty(t, changed)
	removed, err := db.DeleteRecipeIngredients(b.ctx, b.pool, bo.ID, ingredientIDs)
	require.NoError(t, err)
	require.Empty(t, removed)
	updated, err := db.UpdateRecipes(b.ctx, b.pool, bo.ID, []db.RecipePatch{{ID: recipe.ID, Title: many.Set("Taken")}})
	require.NoError(t, err)
	require.Empty(t, updated)
	deleted, err := db.DeleteRecipes(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)

	updated, err = db.UpdateRecipes(b.ctx, b.pool, ann.ID, []db.RecipePatch{{ID: recipe.ID, Title: many.Set("Stew"), Servings: many.Set[int32](6)}})
	require.NoError(t, err)
	require.Equal(t, "Stew", updated[0].Title)
	require.Equal(t, int32(6), updated[0].Servings)
	require.Equal(t, recipe.Instructions, updated[0].Instructions)
	list, err := db.ListRecipes(b.ctx, b.pool, db.RecipeFilter{OwnerID: ann.ID, TitleContains: ptr("STE")})
	require.NoError(t, err)
	require.Equal(t, ids, recipeIDs(list.Items))

	deleted, err = db.DeleteRecipes(b.ctx, b.pool, ann.ID, ids)
	require.NoError(t, err)
	require.Equal(t, ids, recipeIDs(deleted))
	require.Zero(t, count(t, b, "recipe_ingredients"), "ingredients go with their recipe")
}

func TestRecipesInTheJournalCannotBeDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(owner).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(owner).OfRecipe(recipe, 1).MustCreate(t, b.pool)

	_, err := db.DeleteRecipes(b.ctx, b.pool, owner.ID, []uuid.UUID{recipe.ID})

	require.ErrorIs(t, err, many.ErrForeignKeyViolation)
	require.Equal(t, 1, count(t, b, "recipes"))
}
