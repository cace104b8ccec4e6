package db

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// MealEntry is a row of meal_entries: a food eaten by weight (FoodID,
// Grams) or servings of a recipe (RecipeID, Servings). NewMealEntry,
// MealEntryPatch, MealSource and MealEntryFilter are generated from the
// queries.
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

// DailyTotals returns the nutrients r.OwnerID ate per day over the range,
// for the days that have entries, in date order. A food entry counts grams
// / 100 of its food's nutrients; a recipe entry counts servings times the
// recipe's nutrients per serving. An unknown time zone is
// many.ErrInvalidValue.
func DailyTotals(ctx context.Context, dbtx many.DBTX, r DailyTotalsRange) ([]DayTotals, error) {
	tz := r.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	rows, err := dbsqlc.New(dbtx).DailyTotals(ctx, dbsqlc.DailyTotalsParams{
		OwnerID: r.OwnerID, TimeZone: tz, FirstDay: dateOf(r.FirstDay), LastDay: dateOf(r.LastDay),
	})
	if err != nil {
		return nil, fmt.Errorf("daily totals of meal_entries: %w", many.MapError(err))
	}
	out := make([]DayTotals, len(rows))
	for i, d := range rows {
		out[i] = DayTotals{Day: d.Day, Entries: d.Entries,
			Nutrients: Nutrients{d.EnergyKcal, d.ProteinG, d.FatG, d.CarbsG, d.FiberG, d.SugarG, d.SodiumMg}}
	}
	return out, nil
}
