package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
)

const demoSynopsis = `demo [-keep]

Migrates the database, then walks through Larder as a new user would,
through package actions (the API an app calls): registers the user,
imports foods with tags, fills a pantry, creates a recipe and prints its
nutrition per serving, logs a day of meals and prints the daily totals,
and enqueues a job and runs it. It deletes the user (and so everything it
wrote) at the end unless -keep. It works on an empty or a seeded database.`

// runDemo serves "larder demo".
func runDemo(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("demo", demoSynopsis)
	keep := fs.Bool("keep", false, "keep the demo user and its data instead of deleting them")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	if err := migrate.Up(url, migrate.Options{Table: migrationsTable()}); err != nil {
		return err
	}
	status, err := migrate.Status(url, migrate.Options{Table: migrationsTable()})
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()

	d := &demo{ctx: ctx, c: c, pool: pool, acts: actions.New(pool, actions.WithLogger(c.log)), out: c.stdout}
	fmt.Fprintf(d.out, "Larder demo, on the database %q.\n", pool.Config().ConnConfig.Database)
	fmt.Fprintln(d.out, "Each step is one call of package actions: it validates, writes its batch in one statement per table, and returns a Result.")
	d.say("Migrated: %d migrations applied (embedded in the binary, run through dbmate).", len(status))
	if err := d.walk(); err != nil {
		return err
	}
	if *keep {
		d.say("Kept the demo user %s and its data (-keep).", d.user.Email)
		return nil
	}
	if _, err := d.acts.DeleteAccount(ctx, d.user.ID).Get(); err != nil {
		return err
	}
	d.say("DeleteAccount removed %s, and with them everything the demo wrote.", d.user.Email)
	return nil
}

// demo holds what the walk's steps share.
type demo struct {
	ctx  context.Context
	c    *cli
	pool *pgxpool.Pool
	acts *actions.Actions
	out  io.Writer
	step int
	user db.User
}

// say prints the next numbered step.
func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

// table prints rows (tab-separated cells) under a header, aligned.
func (d *demo) table(header string, rows []string) {
	w := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "   "+header)
	for _, r := range rows {
		fmt.Fprintln(w, "   "+r)
	}
	_ = w.Flush()
}

