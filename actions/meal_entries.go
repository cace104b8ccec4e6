package actions

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// NewMealEntry is a journal entry for the acting user: grams of a food they
// can see, or servings of one of their recipes. The source not given is
// uuid.Nil (and 0).
type NewMealEntry struct {
	EatenAt  string    `json:"eaten_at" validate:"required,timestamp"`
	Meal     string    `json:"meal" validate:"required,meal_kind"`
	FoodID   uuid.UUID `json:"food_id,omitzero"`
	Grams    float64   `json:"grams,omitempty" validate:"finite,omitempty,gte=0.01,lte=10000"`
	RecipeID uuid.UUID `json:"recipe_id,omitzero"`
	Servings float64   `json:"servings,omitempty" validate:"finite,omitempty,gte=0.01,lte=100"`
}

// MealEntrySearch selects a page of the acting user's journal, in eating
// order. EatenFrom and EatenBefore (RFC 3339) bound the time eaten, from
// EatenFrom inclusive to EatenBefore exclusive. Empty fields do not
// filter.
type MealEntrySearch struct {
	EatenFrom   string `json:"eaten_from,omitempty" validate:"omitempty,timestamp"`
	EatenBefore string `json:"eaten_before,omitempty" validate:"omitempty,timestamp"`
	Meal        string `json:"meal,omitempty" validate:"omitempty,meal_kind"`
	After       string `json:"after,omitempty" validate:"max=1000"`
	Limit       int    `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// DateRange asks for the days From to To (inclusive, YYYY-MM-DD), calendar
// days in TimeZone (an IANA name; empty is UTC). It spans at most
// MaxRangeDays.
type DateRange struct {
	From     string `json:"from" validate:"required,date"`
	To       string `json:"to" validate:"required,date"`
	TimeZone string `json:"time_zone,omitempty" validate:"omitempty,max=64,timezone"`
}

// MaxRangeDays is the longest DateRange DailyTotals takes.
const MaxRangeDays = 366

// DayTotal is what the acting user ate on one day.
type DayTotal struct {
	Date    string `json:"date"` // YYYY-MM-DD
	Entries int32  `json:"entries"`
	db.Nutrients
}

// LogMeals adds entries to the acting user's journal, all or none. A food
// they cannot see, or a recipe that is not theirs, is invalid at that
// element's food_id or recipe_id.
func (a *Actions) LogMeals(ctx context.Context, actor uuid.UUID, in []NewMealEntry) Result[[]db.MealEntry] {
	return run(ctx, a, "LogMeals", func() ([]db.MealEntry, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []db.MealEntry{}, err
		}
		f := fields{}
		f.batch("entries", len(in))
		rows := make([]db.NewMealEntry, len(in))
		for i, m := range in {
			a.check(f, path("entries", i), m)
			eaten, _ := parseTime(m.EatenAt)
			rows[i] = db.NewMealEntry{OwnerID: actor, EatenAt: eaten, Meal: db.MealKind(m.Meal)}
			if m.RecipeID != uuid.Nil {
				rows[i].RecipeID, rows[i].Servings = idOrNil(m.RecipeID), &m.Servings
			} else {
				rows[i].FoodID, rows[i].Grams = idOrNil(m.FoodID), &m.Grams
			}
		}
		if err := f.err(); err != nil {
			return nil, err
		}
		var entries []db.MealEntry
		err := a.inTx(ctx, func(tx many.DBTX) error {
			if err := a.checkSources(ctx, tx, actor, rows); err != nil {
				return err
			}
			var err error
			entries, err = db.InsertMealEntries(ctx, tx, rows)
			return err
		})
		return entries, err
	})
}

// checkSources reports the entries whose food the actor cannot see or
// whose recipe is not theirs.
func (a *Actions) checkSources(ctx context.Context, tx many.DBTX, actor uuid.UUID, rows []db.NewMealEntry) error {
	var foodAt, recipeAt []int
	for i, r := range rows {
		if r.FoodID != nil {
			foodAt = append(foodAt, i)
		} else {
			recipeAt = append(recipeAt, i)
		}
	}
	missing := fields{}
	if err := seeFoods(ctx, tx, actor, len(foodAt), func(k int) uuid.UUID { return *rows[foodAt[k]].FoodID },
		func(k int) string { return path("entries", foodAt[k], "food_id") }, missing); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(recipeAt))
	for k, i := range recipeAt {
		ids[k] = *rows[i].RecipeID
	}
	recipes, err := db.SelectRecipes(ctx, tx, actor, ids)
	if err != nil {
		return err
	}
	owned := make(map[uuid.UUID]bool, len(recipes))
	for _, r := range recipes {
		owned[r.ID] = true
	}
	for _, i := range recipeAt {
		if !owned[*rows[i].RecipeID] {
			missing[path("entries", i, "recipe_id")] = "no such recipe"
		}
	}
	return missing.err()
}

// DeleteMealEntries removes entries from the acting user's journal, all or
// none; an entry that is not theirs is not found.
func (a *Actions) DeleteMealEntries(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.MealEntry] {
	return run(ctx, a, "DeleteMealEntries", func() ([]db.MealEntry, error) {
		return deleteOwn(ctx, a, actor, ids, db.DeleteMealEntries, func(m db.MealEntry) uuid.UUID { return m.ID }, "no such journal entry")
	})
}

// ListMealEntries returns a page of the acting user's journal in the
// order the entries were eaten, of the times and the meal q asks for.
func (a *Actions) ListMealEntries(ctx context.Context, actor uuid.UUID, q MealEntrySearch) Result[many.Page[db.MealEntry]] {
	return read(ctx, a, "ListMealEntries", func(dbtx many.DBTX) (many.Page[db.MealEntry], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.MealEntry]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		from, before := timePtr(q.EatenFrom), timePtr(q.EatenBefore)
		if len(f) == 0 && from != nil && before != nil && !before.After(*from) {
			f["eaten_before"] = "must be after eaten_from"
		}
		if err := f.err(); err != nil {
			return many.Page[db.MealEntry]{}, err
		}
		return db.ListMealEntries(ctx, dbtx, db.MealEntryFilter{
			OwnerID: actor, EatenFrom: from, EatenBefore: before, Meal: orNil(q.Meal), After: many.Cursor(q.After), Limit: q.Limit,
		})
	})
}

// timePtr parses a validated time, "" being none.
func timePtr(s string) *time.Time {
	if t, ok := parseTime(s); ok {
		return &t
	}
	return nil
}

// DailyTotals returns what the acting user ate on each day of the range:
// kcal, protein, fat, carbs and the rest, one element per day, days without
// entries included (as zeros).
func (a *Actions) DailyTotals(ctx context.Context, actor uuid.UUID, r DateRange) Result[[]DayTotal] {
	return read(ctx, a, "DailyTotals", func(dbtx many.DBTX) ([]DayTotal, error) {
		if err := acting(actor); err != nil {
			return nil, err
		}
		f := fields{}
		a.check(f, "", r)
		from, _ := parseDate(r.From)
		to, _ := parseDate(r.To)
		if len(f) == 0 {
			switch days := int(to.Sub(from).Hours()/24) + 1; {
			case days < 1:
				f["to"] = "must not be before from"
			case days > MaxRangeDays:
				f["to"] = "must be at most 366 days after from"
			}
		}
		if err := f.err(); err != nil {
			return nil, err
		}
		totals, err := db.DailyTotals(ctx, dbtx, db.DailyTotalsRange{OwnerID: actor, FirstDay: from, LastDay: to, TimeZone: r.TimeZone})
		if err != nil {
			return nil, err
		}
		byDay := make(map[string]db.DayTotals, len(totals))
		for _, t := range totals {
			byDay[t.Day.Format(DateLayout)] = t
		}
		var out []DayTotal
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			date := d.Format(DateLayout)
			t := byDay[date]
			out = append(out, DayTotal{Date: date, Entries: t.Entries, Nutrients: t.Nutrients})
		}
		return out, nil
	})
}
