package db

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db/dbsqlc"
)

// Food is a row of foods: a catalog entry with nutrients per 100 g. A nil
// OwnerID is the shared catalog.
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

// Nutrients are per 100 g of a food. The schema's CHECKs bound them: energy
// 0-900 kcal, grams 0-100 each with protein + fat + carbs <= 100 and sugar
// <= carbs, sodium 0-40,000 mg. The validate tags say the same for package
// actions (which adds the rules between fields).
type Nutrients struct {
	EnergyKcal float64 `json:"energy_kcal" validate:"finite,gte=0,lte=900"`
	ProteinG   float64 `json:"protein_g" validate:"finite,gte=0,lte=100"`
	FatG       float64 `json:"fat_g" validate:"finite,gte=0,lte=100"`
	CarbsG     float64 `json:"carbs_g" validate:"finite,gte=0,lte=100"`
	FiberG     float64 `json:"fiber_g" validate:"finite,gte=0,lte=100"`
	SugarG     float64 `json:"sugar_g" validate:"finite,gte=0,lte=100"`
	SodiumMg   float64 `json:"sodium_mg" validate:"finite,gte=0,lte=40000"`
}

// NutrientsOf returns a food's nutrients.
func NutrientsOf(f Food) Nutrients {
	return Nutrients{f.EnergyKcal, f.ProteinG, f.FatG, f.CarbsG, f.FiberG, f.SugarG, f.SodiumMg}
}

// NewFood is a food to insert.
type NewFood struct {
	OwnerID  *uuid.UUID // nil: the shared catalog
	Name     string
	Brand    string // empty: none
	Barcode  string // empty: none; unique within the owner's foods (or the catalog)
	Kind     FoodKind
	Category FoodCategory
	Nutrients
}

// FoodPatch changes one food; unset fields keep their value. Brand and
// Barcode set to "" clear them. Nutrients are set together.
type FoodPatch struct {
	ID        uuid.UUID
	Name      Optional[string]
	Brand     Optional[string]
	Barcode   Optional[string]
	Kind      Optional[FoodKind]
	Category  Optional[FoodCategory]
	Nutrients Optional[Nutrients]
}

// FoodFilter selects a page of ListFoods. Zero fields do not filter.
type FoodFilter struct {
	ViewerID     *uuid.UUID // whose foods, besides the shared catalog; nil: only the catalog
	NameContains string     // case-insensitive substring of the name, matched literally
	Kind         FoodKind
	Category     FoodCategory
	TagID        uuid.UUID // foods tagged with this tag
	After        Cursor
	Limit        int
}

var (
	foods          = table[Food, uuid.UUID]{name: "foods", key: func(f Food) uuid.UUID { return f.ID }, compare: compareUUID}
	foodsByBarcode = table[Food, string]{name: "foods", key: func(f Food) string { return deref(f.Barcode) }, compare: strings.Compare}
)

// InsertFoods inserts foods and returns them in input order.
func InsertFoods(ctx context.Context, dbtx DBTX, in []NewFood) ([]Food, error) {
	return insertRows(ctx, dbtx, foods, in, packNewFoods, (*dbsqlc.Queries).InsertFoods)
}

// CopyFoods bulk-loads foods with COPY, each with a new UUIDv7, and
// returns how many it wrote. Nothing is read back: for loads that need
// no rows returned, it runs within a few percent of pgx CopyFrom
// (docs/BENCHMARKS.md).
// Constraint violations abort the whole load.
func CopyFoods(ctx context.Context, dbtx DBTX, in []NewFood) (int64, error) {
	return copyRows(ctx, dbtx, foods.name, in, func(ids []uuid.UUID, in []NewFood, out []dbsqlc.CopyFoodsParams) []dbsqlc.CopyFoodsParams {
		for i, f := range in {
			n := f.Nutrients
			out = append(out, dbsqlc.CopyFoodsParams{
				ID: ids[i], OwnerID: f.OwnerID, Name: f.Name, Brand: nonEmptyIn(&in[i].Brand), Barcode: nonEmptyIn(&in[i].Barcode),
				Kind: f.Kind, Category: f.Category,
				EnergyKcal: n.EnergyKcal, ProteinG: n.ProteinG, FatG: n.FatG, CarbsG: n.CarbsG, FiberG: n.FiberG, SugarG: n.SugarG, SodiumMg: n.SodiumMg,
			})
		}
		return out
	}, (*dbsqlc.Queries).CopyFoods)
}

