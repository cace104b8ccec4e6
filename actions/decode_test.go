package actions

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
)

const (
	oatsID = "0190c6c2-1f41-7000-8000-0000000000f0"
	milkID = "0190c6c2-1f41-7000-8000-0000000000f1"
)

// TestDecodeReportsEachValueAtItsPath decodes documents into actions'
// inputs: every value that does not fit its field is invalid at its
// path, in validation's syntax, and nothing else is reported.
func TestDecodeReportsEachValueAtItsPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		root string
		into func() any
		want map[string]string
	}{
		{"a bad id at depth", `[{"title": "Soup", "servings": 2, "ingredients": [{"food_id": "` + oatsID + `", "grams": 1}, {"food_id": "oats", "grams": 2}]}]`,
			"recipes", into[[]NewRecipe], map[string]string{"recipes[0].ingredients[1].food_id": mustBeID}},
		{"a bad id behind a pointer", `[{"id": "` + oatsID + `", "ingredients": [{"food_id": 7}]}]`,
			"recipes", into[[]RecipeChange], map[string]string{"recipes[0].ingredients[0].food_id": mustBeID}},
		{"ids in a batch of ids", `["` + oatsID + `", "` + strings.ToUpper(milkID) + `", "x", 5, "", "{` + milkID + `}", "` + strings.ReplaceAll(milkID, "-", "") + `"]`,
			"ids", into[[]uuid.UUID], map[string]string{"ids[2]": mustBeID, "ids[3]": mustBeID, "ids[4]": mustBeID, "ids[5]": mustBeID, "ids[6]": mustBeID}},
		{"ids in a list field", `[{"food_ids": ["` + oatsID + `", true]}]`,
			"requests", into[[]TagSuggestionRequest], map[string]string{"requests[0].food_ids[1]": mustBeID}},
		{"an optional id", `{"tag_id": "none"}`, "", into[FoodSearch], map[string]string{"tag_id": mustBeID}},
		{"a string for a number", `[{"food_id": "` + oatsID + `", "quantity": "500", "unit": "g"}]`,
			"items", into[[]NewPantryItem], map[string]string{"items[0].quantity": mustBeNumber}},
		{"a number for a string", `[{"food_id": "` + oatsID + `", "quantity": 500, "unit": 1}]`,
			"items", into[[]NewPantryItem], map[string]string{"items[0].unit": mustBeString}},
		{"a fraction for a whole number", `[{"title": "Soup", "servings": 1.5}]`,
			"recipes", into[[]NewRecipe], map[string]string{"recipes[0].servings": mustBeWhole}},
		{"a whole number out of its range", `[{"title": "Soup", "servings": 3000000000}]`,
			"recipes", into[[]NewRecipe], map[string]string{"recipes[0].servings": "must be a whole number from -2147483648 to 2147483647"}},
		{"a number out of range", `[{"food_id": "` + oatsID + `", "quantity": 1e400}]`,
			"items", into[[]NewPantryItem], map[string]string{"items[0].quantity": "is out of range"}},
		{"a string for a pointer to a number", `{"expiring_within_days": "3"}`,
			"", into[PantrySearch], map[string]string{"expiring_within_days": mustBeNumber}},
		{"a list for an object", `[{"name": "Oats", "nutrients": [1, 2]}]`,
			"foods", into[[]NewFood], map[string]string{"foods[0].nutrients": mustBeObject}},
		{"a string for a list", `[{"name": "Oats", "tags": "breakfast"}]`,
			"foods", into[[]NewFood], map[string]string{"foods[0].tags": mustBeList}},
		{"a number in a list of strings", `[{"name": "Oats", "tags": ["breakfast", 2]}]`,
			"foods", into[[]NewFood], map[string]string{"foods[0].tags[1]": mustBeString}},
		{"a field the input does not have", `[{"fod_id": "` + oatsID + `", "quantity": 1, "unit": "g"}]`,
			"items", into[[]NewPantryItem], map[string]string{"items[0].fod_id": notAField}},
		{"a field below a field", `[{"name": "Oats", "nutrients": {"energy_kcal": 1, "vitamin_c": 2}}]`,
			"foods", into[[]NewFood], map[string]string{"foods[0].nutrients.vitamin_c": notAField}},
		{"an object for a batch", `{"food_id": "` + oatsID + `"}`, "items", into[[]NewPantryItem], map[string]string{"items": mustBeList}},
		{"a scalar for an element", `[1, null, "x"]`, "items", into[[]NewPantryItem], map[string]string{"items[0]": mustBeObject, "items[2]": mustBeObject}},
		{"not JSON", `[{"food_id": }]`, "items", into[[]NewPantryItem], map[string]string{"items": notJSON}},
		{"nothing", ``, "ids", into[[]uuid.UUID], map[string]string{"ids": notJSON}},
		{"two documents", `[] []`, "ids", into[[]uuid.UUID], map[string]string{"ids": notJSON}},
		{"every misfit at once", `[{"food_id": "x", "quantity": "y", "unit": 3, "expires_on": false, "extra": 1}]`, "items", into[[]NewPantryItem], map[string]string{
			"items[0].food_id": mustBeID, "items[0].quantity": mustBeNumber, "items[0].unit": mustBeString,
			"items[0].expires_on": mustBeString, "items[0].extra": notAField,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode([]byte(tt.give), tt.root, tt.into())
			require.ErrorIs(t, err, ErrInvalid)
			require.Equal(t, tt.want, err.(*Error).Fields)
		})
	}
}

func into[T any]() any { return new(T) }

