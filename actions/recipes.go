package actions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// NewRecipe is a recipe for the acting user, with its ingredients.
type NewRecipe struct {
	Title        string          `json:"title" validate:"required,text,notblank,max=200"`
	Servings     int32           `json:"servings" validate:"gte=1,lte=100"`
	Instructions string          `json:"instructions,omitempty" validate:"text,max=20000"`
	Ingredients  []NewIngredient `json:"ingredients,omitempty" validate:"max=1000,dive"`
}

// NewIngredient is grams of a food the acting user can see. Position is
// its place in the recipe; 0 takes its place in the list (1, 2, ...).
type NewIngredient struct {
	FoodID   uuid.UUID `json:"food_id" validate:"required"`
	Grams    float64   `json:"grams" validate:"finite,gte=0.01,lte=100000"`
	Position int32     `json:"position,omitempty" validate:"gte=0,lte=1000"`
}

// RecipeChange changes one of the acting user's recipes; nil fields stay.
// A field set follows the rule of the same field of NewRecipe.
// Ingredients, when set, replace all of the recipe's ingredients.
type RecipeChange struct {
	ID           uuid.UUID        `json:"id" validate:"required"`
	Title        *string          `json:"title,omitempty"`
	Servings     *int32           `json:"servings,omitempty"`
	Instructions *string          `json:"instructions,omitempty"`
	Ingredients  *[]NewIngredient `json:"ingredients,omitempty"`
}