// ImportCatalogFoods adds foods to the shared catalog (their OwnerID is
// ignored) and returns those it added, in input order: a food the catalog
// has already, by name and brand regardless of case, is skipped, so an
// import can run again. Imports run one at a time (a transaction-level
// advisory lock), in one transaction (a savepoint in dbtx's).
func ImportCatalogFoods(ctx context.Context, dbtx DBTX, in []NewFood) ([]Food, error) {
	if len(in) == 0 {
		return []Food{}, nil
	}
	var added []Food
	err := WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		if err := dbsqlc.New(tx).LockCatalogImports(ctx); err != nil {
			return foods.fail("import", err)
		}
		var err error
		added, err = insertRows(ctx, tx, foods, in, func(ids []uuid.UUID, in []NewFood) dbsqlc.ImportCatalogFoodsParams {
			return dbsqlc.ImportCatalogFoodsParams(packNewFoods(ids, in))
		}, (*dbsqlc.Queries).ImportCatalogFoods)
		return err
	})
	return added, err
}

func packNewFoods(ids []uuid.UUID, in []NewFood) dbsqlc.InsertFoodsParams {
	n := len(in)
	p := dbsqlc.InsertFoodsParams{
		Ids:         ids,
		OwnerIds:    make([]uuid.UUID, n),
		Names:       make([]string, n),
		Brands:      make([]string, n),
		Barcodes:    make([]string, n),
		Kinds:       make([]string, n),
		Categories:  make([]string, n),
		EnergyKcals: make([]float64, n),
		ProteinGs:   make([]float64, n),
		FatGs:       make([]float64, n),
		CarbsGs:     make([]float64, n),
		FiberGs:     make([]float64, n),
		SugarGs:     make([]float64, n),
		SodiumMgs:   make([]float64, n),
	}
	for i, f := range in {
		p.OwnerIds[i] = orNil(f.OwnerID)
		p.Names[i], p.Brands[i], p.Barcodes[i] = f.Name, f.Brand, f.Barcode
		p.Kinds[i], p.Categories[i] = string(f.Kind), string(f.Category)
		p.EnergyKcals[i], p.ProteinGs[i], p.FatGs[i], p.CarbsGs[i] = f.EnergyKcal, f.ProteinG, f.FatG, f.CarbsG
		p.FiberGs[i], p.SugarGs[i], p.SodiumMgs[i] = f.FiberG, f.SugarG, f.SodiumMg
	}
	return p
}

// SelectFoods returns the foods with the given ids that viewer may see (its
// own and the shared catalog; a nil viewer sees only the catalog), in the
// order of ids.
func SelectFoods(ctx context.Context, dbtx DBTX, viewer *uuid.UUID, ids []uuid.UUID) ([]Food, error) {
	return selectRows(ctx, dbtx, foods, ids, func(ids []uuid.UUID) dbsqlc.SelectFoodsParams {
		return dbsqlc.SelectFoodsParams{Ids: ids, ViewerID: viewer}
	}, (*dbsqlc.Queries).SelectFoods)
}

// SelectFoodsByBarcode returns, in the order of barcodes, the food viewer
// sees under each: its own when it has one, else the shared catalog's (a
// nil viewer sees only the catalog). Barcodes neither has are left out;
// another owner's foods never match.
func SelectFoodsByBarcode(ctx context.Context, dbtx DBTX, viewer *uuid.UUID, barcodes []string) ([]Food, error) {
	return selectRows(ctx, dbtx, foodsByBarcode, barcodes, func(barcodes []string) dbsqlc.SelectFoodsByBarcodeParams {
		return dbsqlc.SelectFoodsByBarcodeParams{Barcodes: barcodes, ViewerID: viewer}
	}, (*dbsqlc.Queries).SelectFoodsByBarcode)
}

