package factories

import (
	"slices"

	"github.com/larderhq/larder/db"
)

// FoodBuilder builds foods from a table of common foods with their
// nutrients per 100 g (samples.go); traits narrow the choice (HighFat
// picks among fatty foods) or set a field. Foods are in the shared catalog
// unless OwnedBy.
type FoodBuilder struct {
	Factory[db.NewFood, db.Food]
	wants []func(foodSample) bool
}

// Food starts a food.
func Food() FoodBuilder { return FoodBuilder{Factory: New(pickFood(nil), db.InsertFoods)} }

// want narrows the sample a food is built from.
func (b FoodBuilder) want(ok func(foodSample) bool) FoodBuilder {
	b.wants = append(slices.Clip(b.wants), ok)
	b.Factory = b.WithDefaults(pickFood(b.wants))
	return b
}

// set changes the built food.
func (b FoodBuilder) set(change func(*db.NewFood)) FoodBuilder {
	b.Factory = b.Set(change)
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

// HighFat, HighProtein and HighSugar make a food with at least 20 g of it
// per 100 g; LowCalorie one of at most 60 kcal per 100 g.
func (b FoodBuilder) HighFat() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.FatG >= highFatG })
}
func (b FoodBuilder) HighProtein() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.ProteinG >= highProteinG })
}
func (b FoodBuilder) HighSugar() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.SugarG >= highSugarG })
}
func (b FoodBuilder) LowCalorie() FoodBuilder {
	return b.want(func(s foodSample) bool { return s.EnergyKcal <= lowCalorieMax })
}

// Named names the food; Branded gives it a brand.
func (b FoodBuilder) Named(name string) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Name = name })
}
func (b FoodBuilder) Branded(brand string) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Brand = &brand })
}

// WithBarcode gives the food a unique, valid EAN-13 barcode (in-store
// prefix 2, from the sequence).
func (b FoodBuilder) WithBarcode() FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Barcode = ptrTo(ean13(sequence.Add(1))) })
}

// WithNutrients sets the nutrients per 100 g.
func (b FoodBuilder) WithNutrients(n db.Nutrients) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.Nutrients = n })
}

// OwnedBy makes the food user's own; Shared puts it in the shared catalog
// (no owner), the default.
func (b FoodBuilder) OwnedBy(user db.User) FoodBuilder {
	return b.set(func(f *db.NewFood) { f.OwnerID = &user.ID })
}
func (b FoodBuilder) Shared() FoodBuilder { return b.set(func(f *db.NewFood) { f.OwnerID = nil }) }

// WithTags tags each food with the named tags (see tagFoods).
func (b FoodBuilder) WithTags(names ...string) FoodBuilder {
	b.Factory = b.WithAfter(tagFoods(names))
	return b
}
