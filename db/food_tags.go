package db

import (
	"bytes"
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// FoodTag is a row of food_tags: a tag on a food. It has no id; the pair is
// the key.
type FoodTag = dbsqlc.FoodTag

// FoodTagPair names a tag on a food.
type FoodTagPair struct {
	FoodID uuid.UUID `json:"food_id"`
	TagID  uuid.UUID `json:"tag_id"`
}

// FoodTagFilter selects a page of ListFoodTags: pairs of OwnerID's tags,
// optionally of one tag.
type FoodTagFilter struct {
	OwnerID uuid.UUID
	TagID   uuid.UUID
	After   Cursor
	Limit   int
}

var foodTags = table[FoodTag, FoodTagPair]{
	name:    "food_tags",
	key:     func(ft FoodTag) FoodTagPair { return FoodTagPair{ft.FoodID, ft.TagID} },
	compare: comparePairs,
}

func comparePairs(a, b FoodTagPair) int {
	if c := bytes.Compare(a.FoodID[:], b.FoodID[:]); c != 0 {
		return c
	}
	return bytes.Compare(a.TagID[:], b.TagID[:])
}

// InsertFoodTags tags foods: it adds the pairs that are not there yet and
// returns one row per pair, in input order, new or not. Like every insert,
// it does not check that the food and tag belong to the same user; the
// caller (an action) does, in the same transaction.
func InsertFoodTags(ctx context.Context, dbtx DBTX, pairs []FoodTagPair) ([]FoodTag, error) {
	return keyedRows(ctx, dbtx, foodTags, "insert", pairs, pairs, func(pairs []FoodTagPair) dbsqlc.InsertFoodTagsParams {
		foodIDs, tagIDs := splitPairs(pairs)
		return dbsqlc.InsertFoodTagsParams{FoodIds: foodIDs, TagIds: tagIDs}
	}, (*dbsqlc.Queries).InsertFoodTags)
}

// splitPairs splits pairs into the two id arrays the pair queries take.
func splitPairs(pairs []FoodTagPair) (foodIDs, tagIDs []uuid.UUID) {
	foodIDs, tagIDs = make([]uuid.UUID, len(pairs)), make([]uuid.UUID, len(pairs))
	for i, pair := range pairs {
		foodIDs[i], tagIDs[i] = pair.FoodID, pair.TagID
	}
	return foodIDs, tagIDs
}

// SelectFoodTags returns the tags owner has put on the given foods, by food
// in the order of foodIDs.
func SelectFoodTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, foodIDs []uuid.UUID) ([]FoodTag, error) {
	rows, err := inChunks(ctx, dbtx, len(foodIDs), func(qs *dbsqlc.Queries, lo, hi int) ([]FoodTag, error) {
		return qs.SelectFoodTags(ctx, dbsqlc.SelectFoodTagsParams{FoodIds: foodIDs[lo:hi], OwnerID: owner})
	})
	if err != nil {
		return nil, foodTags.fail("select", err)
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

// ListFoodTags returns a page of f.OwnerID's pairs in (food, tag) order.
func ListFoodTags(ctx context.Context, dbtx DBTX, f FoodTagFilter) (Page[FoodTag], error) {
	return listRows(ctx, dbtx, foodTags.name, f.After, f.Limit,
		func(after FoodTagPair, limit int32) dbsqlc.ListFoodTagsParams {
			return dbsqlc.ListFoodTagsParams{
				OwnerID:     f.OwnerID,
				TagID:       nonNil(f.TagID),
				AfterFoodID: after.FoodID,
				AfterTagID:  after.TagID,
				RowLimit:    limit,
			}
		},
		(*dbsqlc.Queries).ListFoodTags, foodTags.key)
}

// DeleteFoodTags untags foods: it removes the given pairs among owner's
// tags and returns the removed pairs in input order.
func DeleteFoodTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, pairs []FoodTagPair) ([]FoodTag, error) {
	return deleteRows(ctx, dbtx, foodTags, pairs, func(pairs []FoodTagPair) dbsqlc.DeleteFoodTagsParams {
		foodIDs, tagIDs := splitPairs(pairs)
		return dbsqlc.DeleteFoodTagsParams{FoodIds: foodIDs, TagIds: tagIDs, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteFoodTags)
}
