package db

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// Food is a row of foods: a catalog entry with nutrients per 100 g (whose
// CHECKs internal/validation's rules repeat). A nil OwnerID is the shared
// catalog. NewFood (InsertFoods), FoodPatch (UpdateFoods) and FoodFilter
// (ListFoods) are generated from the queries.
type Food = dbsqlc.Food

// FoodKind is how processed a food is.
type FoodKind = dbsqlc.FoodKind

// Food kinds.
const (
	FoodKindWhole          = dbsqlc.FoodKindWhole
	FoodKindProcessed      = dbsqlc.FoodKindProcessed
	FoodKindUltraProcessed = dbsqlc.FoodKindUltraProcessed
)

// FoodKinds returns every food kind.
func FoodKinds() []FoodKind { return dbsqlc.AllFoodKindValues() }

// FoodCategory is a food's place in the catalog.
type FoodCategory = dbsqlc.FoodCategory

// Food categories.
const (
	FoodCategoryFruit     = dbsqlc.FoodCategoryFruit
	FoodCategoryVegetable = dbsqlc.FoodCategoryVegetable
	FoodCategoryGrain     = dbsqlc.FoodCategoryGrain
	FoodCategoryProtein   = dbsqlc.FoodCategoryProtein
	FoodCategoryDairy     = dbsqlc.FoodCategoryDairy
	FoodCategoryFat       = dbsqlc.FoodCategoryFat
	FoodCategorySweet     = dbsqlc.FoodCategorySweet
	FoodCategoryBeverage  = dbsqlc.FoodCategoryBeverage
	FoodCategoryOther     = dbsqlc.FoodCategoryOther
)

// FoodCategories returns every food category.
func FoodCategories() []FoodCategory { return dbsqlc.AllFoodCategoryValues() }

// NutrientsOf returns a food's nutrients.
func NutrientsOf(f Food) Nutrients {
	return Nutrients{f.EnergyKcal, f.ProteinG, f.FatG, f.CarbsG, f.FiberG, f.SugarG, f.SodiumMg}
}

// ImportCatalogFoods adds foods to the shared catalog (their OwnerID is not
// used) and returns those it added, in input order: a food the catalog has
// already, by name and brand regardless of case, is skipped, so an import
// can run again. Imports run one at a time (a transaction-level advisory
// lock), in one transaction (a savepoint in dbtx's).
func ImportCatalogFoods(ctx context.Context, dbtx many.DBTX, in []NewFood) ([]Food, error) {
	if len(in) == 0 {
		return []Food{}, nil
	}
	var added []Food
	err := many.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		if err := dbsqlc.New(tx).LockCatalogImports(ctx); err != nil {
			return err
		}
		var err error
		added, err = InsertCatalogFoods(ctx, tx, in)
		return err
	})
	return added, err
}

// SelectFoodsByBarcode returns, in the order of barcodes, the food viewer
// sees under each: its own when it has one, else the shared catalog's (a
// nil viewer sees only the catalog). Barcodes neither has are left out;
// another owner's foods never match.
func SelectFoodsByBarcode(ctx context.Context, dbtx many.DBTX, viewer *uuid.UUID, barcodes []string) ([]Food, error) {
	key := many.Key[Food, string]{Of: func(f *Food) string { return *f.Barcode }, Compare: strings.Compare}
	return many.Select(ctx, dbtx, "foods", barcodes, key, many.Rows(func(ctx context.Context, dbtx many.DBTX, barcodes []string) ([]Food, error) {
		return dbsqlc.New(dbtx).SelectFoodsByBarcode(ctx, dbsqlc.SelectFoodsByBarcodeParams{Barcodes: barcodes, ViewerID: viewer})
	}))
}

// FoodsInUse returns which of the given foods a recipe or the journal
// refers to: those that keep a delete of them from committing.
func FoodsInUse(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]uuid.UUID, error) {
	used, err := dbsqlc.New(dbtx).SelectFoodsInUse(ctx, ids)
	return used, many.MapError(err)
}
