package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func TestCreateRecipesWithIngredientsAndTheirNutrition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	oats := factories.Food().OwnedBy(me).WithNutrients(db.Nutrients{EnergyKcal: 380, ProteinG: 13, FatG: 7, CarbsG: 68}).MustCreate(t, b.pool)
	milk := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 64, ProteinG: 3.4, FatG: 3.6, CarbsG: 4.8, SugarG: 4.8}).MustCreate(t, b.pool)

	recipes := ok(t, b.acts.CreateRecipes(b.ctx, me.ID, []actions.NewRecipe{{
		Title: "Porridge", Servings: 2,
		Ingredients: []actions.NewIngredient{{FoodID: oats.ID, Grams: 100}, {FoodID: milk.ID, Grams: 250}},
	}}))

	require.Len(t, recipes[0].Ingredients, 2)
	require.Equal(t, []int32{1, 2}, []int32{recipes[0].Ingredients[0].Position, recipes[0].Ingredients[1].Position})
	nutrition := ok(t, b.acts.RecipeNutrition(b.ctx, me.ID, []uuid.UUID{recipes[0].ID}))
	require.InDelta(t, 540, nutrition[0].Total.EnergyKcal, 1e-9)
	require.InDelta(t, 270, nutrition[0].PerServing.EnergyKcal, 1e-9)
	require.InDelta(t, 10.75, nutrition[0].PerServing.ProteinG, 1e-9)
}

func TestCreateRecipesWithAFoodTheUserCannotSee(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	theirs := factories.Food().OwnedBy(users[1]).MustCreate(t, b.pool)
	mine := factories.Food().OwnedBy(users[0]).MustCreate(t, b.pool)

	fields := failed(t, b.acts.CreateRecipes(b.ctx, users[0].ID, []actions.NewRecipe{
		{Title: "Fine", Servings: 1, Ingredients: []actions.NewIngredient{{FoodID: mine.ID, Grams: 1}}},
		{Title: "Not fine", Servings: 1, Ingredients: []actions.NewIngredient{{FoodID: mine.ID, Grams: 1}, {FoodID: theirs.ID, Grams: 1}}},
	}), actions.CodeInvalid)

	require.Equal(t, map[string]string{"recipes[1].ingredients[1].food_id": "no such food"}, fields)
	require.Zero(t, count(t, b, "recipes"), "the recipes and their ingredients go in one transaction")
}

func TestUpdateRecipesReplacesIngredients(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(me).WithIngredients(3).MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	title, servings := "Renamed", int32(8)

	updated := ok(t, b.acts.UpdateRecipes(b.ctx, me.ID, []actions.RecipeChange{{
		ID: recipe.ID, Title: &title, Servings: &servings,
		Ingredients: &[]actions.NewIngredient{{FoodID: food.ID, Grams: 42, Position: 5}},
	}}))

	require.Equal(t, "Renamed", updated[0].Title)
	require.Equal(t, int32(8), updated[0].Servings)
	require.Len(t, updated[0].Ingredients, 1)
	require.Equal(t, int32(5), updated[0].Ingredients[0].Position)
	require.Equal(t, 42.0, updated[0].Ingredients[0].Grams)
	require.Equal(t, 1, count(t, b, "recipe_ingredients"))

	kept := ok(t, b.acts.UpdateRecipes(b.ctx, me.ID, []actions.RecipeChange{{ID: recipe.ID, Title: &title}}))
	require.Len(t, kept[0].Ingredients, 1, "ingredients stay when the change does not set them")
}

func TestRecipesOfAnotherUserAreNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	theirs := factories.Recipe().OwnedBy(users[1]).MustCreate(t, b.pool)
	title := "Taken"
	id := []uuid.UUID{theirs.ID}

	failed(t, b.acts.UpdateRecipes(b.ctx, users[0].ID, []actions.RecipeChange{{ID: id[0], Title: &title}}), actions.CodeNotFound)
	failed(t, b.acts.DeleteRecipes(b.ctx, users[0].ID, id), actions.CodeNotFound)
	failed(t, b.acts.RecipeNutrition(b.ctx, users[0].ID, id), actions.CodeNotFound)
	require.Equal(t, 1, count(t, b, "recipes"))
}

func TestDeleteRecipes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	recipes := factories.Recipe().OwnedBy(me).WithIngredients(2).MustCreateMany(t, b.pool, 2)
	factories.MealEntry().OwnedBy(me).OfRecipe(recipes[1], 1).MustCreate(t, b.pool)

	fields := failed(t, b.acts.DeleteRecipes(b.ctx, me.ID, []uuid.UUID{recipes[0].ID, recipes[1].ID}), actions.CodeConflict)
	require.Equal(t, map[string]string{"ids[1]": "is logged in the journal"}, fields)
	require.Equal(t, 2, count(t, b, "recipes"))

	deleted := ok(t, b.acts.DeleteRecipes(b.ctx, me.ID, []uuid.UUID{recipes[0].ID}))
	require.Equal(t, []uuid.UUID{recipes[0].ID}, recipeIDs(deleted))
	require.Equal(t, 2, count(t, b, "recipe_ingredients"), "the deleted recipe's two ingredients went with it")
}

