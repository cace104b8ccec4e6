package db

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// PantryItem is a row of pantry_items: a quantity of a food a user has.
type PantryItem = dbsqlc.PantryItem

// PantryUnit is the unit of a pantry quantity.
type PantryUnit = dbsqlc.PantryUnit

// Pantry units.
const (
	PantryUnitG     = dbsqlc.PantryUnitG
	PantryUnitMl    = dbsqlc.PantryUnitMl
	PantryUnitPiece = dbsqlc.PantryUnitPiece
)

// PantryUnits returns every pantry unit.
func PantryUnits() []PantryUnit { return dbsqlc.AllPantryUnitValues() }

// NewPantryItem is a pantry item to insert.
type NewPantryItem struct {
	OwnerID   uuid.UUID
	FoodID    uuid.UUID
	Quantity  float64 // > 0
	Unit      PantryUnit
	ExpiresOn *time.Time // a date; nil: does not expire
}

// PantryItemPatch changes one pantry item; unset fields keep their value.
// ExpiresOn set to nil clears the date.
type PantryItemPatch struct {
	ID        uuid.UUID
	Quantity  Optional[float64]
	Unit      Optional[PantryUnit]
	ExpiresOn Optional[*time.Time]
}

// PantryItemFilter selects a page of ListPantryItems.
type PantryItemFilter struct {
	OwnerID uuid.UUID
	FoodID  uuid.UUID // zero: every food
	After   Cursor
	Limit   int
}

// ExpiryFilter selects a page of ListPantryItemsByExpiry: OwnerID's items
// that expire on or before Until (expired ones included), or, with a zero
// Until, all of them, those that never expire last.
type ExpiryFilter struct {
	OwnerID uuid.UUID
	Until   time.Time // a date; only its year, month and day count
	After   Cursor
	Limit   int
}

// ExpiringWithin is the Until of items that expire within days of today
// (the caller's date).
func ExpiringWithin(today time.Time, days int) time.Time {
	return dateOf(today).AddDate(0, 0, days)
}

var pantryItems = table[PantryItem, uuid.UUID]{name: "pantry_items", key: func(p PantryItem) uuid.UUID { return p.ID }, compare: compareUUID}

// InsertPantryItems inserts pantry items and returns them in input order.
// Like every insert, it does not check that the food is the owner's or
// shared; the caller (an action) does, in the same transaction.
func InsertPantryItems(ctx context.Context, dbtx DBTX, in []NewPantryItem) ([]PantryItem, error) {
	return insertRows(ctx, dbtx, pantryItems, in, func(ids []uuid.UUID, in []NewPantryItem) dbsqlc.InsertPantryItemsParams {
		n := len(in)
		p := dbsqlc.InsertPantryItemsParams{
			Ids:        ids,
			OwnerIds:   make([]uuid.UUID, n),
			FoodIds:    make([]uuid.UUID, n),
			Quantities: make([]float64, n),
			Units:      make([]string, n),
			ExpiresOns: make([]time.Time, n),
		}
		for i, it := range in {
			p.OwnerIds[i], p.FoodIds[i] = it.OwnerID, it.FoodID
			p.Quantities[i], p.Units[i] = it.Quantity, string(it.Unit)
			p.ExpiresOns[i] = dateOr(it.ExpiresOn)
		}
		return p
	}, (*dbsqlc.Queries).InsertPantryItems)
}

