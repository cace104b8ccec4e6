// Package seed fills a database with sample data, for development and
// load tests; `larder seed` runs it.
//
//   - The shared catalog: the common foods of foods.csv (nutrients per
//     100 g from public food composition tables), through
//     actions.ImportCatalog, which skips foods the catalog has already.
//   - Demo users (demo_users.go) with pantries, tags, recipes and a week of
//     meals, through the actions, a call per user and kind of row. A demo
//     user who exists already is left as they are.
//
// So seeding twice adds nothing the second time. Options.Scale adds, on
// top, synthetic users with their rows for load tests, in bulk through
// package db (scale.go); each run adds new ones.
package seed

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// Options tunes Run.
type Options struct {
	// Scale adds synthetic users for about this many meal entries (100
	// each, with 10 pantry items and 2 recipes); 0 adds none.
	Scale int
	// Progress is called as the synthetic rows are written.
	Progress func(Progress)
	// Today is the last day of the demo users' week of meals. Default:
	// today (UTC).
	Today time.Time
	// Logger receives the actions' logs. Default: slog.Default().
	Logger *slog.Logger
}

// Report is what Run did.
type Report struct {
	CatalogAdded, CatalogSkipped int
	UsersAdded, UsersSkipped     int
	// What the added demo users got.
	PantryItems, Tags, Recipes, MealEntries int
	Synthetic                               SyntheticReport
}

// Run seeds the database: the catalog, the demo users, and Scale's
// synthetic rows.
func Run(ctx context.Context, pool many.DBTX, o Options) (Report, error) {
	if o.Today.IsZero() {
		o.Today = time.Now().UTC()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	acts := actions.New(pool, actions.WithLogger(o.Logger))
	var r Report

	foods, err := Catalog()
	if err != nil {
		return r, err
	}
	imported, err := result(acts.ImportCatalog(ctx, foods), "import the catalog")
	if err != nil {
		return r, err
	}
	r.CatalogAdded, r.CatalogSkipped = len(imported.Added), imported.Skipped
	catalog, err := catalogFoods(ctx, pool)
	if err != nil {
		return r, err
	}

	emails := make([]string, len(demoUsers))
	for i, u := range demoUsers {
		emails[i] = u.Email
	}
	existing, err := db.SelectUsersByEmail(ctx, pool, emails)
	if err != nil {
		return r, fmt.Errorf("seed: %w", err)
	}
	seeded := map[string]bool{}
	for _, u := range existing {
		seeded[strings.ToLower(u.Email)] = true
	}
	var fresh []demoUser
	var newUsers []actions.NewUser
	for _, u := range demoUsers {
		if !seeded[strings.ToLower(u.Email)] {
			fresh = append(fresh, u)
			newUsers = append(newUsers, actions.NewUser{Email: u.Email, DisplayName: u.Name})
		}
	}
	r.UsersSkipped = len(demoUsers) - len(fresh)
	users, err := result(acts.RegisterUsers(ctx, newUsers), "register the demo users")
	if err != nil {
		return r, err
	}
	byName := map[string]db.Food{}
	for _, f := range catalog {
		byName[strings.ToLower(f.Name)] = f
	}
	for i, u := range users {
		if err := fresh[i].seed(ctx, acts, u, byName, o.Today, &r); err != nil {
			return r, fmt.Errorf("seed %s: %w", u.Email, err)
		}
		r.UsersAdded++
	}

	if o.Scale > 0 {
		if r.Synthetic, err = synthesize(ctx, pool, catalog, o.Scale, o.Progress); err != nil {
			return r, err
		}
	}
	return r, nil
}

// catalogFoods reads the whole shared catalog, a page at a time.
func catalogFoods(ctx context.Context, dbtx many.DBTX) ([]db.Food, error) {
	var all []db.Food
	var after many.Cursor
	for {
		page, err := db.ListFoods(ctx, dbtx, db.FoodFilter{After: after, Limit: many.MaxPageSize})
		if err != nil {
			return nil, fmt.Errorf("seed: read the catalog: %w", err)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all, nil
		}
		after = page.Next
	}
}

// result turns an action's Result into a value or an error saying what
// failed.
func result[T any](res actions.Result[T], what string) (T, error) {
	data, err := res.Get()
	if err != nil {
		return data, fmt.Errorf("seed: %s: %w", what, err)
	}
	return data, nil
}
