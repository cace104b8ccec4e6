package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

// TestACallIsBoundedByItsWholeWork: the rows a batch's elements carry
// between them count against MaxBatch too; a call over it is invalid at
// its root and writes nothing.
func TestACallIsBoundedByItsWholeWork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	over := actions.MaxBatch + 20 // tags or ingredients in all

	foods := make([]actions.NewFood, over/20)
	for i := range foods {
		foods[i] = newFoodInput()
		for j := range 20 {
			foods[i].Tags = append(foods[i].Tags, fmt.Sprintf("tag %d", j))
		}
	}
	food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	ingredients := make([]actions.NewIngredient, 1000)
	for i := range ingredients {
		ingredients[i] = actions.NewIngredient{FoodID: food.ID, Grams: 1}
	}
	recipes := make([]actions.NewRecipe, over/1000+1)
	for i := range recipes {
		recipes[i] = actions.NewRecipe{Title: "Big", Servings: 1, Ingredients: ingredients}
	}
	existing := factories.Recipe().OwnedBy(me).MustCreateMany(t, b.pool, len(recipes))
	changes := make([]actions.RecipeChange, len(recipes))
	for i := range changes {
		changes[i] = actions.RecipeChange{ID: existing[i].ID, Ingredients: &ingredients}
	}
	requests := make([]actions.TagSuggestionRequest, over/100+1)
	for i := range requests {
		for range 100 {
			requests[i].FoodIDs = append(requests[i].FoodIDs, uuid.New())
		}
	}
	taggings := make([]uuid.UUID, over/500+1) // 100 foods x 5 tags each
	for i := range taggings {
		var out agents.FoodTags
		for range 100 {
			out.Foods = append(out.Foods, agents.TaggedFood{FoodID: uuid.NewString(), Tags: []string{"a", "b", "c", "d", "e"}})
		}
		taggings[i] = succeeded(t, b, me, agents.AutoTagger.Name(), out).ID
	}
	var choices []actions.SuggestionChoice // 5 recipes of 50 ingredients per generation
	for len(choices)*50 <= actions.MaxBatch {
		var out agents.RecipeSuggestions
		for range 5 {
			r := agents.SuggestedRecipe{Title: "Big", Servings: 1, Instructions: "Stir."}
			for range 50 {
				r.Ingredients = append(r.Ingredients, agents.SuggestedIngredient{FoodID: food.ID.String(), Grams: 1})
			}
			out.Recipes = append(out.Recipes, r)
		}
		g := succeeded(t, b, me, agents.RecipeSuggester.Name(), out)
		for i := range 5 {
			choices = append(choices, actions.SuggestionChoice{GenerationID: g.ID, Index: i})
		}
	}

	tests := []struct {
		name string
		call func() *actions.Error
		want map[string]string
	}{
		{"CreateFoods tags", func() *actions.Error { return b.acts.CreateFoods(b.ctx, me.ID, foods).Error },
			map[string]string{"foods": fmt.Sprintf("must carry at most 10000 tags in all, not %d", len(foods)*20)}},
		{"CreateRecipes ingredients", func() *actions.Error { return b.acts.CreateRecipes(b.ctx, me.ID, recipes).Error },
			map[string]string{"recipes": fmt.Sprintf("must carry at most 10000 ingredients in all, not %d", len(recipes)*1000)}},
		{"UpdateRecipes ingredients", func() *actions.Error { return b.acts.UpdateRecipes(b.ctx, me.ID, changes).Error },
			map[string]string{"recipes": fmt.Sprintf("must carry at most 10000 ingredients in all, not %d", len(changes)*1000)}},
		{"SuggestTags food ids", func() *actions.Error { return b.acts.SuggestTags(b.ctx, me.ID, requests).Error },
			map[string]string{"requests": fmt.Sprintf("must carry at most 10000 food ids in all, not %d", len(requests)*100)}},
		{"ApplySuggestedTags pairs", func() *actions.Error { return b.acts.ApplySuggestedTags(b.ctx, me.ID, taggings).Error },
			map[string]string{"ids": fmt.Sprintf("must carry at most 10000 tag pairs in all, not %d", len(taggings)*500)}},
		{"SaveSuggestedRecipes ingredients", func() *actions.Error { return b.acts.SaveSuggestedRecipes(b.ctx, me.ID, choices).Error },
			map[string]string{"choices": fmt.Sprintf("must carry at most 10000 ingredients in all, not %d", len(choices)*50)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.call()
			require.NotNil(t, e, "the call over the bound passed")
			require.Equal(t, actions.CodeInvalid, e.Code, "%+v", e)
			require.Equal(t, tt.want, e.Fields)
		})
	}
	require.Equal(t, 1, count(t, b, "foods"))
	require.Zero(t, count(t, b, "tags"))
	require.Zero(t, count(t, b, "recipe_ingredients"))
	require.Equal(t, len(existing), count(t, b, "recipes"))
	require.Equal(t, len(taggings)+len(choices)/5, count(t, b, "generations"), "no generation requested")
}

