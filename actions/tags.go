package actions

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// FoodTag names a tag to put on, or take off, a food.
type FoodTag struct {
	FoodID uuid.UUID `json:"food_id" validate:"required"`
	TagID  uuid.UUID `json:"tag_id" validate:"required"`
}

// TagSearch selects a page of the acting user's tags.
type TagSearch struct {
	NameContains string `json:"name_contains,omitempty" validate:"text,max=50"`
	After        string `json:"after,omitempty" validate:"max=1000"`
	Limit        int    `json:"limit,omitempty" validate:"gte=0,lte=1000"`
}

// CreateTags returns the acting user's tags with the given names, making
// those that do not exist: one tag per name, in order (names compare
// regardless of case).
func (a *Actions) CreateTags(ctx context.Context, actor uuid.UUID, names []string) Result[[]db.Tag] {
	return run(ctx, a, "CreateTags", func() ([]db.Tag, error) {
		if err := acting(actor); err != nil {
			return nil, err
		}
		f := fields{}
		f.batch("names", len(names))
		for i, name := range names {
			a.checkVar(f, path("names", i), name, "required,text,notblank,max=50")
		}
		if err := f.err(); err != nil {
			return nil, err
		}
		return db.UpsertTags(ctx, a.pool, actor, names)
	})
}

// TagFoods puts tags on foods, all or none. The foods must be ones the
// acting user can see and the tags theirs: others are not found, at the
// pair's food_id or tag_id. Tagging twice is harmless.
func (a *Actions) TagFoods(ctx context.Context, actor uuid.UUID, in []FoodTag) Result[[]db.FoodTag] {
	return run(ctx, a, "TagFoods", func() ([]db.FoodTag, error) {
		pairs, err := a.foodTagPairs(actor, in)
		if err != nil || len(pairs) == 0 {
			return []db.FoodTag{}, err
		}
		var tagged []db.FoodTag
		err = a.inTx(ctx, func(tx many.DBTX) error {
			if err := a.checkFoodTags(ctx, tx, actor, pairs); err != nil {
				return err
			}
			var err error
			tagged, err = db.InsertFoodTags(ctx, tx, pairs)
			return err
		})
		return tagged, err
	})
}

// UntagFoods takes tags off foods and returns the pairs removed; pairs
// that were not there, or whose tag is not the acting user's, are left out.
func (a *Actions) UntagFoods(ctx context.Context, actor uuid.UUID, in []FoodTag) Result[[]db.FoodTag] {
	return run(ctx, a, "UntagFoods", func() ([]db.FoodTag, error) {
		pairs, err := a.foodTagPairs(actor, in)
		if err != nil {
			return nil, err
		}
		return db.DeleteFoodTags(ctx, a.pool, actor, pairs)
	})
}

// foodTagPairs validates a batch of pairs.
func (a *Actions) foodTagPairs(actor uuid.UUID, in []FoodTag) ([]db.FoodTagPair, error) {
	if err := acting(actor); err != nil {
		return nil, err
	}
	f := fields{}
	f.batch("pairs", len(in))
	pairs := make([]db.FoodTagPair, len(in))
	for i, p := range in {
		a.check(f, path("pairs", i), p)
		pairs[i] = db.FoodTagPair{FoodID: p.FoodID, TagID: p.TagID}
	}
	duplicates(f, len(pairs), func(i int) db.FoodTagPair { return pairs[i] }, func(i int) string { return path("pairs", i) })
	return pairs, f.err()
}

// checkFoodTags reports the pairs whose food the actor cannot see or whose
// tag is not theirs, as not found.
func (a *Actions) checkFoodTags(ctx context.Context, tx many.DBTX, actor uuid.UUID, pairs []db.FoodTagPair) error {
	foodIDs := make([]uuid.UUID, len(pairs))
	tagIDs := make([]uuid.UUID, len(pairs))
	for i, p := range pairs {
		foodIDs[i], tagIDs[i] = p.FoodID, p.TagID
	}
	foods, err := db.SelectFoods(ctx, tx, &actor, foodIDs)
	if err != nil {
		return err
	}
	tags, err := db.SelectTags(ctx, tx, actor, tagIDs)
	if err != nil {
		return err
	}
	missing := fields{}
	foodSeen, tagSeen := map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for _, f := range foods {
		foodSeen[f.ID] = true
	}
	for _, t := range tags {
		tagSeen[t.ID] = true
	}
	for i, p := range pairs {
		if !foodSeen[p.FoodID] {
			missing[path("pairs", i, "food_id")] = "no such food"
		}
		if !tagSeen[p.TagID] {
			missing[path("pairs", i, "tag_id")] = "no such tag"
		}
	}
	return missing.errAs(CodeNotFound)
}

// ListTags returns a page of the acting user's tags, each with the number
// of foods it is on.
func (a *Actions) ListTags(ctx context.Context, actor uuid.UUID, q TagSearch) Result[many.Page[db.TagWithCount]] {
	return read(ctx, a, "ListTags", func(dbtx many.DBTX) (many.Page[db.TagWithCount], error) {
		if err := acting(actor); err != nil {
			return many.Page[db.TagWithCount]{}, err
		}
		f := fields{}
		a.check(f, "", q)
		if err := f.err(); err != nil {
			return many.Page[db.TagWithCount]{}, err
		}
		return db.ListTags(ctx, dbtx, db.TagFilter{OwnerID: actor, NameContains: orNil(q.NameContains), After: many.Cursor(q.After), Limit: q.Limit})
	})
}

// DeleteTags deletes the acting user's tags, all or none, and returns
// them; the foods they were on stay, untagged. A tag that is not theirs is
// not found at its id.
func (a *Actions) DeleteTags(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.Tag] {
	return run(ctx, a, "DeleteTags", func() ([]db.Tag, error) {
		return deleteOwn(ctx, a, actor, ids, db.DeleteTags, func(t db.Tag) uuid.UUID { return t.ID }, "no such tag")
	})
}
