// Package shoptest holds the shop's test factories, built on Larder's
// generic factories.Factory: each table declares its defaults, its traits
// and its parents; Build, CreateMany and the rest come with it.
package shoptest

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"

	"example.com/shop/store"
)

// ItemBuilder builds shopping items with unique names, owned by a Larder
// user created on demand unless OwnedBy.
type ItemBuilder struct {
	factories.Factory[store.NewShoppingItem, store.ShoppingItem]
}

// ShoppingItem starts a shopping item.
func ShoppingItem() ItemBuilder {
	return ItemBuilder{factories.New(func(s factories.Seq) store.NewShoppingItem {
		return store.NewShoppingItem{Name: fmt.Sprintf("item %d", s.N), Quantity: 1 + s.Rand.Int32N(3)}
	}, store.InsertShoppingItems).WithParent(factories.Parent(func(i *store.NewShoppingItem) *uuid.UUID { return &i.OwnerID }, factories.NewUser))}
}

// OwnedBy puts the item on user's list.
func (b ItemBuilder) OwnedBy(user db.User) ItemBuilder {
	return ItemBuilder{b.Set(func(i *store.NewShoppingItem) { i.OwnerID = user.ID })}
}

// InBulk buys a dozen or more.
func (b ItemBuilder) InBulk() ItemBuilder {
	return ItemBuilder{b.With(func(i *store.NewShoppingItem, r *rand.Rand) { i.Quantity = 12 + r.Int32N(12) })}
}