func TestGetRecipes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	oats := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	milk := factories.Food().MustCreate(t, b.pool)
	porridge := factories.Recipe().OwnedBy(me).Using(milk, oats).MustCreate(t, b.pool)
	plain := factories.Recipe().OwnedBy(me).MustCreate(t, b.pool)
	theirs := factories.Recipe().OwnedBy(other).WithIngredients(2).MustCreate(t, b.pool)

	got := ok(t, b.acts.GetRecipes(b.ctx, me.ID, []uuid.UUID{plain.ID, porridge.ID}))

	require.Equal(t, []uuid.UUID{plain.ID, porridge.ID}, []uuid.UUID{got[0].ID, got[1].ID}, "in the order of the ids")
	require.Equal(t, plain, got[0].Recipe)
	require.NotNil(t, got[0].Ingredients)
	require.Empty(t, got[0].Ingredients)
	require.Len(t, got[1].Ingredients, 2)
	require.Equal(t, []uuid.UUID{milk.ID, oats.ID}, []uuid.UUID{got[1].Ingredients[0].FoodID, got[1].Ingredients[1].FoodID}, "by position")

	// Another user's recipe, through my action, is not found, like one
	// that never was; theirs stays theirs, whole.
	fields := failed(t, b.acts.GetRecipes(b.ctx, me.ID, []uuid.UUID{porridge.ID, theirs.ID, uuid.New()}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such recipe", "ids[2]": "no such recipe"}, fields)
	still := ok(t, b.acts.GetRecipes(b.ctx, other.ID, []uuid.UUID{theirs.ID}))
	require.Equal(t, theirs, still[0].Recipe)
	require.Len(t, still[0].Ingredients, 2)
}

// TestGetRecipesIsBoundedByTheirIngredients: the recipes one call returns
// carry at most MaxBatch ingredients between them.
func TestGetRecipesIsBoundedByTheirIngredients(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	recipes := factories.Recipe().OwnedBy(me).WithIngredients(1000).MustCreateMany(t, b.pool, actions.MaxBatch/1000+1)
	ids := recipeIDs(recipes)

	fields := failed(t, b.acts.GetRecipes(b.ctx, me.ID, ids), actions.CodeInvalid)
	require.Equal(t, map[string]string{"ids": "must carry at most 10000 ingredients in all: ask for fewer recipes"}, fields)

	got := ok(t, b.acts.GetRecipes(b.ctx, me.ID, ids[1:]))
	require.Len(t, got, actions.MaxBatch/1000)
	for _, r := range got {
		require.Len(t, r.Ingredients, 1000)
	}
}

func TestListRecipes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	mine := factories.Recipe().OwnedBy(me)
	soup := mine.Titled("Lentil soup").MustCreate(t, b.pool)
	salad := mine.Titled("Salad").MustCreate(t, b.pool)
	stew := mine.Titled("Bean SOUP").MustCreate(t, b.pool)
	factories.Recipe().OwnedBy(other).Titled("Their soup").MustCreate(t, b.pool)

	list := func(q actions.RecipeSearch) []uuid.UUID {
		return recipeIDs(ok(t, b.acts.ListRecipes(b.ctx, me.ID, q)).Items)
	}
	require.Equal(t, []uuid.UUID{soup.ID, salad.ID, stew.ID}, list(actions.RecipeSearch{}), "mine only, oldest first")
	require.Equal(t, []uuid.UUID{soup.ID, stew.ID}, list(actions.RecipeSearch{TitleContains: "soup"}), "regardless of case")

	all, pages := allPages(t, func(after many.Cursor) (many.Page[db.Recipe], error) {
		return b.acts.ListRecipes(b.ctx, me.ID, actions.RecipeSearch{Limit: 2, After: string(after)}).Get()
	})
	require.Equal(t, []uuid.UUID{soup.ID, salad.ID, stew.ID}, recipeIDs(all))
	require.Equal(t, 2, pages)

	none := ok(t, b.acts.ListRecipes(b.ctx, other.ID, actions.RecipeSearch{TitleContains: "salad"}))
	require.NotNil(t, none.Items)
	require.Empty(t, none.Items, "my recipes are invisible to others")

	fields := failed(t, b.acts.ListRecipes(b.ctx, me.ID, actions.RecipeSearch{After: "forged"}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"after": "is not a cursor a list returned"}, fields)
	fields = failed(t, b.acts.ListRecipes(b.ctx, me.ID, actions.RecipeSearch{TitleContains: "a\x00b", Limit: 5000}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"title_contains": "must be valid UTF-8 without NUL bytes", "limit": "must be at most 1000"}, fields)
}
