package integration

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestAddPantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	mine := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	shared := factories.Food().MustCreate(t, b.pool)

	items := ok(t, b.acts.AddPantryItems(b.ctx, me.ID, []actions.NewPantryItem{
		{FoodID: mine.ID, Quantity: 500, Unit: "g", ExpiresOn: "2026-12-24"},
		{FoodID: shared.ID, Quantity: 6, Unit: "piece"},
	}))

	require.Equal(t, me.ID, items[0].OwnerID)
	require.Equal(t, time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), *items[0].ExpiresOn)
	require.Nil(t, items[1].ExpiresOn)
	require.Equal(t, db.PantryUnitPiece, items[1].Unit)
}

func TestAddPantryItemsOfAFoodTheUserCannotSee(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	mine := factories.Food().OwnedBy(users[0]).MustCreate(t, b.pool)
	theirs := factories.Food().OwnedBy(users[1]).MustCreate(t, b.pool)

	fields := failed(t, b.acts.AddPantryItems(b.ctx, users[0].ID, []actions.NewPantryItem{
		{FoodID: mine.ID, Quantity: 1, Unit: "g"},
		{FoodID: theirs.ID, Quantity: 1, Unit: "g"},
		{FoodID: uuid.New(), Quantity: 1, Unit: "g"},
	}), actions.CodeInvalid)

	require.Equal(t, map[string]string{"items[1].food_id": "no such food", "items[2].food_id": "no such food"}, fields)
	require.Zero(t, count(t, b, "pantry_items"), "all or nothing")
}

func TestUpdatePantryItemsOfAnotherUserIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	mine := factories.PantryItem().OwnedBy(users[0]).Grams(100).MustCreate(t, b.pool)
	theirs := factories.PantryItem().OwnedBy(users[1]).Grams(100).MustCreate(t, b.pool)
	q, clear := 250.0, ""

	fields := failed(t, b.acts.UpdatePantryItems(b.ctx, users[0].ID, []actions.PantryItemChange{
		{ID: mine.ID, Quantity: &q},
		{ID: theirs.ID, Quantity: &q},
	}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"items[1].id": "no such pantry item"}, fields)

	updated := ok(t, b.acts.UpdatePantryItems(b.ctx, users[0].ID, []actions.PantryItemChange{{ID: mine.ID, Quantity: &q, ExpiresOn: &clear}}))
	require.Equal(t, 250.0, updated[0].Quantity)
	require.Nil(t, updated[0].ExpiresOn, "an empty date clears it")
}

func TestConsumePantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	flour := factories.PantryItem().OwnedBy(me).Grams(1000).MustCreate(t, b.pool)
	eggs := factories.PantryItem().OwnedBy(me).Pieces(2).MustCreate(t, b.pool)
	milk := factories.PantryItem().OwnedBy(me).Millilitres(500).MustCreate(t, b.pool)

	fields := failed(t, b.acts.ConsumePantryItems(b.ctx, me.ID, []actions.Consumption{
		{ID: flour.ID, Quantity: 250},
		{ID: milk.ID, Quantity: 500.01},
	}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"items[1].quantity": "is more than the item holds"}, fields)

	done := ok(t, b.acts.ConsumePantryItems(b.ctx, me.ID, []actions.Consumption{
		{ID: flour.ID, Quantity: 250.5},
		{ID: eggs.ID, Quantity: 2},
	}))
	require.Len(t, done.Remaining, 1)
	require.Equal(t, 749.5, done.Remaining[0].Quantity)
	require.Equal(t, []uuid.UUID{eggs.ID}, pantryItemIDs(done.Removed), "used up items are removed")
	require.Equal(t, 2, count(t, b, "pantry_items"))

	fields = failed(t, b.acts.ConsumePantryItems(b.ctx, me.ID, []actions.Consumption{{ID: eggs.ID, Quantity: 1}}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"items[0].id": "no such pantry item"}, fields)
}

func TestListPantryItemsExpiringSoonFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	mine := factories.PantryItem().OwnedBy(me)
	later := mine.ExpiringIn(10).MustCreate(t, b.pool)
	never := mine.NonPerishable().MustCreate(t, b.pool)
	soon := mine.ExpiringIn(1).MustCreate(t, b.pool)
	expired := mine.Expired().MustCreate(t, b.pool)
	factories.PantryItem().ExpiringIn(1).MustCreate(t, b.pool) // someone else's

	all := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{}))
	require.Equal(t, []uuid.UUID{expired.ID, soon.ID, later.ID, never.ID}, pantryItemIDs(all.Items))

	days := 3
	within := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{ExpiringWithinDays: &days}))
	require.Equal(t, []uuid.UUID{expired.ID, soon.ID}, pantryItemIDs(within.Items))

	page := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{Limit: 3}))
	rest := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{Limit: 3, After: string(page.Next)}))
	require.Equal(t, []uuid.UUID{never.ID}, pantryItemIDs(rest.Items), "the keyset runs past items that never expire")
}

func TestDeletePantryItems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	mine := factories.PantryItem().OwnedBy(me).MustCreateMany(t, b.pool, 3)
	theirs := factories.PantryItem().OwnedBy(other).MustCreate(t, b.pool)

	// Another user's item, through my action, is not found, and the
	// whole call deletes nothing.
	fields := failed(t, b.acts.DeletePantryItems(b.ctx, me.ID, []uuid.UUID{mine[0].ID, theirs.ID, uuid.New()}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such pantry item", "ids[2]": "no such pantry item"}, fields)
	require.Equal(t, 4, count(t, b, "pantry_items"), "all or nothing")

	deleted := ok(t, b.acts.DeletePantryItems(b.ctx, me.ID, []uuid.UUID{mine[2].ID, mine[0].ID}))
	require.Equal(t, []db.PantryItem{mine[2], mine[0]}, deleted, "the items as they were, in the order of the ids")
	left := ok(t, b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{}))
	require.Equal(t, []uuid.UUID{mine[1].ID}, pantryItemIDs(left.Items))
	still := ok(t, b.acts.ListPantryItems(b.ctx, other.ID, actions.PantrySearch{}))
	require.Equal(t, []db.PantryItem{theirs}, still.Items, "theirs untouched")

	fields = failed(t, b.acts.DeletePantryItems(b.ctx, me.ID, []uuid.UUID{mine[0].ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[0]": "no such pantry item"}, fields, "deleted already")
}
