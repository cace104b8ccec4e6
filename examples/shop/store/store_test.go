package store_test

import (
	"errors"
	"os"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"

	"example.com/shop/shoptest"
	"example.com/shop/store"
)

// pool connects to DATABASE_URL: a database with Larder's migrations and
// the shop's applied (see README.md).
func pool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Fatal("DATABASE_URL is not set: point it at a database migrated as README.md says")
	}
	p, err := db.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestShoppingItemsAreManyFirst(t *testing.T) {
	p := pool(t)
	ctx := t.Context()
	user := factories.User().MustCreate(t, p)
	items := shoptest.ShoppingItem().OwnedBy(user).MustCreateMany(t, p, 3)
	bulk := shoptest.ShoppingItem().InBulk().MustCreate(t, p)
	if bulk.Quantity < 12 || bulk.OwnerID == user.ID {
		t.Fatalf("a bulk item of its own user: %+v", bulk)
	}

	got, err := store.SelectShoppingItems(ctx, p, user.ID, []uuid.UUID{items[2].ID, bulk.ID, items[0].ID})
	if err != nil || len(got) != 2 || got[0].ID != items[2].ID || got[1].ID != items[0].ID {
		t.Fatalf("select returns the owner's rows in the order asked: %+v, %v", got, err)
	}

	bought, err := store.UpdateShoppingItems(ctx, p, user.ID, []store.ShoppingItemPatch{
		{ID: items[1].ID, Bought: many.Set(true)},
		{ID: items[0].ID, Bought: many.Set(true), Quantity: many.Set[int32](5)},
	})
	if err != nil || len(bought) != 2 || bought[0].ID != items[1].ID || !bought[1].Bought || bought[1].Quantity != 5 || bought[0].Quantity != items[1].Quantity {
		t.Fatalf("update sets only what it is given, in input order: %+v, %v", bought, err)
	}

	yes := true
	first, err := store.ListShoppingItems(ctx, p, store.ShoppingItemFilter{OwnerID: user.ID, Bought: &yes, Limit: 1})
	if err != nil || len(first.Items) != 1 || first.Next == "" {
		t.Fatalf("the first page: %+v, %v", first, err)
	}
	second, err := store.ListShoppingItems(ctx, p, store.ShoppingItemFilter{OwnerID: user.ID, Bought: &yes, After: first.Next, Limit: 1})
	if err != nil || len(second.Items) != 1 || second.Next != "" || second.Items[0].ID == first.Items[0].ID {
		t.Fatalf("the last page: %+v, %v", second, err)
	}

	_, err = store.InsertShoppingItems(ctx, p, []store.NewShoppingItem{
		{OwnerID: user.ID, Name: "milk", Quantity: 1},
		{OwnerID: user.ID, Name: items[0].Name, Quantity: 1},
	})
	var ce *many.ConstraintError
	if !errors.Is(err, many.ErrUniqueViolation) || !errors.As(err, &ce) || ce.Constraint != "shopping_items_owner_id_name_key" {
		t.Fatalf("a name the owner has is a unique violation: %v", err)
	}
	if rows, _ := store.SelectShoppingItems(ctx, p, user.ID, []uuid.UUID{}); len(rows) != 0 {
		t.Fatalf("an empty batch returns nothing: %+v", rows)
	}
	page, err := store.ListShoppingItems(ctx, p, store.ShoppingItemFilter{OwnerID: user.ID})
	if err != nil || len(page.Items) != 3 {
		t.Fatalf("the failed batch wrote nothing: %+v, %v", page, err)
	}

	deleted, err := store.DeleteShoppingItems(ctx, p, user.ID, []uuid.UUID{items[1].ID, bulk.ID})
	if err != nil || len(deleted) != 1 || deleted[0].ID != items[1].ID {
		t.Fatalf("delete removes only the owner's rows: %+v, %v", deleted, err)
	}
	if _, err := db.DeleteUsers(ctx, p, []uuid.UUID{user.ID}); err != nil {
		t.Fatal(err)
	}
	if rows, err := store.SelectShoppingItems(ctx, p, user.ID, []uuid.UUID{items[0].ID, items[2].ID}); err != nil || len(rows) != 0 {
		t.Fatalf("a deleted user's list goes with them: %+v, %v", rows, err)
	}
}
