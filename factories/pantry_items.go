package factories

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/larderhq/larder/db"
)

// PantryItemBuilder builds pantry items: a quantity of a food that
// expires in a week or two. The user and the food (theirs) are created on
// demand, once per Create or CreateMany call, unless given.
type PantryItemBuilder struct {
	owner  *db.User
	food   *db.Food
	traits traits[db.NewPantryItem]
}

// PantryItem starts a pantry item.
func PantryItem() PantryItemBuilder { return PantryItemBuilder{} }

func (b PantryItemBuilder) set(f func(*db.NewPantryItem)) PantryItemBuilder {
	b.traits = b.traits.with(func(it *db.NewPantryItem, _ *rand.Rand) { f(it) })
	return b
}

// OwnedBy puts the item in user's pantry.
func (b PantryItemBuilder) OwnedBy(user db.User) PantryItemBuilder {
	b.owner = &user
	return b
}

// Of makes the item a quantity of food.
func (b PantryItemBuilder) Of(food db.Food) PantryItemBuilder {
	b.food = &food
	return b
}

// ExpiringIn makes the item expire days from today (UTC); 0 is today.
func (b PantryItemBuilder) ExpiringIn(days int) PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.ExpiresOn = ptrTo(today().AddDate(0, 0, days)) })
}

// Expired makes the item one that expired yesterday.
func (b PantryItemBuilder) Expired() PantryItemBuilder { return b.ExpiringIn(-1) }

// NonPerishable makes the item one without an expiry date.
func (b PantryItemBuilder) NonPerishable() PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.ExpiresOn = nil })
}

// Grams sets the quantity in grams.
func (b PantryItemBuilder) Grams(g float64) PantryItemBuilder { return b.quantity(g, db.PantryUnitG) }

// Millilitres sets the quantity in millilitres.
func (b PantryItemBuilder) Millilitres(ml float64) PantryItemBuilder {
	return b.quantity(ml, db.PantryUnitMl)
}

// Pieces sets the quantity in pieces.
func (b PantryItemBuilder) Pieces(n float64) PantryItemBuilder {
	return b.quantity(n, db.PantryUnitPiece)
}

func (b PantryItemBuilder) quantity(q float64, unit db.PantryUnit) PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.Quantity, it.Unit = q, unit })
}

// Build returns an item to insert; its owner and food ids are those given,
// or zero until Create makes them.
func (b PantryItemBuilder) Build() db.NewPantryItem {
	_, r := next()
	it := db.NewPantryItem{
		Quantity:  float64(50 * (1 + r.IntN(20))), // 50 g to 1 kg
		Unit:      db.PantryUnitG,
		ExpiresOn: ptrTo(today().AddDate(0, 0, 7+r.IntN(8))),
	}
	if b.owner != nil {
		it.OwnerID = b.owner.ID
	}
	if b.food != nil {
		it.FoodID = b.food.ID
	}
	b.traits.apply(&it, r)
	return it
}

// BuildMany returns n pantry items to insert, each built as Build does.
func (b PantryItemBuilder) BuildMany(n int) []db.NewPantryItem {
	out := make([]db.NewPantryItem, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one item (and its parents when not given).
func (b PantryItemBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.PantryItem, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n items in one statement, after creating the user and
// the food they share when not given (one statement each).
func (b PantryItemBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.PantryItem, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.PantryItem, error) {
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		food, err := foodOr(ctx, tx, b.food, owner)
		if err != nil {
			return nil, err
		}
		in := b.BuildMany(n)
		for i := range in {
			in[i].OwnerID, in[i].FoodID = owner.ID, food.ID
		}
		return db.InsertPantryItems(ctx, tx, in)
	})
}

// MustCreate is Create that fails the test on error.
func (b PantryItemBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.PantryItem {
	t.Helper()
	return must[db.PantryItem](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b PantryItemBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.PantryItem {
	t.Helper()
	return must[[]db.PantryItem](t)(b.CreateMany(t.Context(), dbtx, n))
}

// today is the current date in UTC, at midnight.
func today() time.Time { return dateOf(time.Now().UTC()) }

func ptrTo[T any](v T) *T { return &v }