// RecipeSearch selects a page of the acting user's recipes, oldest first.
// Empty fields do not filter.
type RecipeSearch struct {
	TitleContains string `json:"title_contains,omitempty" validate:"text,max=200"`
	After         string `json:"after,omitempty" validate:"max=1000"`
	Limit         int    `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// RecipeDetail is a recipe with its ingredients in position order.
type RecipeDetail struct {
	db.Recipe
	Ingredients []db.RecipeIngredient `json:"ingredients"`
}

// RecipeNutrition is what a recipe holds in all and per serving.
type RecipeNutrition struct {
	RecipeID   uuid.UUID    `json:"recipe_id"`
	Servings   int32        `json:"servings"`
	Grams      float64      `json:"grams"`
	Total      db.Nutrients `json:"total"`
	PerServing db.Nutrients `json:"per_serving"`
}

// CreateRecipes creates the acting user's recipes with their ingredients,
// all or none (at most MaxBatch recipes and MaxBatch ingredients in all), in one transaction, which also enqueues the computation of
// their cached nutrition (KindRecomputeNutrition). An ingredient's food
// the user cannot see is invalid at its food_id; two ingredients at one
// position are invalid.
func (a *Actions) CreateRecipes(ctx context.Context, actor uuid.UUID, in []NewRecipe) Result[[]RecipeDetail] {
	return run(ctx, a, "CreateRecipes", func() ([]RecipeDetail, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []RecipeDetail{}, err
		}
		f := fields{}
		f.batch("recipes", len(in))
		ingredients := 0
		for i := range in {
			a.check(f, path("recipes", i), in[i])
			checkPositions(f, path("recipes", i), in[i].Ingredients)
			ingredients += len(in[i].Ingredients)
		}
		f.carried("recipes", "ingredients", ingredients)
		if err := f.err(); err != nil {
			return nil, err
		}
		rows := make([]db.NewRecipe, len(in))
		for i, r := range in {
			rows[i] = db.NewRecipe{OwnerID: actor, Title: r.Title, Servings: r.Servings, Instructions: r.Instructions}
		}
		var out []RecipeDetail
		err := a.inTx(ctx, func(tx many.DBTX) error {
			recipes, err := db.InsertRecipes(ctx, tx, rows)
			if err != nil {
				return err
			}
			lists := make([][]NewIngredient, len(in))
			for i := range in {
				lists[i] = in[i].Ingredients
			}
			if out, err = addIngredients(ctx, tx, actor, recipes, lists, func(i int) string { return path("recipes", i) }); err != nil {
				return err
			}
			return a.enqueueRecompute(ctx, tx, RecomputePayload{RecipeIDs: idsOfRecipes(recipes)})
		})
		return out, err
	})
}

// checkPositions reports ingredients that share a position (explicit or
// taken from the list) under prefix.
func checkPositions(f fields, prefix string, ingredients []NewIngredient) {
	duplicates(f, len(ingredients), func(j int) int32 { return position(ingredients[j], j) },
		func(j int) string { return path(prefix+".ingredients", j, "position") })
}

func position(in NewIngredient, j int) int32 {
	if in.Position == 0 {
		return int32(j + 1)
	}
	return in.Position
}

// addIngredients inserts lists[i] as the ingredients of recipes[i], in one
// statement, after checking the actor can see every food (at(i) is the
// path of recipe i), and returns the recipes with their ingredients.
func addIngredients(ctx context.Context, tx many.DBTX, actor uuid.UUID, recipes []db.Recipe, lists [][]NewIngredient, at func(i int) string) ([]RecipeDetail, error) {
	var rows []db.NewRecipeIngredient
	var where []string
	for i, list := range lists {
		for j, ing := range list {
			rows = append(rows, db.NewRecipeIngredient{RecipeID: recipes[i].ID, Position: position(ing, j), FoodID: ing.FoodID, Grams: ing.Grams})
			where = append(where, path(at(i)+".ingredients", j, "food_id"))
		}
	}
	missing := fields{}
	if err := seeFoods(ctx, tx, actor, len(rows), func(k int) uuid.UUID { return rows[k].FoodID },
		func(k int) string { return where[k] }, missing); err != nil {
		return nil, err
	}
	if err := missing.err(); err != nil {
		return nil, err
	}
	ingredients, err := db.InsertRecipeIngredients(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	return withIngredients(recipes, ingredients), nil
}

// withIngredients pairs recipes with their ingredients, by position.
func withIngredients(recipes []db.Recipe, ingredients []db.RecipeIngredient) []RecipeDetail {
	byRecipe := map[uuid.UUID][]db.RecipeIngredient{}
	for _, ing := range ingredients {
		byRecipe[ing.RecipeID] = append(byRecipe[ing.RecipeID], ing)
	}
	out := make([]RecipeDetail, len(recipes))
	for i, r := range recipes {
		list := byRecipe[r.ID]
		sortByPosition(list)
		out[i] = RecipeDetail{Recipe: r, Ingredients: append([]db.RecipeIngredient{}, list...)}
	}
	return out
}

// UpdateRecipes changes the acting user's recipes, all or none, in one
// transaction (at most MaxBatch ingredients in all); a recipe that is not theirs is not found.
func (a *Actions) UpdateRecipes(ctx context.Context, actor uuid.UUID, in []RecipeChange) Result[[]RecipeDetail] {
	return run(ctx, a, "UpdateRecipes", func() ([]RecipeDetail, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []RecipeDetail{}, err
		}
		f := fields{}
		f.batch("recipes", len(in))
		ids := make([]uuid.UUID, len(in))
		patches := make([]db.RecipePatch, len(in))
		ingredients := 0
		for i, c := range in {
			checkChange[NewRecipe](a, f, path("recipes", i), c)
			if c.Ingredients != nil {
				checkPositions(f, path("recipes", i), *c.Ingredients)
				ingredients += len(*c.Ingredients)
			}
			ids[i] = c.ID
			patches[i] = db.RecipePatch{ID: ids[i]}
			if c.Title != nil {
				patches[i].Title = many.Set(*c.Title)
			}
			if c.Servings != nil {
				patches[i].Servings = many.Set(*c.Servings)
			}
			if c.Instructions != nil {
				patches[i].Instructions = many.Set(*c.Instructions)
			}
		}
		f.carried("recipes", "ingredients", ingredients)
		duplicates(f, len(in), func(i int) uuid.UUID { return ids[i] }, func(i int) string { return path("recipes", i, "id") })
		if err := f.err(); err != nil {
			return nil, err
		}
		var out []RecipeDetail
		err := a.inTx(ctx, func(tx many.DBTX) error {
			recipes, err := db.UpdateRecipes(ctx, tx, actor, patches)
			if err != nil {
				return err
			}
			if err := visible(ids, recipes, recipeID, func(i int) string { return path("recipes", i, "id") }, "no such recipe"); err != nil {
				return err
			}
			if err := replaceIngredients(ctx, tx, actor, recipes, in); err != nil {
				return err
			}
			if out, err = recipeDetails(ctx, tx, actor, recipes, 0); err != nil {
				return err
			}
			var changed []uuid.UUID // what a serving holds changed
			for i, c := range in {
				if c.Ingredients != nil || c.Servings != nil {
					changed = append(changed, recipes[i].ID)
				}
			}
			return a.enqueueRecompute(ctx, tx, RecomputePayload{RecipeIDs: changed})
		})
		return out, err
	})
}

// replaceIngredients swaps the ingredients of the recipes whose change
// sets them: the old ones go, the new ones come, in two statements.
func replaceIngredients(ctx context.Context, tx many.DBTX, actor uuid.UUID, recipes []db.Recipe, in []RecipeChange) error {
	var replaced []db.Recipe
	var lists [][]NewIngredient
	var at []int
	for i, c := range in {
		if c.Ingredients != nil {
			replaced, lists, at = append(replaced, recipes[i]), append(lists, *c.Ingredients), append(at, i)
		}
	}
	if len(replaced) == 0 {
		return nil
	}
	old, err := listIngredients(ctx, tx, actor, replaced, 0)
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(old))
	for i, ing := range old {
		ids[i] = ing.ID
	}
	if _, err := db.DeleteRecipeIngredients(ctx, tx, actor, ids); err != nil {
		return err
	}
	_, err = addIngredients(ctx, tx, actor, replaced, lists, func(k int) string { return path("recipes", at[k]) })
	return err
}

// recipeDetails returns recipes with their ingredients: at most most
// ingredients in all (0: no bound), else errTooManyIngredients.
func recipeDetails(ctx context.Context, tx many.DBTX, actor uuid.UUID, recipes []db.Recipe, most int) ([]RecipeDetail, error) {
	ingredients, err := listIngredients(ctx, tx, actor, recipes, most)
	if err != nil {
		return nil, err
	}
	return withIngredients(recipes, ingredients), nil
}

// errTooManyIngredients: the recipes a call reads carry more ingredients
// than the call may return.
var errTooManyIngredients = errors.New("too many ingredients")

// listIngredients returns every ingredient of the recipes, walking the
// pages of ListRecipeIngredients. With most > 0, it stops at the page
// that takes it past most ingredients, with errTooManyIngredients.
func listIngredients(ctx context.Context, tx many.DBTX, actor uuid.UUID, recipes []db.Recipe, most int) ([]db.RecipeIngredient, error) {
	ids := make([]uuid.UUID, len(recipes))
	for i, r := range recipes {
		ids[i] = r.ID
	}
	var all []db.RecipeIngredient
	var after many.Cursor
	for {
		page, err := db.ListRecipeIngredients(ctx, tx, db.RecipeIngredientFilter{OwnerID: actor, RecipeIDs: ids, After: after, Limit: many.MaxPageSize})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if most > 0 && len(all) > most {
			return nil, errTooManyIngredients
		}
		if page.Next == "" {
			return all, nil
		}
		after = page.Next
	}
}

// GetRecipes returns the acting user's recipes with the given ids, in
// their order, each with its ingredients; a recipe that is not theirs is
// not found at its id. The recipes carry at most MaxBatch ingredients in
// all: more is invalid at ids (ask for fewer recipes).
func (a *Actions) GetRecipes(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]RecipeDetail] {
	return read(ctx, a, "GetRecipes", func(dbtx many.DBTX) ([]RecipeDetail, error) {
		sel := func(ids []uuid.UUID) ([]db.Recipe, error) { return db.SelectRecipes(ctx, dbtx, actor, ids) }
		recipes, err := getByIDs(a, actor, ids, sel, recipeID, "no such recipe")
		if err != nil {
			return nil, err
		}
		if len(recipes) == 0 {
			return []RecipeDetail{}, nil // no ingredients to read
		}
		out, err := recipeDetails(ctx, dbtx, actor, recipes, MaxBatch)
		if errors.Is(err, errTooManyIngredients) {
			return nil, invalid("ids", fmt.Sprintf("must carry at most %d ingredients in all: ask for fewer recipes", MaxBatch))
		}
		return out, err
	})
}

// ListRecipes returns a page of the acting user's recipes, oldest first,
// without their ingredients (GetRecipes has them).
func (a *Actions) ListRecipes(ctx context.Context, actor uuid.UUID, q RecipeSearch) Result[many.Page[db.Recipe]] {
	return read(ctx, a, "ListRecipes", func(dbtx many.DBTX) (many.Page[db.Recipe], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.Recipe]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		if err := f.err(); err != nil {
			return many.Page[db.Recipe]{}, err
		}
		return db.ListRecipes(ctx, dbtx, db.RecipeFilter{OwnerID: actor, TitleContains: orNil(q.TitleContains), After: many.Cursor(q.After), Limit: q.Limit})
	})
}

// DeleteRecipes deletes the acting user's recipes and their ingredients,
// all or none. A recipe the journal uses is a conflict on its id.
func (a *Actions) DeleteRecipes(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Recipe] {
	return run(ctx, a, "DeleteRecipes", func() ([]db.Recipe, error) {
		recipes, err := deleteOwn(ctx, a, actor, ids, db.DeleteRecipes, recipeID, "no such recipe")
		if e, ok := a.inUseAt(ctx, err, ids, "is logged in the journal", db.RecipesInUse); ok {
			return nil, e
		}
		return recipes, err
	})
}

// RecipeNutrition returns the nutrients of the acting user's recipes, in
// all and per serving.
func (a *Actions) RecipeNutrition(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]RecipeNutrition] {
	return read(ctx, a, "RecipeNutrition", func(dbtx many.DBTX) ([]RecipeNutrition, error) {
		sel := func(ids []uuid.UUID) ([]db.RecipeNutrition, error) {
			return db.SelectRecipeNutrition(ctx, dbtx, actor, ids)
		}
		rows, err := getByIDs(a, actor, ids, sel, func(r db.RecipeNutrition) uuid.UUID { return r.RecipeID }, "no such recipe")
		if err != nil {
			return nil, err
		}
		out := make([]RecipeNutrition, len(rows))
		for i, r := range rows {
			out[i] = RecipeNutrition{RecipeID: r.RecipeID, Servings: r.Servings, Grams: r.Grams, Total: r.Nutrients, PerServing: r.PerServing()}
		}
		return out, nil
	})
}

func recipeID(r db.Recipe) uuid.UUID { return r.ID }

func idsOfRecipes(recipes []db.Recipe) []uuid.UUID {
	ids := make([]uuid.UUID, len(recipes))
	for i, r := range recipes {
		ids[i] = r.ID
	}
	return ids
}

func sortByPosition(list []db.RecipeIngredient) {
	slices.SortFunc(list, func(a, b db.RecipeIngredient) int { return cmp.Compare(a.Position, b.Position) })
}
