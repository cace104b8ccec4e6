package integration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/internal/pgserver"
	"github.com/larderhq/larder/tests/testdb"
)

// The log lines of a replica's outage (actions.WithReplica).
const (
	replicaDown = "replica unreachable"
	replicaUp   = "replica answers again"
)

// TestReadReplica runs the actions on a primary and a streaming replica of
// it, two clusters of the test's own (pgserver.StartReplicaPair: the
// shared test server is not base-backed-up), with both pools traced. The
// subtests share the pair and its database, migrated with migrate.Up,
// and run one at a time, as they pause the replica's replay or stop it;
// each works with users of its own, and pools of its own.
func TestReadReplica(t *testing.T) {
	t.Parallel()
	pair := startReplicaPair(t)

	t.Run("ReadOnlyActionsReadTheReplica", func(t *testing.T) {
		b := replicaSetup(t, pair)
		me := factories.User().MustCreate(t, b.pool)
		food := factories.Food().OwnedBy(me).WithBarcode().WithTags("breakfast").MustCreate(t, b.pool)
		factories.PantryItem().OwnedBy(me).Of(food).MustCreate(t, b.pool)
		recipe := factories.Recipe().OwnedBy(me).Using(food).MustCreate(t, b.pool)
		factories.MealEntry().OwnedBy(me).OfFood(food, 100).MustCreate(t, b.pool)
		generation := factories.Generation().OwnedBy(me).MustCreate(t, b.pool)
		require.NoError(t, pair.CatchUp(b.ctx))
		today := time.Now().UTC().Format(actions.DateLayout)
		one := func(id uuid.UUID) []uuid.UUID { return []uuid.UUID{id} }
		reads := []struct {
			name string
			call func() error
		}{
			{"GetUsers", func() error { return b.acts.GetUsers(b.ctx, me.ID, one(me.ID)).Err() }},
			{"GetFoods", func() error { return b.acts.GetFoods(b.ctx, me.ID, one(food.ID)).Err() }},
			{"GetFoodsByBarcode", func() error { return b.acts.GetFoodsByBarcode(b.ctx, me.ID, []string{*food.Barcode}).Err() }},
			{"SearchFoods", func() error { return b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{}).Err() }},
			{"ListTags", func() error { return b.acts.ListTags(b.ctx, me.ID, actions.TagSearch{}).Err() }},
			{"ListPantryItems", func() error { return b.acts.ListPantryItems(b.ctx, me.ID, actions.PantrySearch{}).Err() }},
			{"GetRecipes", func() error { return b.acts.GetRecipes(b.ctx, me.ID, one(recipe.ID)).Err() }},
			{"ListRecipes", func() error { return b.acts.ListRecipes(b.ctx, me.ID, actions.RecipeSearch{}).Err() }},
			{"RecipeNutrition", func() error { return b.acts.RecipeNutrition(b.ctx, me.ID, one(recipe.ID)).Err() }},
			{"ListMealEntries", func() error { return b.acts.ListMealEntries(b.ctx, me.ID, actions.MealEntrySearch{}).Err() }},
			{"DailyTotals", func() error { return b.acts.DailyTotals(b.ctx, me.ID, actions.DateRange{From: today, To: today}).Err() }},
			{"GetGenerations", func() error { return b.acts.GetGenerations(b.ctx, me.ID, one(generation.ID)).Err() }},
			{"ListGenerations", func() error { return b.acts.ListGenerations(b.ctx, me.ID, actions.GenerationSearch{}).Err() }},
		}
		for _, r := range reads {
			primary, replica := b.primary.all(), b.replica.all()

			require.NoError(t, r.call(), r.name)

			require.Empty(t, b.primary.since(primary), "%s sends nothing to the primary", r.name)
			require.NotEmpty(t, b.replica.since(replica), "%s reads the replica", r.name)
		}

		name := "Renamed"
		writes := []struct {
			name string
			call func() error
		}{
			{"CreateFoods", func() error {
				return b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{{Name: "Rye", Kind: "whole", Category: "grain"}}).Err()
			}},
			{"UpdateFoods", func() error {
				return b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: food.ID, Name: &name}}).Err()
			}},
			{"CreateTags", func() error { return b.acts.CreateTags(b.ctx, me.ID, []string{"lunch"}).Err() }},
			{"UpdateProfile", func() error {
				return b.acts.UpdateProfile(b.ctx, me.ID, actions.ProfileChange{DisplayName: &name}).Err()
			}},
		}
		for _, w := range writes {
			primary, replica := b.primary.all(), b.replica.all()

			require.NoError(t, w.call(), w.name)

			require.NotEmpty(t, b.primary.since(primary), "%s writes the primary", w.name)
			require.Empty(t, b.replica.since(replica), "%s sends nothing to the replica", w.name)
		}
		require.Zero(t, b.log.count(replicaDown))
	})

	t.Run("AReadOnlyActionMayNotSeeAnotherActionsWrite", func(t *testing.T) {
		b := replicaSetup(t, pair)
		me := factories.User().MustCreate(t, b.pool)
		require.NoError(t, pair.CatchUp(b.ctx))
		pauseReplay(t, pair)

		food := ok(t, b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{{Name: "Oats", Kind: "whole", Category: "grain"}}))[0]

		failed(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}), actions.CodeNotFound) // the replica lags
		require.Equal(t, food.ID, ok(t, b.acts.GetFoods(actions.FromPrimary(b.ctx), me.ID, []uuid.UUID{food.ID}))[0].ID,
			"under FromPrimary a read-only action reads the primary")
		require.NoError(t, pair.ResumeReplay(b.ctx))
		require.NoError(t, pair.CatchUp(b.ctx))
		require.Equal(t, food.ID, ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))[0].ID, "caught up, the replica has it")
	})

	t.Run("AWriteActionReadsWhatItAndEarlierActionsWrote", func(t *testing.T) {
		b := replicaSetup(t, pair)
		me := factories.User().MustCreate(t, b.pool)
		require.NoError(t, pair.CatchUp(b.ctx))
		pauseReplay(t, pair) // nothing written below reaches the replica
		oats := actions.NewFood{Name: "Oats", Barcode: "4006381333931", Kind: "whole", Category: "grain"}
		food := ok(t, b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{oats}))[0]
		replica := b.replica.all()

		// UpdateFoods reads the food in its transaction before writing it.
		name := "Rolled oats"
		ok(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: food.ID, Name: &name}}))
		// CreateFoods, its insert refused, reads which barcodes are taken
		// to name the element: the food it finds is the primary's.
		fields := failed(t, b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{oats}), actions.CodeConflict)
		require.Equal(t, map[string]string{"foods[0].barcode": "is already taken"}, fields)
		// RegisterUsers likewise finds the email it was refused for.
		fields = failed(t, b.acts.RegisterUsers(b.ctx, []actions.NewUser{{Email: me.Email, DisplayName: "Again"}}), actions.CodeConflict)
		require.Equal(t, map[string]string{"users[0].email": "is already taken"}, fields)

		require.Empty(t, b.replica.since(replica), "write actions send nothing to the replica")
	})

	t.Run("AStoppedReplicaFallsBackToThePrimary", func(t *testing.T) {
		b := replicaSetup(t, pair)
		me := factories.User().MustCreate(t, b.pool)
		food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
		require.NoError(t, pair.CatchUp(b.ctx))
		ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID})) // the replica's pool holds a connection
		stopReplica(t, pair)

		for range 3 {
			primary := b.primary.all()
			ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))
			require.NotEmpty(t, b.primary.since(primary), "the read went to the primary")
		}
		ok(t, b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{}))
		require.Equal(t, 1, b.log.count(replicaDown), "the outage is logged once")

		require.NoError(t, pair.StartReplica(b.ctx))
		deadline := time.Now().Add(10 * time.Second)
		for b.log.count(replicaUp) == 0 { // tried again a second after it was last found unreachable
			require.True(t, time.Now().Before(deadline), "the replica's return was not noticed")
			ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))
			time.Sleep(50 * time.Millisecond)
		}
		primary, replica := b.primary.all(), b.replica.all()
		ok(t, b.acts.GetFoods(b.ctx, me.ID, []uuid.UUID{food.ID}))
		require.Empty(t, b.primary.since(primary))
		require.NotEmpty(t, b.replica.since(replica), "reads are back on the replica")
		require.Equal(t, 1, b.log.count(replicaDown))
		require.Equal(t, 1, b.log.count(replicaUp))
	})

	t.Run("AClosedReplicaPoolFallsBackToThePrimary", func(t *testing.T) {
		b := replicaSetup(t, pair)
		me := factories.User().MustCreate(t, b.pool)
		require.NoError(t, pair.CatchUp(b.ctx))
		b.replicaPool.Close()

		users := ok(t, b.acts.GetUsers(b.ctx, me.ID, []uuid.UUID{me.ID}))

		require.Equal(t, me.ID, users[0].ID)
		require.Equal(t, 1, b.log.count(replicaDown))
		require.Equal(t, 1, b.log.count("closed pool"))
	})

	t.Run("AStatementErrorOnTheReplicaIsNoOutage", func(t *testing.T) {
		b := replicaSetup(t, pair, "lock_timeout=100ms")
		me := factories.User().MustCreate(t, b.pool)
		// A lock taken on the primary is replayed on the replica, where
		// reads of the table wait for it, up to lock_timeout.
		tx, err := b.pool.Begin(b.ctx)
		require.NoError(t, err)
		defer tx.Rollback(context.WithoutCancel(b.ctx))
		_, err = tx.Exec(b.ctx, "LOCK TABLE foods IN ACCESS EXCLUSIVE MODE")
		require.NoError(t, err)
		factories.User().MustCreate(t, b.pool) // a commit flushes the lock's WAL record to the replica
		require.NoError(t, pair.CatchUp(b.ctx))
		primary := b.primary.all()

		res := b.acts.SearchFoods(b.ctx, me.ID, actions.FoodSearch{})

		require.Equal(t, actions.CodeInternal, res.Error.Code, "the replica's error is the action's")
		require.Empty(t, b.primary.since(primary), "and the read does not go to the primary")
		require.Zero(t, b.log.count(replicaDown))
		require.Equal(t, 1, b.log.count("action failed"))
	})
}

