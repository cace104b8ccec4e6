package integration

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/tests/testdb"
)

// FuzzFoodAndPantryInput sends arbitrary values through CreateFoods and
// AddPantryItems on a real database, the pantry item's food id as text
// through Decode. Whatever comes in, an action must end in success or in a
// code the caller can act on, and Decode in invalid at the food id: never
// a panic or a raw database error, which actions report as internal. A
// stored name must read back byte for byte.
//
//	go test -run '^$' -fuzz FuzzFoodAndPantryInput -fuzztime 60s ./tests/integration/
func FuzzFoodAndPantryInput(f *testing.F) {
	f.Add("Oats", "Acme", "4006381333931", "whole", "grain", 379.0, 13.2, 6.5, 67.7, 10.1, 1.0, 6.0, "", 500.0, "g", "2026-12-01")
	f.Add("", "", "", "", "", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, "", 0.0, "", "")
	f.Add("nul\x00byte", "caf\xe9", "123", "raw", "snacks", -1.0, 101.0, math.NaN(), math.Inf(1), 0.0, 50.0, 1e9, "not-a-uuid", -5.0, "cup", "2026-02-30")
	f.Add("🍜 مطبخ \"quoted\"; DROP TABLE foods;--", " ", "00000000", "ultra_processed", "sweet", 900.0, 0.0, 100.0, 0.0, 0.0, 0.0, 40000.0,
		"00000000-0000-0000-0000-000000000000", 1e6, "piece", "1899-12-31")
	f.Add("Tofu", "", "", "processed", "protein", 76.0, 8.1, 4.8, 1.9, 0.3, 0.6, 7.0, "{0190c6c2-1f41-7000-8000-000000000001}", 0.004, "ml", "2199-12-31")

	pool := testdb.New(f)
	acts := actions.New(pool, actions.WithLogger(testLogger(f)))
	user := factories.User().MustCreate(f, pool)

	f.Fuzz(func(t *testing.T, name, brand, barcode, kind, category string,
		energy, protein, fat, carbs, fiber, sugar, sodium float64,
		foodID string, quantity float64, unit, expires string,
	) {
		ctx := t.Context()
		foods := acts.CreateFoods(ctx, user.ID, []actions.NewFood{{
			Name: name, Brand: brand, Barcode: barcode, Kind: kind, Category: category,
			Nutrients: db.Nutrients{EnergyKcal: energy, ProteinG: protein, FatG: fat, CarbsG: carbs, FiberG: fiber, SugarG: sugar, SodiumMg: sodium},
		}})
		expectHandled(t, foods.Error, actions.CodeInvalid, actions.CodeConflict)
		if foods.Success && foods.Data[0].Name != name {
			t.Fatalf("name %q came back as %q", name, foods.Data[0].Name)
		}
		if foodID == "" && foods.Success {
			foodID = foods.Data[0].ID.String()
		}
		// The food id comes as a client sends it, in a JSON document.
		doc, err := json.Marshal([]map[string]string{{"food_id": foodID}})
		if err != nil {
			t.Fatal(err)
		}
		var in []actions.NewPantryItem
		if err := actions.Decode(doc, "items", &in); err != nil {
			var e *actions.Error
			if !errors.As(err, &e) || e.Code != actions.CodeInvalid || e.Fields["items[0].food_id"] == "" {
				t.Fatalf("food id %q: unexpected decode error %v", foodID, err)
			}
			return
		}
		in[0].Quantity, in[0].Unit, in[0].ExpiresOn = quantity, unit, expires
		items := acts.AddPantryItems(ctx, user.ID, in)
		expectHandled(t, items.Error, actions.CodeInvalid)
	})
}

// expectHandled fails the test unless err is nil or has one of codes.
func expectHandled(t *testing.T, err *actions.Error, codes ...actions.Code) {
	t.Helper()
	if err == nil {
		return
	}
	for _, c := range codes {
		if err.Code == c {
			return
		}
	}
	t.Fatalf("unexpected %s error: %v", err.Code, err)
}