// walk is the demo proper.
func (d *demo) walk() error {
	ctx, acts := d.ctx, d.acts
	users, err := acts.RegisterUsers(ctx, []actions.NewUser{
		{Email: fmt.Sprintf("demo-%s@larder.example", uuid.NewString()[:8]), DisplayName: "Demo Cook"},
	}).Get()
	if err != nil {
		return err
	}
	d.user = users[0]
	me := d.user.ID
	d.say("RegisterUsers registered %s (a batch of one).", d.user.Email)

	foods, err := acts.CreateFoods(ctx, me, []actions.NewFood{
		{Name: "Rolled oats", Kind: "whole", Category: "grain", Tags: []string{"breakfast", "pantry staple"},
			Nutrients: db.Nutrients{EnergyKcal: 379, ProteinG: 13.2, FatG: 6.5, CarbsG: 67.7, FiberG: 10.1, SugarG: 1, SodiumMg: 6}},
		{Name: "Whole milk", Kind: "processed", Category: "dairy", Tags: []string{"breakfast", "fridge"},
			Nutrients: db.Nutrients{EnergyKcal: 61, ProteinG: 3.2, FatG: 3.3, CarbsG: 4.8, SugarG: 4.8, SodiumMg: 43}},
		{Name: "Banana", Kind: "whole", Category: "fruit", Tags: []string{"breakfast", "snack"},
			Nutrients: db.Nutrients{EnergyKcal: 89, ProteinG: 1.1, FatG: 0.3, CarbsG: 22.8, FiberG: 2.6, SugarG: 12.2, SodiumMg: 1}},
		{Name: "Chicken breast", Kind: "whole", Category: "protein", Tags: []string{"fridge"},
			Nutrients: db.Nutrients{EnergyKcal: 165, ProteinG: 31, FatG: 3.6, SodiumMg: 74}},
		{Name: "Brown rice, cooked", Kind: "whole", Category: "grain", Tags: []string{"pantry staple"},
			Nutrients: db.Nutrients{EnergyKcal: 123, ProteinG: 2.7, FatG: 1, CarbsG: 25.6, FiberG: 1.6, SugarG: 0.2, SodiumMg: 4}},
		{Name: "Chocolate cookie", Brand: "Crumbs & Co", Kind: "ultra_processed", Category: "sweet", Tags: []string{"snack"},
			Nutrients: db.Nutrients{EnergyKcal: 488, ProteinG: 5.4, FatG: 24, CarbsG: 64, FiberG: 2.4, SugarG: 35, SodiumMg: 320}},
	}).Get()
	if err != nil {
		return err
	}
	oats, milk, banana, chicken, rice, cookie := foods[0], foods[1], foods[2], foods[3], foods[4], foods[5]
	rows := make([]string, len(foods))
	for i, f := range foods {
		rows[i] = fmt.Sprintf("%s\t%s\t%s\t%.0f kcal\t%.1f g protein", f.Name, f.Kind, f.Category, f.EnergyKcal, f.ProteinG)
	}
	d.say("CreateFoods imported %d foods and tagged them, in one transaction:", len(foods))
	d.table("food\tkind\tcategory\tper 100 g\t", rows)

	tags, err := acts.ListTags(ctx, me, actions.TagSearch{}).Get()
	if err != nil {
		return err
	}
	rows = rows[:0]
	for _, t := range tags.Items {
		rows = append(rows, fmt.Sprintf("%s\t%d", t.Tag.Name, t.FoodCount))
	}
	d.say("ListTags: the tags CreateFoods upserted, with how many foods each is on:")
	d.table("tag\tfoods", rows)

	today := time.Now().UTC()
	in := func(days int) string { return today.AddDate(0, 0, days).Format(actions.DateLayout) }
	if _, err := acts.AddPantryItems(ctx, me, []actions.NewPantryItem{
		{FoodID: milk.ID, Quantity: 1000, Unit: "ml", ExpiresOn: in(2)},
		{FoodID: banana.ID, Quantity: 5, Unit: "piece", ExpiresOn: in(4)},
		{FoodID: chicken.ID, Quantity: 600, Unit: "g", ExpiresOn: in(1)},
		{FoodID: oats.ID, Quantity: 1500, Unit: "g"},
	}).Get(); err != nil {
		return err
	}
	within := 3
	expiring, err := acts.ListPantryItems(ctx, me, actions.PantrySearch{ExpiringWithinDays: &within}).Get()
	if err != nil {
		return err
	}
	names := map[uuid.UUID]string{}
	for _, f := range foods {
		names[f.ID] = f.Name
	}
	rows = rows[:0]
	for _, it := range expiring.Items {
		rows = append(rows, fmt.Sprintf("%s\t%g %s\t%s", names[it.FoodID], it.Quantity, it.Unit, it.ExpiresOn.Format(time.DateOnly)))
	}
	d.say("AddPantryItems stocked the pantry; ListPantryItems, expiring within %d days, soonest first:", within)
	d.table("food\tquantity\texpires", rows)

	recipes, err := acts.CreateRecipes(ctx, me, []actions.NewRecipe{{
		Title: "Overnight oats", Servings: 2, Instructions: "Soak the oats in the milk overnight; top with the banana.",
		Ingredients: []actions.NewIngredient{
			{FoodID: oats.ID, Grams: 80}, {FoodID: milk.ID, Grams: 250}, {FoodID: banana.ID, Grams: 120},
		},
	}}).Get()
	if err != nil {
		return err
	}
	recipe := recipes[0]
	nutrition, err := acts.RecipeNutrition(ctx, me, []uuid.UUID{recipe.ID}).Get()
	if err != nil {
		return err
	}
	per := nutrition[0].PerServing
	d.say("CreateRecipes created %q (%d servings, %.0f g); RecipeNutrition per serving, summed from its ingredients in SQL: %.0f kcal, %.1f g protein, %.1f g fat, %.1f g carbs.",
		recipe.Title, recipe.Servings, nutrition[0].Grams, per.EnergyKcal, per.ProteinG, per.FatG, per.CarbsG)

	at := func(hour, minute int) string {
		return time.Date(today.Year(), today.Month(), today.Day(), hour, minute, 0, 0, time.UTC).Format(actions.TimeLayout)
	}
	meals, err := acts.LogMeals(ctx, me, []actions.NewMealEntry{
		{EatenAt: at(8, 0), Meal: "breakfast", RecipeID: recipe.ID, Servings: 1},
		{EatenAt: at(12, 30), Meal: "lunch", FoodID: chicken.ID, Grams: 180},
		{EatenAt: at(12, 30), Meal: "lunch", FoodID: rice.ID, Grams: 200},
		{EatenAt: at(16, 0), Meal: "snack", FoodID: cookie.ID, Grams: 30},
		{EatenAt: at(19, 30), Meal: "dinner", RecipeID: recipe.ID, Servings: 1},
	}).Get()
	if err != nil {
		return err
	}
	day := today.Format(actions.DateLayout)
	yesterday := today.AddDate(0, 0, -1).Format(actions.DateLayout)
	totals, err := acts.DailyTotals(ctx, me, actions.DateRange{From: yesterday, To: day}).Get()
	if err != nil {
		return err
	}
	rows = rows[:0]
	for _, t := range totals {
		rows = append(rows, fmt.Sprintf("%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f", t.Date, t.Entries, t.EnergyKcal, t.ProteinG, t.FatG, t.CarbsG))
	}
	d.say("LogMeals logged %d meals today; DailyTotals per day (UTC):", len(meals))
	d.table("day\tentries\tkcal\tprotein g\tfat g\tcarbs g", rows)

	return d.runAJob(recipe.ID)
}

