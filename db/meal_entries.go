package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// MealEntry is a row of meal_entries: a food eaten by weight (FoodID,
// Grams) or servings of a recipe (RecipeID, Servings).
type MealEntry = dbsqlc.MealEntry

// MealKind is the meal an entry belongs to.
type MealKind = dbsqlc.MealKind

// Meals.
const (
	MealKindBreakfast = dbsqlc.MealKindBreakfast
	MealKindLunch     = dbsqlc.MealKindLunch
	MealKindDinner    = dbsqlc.MealKindDinner
	MealKindSnack     = dbsqlc.MealKindSnack
)

// MealKinds returns every meal.
func MealKinds() []MealKind { return dbsqlc.AllMealKindValues() }

// MealSource is what was eaten: either FoodID and Grams, or RecipeID and
// Servings, the other pair zero.
type MealSource struct {
	FoodID   uuid.UUID
	Grams    float64
	RecipeID uuid.UUID
	Servings float64
}

// NewMealEntry is a journal entry to insert.
type NewMealEntry struct {
	OwnerID uuid.UUID
	EatenAt time.Time
	Meal    MealKind
	MealSource
}

// MealEntryPatch changes one entry; unset fields keep their value. Source
// replaces the whole (food, grams, recipe, servings) group.
type MealEntryPatch struct {
	ID      uuid.UUID
	EatenAt Optional[time.Time]
	Meal    Optional[MealKind]
	Source  Optional[MealSource]
}

// MealEntryFilter selects a page of ListMealEntries: OwnerID's entries
// eaten in [From, Before), in eating order. A zero Before has no end.
type MealEntryFilter struct {
	OwnerID uuid.UUID
	From    time.Time
	Before  time.Time
	Meal    MealKind // empty: every meal
	After   Cursor
	Limit   int
}

// DayTotals are the nutrients a user ate on one day.
type DayTotals struct {
	Day     time.Time `json:"day"` // midnight UTC of the calendar day
	Entries int32     `json:"entries"`
	Nutrients
}

// DailyTotalsRange asks for the totals of OwnerID's days from FirstDay to
// LastDay (inclusive; only their dates count), days being calendar days in
// TimeZone (an IANA name; empty: UTC).
type DailyTotalsRange struct {
	OwnerID  uuid.UUID
	FirstDay time.Time
	LastDay  time.Time
	TimeZone string
}

// endOfTime is the Before of a filter that has no end.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

var mealEntries = table[MealEntry, uuid.UUID]{name: "meal_entries", key: func(m MealEntry) uuid.UUID { return m.ID }, compare: compareUUID}

// InsertMealEntries inserts journal entries and returns them in input
// order. Like every insert, it does not check that the food or recipe is
// the owner's; the caller (an action) does, in the same transaction.
func InsertMealEntries(ctx context.Context, dbtx DBTX, in []NewMealEntry) ([]MealEntry, error) {
	return insertRows(ctx, dbtx, mealEntries, in, func(ids []uuid.UUID, in []NewMealEntry) dbsqlc.InsertMealEntriesParams {
		n := len(in)
		p := dbsqlc.InsertMealEntriesParams{
			Ids:       ids,
			OwnerIds:  make([]uuid.UUID, n),
			EatenAts:  make([]time.Time, n),
			Meals:     make([]string, n),
			FoodIds:   make([]uuid.UUID, n),
			Grams:     make([]float64, n),
			RecipeIds: make([]uuid.UUID, n),
			Servings:  make([]float64, n),
		}
		for i, m := range in {
			p.OwnerIds[i], p.EatenAts[i], p.Meals[i] = m.OwnerID, m.EatenAt, string(m.Meal)
			p.FoodIds[i], p.Grams[i], p.RecipeIds[i], p.Servings[i] = m.FoodID, m.Grams, m.RecipeID, m.Servings
		}
		return p
	}, (*dbsqlc.Queries).InsertMealEntries)
}

// CopyMealEntries bulk-loads journal entries with COPY, each with a new
// UUIDv7, and returns how many it wrote; nothing is read back (see
// CopyFoods).
func CopyMealEntries(ctx context.Context, dbtx DBTX, in []NewMealEntry) (int64, error) {
	return copyRows(ctx, dbtx, mealEntries.name, in, func(ids []uuid.UUID, in []NewMealEntry, out []dbsqlc.CopyMealEntriesParams) []dbsqlc.CopyMealEntriesParams {
		for i, m := range in {
			p := dbsqlc.CopyMealEntriesParams{ID: ids[i], OwnerID: m.OwnerID, EatenAt: m.EatenAt, Meal: m.Meal}
			if m.RecipeID != uuid.Nil {
				p.RecipeID, p.Servings = &in[i].RecipeID, &in[i].Servings
			} else {
				p.FoodID, p.Grams = &in[i].FoodID, &in[i].Grams
			}
			out = append(out, p)
		}
		return out
	}, (*dbsqlc.Queries).CopyMealEntries)
}

