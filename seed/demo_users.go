package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
)

// demoUser is a demo user and what they get; foods are catalog names.
type demoUser struct {
	Email, Name string
	Pantry      []stock
	Tags        map[string][]string // tag name -> the foods it goes on
	Recipes     []dish
	Days        [2][]meal // alternate days' meals, for a week ending today
}

type stock struct {
	Food      string
	Quantity  float64
	Unit      string
	ExpiresIn int // days from today; 0: does not expire
}

type dish struct {
	Title, Instructions string
	Servings            int32
	Ingredients         []portion
}

type portion struct {
	Food  string
	Grams float64
}

// meal is a journal entry: Grams of Food, or Servings of the recipe
// titled Recipe.
type meal struct {
	At       string // HH:MM, UTC
	Meal     string
	Food     string
	Grams    float64
	Recipe   string
	Servings float64
}

// seed writes a new demo user's rows through the actions.
func (d demoUser) seed(ctx context.Context, acts *actions.Actions, user db.User, catalog map[string]db.Food, today time.Time, r *Report) error {
	id := func(name string) (uuid.UUID, error) {
		f, ok := catalog[strings.ToLower(name)]
		if !ok {
			return uuid.Nil, fmt.Errorf("the catalog has no food %q", name)
		}
		return f.ID, nil
	}
	me := user.ID

	items := make([]actions.NewPantryItem, len(d.Pantry))
	for i, s := range d.Pantry {
		foodID, err := id(s.Food)
		if err != nil {
			return err
		}
		items[i] = actions.NewPantryItem{FoodID: foodID, Quantity: s.Quantity, Unit: s.Unit}
		if s.ExpiresIn != 0 {
			items[i].ExpiresOn = today.AddDate(0, 0, s.ExpiresIn).Format(actions.DateLayout)
		}
	}
	added, err := result(acts.AddPantryItems(ctx, me, items), "stock the pantry")
	if err != nil {
		return err
	}
	r.PantryItems += len(added)

	var names []string
	var pairs []actions.FoodTag
	for name := range d.Tags {
		names = append(names, name)
	}
	tags, err := result(acts.CreateTags(ctx, me, names), "create tags")
	if err != nil {
		return err
	}
	for _, t := range tags {
		for _, food := range d.Tags[t.Name] {
			foodID, err := id(food)
			if err != nil {
				return err
			}
			pairs = append(pairs, actions.FoodTag{FoodID: foodID, TagID: t.ID})
		}
	}
	if _, err := result(acts.TagFoods(ctx, me, pairs), "tag foods"); err != nil {
		return err
	}
	r.Tags += len(tags)

	recipes := make([]actions.NewRecipe, len(d.Recipes))
	for i, rec := range d.Recipes {
		recipes[i] = actions.NewRecipe{Title: rec.Title, Servings: rec.Servings, Instructions: rec.Instructions}
		for _, p := range rec.Ingredients {
			foodID, err := id(p.Food)
			if err != nil {
				return err
			}
			recipes[i].Ingredients = append(recipes[i].Ingredients, actions.NewIngredient{FoodID: foodID, Grams: p.Grams})
		}
	}
	made, err := result(acts.CreateRecipes(ctx, me, recipes), "create recipes")
	if err != nil {
		return err
	}
	r.Recipes += len(made)
	recipeID := map[string]uuid.UUID{}
	for _, m := range made {
		recipeID[m.Title] = m.ID
	}

	var entries []actions.NewMealEntry
	for back := 6; back >= 0; back-- {
		day := today.AddDate(0, 0, -back)
		for _, m := range d.Days[back%2] {
			at, err := time.Parse("15:04", m.At)
			if err != nil {
				return err
			}
			e := actions.NewMealEntry{
				Meal:    m.Meal,
				EatenAt: time.Date(day.Year(), day.Month(), day.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC).Format(actions.TimeLayout),
			}
			if m.Recipe != "" {
				rid, ok := recipeID[m.Recipe]
				if !ok {
					return fmt.Errorf("no recipe %q", m.Recipe)
				}
				e.RecipeID, e.Servings = rid, m.Servings
			} else {
				if e.FoodID, err = id(m.Food); err != nil {
					return err
				}
				e.Grams = m.Grams
			}
			entries = append(entries, e)
		}
	}
	logged, err := result(acts.LogMeals(ctx, me, entries), "log meals")
	if err != nil {
		return err
	}
	r.MealEntries += len(logged)
	return nil
}

