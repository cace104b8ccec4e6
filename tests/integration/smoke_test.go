package integration

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/tests/testdb"
)

func TestSmoke(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	foods, err := db.InsertFoods(t.Context(), pool, []db.NewFood{{Name: "Apple", Kind: db.FoodKindWhole, Category: db.FoodCategoryFruit, Nutrients: db.Nutrients{EnergyKcal: 52, CarbsG: 14, SugarG: 10}}})
	require.NoError(t, err)
	require.Len(t, foods, 1)
	t.Logf("%+v", foods[0])
}
