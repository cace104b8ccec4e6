package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func tagIDs(tags []db.Tag) []uuid.UUID { return idsOf(tags, func(t db.Tag) uuid.UUID { return t.ID }) }

func TestUpsertTagsReturnsOneTagPerNameInInputOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	existing, err := db.InsertTags(b.ctx, b.pool, []db.NewTag{{OwnerID: owner.ID, Name: "Vegan"}})
	require.NoError(t, err)

	tags, err := db.UpsertTags(b.ctx, b.pool, owner.ID, []string{"quick", "VEGAN", "Quick", "spicy 🌶"})

	require.NoError(t, err)
	require.Len(t, tags, 4)
	require.Equal(t, existing[0].ID, tags[1].ID, "an existing tag matches regardless of case")
	require.Equal(t, "Vegan", tags[1].Name, "and keeps its name")
	require.Equal(t, tags[0].ID, tags[2].ID, "a name given twice gives the same tag")
	require.Equal(t, "spicy 🌶", tags[3].Name)
	require.Equal(t, 3, count(t, b, "tags"))

	again, err := db.UpsertTags(b.ctx, b.pool, owner.ID, []string{"spicy 🌶", "quick"})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{tags[3].ID, tags[0].ID}, tagIDs(again))
	require.Equal(t, 3, count(t, b, "tags"), "upserting twice adds nothing")
}

func TestTagNamesAreUniquePerOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	_, err := db.InsertTags(b.ctx, b.pool, []db.NewTag{{OwnerID: users[0].ID, Name: "fruit"}, {OwnerID: users[1].ID, Name: "fruit"}})
	require.NoError(t, err, "two owners may use one name")

	_, err = db.InsertTags(b.ctx, b.pool, []db.NewTag{{OwnerID: users[0].ID, Name: "FRUIT"}})

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrUniqueViolation)
	require.Equal(t, "tags_owner_id_name_key", ce.Constraint)

	_, err = db.UpsertTags(b.ctx, b.pool, users[0].ID, []string{""})
	require.ErrorIs(t, err, many.ErrCheckViolation)
}

func TestTagsAreScopedToTheirOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	ann, bo := users[0], users[1]
	annsTags, err := db.UpsertTags(b.ctx, b.pool, ann.ID, []string{"a", "b", "c"})
	require.NoError(t, err)
	_, err = db.UpsertTags(b.ctx, b.pool, bo.ID, []string{"bo's"})
	require.NoError(t, err)
	ids := tagIDs(annsTags)

	got, err := db.SelectTags(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, got)
	renamed, err := db.UpdateTags(b.ctx, b.pool, bo.ID, []db.TagPatch{{ID: ids[0], Name: "taken"}})
	require.NoError(t, err)
	require.Empty(t, renamed)
	deleted, err := db.DeleteTags(b.ctx, b.pool, bo.ID, ids)
	require.NoError(t, err)
	require.Empty(t, deleted)

	page, err := db.ListTags(b.ctx, b.pool, db.TagFilter{OwnerID: ann.ID, NameContains: ptr("B")})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	require.Equal(t, ids[1], page.Items[0].Tag.ID)

	renamed, err = db.UpdateTags(b.ctx, b.pool, ann.ID, []db.TagPatch{{ID: ids[0], Name: "first"}})
	require.NoError(t, err)
	require.Equal(t, "first", renamed[0].Name)
	deleted, err = db.DeleteTags(b.ctx, b.pool, ann.ID, ids[1:])
	require.NoError(t, err)
	require.Equal(t, ids[1:], tagIDs(deleted))
	require.Equal(t, 2, count(t, b, "tags"))
}

func TestTaggingFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().OwnedBy(owner).MustCreateMany(t, b.pool, 3)
	tags, err := db.UpsertTags(b.ctx, b.pool, owner.ID, []string{"red", "green"})
	require.NoError(t, err)
	red, green := tags[0].ID, tags[1].ID
	pairs := []db.FoodTagPair{
		{FoodID: foods[2].ID, TagID: red},
		{FoodID: foods[0].ID, TagID: green},
		{FoodID: foods[0].ID, TagID: red},
		{FoodID: foods[2].ID, TagID: red}, // twice in one batch
	}

	added, err := db.InsertFoodTags(b.ctx, b.pool, pairs)
	require.NoError(t, err)
	require.Len(t, added, 4)
	for i, p := range pairs {
		require.Equal(t, p, db.FoodTagPair{FoodID: added[i].FoodID, TagID: added[i].TagID}, "pair %d in input order", i)
	}
	require.Equal(t, 3, count(t, b, "food_tags"))
	counted, err := db.ListTags(b.ctx, b.pool, db.TagFilter{OwnerID: owner.ID})
	require.NoError(t, err)
	require.Equal(t, []int64{2, 1}, []int64{counted.Items[0].FoodCount, counted.Items[1].FoodCount}, "red on two foods, green on one")

	again, err := db.InsertFoodTags(b.ctx, b.pool, pairs[:1])
	require.NoError(t, err)
	require.Equal(t, added[0].CreatedAt, again[0].CreatedAt, "tagging again returns the pair as it was")

	got, err := db.SelectFoodTags(b.ctx, b.pool, owner.ID, []uuid.UUID{foods[2].ID, foods[1].ID, foods[0].ID})
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, foods[2].ID, got[0].FoodID, "grouped by food, in the order asked")
	require.Equal(t, foods[0].ID, got[1].FoodID)

	byTag, pages := allPages(t, func(after many.Cursor) (many.Page[db.FoodTag], error) {
		return db.ListFoodTags(b.ctx, b.pool, db.FoodTagFilter{OwnerID: owner.ID, TagID: &red, After: after, Limit: 1})
	})
	require.Len(t, byTag, 2)
	require.Equal(t, 2, pages, "a full last page knows it is last: no empty page follows")

	removed, err := db.DeleteFoodTags(b.ctx, b.pool, owner.ID, []db.FoodTagPair{{FoodID: foods[0].ID, TagID: red}, {FoodID: foods[1].ID, TagID: red}})
	require.NoError(t, err)
	require.Len(t, removed, 1, "only pairs that exist are removed")
	require.Equal(t, 2, count(t, b, "food_tags"))

	_, err = db.DeleteTags(b.ctx, b.pool, owner.ID, []uuid.UUID{green})
	require.NoError(t, err)
	require.Equal(t, 1, count(t, b, "food_tags"), "deleting a tag untags its foods")
}

func TestUntaggingIsScopedToTheTagOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	food := factories.Food().MustCreate(t, b.pool)
	tags, err := db.UpsertTags(b.ctx, b.pool, users[0].ID, []string{"mine"})
	require.NoError(t, err)
	pair := db.FoodTagPair{FoodID: food.ID, TagID: tags[0].ID}
	_, err = db.InsertFoodTags(b.ctx, b.pool, []db.FoodTagPair{pair})
	require.NoError(t, err)

	removed, err := db.DeleteFoodTags(b.ctx, b.pool, users[1].ID, []db.FoodTagPair{pair})
	require.NoError(t, err)
	require.Empty(t, removed)
	seen, err := db.SelectFoodTags(b.ctx, b.pool, users[1].ID, []uuid.UUID{food.ID})
	require.NoError(t, err)
	require.Empty(t, seen)
	require.Equal(t, 1, count(t, b, "food_tags"))
}

func TestTaggingAMissingFoodIsAForeignKeyViolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)
	tags, err := db.UpsertTags(b.ctx, b.pool, owner.ID, []string{"x"})
	require.NoError(t, err)

	_, err = db.InsertFoodTags(b.ctx, b.pool, []db.FoodTagPair{{FoodID: uuid.New(), TagID: tags[0].ID}})

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrForeignKeyViolation)
	require.Equal(t, "food_tags_food_id_fkey", ce.Constraint)
}
