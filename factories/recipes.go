package factories

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// RecipeBuilder builds recipes, without ingredients unless WithIngredients
// or Using. The user is created on demand unless OwnedBy.
type RecipeBuilder struct {
	Factory[db.NewRecipe, db.Recipe]
}

// Recipe starts a recipe.
func Recipe() RecipeBuilder {
	return RecipeBuilder{New(func(s Seq) db.NewRecipe {
		return db.NewRecipe{
			Title:        fmt.Sprintf("%s #%d", recipeTitles[s.Rand.IntN(len(recipeTitles))], s.N),
			Servings:     int32(1 + s.Rand.IntN(6)),
			Instructions: "Prepare the ingredients, cook, and serve.",
		}
	}, db.InsertRecipes).WithParent(Parent(func(r *db.NewRecipe) *uuid.UUID { return &r.OwnerID }, NewUser))}
}

// Titled titles the recipe; Serves sets its servings.
func (b RecipeBuilder) Titled(title string) RecipeBuilder {
	return RecipeBuilder{b.Set(func(r *db.NewRecipe) { r.Title = title })}
}
func (b RecipeBuilder) Serves(servings int32) RecipeBuilder {
	return RecipeBuilder{b.Set(func(r *db.NewRecipe) { r.Servings = servings })}
}

// OwnedBy makes the recipe user's.
func (b RecipeBuilder) OwnedBy(user db.User) RecipeBuilder {
	return RecipeBuilder{b.Set(func(r *db.NewRecipe) { r.OwnerID = user.ID })}
}

// WithIngredients gives each recipe n ingredients, of n foods of its owner
// created for them (shared by the recipes of one call).
func (b RecipeBuilder) WithIngredients(n int) RecipeBuilder {
	return b.ingredients(func(ctx context.Context, tx many.DBTX, owner uuid.UUID) ([]db.Food, error) {
		return Food().OwnedBy(db.User{ID: owner}).CreateMany(ctx, tx, n)
	})
}

// Using makes foods the ingredients of each recipe, in that order.
func (b RecipeBuilder) Using(foods ...db.Food) RecipeBuilder {
	return b.ingredients(func(context.Context, many.DBTX, uuid.UUID) ([]db.Food, error) { return foods, nil })
}

// ingredients adds, after the recipes, an ingredient of each food foods
// gives to each recipe, positions 1, 2, ..., in one statement.
func (b RecipeBuilder) ingredients(foods func(ctx context.Context, tx many.DBTX, owner uuid.UUID) ([]db.Food, error)) RecipeBuilder {
	return RecipeBuilder{b.WithAfter(func(ctx context.Context, tx many.DBTX, recipes []db.Recipe) error {
		list, err := foods(ctx, tx, recipes[0].OwnerID)
		if err != nil {
			return err
		}
		r := next().Rand
		in := make([]db.NewRecipeIngredient, 0, len(recipes)*len(list))
		for _, rec := range recipes {
			for i, f := range list {
				in = append(in, db.NewRecipeIngredient{RecipeID: rec.ID, Position: int32(i + 1), FoodID: f.ID, Grams: float64(20 + 10*r.IntN(29))})
			}
		}
		_, err = db.InsertRecipeIngredients(ctx, tx, in)
		return err
	})}
}
