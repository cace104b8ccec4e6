package factories

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/larderhq/larder/db"
)

// FoodBuilder builds foods from a table of common foods with their
// nutrients per 100 g; traits narrow the choice (HighFat picks among fatty
// foods) or set a field. Foods are in the shared catalog unless OwnedBy.
type FoodBuilder struct {
	owner  *db.User
	tags   []string
	wants  []func(foodSample) bool
	traits traits[db.NewFood]
}

// Food starts a food.
func Food() FoodBuilder { return FoodBuilder{} }

// foodSample is a common food, nutrients per 100 g (rounded values from
// public food composition tables; every one meets the foods CHECKs).
type foodSample struct {
	name     string
	kind     db.FoodKind
	category db.FoodCategory
	db.Nutrients
}

const (
	whole = db.FoodKindWhole
	proc  = db.FoodKindProcessed
	ultra = db.FoodKindUltraProcessed
)

var foodSamples = []foodSample{
	{"Apple", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 52, ProteinG: 0.3, FatG: 0.2, CarbsG: 13.8, FiberG: 2.4, SugarG: 10.4, SodiumMg: 1}},
	{"Banana", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 89, ProteinG: 1.1, FatG: 0.3, CarbsG: 22.8, FiberG: 2.6, SugarG: 12.2, SodiumMg: 1}},
	{"Orange", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 47, ProteinG: 0.9, FatG: 0.1, CarbsG: 11.8, FiberG: 2.4, SugarG: 9.4}},
	{"Avocado", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 160, ProteinG: 2, FatG: 14.7, CarbsG: 8.5, FiberG: 6.7, SugarG: 0.7, SodiumMg: 7}},
	{"Broccoli", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 34, ProteinG: 2.8, FatG: 0.4, CarbsG: 6.6, FiberG: 2.6, SugarG: 1.7, SodiumMg: 33}},
	{"Carrot", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 41, ProteinG: 0.9, FatG: 0.2, CarbsG: 9.6, FiberG: 2.8, SugarG: 4.7, SodiumMg: 69}},
	{"Spinach", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 23, ProteinG: 2.9, FatG: 0.4, CarbsG: 3.6, FiberG: 2.2, SugarG: 0.4, SodiumMg: 79}},
	{"Sweet potato", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 86, ProteinG: 1.6, FatG: 0.1, CarbsG: 20.1, FiberG: 3, SugarG: 4.2, SodiumMg: 55}},
	{"Brown rice, cooked", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 123, ProteinG: 2.7, FatG: 1, CarbsG: 25.6, FiberG: 1.6, SugarG: 0.2, SodiumMg: 4}},
	{"Rolled oats", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 379, ProteinG: 13.2, FatG: 6.5, CarbsG: 67.7, FiberG: 10.1, SugarG: 1, SodiumMg: 6}},
	{"Quinoa, cooked", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 120, ProteinG: 4.4, FatG: 1.9, CarbsG: 21.3, FiberG: 2.8, SugarG: 0.9, SodiumMg: 7}},
	{"Chicken breast", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 165, ProteinG: 31, FatG: 3.6, SodiumMg: 74}},
	{"Salmon", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 208, ProteinG: 20.4, FatG: 13.4, SodiumMg: 59}},
	{"Egg", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 143, ProteinG: 12.6, FatG: 9.5, CarbsG: 0.7, SugarG: 0.4, SodiumMg: 142}},
	{"Lentils, cooked", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 116, ProteinG: 9, FatG: 0.4, CarbsG: 20.1, FiberG: 7.9, SugarG: 1.8, SodiumMg: 2}},
	{"Beef mince, 20% fat", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 254, ProteinG: 17.2, FatG: 20, SodiumMg: 66}},
	{"Almonds", whole, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 579, ProteinG: 21.2, FatG: 49.9, CarbsG: 21.6, FiberG: 12.5, SugarG: 4.4, SodiumMg: 1}},
	{"Walnuts", whole, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 654, ProteinG: 15.2, FatG: 65.2, CarbsG: 13.7, FiberG: 6.7, SugarG: 2.6, SodiumMg: 2}},
	{"Water", whole, db.FoodCategoryBeverage, db.Nutrients{}},
	{"Whole milk", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 64, ProteinG: 3.3, FatG: 3.6, CarbsG: 4.7, SugarG: 4.7, SodiumMg: 44}},
	{"Greek yogurt", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 97, ProteinG: 9, FatG: 5, CarbsG: 3.9, SugarG: 3.6, SodiumMg: 35}},
	{"Cheddar", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 403, ProteinG: 24.9, FatG: 33.1, CarbsG: 1.3, SugarG: 0.5, SodiumMg: 621}},
	{"Butter", proc, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 717, ProteinG: 0.9, FatG: 81.1, CarbsG: 0.1, SugarG: 0.1, SodiumMg: 11}},
	{"Olive oil", proc, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 884, FatG: 100, SodiumMg: 2}},
	{"Tofu", proc, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 76, ProteinG: 8.1, FatG: 4.8, CarbsG: 1.9, FiberG: 0.3, SugarG: 0.6, SodiumMg: 7}},
	{"Tuna in water", proc, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 116, ProteinG: 25.5, FatG: 0.8, SodiumMg: 338}},
	{"Wholemeal bread", proc, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 247, ProteinG: 13, FatG: 3.4, CarbsG: 41, FiberG: 7, SugarG: 6, SodiumMg: 450}},
	{"Orange juice", proc, db.FoodCategoryBeverage, db.Nutrients{EnergyKcal: 45, ProteinG: 0.7, FatG: 0.2, CarbsG: 10.4, FiberG: 0.2, SugarG: 8.4, SodiumMg: 1}},
	{"Cola", ultra, db.FoodCategoryBeverage, db.Nutrients{EnergyKcal: 42, CarbsG: 10.6, SugarG: 10.6, SodiumMg: 4}},
	{"Potato crisps", ultra, db.FoodCategoryOther, db.Nutrients{EnergyKcal: 536, ProteinG: 7, FatG: 34.6, CarbsG: 53, FiberG: 4.4, SugarG: 0.3, SodiumMg: 525}},
	{"Milk chocolate", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 535, ProteinG: 7.7, FatG: 29.7, CarbsG: 59.4, FiberG: 3.4, SugarG: 51.5, SodiumMg: 79}},
	{"Chocolate chip cookie", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 488, ProteinG: 5.4, FatG: 24, CarbsG: 64, FiberG: 2.4, SugarG: 35, SodiumMg: 320}},
	{"Ice cream", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 207, ProteinG: 3.5, FatG: 11, CarbsG: 23.6, FiberG: 0.7, SugarG: 21.2, SodiumMg: 80}},
	{"Frosted cornflakes", ultra, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 375, ProteinG: 4.5, FatG: 0.6, CarbsG: 89, FiberG: 2, SugarG: 37, SodiumMg: 480}},
	{"Instant noodles", ultra, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 436, ProteinG: 9.4, FatG: 17, CarbsG: 60, FiberG: 2.4, SugarG: 2, SodiumMg: 1160}},
	{"Protein bar", ultra, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 370, ProteinG: 30, FatG: 10, CarbsG: 40, FiberG: 5, SugarG: 15, SodiumMg: 300}},
	{"Frankfurter", ultra, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 290, ProteinG: 11, FatG: 26, CarbsG: 3, SugarG: 1, SodiumMg: 1000}},
}

