package actions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/internal/validation"
)

// noDB are actions without a database: every test here fails validation
// before any statement, or shows what happens when one is attempted.
func noDB() *Actions { return New(nil, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))) }

var actor = uuid.MustParse("0190c6c2-1f41-7000-8000-000000000001")

func validFood() NewFood {
	return NewFood{Name: "Oats", Kind: "whole", Category: "grain",
		Nutrients: db.Nutrients{EnergyKcal: 379, ProteinG: 13, FatG: 6.5, CarbsG: 67.7, FiberG: 10, SugarG: 1, SodiumMg: 6}}
}

func TestCreateFoodsRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*NewFood)
		field  string
		rule   string
	}{
		{"empty name", func(f *NewFood) { f.Name = "" }, "foods[1].name", "is required"},
		{"blank name", func(f *NewFood) { f.Name = " \t " }, "foods[1].name", "must not be blank"},
		{"name too long", func(f *NewFood) { f.Name = strings.Repeat("é", 201) }, "foods[1].name", "must be at most 200 characters long"},
		{"NUL byte", func(f *NewFood) { f.Name = "oa\x00ts" }, "foods[1].name", "must be valid UTF-8 without NUL bytes"},
		{"invalid UTF-8", func(f *NewFood) { f.Brand = "caf\xe9" }, "foods[1].brand", "must be valid UTF-8 without NUL bytes"},
		{"barcode with letters", func(f *NewFood) { f.Barcode = "40063813339XX" }, "foods[1].barcode", "must be 8 to 14 digits"},
		{"unknown kind", func(f *NewFood) { f.Kind = "raw" }, "foods[1].kind", "must be one of: whole, processed, ultra_processed"},
		{"missing category", func(f *NewFood) { f.Category = "" }, "foods[1].category", "is required"},
		{"negative fat", func(f *NewFood) { f.Nutrients.FatG = -1 }, "foods[1].nutrients.fat_g", "must be at least 0"},
		{"NaN protein", func(f *NewFood) { f.Nutrients.ProteinG = math.NaN() }, "foods[1].nutrients.protein_g", "must be a finite number"},
		{"infinite energy", func(f *NewFood) { f.Nutrients.EnergyKcal = math.Inf(1) }, "foods[1].nutrients.energy_kcal", "must be a finite number"},
		{"energy over 900", func(f *NewFood) { f.Nutrients.EnergyKcal = 901 }, "foods[1].nutrients.energy_kcal", "must be at most 900"},
		{"sugar over carbs", func(f *NewFood) { f.Nutrients.SugarG = 80 }, "foods[1].nutrients.sugar_g", "must not exceed carbs_g"},
		{"macros over 100", func(f *NewFood) { f.Nutrients.ProteinG = 40 }, "foods[1].nutrients.carbs_g", msg("macros")},
		{"blank tag", func(f *NewFood) { f.Tags = []string{"ok", " "} }, "foods[1].tags[1]", "must not be blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := validFood()
			tt.change(&bad)
			res := noDB().CreateFoods(context.Background(), actor, []NewFood{validFood(), bad})
			require.False(t, res.Success)
			require.ErrorIs(t, res.Err(), ErrInvalid)
			require.Equal(t, map[string]string{tt.field: tt.rule}, res.Error.Fields)
		})
	}
}

func TestBatchRules(t *testing.T) {
	t.Parallel()
	a := noDB()
	ctx := context.Background()

	empty := a.CreateFoods(ctx, actor, nil)
	require.True(t, empty.Success, "an empty batch is a no-op")
	require.Empty(t, empty.Data)

	huge := a.RegisterUsers(ctx, make([]NewUser, MaxBatch+1))
	require.ErrorIs(t, huge.Err(), ErrInvalid)
	require.Equal(t, "must have at most 10000 items, not 10001", huge.Error.Fields["users"])

	twice := a.RegisterUsers(ctx, []NewUser{{Email: "Ann@example.com", DisplayName: "Ann"}, {Email: "bo@example.com", DisplayName: "Bo"}, {Email: "ann@EXAMPLE.com", DisplayName: "Ann"}})
	require.Equal(t, map[string]string{"users[2].email": "repeats users[0].email"}, twice.Error.Fields)

	codes := a.CreateFoods(ctx, actor, []NewFood{withBarcode("4006381333931"), withBarcode("4006381333931")})
	require.Equal(t, map[string]string{"foods[1].barcode": "repeats foods[0].barcode"}, codes.Error.Fields)

	positions := a.CreateRecipes(ctx, actor, []NewRecipe{{Title: "Soup", Servings: 2, Ingredients: []NewIngredient{
		{FoodID: uuid.New(), Grams: 10}, {FoodID: uuid.New(), Grams: 10, Position: 1},
	}}})
	require.Equal(t, map[string]string{"recipes[0].ingredients[1].position": "repeats recipes[0].ingredients[0].position"}, positions.Error.Fields)
}

