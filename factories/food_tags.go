package factories

import (
	"context"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// tagFoods is the step after an insert of foods that tags each of them
// with the named tags, upserted for the foods' owner (for shared foods, a
// user created for them), in two statements.
func tagFoods(names []string) func(ctx context.Context, tx many.DBTX, foods []db.Food) error {
	return func(ctx context.Context, tx many.DBTX, foods []db.Food) error {
		owner := foods[0].OwnerID
		if owner == nil {
			u, err := User().Create(ctx, tx)
			if err != nil {
				return err
			}
			owner = &u.ID
		}
		tags, err := db.UpsertTags(ctx, tx, *owner, names)
		if err != nil {
			return err
		}
		pairs := make([]db.FoodTagPair, 0, len(foods)*len(tags))
		for _, f := range foods {
			for _, t := range tags {
				pairs = append(pairs, db.FoodTagPair{FoodID: f.ID, TagID: t.ID})
			}
		}
		_, err = db.InsertFoodTags(ctx, tx, pairs)
		return err
	}
}
