package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// What each synthetic user gets.
const (
	mealsPerUser       = 100 // over the last 30 days
	pantryPerUser      = 10
	recipesPerUser     = 2
	ingredientsPerDish = 3
	rowsPerUser        = 1 + pantryPerUser + recipesPerUser*(1+ingredientsPerDish) + mealsPerUser
	// usersPerBatch users' rows go in one transaction: about 5,000 meal
	// entries, one statement per table.
	usersPerBatch = 50
)

// Progress is how far the synthetic rows are.
type Progress struct {
	Done, Total int // rows written, rows to write
	Started     time.Time
}

// Rate is rows per second so far.
func (p Progress) Rate() float64 {
	s := time.Since(p.Started).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.Done) / s
}

// ETA is the time left at the rate so far.
func (p Progress) ETA() time.Duration {
	r := p.Rate()
	if r <= 0 {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / r * float64(time.Second))
}

// SyntheticReport is what the synthetic part wrote.
type SyntheticReport struct {
	Users, MealEntries, Rows int
	Took                     time.Duration
}

// synthesize adds users (and their pantries, recipes and meal entries) for
// about meals meal entries, straight through package db, usersPerBatch
// users per transaction: load data needs no per-request checks. Users,
// pantry items and recipes go through the many-first inserts (their ids
// are needed); the meal entries, most of the rows, through the bulk load
// (COPY).
func synthesize(ctx context.Context, pool many.DBTX, catalog []db.Food, meals int, progress func(Progress)) (SyntheticReport, error) {
	users := (meals + mealsPerUser - 1) / mealsPerUser
	if users == 0 {
		return SyntheticReport{}, nil
	}
	if len(catalog) == 0 {
		return SyntheticReport{}, fmt.Errorf("synthetic rows: the catalog is empty")
	}
	run := uuid.NewString()[:8] // emails unique to this run: seeding again adds more
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	p := Progress{Total: users * rowsPerUser, Started: time.Now()}
	report := func() {
		if progress != nil {
			progress(p)
		}
	}
	report()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for lo := 0; lo < users; lo += usersPerBatch {
		n := min(usersPerBatch, users-lo)
		err := many.WithTx(ctx, pool, func(tx pgx.Tx) error {
			return synthesizeBatch(ctx, tx, run, lo, n, catalog, today, rng)
		})
		if err != nil {
			return SyntheticReport{}, fmt.Errorf("synthetic rows: %w", err)
		}
		p.Done += n * rowsPerUser
		report()
	}
	return SyntheticReport{Users: users, MealEntries: users * mealsPerUser, Rows: p.Done, Took: time.Since(p.Started)}, nil
}

// synthesizeBatch writes n users from index lo with their rows: five
// statements.
func synthesizeBatch(ctx context.Context, tx many.DBTX, run string, lo, n int, catalog []db.Food, today time.Time, rng *rand.Rand) error {
	newUsers := make([]db.NewUser, n)
	for i := range newUsers {
		newUsers[i] = db.NewUser{Email: fmt.Sprintf("load-%s-%d@seed.larder.example", run, lo+i), DisplayName: fmt.Sprintf("Load user %d", lo+i)}
	}
	users, err := db.InsertUsers(ctx, tx, newUsers)
	if err != nil {
		return err
	}
	food := func() db.Food { return catalog[rng.IntN(len(catalog))] }
	var pantry []db.NewPantryItem
	var recipes []db.NewRecipe
	for _, u := range users {
		for range pantryPerUser {
			item := db.NewPantryItem{OwnerID: u.ID, FoodID: food().ID, Quantity: float64(50 + rng.IntN(950)), Unit: db.PantryUnitG}
			if rng.IntN(4) > 0 {
				d := today.AddDate(0, 0, rng.IntN(30))
				item.ExpiresOn = &d
			}
			pantry = append(pantry, item)
		}
		for r := range recipesPerUser {
			recipes = append(recipes, db.NewRecipe{OwnerID: u.ID, Title: fmt.Sprintf("Recipe %d", r+1), Servings: int32(1 + rng.IntN(4))})
		}
	}
	if _, err := db.InsertPantryItems(ctx, tx, pantry); err != nil {
		return err
	}
	made, err := db.InsertRecipes(ctx, tx, recipes)
	if err != nil {
		return err
	}
	var ingredients []db.NewRecipeIngredient
	for _, r := range made {
		for pos := range ingredientsPerDish {
			ingredients = append(ingredients, db.NewRecipeIngredient{RecipeID: r.ID, Position: int32(pos + 1), FoodID: food().ID, Grams: float64(20 + rng.IntN(280))})
		}
	}
	if _, err := db.InsertRecipeIngredients(ctx, tx, ingredients); err != nil {
		return err
	}
	kinds := []db.MealKind{db.MealKindBreakfast, db.MealKindLunch, db.MealKindDinner, db.MealKindSnack}
	meals := make([]db.NewMealEntry, 0, n*mealsPerUser)
	for i, u := range users {
		for range mealsPerUser {
			e := db.NewMealEntry{
				OwnerID: u.ID, Meal: kinds[rng.IntN(len(kinds))],
				EatenAt: today.Add(-time.Duration(rng.IntN(30*24*60)) * time.Minute),
			}
			if rng.IntN(10) == 0 {
				recipe, servings := made[i*recipesPerUser+rng.IntN(recipesPerUser)].ID, 1.0
				e.MealSource = db.MealSource{RecipeID: &recipe, Servings: &servings}
			} else {
				food, grams := food().ID, float64(30+rng.IntN(300))
				e.MealSource = db.MealSource{FoodID: &food, Grams: &grams}
			}
			meals = append(meals, e)
		}
	}
	_, err = db.CopyMealEntries(ctx, tx, meals) // the bulk of the rows: COPY, nothing read back
	return err
}
