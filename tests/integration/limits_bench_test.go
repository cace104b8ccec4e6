package integration

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/tests/testdb"
)

// BenchmarkLargestCalls times the largest calls the actions allow (at
// MaxBatch rows of each kind), each on a fresh user, and one account
// deletion of 110,000 rows: the figures behind actions/README.md's
// "Limits". Run it with
//
//	go test -run '^$' -bench LargestCalls -benchtime 3x ./tests/integration/
func BenchmarkLargestCalls(b *testing.B) {
	pool := testdb.New(b)
	ctx := context.Background()
	acts := actions.New(pool, actions.WithLogger(slog.New(slog.NewTextHandler(testWriter{b}, nil))))
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	user := func() db.User {
		u, err := factories.User().Create(ctx, pool)
		must(err)
		return u
	}
	foods := func(n, tags int) []actions.NewFood {
		in := make([]actions.NewFood, n)
		for i := range in {
			in[i] = newFoodInput()
			for j := range tags {
				in[i].Tags = append(in[i].Tags, fmt.Sprintf("tag %d", (i*tags+j)%5000))
			}
		}
		return in
	}
	owned := func(owner db.User, n int) []db.Food {
		f, err := factories.Food().OwnedBy(owner).CreateMany(ctx, pool, n)
		must(err)
		return f
	}
	calls := []struct {
		name string
		prep func() func() error // makes the data, returns the call
	}{
		{"CreateFoods 10000 foods, a tag each", func() func() error {
			me, in := user(), foods(10_000, 1)
			return func() error { return acts.CreateFoods(ctx, me.ID, in).Err() }
		}},
		{"CreateFoods 500 foods, 20 tags each", func() func() error {
			me, in := user(), foods(500, 20)
			return func() error { return acts.CreateFoods(ctx, me.ID, in).Err() }
		}},
		{"UpdateFoods 10000 nutrients", func() func() error {
			me := user()
			nutrients := db.Nutrients{EnergyKcal: 10}
			var in []actions.FoodChange
			for _, f := range owned(me, 10_000) {
				in = append(in, actions.FoodChange{ID: f.ID, Nutrients: &nutrients})
			}
			return func() error { return acts.UpdateFoods(ctx, me.ID, in).Err() }
		}},
		{"CreateRecipes 10 recipes, 1000 ingredients each", func() func() error {
			me := user()
			var ingredients []actions.NewIngredient
			for _, f := range owned(me, 1000) {
				ingredients = append(ingredients, actions.NewIngredient{FoodID: f.ID, Grams: 10})
			}
			in := make([]actions.NewRecipe, 10)
			for i := range in {
				in[i] = actions.NewRecipe{Title: "Big", Servings: 1, Ingredients: ingredients}
			}
			return func() error { return acts.CreateRecipes(ctx, me.ID, in).Err() }
		}},
		{"DeleteAccount of 110000 journal entries and 30000 foods", func() func() error {
			me := user()
			food := owned(me, 30_000)[0]
			_, err := factories.MealEntry().OwnedBy(me).OfFood(food, 10).CreateMany(ctx, pool, 110_000)
			must(err)
			return func() error { return acts.DeleteAccount(ctx, me.ID).Err() }
		}},
	}
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				call := c.prep()
				b.StartTimer()
				must(call())
			}
		})
	}
}