func withBarcode(code string) NewFood {
	f := validFood()
	f.Barcode = code
	return f
}

func TestIDsAndDates(t *testing.T) {
	t.Parallel()
	a := noDB()
	ctx := context.Background()
	tests := []struct {
		name  string
		give  NewPantryItem
		field string
		rule  string
	}{
		{"zero id", NewPantryItem{FoodID: uuid.Nil, Quantity: 1, Unit: "g"}, "items[0].food_id", "is required"},
		{"zero quantity", NewPantryItem{FoodID: uuid.New(), Quantity: 0, Unit: "g"}, "items[0].quantity", "must be at least 0.01"},
		{"unknown unit", NewPantryItem{FoodID: uuid.New(), Quantity: 1, Unit: "cup"}, "items[0].unit", "must be one of: g, ml, piece"},
		{"date out of range", NewPantryItem{FoodID: uuid.New(), Quantity: 1, Unit: "g", ExpiresOn: "1899-12-31"}, "items[0].expires_on", msg("date")},
		{"date not a date", NewPantryItem{FoodID: uuid.New(), Quantity: 1, Unit: "g", ExpiresOn: "2026-02-30"}, "items[0].expires_on", msg("date")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.AddPantryItems(ctx, actor, []NewPantryItem{tt.give})
			require.Equal(t, map[string]string{tt.field: tt.rule}, res.Error.Fields)
		})
	}
}

func TestMealEntryNeedsOneSource(t *testing.T) {
	t.Parallel()
	a := noDB()
	at := "2026-11-25T12:30:00+01:00"
	tests := []struct {
		name string
		give NewMealEntry
		want map[string]string
	}{
		{"neither", NewMealEntry{EatenAt: at, Meal: "lunch"}, map[string]string{"entries[0].food_id": msg("one_source")}},
		{"both", NewMealEntry{EatenAt: at, Meal: "lunch", FoodID: uuid.New(), Grams: 1, RecipeID: uuid.New(), Servings: 1},
			map[string]string{"entries[0].recipe_id": msg("one_source")}},
		{"a food without grams", NewMealEntry{EatenAt: at, Meal: "lunch", FoodID: uuid.New()}, map[string]string{"entries[0].grams": "is required"}},
		{"grams without a food", NewMealEntry{EatenAt: at, Meal: "lunch", Grams: 5}, map[string]string{"entries[0].food_id": "is required"}},
		{"a time that is not RFC 3339", NewMealEntry{EatenAt: "yesterday", Meal: "lunch", FoodID: uuid.New(), Grams: 5},
			map[string]string{"entries[0].eaten_at": msg("timestamp")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.LogMeals(context.Background(), actor, []NewMealEntry{tt.give})
			require.Equal(t, tt.want, res.Error.Fields)
		})
	}
}

func TestDateRangeRules(t *testing.T) {
	t.Parallel()
	a := noDB()
	tests := []struct {
		give DateRange
		want map[string]string
	}{
		{DateRange{From: "2026-11-25", To: "2026-11-24"}, map[string]string{"to": "must not be before from"}},
		{DateRange{From: "2026-01-01", To: "2027-01-03"}, map[string]string{"to": "must be at most 366 days after from"}},
		{DateRange{From: "2026-11-25", To: "2026-11-25", TimeZone: "Mars/Olympus"}, map[string]string{"time_zone": msg("timezone")}},
	}
	for _, tt := range tests {
		res := a.DailyTotals(context.Background(), actor, tt.give)
		require.Equal(t, tt.want, res.Error.Fields, "%+v", tt.give)
	}
}

func TestNoActingUserIsForbidden(t *testing.T) {
	t.Parallel()
	res := noDB().AddPantryItems(context.Background(), uuid.Nil, nil)
	require.ErrorIs(t, res.Err(), ErrForbidden)
}