// demoUsers are the demo users seed adds.
var demoUsers = []demoUser{
	{
		Email: "ada@seed.larder.example", Name: "Ada Okafor",
		Pantry: []stock{
			{"Milk, whole", 1000, "ml", 3}, {"Eggs, whole, raw", 12, "piece", 12}, {"Oats, rolled, dry", 1000, "g", 0},
			{"Banana", 6, "piece", 4}, {"Spinach, raw", 200, "g", 2}, {"Chicken breast, raw", 500, "g", 1},
			{"Rice, brown, cooked", 400, "g", 3}, {"Apple", 5, "piece", 14}, {"Yogurt, Greek, plain", 500, "g", 6},
			{"Olive oil", 500, "ml", 0},
		},
		Tags: map[string][]string{
			"breakfast":     {"Oats, rolled, dry", "Milk, whole", "Banana", "Yogurt, Greek, plain"},
			"high-protein":  {"Chicken breast, raw", "Eggs, whole, raw", "Yogurt, Greek, plain"},
			"pantry staple": {"Oats, rolled, dry", "Olive oil"},
		},
		Recipes: []dish{
			{Title: "Overnight oats", Servings: 2, Instructions: "1. Stir the oats into the milk.\n2. Leave overnight.\n3. Top with sliced banana.",
				Ingredients: []portion{{"Oats, rolled, dry", 80}, {"Milk, whole", 250}, {"Banana", 120}}},
			{Title: "Chicken, rice and spinach", Servings: 2, Instructions: "1. Pan-fry the chicken in the oil.\n2. Wilt the spinach.\n3. Serve on the rice.",
				Ingredients: []portion{{"Chicken breast, raw", 300}, {"Rice, brown, cooked", 300}, {"Spinach, raw", 100}, {"Olive oil", 10}}},
		},
		Days: [2][]meal{
			{{At: "07:30", Meal: "breakfast", Recipe: "Overnight oats", Servings: 1}, {At: "12:30", Meal: "lunch", Recipe: "Chicken, rice and spinach", Servings: 1},
				{At: "16:00", Meal: "snack", Food: "Apple", Grams: 180}, {At: "19:30", Meal: "dinner", Food: "Eggs, whole, raw", Grams: 120}},
			{{At: "08:00", Meal: "breakfast", Food: "Yogurt, Greek, plain", Grams: 200}, {At: "13:00", Meal: "lunch", Recipe: "Chicken, rice and spinach", Servings: 1},
				{At: "19:00", Meal: "dinner", Recipe: "Overnight oats", Servings: 1}},
		},
	},
	{
		Email: "ben@seed.larder.example", Name: "Ben Larsen",
		Pantry: []stock{
			{"Bread, whole wheat", 600, "g", 4}, {"Peanut butter", 340, "g", 0}, {"Lentils, dry", 1000, "g", 0},
			{"Tomatoes, raw", 6, "piece", 5}, {"Onions, raw", 4, "piece", 20}, {"Carrots, raw", 500, "g", 10},
			{"Cheddar cheese", 250, "g", 21}, {"Orange juice", 1000, "ml", 5}, {"Pasta, dry", 500, "g", 0},
		},
		Tags: map[string][]string{
			"vegetarian": {"Lentils, dry", "Tomatoes, raw", "Onions, raw", "Carrots, raw", "Cheddar cheese"},
			"quick":      {"Bread, whole wheat", "Peanut butter", "Pasta, dry"},
		},
		Recipes: []dish{
			{Title: "Lentil and tomato soup", Servings: 4, Instructions: "1. Soften the onion and carrot.\n2. Add lentils, tomatoes and water.\n3. Simmer 30 minutes.",
				Ingredients: []portion{{"Lentils, dry", 250}, {"Tomatoes, raw", 400}, {"Onions, raw", 150}, {"Carrots, raw", 150}}},
			{Title: "Tomato pasta with cheddar", Servings: 2, Instructions: "1. Boil the pasta.\n2. Cook the tomatoes down.\n3. Toss and grate the cheese over.",
				Ingredients: []portion{{"Pasta, dry", 200}, {"Tomatoes, raw", 300}, {"Cheddar cheese", 40}}},
		},
		Days: [2][]meal{
			{{At: "07:00", Meal: "breakfast", Food: "Bread, whole wheat", Grams: 80}, {At: "07:05", Meal: "breakfast", Food: "Peanut butter", Grams: 30},
				{At: "12:00", Meal: "lunch", Recipe: "Lentil and tomato soup", Servings: 1}, {At: "18:30", Meal: "dinner", Recipe: "Tomato pasta with cheddar", Servings: 1}},
			{{At: "07:30", Meal: "breakfast", Food: "Orange juice", Grams: 250}, {At: "12:30", Meal: "lunch", Recipe: "Lentil and tomato soup", Servings: 1},
				{At: "19:00", Meal: "dinner", Recipe: "Tomato pasta with cheddar", Servings: 1}, {At: "21:00", Meal: "snack", Food: "Carrots, raw", Grams: 100}},
		},
	},
	{
		Email: "chloe@seed.larder.example", Name: "Chloé Martin",
		Pantry: []stock{
			{"Salmon, Atlantic, raw", 400, "g", 2}, {"Broccoli, raw", 500, "g", 5}, {"Potatoes, raw", 1500, "g", 25},
			{"Butter, salted", 250, "g", 30}, {"Almonds", 200, "g", 0}, {"Blueberries", 250, "g", 3},
			{"Avocado", 3, "piece", 4}, {"Coffee, brewed", 1000, "ml", 1},
		},
		Tags: map[string][]string{
			"omega-3": {"Salmon, Atlantic, raw"},
			"snack":   {"Almonds", "Blueberries"},
		},
		Recipes: []dish{
			{Title: "Salmon, potatoes and broccoli", Servings: 2, Instructions: "1. Roast the potatoes.\n2. Bake the salmon 12 minutes.\n3. Steam the broccoli; finish with butter.",
				Ingredients: []portion{{"Salmon, Atlantic, raw", 300}, {"Potatoes, raw", 400}, {"Broccoli, raw", 250}, {"Butter, salted", 15}}},
		},
		Days: [2][]meal{
			{{At: "08:00", Meal: "breakfast", Food: "Blueberries", Grams: 100}, {At: "08:05", Meal: "breakfast", Food: "Coffee, brewed", Grams: 240},
				{At: "13:00", Meal: "lunch", Food: "Avocado", Grams: 150}, {At: "20:00", Meal: "dinner", Recipe: "Salmon, potatoes and broccoli", Servings: 1}},
			{{At: "08:30", Meal: "breakfast", Food: "Coffee, brewed", Grams: 240}, {At: "11:00", Meal: "snack", Food: "Almonds", Grams: 30},
				{At: "20:00", Meal: "dinner", Recipe: "Salmon, potatoes and broccoli", Servings: 1}},
		},
	},
}