// Thresholds of the nutrient traits, per 100 g.
const (
	highFatG      = 20
	highProteinG  = 20
	highSugarG    = 20
	lowCalorieMax = 60
)

// want adds a condition on the food chosen from the table.
func (b FoodBuilder) want(ok func(foodSample) bool) FoodBuilder {
	b.wants = append(slices.Clip(b.wants), ok)
	return b
}

// set adds a change to the built food.
func (b FoodBuilder) set(f func(*db.NewFood)) FoodBuilder {
	b.traits = b.traits.with(func(in *db.NewFood, _ *rand.Rand) { f(in) })
	return b
}

// Whole makes an unprocessed food (a fruit, an egg, a nut).
func (b FoodBuilder) Whole() FoodBuilder { return b.ofKind(db.FoodKindWhole) }

// Processed makes a processed food (cheese, bread, canned fish).
func (b FoodBuilder) Processed() FoodBuilder { return b.ofKind(db.FoodKindProcessed) }

// UltraProcessed makes an ultra-processed food (cola, crisps, a cookie).
func (b FoodBuilder) UltraProcessed() FoodBuilder { return b.ofKind(db.FoodKindUltraProcessed) }

func (b FoodBuilder) ofKind(kind db.FoodKind) FoodBuilder {
	return b.want(func(s foodSample) bool { return s.kind == kind }).set(func(f *db.NewFood) { f.Kind = kind })
}

// InCategory makes a food of the category.
func (b FoodBuilder) InCategory(category db.FoodCategory) FoodBuilder {
	return b.want(func(s foodSample) bool { return s.category == category }).set(func(f *db.NewFood) { f.Category = category })
}

// HighFat makes a food with at least 20 g of fat per 100 g.
func (b FoodBuilder) HighFat() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.FatG >= highFatG })
}

