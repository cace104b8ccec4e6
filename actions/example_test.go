package actions_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/google/uuid"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
)

// These examples stop at validation, which runs before any statement, so
// they need no database; in an app, New takes the pool from db.Open.
func newActions() *actions.Actions {
	return actions.New(nil, actions.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
}

var user = uuid.MustParse("0190c6c2-1f41-7000-8000-000000000001")

// A Result marshals as it is: an HTTP handler can write it straight out.
func ExampleActions_AddPantryItems() {
	res := newActions().AddPantryItems(context.Background(), user, []actions.NewPantryItem{
		{FoodID: uuid.MustParse("0190c6c2-1f41-7000-8000-0000000000f0"), Quantity: 0, Unit: "cup"},
	})
	out, _ := json.MarshalIndent(res, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "success": false,
	//   "error": {
	//     "code": "invalid",
	//     "message": "items[0].quantity must be at least 0.01 (and 1 more)",
	//     "fields": {
	//       "items[0].quantity": "must be at least 0.01",
	//       "items[0].unit": "must be one of: g, ml, piece"
	//     }
	//   }
	// }
}

// Result.Err gives an error that errors.Is matches by code.
func ExampleActions_RegisterUsers() {
	res := newActions().RegisterUsers(context.Background(), []actions.NewUser{
		{Email: "ann@example.com", DisplayName: "Ann"},
		{Email: "ANN@example.com", DisplayName: "Ann again"},
	})
	if err := res.Err(); errors.Is(err, actions.ErrInvalid) {
		fmt.Println(res.Error.Fields["users[1].email"])
	}
	// Output: repeats users[0].email
}

// An empty batch is a no-op success: nothing is sent to the database.
func ExampleActions_CreateFoods() {
	res := newActions().CreateFoods(context.Background(), user, nil)
	fmt.Println(res.Success, len(res.Data))
	// Output: true 0
}

// Dates travel as text and are checked like everything else.
func ExampleActions_DailyTotals() {
	res := newActions().DailyTotals(context.Background(), user, actions.DateRange{From: "2026-11-30", To: "2026-11-01"})
	fmt.Println(res.Error)
	// Output: invalid: to must not be before from
}

// Every name of a batch is checked, each reported at its index.
func ExampleActions_CreateTags() {
	res := newActions().CreateTags(context.Background(), user, []string{"breakfast", "", "  "})
	fmt.Println(res.Error.Fields["names[1]"], "/", res.Error.Fields["names[2]"])
	// Output: is required / must not be blank
}

// Ingredients take their position from the list unless they give one; two
// at one place are invalid.
func ExampleActions_CreateRecipes() {
	food := uuid.MustParse("0190c6c2-1f41-7000-8000-0000000000f0")
	res := newActions().CreateRecipes(context.Background(), user, []actions.NewRecipe{{
		Title: "Porridge", Servings: 2,
		Ingredients: []actions.NewIngredient{{FoodID: food, Grams: 80}, {FoodID: food, Grams: 250, Position: 1}},
	}})
	fmt.Println(res.Error)
	// Output: invalid: recipes[0].ingredients[1].position repeats recipes[0].ingredients[0].position
}

// A JSON body decodes into an action's input with every value that does
// not fit its field reported at its path, as validation reports rules.
func ExampleDecode() {
	body := []byte(`[
		{"food_id": "0190c6c2-1f41-7000-8000-0000000000f0", "quantity": 500, "unit": "g"},
		{"food_id": "0190C6C2-1F41-7000-8000-0000000000F1", "quantity": 6, "unit": "piece"},
		{"food_id": "0190c6c2-1f41-7000-8000-0000000000f2", "quantity": "a lot", "unit": "g"},
		{"food_id": "f3", "quantity": 1, "unit": "g"}
	]`)
	var items []actions.NewPantryItem
	err := actions.Decode(body, "items", &items)
	var e *actions.Error
	if errors.As(err, &e) {
		for _, p := range []string{"items[2].quantity", "items[3].food_id"} {
			fmt.Printf("%s: %s\n", p, e.Fields[p])
		}
	}
	// Output:
	// items[2].quantity: must be a number
	// items[3].food_id: must be an id (a UUID)
}

// Ids are uuid.UUID: what a call returns goes straight into the next.
// The zero UUID where an id is required is invalid.
func ExampleActions_GetRecipes() {
	res := newActions().GetRecipes(context.Background(), user, []uuid.UUID{uuid.Nil})
	fmt.Println(res.Error)
	// Output: invalid: ids[0] is required
}

// With a read replica, the read-only actions read it; the writes, and
// every read of an action that writes, go to the primary. (Not run: it
// needs a primary and a replica.)
func ExampleWithReplica() {
	ctx := context.Background()
	pool, err := db.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	replica, err := db.OpenReplica(ctx, os.Getenv("REPLICA_URL")) // does not wait for it to answer
	if err != nil {
		log.Fatal(err)
	}
	defer replica.Close()
	acts := actions.New(pool, actions.WithReplica(replica))

	created := acts.CreateFoods(ctx, user, []actions.NewFood{{Name: "Oats", Kind: "whole", Category: "grain"}}) // the primary
	ids := []uuid.UUID{created.Data[0].ID}
	_ = acts.GetFoods(ctx, user, ids)                      // the replica, which may not have the food yet
	_ = acts.GetFoods(actions.FromPrimary(ctx), user, ids) // the primary, which has it
}
