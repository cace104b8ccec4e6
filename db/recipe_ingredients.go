package db

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// RecipeIngredient is a row of recipe_ingredients: grams of a food at a
// position in a recipe. Ingredients are owned through their recipe.
type RecipeIngredient = dbsqlc.RecipeIngredient

// NewRecipeIngredient is an ingredient to insert.
type NewRecipeIngredient struct {
	RecipeID uuid.UUID
	Position int32 // 1-1000, unique within the recipe
	FoodID   uuid.UUID
	Grams    float64 // > 0
}

// RecipeIngredientPatch changes one ingredient; unset fields keep their
// value.
type RecipeIngredientPatch struct {
	ID       uuid.UUID
	Position Optional[int32]
	FoodID   Optional[uuid.UUID]
	Grams    Optional[float64]
}

// RecipeIngredientFilter selects a page of ListRecipeIngredients: the
// ingredients of some of OwnerID's recipes.
type RecipeIngredientFilter struct {
	OwnerID   uuid.UUID
	RecipeIDs []uuid.UUID
	After     Cursor
	Limit     int
}

// positionKey is the sort key of ingredient lists.
type positionKey struct {
	RecipeID uuid.UUID `json:"r"`
	Position int32     `json:"p"`
}

var recipeIngredients = table[RecipeIngredient, uuid.UUID]{
	name:    "recipe_ingredients",
	key:     func(r RecipeIngredient) uuid.UUID { return r.ID },
	compare: compareUUID,
}

// InsertRecipeIngredients inserts ingredients and returns them in input
// order. Like every insert, it does not check that the recipe and food
// belong to one user; the caller (an action) does, in the same transaction.
func InsertRecipeIngredients(ctx context.Context, dbtx DBTX, in []NewRecipeIngredient) ([]RecipeIngredient, error) {
	return insertRows(ctx, dbtx, recipeIngredients, in, func(ids []uuid.UUID, in []NewRecipeIngredient) dbsqlc.InsertRecipeIngredientsParams {
		n := len(in)
		p := dbsqlc.InsertRecipeIngredientsParams{
			Ids:       ids,
			RecipeIds: make([]uuid.UUID, n),
			Positions: make([]int32, n),
			FoodIds:   make([]uuid.UUID, n),
			Grams:     make([]float64, n),
		}
		for i, r := range in {
			p.RecipeIds[i], p.Positions[i], p.FoodIds[i], p.Grams[i] = r.RecipeID, r.Position, r.FoodID, r.Grams
		}
		return p
	}, (*dbsqlc.Queries).InsertRecipeIngredients)
}

// SelectRecipeIngredients returns the ingredients with the given ids of
// owner's recipes, in the order of ids.
func SelectRecipeIngredients(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]RecipeIngredient, error) {
	return selectRows(ctx, dbtx, recipeIngredients, ids, func(ids []uuid.UUID) dbsqlc.SelectRecipeIngredientsParams {
		return dbsqlc.SelectRecipeIngredientsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectRecipeIngredients)
}

// ListRecipeIngredients returns a page of the ingredients of f.RecipeIDs
// (those that are f.OwnerID's), by recipe, then position.
func ListRecipeIngredients(ctx context.Context, dbtx DBTX, f RecipeIngredientFilter) (Page[RecipeIngredient], error) {
	return listRows(ctx, dbtx, recipeIngredients.name, f.After, f.Limit,
		func(after positionKey, limit int32) dbsqlc.ListRecipeIngredientsParams {
			return dbsqlc.ListRecipeIngredientsParams{
				OwnerID:       f.OwnerID,
				RecipeIds:     f.RecipeIDs,
				AfterRecipeID: after.RecipeID,
				AfterPosition: after.Position,
				RowLimit:      limit,
			}
		},
		(*dbsqlc.Queries).ListRecipeIngredients,
		func(r RecipeIngredient) positionKey { return positionKey{r.RecipeID, r.Position} })
}

// UpdateRecipeIngredients applies the patches to ingredients of owner's
// recipes and returns the changed ingredients in input order; patches of
// other ingredients are left out.
func UpdateRecipeIngredients(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []RecipeIngredientPatch) ([]RecipeIngredient, error) {
	return updateRows(ctx, dbtx, recipeIngredients, in, func(p RecipeIngredientPatch) uuid.UUID { return p.ID },
		func(in []RecipeIngredientPatch) dbsqlc.UpdateRecipeIngredientsParams {
			n := len(in)
			p := dbsqlc.UpdateRecipeIngredientsParams{
				OwnerID:      owner,
				Ids:          make([]uuid.UUID, n),
				SetPositions: make([]bool, n),
				Positions:    make([]int32, n),
				SetFoodIds:   make([]bool, n),
				FoodIds:      make([]uuid.UUID, n),
				SetGrams:     make([]bool, n),
				Grams:        make([]float64, n),
			}
			for i, r := range in {
				p.Ids[i] = r.ID
				p.SetPositions[i], p.Positions[i] = r.Position.Set, r.Position.Value
				p.SetFoodIds[i], p.FoodIds[i] = r.FoodID.Set, r.FoodID.Value
				p.SetGrams[i], p.Grams[i] = r.Grams.Set, r.Grams.Value
			}
			return p
		}, (*dbsqlc.Queries).UpdateRecipeIngredients)
}

// DeleteRecipeIngredients deletes ingredients of owner's recipes with the
// given ids and returns them in the order of ids.
func DeleteRecipeIngredients(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]RecipeIngredient, error) {
	return deleteRows(ctx, dbtx, recipeIngredients, ids, func(ids []uuid.UUID) dbsqlc.DeleteRecipeIngredientsParams {
		return dbsqlc.DeleteRecipeIngredientsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteRecipeIngredients)
}
