package agents

import (
	"errors"
	"fmt"
	"strings"
)

// RecipeSuggester suggests recipes that use up a user's pantry, the items
// that expire soonest first. Its ingredients name the pantry's foods by
// id; an answer naming any other food is sent back
// (actions.SaveSuggestedRecipes saves a suggestion as a recipe).
var RecipeSuggester = Define(Spec[PantryForRecipes, RecipeSuggestions]{
	Name: "recipe-suggester",
	System: `You are a home cook who wastes nothing. Given what is in a pantry, the items that expire soonest
first, suggest recipes that use those items first. Use only the foods listed, naming each by its
food_id; assume water, salt, pepper and cooking oil are at hand and leave them out of the ingredients.
Give grams per ingredient for the whole recipe, and short numbered instructions.`,
	Prompt: `Suggest {{.Count}} recipe(s).{{if .Note}} Wishes: {{.Note}}.{{end}}
Pantry (food_id, name, amount, expires on):
{{range .Pantry}}- {{.FoodID}}, {{.Name}}, {{.Quantity}} {{.Unit}}{{if .ExpiresOn}}, {{.ExpiresOn}}{{end}}
{{end}}`,
	Check: checkSuggestions,
})

// PantryForRecipes is the recipe suggester's input.
type PantryForRecipes struct {
	Pantry []PantryFood `json:"pantry" validate:"required,min=1,max=100,dive"`
	Count  int          `json:"count" validate:"gte=1,lte=5"`
	Note   string       `json:"note,omitempty" validate:"text,max=500"`
}

// PantryFood is a pantry item as the suggester sees it.
type PantryFood struct {
	FoodID    string  `json:"food_id" validate:"required,id"`
	Name      string  `json:"name" validate:"required,text,max=200"`
	Quantity  float64 `json:"quantity" validate:"finite,gt=0"`
	Unit      string  `json:"unit" validate:"required,pantry_unit"`
	ExpiresOn string  `json:"expires_on,omitempty" validate:"omitempty,date"`
}

// RecipeSuggestions is the recipe suggester's output.
type RecipeSuggestions struct {
	Recipes []SuggestedRecipe `json:"recipes" validate:"required,min=1,max=5,dive"`
}

// SuggestedRecipe is one suggestion, in the shape of a recipe.
type SuggestedRecipe struct {
	Title        string                `json:"title" validate:"required,text,notblank,max=200"`
	Servings     int32                 `json:"servings" validate:"gte=1,lte=100"`
	Instructions string                `json:"instructions" validate:"required,text,notblank,max=20000"`
	Ingredients  []SuggestedIngredient `json:"ingredients" validate:"required,min=1,max=50,dive"`
}

// SuggestedIngredient is grams of a pantry food.
type SuggestedIngredient struct {
	FoodID string  `json:"food_id" validate:"required,id" desc:"the food_id of a pantry item"`
	Grams  float64 `json:"grams" validate:"finite,gte=0.01,lte=100000"`
}

// checkSuggestions: as many recipes as asked, made of the pantry's foods.
func checkSuggestions(in PantryForRecipes, out RecipeSuggestions) error {
	var reasons []string
	if len(out.Recipes) != in.Count {
		reasons = append(reasons, fmt.Sprintf("recipes: give exactly %d recipe(s), not %d", in.Count, len(out.Recipes)))
	}
	offered := map[string]bool{}
	for _, p := range in.Pantry {
		offered[strings.ToLower(p.FoodID)] = true
	}
	for i, r := range out.Recipes {
		for j, ing := range r.Ingredients {
			if !offered[strings.ToLower(ing.FoodID)] {
				reasons = append(reasons, fmt.Sprintf("recipes[%d].ingredients[%d].food_id: %s is not the food_id of a pantry item", i, j, ing.FoodID))
			}
		}
	}
	if len(reasons) > 0 {
		return errors.New(strings.Join(reasons, "; "))
	}
	return nil
}
