package actions

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// NewFood is a food for the acting user's catalog, with optional tags.
type NewFood struct {
	Name      string       `json:"name" validate:"required,text,notblank,max=200"`
	Brand     string       `json:"brand,omitempty" validate:"omitempty,text,notblank,max=100"`
	Barcode   string       `json:"barcode,omitempty" validate:"omitempty,barcode"`
	Kind      string       `json:"kind" validate:"required,food_kind"`
	Category  string       `json:"category" validate:"required,food_category"`
	Nutrients db.Nutrients `json:"nutrients"`
	Tags      []string     `json:"tags,omitempty" validate:"max=20,dive,required,text,notblank,max=50"`
}

// FoodChange changes one of the acting user's foods; nil fields stay. A
// field set follows the rule of the same field of NewFood: Brand and
// Barcode set to "" clear them; Nutrients replace all seven.
type FoodChange struct {
	ID        uuid.UUID     `json:"id" validate:"required"`
	Name      *string       `json:"name,omitempty"`
	Brand     *string       `json:"brand,omitempty"`
	Barcode   *string       `json:"barcode,omitempty"`
	Kind      *string       `json:"kind,omitempty"`
	Category  *string       `json:"category,omitempty"`
	Nutrients *db.Nutrients `json:"nutrients,omitempty"`
}

