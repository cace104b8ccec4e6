package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/db"
)

// runDemo migrates the database, then narrates a short walk through the
// many-first data layer as a new demo user, whom it deletes at the end
// (and with them everything the demo wrote). It works on an empty or a
// populated database alike.
func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("demo", "demo [-keep]", stdout)
	keep := fs.Bool("keep", false, "keep the demo user and its data instead of deleting them")
	if err := parse(fs, args); err != nil {
		return err
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	if err := db.Migrate(url, db.MigrateOptions{}); err != nil {
		return err
	}
	status, err := db.Status(url, db.MigrateOptions{})
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()

	fmt.Fprintf(stdout, "Larder demo: the many-first data layer, on %s\n", pool.Config().ConnConfig.Database)
	fmt.Fprintf(stdout, "Every call below takes and returns slices, and writes its batch in one statement.\n")
	d := &demo{ctx: ctx, pool: pool, out: stdout}
	d.say("Migrated: %d migrations applied (embedded in the binary, run through dbmate).", len(status))
	if err := d.walk(); err != nil {
		return err
	}
	if *keep {
		d.say("Kept the demo user %s and its data (-keep).", d.user.Email)
		return nil
	}
	deleted, err := db.DeleteUsers(ctx, pool, []uuid.UUID{d.user.ID})
	if err != nil {
		return err
	}
	d.say("DeleteUsers removed %d user, and by cascade everything the demo wrote.", len(deleted))
	return nil
}

// demo holds what the walk's steps share.
type demo struct {
	ctx  context.Context
	pool *pgxpool.Pool
	out  io.Writer
	step int
	user db.User
}

// say prints the next numbered step.
func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

// table prints rows under a header, aligned.
func (d *demo) table(header string, rows []string) {
	w := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "   "+header)
	for _, r := range rows {
		fmt.Fprintln(w, "   "+r)
	}
	w.Flush()
}

