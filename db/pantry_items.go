package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// PantryItem is a row of pantry_items: a quantity of a food a user has.
// NewPantryItem, PantryItemPatch and PantryItemFilter are generated from
// the queries.
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

// ExpiryFilter selects a page of ListPantryItemsByExpiry: OwnerID's items
// that expire on or before Until (expired ones included), or, with a zero
// Until, all of them, those that never expire last.
type ExpiryFilter struct {
	OwnerID uuid.UUID
	Until   time.Time // a date; only its year, month and day count
	After   many.Cursor
	Limit   int
}

// ExpiringWithin is the Until of items that expire within days of today
// (the caller's date).
func ExpiringWithin(today time.Time, days int) time.Time {
	return dateOf(today).AddDate(0, 0, days)
}

// neverExpires is the date items without one sort as (see pantry_items.sql).
var neverExpires = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// expiryKey is the key of the lists by expiry.
type expiryKey struct {
	ExpiresOn time.Time `json:"expires_on"`
	ID        uuid.UUID `json:"id"`
}

// ListPantryItemsByExpiry returns a page of f.OwnerID's items, soonest
// expiry first (see ExpiryFilter).
func ListPantryItemsByExpiry(ctx context.Context, dbtx many.DBTX, f ExpiryFilter) (many.Page[PantryItem], error) {
	until := neverExpires
	if !f.Until.IsZero() {
		until = dateOf(f.Until)
	}
	key := func(p *PantryItem) expiryKey {
		if p.ExpiresOn == nil {
			return expiryKey{neverExpires, p.ID}
		}
		return expiryKey{*p.ExpiresOn, p.ID}
	}
	return many.List(ctx, dbtx, "pantry_items", f.After, f.Limit, key, func(ctx context.Context, dbtx many.DBTX, after expiryKey, limit int32) ([]PantryItem, error) {
		return dbsqlc.New(dbtx).ListPantryItemsByExpiry(ctx, dbsqlc.ListPantryItemsByExpiryParams{
			OwnerID: f.OwnerID, LastDay: until, AfterExpiresOn: dateOf(after.ExpiresOn), AfterID: after.ID, RowLimit: limit,
		})
	})
}

// ListOwnersWithExpiringItems returns a page of the ids of users with an
// item that expires on or before lastDay, in id order.
func ListOwnersWithExpiringItems(ctx context.Context, dbtx many.DBTX, lastDay time.Time, after many.Cursor, limit int) (many.Page[uuid.UUID], error) {
	return many.List(ctx, dbtx, "pantry_items", after, limit, func(id *uuid.UUID) uuid.UUID { return *id },
		func(ctx context.Context, dbtx many.DBTX, after uuid.UUID, limit int32) ([]uuid.UUID, error) {
			return dbsqlc.New(dbtx).ListOwnersWithExpiringItems(ctx, dbsqlc.ListOwnersWithExpiringItemsParams{
				LastDay: dateOf(lastDay), AfterOwnerID: after, RowLimit: limit,
			})
		})
}

// dateOf is t's calendar date (in t's location) at midnight UTC: the form
// pgx sends for a date parameter without shifting the day.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
