package factories

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// PantryItemBuilder builds pantry items: a quantity of a food that
// expires in a week or two. The user and the food (theirs) are created on
// demand, once per Create or CreateMany call, unless given.
type PantryItemBuilder struct {
	Factory[db.NewPantryItem, db.PantryItem]
}

// PantryItem starts a pantry item.
func PantryItem() PantryItemBuilder {
	return PantryItemBuilder{New(func(s Seq) db.NewPantryItem {
		return db.NewPantryItem{
			Quantity:  float64(50 * (1 + s.Rand.IntN(20))), // 50 g to 1 kg
			Unit:      db.PantryUnitG,
			ExpiresOn: ptrTo(today().AddDate(0, 0, 7+s.Rand.IntN(8))),
		}
	}, db.InsertPantryItems).
		WithParent(Parent(func(it *db.NewPantryItem) *uuid.UUID { return &it.OwnerID }, NewUser)).
		WithParent(Parent(func(it *db.NewPantryItem) *uuid.UUID { return &it.FoodID },
			func(ctx context.Context, tx many.DBTX, it *db.NewPantryItem) (uuid.UUID, error) {
				f, err := Food().OwnedBy(db.User{ID: it.OwnerID}).Create(ctx, tx)
				return f.ID, err
			}))}
}

func (b PantryItemBuilder) set(change func(*db.NewPantryItem)) PantryItemBuilder {
	return PantryItemBuilder{b.Set(change)}
}

// OwnedBy puts the item in user's pantry.
func (b PantryItemBuilder) OwnedBy(user db.User) PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.OwnerID = user.ID })
}

// Of makes the item a quantity of food.
func (b PantryItemBuilder) Of(food db.Food) PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.FoodID = food.ID })
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

// Grams, Millilitres and Pieces set the quantity and its unit.
func (b PantryItemBuilder) Grams(g float64) PantryItemBuilder { return b.quantity(g, db.PantryUnitG) }
func (b PantryItemBuilder) Millilitres(ml float64) PantryItemBuilder {
	return b.quantity(ml, db.PantryUnitMl)
}
func (b PantryItemBuilder) Pieces(n float64) PantryItemBuilder {
	return b.quantity(n, db.PantryUnitPiece)
}

func (b PantryItemBuilder) quantity(q float64, unit db.PantryUnit) PantryItemBuilder {
	return b.set(func(it *db.NewPantryItem) { it.Quantity, it.Unit = q, unit })
}

// today is the current date in UTC, at midnight.
func today() time.Time { return dateOf(time.Now().UTC()) }

// dateOf is t's calendar date at midnight UTC.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