func TestDecodeReadsWhatFits(t *testing.T) {
	t.Parallel()
	oats, milk := uuid.MustParse(oatsID), uuid.MustParse(milkID)
	var items []NewPantryItem
	require.NoError(t, Decode([]byte(`[
		{"food_id": "`+oatsID+`", "quantity": 500, "unit": "g", "expires_on": "2026-12-24"},
		{"FOOD_ID": "`+strings.ToUpper(milkID)+`", "Quantity": 1.5, "unit": "ml", "expires_on": null}
	]`), "items", &items))
	require.Equal(t, []NewPantryItem{
		{FoodID: oats, Quantity: 500, Unit: "g", ExpiresOn: "2026-12-24"},
		{FoodID: milk, Quantity: 1.5, Unit: "ml"},
	}, items, "names match regardless of case, as encoding/json matches them; ids in either case")

	var entries []NewMealEntry
	require.NoError(t, Decode([]byte(`[{"eaten_at": "2026-11-25T12:00:00Z", "meal": "lunch", "recipe_id": "`+oatsID+`", "food_id": null, "servings": 1}]`), "entries", &entries))
	require.Equal(t, []NewMealEntry{{EatenAt: "2026-11-25T12:00:00Z", Meal: "lunch", RecipeID: oats, Servings: 1}}, entries, "a null id is none")

	var search PantrySearch
	require.NoError(t, Decode([]byte(`{"expiring_within_days": 3, "limit": 10}`), "", &search))
	require.Equal(t, 3, *search.ExpiringWithinDays)

	var foods []NewFood
	require.NoError(t, Decode([]byte(`[{"name": "Oats", "kind": "whole", "category": "grain", "nutrients": {"energy_kcal": 379.5}, "tags": ["a"]}]`), "foods", &foods))
	require.Equal(t, []NewFood{{Name: "Oats", Kind: "whole", Category: "grain", Nutrients: db.Nutrients{EnergyKcal: 379.5}, Tags: []string{"a"}}}, foods)

	var ids []uuid.UUID
	require.NoError(t, Decode([]byte(`null`), "ids", &ids))
	require.Nil(t, ids, "null is an empty batch")
}

// TestDecodeOfTheDocumentItself: with root "", the input's fields are
// paths of their own, and a document that is not even the input's shape
// has none to be reported at.
func TestDecodeOfTheDocumentItself(t *testing.T) {
	t.Parallel()
	var search FoodSearch
	err := Decode([]byte(`["oats"]`), "", &search)
	require.ErrorIs(t, err, ErrInvalid)
	require.Equal(t, "invalid: the input must be an object", err.Error())
	require.Empty(t, err.(*Error).Fields)

	err = Decode([]byte(`{`), "", &search)
	require.Equal(t, "invalid: the input must be valid JSON", err.Error())

	err = Decode([]byte(`[]`), "ids", []uuid.UUID{})
	require.ErrorIs(t, err, ErrInternal, "a value, not a pointer, is the caller's mistake")
}

// TestDecodeFollowsEncodingJSONsFieldRules: embedded structs' fields are
// promoted, the shallowest field of a name wins, "-" fields are no
// fields.
func TestDecodeFollowsEncodingJSONsFieldRules(t *testing.T) {
	t.Parallel()
	type inner struct {
		A string `json:"a"`
		B int    `json:"b"`
	}
	type outer struct {
		inner
		B      string `json:"b"`
		Hidden string `json:"-"`
		Plain  bool
	}
	var v outer
	require.NoError(t, Decode([]byte(`{"a": "x", "b": "y", "plain": true}`), "", &v))
	require.Equal(t, outer{inner: inner{A: "x"}, B: "y", Plain: true}, v)
	err := Decode([]byte(`{"a": 1, "b": 2, "Hidden": "h"}`), "", &v)
	require.Equal(t, map[string]string{"a": mustBeString, "b": mustBeString, "Hidden": notAField}, err.(*Error).Fields)
}

// TestDecodedIDsKeepTheirRules: a decoded batch goes to its action, which
// checks it as any other: an id in two spellings is one id named twice,
// the nil UUID where an id is required is required.
func TestDecodedIDsKeepTheirRules(t *testing.T) {
	t.Parallel()
	var ids []uuid.UUID
	require.NoError(t, Decode([]byte(`["`+oatsID+`", "`+strings.ToUpper(oatsID)+`", "`+uuid.Nil.String()+`"]`), "ids", &ids))
	res := noDB().DeleteFoods(context.Background(), actor, ids)
	require.Equal(t, map[string]string{"ids[1]": "repeats ids[0]", "ids[2]": "is required"}, res.Error.Fields)
}

// FuzzDecode: whatever the document, Decode returns nil or an invalid
// *Error, and what it accepts encoding/json decodes alike.
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 30s ./actions/
func FuzzDecode(f *testing.F) {
	f.Add(`[{"food_id": "` + oatsID + `", "quantity": 1, "unit": "g"}]`)
	f.Add(`[{"food_id": 1, "quantity": "x", "extra": null}, 3, "s", []]`)
	f.Add(`{"food_id": "` + oatsID + `"}`)
	f.Add(`[{"FOOD_ID": "` + strings.ToUpper(oatsID) + `", "Quantity": 1e400}]`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, doc string) {
		var got []NewPantryItem
		err := Decode([]byte(doc), "items", &got)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != CodeInvalid {
				t.Fatalf("%q: %v", doc, err)
			}
			return
		}
		var want []NewPantryItem
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatalf("%q: Decode accepted what encoding/json refuses: %v", doc, err)
		}
		require.Equal(t, want, got)
	})
}
