package db

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// FoodTag is a row of food_tags: a tag on a food, keyed by the pair
// (FoodTagPair, generated with FoodTagFilter from the queries).
type FoodTag = dbsqlc.FoodTag

// SelectFoodTags returns the tags owner has put on the given foods, by food
// in the order of foodIDs.
func SelectFoodTags(ctx context.Context, dbtx many.DBTX, owner uuid.UUID, foodIDs []uuid.UUID) ([]FoodTag, error) {
	rows, err := many.Run(ctx, dbtx, "select", "food_tags", foodIDs, nil, many.Rows(func(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]FoodTag, error) {
		return dbsqlc.New(dbtx).SelectFoodTags(ctx, dbsqlc.SelectFoodTagsParams{FoodIDs: ids, OwnerID: owner})
	}))
	if err != nil {
		return nil, err
	}
	byFood := make(map[uuid.UUID][]FoodTag, len(foodIDs))
	for _, r := range rows {
		byFood[r.FoodID] = append(byFood[r.FoodID], r)
	}
	out := make([]FoodTag, 0, len(rows))
	for _, id := range foodIDs {
		out = append(out, byFood[id]...)
		delete(byFood, id) // a food id given twice lists its tags once
	}
	return out, nil
}
