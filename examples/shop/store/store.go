// Package store is the shop's data layer: the many-first functions that
// Larder's sqlc-gen-many plugin generates from the marked queries in
// queries/ (shopping_items.many.go, types.many.go), on sqlc's own code in
// store/dbsqlc. This file, which names the row type, is all of it that is
// written by hand.
package store

import "example.com/shop/store/dbsqlc"

// ShoppingItem is a row of shopping_items: a user's item to buy, its name
// unique per owner. NewShoppingItem, ShoppingItemPatch and
// ShoppingItemFilter are generated from the queries.
type ShoppingItem = dbsqlc.ShoppingItem