// TestAPanicBecomesAnInternalError gives valid input to actions without a
// database: the nil pool panics, and the action still returns a Result.
func TestAPanicBecomesAnInternalError(t *testing.T) {
	t.Parallel()
	res := noDB().CreateFoods(context.Background(), actor, []NewFood{validFood()})
	require.False(t, res.Success)
	require.ErrorIs(t, res.Err(), ErrInternal)
	require.Equal(t, "internal error", res.Error.Message)
}

func TestResultJSON(t *testing.T) {
	t.Parallel()
	ok, err := json.Marshal(Result[[]int]{Success: true, Data: []int{1, 2}})
	require.NoError(t, err)
	require.JSONEq(t, `{"success": true, "data": [1, 2]}`, string(ok))

	res := noDB().AddPantryItems(context.Background(), actor, []NewPantryItem{{Quantity: -1, Unit: "g"}})
	failed, err := json.Marshal(res)
	require.NoError(t, err)
	require.JSONEq(t, `{"success": false, "error": {"code": "invalid",
		"message": "items[0].food_id is required (and 1 more)",
		"fields": {"items[0].food_id": "is required", "items[0].quantity": "must be at least 0.01"}}}`, string(failed))
}

func TestErrorsMatchByCode(t *testing.T) {
	t.Parallel()
	err := error(notFound("no such food"))
	require.ErrorIs(t, err, ErrNotFound)
	require.NotErrorIs(t, err, ErrConflict)
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, CodeNotFound, e.Code)
	require.EqualError(t, err, "not_found: no such food")
}

// msg is the message of one of the rules, from wherever it is defined.
func msg(tag string) string {
	if m, ok := ruleMessages[tag]; ok {
		return m
	}
	return validation.RuleMessage(tag)
}

// TestCreateAndChangeShareEachFieldsRule gives each field of a change
// (FoodChange...) the same values as the same field of its create input
// (NewFood...): both must accept, or reject with the same message at the
// same path.
func TestCreateAndChangeShareEachFieldsRule(t *testing.T) {
	t.Parallel()
	candidates := []any{
		"", " ", "\u3000", "\t\n", "a\x00b", "caf\xe9", "Acme", strings.Repeat("é", 101), strings.Repeat("x", 201),
		strings.Repeat("x", 20001), "4006381333931", "40063813339XX", "1234567", "2026-12-24", "2026-13-01", "1899-12-31",
		"g", "ml", "kg", "whole", "raw", "grain", "snacks", "me@example.com", "not an email",
		0.0, 0.001, 0.01, 1.0, -1.0, 1e6, 1e6 + 1, math.NaN(), math.Inf(1),
		int32(0), int32(1), int32(100), int32(101), int32(-1),
		db.Nutrients{EnergyKcal: 100, CarbsG: 10, SugarG: 20}, db.Nutrients{EnergyKcal: 901}, db.Nutrients{FatG: math.NaN()}, db.Nutrients{},
		[]NewIngredient{}, []NewIngredient{{FoodID: uuid.New(), Grams: 0}}, []NewIngredient{{FoodID: uuid.Nil, Grams: 10}},
		make([]NewIngredient, 1001),
	}
	t.Run("foods", func(t *testing.T) { sameRules[NewFood, FoodChange](t, validFood(), candidates) })
	t.Run("pantry items", func(t *testing.T) {
		sameRules[NewPantryItem, PantryItemChange](t, NewPantryItem{FoodID: uuid.New(), Quantity: 1, Unit: "g"}, candidates)
	})
	t.Run("recipes", func(t *testing.T) {
		sameRules[NewRecipe, RecipeChange](t, NewRecipe{Title: "Soup", Servings: 2}, candidates)
	})
	t.Run("users", func(t *testing.T) {
		sameRules[NewUser, ProfileChange](t, NewUser{Email: "me@example.com", DisplayName: "Me"}, candidates)
	})
}

