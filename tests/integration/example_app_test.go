package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/internal/pgserver"
	"github.com/larderhq/larder/jobs"
)

// Example_useLarderInYourApp is README.md's "Use Larder in your app", run
// against a database of its own: migrations beside an app's, a pool,
// actions and their Results, and the worker in-process.
func Example_useLarderInYourApp() {
	ctx := context.Background()
	url, drop := exampleDatabase(ctx) // an app reads its DATABASE_URL
	defer drop()

	// Larder's migrations, recorded in a table of their own, so that the
	// app's dbmate history (schema_migrations) stays its own.
	if err := migrate.Up(url, migrate.Options{Table: "larder_migrations"}); err != nil {
		fmt.Println(err)
		return
	}

	// A pool set up for Larder, and the actions on it.
	pool, err := db.Open(ctx, url)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	acts := actions.New(pool)

	// Every action returns a Result: the rows, or an *Error with a code.
	users := acts.RegisterUsers(ctx, []actions.NewUser{{Email: "ada@example.com", DisplayName: "Ada"}})
	if !users.Success {
		fmt.Println(users.Error)
		return
	}
	ada := users.Data[0].ID
	foods := acts.CreateFoods(ctx, ada, []actions.NewFood{
		{Name: "Oats", Kind: "whole", Category: "grain", Nutrients: db.Nutrients{EnergyKcal: 379, ProteinG: 13.2, FatG: 6.5, CarbsG: 67.7, FiberG: 10.1}},
	})
	fmt.Println("created", foods.Data[0].Name)

	// Ids go back as they came: uuid.UUID.
	oats := foods.Data[0].ID
	added := acts.AddPantryItems(ctx, ada, []actions.NewPantryItem{{FoodID: oats, Quantity: 500, Unit: "g"}})
	fmt.Println("pantry", added.Success, added.Data[0].Quantity, added.Data[0].Unit)

	// A failure says what, where, and which HTTP status fits it.
	bad := acts.AddPantryItems(ctx, ada, []actions.NewPantryItem{{FoodID: oats, Quantity: -1, Unit: "g"}})
	fmt.Println(bad.Error.Code, bad.Error.Code.HTTPStatus(), bad.Error.Fields)
	missing := acts.GetFoods(ctx, ada, []uuid.UUID{uuid.New()})
	fmt.Println(missing.Error.Code, missing.Error.Code.HTTPStatus(), errors.Is(missing.Err(), actions.ErrNotFound))

	// JSON from a client: a value that does not fit is reported at its path.
	var in []actions.NewPantryItem
	err = actions.Decode([]byte(`[{"food_id": "not-an-id", "quantity": 1, "unit": "g"}]`), "items", &in)
	fmt.Println(err)

	// The worker, in-process: Larder's jobs and the app's own.
	reg := jobs.NewRegistry()
	acts.RegisterJobs(reg)
	greeted := make(chan string, 1)
	jobs.Handle(reg, "app.greet", func(_ context.Context, job jobs.Job[string]) error {
		greeted <- job.Payload
		return nil
	})
	worker, err := jobs.NewWorker(pool, reg, jobs.Config{Periodic: acts.PeriodicJobs()})
	if err != nil {
		fmt.Println(err)
		return
	}
	run, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- worker.Run(run) }()
	if _, err := jobs.NewClient().Job("app.greet").Payload("Ada").Enqueue(ctx, pool); err != nil {
		fmt.Println(err)
	}
	select {
	case name := <-greeted:
		fmt.Println("greeted", name)
	case <-time.After(30 * time.Second):
		fmt.Println("the job did not run")
	}
	stop()
	fmt.Println("worker stopped:", <-stopped)
	// Output:
	// created Oats
	// pantry true 500 g
	// invalid 422 map[items[0].quantity:must be at least 0.01]
	// not_found 404 true
	// invalid: items[0].food_id must be an id (a UUID)
	// greeted Ada
	// worker stopped: <nil>
}

// exampleDatabase makes an empty database for an example on the tests'
// server and returns its URL and the function that drops it.
func exampleDatabase(ctx context.Context) (string, func()) {
	server, err := pgserver.URL(ctx)
	if err != nil {
		panic(err)
	}
	name := "larder_example_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	url, err := pgserver.EnsureDatabase(ctx, server, name)
	if err != nil {
		panic(err)
	}
	return url, func() {
		if err := pgserver.DropDatabase(context.Background(), server, name); err != nil {
			panic(err)
		}
	}
}
