package factories

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// MealEntryBuilder builds journal entries: grams of a food at a meal
// today, at the meal's usual hour. The user, and the food (theirs), are
// created on demand unless given; OfRecipe logs servings of a recipe
// instead.
type MealEntryBuilder struct {
	Factory[db.NewMealEntry, db.MealEntry]
}

// MealEntry starts a journal entry.
func MealEntry() MealEntryBuilder {
	return MealEntryBuilder{New(func(s Seq) db.NewMealEntry {
		meal := meals[s.Rand.IntN(len(meals))]
		return db.NewMealEntry{Meal: meal, EatenAt: today().Add(mealHours[meal]),
			MealSource: db.MealSource{Grams: ptrTo(float64(50 + 10*s.Rand.IntN(26)))}}
	}, db.InsertMealEntries).
		WithParent(Parent(func(m *db.NewMealEntry) *uuid.UUID { return &m.OwnerID }, NewUser)).
		WithParent(func(ctx context.Context, tx many.DBTX, in []db.NewMealEntry) error {
			var food *db.Food
			for i := range in {
				if m := &in[i]; m.FoodID == nil && m.RecipeID == nil {
					if food == nil {
						f, err := Food().OwnedBy(db.User{ID: m.OwnerID}).Create(ctx, tx)
						if err != nil {
							return err
						}
						food = &f
					}
					m.FoodID = &food.ID
				}
			}
			return nil
		})}
}

// mealHours are the hours entries of each meal are eaten at by default.
var mealHours = map[db.MealKind]time.Duration{
	db.MealKindBreakfast: 8 * time.Hour,
	db.MealKindLunch:     12*time.Hour + 30*time.Minute,
	db.MealKindSnack:     16 * time.Hour,
	db.MealKindDinner:    19 * time.Hour,
}

var meals = []db.MealKind{db.MealKindBreakfast, db.MealKindLunch, db.MealKindSnack, db.MealKindDinner}

func (b MealEntryBuilder) set(change func(*db.NewMealEntry)) MealEntryBuilder {
	return MealEntryBuilder{b.Set(change)}
}

// OwnedBy puts the entry in user's journal.
func (b MealEntryBuilder) OwnedBy(user db.User) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) { m.OwnerID = user.ID })
}

// OfFood logs grams of food.
func (b MealEntryBuilder) OfFood(food db.Food, grams float64) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) { m.MealSource = db.MealSource{FoodID: &food.ID, Grams: &grams} })
}

// OfRecipe logs servings of recipe.
func (b MealEntryBuilder) OfRecipe(recipe db.Recipe, servings float64) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) { m.MealSource = db.MealSource{RecipeID: &recipe.ID, Servings: &servings} })
}

// On logs the entry on day, at its meal's hour.
func (b MealEntryBuilder) On(day time.Time) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) { m.EatenAt = dateOf(day).Add(hourOf(m.EatenAt)) })
}

// At logs the entry at t exactly, whatever its meal.
func (b MealEntryBuilder) At(t time.Time) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) { m.EatenAt = t })
}

// Breakfast, Lunch, Dinner and Snack set the meal, and move the entry to
// that meal's hour unless At gave it a time of its own.
func (b MealEntryBuilder) Breakfast() MealEntryBuilder { return b.meal(db.MealKindBreakfast) }
func (b MealEntryBuilder) Lunch() MealEntryBuilder     { return b.meal(db.MealKindLunch) }
func (b MealEntryBuilder) Dinner() MealEntryBuilder    { return b.meal(db.MealKindDinner) }
func (b MealEntryBuilder) Snack() MealEntryBuilder     { return b.meal(db.MealKindSnack) }

func (b MealEntryBuilder) meal(kind db.MealKind) MealEntryBuilder {
	return b.set(func(m *db.NewMealEntry) {
		if hourOf(m.EatenAt) == mealHours[m.Meal] {
			m.EatenAt = dateOf(m.EatenAt).Add(mealHours[kind])
		}
		m.Meal = kind
	})
}

// hourOf is the time of day of t, in UTC.
func hourOf(t time.Time) time.Duration { return t.UTC().Sub(dateOf(t.UTC())) }
