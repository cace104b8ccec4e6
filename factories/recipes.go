package factories

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/larderhq/larder/db"
)

// RecipeBuilder builds recipes, with ingredients when asked. The user is
// created on demand unless OwnedBy; ingredient foods are created (theirs)
// unless Using, once per Create or CreateMany call.
type RecipeBuilder struct {
	owner       *db.User
	foods       []db.Food
	ingredients int
	traits      traits[db.NewRecipe]
}

// Recipe starts a recipe, without ingredients.
func Recipe() RecipeBuilder { return RecipeBuilder{} }

var recipeTitles = []string{"Overnight oats", "Lentil soup", "Chicken stir-fry", "Greek salad", "Banana bread",
	"Veggie chilli", "Salmon traybake", "Mushroom risotto", "Shakshuka", "Pesto pasta"}

// Titled sets the title.
func (b RecipeBuilder) Titled(title string) RecipeBuilder {
	b.traits = b.traits.with(func(r *db.NewRecipe, _ *rand.Rand) { r.Title = title })
	return b
}

// Serves sets the number of servings.
func (b RecipeBuilder) Serves(servings int32) RecipeBuilder {
	b.traits = b.traits.with(func(r *db.NewRecipe, _ *rand.Rand) { r.Servings = servings })
	return b
}

// OwnedBy makes the recipe user's.
func (b RecipeBuilder) OwnedBy(user db.User) RecipeBuilder {
	b.owner = &user
	return b
}

// WithIngredients gives each recipe n ingredients (positions 1 to n) of
// foods created for the call, 20 to 300 g each.
func (b RecipeBuilder) WithIngredients(n int) RecipeBuilder {
	b.ingredients, b.foods = n, nil
	return b
}

// Using gives each recipe one ingredient of each food, in order.
func (b RecipeBuilder) Using(foods ...db.Food) RecipeBuilder {
	b.ingredients, b.foods = len(foods), foods
	return b
}

// Build returns a recipe to insert; its owner is the OwnedBy user's id, or
// zero until Create makes one. Ingredients are written by Create.
func (b RecipeBuilder) Build() db.NewRecipe {
	n, r := next()
	rec := db.NewRecipe{
		Title:        fmt.Sprintf("%s #%d", recipeTitles[r.IntN(len(recipeTitles))], n),
		Servings:     int32(1 + r.IntN(6)),
		Instructions: "Prepare the ingredients, cook, and serve.",
	}
	if b.owner != nil {
		rec.OwnerID = b.owner.ID
	}
	b.traits.apply(&rec, r)
	return rec
}

// BuildMany returns n recipes to insert, each built as Build does.
func (b RecipeBuilder) BuildMany(n int) []db.NewRecipe {
	out := make([]db.NewRecipe, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one recipe (with its ingredients and their foods).
func (b RecipeBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.Recipe, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n recipes in one statement and all their ingredients
// in another, after creating the user and the ingredient foods they share
// when not given (one statement each).
func (b RecipeBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.Recipe, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.Recipe, error) {
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		in := b.BuildMany(n)
		for i := range in {
			in[i].OwnerID = owner.ID
		}
		recipes, err := db.InsertRecipes(ctx, tx, in)
		if err != nil || b.ingredients == 0 {
			return recipes, err
		}
		foods := b.foods
		if foods == nil {
			if foods, err = Food().OwnedBy(owner).CreateMany(ctx, tx, b.ingredients); err != nil {
				return nil, err
			}
		}
		_, r := next()
		ingredients := make([]db.NewRecipeIngredient, 0, len(recipes)*len(foods))
		for _, rec := range recipes {
			for i, f := range foods {
				ingredients = append(ingredients, db.NewRecipeIngredient{
					RecipeID: rec.ID, Position: int32(i + 1), FoodID: f.ID, Grams: float64(20 + 10*r.IntN(29)),
				})
			}
		}
		_, err = db.InsertRecipeIngredients(ctx, tx, ingredients)
		return recipes, err
	})
}

// MustCreate is Create that fails the test on error.
func (b RecipeBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.Recipe {
	t.Helper()
	return must[db.Recipe](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b RecipeBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.Recipe {
	t.Helper()
	return must[[]db.Recipe](t)(b.CreateMany(t.Context(), dbtx, n))
}
