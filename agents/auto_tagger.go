package agents

import (
	"errors"
	"fmt"
	"strings"
)

// AutoTagger suggests tags for foods, reusing the user's tags where they
// fit (actions.ApplySuggestedTags puts them on the foods).
var AutoTagger = Define(Spec[FoodsToTag, FoodTags]{
	Name: "auto-tagger",
	System: `You organise a kitchen's food catalog with short tags, such as "breakfast", "vegan", "gluten-free",
"high-protein", "snack", "baking". Give each food up to five tags that would help find it. Prefer the
user's existing tags when they fit; write new tags in lower case, one or two words.`,
	Prompt: `{{if .Tags}}Existing tags: {{json .Tags}}
{{end}}Foods (food_id, name, brand, kind, category):
{{range .Foods}}- {{.FoodID}}, {{.Name}}, {{if .Brand}}{{.Brand}}{{else}}-{{end}}, {{.Kind}}, {{.Category}}
{{end}}`,
	Check: checkTags,
})

// FoodsToTag is the auto-tagger's input.
type FoodsToTag struct {
	Foods []FoodToTag `json:"foods" validate:"required,min=1,max=100,dive"`
	Tags  []string    `json:"tags,omitempty" validate:"max=1000,dive,text,max=50"`
}

// FoodToTag is a food as the auto-tagger sees it.
type FoodToTag struct {
	FoodID   string `json:"food_id" validate:"required,id"`
	Name     string `json:"name" validate:"required,text,max=200"`
	Brand    string `json:"brand,omitempty" validate:"text,max=100"`
	Kind     string `json:"kind" validate:"required,food_kind"`
	Category string `json:"category" validate:"required,food_category"`
}

// FoodTags is the auto-tagger's output.
type FoodTags struct {
	Foods []TaggedFood `json:"foods" validate:"required,max=100,dive"`
}

// TaggedFood is the tags for one food.
type TaggedFood struct {
	FoodID string   `json:"food_id" validate:"required,id" desc:"the food_id of a food given"`
	Tags   []string `json:"tags" validate:"max=5,dive,required,text,notblank,max=50"`
}

// checkTags: each food given, once.
func checkTags(in FoodsToTag, out FoodTags) error {
	given := map[string]bool{}
	for _, f := range in.Foods {
		given[strings.ToLower(f.FoodID)] = true
	}
	var reasons []string
	seen := map[string]bool{}
	for i, f := range out.Foods {
		id := strings.ToLower(f.FoodID)
		switch {
		case !given[id]:
			reasons = append(reasons, fmt.Sprintf("foods[%d].food_id: %s is not the food_id of a food given", i, f.FoodID))
		case seen[id]:
			reasons = append(reasons, fmt.Sprintf("foods[%d].food_id: %s is tagged twice; give each food once", i, f.FoodID))
		}
		seen[id] = true
	}
	if len(reasons) > 0 {
		return errors.New(strings.Join(reasons, "; "))
	}
	return nil
}
