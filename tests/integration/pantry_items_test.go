package integration

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
)

func pantryItemIDs(items []db.PantryItem) []uuid.UUID {
	return idsOf(items, func(p db.PantryItem) uuid.UUID { return p.ID })
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestInsertPantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := createUser(t, b)
	food := createFoods(t, b, nil, 1)[0]
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
	owner := createUser(t, b)
	food := createFoods(t, b, nil, 1)[0]
	tests := []struct {
		name string
		give db.NewPantryItem
		want error
	}{
		{name: "zero quantity", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: 0, Unit: db.PantryUnitG}, want: db.ErrCheckViolation},
		{name: "negative quantity", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: -2, Unit: db.PantryUnitG}, want: db.ErrCheckViolation},
		{name: "unknown unit", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: 1, Unit: "cup"}, want: db.ErrInvalidValue},
		{name: "unknown food", give: db.NewPantryItem{OwnerID: owner.ID, FoodID: uuid.New(), Quantity: 1, Unit: db.PantryUnitG}, want: db.ErrForeignKeyViolation},
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
	users := createUsers(t, b, 2)
	owner := users[0]
	food := createFoods(t, b, nil, 1)[0]
	today := day(2026, 11, 25)
	item := func(expires *time.Time) db.NewPantryItem {
		return db.NewPantryItem{OwnerID: owner.ID, FoodID: food.ID, Quantity: 1, Unit: db.PantryUnitPiece, ExpiresOn: expires}
	}
	items, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{
		item(ptr(today.AddDate(0, 0, 3))),  // the last day in range
		item(ptr(today.AddDate(0, 0, 4))),  // out of range
		item(ptr(today.AddDate(0, 0, -1))), // expired yesterday
		item(nil),                          // never expires
		item(ptr(today)),
		{OwnerID: users[1].ID, FoodID: food.ID, Quantity: 1, Unit: db.PantryUnitG, ExpiresOn: ptr(today)},
	})
	require.NoError(t, err)

	got, pages := allPages(t, func(after db.Cursor) (db.Page[db.PantryItem], error) {
		return db.ListExpiringPantryItems(b.ctx, b.pool, db.ExpiringFilter{OwnerID: owner.ID, Today: today, Days: 3, After: after, Limit: 2})
	})

	require.Equal(t, 2, pages)
	require.Equal(t, []uuid.UUID{items[2].ID, items[4].ID, items[0].ID}, pantryItemIDs(got))
}

func TestListPantryItemsByFood(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := createUser(t, b)
	foods := createFoods(t, b, nil, 2)
	items, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{
		{OwnerID: owner.ID, FoodID: foods[0].ID, Quantity: 1, Unit: db.PantryUnitG},
		{OwnerID: owner.ID, FoodID: foods[1].ID, Quantity: 1, Unit: db.PantryUnitG},
	})
	require.NoError(t, err)

	page, err := db.ListPantryItems(b.ctx, b.pool, db.PantryItemFilter{OwnerID: owner.ID, FoodID: foods[1].ID})

	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{items[1].ID}, pantryItemIDs(page.Items))
}

func TestUpdatePantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := createUser(t, b)
	food := createFoods(t, b, nil, 1)[0]
	items, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{
		{OwnerID: owner.ID, FoodID: food.ID, Quantity: 500, Unit: db.PantryUnitG, ExpiresOn: ptr(day(2026, 12, 1))},
		{OwnerID: owner.ID, FoodID: food.ID, Quantity: 3, Unit: db.PantryUnitPiece},
	})
	require.NoError(t, err)

	updated, err := db.UpdatePantryItems(b.ctx, b.pool, owner.ID, []db.PantryItemPatch{
		{ID: items[0].ID, Quantity: db.Set(250.0), ExpiresOn: db.Set[*time.Time](nil)},
		{ID: items[1].ID, Unit: db.Set(db.PantryUnitMl), ExpiresOn: db.Set(ptr(day(2027, 1, 2)))},
	})

	require.NoError(t, err)
	require.Equal(t, 250.0, updated[0].Quantity)
	require.Nil(t, updated[0].ExpiresOn, "set to nil clears the date")
	require.Equal(t, db.PantryUnitG, updated[0].Unit)
	require.Equal(t, 3.0, updated[1].Quantity)
	require.Equal(t, db.PantryUnitMl, updated[1].Unit)
	require.Equal(t, day(2027, 1, 2), *updated[1].ExpiresOn)

	_, err = db.UpdatePantryItems(b.ctx, b.pool, owner.ID, []db.PantryItemPatch{{ID: items[0].ID, Quantity: db.Set(0.0)}})
	require.ErrorIs(t, err, db.ErrCheckViolation)
}

func TestPantryItemsAreScopedToTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := createUsers(t, b, 2)
	ann, bo := users[0], users[1]
	food := createFoods(t, b, nil, 1)[0]
	items, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{{OwnerID: ann.ID, FoodID: food.ID, Quantity: 1, Unit: db.PantryUnitG}})
	require.NoError(t, err)
	ids := pantryItemIDs(items)

	seen, err := db.SelectPantryItems(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, seen)
	page, err := db.ListPantryItems(b.ctx, b.pool, db.PantryItemFilter{OwnerID: bo.ID})
	require.NoError(t, err)
	require.Empty(t, page.Items)
	updated, err := db.UpdatePantryItems(b.ctx, b.pool, bo.ID, []db.PantryItemPatch{{ID: ids[0], Quantity: db.Set(9.0)}})
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
	owner := createUser(t, b)
	food := createFoods(t, b, &owner.ID, 1)[0]
	_, err := db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{{OwnerID: owner.ID, FoodID: food.ID, Quantity: 1, Unit: db.PantryUnitG}})
	require.NoError(t, err)

	_, err = db.DeleteFoods(b.ctx, b.pool, &owner.ID, []uuid.UUID{food.ID})

	require.NoError(t, err)
	require.Zero(t, count(t, b, "pantry_items"))
}
