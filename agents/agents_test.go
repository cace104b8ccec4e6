package agents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
)

func TestLarderAgentsAreWellDefined(t *testing.T) {
	names := map[string]bool{}
	for _, a := range All() {
		if err := a.Err(); err != nil {
			t.Errorf("%s: %v", a.Name(), err)
		}
		if names[a.Name()] {
			t.Errorf("two agents named %s", a.Name())
		}
		names[a.Name()] = true
	}
	if _, err := NewRunner(nil, nil, All()); err != nil {
		t.Errorf("NewRunner: %v", err)
	}
}

type note struct {
	Text string `json:"text" validate:"required"`
}

func TestDefineReportsWhatCannotWork(t *testing.T) {
	tests := []struct {
		name string
		give interface{ Err() error }
		want string
	}{
		{"no name", Define(Spec[note, note]{Prompt: "x"}), "a name is 1 to 64"},
		{"bad name", Define(Spec[note, note]{Name: "has space"}), "a name is 1 to 64"},
		{"bad prompt", Define(Spec[note, note]{Name: "n", Prompt: "{{.Text"}), "prompt:"},
		{"output not a struct", Define(Spec[note, []note]{Name: "n"}), "the output must be a struct"},
		{"output without schema", Define(Spec[note, struct {
			M map[string]int `json:"m"`
		}]{Name: "n"}), "output:"},
		{"input not a struct", Define(Spec[string, note]{Name: "n"}), "the input must be a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.give.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Err() = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := NewRunner(nil, nil, []Definition{Define(Spec[note, note]{Name: "n", Prompt: "{{.Text"})}); err == nil {
		t.Error("NewRunner took a broken agent")
	}
	twice := Define(Spec[note, note]{Name: "n", Prompt: "{{.Text}}"})
	if _, err := NewRunner(nil, nil, []Definition{twice, twice}); err == nil || !strings.Contains(err.Error(), `two agents are named "n"`) {
		t.Errorf("NewRunner with one name twice: %v", err)
	}
}

func TestCompletionRendersThePromptFromTheInput(t *testing.T) {
	oats := uuid.NewString()
	input, _ := json.Marshal(PantryForRecipes{Count: 2, Note: "quick", Pantry: []PantryFood{
		{FoodID: oats, Name: "Oats", Quantity: 500, Unit: "g", ExpiresOn: "2026-12-01"},
		{FoodID: uuid.NewString(), Name: "Milk", Quantity: 1000, Unit: "ml"},
	}})
	c, err := RecipeSuggester.completion(input)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 || c.Messages[0].Role != RoleSystem || c.Messages[1].Role != RoleUser {
		t.Fatalf("messages %+v", c.Messages)
	}
	for _, want := range []string{"Suggest 2 recipe(s). Wishes: quick.", "- " + oats + ", Oats, 500 g, 2026-12-01\n", ", Milk, 1000 ml\n"} {
		if !strings.Contains(c.Messages[1].Content, want) {
			t.Errorf("prompt lacks %q:\n%s", want, c.Messages[1].Content)
		}
	}
	if c.SchemaName != "recipe-suggester" || c.Schema["type"] != "object" {
		t.Errorf("schema %q %v", c.SchemaName, c.Schema)
	}
	if _, err := RecipeSuggester.completion(json.RawMessage(`[]`)); err == nil {
		t.Error("an input that does not decode rendered")
	}
}

func TestParseChecksTheAnswer(t *testing.T) {
	oats := uuid.NewString()
	input, _ := json.Marshal(PantryForRecipes{Count: 1, Pantry: []PantryFood{{FoodID: oats, Name: "Oats", Quantity: 500, Unit: "g"}}})
	recipe := func(foodID string) string {
		return `{"recipes":[{"title":"Porridge","servings":2,"instructions":"1. Boil.","ingredients":[{"food_id":"` + foodID + `","grams":100}]}]}`
	}
	porridge := SuggestedRecipe{Title: "Porridge", Servings: 2, Instructions: "1. Boil.", Ingredients: []SuggestedIngredient{{FoodID: oats, Grams: 100}}}
	raw, _ := json.Marshal(RecipeSuggestions{Recipes: []SuggestedRecipe{porridge, porridge}})
	twoRecipes := string(raw)
	tests := []struct {
		name   string
		answer string
		want   string // in the reasons; "" for a good answer
	}{
		{"good", recipe(oats), ""},
		{"not JSON", `Here you go: {`, "not the JSON object the schema describes"},
		{"two values", recipe(oats) + recipe(oats), "more than one JSON value"},
		{"unknown field", `{"recipes":[],"extra":1}`, `unknown field "extra"`},
		{"broken rule", `{"recipes":[{"title":"","servings":0,"instructions":"x","ingredients":[{"food_id":"` + oats + `","grams":1}]}]}`, "recipes[0].servings: must be at least 1; recipes[0].title: is required"},
		{"foreign food", recipe(uuid.NewString()), "is not the food_id of a pantry item"},
		{"too many", twoRecipes, "give exactly 1 recipe(s), not 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := RecipeSuggester.parse(input, tt.answer)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := RecipeSuggester.Output(db.Generation{Agent: "recipe-suggester", Status: db.GenerationStatusSucceeded, Output: out})
				if got.Recipes[0].Ingredients[0].FoodID != oats {
					t.Errorf("output %s", out)
				}
				return
			}
			var bad *InvalidAnswerError
			if !errors.As(err, &bad) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want an InvalidAnswerError with %q", err, tt.want)
			}
		})
	}
}