// walk is the demo proper: a user, a catalog, a pantry, a recipe, a day of
// meals.
func (d *demo) walk() error {
	ctx, pool := d.ctx, d.pool
	email := fmt.Sprintf("demo-%s@larder.example", uuid.NewString()[:8])
	user, err := db.First(db.InsertUsers(ctx, pool, []db.NewUser{{Email: email, DisplayName: "Demo Cook"}}))
	if err != nil {
		return err
	}
	d.user = user
	owner := &user.ID
	d.say("InsertUsers registered %s (a batch of one; db.First takes it).", user.Email)

	foods, err := db.InsertFoods(ctx, pool, []db.NewFood{
		{OwnerID: owner, Name: "Rolled oats", Kind: db.FoodKindWhole, Category: db.FoodCategoryGrain,
			Nutrients: db.Nutrients{EnergyKcal: 379, ProteinG: 13.2, FatG: 6.5, CarbsG: 67.7, FiberG: 10.1, SugarG: 1, SodiumMg: 6}},
		{OwnerID: owner, Name: "Whole milk", Kind: db.FoodKindProcessed, Category: db.FoodCategoryDairy,
			Nutrients: db.Nutrients{EnergyKcal: 64, ProteinG: 3.3, FatG: 3.6, CarbsG: 4.7, SugarG: 4.7, SodiumMg: 44}},
		{OwnerID: owner, Name: "Banana", Kind: db.FoodKindWhole, Category: db.FoodCategoryFruit,
			Nutrients: db.Nutrients{EnergyKcal: 89, ProteinG: 1.1, FatG: 0.3, CarbsG: 22.8, FiberG: 2.6, SugarG: 12.2, SodiumMg: 1}},
		{OwnerID: owner, Name: "Chicken breast", Kind: db.FoodKindWhole, Category: db.FoodCategoryProtein,
			Nutrients: db.Nutrients{EnergyKcal: 165, ProteinG: 31, FatG: 3.6, SodiumMg: 74}},
		{OwnerID: owner, Name: "Brown rice", Kind: db.FoodKindWhole, Category: db.FoodCategoryGrain,
			Nutrients: db.Nutrients{EnergyKcal: 123, ProteinG: 2.7, FatG: 1, CarbsG: 25.6, FiberG: 1.6, SugarG: 0.2, SodiumMg: 4}},
		{OwnerID: owner, Name: "Chocolate cookie", Brand: "Crumbs & Co", Kind: db.FoodKindUltraProcessed, Category: db.FoodCategorySweet,
			Nutrients: db.Nutrients{EnergyKcal: 488, ProteinG: 5.4, FatG: 24, CarbsG: 64, FiberG: 2.4, SugarG: 35, SodiumMg: 320}},
	})
	if err != nil {
		return err
	}
	oats, milk, banana, chicken, rice, cookie := foods[0], foods[1], foods[2], foods[3], foods[4], foods[5]
	d.say("InsertFoods imported %d foods in one INSERT ... SELECT unnest(...) statement:", len(foods))
	rows := make([]string, len(foods))
	for i, f := range foods {
		rows[i] = fmt.Sprintf("%s\t%s\t%s\t%.0f kcal\t%.1f g protein", f.Name, f.Kind, f.Category, f.EnergyKcal, f.ProteinG)
	}
	d.table("food\tkind\tcategory\tper 100 g\t", rows)

	page, err := db.ListFoods(ctx, pool, db.FoodFilter{ViewerID: owner, Category: db.FoodCategoryGrain, Limit: 10})
	if err != nil {
		return err
	}
	names := make([]string, len(page.Items))
	for i, f := range page.Items {
		names[i] = f.Name
	}
	d.say("ListFoods with a category filter (keyset pages, the user's foods plus the shared catalog): %v", names)

	updated, err := db.UpdateFoods(ctx, pool, owner, []db.FoodPatch{
		{ID: cookie.ID, Name: db.Set("Dark chocolate cookie")},
		{ID: banana.ID, Kind: db.Set(db.FoodKindWhole), Barcode: db.Set("4011200296908")},
	})
	if err != nil {
		return err
	}
	d.say("UpdateFoods changed %d foods in one statement, each only in the fields it set: %q, barcode %s.",
		len(updated), updated[0].Name, *updated[1].Barcode)

	today := time.Now()
	in := func(days int) *time.Time { t := today.AddDate(0, 0, days); return &t }
	items, err := db.InsertPantryItems(ctx, pool, []db.NewPantryItem{
		{OwnerID: user.ID, FoodID: milk.ID, Quantity: 1000, Unit: db.PantryUnitMl, ExpiresOn: in(2)},
		{OwnerID: user.ID, FoodID: banana.ID, Quantity: 5, Unit: db.PantryUnitPiece, ExpiresOn: in(4)},
		{OwnerID: user.ID, FoodID: chicken.ID, Quantity: 600, Unit: db.PantryUnitG, ExpiresOn: in(1)},
		{OwnerID: user.ID, FoodID: oats.ID, Quantity: 1500, Unit: db.PantryUnitG},
	})
	if err != nil {
		return err
	}
	expiring, err := db.ListPantryItemsByExpiry(ctx, pool, db.ExpiryFilter{OwnerID: user.ID, Until: db.ExpiringWithin(today, 3)})
	if err != nil {
		return err
	}
	byID := map[uuid.UUID]db.Food{}
	for _, f := range foods {
		byID[f.ID] = f
	}
	rows = rows[:0]
	for _, it := range expiring.Items {
		rows = append(rows, fmt.Sprintf("%s\t%g %s\t%s", byID[it.FoodID].Name, it.Quantity, it.Unit, it.ExpiresOn.Format(time.DateOnly)))
	}
	d.say("InsertPantryItems stocked %d items; the ones expiring within 3 days, soonest first:", len(items))
	d.table("food\tquantity\texpires", rows)

	recipe, err := db.First(db.InsertRecipes(ctx, pool, []db.NewRecipe{{
		OwnerID: user.ID, Title: "Overnight oats", Servings: 2, Instructions: "Soak the oats in milk overnight; top with banana.",
	}}))
	if err != nil {
		return err
	}
	if _, err := db.InsertRecipeIngredients(ctx, pool, []db.NewRecipeIngredient{
		{RecipeID: recipe.ID, Position: 1, FoodID: oats.ID, Grams: 80},
		{RecipeID: recipe.ID, Position: 2, FoodID: milk.ID, Grams: 250},
		{RecipeID: recipe.ID, Position: 3, FoodID: banana.ID, Grams: 120},
	}); err != nil {
		return err
	}
	nutrition, err := db.First(db.SelectRecipeNutrition(ctx, pool, user.ID, []uuid.UUID{recipe.ID}))
	if err != nil {
		return err
	}
	per := nutrition.PerServing()
	d.say("%q (%d servings, %.0f g) per serving, summed from its ingredients in SQL: %.0f kcal, %.1f g protein, %.1f g fat, %.1f g carbs.",
		recipe.Title, recipe.Servings, nutrition.Grams, per.EnergyKcal, per.ProteinG, per.FatG, per.CarbsG)

	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	at := func(hour int) time.Time { return day.Add(time.Duration(hour) * time.Hour) }
	meals, err := db.InsertMealEntries(ctx, pool, []db.NewMealEntry{
		{OwnerID: user.ID, EatenAt: at(8), Meal: db.MealKindBreakfast, MealSource: db.MealSource{RecipeID: recipe.ID, Servings: 1}},
		{OwnerID: user.ID, EatenAt: at(13), Meal: db.MealKindLunch, MealSource: db.MealSource{FoodID: chicken.ID, Grams: 180}},
		{OwnerID: user.ID, EatenAt: at(13), Meal: db.MealKindLunch, MealSource: db.MealSource{FoodID: rice.ID, Grams: 200}},
		{OwnerID: user.ID, EatenAt: at(16), Meal: db.MealKindSnack, MealSource: db.MealSource{FoodID: cookie.ID, Grams: 30}},
		{OwnerID: user.ID, EatenAt: at(-16), Meal: db.MealKindDinner, MealSource: db.MealSource{RecipeID: recipe.ID, Servings: 2}},
	})
	if err != nil {
		return err
	}
	totals, err := db.DailyTotals(ctx, pool, db.DailyTotalsRange{OwnerID: user.ID, FirstDay: day.AddDate(0, 0, -1), LastDay: day})
	if err != nil {
		return err
	}
	rows = rows[:0]
	for _, t := range totals {
		rows = append(rows, fmt.Sprintf("%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f", t.Day.Format(time.DateOnly), t.Entries, t.EnergyKcal, t.ProteinG, t.FatG, t.CarbsG))
	}
	d.say("InsertMealEntries logged %d meals; DailyTotals per day (UTC):", len(meals))
	d.table("day\tentries\tkcal\tprotein g\tfat g\tcarbs g", rows)
	return nil
}