// TestOpenReplicaDoesNotWaitForTheReplica: a replica that is down when
// the application starts fails nothing; reads go to the primary, with
// the outage logged.
func TestOpenReplicaDoesNotWaitForTheReplica(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	nowhere := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", unusedPort(t))
	replica, err := db.OpenReplica(t.Context(), nowhere)
	require.NoError(t, err)
	t.Cleanup(replica.Close)
	log := newLogLines(t)
	acts := actions.New(pool, actions.WithReplica(replica), actions.WithLogger(log.logger()))
	me := factories.User().MustCreate(t, pool)

	users := ok(t, acts.GetUsers(t.Context(), me.ID, []uuid.UUID{me.ID}))

	require.Equal(t, me.ID, users[0].ID)
	require.Equal(t, 1, log.count(replicaDown))
	_, err = db.OpenReplica(t.Context(), "postgres://app:secret@db:bad port/larder")
	require.ErrorContains(t, err, "invalid database URL")
	require.NotContains(t, err.Error(), "secret")
}

// replicaBundle is what a replica test works with: pools on the test's
// database on the primary and on the replica, each counting its
// statements, and the actions on both, logging to log.
type replicaBundle struct {
	ctx              context.Context
	pool             *pgxpool.Pool // the primary's
	replicaPool      *pgxpool.Pool
	primary, replica *statements
	acts             *actions.Actions
	log              *logLines
}

