package factories

import (
	"cmp"
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/larderhq/larder/db"
)

// MealEntryBuilder builds journal entries: by default a food eaten today
// at its meal's usual hour, 50 to 300 g of it. The user and the food
// (theirs) are created on demand, once per Create or CreateMany call,
// unless given.
type MealEntryBuilder struct {
	owner  *db.User
	food   *db.Food
	recipe *db.Recipe
	amount float64 // grams of food, or servings of recipe; 0: a default
	traits traits[mealSpec]
}

// mealSpec is an entry being built: the day and the exact time settle
// eaten_at once every trait has run, whatever their order.
type mealSpec struct {
	db.NewMealEntry
	day time.Time
	at  *time.Time
}

// MealEntry starts a journal entry.
func MealEntry() MealEntryBuilder { return MealEntryBuilder{} }

// mealHours are when each meal is eaten unless At says otherwise (UTC).
var mealHours = map[db.MealKind]time.Duration{
	db.MealKindBreakfast: 8 * time.Hour,
	db.MealKindLunch:     12*time.Hour + 30*time.Minute,
	db.MealKindSnack:     16 * time.Hour,
	db.MealKindDinner:    19 * time.Hour,
}

var meals = []db.MealKind{db.MealKindBreakfast, db.MealKindLunch, db.MealKindSnack, db.MealKindDinner}

func (b MealEntryBuilder) set(f func(*mealSpec)) MealEntryBuilder {
	b.traits = b.traits.with(func(m *mealSpec, _ *rand.Rand) { f(m) })
	return b
}

// OwnedBy puts the entry in user's journal.
func (b MealEntryBuilder) OwnedBy(user db.User) MealEntryBuilder {
	b.owner = &user
	return b
}

// OfFood makes the entry grams of food.
func (b MealEntryBuilder) OfFood(food db.Food, grams float64) MealEntryBuilder {
	b.food, b.recipe, b.amount = &food, nil, grams
	return b
}

// OfRecipe makes the entry servings of recipe.
func (b MealEntryBuilder) OfRecipe(recipe db.Recipe, servings float64) MealEntryBuilder {
	b.recipe, b.food, b.amount = &recipe, nil, servings
	return b
}

// On sets the day (its date, in UTC) the entry was eaten, at the meal's
// usual hour.
func (b MealEntryBuilder) On(day time.Time) MealEntryBuilder {
	return b.set(func(m *mealSpec) { m.day = dateOf(day) })
}

// At sets the exact time the entry was eaten.
func (b MealEntryBuilder) At(t time.Time) MealEntryBuilder {
	return b.set(func(m *mealSpec) { m.at = &t })
}

// Breakfast makes the entry breakfast.
func (b MealEntryBuilder) Breakfast() MealEntryBuilder { return b.meal(db.MealKindBreakfast) }

// Lunch makes the entry lunch.
func (b MealEntryBuilder) Lunch() MealEntryBuilder { return b.meal(db.MealKindLunch) }

// Dinner makes the entry dinner.
func (b MealEntryBuilder) Dinner() MealEntryBuilder { return b.meal(db.MealKindDinner) }

// Snack makes the entry a snack.
func (b MealEntryBuilder) Snack() MealEntryBuilder { return b.meal(db.MealKindSnack) }

func (b MealEntryBuilder) meal(kind db.MealKind) MealEntryBuilder {
	return b.set(func(m *mealSpec) { m.Meal = kind })
}

// Build returns an entry to insert; its owner, food and recipe ids are
// those given, or zero until Create makes them.
func (b MealEntryBuilder) Build() db.NewMealEntry {
	_, r := next()
	m := mealSpec{day: today()}
	m.Meal = meals[r.IntN(len(meals))]
	if b.owner != nil {
		m.OwnerID = b.owner.ID
	}
	switch {
	case b.recipe != nil:
		m.RecipeID, m.Servings = b.recipe.ID, cmp.Or(b.amount, 1)
	default:
		m.Grams = cmp.Or(b.amount, float64(50+10*r.IntN(26)))
		if b.food != nil {
			m.FoodID = b.food.ID
		}
	}
	b.traits.apply(&m, r)
	m.EatenAt = m.day.Add(mealHours[m.Meal])
	if m.at != nil {
		m.EatenAt = *m.at
	}
	return m.NewMealEntry
}

// BuildMany returns n entries to insert, each built as Build does.
func (b MealEntryBuilder) BuildMany(n int) []db.NewMealEntry {
	out := make([]db.NewMealEntry, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one entry (and its parents when not given).
func (b MealEntryBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.MealEntry, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n entries in one statement, after creating the user
// and the food they share when not given (one statement each).
func (b MealEntryBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.MealEntry, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.MealEntry, error) {
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		var food db.Food
		if b.recipe == nil {
			if food, err = foodOr(ctx, tx, b.food, owner); err != nil {
				return nil, err
			}
		}
		in := b.BuildMany(n)
		for i := range in {
			in[i].OwnerID = owner.ID
			if b.recipe == nil {
				in[i].FoodID = food.ID
			}
		}
		return db.InsertMealEntries(ctx, tx, in)
	})
}

// MustCreate is Create that fails the test on error.
func (b MealEntryBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.MealEntry {
	t.Helper()
	return must[db.MealEntry](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b MealEntryBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.MealEntry {
	t.Helper()
	return must[[]db.MealEntry](t)(b.CreateMany(t.Context(), dbtx, n))
}

// dateOf is t's date (in t's location) at midnight UTC.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
