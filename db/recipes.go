package db

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// Recipe is a row of recipes; its ingredients are RecipeIngredient rows,
// owned through their recipe. NewRecipe, RecipePatch, RecipeFilter and
// their ingredients' are generated from the queries.
type (
	Recipe           = dbsqlc.Recipe
	RecipeIngredient = dbsqlc.RecipeIngredient
)

// RecipeNutrition is what a whole recipe holds: the sum over its
// ingredients. PerServing divides it by the recipe's servings.
type RecipeNutrition struct {
	RecipeID uuid.UUID `json:"recipe_id"`
	Servings int32     `json:"servings"`
	Grams    float64   `json:"grams"`
	Nutrients
}

// PerServing returns the nutrients of one serving.
func (n RecipeNutrition) PerServing() Nutrients {
	s := float64(n.Servings)
	return Nutrients{
		EnergyKcal: n.EnergyKcal / s, ProteinG: n.ProteinG / s, FatG: n.FatG / s, CarbsG: n.CarbsG / s,
		FiberG: n.FiberG / s, SugarG: n.SugarG / s, SodiumMg: n.SodiumMg / s,
	}
}

// SelectRecipeNutrition returns the nutrition of owner's recipes with the
// given ids, in the order of ids. A recipe without ingredients has zeros.
func SelectRecipeNutrition(ctx context.Context, dbtx many.DBTX, owner uuid.UUID, ids []uuid.UUID) ([]RecipeNutrition, error) {
	key := many.UUIDKey(func(r *dbsqlc.RecipeNutrientsRow) uuid.UUID { return r.RecipeID })
	rows, err := many.Select(ctx, dbtx, "recipes", ids, key, many.Rows(func(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]dbsqlc.RecipeNutrientsRow, error) {
		return dbsqlc.New(dbtx).RecipeNutrients(ctx, dbsqlc.RecipeNutrientsParams{IDs: ids, OwnerID: owner})
	}))
	if err != nil {
		return nil, err
	}
	out := make([]RecipeNutrition, len(rows))
	for i, r := range rows {
		out[i] = RecipeNutrition{RecipeID: r.RecipeID, Servings: r.Servings, Grams: r.Grams,
			Nutrients: Nutrients{r.EnergyKcal, r.ProteinG, r.FatG, r.CarbsG, r.FiberG, r.SugarG, r.SodiumMg}}
	}
	return out, nil
}

// RecomputeRecipeNutrition stores the nutrients per serving of the given
// recipes and of every recipe that uses one of the given foods, whoever
// owns them (it is the work of a job, not of a user), and returns the ids
// of the recipes it updated.
func RecomputeRecipeNutrition(ctx context.Context, dbtx many.DBTX, recipeIDs, foodIDs []uuid.UUID) ([]uuid.UUID, error) {
	if len(recipeIDs) == 0 && len(foodIDs) == 0 {
		return []uuid.UUID{}, nil
	}
	ids, err := dbsqlc.New(dbtx).RecomputeRecipeNutrition(ctx, dbsqlc.RecomputeRecipeNutritionParams{
		RecipeIDs: recipeIDs, FoodIDs: foodIDs, // a nil slice is NULL, and = ANY(NULL) matches nothing
	})
	if err != nil {
		return nil, fmt.Errorf("recompute nutrition of recipes: %w", many.MapError(err))
	}
	return ids, nil
}

// RecipesInUse returns which of the given recipes the journal refers to.
func RecipesInUse(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]uuid.UUID, error) {
	used, err := dbsqlc.New(dbtx).SelectRecipesInUse(ctx, ids)
	return used, many.MapError(err)
}