// succeeded stores a generation of agent that succeeded with output.
func succeeded(t *testing.T, b bundle, owner db.User, agent string, output any) db.Generation {
	t.Helper()
	out, err := json.Marshal(output)
	require.NoError(t, err)
	return factories.Generation().OwnedBy(owner).ForAgent(agent).Succeeded(out).MustCreate(t, b.pool)
}

// TestStatementsAreBounded: Larder's pools give every transaction a time
// limit per statement, a limit on waiting for a lock and one on idling,
// which the URL can change (0 is none): straight to PostgreSQL as the
// session's settings, through a connection pooler (make test-pooled) as
// each transaction's. A call past one fails as internal, with a log line,
// and writes nothing.
func TestStatementsAreBounded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	settings := func(pool many.DBTX) []string {
		var got []string
		require.NoError(t, many.WithTx(b.ctx, pool, func(tx pgx.Tx) error {
			for _, name := range []string{"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"} {
				var v string
				if err := tx.QueryRow(b.ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
					return err
				}
				got = append(got, v)
			}
			return nil
		}))
		return got
	}
	require.Equal(t, []string{"5s", "2s", "30s"}, settings(b.pool))

	tight, err := db.Open(b.ctx, poolURL(t, b)+"&statement_timeout=50ms&lock_timeout=0&idle_in_transaction_session_timeout=100ms")
	require.NoError(t, err)
	t.Cleanup(tight.Close)
	require.Equal(t, []string{"50ms", "0", "100ms"}, settings(tight))
	err = many.WithTx(b.ctx, tight, func(tx pgx.Tx) error {
		_, err := tx.Exec(b.ctx, "SELECT pg_sleep(1)")
		return err
	})
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "%v", err)
	require.Equal(t, "57014", pgErr.Code, "cancelled by the statement timeout")
	err = many.WithTx(b.ctx, tight, func(tx pgx.Tx) error {
		time.Sleep(300 * time.Millisecond) // idle in the transaction
		_, err := tx.Exec(b.ctx, "SELECT 1")
		return err
	})
	require.Error(t, err, "a transaction idle past its limit is ended")

	// A row another transaction holds: the wait for it ends at lock_timeout.
	waiting, err := db.Open(b.ctx, poolURL(t, b)+"&lock_timeout=100ms")
	require.NoError(t, err)
	t.Cleanup(waiting.Close)
	me := factories.User().MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	holder, err := b.pool.Begin(b.ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = holder.Rollback(b.ctx) })
	_, err = holder.Exec(b.ctx, "SELECT 1 FROM foods WHERE id = $1 FOR UPDATE", food.ID)
	require.NoError(t, err)
	name := "Renamed"
	var logged strings.Builder
	acts := actions.New(waiting, actions.WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	failed(t, acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: food.ID, Name: &name}}), actions.CodeInternal)
	require.Contains(t, logged.String(), "lock timeout", "the log says what the caller is not told")
	require.NoError(t, holder.Rollback(b.ctx))
	still := ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))
	require.Equal(t, food.Name, still[0].Name, "nothing written")
}

// poolURL is the URL of the database b's pool is on.
func poolURL(t *testing.T, b bundle) string {
	t.Helper()
	return b.pool.Config().ConnString()
}