// sameRules checks, for every field of Change but its id and every
// candidate value of the field's type, that New with the value in that
// field and Change setting it break the same rules there.
func sameRules[New, Change any](t *testing.T, valid New, candidates []any) {
	a := noDB()
	ct := reflect.TypeFor[Change]()
	for i := range ct.NumField() {
		field := ct.Field(i)
		if field.Name == "ID" {
			continue
		}
		require.Equal(t, reflect.Pointer, field.Type.Kind(), "%s.%s: a change's fields are pointers, nil to keep", ct.Name(), field.Name)
		require.Empty(t, field.Tag.Get("validate"), "%s.%s: its rule is the create input's", ct.Name(), field.Name)

		_, ok := reflect.TypeFor[New]().FieldByName(field.Name)
		require.True(t, ok, "%s.%s has no field of that name in the create input", ct.Name(), field.Name)
		tried := 0
		for _, value := range candidates {
			v := reflect.ValueOf(value)
			if v.Type() != field.Type.Elem() {
				continue
			}
			tried++
			create := valid
			reflect.ValueOf(&create).Elem().FieldByName(field.Name).Set(v)
			var change Change
			if id := reflect.ValueOf(&change).Elem().FieldByName("ID"); id.IsValid() {
				id.Set(reflect.ValueOf(uuid.New()))
			}
			p := reflect.New(v.Type())
			p.Elem().Set(v)
			reflect.ValueOf(&change).Elem().FieldByName(field.Name).Set(p)

			created, changed := fields{}, fields{}
			a.check(created, "x[0]", create)
			checkChange[New](a, changed, "x[0]", change)
			require.Equal(t, created, changed, "%s.%s = %#v", ct.Name(), field.Name, value)
		}
		require.NotZero(t, tried, "%s.%s: no candidate of type %s", ct.Name(), field.Name, field.Type.Elem())
	}
}

// TestBatchesOfIDs gives every action that takes a batch of ids the zero
// UUID, one id twice, too many ids and none, on actions without a
// database: the first three are invalid at their paths and the last is an
// empty success, all before any statement.
func TestBatchesOfIDs(t *testing.T) {
	t.Parallel()
	a := noDB()
	ctx := context.Background()
	calls := []struct {
		name string
		call func(ids []uuid.UUID) (any, *Error)
	}{
		{"GetFoods", func(ids []uuid.UUID) (any, *Error) { return outcome(a.GetFoods(ctx, actor, ids)) }},
		{"DeleteFoods", func(ids []uuid.UUID) (any, *Error) { return outcome(a.DeleteFoods(ctx, actor, ids)) }},
		{"DeleteTags", func(ids []uuid.UUID) (any, *Error) { return outcome(a.DeleteTags(ctx, actor, ids)) }},
		{"DeletePantryItems", func(ids []uuid.UUID) (any, *Error) { return outcome(a.DeletePantryItems(ctx, actor, ids)) }},
		{"GetRecipes", func(ids []uuid.UUID) (any, *Error) { return outcome(a.GetRecipes(ctx, actor, ids)) }},
		{"DeleteRecipes", func(ids []uuid.UUID) (any, *Error) { return outcome(a.DeleteRecipes(ctx, actor, ids)) }},
		{"RecipeNutrition", func(ids []uuid.UUID) (any, *Error) { return outcome(a.RecipeNutrition(ctx, actor, ids)) }},
		{"DeleteMealEntries", func(ids []uuid.UUID) (any, *Error) { return outcome(a.DeleteMealEntries(ctx, actor, ids)) }},
		{"GetUsers", func(ids []uuid.UUID) (any, *Error) { return outcome(a.GetUsers(ctx, actor, ids)) }},
		{"GetGenerations", func(ids []uuid.UUID) (any, *Error) { return outcome(a.GetGenerations(ctx, actor, ids)) }},
		{"CreateFoodsFromEstimates", func(ids []uuid.UUID) (any, *Error) { return outcome(a.CreateFoodsFromEstimates(ctx, actor, ids)) }},
		{"ApplySuggestedTags", func(ids []uuid.UUID) (any, *Error) { return outcome(a.ApplySuggestedTags(ctx, actor, ids)) }},
	}
	id := uuid.New()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			_, e := c.call([]uuid.UUID{id, uuid.Nil, id})
			require.Equal(t, map[string]string{"ids[1]": "is required", "ids[2]": "repeats ids[0]"}, e.Fields)
			_, e = c.call(make([]uuid.UUID, MaxBatch+1))
			require.Equal(t, "must have at most 10000 items, not 10001", e.Fields["ids"])
			data, e := c.call(nil)
			require.Nil(t, e, "no ids: a success without a database")
			out, err := json.Marshal(data)
			require.NoError(t, err)
			require.Equal(t, "[]", string(out))
		})
	}
}

// outcome is a result's data and error, whatever its type.
func outcome[T any](r Result[T]) (any, *Error) { return r.Data, r.Error }
