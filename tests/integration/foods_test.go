package integration

import (
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func TestInsertFoodsStoresEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	in := db.NewFood{
		OwnerID: &owner.ID, Name: `Grandma's "Secret" Granola; DROP TABLE foods;--`, Brand: ptr("مطبخ"), Barcode: ptr("4006381333931"),
		Kind: db.FoodKindProcessed, Category: db.FoodCategoryGrain,
		Nutrients: db.Nutrients{EnergyKcal: 471.5, ProteinG: 10.256, FatG: 20, CarbsG: 60.5, FiberG: 7, SugarG: 22.25, SodiumMg: 35},
	}

	food, err := many.First(db.InsertFoods(b.ctx, b.pool, []db.NewFood{in}))

	require.NoError(t, err)
	require.Equal(t, &owner.ID, food.OwnerID)
	require.Equal(t, in.Name, food.Name)
	require.Equal(t, ptr("مطبخ"), food.Brand)
	require.Equal(t, ptr("4006381333931"), food.Barcode)
	require.Equal(t, db.FoodKindProcessed, food.Kind)
	require.Equal(t, db.FoodCategoryGrain, food.Category)
	require.Equal(t, db.Nutrients{EnergyKcal: 471.5, ProteinG: 10.26, FatG: 20, CarbsG: 60.5, FiberG: 7, SugarG: 22.25, SodiumMg: 35},
		db.NutrientsOf(food), "numeric(5,2) rounds to two decimals")
}

func TestSharedFoodsHaveNoOwnerBrandOrBarcode(t *testing.T) {
	t.Parallel()
	b := setup(t)

	food, err := many.First(db.InsertFoods(b.ctx, b.pool, []db.NewFood{factories.Food().Build()}))

	require.NoError(t, err)
	require.Nil(t, food.OwnerID)
	require.Nil(t, food.Brand)
	require.Nil(t, food.Barcode)
}

func TestFoodChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name   string
		change func(*db.NewFood)
		want   error
	}{
		{name: "empty name", change: func(f *db.NewFood) { f.Name = "" }, want: many.ErrCheckViolation},
		{name: "negative protein", change: func(f *db.NewFood) { f.ProteinG = -1 }, want: many.ErrCheckViolation},
		{name: "more sugar than carbs", change: func(f *db.NewFood) { f.SugarG = f.CarbsG + 1 }, want: many.ErrCheckViolation},
		{name: "macros over 100 g", change: func(f *db.NewFood) { f.ProteinG, f.FatG, f.CarbsG, f.SugarG = 40, 40, 40, 0 }, want: many.ErrCheckViolation},
		{name: "energy over 900 kcal", change: func(f *db.NewFood) { f.EnergyKcal = 901 }, want: many.ErrCheckViolation},
		{name: "NaN", change: func(f *db.NewFood) { f.FatG = math.NaN() }, want: many.ErrCheckViolation},
		{name: "infinity", change: func(f *db.NewFood) { f.EnergyKcal = math.Inf(1) }, want: many.ErrInvalidValue},
		{name: "barcode with letters", change: func(f *db.NewFood) { f.Barcode = ptr("ABC12345") }, want: many.ErrCheckViolation},
		{name: "unknown kind", change: func(f *db.NewFood) { f.Kind = "raw" }, want: many.ErrInvalidValue},
		{name: "missing category", change: func(f *db.NewFood) { f.Category = "" }, want: many.ErrInvalidValue},
		{name: "invalid UTF-8", change: func(f *db.NewFood) { f.Name = "caf\xe9" }, want: many.ErrInvalidValue},
		{name: "owner that does not exist", change: func(f *db.NewFood) { f.OwnerID = ptr(uuid.New()) }, want: many.ErrForeignKeyViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []db.NewFood{factories.Food().Build(), factories.Food().Build()}
			tt.change(&in[1])
			_, err := db.InsertFoods(b.ctx, b.pool, in)
			require.ErrorIs(t, err, tt.want)
		})
	}
	require.Zero(t, count(t, b, "foods"))
}

func TestFoodsAreVisibleToTheirOwnerAndTheCatalogToAll(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	shared := factories.Food().MustCreate(t, b.pool)
	annsFood := factories.Food().OwnedBy(ann).MustCreate(t, b.pool)
	ids := []uuid.UUID{shared.ID, annsFood.ID}

	asAnn, err := db.SelectFoods(b.ctx, b.pool, &ann.ID, ids)
	require.NoError(t, err)
	require.Equal(t, ids, foodIDs(asAnn))

	asBo, err := db.SelectFoods(b.ctx, b.pool, &bo.ID, ids)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{shared.ID}, foodIDs(asBo))

	asNobody, err := db.SelectFoods(b.ctx, b.pool, nil, ids)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{shared.ID}, foodIDs(asNobody))

	page, err := db.ListFoods(b.ctx, b.pool, db.FoodFilter{ViewerID: &bo.ID})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{shared.ID}, foodIDs(page.Items))
}

func TestListFoodsFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	wholeGrain := factories.Food().OwnedBy(owner).Whole().InCategory(db.FoodCategoryGrain)
	foods := []db.Food{
		factories.Food().OwnedBy(owner).Named("Oat Milk").Processed().InCategory(db.FoodCategoryBeverage).MustCreate(t, b.pool),
		wholeGrain.Named("Rolled oats").WithTags("breakfast").MustCreate(t, b.pool),
		wholeGrain.Named("100% rye_bread").MustCreate(t, b.pool),
		wholeGrain.Named("1000 rye bread").MustCreate(t, b.pool),
	}
	tags, err := db.ListTags(b.ctx, b.pool, db.TagFilter{OwnerID: owner.ID})
	require.NoError(t, err)

	tests := []struct {
		name   string
		filter db.FoodFilter
		want   []uuid.UUID
	}{
		{name: "name, any case", filter: db.FoodFilter{NameContains: ptr("OAT")}, want: []uuid.UUID{foods[0].ID, foods[1].ID}},
		{name: "LIKE wildcards match literally", filter: db.FoodFilter{NameContains: ptr("0% rye_")}, want: []uuid.UUID{foods[2].ID}},
		{name: "kind", filter: db.FoodFilter{Kind: ptr(string(db.FoodKindProcessed))}, want: []uuid.UUID{foods[0].ID}},
		{name: "category", filter: db.FoodFilter{Category: ptr(string(db.FoodCategoryBeverage))}, want: []uuid.UUID{foods[0].ID}},
		{name: "tag", filter: db.FoodFilter{TagID: &tags.Items[0].Tag.ID}, want: []uuid.UUID{foods[1].ID}},
		{name: "filters combine", filter: db.FoodFilter{NameContains: ptr("oat"), Kind: ptr(string(db.FoodKindWhole))}, want: []uuid.UUID{foods[1].ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.filter.ViewerID = &owner.ID
			page, err := db.ListFoods(b.ctx, b.pool, tt.filter)
			require.NoError(t, err)
			require.Equal(t, tt.want, foodIDs(page.Items))
		})
	}
}

func TestUpdateFoodsChangesOnlySetFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	in := factories.Food().OwnedBy(owner).BuildMany(2)
	in[0].Brand, in[0].Barcode = ptr("Acme"), ptr("4006381333931")
	foods, err := db.InsertFoods(b.ctx, b.pool, in)
	require.NoError(t, err)
	nutrients := db.Nutrients{EnergyKcal: 100, ProteinG: 1, FatG: 2, CarbsG: 3, FiberG: 0.5, SugarG: 1.5, SodiumMg: 4}

	updated, err := db.UpdateFoods(b.ctx, b.pool, &owner.ID, []db.FoodPatch{
		{ID: foods[0].ID, Brand: many.Set[*string](nil), Barcode: many.Set[*string](nil)},
		{ID: foods[1].ID, Name: many.Set("Renamed"), Kind: many.Set(db.FoodKindUltraProcessed), Category: many.Set(db.FoodCategorySweet), Nutrients: many.Set(nutrients)},
	})

	require.NoError(t, err)
	require.Nil(t, updated[0].Brand, "set to empty clears")
	require.Nil(t, updated[0].Barcode)
	require.Equal(t, foods[0].Name, updated[0].Name)
	require.Equal(t, db.NutrientsOf(foods[0]), db.NutrientsOf(updated[0]))
	require.Equal(t, "Renamed", updated[1].Name)
	require.Equal(t, db.FoodKindUltraProcessed, updated[1].Kind)
	require.Equal(t, db.FoodCategorySweet, updated[1].Category)
	require.Equal(t, nutrients, db.NutrientsOf(updated[1]))
}

func TestFoodWritesAreScopedToTheOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	annsFood := factories.Food().OwnedBy(ann).MustCreate(t, b.pool)
	shared := factories.Food().MustCreate(t, b.pool)
	ids := []uuid.UUID{annsFood.ID, shared.ID}
	rename := []db.FoodPatch{{ID: annsFood.ID, Name: many.Set("Taken")}, {ID: shared.ID, Name: many.Set("Taken")}}

	updated, err := db.UpdateFoods(b.ctx, b.pool, &bo.ID, rename)
	require.NoError(t, err)
	require.Empty(t, updated, "Bo may change neither Ann's food nor the catalog")
	deleted, err := db.DeleteFoods(b.ctx, b.pool, &bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)

	updated, err = db.UpdateFoods(b.ctx, b.pool, &ann.ID, rename)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{annsFood.ID}, foodIDs(updated), "Ann may change her own food only")

	updated, err = db.UpdateFoods(b.ctx, b.pool, nil, rename)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{shared.ID}, foodIDs(updated), "a nil owner is the catalog")

	require.Equal(t, 2, count(t, b, "foods"))
}

func TestFoodsInUseCannotBeDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().OwnedBy(owner).MustCreateMany(t, b.pool, 2)
	factories.Recipe().OwnedBy(owner).Using(foods[0]).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(owner).OfFood(foods[1], 30).MustCreate(t, b.pool)

	for _, food := range foods {
		_, err := db.DeleteFoods(b.ctx, b.pool, &owner.ID, []uuid.UUID{food.ID})
		var ce *many.ConstraintError
		require.ErrorAs(t, err, &ce)
		require.ErrorIs(t, err, many.ErrForeignKeyViolation)
		used, err := db.FoodsInUse(b.ctx, b.pool, foodIDs(foods))
		require.NoError(t, err)
		require.ElementsMatch(t, foodIDs(foods), used, "which foods are in use, read from the database")
	}
	require.Equal(t, 2, count(t, b, "foods"))
}
