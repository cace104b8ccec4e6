package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestCreateTagsUpsertsByName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	existing := factories.Tag().OwnedBy(me).Named("Vegan").MustCreate(t, b.pool)

	tags := ok(t, b.acts.CreateTags(b.ctx, me.ID, []string{"vegan", "spicy"}))

	require.Equal(t, existing.ID, tags[0].ID)
	require.Equal(t, "spicy", string(tags[1].Name))
	fields := failed(t, b.acts.CreateTags(b.ctx, me.ID, []string{"ok", "", string(make([]rune, 51))}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"names[1]": "is required", "names[2]": "must be valid UTF-8 without NUL bytes"}, fields)
}

func TestTagAndUntagFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	mine := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	shared := factories.Food().MustCreate(t, b.pool)
	theirs := factories.Food().OwnedBy(other).MustCreate(t, b.pool)
	tag := factories.Tag().OwnedBy(me).MustCreate(t, b.pool)
	theirTag := factories.Tag().OwnedBy(other).MustCreate(t, b.pool)
	pair := func(food, tag uuid.UUID) actions.FoodTag { return actions.FoodTag{FoodID: food, TagID: tag} }

	tagged := ok(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{pair(mine.ID, tag.ID), pair(shared.ID, tag.ID)}))
	require.Len(t, tagged, 2)

	fields := failed(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{
		pair(theirs.ID, tag.ID),
		pair(mine.ID, theirTag.ID),
	}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"pairs[0].food_id": "no such food", "pairs[1].tag_id": "no such tag"}, fields)

	counts := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))
	require.Equal(t, int64(2), counts.Items[0].FoodCount)

	removed := ok(t, b.acts.UntagFoods(b.ctx, me.ID, []actions.FoodTag{pair(mine.ID, tag.ID), pair(theirs.ID, theirTag.ID)}))
	require.Len(t, removed, 1, "only the acting user's pairs come off")
	require.Equal(t, 1, count(t, b, "food_tags"))

	fields = failed(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{pair(uuid.Nil, uuid.Nil)}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"pairs[0].food_id": "is required", "pairs[0].tag_id": "is required"}, fields)
}

func TestDeleteTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	food := factories.Food().OwnedBy(me).WithTags("breakfast", "quick").MustCreate(t, b.pool)
	factories.Food().OwnedBy(other).WithTags("secret").MustCreate(t, b.pool)
	mine := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{})).Items
	theirs := ok(t, b.acts.ListTags(b.ctx, other.ID, actions.TagSearch{})).Items
	require.Len(t, mine, 2)
	breakfast, quick, secret := mine[0].Tag, mine[1].Tag, theirs[0].Tag

	// Another user's tag, through my action, is not found, and the whole
	// call deletes nothing.
	fields := failed(t, b.acts.DeleteTags(b.ctx, me.ID, []uuid.UUID{breakfast.ID, secret.ID}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such tag"}, fields)
	require.Equal(t, 3, count(t, b, "tags"), "all or nothing")

	deleted := ok(t, b.acts.DeleteTags(b.ctx, me.ID, []uuid.UUID{breakfast.ID}))
	require.Equal(t, []db.Tag{breakfast}, deleted)
	left := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))
	require.Equal(t, []uuid.UUID{quick.ID}, []uuid.UUID{left.Items[0].Tag.ID})
	require.Equal(t, int64(1), left.Items[0].FoodCount)
	tagged := ok(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{TagID: quick.ID}))
	require.Equal(t, []uuid.UUID{food.ID}, foodIDs(tagged.Items), "the food stays, with its other tag")
	require.Equal(t, 2, count(t, b, "food_tags"), "the deleted tag's pair went with it")
	still := ok(t, b.acts.ListTags(b.ctx, other.ID, actions.TagSearch{}))
	require.Equal(t, []db.TagWithCount{theirs[0]}, still.Items, "theirs untouched, on their food")
}