// SelectMealEntries returns owner's entries with the given ids, in the
// order of ids.
func SelectMealEntries(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]MealEntry, error) {
	return selectRows(ctx, dbtx, mealEntries, ids, func(ids []uuid.UUID) dbsqlc.SelectMealEntriesParams {
		return dbsqlc.SelectMealEntriesParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectMealEntries)
}

// ListMealEntries returns a page of f.OwnerID's entries in eating order.
func ListMealEntries(ctx context.Context, dbtx DBTX, f MealEntryFilter) (Page[MealEntry], error) {
	before := f.Before
	if before.IsZero() {
		before = endOfTime
	}
	return listRows(ctx, dbtx, mealEntries.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListMealEntriesParams {
			return dbsqlc.ListMealEntriesParams{
				OwnerID:      f.OwnerID,
				EatenFrom:    f.From,
				EatenBefore:  before,
				Meal:         nonEmpty(f.Meal),
				AfterEatenAt: after.At,
				AfterID:      after.ID,
				RowLimit:     limit,
			}
		},
		(*dbsqlc.Queries).ListMealEntries, func(m MealEntry) timeKey { return timeKey{m.EatenAt, m.ID} })
}

// UpdateMealEntries applies the patches to owner's entries and returns the
// changed entries in input order; patches of other entries are left out.
func UpdateMealEntries(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []MealEntryPatch) ([]MealEntry, error) {
	return updateRows(ctx, dbtx, mealEntries, in, func(p MealEntryPatch) uuid.UUID { return p.ID },
		func(in []MealEntryPatch) dbsqlc.UpdateMealEntriesParams {
			n := len(in)
			p := dbsqlc.UpdateMealEntriesParams{
				OwnerID:     owner,
				Ids:         make([]uuid.UUID, n),
				SetEatenAts: make([]bool, n),
				EatenAts:    make([]time.Time, n),
				SetMeals:    make([]bool, n),
				Meals:       make([]string, n),
				SetSources:  make([]bool, n),
				FoodIds:     make([]uuid.UUID, n),
				Grams:       make([]float64, n),
				RecipeIds:   make([]uuid.UUID, n),
				Servings:    make([]float64, n),
			}
			for i, m := range in {
				s := m.Source.Value
				p.Ids[i] = m.ID
				p.SetEatenAts[i], p.EatenAts[i] = m.EatenAt.Set, m.EatenAt.Value
				p.SetMeals[i], p.Meals[i] = m.Meal.Set, string(m.Meal.Value)
				p.SetSources[i] = m.Source.Set
				p.FoodIds[i], p.Grams[i], p.RecipeIds[i], p.Servings[i] = s.FoodID, s.Grams, s.RecipeID, s.Servings
			}
			return p
		}, (*dbsqlc.Queries).UpdateMealEntries)
}

// DeleteMealEntries deletes owner's entries with the given ids and returns
// them in the order of ids.
func DeleteMealEntries(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]MealEntry, error) {
	return deleteRows(ctx, dbtx, mealEntries, ids, func(ids []uuid.UUID) dbsqlc.DeleteMealEntriesParams {
		return dbsqlc.DeleteMealEntriesParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteMealEntries)
}

// DailyTotals returns the nutrients r.OwnerID ate per day over the range,
// for the days that have entries, in date order. A food entry counts grams
// / 100 of its food's nutrients; a recipe entry counts servings times the
// recipe's nutrients per serving. An unknown time zone is ErrInvalidValue.
func DailyTotals(ctx context.Context, dbtx DBTX, r DailyTotalsRange) ([]DayTotals, error) {
	tz := r.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	rows, err := dbsqlc.New(dbtx).DailyTotals(ctx, dbsqlc.DailyTotalsParams{
		OwnerID:  r.OwnerID,
		TimeZone: tz,
		FirstDay: dateOf(r.FirstDay),
		LastDay:  dateOf(r.LastDay),
	})
	if err != nil {
		return nil, mealEntries.fail("daily totals of", err)
	}
	out := make([]DayTotals, len(rows))
	for i, d := range rows {
		out[i] = DayTotals{
			Day: d.Day, Entries: d.Entries,
			Nutrients: Nutrients{d.EnergyKcal, d.ProteinG, d.FatG, d.CarbsG, d.FiberG, d.SugarG, d.SodiumMg},
		}
	}
	return out, nil
}
