package integration

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
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
	pair := func(food, tag string) actions.FoodTag { return actions.FoodTag{FoodID: food, TagID: tag} }

	tagged := ok(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{pair(mine.ID.String(), tag.ID.String()), pair(shared.ID.String(), tag.ID.String())}))
	require.Len(t, tagged, 2)

	fields := failed(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{
		pair(theirs.ID.String(), tag.ID.String()),
		pair(mine.ID.String(), theirTag.ID.String()),
	}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"pairs[0].food_id": "no such food", "pairs[1].tag_id": "no such tag"}, fields)

	counts := ok(t, b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}))
	require.Equal(t, int64(2), counts.Items[0].FoodCount)

	removed := ok(t, b.acts.UntagFoods(b.ctx, me.ID, []actions.FoodTag{pair(mine.ID.String(), tag.ID.String()), pair(theirs.ID.String(), theirTag.ID.String())}))
	require.Len(t, removed, 1, "only the acting user's pairs come off")
	require.Equal(t, 1, count(t, b, "food_tags"))

	fields = failed(t, b.acts.TagFoods(b.ctx, me.ID, []actions.FoodTag{pair("nope", "")}), actions.CodeInvalid)
	require.Len(t, fields, 2)
}