// replicaSetup returns pools on the database "larder" of pair's primary
// and of its replica, and actions on both; params (name=value) go into
// the replica's URL.
func replicaSetup(t *testing.T, pair *pgserver.ReplicaPair, params ...string) replicaBundle {
	t.Helper()
	ctx := t.Context()
	primaryURL, err := pgserver.WithDatabase(pair.PrimaryURL, "larder")
	require.NoError(t, err)
	replicaURL, err := pgserver.WithDatabase(pair.ReplicaURL, "larder")
	require.NoError(t, err)
	for _, p := range params {
		replicaURL += "&" + p
	}
	b := replicaBundle{
		ctx: ctx, primary: &statements{counts: map[string]int{}}, replica: &statements{counts: map[string]int{}},
		log: newLogLines(t),
	}
	b.pool = poolWithTracer(t, primaryURL, b.primary)
	b.replicaPool = poolWithTracer(t, replicaURL, b.replica)
	b.acts = actions.New(b.pool, actions.WithReplica(b.replicaPool), actions.WithLogger(b.log.logger()))
	return b
}

// startReplicaPair starts a primary and a replica with a migrated database
// "larder", stopped when the test ends, and waits until the replica has
// the database.
// Without PostgreSQL's server binaries the test is skipped, except in CI.
func startReplicaPair(t *testing.T) *pgserver.ReplicaPair {
	t.Helper()
	pair, err := pgserver.StartReplicaPair(t.Context())
	if errors.Is(err, pgserver.ErrNoBinaries) && os.Getenv("CI") == "" {
		t.Skipf("no replica to test against: %v", err)
	}
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := pair.Stop(context.Background()); err != nil {
			t.Errorf("stop the primary and the replica: %v", err)
		}
	})
	url, err := pgserver.EnsureDatabase(t.Context(), pair.PrimaryURL, "larder")
	require.NoError(t, err)
	require.NoError(t, migrate.Up(url, migrate.Options{}))
	require.NoError(t, pair.CatchUp(t.Context()))
	return pair
}

// pauseReplay pauses the replica's replay until the test ends.
func pauseReplay(t *testing.T, pair *pgserver.ReplicaPair) {
	t.Helper()
	require.NoError(t, pair.PauseReplay(t.Context()))
	t.Cleanup(func() {
		if err := pair.ResumeReplay(context.Background()); err != nil {
			t.Errorf("resume replay: %v", err)
		}
	})
}

// stopReplica stops the replica, and starts it again when the test ends
// if the test did not.
func stopReplica(t *testing.T, pair *pgserver.ReplicaPair) {
	t.Helper()
	require.NoError(t, pair.StopReplica(t.Context()))
	t.Cleanup(func() {
		if !pgserver.Answers(context.Background(), pair.ReplicaURL) {
			if err := pair.StartReplica(context.Background()); err != nil {
				t.Errorf("start the replica again: %v", err)
			}
		}
	})
}

// unusedPort is a port of 127.0.0.1 that nothing listens on.
func unusedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// logLines keeps what a logger writes, for a test to count, and echoes it
// to the test.
type logLines struct {
	t     testing.TB
	mu    sync.Mutex
	lines []string
}

func newLogLines(t testing.TB) *logLines { return &logLines{t: t} }

func (l *logLines) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

func (l *logLines) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	l.t.Log(line)
	return len(p), nil
}

// count is the number of lines that contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}