// SelectPantryItems returns owner's pantry items with the given ids, in the
// order of ids.
func SelectPantryItems(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]PantryItem, error) {
	return selectRows(ctx, dbtx, pantryItems, ids, func(ids []uuid.UUID) dbsqlc.SelectPantryItemsParams {
		return dbsqlc.SelectPantryItemsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectPantryItems)
}

// ListPantryItems returns a page of f.OwnerID's pantry items, oldest first.
func ListPantryItems(ctx context.Context, dbtx DBTX, f PantryItemFilter) (Page[PantryItem], error) {
	return listRows(ctx, dbtx, pantryItems.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListPantryItemsParams {
			return dbsqlc.ListPantryItemsParams{
				OwnerID:        f.OwnerID,
				FoodID:         nonNil(f.FoodID),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListPantryItems, func(p PantryItem) timeKey { return timeKey{p.CreatedAt, p.ID} })
}

// ListPantryItemsByExpiry returns a page of f.OwnerID's items, soonest
// expiry first (see ExpiryFilter).
func ListPantryItemsByExpiry(ctx context.Context, dbtx DBTX, f ExpiryFilter) (Page[PantryItem], error) {
	until := neverExpires
	if !f.Until.IsZero() {
		until = dateOf(f.Until)
	}
	return listRows(ctx, dbtx, pantryItems.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListPantryItemsByExpiryParams {
			return dbsqlc.ListPantryItemsByExpiryParams{
				OwnerID:        f.OwnerID,
				LastDay:        until,
				AfterExpiresOn: dateOf(after.At),
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListPantryItemsByExpiry,
		func(p PantryItem) timeKey { return timeKey{expiryOf(p), p.ID} })
}

// neverExpires is the date items without one sort as (see pantry_items.sql).
var neverExpires = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func expiryOf(p PantryItem) time.Time {
	if p.ExpiresOn == nil {
		return neverExpires
	}
	return *p.ExpiresOn
}

// LockPantryItems returns owner's items with the given ids, locked until
// the transaction dbtx ends, in id order (the lock order of every batch
// write). It is for read-modify-write inside WithTx.
func LockPantryItems(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]PantryItem, error) {
	sorted := slices.Clone(ids)
	slices.SortFunc(sorted, compareUUID)
	return keyedRows(ctx, dbtx, pantryItems, "lock", ids, sorted, func(ids []uuid.UUID) dbsqlc.LockPantryItemsParams {
		return dbsqlc.LockPantryItemsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).LockPantryItems)
}

// UpdatePantryItems applies the patches to owner's pantry items and
// returns the changed items in input order; patches of other items are
// left out.
func UpdatePantryItems(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []PantryItemPatch) ([]PantryItem, error) {
	return updateRows(ctx, dbtx, pantryItems, in, func(p PantryItemPatch) uuid.UUID { return p.ID },
		func(in []PantryItemPatch) dbsqlc.UpdatePantryItemsParams {
			n := len(in)
			p := dbsqlc.UpdatePantryItemsParams{
				OwnerID:       owner,
				Ids:           make([]uuid.UUID, n),
				SetQuantities: make([]bool, n),
				Quantities:    make([]float64, n),
				SetUnits:      make([]bool, n),
				Units:         make([]string, n),
				SetExpiresOns: make([]bool, n),
				ExpiresOns:    make([]time.Time, n),
			}
			for i, it := range in {
				p.Ids[i] = it.ID
				p.SetQuantities[i], p.Quantities[i] = it.Quantity.Set, it.Quantity.Value
				p.SetUnits[i], p.Units[i] = it.Unit.Set, string(it.Unit.Value)
				p.SetExpiresOns[i], p.ExpiresOns[i] = it.ExpiresOn.Set, dateOr(it.ExpiresOn.Value)
			}
			return p
		}, (*dbsqlc.Queries).UpdatePantryItems)
}

// DeletePantryItems deletes owner's pantry items with the given ids and
// returns them in the order of ids.
func DeletePantryItems(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]PantryItem, error) {
	return deleteRows(ctx, dbtx, pantryItems, ids, func(ids []uuid.UUID) dbsqlc.DeletePantryItemsParams {
		return dbsqlc.DeletePantryItemsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeletePantryItems)
}

// ListOwnersWithExpiringItems returns a page of the ids of users with an
// item that expires on or before lastDay, in id order.
func ListOwnersWithExpiringItems(ctx context.Context, dbtx DBTX, lastDay time.Time, after Cursor, limit int) (Page[uuid.UUID], error) {
	return listRows(ctx, dbtx, pantryItems.name, after, limit,
		func(after uuid.UUID, limit int32) dbsqlc.ListOwnersWithExpiringItemsParams {
			return dbsqlc.ListOwnersWithExpiringItemsParams{LastDay: dateOf(lastDay), AfterOwnerID: after, RowLimit: limit}
		},
		(*dbsqlc.Queries).ListOwnersWithExpiringItems, func(id uuid.UUID) uuid.UUID { return id })
}
