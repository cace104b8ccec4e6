package integration

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// germanLocale is the language the server speaks in TestErrorsDoNotDependOnTheServersLanguage;
// .ci/run generates it where it is missing.
const germanLocale = "de_DE.UTF-8"

// germanSetup is setup on a pool whose sessions have lc_messages set to
// German (a superuser's setting: the pool connects as the server's user).
// Where the server cannot speak German (the locale is not installed, or
// its PostgreSQL has no translations) the test is skipped, except in CI
// (CI set), where it fails. The pool goes straight to the server, also
// when the tests run through a pooler: lc_messages is a session's
// setting, which a transaction pooler refuses at startup and would not
// keep.
func germanSetup(t *testing.T) bundle {
	t.Helper()
	config, err := pgxpool.ParseConfig(testdb.Direct(t, testdb.URL(t)))
	require.NoError(t, err)
	server, err := pgx.ParseConfig(testdb.ServerURL(t))
	require.NoError(t, err)
	config.ConnConfig.User, config.ConnConfig.Password = server.User, server.Password
	config.ConnConfig.RuntimeParams["lc_messages"] = germanLocale
	db.Configure(config)
	pool, err := pgxpool.NewWithConfig(t.Context(), config)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	_, err = pool.Exec(t.Context(), "SELECT 1 / 0")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22012" || pgErr.Message == "division by zero" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the server does not speak German (%s): %v", germanLocale, err)
		}
		t.Skipf("the server does not speak German (generate the %s locale): %v", germanLocale, err)
	}
	return bundle{ctx: t.Context(), pool: pool, acts: actions.New(pool, actions.WithLogger(testLogger(t)))}
}

// TestErrorsDoNotDependOnTheServersLanguage makes each kind of broken
// constraint against a server whose messages are German: errors map from
// their structured fields to their kind, table and constraint, and the
// actions find the element that conflicts (a taken email or barcode, a
// food in use) by asking the database, not by reading the message.
func TestErrorsDoNotDependOnTheServersLanguage(t *testing.T) {
	t.Parallel()
	b := germanSetup(t)
	me := factories.User().WithEmail("taken@example.com").MustCreate(t, b.pool)

	fields := failed(t, b.acts.RegisterUsers(b.ctx, []actions.NewUser{
		{Email: "new@example.com", DisplayName: "New"},
		{Email: "Taken@example.com", DisplayName: "Late"},
	}), actions.CodeConflict)
	require.Equal(t, map[string]string{"users[1].email": "is already taken"}, fields)

	taken := factories.Food().OwnedBy(me).WithBarcode().MustCreate(t, b.pool)
	in := []actions.NewFood{newFoodInput(), newFoodInput()}
	in[1].Barcode = *taken.Barcode
	fields = failed(t, b.acts.CreateFoods(b.ctx, me.ID, in), actions.CodeConflict)
	require.Equal(t, map[string]string{"foods[1].barcode": "is already taken"}, fields)

	foods := factories.Food().OwnedBy(me).MustCreateMany(t, b.pool, 2)
	factories.MealEntry().OwnedBy(me).OfFood(foods[1], 100).MustCreate(t, b.pool)
	fields = failed(t, b.acts.DeleteFoods(b.ctx, me.ID, []uuid.UUID{foods[0].ID, foods[1].ID}), actions.CodeConflict)
	require.Equal(t, map[string]string{"ids[1]": "is used by a recipe or the journal"}, fields)

	tag := factories.Tag().OwnedBy(me).MustCreate(t, b.pool)
	_, err := db.InsertTags(b.ctx, b.pool, []db.NewTag{{OwnerID: me.ID, Name: "new"}, {OwnerID: me.ID, Name: tag.Name}})
	requireConstraint(t, err, many.ErrUniqueViolation, "tags", "tags_owner_id_name_key")
	_, err = db.InsertTags(b.ctx, b.pool, []db.NewTag{{OwnerID: me.ID, Name: strings.Repeat("x", 51)}})
	requireConstraint(t, err, many.ErrCheckViolation, "tags", "tags_name_check")
	_, err = db.InsertPantryItems(b.ctx, b.pool, []db.NewPantryItem{{OwnerID: me.ID, FoodID: uuid.New(), Quantity: 1, Unit: db.PantryUnitG}})
	requireConstraint(t, err, many.ErrForeignKeyViolation, "pantry_items", "pantry_items_food_id_fkey")
}

// requireConstraint fails the test unless err is a *many.ConstraintError
// of that kind, table and constraint.
func requireConstraint(t *testing.T, err error, kind error, table, constraint string) {
	t.Helper()
	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, kind)
	require.Equal(t, table, ce.Table)
	require.Equal(t, constraint, ce.Constraint)
}
