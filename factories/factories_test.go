package factories

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
)

// TestFoodSamplesMeetTheSchema mirrors the foods CHECKs (see the foods
// migration); the integration tests insert the samples for real.
func TestFoodSamplesMeetTheSchema(t *testing.T) {
	t.Parallel()
	for _, s := range foodSamples {
		n := s.Nutrients
		require.True(t, n.EnergyKcal >= 0 && n.EnergyKcal <= 900, s.name)
		for _, g := range []float64{n.ProteinG, n.FatG, n.CarbsG, n.FiberG} {
			require.True(t, g >= 0 && g <= 100, s.name)
		}
		require.LessOrEqual(t, n.SugarG, n.CarbsG, s.name)
		require.LessOrEqual(t, n.ProteinG+n.FatG+n.CarbsG, 100.0, s.name)
		require.LessOrEqual(t, n.SodiumMg, 40000.0, s.name)
		// Energy is close to what the macros give (4/9/4 kcal per gram,
		// fibre counting less): the values are real foods, not noise.
		atwater := 4*n.ProteinG + 9*n.FatG + 4*(n.CarbsG-n.FiberG) + 2*n.FiberG
		require.InDelta(t, atwater, n.EnergyKcal, 0.15*atwater+10, s.name)
	}
}

func TestFoodTraitsPickMatchingFoods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give FoodBuilder
		ok   func(db.NewFood) bool
	}{
		{name: "high fat", give: Food().HighFat(), ok: func(f db.NewFood) bool { return f.FatG >= highFatG }},
		{name: "high protein", give: Food().HighProtein(), ok: func(f db.NewFood) bool { return f.ProteinG >= highProteinG }},
		{name: "high sugar", give: Food().HighSugar(), ok: func(f db.NewFood) bool { return f.SugarG >= highSugarG }},
		{name: "low calorie", give: Food().LowCalorie(), ok: func(f db.NewFood) bool { return f.EnergyKcal <= lowCalorieMax }},
		{name: "processed and high fat", give: Food().Processed().HighFat(),
			ok: func(f db.NewFood) bool { return f.Kind == db.FoodKindProcessed && f.FatG >= highFatG }},
		{name: "high fat and processed", give: Food().HighFat().Processed(),
			ok: func(f db.NewFood) bool { return f.Kind == db.FoodKindProcessed && f.FatG >= highFatG }},
		{name: "ultra-processed and high protein", give: Food().UltraProcessed().HighProtein(),
			ok: func(f db.NewFood) bool { return f.Kind == db.FoodKindUltraProcessed && f.ProteinG >= highProteinG }},
		{name: "whole fruit", give: Food().Whole().InCategory(db.FoodCategoryFruit),
			ok: func(f db.NewFood) bool { return f.Kind == db.FoodKindWhole && f.Category == db.FoodCategoryFruit }},
		{name: "a kind with no sample in the category is still that kind",
			give: Food().UltraProcessed().InCategory(db.FoodCategoryFruit),
			ok: func(f db.NewFood) bool {
				return f.Kind == db.FoodKindUltraProcessed && f.Category == db.FoodCategoryFruit
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				f := tt.give.Build()
				require.True(t, tt.ok(f), "%+v", f)
			}
		})
	}
}

func TestTraitsReturnCopies(t *testing.T) {
	t.Parallel()
	base := Food().Named("Base")
	left, right := base.Branded("Left"), base.Branded("Right")
	require.Equal(t, ptrTo("Left"), left.Build().Brand)
	require.Equal(t, ptrTo("Right"), right.Build().Brand)
	require.Nil(t, base.Build().Brand, "a trait does not change the builder it came from")
	require.Equal(t, "Base", left.Build().Name)

	fat := Food().HighFat()
	_ = fat.LowCalorie()
	for range 20 {
		require.GreaterOrEqual(t, fat.Build().FatG, float64(highFatG))
	}

	owner := db.User{ID: uuid.New()}
	owned := Food().OwnedBy(owner)
	require.Equal(t, &owner.ID, owned.Build().OwnerID)
	require.Nil(t, owned.Shared().Build().OwnerID)
	require.Equal(t, &owner.ID, owned.Build().OwnerID)
}

func TestBuildTouchesNoDatabaseAndLeavesUnknownParentsZero(t *testing.T) {
	t.Parallel()
	item := PantryItem().Build()
	require.Equal(t, uuid.Nil, item.OwnerID)
	require.Equal(t, uuid.Nil, item.FoodID)
	require.Positive(t, item.Quantity)

	food := db.Food{ID: uuid.New()}
	item = PantryItem().Of(food).Build()
	require.Equal(t, food.ID, item.FoodID)
}

func TestDefaultsAreDeterministicGivenSeedAndSequence(t *testing.T) {
	t.Parallel()
	pick := func(n uint64) db.NewFood {
		return pickFood(Food().HighProtein().wants)(Seq{n, rand.New(rand.NewPCG(seed, n))})
	}
	for n := uint64(1); n < 20; n++ {
		require.Equal(t, pick(n), pick(n))
	}
}

func TestUniqueValuesComeFromTheSequence(t *testing.T) {
	t.Parallel()
	emails := map[string]bool{}
	barcodes := map[string]bool{}
	for range 1000 {
		emails[User().Build().Email] = true
		barcodes[*Food().WithBarcode().Build().Barcode] = true
	}
	require.Len(t, emails, 1000)
	require.Len(t, barcodes, 1000)
}

func TestEAN13CheckDigit(t *testing.T) {
	t.Parallel()
	for n := uint64(0); n < 200; n += 7 {
		code := ean13(n)
		require.Len(t, code, 13)
		sum := 0
		for i, d := range code {
			v, err := strconv.Atoi(string(d))
			require.NoError(t, err)
			if i%2 == 1 {
				v *= 3
			}
			sum += v
		}
		require.Zero(t, sum%10, code)
	}
}

func TestPantryItemTraits(t *testing.T) {
	t.Parallel()
	day := today()
	require.Equal(t, day.AddDate(0, 0, 3), *PantryItem().ExpiringIn(3).Build().ExpiresOn)
	require.Equal(t, day.AddDate(0, 0, -1), *PantryItem().Expired().Build().ExpiresOn)
	require.Nil(t, PantryItem().NonPerishable().Build().ExpiresOn)
	item := PantryItem().Pieces(6).Build()
	require.Equal(t, 6.0, item.Quantity)
	require.Equal(t, db.PantryUnitPiece, item.Unit)
}

func TestMealEntryTraitsSettleTheTimeWhateverTheirOrder(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	want := day.Add(8 * time.Hour)
	require.Equal(t, want, MealEntry().On(day).Breakfast().Build().EatenAt)
	require.Equal(t, want, MealEntry().Breakfast().On(day).Build().EatenAt)
	exact := day.Add(23*time.Hour + 59*time.Minute)
	require.Equal(t, exact, MealEntry().At(exact).Dinner().Build().EatenAt)

	recipe := db.Recipe{ID: uuid.New()}
	entry := MealEntry().OfRecipe(recipe, 2).Build()
	require.Equal(t, &recipe.ID, entry.RecipeID)
	require.Equal(t, ptrTo(2.0), entry.Servings)
	require.Nil(t, entry.Grams)
	require.Nil(t, entry.FoodID)
}
