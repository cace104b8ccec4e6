package db

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// Recipe is a row of recipes. Its ingredients are RecipeIngredient rows.
type Recipe = dbsqlc.Recipe

// NewRecipe is a recipe to insert.
type NewRecipe struct {
	OwnerID      uuid.UUID
	Title        string
	Servings     int32 // 1-100
	Instructions string
}

// RecipePatch changes one recipe; unset fields keep their value.
type RecipePatch struct {
	ID           uuid.UUID
	Title        Optional[string]
	Servings     Optional[int32]
	Instructions Optional[string]
}

// RecipeFilter selects a page of ListRecipes.
type RecipeFilter struct {
	OwnerID       uuid.UUID
	TitleContains string // case-insensitive substring of the title
	After         Cursor
	Limit         int
}

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

var recipes = table[Recipe, uuid.UUID]{name: "recipes", key: func(r Recipe) uuid.UUID { return r.ID }, compare: compareUUID}

// InsertRecipes inserts recipes and returns them in input order.
func InsertRecipes(ctx context.Context, dbtx DBTX, in []NewRecipe) ([]Recipe, error) {
	return insertRows(ctx, dbtx, recipes, in, func(ids []uuid.UUID, in []NewRecipe) dbsqlc.InsertRecipesParams {
		n := len(in)
		p := dbsqlc.InsertRecipesParams{
			Ids:          ids,
			OwnerIds:     make([]uuid.UUID, n),
			Titles:       make([]string, n),
			Servings:     make([]int32, n),
			Instructions: make([]string, n),
		}
		for i, r := range in {
			p.OwnerIds[i], p.Titles[i], p.Servings[i], p.Instructions[i] = r.OwnerID, r.Title, r.Servings, r.Instructions
		}
		return p
	}, (*dbsqlc.Queries).InsertRecipes)
}

// SelectRecipes returns owner's recipes with the given ids, in the order of
// ids.
func SelectRecipes(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Recipe, error) {
	return selectRows(ctx, dbtx, recipes, ids, func(ids []uuid.UUID) dbsqlc.SelectRecipesParams {
		return dbsqlc.SelectRecipesParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectRecipes)
}

// ListRecipes returns a page of f.OwnerID's recipes, oldest first.
func ListRecipes(ctx context.Context, dbtx DBTX, f RecipeFilter) (Page[Recipe], error) {
	return listRows(ctx, dbtx, recipes.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListRecipesParams {
			return dbsqlc.ListRecipesParams{
				OwnerID:        f.OwnerID,
				TitleContains:  nonEmpty(f.TitleContains),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListRecipes, func(r Recipe) timeKey { return timeKey{r.CreatedAt, r.ID} })
}

// UpdateRecipes applies the patches to owner's recipes and returns the
// changed recipes in input order; patches of other recipes are left out.
func UpdateRecipes(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []RecipePatch) ([]Recipe, error) {
	return updateRows(ctx, dbtx, recipes, in, func(p RecipePatch) uuid.UUID { return p.ID },
		func(in []RecipePatch) dbsqlc.UpdateRecipesParams {
			n := len(in)
			p := dbsqlc.UpdateRecipesParams{
				OwnerID:         owner,
				Ids:             make([]uuid.UUID, n),
				SetTitles:       make([]bool, n),
				Titles:          make([]string, n),
				SetServings:     make([]bool, n),
				Servings:        make([]int32, n),
				SetInstructions: make([]bool, n),
				Instructions:    make([]string, n),
			}
			for i, r := range in {
				p.Ids[i] = r.ID
				p.SetTitles[i], p.Titles[i] = r.Title.Set, r.Title.Value
				p.SetServings[i], p.Servings[i] = r.Servings.Set, r.Servings.Value
				p.SetInstructions[i], p.Instructions[i] = r.Instructions.Set, r.Instructions.Value
			}
			return p
		}, (*dbsqlc.Queries).UpdateRecipes)
}

// DeleteRecipes deletes owner's recipes with the given ids, with their
// ingredients, and returns them in the order of ids. A recipe the journal
// uses is not deleted: ErrForeignKeyViolation.
func DeleteRecipes(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Recipe, error) {
	return deleteRows(ctx, dbtx, recipes, ids, func(ids []uuid.UUID) dbsqlc.DeleteRecipesParams {
		return dbsqlc.DeleteRecipesParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteRecipes)
}

// SelectRecipeNutrition returns the nutrition of owner's recipes with the
// given ids, in the order of ids. A recipe without ingredients has zeros.
func SelectRecipeNutrition(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]RecipeNutrition, error) {
	rows, err := keyedRows(ctx, dbtx, recipeNutrition, "select", ids, ids, func(ids []uuid.UUID) dbsqlc.RecipeNutrientsParams {
		return dbsqlc.RecipeNutrientsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).RecipeNutrients)
	if err != nil {
		return nil, err
	}
	out := make([]RecipeNutrition, len(rows))
	for i, r := range rows {
		out[i] = RecipeNutrition{
			RecipeID: r.RecipeID, Servings: r.Servings, Grams: r.Grams,
			Nutrients: Nutrients{r.EnergyKcal, r.ProteinG, r.FatG, r.CarbsG, r.FiberG, r.SugarG, r.SodiumMg},
		}
	}
	return out, nil
}

var recipeNutrition = table[dbsqlc.RecipeNutrientsRow, uuid.UUID]{
	name:    "recipe nutrition",
	key:     func(r dbsqlc.RecipeNutrientsRow) uuid.UUID { return r.RecipeID },
	compare: compareUUID,
}

// RecomputeRecipeNutrition stores the nutrients per serving of the given
// recipes and of every recipe that uses one of the given foods, whoever
// owns them (it is the work of a job, not of a user), and returns the ids
// of the recipes it updated.
func RecomputeRecipeNutrition(ctx context.Context, dbtx DBTX, recipeIDs, foodIDs []uuid.UUID) ([]uuid.UUID, error) {
	if len(recipeIDs) == 0 && len(foodIDs) == 0 {
		return []uuid.UUID{}, nil
	}
	ids, err := dbsqlc.New(dbtx).RecomputeRecipeNutrition(ctx, dbsqlc.RecomputeRecipeNutritionParams{
		RecipeIds: recipeIDs, FoodIds: foodIDs, // a nil slice is NULL, and = ANY(NULL) matches nothing
	})
	if err != nil {
		return nil, recipes.fail("recompute nutrition of", err)
	}
	return ids, nil
}
