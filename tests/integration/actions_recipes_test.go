package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestCreateRecipesWithIngredientsAndTheirNutrition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	oats := factories.Food().OwnedBy(me).WithNutrients(db.Nutrients{EnergyKcal: 380, ProteinG: 13, FatG: 7, CarbsG: 68}).MustCreate(t, b.pool)
	milk := factories.Food().WithNutrients(db.Nutrients{EnergyKcal: 64, ProteinG: 3.4, FatG: 3.6, CarbsG: 4.8, SugarG: 4.8}).MustCreate(t, b.pool)

	recipes := ok(t, b.acts.CreateRecipes(b.ctx, me.ID, []actions.NewRecipe{{
		Title: "Porridge", Servings: 2,
		Ingredients: []actions.NewIngredient{{FoodID: oats.ID.String(), Grams: 100}, {FoodID: milk.ID.String(), Grams: 250}},
	}}))

	require.Len(t, recipes[0].Ingredients, 2)
	require.Equal(t, []int32{1, 2}, []int32{recipes[0].Ingredients[0].Position, recipes[0].Ingredients[1].Position})
	nutrition := ok(t, b.acts.RecipeNutrition(b.ctx, me.ID, []string{recipes[0].ID.String()}))
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
		{Title: "Fine", Servings: 1, Ingredients: []actions.NewIngredient{{FoodID: mine.ID.String(), Grams: 1}}},
		{Title: "Not fine", Servings: 1, Ingredients: []actions.NewIngredient{{FoodID: mine.ID.String(), Grams: 1}, {FoodID: theirs.ID.String(), Grams: 1}}},
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
		ID: recipe.ID.String(), Title: &title, Servings: &servings,
		Ingredients: &[]actions.NewIngredient{{FoodID: food.ID.String(), Grams: 42, Position: 5}},
	}}))

	require.Equal(t, "Renamed", updated[0].Title)
	require.Equal(t, int32(8), updated[0].Servings)
	require.Len(t, updated[0].Ingredients, 1)
	require.Equal(t, int32(5), updated[0].Ingredients[0].Position)
	require.Equal(t, 42.0, updated[0].Ingredients[0].Grams)
	require.Equal(t, 1, count(t, b, "recipe_ingredients"))

	kept := ok(t, b.acts.UpdateRecipes(b.ctx, me.ID, []actions.RecipeChange{{ID: recipe.ID.String(), Title: &title}}))
	require.Len(t, kept[0].Ingredients, 1, "ingredients stay when the change does not set them")
}

func TestRecipesOfAnotherUserAreNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	theirs := factories.Recipe().OwnedBy(users[1]).MustCreate(t, b.pool)
	title := "Taken"
	id := []string{theirs.ID.String()}

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

	fields := failed(t, b.acts.DeleteRecipes(b.ctx, me.ID, []string{recipes[0].ID.String(), recipes[1].ID.String()}), actions.CodeConflict)
	require.Equal(t, map[string]string{"ids[1]": "is logged in the journal"}, fields)
	require.Equal(t, 2, count(t, b, "recipes"))

	deleted := ok(t, b.acts.DeleteRecipes(b.ctx, me.ID, []string{recipes[0].ID.String()}))
	require.Equal(t, []uuid.UUID{recipes[0].ID}, recipeIDs(deleted))
	require.Equal(t, 2, count(t, b, "recipe_ingredients"), "the deleted recipe's two ingredients went with it")
}
