package integration

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/agents/agentstest"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestSuggestedRecipesUseOnlyThePantrysFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	oats := factories.Food().OwnedBy(me).Named("Oats").MustCreate(t, b.pool)
	milk := factories.Food().OwnedBy(me).Named("Milk").MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(me).Of(milk).Millilitres(1000).ExpiringIn(1).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(me).Of(oats).Grams(500).NonPerishable().MustCreate(t, b.pool)
	theirs := factories.Food().OwnedBy(factories.User().MustCreate(t, b.pool)).Named("Caviar").MustCreate(t, b.pool)

	recipe := func(foodID uuid.UUID) agents.RecipeSuggestions {
		return agents.RecipeSuggestions{Recipes: []agents.SuggestedRecipe{{
			Title: "Porridge", Servings: 2, Instructions: "1. Simmer the oats in the milk.",
			Ingredients: []agents.SuggestedIngredient{{FoodID: oats.ID.String(), Grams: 80}, {FoodID: foodID.String(), Grams: 300}},
		}}}
	}
	srv := agentstest.NewServer(t, func(r agentstest.Request) agentstest.Answer {
		if len(r.Messages) == 2 {
			return agentstest.JSON(recipe(theirs.ID)) // a food the user does not own
		}
		return agentstest.JSON(recipe(milk.ID))
	})

	g := ok(t, b.acts.SuggestRecipes(b.ctx, me.ID, []actions.RecipeSuggestionRequest{{Count: 1, Note: "breakfast"}}))[0]
	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	prompt := srv.Requests()[0].LastUser()
	require.Contains(t, prompt, "Suggest 1 recipe(s). Wishes: breakfast.")
	require.Less(t, strings.Index(prompt, milk.ID.String()), strings.Index(prompt, oats.ID.String()), "the item expiring soonest first")
	require.Contains(t, srv.Requests()[1].LastUser(), theirs.ID.String()+" is not the food_id of a pantry item", "the foreign food was sent back")

	saved := ok(t, b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{{GenerationID: g.ID}}))
	require.Equal(t, "Porridge", saved[0].Title)
	require.Len(t, saved[0].Ingredients, 2)
	require.Equal(t, milk.ID, saved[0].Ingredients[1].FoodID)

	fields := failed(t, b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{{GenerationID: g.ID, Index: 1}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"choices[0].index": "the generation has no recipe at this index"}, fields)
}

func TestARecipeSuggestionThatKeepsUsingForeignFoodsFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(me).MustCreate(t, b.pool)
	theirs := factories.Food().OwnedBy(factories.User().MustCreate(t, b.pool)).MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.JSON(agents.RecipeSuggestions{Recipes: []agents.SuggestedRecipe{{
			Title: "Stolen", Servings: 1, Instructions: "1. Take.", Ingredients: []agents.SuggestedIngredient{{FoodID: theirs.ID.String(), Grams: 10}},
		}}})
	})
	g := ok(t, b.acts.SuggestRecipes(b.ctx, me.ID, []actions.RecipeSuggestionRequest{{Count: 1}}))[0]
	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]

	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Contains(t, *g.Error, "is not the food_id of a pantry item")
	fields := failed(t, b.acts.SaveSuggestedRecipes(b.ctx, me.ID, []actions.SuggestionChoice{{GenerationID: g.ID}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"choices[0].generation_id": "is failed, not succeeded"}, fields)
}

func TestSuggestedTagsArePutOnTheFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	breakfast := ok(t, b.acts.CreateTags(b.ctx, me.ID, []string{"Breakfast"}))[0]
	oats := factories.Food().OwnedBy(me).Named("Oats").MustCreate(t, b.pool)
	apple := factories.Food().OwnedBy(factories.User().MustCreate(t, b.pool)).Named("Apple").MustCreate(t, b.pool)
	catalog := factories.Food().Shared().Named("Lentils").MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.JSON(agents.FoodTags{Foods: []agents.TaggedFood{
			{FoodID: oats.ID.String(), Tags: []string{"breakfast", "whole grain"}},
			{FoodID: catalog.ID.String(), Tags: []string{"high-protein", "Whole Grain"}},
		}})
	})

	fields := failed(t, b.acts.SuggestTags(b.ctx, me.ID, []actions.TagSuggestionRequest{{FoodIDs: []uuid.UUID{oats.ID, apple.ID}}}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"requests[0].food_ids[1]": "no such food"}, fields)

	g := ok(t, b.acts.SuggestTags(b.ctx, me.ID, []actions.TagSuggestionRequest{{FoodIDs: []uuid.UUID{oats.ID, catalog.ID}}}))[0]
	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]
	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	prompt := srv.Requests()[0].LastUser()
	require.Contains(t, prompt, `Existing tags: ["Breakfast"]`)
	require.Contains(t, prompt, oats.ID.String()+", Oats")

	pairs := ok(t, b.acts.ApplySuggestedTags(b.ctx, me.ID, []uuid.UUID{g.ID}))
	require.Len(t, pairs, 4, "whole grain once, whatever its case")
	tags := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))
	names := map[string]int64{}
	for _, tc := range tags.Items {
		names[tc.Tag.Name] = tc.FoodCount
	}
	require.Equal(t, map[string]int64{"Breakfast": 1, "whole grain": 2, "high-protein": 1}, names, "the existing tag reused")
	require.Contains(t, idsOf(pairs, func(p db.FoodTag) uuid.UUID { return p.TagID }), breakfast.ID)

	again := ok(t, b.acts.ApplySuggestedTags(b.ctx, me.ID, []uuid.UUID{g.ID}))
	require.Len(t, again, 4, "applying twice is harmless")

	ok(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{oats.ID}))
	fields = failed(t, b.acts.ApplySuggestedTags(b.ctx, me.ID, []uuid.UUID{g.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[0]": "tags a food that no longer exists or is not yours"}, fields, "at the id the caller sent")
}

func TestCreateFoodsFromEstimatesChecksItsGenerations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	out, err := json.Marshal(banana)
	require.NoError(t, err)
	done := factories.Generation().OwnedBy(me).Succeeded(out).MustCreate(t, b.pool)
	pending := factories.Generation().OwnedBy(me).MustCreate(t, b.pool)
	tags := factories.Generation().OwnedBy(me).ForAgent("auto-tagger").Succeeded(json.RawMessage(`{"foods":[]}`)).MustCreate(t, b.pool)
	theirs := factories.Generation().Succeeded(out).MustCreate(t, b.pool)

	fields := failed(t, b.acts.CreateFoodsFromEstimates(b.ctx, me.ID, []uuid.UUID{done.ID, pending.ID, tags.ID}), actions.CodeInvalid)
	require.Equal(t, map[string]string{
		"ids[1]": "is pending, not succeeded",
		"ids[2]": "is a generation of auto-tagger, not nutrition-estimator",
	}, fields)
	fields = failed(t, b.acts.CreateFoodsFromEstimates(b.ctx, me.ID, []uuid.UUID{done.ID, theirs.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such generation"}, fields)
	require.Zero(t, count(t, b, "foods"), "nothing written")

	foods := ok(t, b.acts.CreateFoodsFromEstimates(b.ctx, me.ID, []uuid.UUID{done.ID}))
	require.Equal(t, "Banana", foods[0].Name)
	require.Equal(t, &me.ID, foods[0].OwnerID)
}

func TestGenerationActionsValidateTheirInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)

	fields := failed(t, b.acts.EstimateNutrition(b.ctx, me.ID, []agents.FoodDescription{{Description: "ok"}, {Description: "  "}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"descriptions[1].description": "must not be blank"}, fields)
	fields = failed(t, b.acts.SuggestRecipes(b.ctx, me.ID, []actions.RecipeSuggestionRequest{{Count: 1}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"requests": "the pantry is empty: add items to it first"}, fields)
	fields = failed(t, b.acts.SuggestRecipes(b.ctx, me.ID, []actions.RecipeSuggestionRequest{{Count: 9}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"requests[0].count": "must be at most 5"}, fields)
	fields = failed(t, b.acts.SuggestTags(b.ctx, me.ID, []actions.TagSuggestionRequest{{FoodIDs: []uuid.UUID{uuid.Nil}}}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"requests[0].food_ids[0]": "is required"}, fields)
	failed(t, b.acts.EstimateNutrition(b.ctx, uuid.New(), []agents.FoodDescription{{Description: "x"}}), actions.CodeForbidden)
	require.Zero(t, count(t, b, "generations"))
	require.Zero(t, count(t, b, "jobs"), "nothing enqueued either")
	require.Empty(t, ok(t, b.acts.EstimateNutrition(b.ctx, me.ID, nil)))
	many := make([]agents.FoodDescription, actions.MaxGenerations+1)
	for i := range many {
		many[i].Description = "apple"
	}
	fields = failed(t, b.acts.EstimateNutrition(b.ctx, me.ID, many), actions.CodeInvalid)
	require.Equal(t, map[string]string{"descriptions": "must have at most 500 items, not 501: each is a model call"}, fields)
}

func TestGenerationsAreReadByTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	other := factories.User().MustCreate(t, b.pool)
	mine := ok(t, b.acts.EstimateNutrition(b.ctx, me.ID, []agents.FoodDescription{{Description: "apple"}, {Description: "pear"}}))
	theirs := ok(t, b.acts.EstimateNutrition(b.ctx, other.ID, []agents.FoodDescription{{Description: "plum"}}))

	got := ok(t, b.acts.GetGenerations(b.ctx, me.ID, []uuid.UUID{mine[1].ID, mine[0].ID}))
	require.Equal(t, []uuid.UUID{mine[1].ID, mine[0].ID}, generationIDs(got))
	fields := failed(t, b.acts.GetGenerations(b.ctx, me.ID, []uuid.UUID{theirs[0].ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[0]": "no such generation"}, fields)

	page := ok(t, b.acts.ListGenerations(b.ctx, me.ID, actions.GenerationSearch{Agent: "nutrition-estimator", Status: "pending"}))
	require.ElementsMatch(t, generationIDs(mine), generationIDs(page.Items))
	page = ok(t, b.acts.ListGenerations(b.ctx, me.ID, actions.GenerationSearch{Status: "succeeded"}))
	require.Empty(t, page.Items)
	failed(t, b.acts.ListGenerations(b.ctx, me.ID, actions.GenerationSearch{Status: "done"}), actions.CodeInvalid)
	require.True(t, slices.ContainsFunc(mine, func(g db.Generation) bool { return g.JobID != nil }), "each has its job")
}