// runAJob shows the job queue: CreateRecipes enqueued the recipe's
// nutrition cache refresh in its transaction; the demo enqueues the same
// kind of job on a queue of its own and runs a worker on that queue only,
// so that it touches no other job in the database.
func (d *demo) runAJob(recipeID uuid.UUID) error {
	ctx := d.ctx
	const queue = "demo"
	job, err := jobs.NewClient().Job(actions.KindRecomputeNutrition).Queue(queue).
		Payload(actions.RecomputePayload{RecipeIDs: []uuid.UUID{recipeID}}).Enqueue(ctx, d.pool)
	if err != nil {
		return err
	}
	d.say("CreateRecipes enqueued a %s job in its own transaction, on queue default, for `larder worker`. The demo enqueues job %d of that kind on queue %q and runs a worker on that queue only:",
		actions.KindRecomputeNutrition, job.ID, queue)

	reg := jobs.NewRegistry()
	d.acts.RegisterJobs(reg)
	quiet := d.c.logger(slog.LevelWarn).With("component", "demo-worker") // the narration says what it does
	w, err := jobs.NewWorker(d.pool, reg, jobs.Config{Queues: map[string]int{queue: 1}, PollInterval: 50 * time.Millisecond, Logger: quiet})
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(runCtx) }()
	var ran store.Job
	deadline := time.Now().Add(30 * time.Second)
	for ran.State != store.JobStateCompleted {
		if time.Now().After(deadline) {
			stop()
			<-stopped
			return fmt.Errorf("job %d did not run within 30s (state %s)", job.ID, ran.State)
		}
		time.Sleep(20 * time.Millisecond)
		q, kind := queue, actions.KindRecomputeNutrition
		page, err := store.ListJobs(ctx, d.pool, store.JobFilter{Queue: &q, Kind: &kind})
		if err != nil {
			return err
		}
		for _, j := range page.Items {
			if j.ID == job.ID {
				ran = j
			}
		}
	}
	stop()
	if err := <-stopped; err != nil {
		return err
	}
	recipes, err := db.SelectRecipes(ctx, d.pool, d.user.ID, []uuid.UUID{recipeID})
	if err != nil {
		return err
	}
	took := ran.FinishedAt.Sub(*ran.AttemptedAt)
	d.table("job\tkind\tstate\tattempts\tran in", []string{
		fmt.Sprintf("%d\t%s\t%s\t%d\t%v", ran.ID, ran.Kind, ran.State, ran.Attempt, took.Round(time.Millisecond)),
	})
	fmt.Fprintf(d.out, "   The recipe's cached nutrition, filled by the job: %.0f kcal per serving.\n", deref(recipes[0].EnergyKcalPerServing))
	return nil
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
