package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// AI generations (package agents): an action requests them and returns the
// pending generations at once; a worker runs them; the caller reads them
// back (GetGenerations, ListGenerations) and applies a result with the
// action for its agent.

// RecipeSuggestionRequest asks for recipes made from the acting user's
// pantry, the items that expire soonest first.
type RecipeSuggestionRequest struct {
	Count int    `json:"count" validate:"gte=1,lte=5"`
	Note  string `json:"note,omitempty" validate:"text,max=500"` // wishes: "vegetarian", "quick"
}

// TagSuggestionRequest asks for tags for foods the acting user can see.
type TagSuggestionRequest struct {
	FoodIDs []uuid.UUID `json:"food_ids" validate:"required,min=1,max=100"`
}

// SuggestionChoice picks recipe Index (from 0) of a recipe-suggester
// generation.
type SuggestionChoice struct {
	GenerationID uuid.UUID `json:"generation_id" validate:"required"`
	Index        int       `json:"index" validate:"gte=0,lte=4"`
}

// GenerationSearch selects a page of the acting user's generations,
// oldest first. Empty fields do not filter.
type GenerationSearch struct {
	Agent  string `json:"agent,omitempty" validate:"text,max=100"`
	Status string `json:"status,omitempty" validate:"omitempty,oneof=pending running succeeded failed"`
	After  string `json:"after,omitempty" validate:"max=1000"`
	Limit  int    `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// MaxGenerations is the most generations one call requests: each is a
// paid model call.
const MaxGenerations = 500

// How much of a user's data one generation's input holds.
const (
	pantryForRecipes = 100 // pantry items, expiring soonest first
	tagsForTagging   = 200 // the user's tags, to reuse
)

// EstimateNutrition requests a nutrition-estimator generation per
// description. CreateFoodsFromEstimates turns the results into foods.
func (a *Actions) EstimateNutrition(ctx context.Context, actor uuid.UUID, in []agents.FoodDescription) Result[[]db.Generation] {
	return run(ctx, a, "EstimateNutrition", func() ([]db.Generation, error) {
		if err := requestBatch(a, actor, "descriptions", in); err != nil {
			return nil, err
		}
		return agents.Request(ctx, a.pool, agents.NutritionEstimator, actor, in, agents.WithJobs(a.jobs))
	})
}

// SuggestRecipes requests a recipe-suggester generation per request, each
// given the acting user's pantry (up to 100 items, expiring soonest first).
// An empty pantry is invalid: there is nothing to cook from.
// SaveSuggestedRecipes saves a suggestion as a recipe.
func (a *Actions) SuggestRecipes(ctx context.Context, actor uuid.UUID, in []RecipeSuggestionRequest) Result[[]db.Generation] {
	return run(ctx, a, "SuggestRecipes", func() ([]db.Generation, error) {
		if err := requestBatch(a, actor, "requests", in); err != nil || len(in) == 0 {
			return []db.Generation{}, err
		}
		pantry, err := a.pantryForRecipes(ctx, actor)
		if err != nil {
			return nil, err
		}
		if len(pantry) == 0 {
			return nil, invalid("requests", "the pantry is empty: add items to it first")
		}
		inputs := make([]agents.PantryForRecipes, len(in))
		for i, r := range in {
			inputs[i] = agents.PantryForRecipes{Pantry: pantry, Count: r.Count, Note: r.Note}
		}
		return agents.Request(ctx, a.pool, agents.RecipeSuggester, actor, inputs, agents.WithJobs(a.jobs))
	})
}

// pantryForRecipes is the acting user's pantry as the suggester sees it.
func (a *Actions) pantryForRecipes(ctx context.Context, actor uuid.UUID) ([]agents.PantryFood, error) {
	page, err := db.ListPantryItemsByExpiry(ctx, a.pool, db.ExpiryFilter{OwnerID: actor, Limit: pantryForRecipes})
	if err != nil {
		return nil, err
	}
	foodIDs := make([]uuid.UUID, len(page.Items))
	for i, item := range page.Items {
		foodIDs[i] = item.FoodID
	}
	foods, err := foodsByID(ctx, a.pool, actor, foodIDs)
	if err != nil {
		return nil, err
	}
	pantry := make([]agents.PantryFood, len(page.Items))
	for i, item := range page.Items {
		pantry[i] = agents.PantryFood{FoodID: item.FoodID.String(), Name: foods[item.FoodID].Name, Quantity: item.Quantity, Unit: string(item.Unit)}
		if item.ExpiresOn != nil {
			pantry[i].ExpiresOn = item.ExpiresOn.Format(DateLayout)
		}
	}
	return pantry, nil
}

// SuggestTags requests an auto-tagger generation per request, each given
// its foods (which the acting user must be able to see; at most MaxBatch
// in all) and the user's tags, to reuse. ApplySuggestedTags puts the tags
// on the foods.
func (a *Actions) SuggestTags(ctx context.Context, actor uuid.UUID, in []TagSuggestionRequest) Result[[]db.Generation] {
	return run(ctx, a, "SuggestTags", func() ([]db.Generation, error) {
		if err := requestBatch(a, actor, "requests", in); err != nil || len(in) == 0 {
			return []db.Generation{}, err
		}
		f := fields{}
		var wanted []uuid.UUID
		for i, r := range in {
			checkIDs(f, path("requests", i, "food_ids"), r.FoodIDs)
			wanted = append(wanted, r.FoodIDs...)
		}
		f.carried("requests", "food ids", len(wanted))
		if err := f.err(); err != nil {
			return nil, err
		}
		foods, err := foodsByID(ctx, a.pool, actor, wanted)
		if err != nil {
			return nil, err
		}
		tags, err := db.ListTags(ctx, a.pool, db.TagFilter{OwnerID: actor, Limit: tagsForTagging})
		if err != nil {
			return nil, err
		}
		names := make([]string, len(tags.Items))
		for i, t := range tags.Items {
			names[i] = t.Tag.Name
		}
		missing := fields{}
		inputs := make([]agents.FoodsToTag, len(in))
		for i := range in {
			inputs[i].Tags = names
			for j, id := range in[i].FoodIDs {
				food, ok := foods[id]
				if !ok {
					missing[path(path("requests", i, "food_ids"), j)] = "no such food"
					continue
				}
				inputs[i].Foods = append(inputs[i].Foods, agents.FoodToTag{
					FoodID: food.ID.String(), Name: food.Name, Brand: deref(food.Brand), Kind: string(food.Kind), Category: string(food.Category),
				})
			}
		}
		if len(missing) > 0 {
			return nil, fieldsError(CodeNotFound, missing)
		}
		return agents.Request(ctx, a.pool, agents.AutoTagger, actor, inputs, agents.WithJobs(a.jobs))
	})
}

// GetGenerations returns the acting user's generations with the given
// ids, in their order; another user's are not found.
func (a *Actions) GetGenerations(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Generation] {
	return read(ctx, a, "GetGenerations", func(dbtx many.DBTX) ([]db.Generation, error) { return a.generations(ctx, dbtx, actor, ids) })
}

// ListGenerations returns a page of the acting user's generations, oldest
// first, by agent and status.
func (a *Actions) ListGenerations(ctx context.Context, actor uuid.UUID, q GenerationSearch) Result[many.Page[db.Generation]] {
	return read(ctx, a, "ListGenerations", func(dbtx many.DBTX) (many.Page[db.Generation], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.Generation]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		if err := f.err(); err != nil {
			return many.Page[db.Generation]{}, err
		}
		return db.ListGenerations(ctx, dbtx, db.GenerationFilter{
			OwnerID: actor, Agent: orNil(q.Agent), Status: orNil(q.Status), After: many.Cursor(q.After), Limit: q.Limit,
		})
	})
}

// CreateFoodsFromEstimates adds a food to the acting user's catalog per
// nutrition-estimator generation, all or none. Each must have succeeded;
// its errors are reported at ids[i] (and, from CreateFoods, foods[i]).
func (a *Actions) CreateFoodsFromEstimates(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Food] {
	return run(ctx, a, "CreateFoodsFromEstimates", func() ([]db.Food, error) {
		estimates, err := outputsOf(ctx, a, actor, agents.NutritionEstimator, ids)
		if err != nil {
			return nil, err
		}
		foods := make([]NewFood, len(estimates))
		for i, e := range estimates {
			foods[i] = NewFood{Name: e.Name, Kind: e.Kind, Category: e.Category, Nutrients: e.Nutrients}
		}
		res := a.CreateFoods(ctx, actor, foods)
		return res.Data, res.Err()
	})
}

// SaveSuggestedRecipes saves chosen recipe suggestions as the acting
// user's recipes, all or none. A choice's generation must be a
// recipe-suggester one that succeeded, with a recipe at Index; the foods
// must still be ones the user can see (CreateRecipes checks). The chosen
// recipes carry at most MaxBatch ingredients in all.
func (a *Actions) SaveSuggestedRecipes(ctx context.Context, actor uuid.UUID, in []SuggestionChoice) Result[[]RecipeDetail] {
	return run(ctx, a, "SaveSuggestedRecipes", func() ([]RecipeDetail, error) {
		if err := checkBatch(a, actor, "choices", in); err != nil || len(in) == 0 {
			return []RecipeDetail{}, err
		}
		// Several choices may pick from one generation: each is read once.
		type choice struct {
			generation uuid.UUID
			index      int
		}
		f := fields{}
		picked := make([]choice, len(in))
		var ids []uuid.UUID
		var firstChoice []int       // ids[k] is the generation of choices[firstChoice[k]]
		from := map[uuid.UUID]int{} // generation -> its place in ids
		for i, c := range in {
			picked[i] = choice{c.GenerationID, c.Index}
			if _, ok := from[c.GenerationID]; !ok {
				from[c.GenerationID] = len(ids)
				ids = append(ids, c.GenerationID)
				firstChoice = append(firstChoice, i)
			}
		}
		duplicates(f, len(in), func(i int) choice { return picked[i] }, func(i int) string { return path("choices", i) })
		if err := f.err(); err != nil {
			return nil, err
		}
		outputs, err := outputsOf(ctx, a, actor, agents.RecipeSuggester, ids)
		if err != nil {
			return nil, renameRoot(err, "ids", func(k int) string { return path("choices", firstChoice[k], "generation_id") })
		}
		suggestions := make([]agents.RecipeSuggestions, len(in))
		for i, c := range picked {
			suggestions[i] = outputs[from[c.generation]]
		}
		recipes := make([]NewRecipe, len(in))
		ingredients := 0
		for i, c := range in {
			if c.Index >= len(suggestions[i].Recipes) {
				return nil, invalid(path("choices", i, "index"), "the generation has no recipe at this index")
			}
			s := suggestions[i].Recipes[c.Index]
			recipes[i] = NewRecipe{Title: s.Title, Servings: s.Servings, Instructions: s.Instructions}
			for _, ing := range s.Ingredients {
				food, _ := parseID(ing.FoodID) // the agent checked it is the id of a pantry item's food
				recipes[i].Ingredients = append(recipes[i].Ingredients, NewIngredient{FoodID: food, Grams: ing.Grams})
			}
			ingredients += len(s.Ingredients)
		}
		f.carried("choices", "ingredients", ingredients)
		if err := f.err(); err != nil {
			return nil, err
		}
		res := a.CreateRecipes(ctx, actor, recipes)
		return res.Data, res.Err()
	})
}

// ApplySuggestedTags puts the tags of auto-tagger generations on their
// foods, making the tags the acting user does not have yet, all or none,
// in one transaction, and returns the pairs: at most MaxBatch of them
// (distinct food and tag pairs) in all. Foods the user can no longer see
// are not found.
func (a *Actions) ApplySuggestedTags(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.FoodTag] {
	return run(ctx, a, "ApplySuggestedTags", func() ([]db.FoodTag, error) {
		suggested, err := outputsOf(ctx, a, actor, agents.AutoTagger, ids)
		if err != nil {
			return nil, err
		}
		// Tag names compare regardless of case, as the tags table does.
		var names []string
		type pair struct{ food, tag string }
		var wanted []pair
		from := map[int]int{} // wanted[i] came from ids[from[i]]
		seenName, seenPair := map[string]bool{}, map[pair]bool{}
		for g, s := range suggested {
			for _, f := range s.Foods {
				for _, t := range f.Tags {
					key := strings.ToLower(t)
					if !seenName[key] {
						seenName[key] = true
						names = append(names, t)
					}
					if p := (pair{strings.ToLower(f.FoodID), key}); !seenPair[p] {
						seenPair[p] = true
						from[len(wanted)] = g
						wanted = append(wanted, p)
					}
				}
			}
		}
		f := fields{}
		f.carried("ids", "tag pairs", len(wanted))
		if err := f.err(); err != nil {
			return nil, err
		}
		if len(wanted) == 0 {
			return []db.FoodTag{}, nil
		}
		var tagged []db.FoodTag
		err = a.inTx(ctx, func(tx many.DBTX) error {
			tags, err := db.UpsertTags(ctx, tx, actor, names)
			if err != nil {
				return err
			}
			tagID := make(map[string]uuid.UUID, len(tags))
			for _, t := range tags {
				tagID[strings.ToLower(t.Name)] = t.ID
			}
			pairs := make([]db.FoodTagPair, len(wanted))
			for i, w := range wanted {
				pairs[i].FoodID, _ = parseID(w.food)
				pairs[i].TagID = tagID[w.tag]
			}
			if err := a.checkFoodTags(ctx, tx, actor, pairs); err != nil {
				// Report at the generation, the id the caller sent.
				var e *Error
				if !errors.As(err, &e) {
					return err
				}
				gone := fields{}
				for i := range pairs {
					if _, ok := e.Fields[path("pairs", i, "food_id")]; ok {
						gone[path("ids", from[i])] = "tags a food that no longer exists or is not yours"
					}
				}
				return fieldsError(CodeNotFound, gone)
			}
			tagged, err = db.InsertFoodTags(ctx, tx, pairs)
			return err
		})
		return tagged, err
	})
}

// generations reads the acting user's generations ids, in order, through
// dbtx.
func (a *Actions) generations(ctx context.Context, dbtx many.DBTX, actor uuid.UUID, ids []uuid.UUID) ([]db.Generation, error) {
	sel := func(ids []uuid.UUID) ([]db.Generation, error) { return db.SelectGenerations(ctx, dbtx, actor, ids) }
	return getByIDs(a, actor, ids, sel, func(g db.Generation) uuid.UUID { return g.ID }, "no such generation")
}

// outputsOf returns the outputs of the acting user's generations ids of
// agent, in order. Each must exist (not found at ids[i]) and be a
// generation of agent that succeeded (invalid at ids[i]).
func outputsOf[In, Out any](ctx context.Context, a *Actions, actor uuid.UUID, agent *agents.Agent[In, Out], ids []uuid.UUID) ([]Out, error) {
	gens, err := a.generations(ctx, a.pool, actor, ids) // the primary: a write follows
	if err != nil {
		return nil, err
	}
	f := fields{}
	outs := make([]Out, len(gens))
	for i, g := range gens {
		switch {
		case g.Agent != agent.Name():
			f[path("ids", i)] = "is a generation of " + g.Agent + ", not " + agent.Name()
		case g.Status != db.GenerationStatusSucceeded:
			f[path("ids", i)] = "is " + string(g.Status) + ", not succeeded"
		default:
			if outs[i], err = agent.Output(g); err != nil {
				return nil, err
			}
		}
	}
	return outs, f.err()
}

// checkBatch checks the acting user and a batch of inputs, each at
// root[i].
func checkBatch[T any](a *Actions, actor uuid.UUID, root string, in []T) error {
	if err := acting(actor); err != nil {
		return err
	}
	f := fields{}
	f.batch(root, len(in))
	for i := range in {
		a.check(f, path(root, i), in[i])
	}
	return f.err()
}

// requestBatch checks a batch of generation requests: as checkBatch, and
// at most MaxGenerations.
func requestBatch[T any](a *Actions, actor uuid.UUID, root string, in []T) error {
	if err := checkBatch(a, actor, root, in); err != nil {
		return err
	}
	if len(in) > MaxGenerations {
		return invalid(root, fmt.Sprintf("must have at most %d items, not %d: each is a model call", MaxGenerations, len(in)))
	}
	return nil
}

// foodsByID returns the foods with the given ids that the acting user can
// see, by id.
func foodsByID(ctx context.Context, dbtx many.DBTX, actor uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]db.Food, error) {
	foods, err := db.SelectFoods(ctx, dbtx, &actor, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]db.Food, len(foods))
	for _, f := range foods {
		out[f.ID] = f
	}
	return out, nil
}

// renameRoot moves the fields of an input error from root[k] to at(k),
// for actions that take ids inside their elements.
func renameRoot(err error, root string, at func(k int) string) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	moved := fields{}
	for p, rule := range e.Fields {
		if rest, ok := strings.CutPrefix(p, root+"["); ok {
			if idx, _, ok := strings.Cut(rest, "]"); ok {
				if k, err := strconv.Atoi(idx); err == nil {
					p = at(k)
				}
			}
		}
		moved[p] = rule
	}
	return fieldsError(e.Code, moved)
}
