package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/seed"
)

func TestSeedingTwiceAddsNothingTheSecondTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

	first, err := seed.Run(b.ctx, b.pool, seed.Options{Today: today, Logger: testLogger(t)})
	require.NoError(t, err)
	catalog, err := seed.Catalog()
	require.NoError(t, err)
	require.Equal(t, len(catalog), first.CatalogAdded)
	require.Equal(t, 3, first.UsersAdded)
	require.Positive(t, first.PantryItems)
	require.Positive(t, first.Recipes)
	require.Positive(t, first.Tags)
	require.Positive(t, first.MealEntries)
	require.Equal(t, first.MealEntries, count(t, b, "meal_entries"))

	second, err := seed.Run(b.ctx, b.pool, seed.Options{Today: today, Logger: testLogger(t)})
	require.NoError(t, err)
	require.Equal(t, seed.Report{CatalogSkipped: len(catalog), UsersSkipped: 3}, second)
	require.Equal(t, len(catalog), count(t, b, "foods"))
}

func TestSeedScaleAddsSyntheticRowsWithProgress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var seen []seed.Progress
	r, err := seed.Run(b.ctx, b.pool, seed.Options{Scale: 5_000, Logger: testLogger(t), Progress: func(p seed.Progress) { seen = append(seen, p) }})
	require.NoError(t, err)

	require.Equal(t, 50, r.Synthetic.Users)
	require.Equal(t, 5_000, r.Synthetic.MealEntries)
	require.Equal(t, 53, count(t, b, "users"), "3 demo users, 50 synthetic")
	require.Equal(t, r.MealEntries+5_000, count(t, b, "meal_entries"))
	require.Equal(t, r.PantryItems+500, count(t, b, "pantry_items"))
	require.GreaterOrEqual(t, len(seen), 2, "at the start and after each batch")
	require.Zero(t, seen[0].Done)
	last := seen[len(seen)-1]
	require.Equal(t, last.Total, last.Done)
	require.Equal(t, r.Synthetic.Rows, last.Done)
}
