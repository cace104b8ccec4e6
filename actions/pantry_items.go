package actions

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// NewPantryItem is a quantity of a food for the acting user's pantry. The
// food must be one they can see (theirs or the shared catalog's).
type NewPantryItem struct {
	FoodID    uuid.UUID `json:"food_id" validate:"required"`
	Quantity  float64   `json:"quantity" validate:"finite,gte=0.01,lte=1000000"`
	Unit      string    `json:"unit" validate:"required,pantry_unit"`
	ExpiresOn string    `json:"expires_on,omitempty" validate:"omitempty,date"`
}

// PantryItemChange changes one item; nil fields stay. A field set
// follows the rule of the same field of NewPantryItem: ExpiresOn set to ""
// clears the date.
type PantryItemChange struct {
	ID        uuid.UUID `json:"id" validate:"required"`
	Quantity  *float64  `json:"quantity,omitempty"`
	Unit      *string   `json:"unit,omitempty"`
	ExpiresOn *string   `json:"expires_on,omitempty"`
}

// Consumption takes an amount, in the item's unit, out of a pantry item.
type Consumption struct {
	ID       uuid.UUID `json:"id" validate:"required"`
	Quantity float64   `json:"quantity" validate:"finite,gte=0.01,lte=1000000"`
}

// Consumed is what ConsumePantryItems left: the items with some left, and
// the items used up, which it removed.
type Consumed struct {
	Remaining []db.PantryItem `json:"remaining"`
	Removed   []db.PantryItem `json:"removed"`
}

