package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

func TestInsertAndSelectUsers(t *testing.T) {
	t.Parallel()
	b := setup(t)

	users, err := db.InsertUsers(b.ctx, b.pool, []db.NewUser{
		{Email: "ann@example.com", DisplayName: "Ann"},
		{Email: "bo@example.com", DisplayName: "Bø 🍜"},
	})
	require.NoError(t, err)
	require.Equal(t, "ann@example.com", users[0].Email)
	require.Equal(t, "Bø 🍜", users[1].DisplayName)
	require.False(t, users[0].CreatedAt.IsZero())

	got, err := db.SelectUsers(b.ctx, b.pool, []uuid.UUID{users[1].ID, users[0].ID})
	require.NoError(t, err)
	require.Equal(t, []db.User{users[1], users[0]}, got)
}

func TestUserEmailsAreUniqueRegardlessOfCase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	factories.User().MustCreateMany(t, b.pool, 1)
	_, err := db.InsertUsers(b.ctx, b.pool, []db.NewUser{{Email: "Cook@Example.com", DisplayName: "Cook"}})
	require.NoError(t, err)

	_, err = db.InsertUsers(b.ctx, b.pool, []db.NewUser{{Email: "COOK@example.COM", DisplayName: "Other"}})

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrUniqueViolation)
	require.Equal(t, "users", ce.Table)
	require.Equal(t, "users_email_key", ce.Constraint)

	found, err := db.SelectUsersByEmail(b.ctx, b.pool, []string{"cook@EXAMPLE.com"})
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, "Cook@Example.com", found[0].Email, "stored as given")
}

func TestUserChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name string
		give db.NewUser
	}{
		{name: "empty display name", give: db.NewUser{Email: "a@example.com", DisplayName: ""}},
		{name: "email without @", give: db.NewUser{Email: "nobody", DisplayName: "X"}},
	}
	for _, tt := range tests {
		_, err := db.InsertUsers(b.ctx, b.pool, []db.NewUser{tt.give})
		require.ErrorIs(t, err, many.ErrCheckViolation, tt.name)
	}
	_, err := db.InsertUsers(b.ctx, b.pool, []db.NewUser{{Email: "nul@example.com", DisplayName: "a\x00b"}})
	require.ErrorIs(t, err, many.ErrInvalidValue)
	require.Zero(t, count(t, b, "users"))
}

func TestListUsersFiltersAndPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := db.InsertUsers(b.ctx, b.pool, []db.NewUser{
		{Email: "chef.one@kitchen.test", DisplayName: "One"},
		{Email: "chef.two@kitchen.test", DisplayName: "Two"},
		{Email: "guest@elsewhere.test", DisplayName: "Guest"},
	})
	require.NoError(t, err)

	got, pages := allPages(t, func(after many.Cursor) (many.Page[db.User], error) {
		return db.ListUsers(b.ctx, b.pool, db.UserFilter{EmailContains: ptr("KITCHEN"), After: after, Limit: 1})
	})

	require.Equal(t, 2, pages)
	require.Equal(t, "chef.one@kitchen.test", got[0].Email)
	require.Equal(t, "chef.two@kitchen.test", got[1].Email)
}

func TestUpdateUsersChangesOnlySetFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)

	updated, err := db.UpdateUsers(b.ctx, b.pool, []db.UserPatch{
		{ID: users[0].ID, DisplayName: many.Set("Renamed")},
		{ID: users[1].ID, Email: many.Set("moved@example.com")},
	})

	require.NoError(t, err)
	require.Equal(t, "Renamed", updated[0].DisplayName)
	require.Equal(t, users[0].Email, updated[0].Email)
	require.Equal(t, "moved@example.com", updated[1].Email)
	require.Equal(t, users[1].DisplayName, updated[1].DisplayName)
	require.True(t, updated[0].UpdatedAt.After(users[0].UpdatedAt))
}

// TestDeleteUsersTakesEverythingTheyOwn deletes a user who has a food in
// a recipe and in the journal: the deferred history checks let the
// cascade through.
func TestDeleteUsersTakesEverythingTheyOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	owner, other := users[0], users[1]
	food := factories.Food().OwnedBy(owner).WithTags("soup").MustCreate(t, b.pool)
	recipe := factories.Recipe().OwnedBy(owner).Using(food).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(owner).OfFood(food, 50).MustCreate(t, b.pool)
	factories.MealEntry().OwnedBy(owner).OfRecipe(recipe, 1).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(owner).Of(food).MustCreate(t, b.pool)
	factories.Food().OwnedBy(other).MustCreate(t, b.pool)

	deleted, err := db.DeleteUsers(b.ctx, b.pool, []uuid.UUID{owner.ID})

	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{owner.ID}, idsOf(deleted, func(u db.User) uuid.UUID { return u.ID }))
	for _, table := range []string{"recipes", "recipe_ingredients", "meal_entries", "pantry_items", "tags", "food_tags"} {
		require.Zero(t, count(t, b, table), table)
	}
	require.Equal(t, 1, count(t, b, "foods"), "the other user's food stays")
	require.Equal(t, 1, count(t, b, "users"))
}

// TestDeletingALargeAccountTakesBoundedSteps: an account of more rows than
// ChunkSize goes in steps of at most ChunkSize rows each, all in one
// transaction.
func TestDeletingALargeAccountTakesBoundedSteps(t *testing.T) {
	t.Parallel()
	pool, statements := tracedPool(t)
	ctx := t.Context()
	owner := factories.User().MustCreate(t, pool)
	food := factories.Food().OwnedBy(owner).MustCreate(t, pool)
	factories.MealEntry().OwnedBy(owner).OfFood(food, 10).MustCreateMany(t, pool, 2*many.ChunkSize+1)
	before := statements.all()

	_, err := db.DeleteUsers(ctx, pool, []uuid.UUID{owner.ID})

	require.NoError(t, err)
	sent := statements.since(before)
	require.Equal(t, 3+7, sent["DELETE"], "3 steps of meal entries, 1 for each of the 7 other tables")
	var left int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM meal_entries").Scan(&left))
	require.Zero(t, left)
}