// HighProtein makes a food with at least 20 g of protein per 100 g.
func (b FoodBuilder) HighProtein() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.ProteinG >= highProteinG })
}

// HighSugar makes a food with at least 20 g of sugar per 100 g.
func (b FoodBuilder) HighSugar() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.SugarG >= highSugarG })
}

// LowCalorie makes a food of at most 60 kcal per 100 g.
func (b FoodBuilder) LowCalorie() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.EnergyKcal <= lowCalorieMax })
}

// Named names the food.
func (b FoodBuilder) Named(name string) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Name = name })
}

// Branded gives the food a brand.
func (b FoodBuilder) Branded(brand string) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Brand = brand })
}

// WithBarcode gives the food a unique, valid EAN-13 barcode (in-store
// prefix 2, from the sequence).
func (b FoodBuilder) WithBarcode() FoodBuilder {
	b.traits = b.traits.with(func(f *db.NewFood, _ *rand.Rand) { f.Barcode = ean13(sequence.Add(1)) })
	return b
}

// WithNutrients sets the nutrients per 100 g.
func (b FoodBuilder) WithNutrients(n db.Nutrients) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Nutrients = n })
}

// OwnedBy makes the food user's own rather than the shared catalog's.
func (b FoodBuilder) OwnedBy(user db.User) FoodBuilder {
	b.owner = &user
	return b
}

// Shared puts the food in the shared catalog (no owner), the default.
func (b FoodBuilder) Shared() FoodBuilder {
	b.owner = nil
	return b
}

// WithTags tags each food with the named tags, created (upserted) for the
// food's owner; a shared food's tags belong to a user created for them.
func (b FoodBuilder) WithTags(names ...string) FoodBuilder {
	b.tags = append(slices.Clip(b.tags), names...)
	return b
}

// Build returns a food to insert. Its owner is the OwnedBy user's id, or
// nil (shared).
func (b FoodBuilder) Build() db.NewFood {
	n, r := next()
	s := b.pick(r)
	f := db.NewFood{Name: fmt.Sprintf("%s #%d", s.name, n), Kind: s.kind, Category: s.category, Nutrients: s.Nutrients}
	if b.owner != nil {
		f.OwnerID = &b.owner.ID
	}
	b.traits.apply(&f, r)
	return f
}

// pick chooses a food from the table meeting as many wants as any does: all
// of them unless they contradict (HighFat with LowCalorie).
func (b FoodBuilder) pick(r *rand.Rand) foodSample {
	var best []foodSample
	bestScore := -1
	for _, s := range foodSamples {
		score := 0
		for _, ok := range b.wants {
			if ok(s) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore = []foodSample{s}, score
		case score == bestScore:
			best = append(best, s)
		}
	}
	return best[r.IntN(len(best))]
}

// BuildMany returns n foods to insert, each built as Build does.
func (b FoodBuilder) BuildMany(n int) []db.NewFood {
	out := make([]db.NewFood, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one food (and its tags).
func (b FoodBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.Food, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n foods in one statement; with WithTags, one more
// statement upserts the tags and one tags the foods.
func (b FoodBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.Food, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.Food, error) {
		in := b.BuildMany(n)
		foods, err := db.InsertFoods(ctx, tx, in)
		if err != nil || len(b.tags) == 0 {
			return foods, err
		}
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		tags, err := db.UpsertTags(ctx, tx, owner.ID, b.tags)
		if err != nil {
			return nil, err
		}
		pairs := make([]db.FoodTagPair, 0, len(foods)*len(tags))
		for _, f := range foods {
			for _, t := range tags {
				pairs = append(pairs, db.FoodTagPair{FoodID: f.ID, TagID: t.ID})
			}
		}
		_, err = db.InsertFoodTags(ctx, tx, pairs)
		return foods, err
	})
}

// MustCreate is Create that fails the test on error.
func (b FoodBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.Food {
	t.Helper()
	return must[db.Food](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b FoodBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.Food {
	t.Helper()
	return must[[]db.Food](t)(b.CreateMany(t.Context(), dbtx, n))
}

// foodOr returns the given food, or creates one owned by owner.
func foodOr(ctx context.Context, dbtx db.DBTX, given *db.Food, owner db.User) (db.Food, error) {
	if given != nil {
		return *given, nil
	}
	return Food().OwnedBy(owner).Create(ctx, dbtx)
}

// ean13 returns a valid EAN-13 in the in-store range (prefix 2) for n.
func ean13(n uint64) string {
	digits := fmt.Sprintf("2%011d", n%100_000_000_000)
	sum := 0
	for i, d := range digits {
		v := int(d - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return fmt.Sprintf("%s%d", digits, (10-sum%10)%10)
}
