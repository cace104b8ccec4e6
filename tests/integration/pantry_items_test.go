package integration

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func pantryItemIDs(items []db.PantryItem) []uuid.UUID {
	return idsOf(items, func(p db.PantryItem) uuid.UUID { return p.ID })
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestInsertPantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().MustCreate(t, b.pool)
	// A date in a zone far from UTC keeps its calendar day.
	tokyo := time.FixedZone("JST", 9*3600)

	items, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{
		{OwnerID: owner.ID, FoodID: food.ID, Quantity: 1.5, Unit: db.PantryUnitG, ExpiresOn: ptr(time.Date(2026, 12, 1, 1, 0, 0, 0, tokyo))},
		{OwnerID: owner.ID, FoodID: food.ID, Quantity: 2, Unit: db.PantryUnitPiece},
	})

	require.NoError(t, err)
	require.Equal(t, 1.5, items[0].Quantity)
	require.Equal(t, db.PantryUnitG, items[0].Unit)
	require.Equal(t, day(2026, 12, 1), *items[0].ExpiresOn)
	require.Nil(t, items[1].ExpiresOn, "no date: does not expire")
}

func TestPantryItemChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().MustCreate(t, b.pool)
	tests := []struct {
		name string
		give db.NewPantryItem
		want error
	}{
		{name: "zero quantity", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: 0, Unit: db.PantryUnitG}, want: many.ErrCheckViolation},
		{name: "negative quantity", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: -2, Unit: db.PantryUnitG}, want: many.ErrCheckViolation},
		{name: "unknown unit", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: 1, Unit: "cup"}, want: many.ErrInvalidValue},
		{name: "unknown food", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: uuid.New(), Quantity: 1, Unit: db.PantryUnitG}, want: many.ErrForeignKeyViolation},
	}
	for _, tt := range tests {
		_, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{tt.give})
		require.ErrorIs(t, err, tt.want, tt.name)
	}
	require.Zero(t, count(t, b, "pantry_items"))
}

func TestListExpiringPantryItemsSoonestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	mine := factories.PantryItem().OwnedBy(users[0])
	lastInRange := mine.ExpiringIn(3).MustCreate(t, b.pool)
	mine.ExpiringIn(4).MustCreate(t, b.pool)
	expired := mine.Expired().MustCreate(t, b.pool)
	mine.NonPerishable().MustCreate(t, b.pool)
	today := mine.ExpiringIn(0).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(users[1]).ExpiringIn(0).MustCreate(t, b.pool)

	got, pages := allPages(t, func(after many.Cursor) (many.Page[db.PantryItem], error) {
		return db.ListPantryItemsByExpiry(b.ctx, b.pool, db.ExpiryFilter{OwnerID: users[0].ID, Until: db.ExpiringWithin(time.Now().UTC(), 3), After: after, Limit: 2})
	})

	require.Equal(t, 2, pages)
	require.Equal(t, []uuid.UUID{expired.ID, today.ID, lastInRange.ID}, pantryItemIDs(got))
}

func TestListPantryItemsByFood(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().MustCreateMany(t, b.pool, 2)
	factories.PantryItem().OwnedBy(owner).Of(foods[0]).MustCreate(t, b.pool)
	wanted := factories.PantryItem().OwnedBy(owner).Of(foods[1]).MustCreate(t, b.pool)

	page, err := db.ListPantryItems(b.ctx, b.pool, db.PantryItemFilter{OwnerID: owner.ID, FoodID: &foods[1].ID})

	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{wanted.ID}, pantryItemIDs(page.Items))
}

func TestUpdatePantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	items := []db.PantryItem{
		factories.PantryItem().OwnedBy(owner).Grams(500).MustCreate(t, b.pool),
		factories.PantryItem().OwnedBy(owner).Pieces(3).MustCreate(t, b.pool),
	}

	updated, err := db.UpdatePantryItems(b.ctx, b.pool, owner.ID, []db.PantryItemPatch{
		{ID: items[0].ID, Quantity: many.Set(250.0), ExpiresOn: many.Set[*time.Time](nil)},
		{ID: items[1].ID, Unit: many.Set(db.PantryUnitMl), ExpiresOn: many.Set(ptr(day(2027, 1, 2)))},
	})

	require.NoError(t, err)
	require.Equal(t, 250.0, updated[0].Quantity)
	require.Nil(t, updated[0].ExpiresOn, "set to nil clears the date")
	require.Equal(t, db.PantryUnitG, updated[0].Unit)
	require.Equal(t, 3.0, updated[1].Quantity)
	require.Equal(t, db.PantryUnitMl, updated[1].Unit)
	require.Equal(t, day(2027, 1, 2), *updated[1].ExpiresOn)

	_, err = db.UpdatePantryItems(b.ctx, b.pool, owner.ID, []db.PantryItemPatch{{ID: items[0].ID, Quantity: many.Set(0.0)}})
	require.ErrorIs(t, err, many.ErrCheckViolation)
}

func TestPantryItemsAreScopedToTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	ids := pantryItemIDs(factories.PantryItem().OwnedBy(ann).MustCreateMany(t, b.pool, 1))

	seen, err := db.SelectPantryItems(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, seen)
	page, err := db.ListPantryItems(b.ctx, b.pool, db.PantryItemFilter{OwnerID: bo.ID})
	require.NoError(t, err)
	require.Empty(t, page.Items)
	updated, err := db.UpdatePantryItems(b.ctx, b.pool, bo.ID, []db.PantryItemPatch{{ID: ids[0], Quantity: many.Set(9.0)}})
	require.NoError(t, err)
	require.Empty(t, updated)
	deleted, err := db.DeletePantryItems(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)

	deleted, err = db.DeletePantryItems(b.ctx, b.pool, ann.ID, ids)
	require.NoError(t, err)
	require.Equal(t, ids, pantryItemIDs(deleted))
}

func TestDeletingAFoodEmptiesItFromPantries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(owner).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(owner).Of(food).MustCreate(t, b.pool)

	_, err := db.DeleteFoods(b.ctx, b.pool, &owner.ID, []uuid.UUID{food.ID})

	require.NoError(t, err)
	require.Zero(t, count(t, b, "pantry_items"))
}