// PantrySearch selects a page of the acting user's pantry, soonest expiry
// first (items that never expire last). ExpiringWithinDays, when set,
// keeps only items that expire within that many days of today (UTC), or
// already have.
type PantrySearch struct {
	ExpiringWithinDays *int   `json:"expiring_within_days,omitempty" validate:"omitnil,gte=0,lte=3650"`
	After              string `json:"after,omitempty" validate:"max=1000"`
	Limit              int    `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// AddPantryItems stocks the acting user's pantry, all or none. A food the
// user cannot see is invalid at that element's food_id.
func (a *Actions) AddPantryItems(ctx context.Context, actor uuid.UUID, in []NewPantryItem) Result[[]db.PantryItem] {
	return run(ctx, a, "AddPantryItems", func() ([]db.PantryItem, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []db.PantryItem{}, err
		}
		f := fields{}
		f.batch("items", len(in))
		rows := make([]db.NewPantryItem, len(in))
		for i, it := range in {
			a.check(f, path("items", i), it)
			rows[i] = db.NewPantryItem{OwnerID: actor, FoodID: it.FoodID, Quantity: it.Quantity, Unit: db.PantryUnit(it.Unit), ExpiresOn: datePtr(it.ExpiresOn)}
		}
		if err := f.err(); err != nil {
			return nil, err
		}
		var items []db.PantryItem
		err := a.inTx(ctx, func(tx many.DBTX) error {
			missing := fields{}
			if err := seeFoods(ctx, tx, actor, len(rows), func(i int) uuid.UUID { return rows[i].FoodID },
				func(i int) string { return path("items", i, "food_id") }, missing); err != nil {
				return err
			}
			if err := missing.err(); err != nil {
				return err
			}
			var err error
			items, err = db.InsertPantryItems(ctx, tx, rows)
			return err
		})
		return items, err
	})
}

// seeFoods checks that the actor can see the food of each of n elements,
// recording one they cannot in f at at(i). It returns only the
// database's errors.
func seeFoods(ctx context.Context, tx many.DBTX, actor uuid.UUID, n int, food func(i int) uuid.UUID, at func(i int) string, f fields) error {
	ids := make([]uuid.UUID, n)
	for i := range n {
		ids[i] = food(i)
	}
	foods, err := db.SelectFoods(ctx, tx, &actor, ids)
	if err != nil {
		return err
	}
	seen := make(map[uuid.UUID]bool, len(foods))
	for _, food := range foods {
		seen[food.ID] = true
	}
	for i, id := range ids {
		if !seen[id] {
			f[at(i)] = "no such food"
		}
	}
	return nil
}

// UpdatePantryItems changes the acting user's items, all or none; an item
// that is not theirs is not found.
func (a *Actions) UpdatePantryItems(ctx context.Context, actor uuid.UUID, in []PantryItemChange) Result[[]db.PantryItem] {
	return run(ctx, a, "UpdatePantryItems", func() ([]db.PantryItem, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []db.PantryItem{}, err
		}
		f := fields{}
		f.batch("items", len(in))
		patches := make([]db.PantryItemPatch, len(in))
		ids := make([]uuid.UUID, len(in))
		for i, c := range in {
			checkChange[NewPantryItem](a, f, path("items", i), c)
			ids[i] = c.ID
			patches[i] = db.PantryItemPatch{ID: ids[i]}
			if c.Quantity != nil {
				patches[i].Quantity = many.Set(*c.Quantity)
			}
			if c.Unit != nil {
				patches[i].Unit = many.Set(db.PantryUnit(*c.Unit))
			}
			if c.ExpiresOn != nil {
				patches[i].ExpiresOn = many.Set(datePtr(*c.ExpiresOn))
			}
		}
		duplicates(f, len(in), func(i int) uuid.UUID { return ids[i] }, func(i int) string { return path("items", i, "id") })
		if err := f.err(); err != nil {
			return nil, err
		}
		var items []db.PantryItem
		err := a.inTx(ctx, func(tx many.DBTX) error {
			var err error
			if items, err = db.UpdatePantryItems(ctx, tx, actor, patches); err != nil {
				return err
			}
			return visible(ids, items, func(p db.PantryItem) uuid.UUID { return p.ID }, itemIDAt, "no such pantry item")
		})
		return items, err
	})
}

// ConsumePantryItems takes amounts out of the acting user's items, all or
// none: an item that reaches zero is removed, taking more than an item
// holds is invalid at that element's quantity.
func (a *Actions) ConsumePantryItems(ctx context.Context, actor uuid.UUID, in []Consumption) Result[Consumed] {
	return run(ctx, a, "ConsumePantryItems", func() (Consumed, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return Consumed{Remaining: []db.PantryItem{}, Removed: []db.PantryItem{}}, err
		}
		f := fields{}
		f.batch("items", len(in))
		ids := make([]uuid.UUID, len(in))
		for i, c := range in {
			a.check(f, path("items", i), c)
			ids[i] = c.ID
		}
		duplicates(f, len(in), func(i int) uuid.UUID { return ids[i] }, func(i int) string { return path("items", i, "id") })
		if err := f.err(); err != nil {
			return Consumed{}, err
		}
		var out Consumed
		err := a.inTx(ctx, func(tx many.DBTX) error {
			items, err := db.LockPantryItems(ctx, tx, actor, ids)
			if err != nil {
				return err
			}
			if err := visible(ids, items, func(p db.PantryItem) uuid.UUID { return p.ID }, itemIDAt, "no such pantry item"); err != nil {
				return err
			}
			var patches []db.PantryItemPatch
			var used []uuid.UUID
			short := fields{}
			for i, it := range items { // in input order, one per element
				left := roundCents(it.Quantity - in[i].Quantity)
				switch {
				case left < 0:
					short[path("items", i, "quantity")] = "is more than the item holds"
				case left == 0:
					used = append(used, it.ID)
				default:
					patches = append(patches, db.PantryItemPatch{ID: it.ID, Quantity: many.Set(left)})
				}
			}
			if err := short.err(); err != nil {
				return err
			}
			if out.Remaining, err = db.UpdatePantryItems(ctx, tx, actor, patches); err != nil {
				return err
			}
			out.Removed, err = db.DeletePantryItems(ctx, tx, actor, used)
			return err
		})
		return out, err
	})
}

// DeletePantryItems removes items from the acting user's pantry, all or
// none, and returns them; an item that is not theirs is not found at its
// id.
func (a *Actions) DeletePantryItems(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.PantryItem] {
	return run(ctx, a, "DeletePantryItems", func() ([]db.PantryItem, error) {
		return deleteOwn(ctx, a, actor, ids, db.DeletePantryItems, func(p db.PantryItem) uuid.UUID { return p.ID }, "no such pantry item")
	})
}

// itemIDAt is the path of the id of a batch's i'th pantry item.
func itemIDAt(i int) string { return path("items", i, "id") }

// roundCents rounds to the two decimals pantry quantities keep.
func roundCents(q float64) float64 { return math.Round(q*100) / 100 }

// ListPantryItems returns a page of the acting user's pantry, soonest
// expiry first.
func (a *Actions) ListPantryItems(ctx context.Context, actor uuid.UUID, q PantrySearch) Result[many.Page[db.PantryItem]] {
	return read(ctx, a, "ListPantryItems", func(dbtx many.DBTX) (many.Page[db.PantryItem], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.PantryItem]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		if err := f.err(); err != nil {
			return many.Page[db.PantryItem]{}, err
		}
		filter := db.ExpiryFilter{OwnerID: actor, After: many.Cursor(q.After), Limit: q.Limit}
		if q.ExpiringWithinDays != nil {
			filter.Until = db.ExpiringWithin(time.Now().UTC(), *q.ExpiringWithinDays)
		}
		return db.ListPantryItemsByExpiry(ctx, dbtx, filter)
	})
}

// datePtr parses a validated date, "" being none.
func datePtr(s string) *time.Time {
	if d, ok := parseDate(s); ok {
		return &d
	}
	return nil
}
