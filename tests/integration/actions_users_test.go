package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

func TestRegisterUsers(t *testing.T) {
	t.Parallel()
	b := setup(t)

	users := ok(t, b.acts.RegisterUsers(b.ctx, []actions.NewUser{
		{Email: "ann@example.com", DisplayName: "Ann"},
		{Email: "bo@example.com", DisplayName: "Bo"},
	}))

	require.Equal(t, "ann@example.com", users[0].Email)
	require.Equal(t, "Bo", users[1].DisplayName)
}

func TestRegisterUsersTakenEmailIsAConflictOnThatElement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	factories.User().WithEmail("taken@example.com").MustCreate(t, b.pool)

	fields := failed(t, b.acts.RegisterUsers(b.ctx, []actions.NewUser{
		{Email: "new@example.com", DisplayName: "New"},
		{Email: "TAKEN@example.com", DisplayName: "Late"},
	}), actions.CodeConflict)

	require.Equal(t, map[string]string{"users[1].email": "is already taken"}, fields)
	require.Equal(t, 1, count(t, b, "users"), "all or nothing")
}

// TestValidTextIsStoredByteForByte sends text a careless layer would
// mangle and reads it back unchanged.
func TestValidTextIsStoredByteForByte(t *testing.T) {
	t.Parallel()
	b := setup(t)
	names := []string{
		"Zoë 🍜🥑", "مطبخ الجدة", "שׁוּק", `Robert'); DROP TABLE users;--`, `"quoted" \ backslash`, "tab\tand\nnewline", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
	}
	in := make([]actions.NewUser, len(names))
	for i, name := range names {
		in[i] = actions.NewUser{Email: factories.User().Build().Email, DisplayName: name}
	}

	users := ok(t, b.acts.RegisterUsers(b.ctx, in))

	for i, name := range names {
		require.Equal(t, name, users[i].DisplayName)
	}
	food := ok(t, b.acts.CreateFoods(b.ctx, users[0].ID, []actions.NewFood{{
		Name: names[3], Brand: names[1], Kind: "whole", Category: "other", Tags: names[:2],
	}}))[0]
	got := ok(t, b.acts.GetFoods(b.ctx, users[0].ID, []uuid.UUID{food.ID}))
	require.Equal(t, names[3], got[0].Name)
	require.Equal(t, names[1], *got[0].Brand)
	tags := ok(t, b.acts.ListTags(b.ctx, users[0].ID, actions.TagSearch{}))
	require.Equal(t, names[0], string(tags.Items[0].Tag.Name))
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	name := "Renamed"

	user := ok(t, b.acts.UpdateProfile(b.ctx, me.ID, actions.ProfileChange{DisplayName: &name}))
	require.Equal(t, name, user.DisplayName)
	require.Equal(t, me.Email, user.Email)

	taken := other.Email
	fields := failed(t, b.acts.UpdateProfile(b.ctx, me.ID, actions.ProfileChange{Email: &taken}), actions.CodeConflict)
	require.Equal(t, map[string]string{"email": "is already taken"}, fields)

	blank := " "
	fields = failed(t, b.acts.UpdateProfile(b.ctx, me.ID, actions.ProfileChange{DisplayName: &blank}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"display_name": "must not be blank"}, fields)

	failed(t, b.acts.UpdateProfile(b.ctx, uuid.New(), actions.ProfileChange{DisplayName: &name}), actions.CodeNotFound)
}

func TestDeleteAccountTakesEverything(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(me).WithTags("mine").MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(me).Using(food).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(me).OfRecipe(recipe, 1).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(me).Of(food).MustCreate(t, b.pool)
	factories.Generation().OwnedBy(me).MustCreate(t, b.pool)

	gone := ok(t, b.acts.DeleteAccount(b.ctx, me.ID))

	require.Equal(t, me.ID, gone.ID)
	for _, table := range []string{"users", "foods", "tags", "recipes", "meal_entries", "pantry_items", "generations"} {
		require.Zero(t, count(t, b, table), table)
	}
	failed(t, b.acts.DeleteAccount(b.ctx, me.ID), actions.CodeNotFound)
}

func TestGetUsers(t *testing.T) {
	t.Parallel()
	pool, statements := tracedPool(t)
	ctx := t.Context()
	acts := actions.New(pool, actions.WithLogger(testLogger(t)))
	users := factories.User().MustCreateMany(t, pool, 2)
	me, other := users[0], users[1]

	got, err := acts.GetUsers(ctx, me.ID, []uuid.UUID{me.ID}).Get()
	require.NoError(t, err)
	require.Equal(t, []db.User{me}, got)

	// Another user's id is not found, as an id no account has is, and
	// nothing is read for it.
	res := acts.GetUsers(ctx, me.ID, []uuid.UUID{me.ID, other.ID, uuid.New()})
	require.ErrorIs(t, res.Err(), actions.ErrNotFound)
	require.Equal(t, map[string]string{"ids[1]": "no such user", "ids[2]": "no such user"}, res.Error.Fields)
	before := statements.all()
	res = acts.GetUsers(ctx, me.ID, []uuid.UUID{other.ID})
	require.Equal(t, map[string]string{"ids[0]": "no such user"}, res.Error.Fields)
	require.Empty(t, statements.since(before), "no statement for another user's id")

	theirs, err := acts.GetUsers(ctx, other.ID, []uuid.UUID{other.ID}).Get()
	require.NoError(t, err)
	require.Equal(t, []db.User{other}, theirs, "theirs untouched")

	gone := factories.User().MustCreate(t, pool)
	_, err = acts.DeleteAccount(ctx, gone.ID).Get()
	require.NoError(t, err)
	res = acts.GetUsers(ctx, gone.ID, []uuid.UUID{gone.ID})
	require.Equal(t, map[string]string{"ids[0]": "no such user"}, res.Error.Fields, "a deleted account finds not even itself")
}