func TestNutrientRulesHoldForEstimates(t *testing.T) {
	input, _ := json.Marshal(FoodDescription{Description: "a banana"})
	_, err := NutritionEstimator.parse(input, `{"name":"Banana","kind":"whole","category":"fruit","nutrients":{"energy_kcal":89,"protein_g":1.1,"fat_g":0.3,"carbs_g":22.8,"fiber_g":2.6,"sugar_g":30,"sodium_mg":1}}`)
	if err == nil || !strings.Contains(err.Error(), "nutrients.sugar_g: must not exceed carbs_g") {
		t.Errorf("err %v", err)
	}
	_, err = NutritionEstimator.parse(input, `{"name":"Banana","kind":"fresh","category":"fruit","nutrients":{"energy_kcal":89,"protein_g":1.1,"fat_g":0.3,"carbs_g":22.8,"fiber_g":2.6,"sugar_g":12.2,"sodium_mg":1}}`)
	if err == nil || !strings.Contains(err.Error(), "kind: must be one of: whole, processed, ultra_processed") {
		t.Errorf("err %v", err)
	}
}

func TestOutputOnlyOfASucceededGenerationOfTheAgent(t *testing.T) {
	g := db.Generation{Agent: "nutrition-estimator", Status: db.GenerationStatusPending}
	if _, err := NutritionEstimator.Output(g); !errors.Is(err, ErrNotSucceeded) {
		t.Errorf("pending: %v", err)
	}
	g.Agent = "auto-tagger"
	if _, err := NutritionEstimator.Output(g); err == nil || !strings.Contains(err.Error(), `is of agent "auto-tagger"`) {
		t.Errorf("another agent's: %v", err)
	}
}

func TestHasNUL(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"a":"x\u0000y"}`:   true,
		`{"a":"x\\u0000y"}`:  false, // the text \u0000
		`{"a":"x\\\u0000y"}`: true,  // a backslash, then NUL
		`{"a":"plain"}`:      false,
	} {
		if got := hasNUL([]byte(doc)); got != want {
			t.Errorf("hasNUL(%s) = %v, want %v", doc, got, want)
		}
	}
	input, _ := json.Marshal(FoodDescription{Description: "a banana"})
	_, err := NutritionEstimator.parse(input, `{"name":"Ban\u0000ana","kind":"whole","category":"fruit","nutrients":{"energy_kcal":89,"protein_g":1,"fat_g":0,"carbs_g":20,"fiber_g":2,"sugar_g":12,"sodium_mg":1}}`)
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("an answer with NUL: %v", err)
	}
}