// FoodSearch selects a page of foods the acting user can see: their own
// and the shared catalog. Empty fields (TagID uuid.Nil) do not filter.
type FoodSearch struct {
	NameContains string    `json:"name_contains,omitempty" validate:"text,max=200"`
	Kind         string    `json:"kind,omitempty" validate:"omitempty,food_kind"`
	Category     string    `json:"category,omitempty" validate:"omitempty,food_category"`
	TagID        uuid.UUID `json:"tag_id,omitzero"`
	After        string    `json:"after,omitempty" validate:"max=1000"`
	Limit        int       `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// The unique indexes of barcodes: one within each owner's foods, one
// within the shared catalog. Barcodes never clash across owners.
const (
	ownBarcodeKey     = "foods_owner_id_barcode_key"
	catalogBarcodeKey = "foods_catalog_barcode_key"
)

// CreateFoods adds foods to the acting user's catalog, with their tags,
// all or none: at most MaxBatch foods and MaxBatch tags in all. A barcode one of the user's own foods has already is a
// conflict on that element's barcode (another user's foods, and the shared
// catalog, never clash with it); one repeated in the batch is invalid.
func (a *Actions) CreateFoods(ctx context.Context, actor uuid.UUID, in []NewFood) Result[[]db.Food] {
	return run(ctx, a, "CreateFoods", func() ([]db.Food, error) {
		if err := acting(actor); err != nil {
			return nil, err
		}
		f := fields{}
		f.batch("foods", len(in))
		tags := 0
		for i := range in {
			a.check(f, path("foods", i), in[i])
			tags += len(in[i].Tags)
		}
		f.carried("foods", "tags", tags)
		duplicates(f, len(in), func(i int) string { return in[i].Barcode }, func(i int) string { return path("foods", i, "barcode") })
		if err := f.err(); err != nil {
			return nil, err
		}
		rows := make([]db.NewFood, len(in))
		tagged := false
		for i, nf := range in {
			rows[i] = db.NewFood{
				OwnerID: &actor, Name: nf.Name, Brand: orNil(nf.Brand), Barcode: orNil(nf.Barcode),
				Kind: db.FoodKind(nf.Kind), Category: db.FoodCategory(nf.Category), Nutrients: nf.Nutrients,
			}
			tagged = tagged || len(nf.Tags) > 0
		}
		var foods []db.Food
		err := a.writeFoods(ctx, tagged, func(tx many.DBTX) error {
			var err error
			if foods, err = db.InsertFoods(ctx, tx, rows); err != nil || !tagged {
				return err
			}
			return tagFoods(ctx, tx, actor, foods, in)
		})
		if e, ok := a.conflictAt(ctx, err, ownBarcodeKey, len(in), func(i int) string { return in[i].Barcode },
			func(i int) string { return path("foods", i, "barcode") }, a.barcodesOf(&actor)); ok {
			return nil, e
		}
		return foods, err
	})
}

// writeFoods runs write in a transaction when it writes more than foods;
// a single batch insert is all or nothing on its own.
func (a *Actions) writeFoods(ctx context.Context, multi bool, write func(tx many.DBTX) error) error {
	if !multi {
		return write(a.pool)
	}
	return a.inTx(ctx, write)
}

// tagFoods upserts the tags in[i].Tags names and puts them on foods[i].
func tagFoods(ctx context.Context, tx many.DBTX, owner uuid.UUID, foods []db.Food, in []NewFood) error {
	var names []string
	for _, nf := range in {
		names = append(names, nf.Tags...)
	}
	tags, err := db.UpsertTags(ctx, tx, owner, names)
	if err != nil {
		return err
	}
	pairs := make([]db.FoodTagPair, 0, len(tags))
	next := 0
	for i, nf := range in {
		for range nf.Tags {
			pairs = append(pairs, db.FoodTagPair{FoodID: foods[i].ID, TagID: tags[next].ID})
			next++
		}
	}
	_, err = db.InsertFoodTags(ctx, tx, pairs)
	return err
}

// CatalogImport is what ImportCatalog did.
type CatalogImport struct {
	Added   []db.Food `json:"added"`
	Skipped int       `json:"skipped"` // foods the catalog had already
}

// ImportCatalog adds foods to the shared catalog. It is an operator's
// action (the seed command's), with no acting user: to users the catalog
// is read-only. A food the catalog has already, by name and brand
// regardless of case, is skipped, so an import can run again. A barcode
// the catalog has under another food is a conflict at that element;
// users' own foods never block one. Foods are
// validated as CreateFoods validates them; a name and brand twice in the
// batch is invalid, and catalog foods take no tags.
func (a *Actions) ImportCatalog(ctx context.Context, in []NewFood) Result[CatalogImport] {
	return run(ctx, a, "ImportCatalog", func() (CatalogImport, error) {
		f := fields{}
		f.batch("foods", len(in))
		for i := range in {
			a.check(f, path("foods", i), in[i])
			if len(in[i].Tags) > 0 {
				f[path("foods", i, "tags")] = "catalog foods take no tags"
			}
		}
		duplicates(f, len(in), func(i int) string { return strings.ToLower(in[i].Name) + "\x00" + strings.ToLower(in[i].Brand) },
			func(i int) string { return path("foods", i, "name") })
		duplicates(f, len(in), func(i int) string { return in[i].Barcode }, func(i int) string { return path("foods", i, "barcode") })
		if err := f.err(); err != nil {
			return CatalogImport{}, err
		}
		rows := make([]db.NewFood, len(in))
		for i, nf := range in {
			rows[i] = db.NewFood{
				Name: nf.Name, Brand: orNil(nf.Brand), Barcode: orNil(nf.Barcode),
				Kind: db.FoodKind(nf.Kind), Category: db.FoodCategory(nf.Category), Nutrients: nf.Nutrients,
			}
		}
		added, err := db.ImportCatalogFoods(ctx, a.pool, rows)
		if e, ok := a.conflictAt(ctx, err, catalogBarcodeKey, len(in), func(i int) string { return in[i].Barcode },
			func(i int) string { return path("foods", i, "barcode") }, a.barcodesOf(nil)); ok {
			return CatalogImport{}, e
		}
		if err != nil {
			return CatalogImport{}, err
		}
		return CatalogImport{Added: added, Skipped: len(in) - len(added)}, nil
	})
}

// UpdateFoods changes the acting user's foods, all or none. A food the user
// cannot see is not found; a shared catalog food is forbidden (the catalog
// is read-only to users). New nutrients enqueue, in the same transaction,
// a KindRecomputeNutrition job for the recipes that use those foods.
func (a *Actions) UpdateFoods(ctx context.Context, actor uuid.UUID, in []FoodChange) Result[[]db.Food] {
	return run(ctx, a, "UpdateFoods", func() ([]db.Food, error) {
		if err := acting(actor); err != nil || len(in) == 0 {
			return []db.Food{}, err
		}
		f := fields{}
		f.batch("foods", len(in))
		ids := make([]uuid.UUID, len(in))
		for i := range in {
			checkChange[NewFood](a, f, path("foods", i), in[i])
			ids[i] = in[i].ID
		}
		duplicates(f, len(in), func(i int) uuid.UUID { return ids[i] }, func(i int) string { return path("foods", i, "id") })
		duplicates(f, len(in), func(i int) string { return deref(in[i].Barcode) }, func(i int) string { return path("foods", i, "barcode") })
		if err := f.err(); err != nil {
			return nil, err
		}
		patches := make([]db.FoodPatch, len(in))
		for i, c := range in {
			patches[i] = foodPatch(ids[i], c)
		}
		var foods []db.Food
		err := a.inTx(ctx, func(tx many.DBTX) error {
			if err := ownFoods(ctx, tx, actor, ids, func(i int) string { return path("foods", i, "id") }); err != nil {
				return err
			}
			var err error
			if foods, err = db.UpdateFoods(ctx, tx, &actor, patches); err != nil {
				return err
			}
			// A food deleted since ownFoods read it is not updated.
			if err := visible(ids, foods, foodID, func(i int) string { return path("foods", i, "id") }, "no such food"); err != nil {
				return err
			}
			var changed []uuid.UUID
			for i, c := range in {
				if c.Nutrients != nil {
					changed = append(changed, ids[i])
				}
			}
			return a.enqueueRecompute(ctx, tx, RecomputePayload{FoodIDs: changed})
		})
		if e, ok := a.conflictAt(ctx, err, ownBarcodeKey, len(in), func(i int) string { return deref(in[i].Barcode) },
			func(i int) string { return path("foods", i, "barcode") }, a.barcodesOf(&actor)); ok {
			return nil, e
		}
		return foods, err
	})
}

func foodPatch(id uuid.UUID, c FoodChange) db.FoodPatch {
	p := db.FoodPatch{ID: id}
	if c.Name != nil {
		p.Name = many.Set(*c.Name)
	}
	if c.Brand != nil {
		p.Brand = many.Set(orNil(*c.Brand))
	}
	if c.Barcode != nil {
		p.Barcode = many.Set(orNil(*c.Barcode))
	}
	if c.Kind != nil {
		p.Kind = many.Set(db.FoodKind(*c.Kind))
	}
	if c.Category != nil {
		p.Category = many.Set(db.FoodCategory(*c.Category))
	}
	if c.Nutrients != nil {
		p.Nutrients = many.Set(*c.Nutrients)
	}
	return p
}

// ownFoods checks that every id is a food the actor owns: one they cannot
// see is not found, a shared one forbidden. at(i) is the path of ids[i].
func ownFoods(ctx context.Context, tx many.DBTX, actor uuid.UUID, ids []uuid.UUID, at func(i int) string) error {
	seen, err := db.SelectFoods(ctx, tx, &actor, ids)
	if err != nil {
		return err
	}
	byID := make(map[uuid.UUID]db.Food, len(seen))
	for _, food := range seen {
		byID[food.ID] = food
	}
	missing, shared := fields{}, fields{}
	for i, id := range ids {
		food, ok := byID[id]
		switch {
		case !ok:
			missing[at(i)] = "no such food"
		case food.OwnerID == nil:
			shared[at(i)] = "is in the shared catalog, which is read-only"
		}
	}
	if len(missing) > 0 {
		return fieldsError(CodeNotFound, missing)
	}
	return shared.errAs(CodeForbidden)
}

// DeleteFoods deletes the acting user's foods, all or none, and returns
// them. A food a recipe or the journal uses is a conflict on its id.
func (a *Actions) DeleteFoods(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Food] {
	return run(ctx, a, "DeleteFoods", func() ([]db.Food, error) {
		if err := acting(actor); err != nil {
			return nil, err
		}
		f := fields{}
		checkIDs(f, "ids", ids)
		if err := f.err(); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return []db.Food{}, nil
		}
		var foods []db.Food
		err := a.inTx(ctx, func(tx many.DBTX) error {
			if err := ownFoods(ctx, tx, actor, ids, idAt); err != nil {
				return err
			}
			var err error
			if foods, err = db.DeleteFoods(ctx, tx, &actor, ids); err != nil {
				return err
			}
			return visible(ids, foods, foodID, idAt, "no such food") // one deleted since ownFoods read it
		})
		if e, ok := a.inUseAt(ctx, err, ids, "is used by a recipe or the journal", db.FoodsInUse); ok {
			return nil, e
		}
		return foods, err
	})
}

// SearchFoods returns a page of the foods the acting user can see.
func (a *Actions) SearchFoods(ctx context.Context, actor uuid.UUID, q FoodSearch) Result[many.Page[db.Food]] {
	return read(ctx, a, "SearchFoods", func(dbtx many.DBTX) (many.Page[db.Food], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.Food]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		if err := f.err(); err != nil {
			return many.Page[db.Food]{}, err
		}
		return db.ListFoods(ctx, dbtx, db.FoodFilter{
			ViewerID: &actor, NameContains: orNil(q.NameContains), Kind: orNil(q.Kind), Category: orNil(q.Category),
			TagID: idOrNil(q.TagID), After: many.Cursor(q.After), Limit: q.Limit,
		})
	})
}

// GetFoods returns the foods with the given ids, in their order; an id the
// acting user cannot see is not found.
func (a *Actions) GetFoods(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Food] {
	return read(ctx, a, "GetFoods", func(dbtx many.DBTX) ([]db.Food, error) {
		sel := func(ids []uuid.UUID) ([]db.Food, error) { return db.SelectFoods(ctx, dbtx, &actor, ids) }
		return getByIDs(a, actor, ids, sel, foodID, "no such food")
	})
}

// GetFoodsByBarcode returns, in the order of barcodes, the food the acting
// user finds under each: their own when they have one, else the shared
// catalog's (a user's own food with a catalog food's barcode shadows it).
// Another user's foods are never found; a barcode neither has is not
// found at barcodes[i].
func (a *Actions) GetFoodsByBarcode(ctx context.Context, actor uuid.UUID, barcodes []string) Result[[]db.Food] {
	return read(ctx, a, "GetFoodsByBarcode", func(dbtx many.DBTX) ([]db.Food, error) {
		if err := acting(actor); err != nil {
			return nil, err
		}
		f := fields{}
		f.batch("barcodes", len(barcodes))
		for i, code := range barcodes {
			a.checkVar(f, path("barcodes", i), code, "required,barcode")
		}
		duplicates(f, len(barcodes), func(i int) string { return barcodes[i] }, func(i int) string { return path("barcodes", i) })
		if err := f.err(); err != nil {
			return nil, err
		}
		foods, err := db.SelectFoodsByBarcode(ctx, dbtx, &actor, barcodes)
		if err != nil {
			return nil, err
		}
		found := make(map[string]bool, len(foods))
		for _, food := range foods {
			found[*food.Barcode] = true
		}
		missing := fields{}
		for i, code := range barcodes {
			if !found[code] {
				missing[path("barcodes", i)] = "no food has this barcode"
			}
		}
		return foods, missing.errAs(CodeNotFound)
	})
}

func foodID(f db.Food) uuid.UUID { return f.ID }

// barcodesOf reads which barcodes owner's foods (nil: the shared
// catalog's) have, for conflictAt.
func (a *Actions) barcodesOf(owner *uuid.UUID) func(ctx context.Context, codes []string) ([]string, error) {
	return func(ctx context.Context, codes []string) ([]string, error) {
		foods, err := db.SelectFoodsByBarcode(ctx, a.pool, owner, codes)
		var taken []string
		for _, f := range foods {
			if (f.OwnerID == nil) == (owner == nil) { // not the catalog's food, when owner's is asked
				taken = append(taken, *f.Barcode)
			}
		}
		return taken, err
	}
}

// idOrNil is id, or nil for uuid.Nil (none).
func idOrNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// orNil is s, or nil for "" (none).
func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