// ListFoods returns a page of the foods f.ViewerID may see, oldest first.
func ListFoods(ctx context.Context, dbtx DBTX, f FoodFilter) (Page[Food], error) {
	return listRows(ctx, dbtx, foods.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListFoodsParams {
			return dbsqlc.ListFoodsParams{
				ViewerID:       f.ViewerID,
				NameContains:   nonEmpty(f.NameContains),
				Kind:           nonEmpty(f.Kind),
				Category:       nonEmpty(f.Category),
				TagID:          nonNil(f.TagID),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListFoods, func(f Food) timeKey { return timeKey{f.CreatedAt, f.ID} })
}

// UpdateFoods applies the patches to owner's foods (a nil owner: the shared
// catalog) and returns the changed foods in input order; patches of other
// foods are left out.
func UpdateFoods(ctx context.Context, dbtx DBTX, owner *uuid.UUID, in []FoodPatch) ([]Food, error) {
	return updateRows(ctx, dbtx, foods, in, func(p FoodPatch) uuid.UUID { return p.ID },
		func(in []FoodPatch) dbsqlc.UpdateFoodsParams { return packFoodPatches(owner, in) },
		(*dbsqlc.Queries).UpdateFoods)
}

func packFoodPatches(owner *uuid.UUID, in []FoodPatch) dbsqlc.UpdateFoodsParams {
	n := len(in)
	p := dbsqlc.UpdateFoodsParams{
		OwnerID:       owner,
		Ids:           make([]uuid.UUID, n),
		SetNames:      make([]bool, n),
		Names:         make([]string, n),
		SetBrands:     make([]bool, n),
		Brands:        make([]string, n),
		SetBarcodes:   make([]bool, n),
		Barcodes:      make([]string, n),
		SetKinds:      make([]bool, n),
		Kinds:         make([]string, n),
		SetCategories: make([]bool, n),
		Categories:    make([]string, n),
		SetNutrients:  make([]bool, n),
		EnergyKcals:   make([]float64, n),
		ProteinGs:     make([]float64, n),
		FatGs:         make([]float64, n),
		CarbsGs:       make([]float64, n),
		FiberGs:       make([]float64, n),
		SugarGs:       make([]float64, n),
		SodiumMgs:     make([]float64, n),
	}
	for i, f := range in {
		p.Ids[i] = f.ID
		p.SetNames[i], p.Names[i] = f.Name.Set, f.Name.Value
		p.SetBrands[i], p.Brands[i] = f.Brand.Set, f.Brand.Value
		p.SetBarcodes[i], p.Barcodes[i] = f.Barcode.Set, f.Barcode.Value
		p.SetKinds[i], p.Kinds[i] = f.Kind.Set, string(f.Kind.Value)
		p.SetCategories[i], p.Categories[i] = f.Category.Set, string(f.Category.Value)
		nu := f.Nutrients.Value
		p.SetNutrients[i] = f.Nutrients.Set
		p.EnergyKcals[i], p.ProteinGs[i], p.FatGs[i], p.CarbsGs[i] = nu.EnergyKcal, nu.ProteinG, nu.FatG, nu.CarbsG
		p.FiberGs[i], p.SugarGs[i], p.SodiumMgs[i] = nu.FiberG, nu.SugarG, nu.SodiumMg
	}
	return p
}

// DeleteFoods deletes owner's foods with the given ids (a nil owner: the
// shared catalog) and returns them in the order of ids. A food that a
// recipe or the journal uses is not deleted: ErrForeignKeyViolation.
func DeleteFoods(ctx context.Context, dbtx DBTX, owner *uuid.UUID, ids []uuid.UUID) ([]Food, error) {
	return deleteRows(ctx, dbtx, foods, ids, func(ids []uuid.UUID) dbsqlc.DeleteFoodsParams {
		return dbsqlc.DeleteFoodsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteFoods)
}
