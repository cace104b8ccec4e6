package integration

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// The generic many-first behaviours, exercised through foods: every table
// shares them through db/many.go.

func TestInsertTenThousandRowsInChunksAndInputOrder(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)
	b := bundle{ctx: t.Context(), pool: pool}
	in := factories.Food().BuildMany(10_000)

	foods, err := db.InsertFoods(b.ctx, pool, in)
	require.NoError(t, err)

	require.Len(t, foods, len(in))
	require.Equal(t, len(in), cap(foods), "the rows of every chunk fill one slice, sized once")
	for i := range in {
		require.Equal(t, in[i].Name, foods[i].Name, "row %d is out of input order", i)
	}
	require.Equal(t, 10_000, count(t, b, "foods"))
	// 10,000 rows over chunks of ChunkSize: that many INSERTs, in one
	// transaction.
	require.Equal(t, (10_000+many.ChunkSize-1)/many.ChunkSize, stmts.count("INSERT"))
	require.Equal(t, 1, stmts.count("BEGIN"))
	require.Equal(t, 1, stmts.count("COMMIT"))
}

// TestTheChunksOfACallArePipelined watches the chunks of one call
// through the pool's tracer: each chunk after the first is sent before
// the rows of the one before it are read, and each ends with its own
// command tag.
func TestTheChunksOfACallArePipelined(t *testing.T) {
	t.Parallel()
	tracer := &chunkEvents{}
	pool := poolWithTracer(t, testdb.URL(t), tracer)

	_, err := db.InsertFoods(t.Context(), pool, factories.Food().BuildMany(3*many.ChunkSize))
	require.NoError(t, err)

	want := []string{"send", "send", "read INSERT 0 2500", "send", "read INSERT 0 2500", "read INSERT 0 2500"}
	require.Equal(t, want, tracer.all())
}

// chunkEvents records the sends and reads of INSERT statements.
type chunkEvents struct {
	mu     sync.Mutex
	events []string
}

type insertKey struct{}

func (c *chunkEvents) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !strings.Contains(data.SQL, "INSERT INTO foods") {
		return ctx
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, "send")
	return context.WithValue(ctx, insertKey{}, true)
}

func (c *chunkEvents) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	if ctx.Value(insertKey{}) == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, "read "+data.CommandTag.String())
}

func (c *chunkEvents) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events)
}

func TestBatchWithinChunkSizeIsOneStatement(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)

	_, err := db.InsertFoods(t.Context(), pool, factories.Food().BuildMany(many.ChunkSize))
	require.NoError(t, err)

	require.Equal(t, 1, stmts.count("INSERT"))
	require.Zero(t, stmts.count("BEGIN"), "one statement needs no transaction")
}

func TestFailingRowInALaterChunkLeavesNothingWritten(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := factories.Food().BuildMany(many.ChunkSize + 10)
	in[len(in)-1].FatG = 101 // breaks foods_fat_g_check, in the second chunk

	_, err := db.InsertFoods(b.ctx, b.pool, in)

	require.ErrorIs(t, err, many.ErrCheckViolation)
	require.Zero(t, count(t, b, "foods"), "the first chunk must be rolled back")
}

// TestAChunkFailingInThePipelineLeavesTheConnectionReady fails the
// second of three chunks while the third is in flight: nothing is
// written, and the pool's one connection runs the next call.
func TestAChunkFailingInThePipelineLeavesTheConnectionReady(t *testing.T) {
	t.Parallel()
	config, err := pgxpool.ParseConfig(testdb.URL(t))
	require.NoError(t, err)
	db.Configure(config)
	config.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), config)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	b := bundle{ctx: t.Context(), pool: pool}
	in := factories.Food().BuildMany(3 * many.ChunkSize)
	in[many.ChunkSize+1].FatG = 101 // breaks foods_fat_g_check, in the second chunk

	_, err = db.InsertFoods(b.ctx, pool, in)

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "foods_fat_g_check", ce.Constraint)
	require.Zero(t, count(t, b, "foods"))
	foods, err := db.InsertFoods(b.ctx, pool, factories.Food().BuildMany(many.ChunkSize+1))
	require.NoError(t, err)
	require.Len(t, foods, many.ChunkSize+1)
}

func TestFailingRowInOneStatementLeavesNothingWritten(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := factories.Food().BuildMany(5)
	in[1].Barcode, in[3].Barcode = ptr("4006381333931"), ptr("4006381333931")

	_, err := db.InsertFoods(b.ctx, b.pool, in)

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrUniqueViolation)
	require.Equal(t, "foods_catalog_barcode_key", ce.Constraint)
	require.Zero(t, count(t, b, "foods"))
}

func TestChunkedWriteInsideACallerTransactionRollsBackWithIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	errStop := errors.New("stop")

	err := many.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
		foods, err := db.InsertFoods(b.ctx, tx, factories.Food().BuildMany(many.ChunkSize+1))
		require.NoError(t, err)
		require.Len(t, foods, many.ChunkSize+1)
		return errStop
	})

	require.ErrorIs(t, err, errStop)
	require.Zero(t, count(t, b, "foods"))
}

func TestSelectReturnsRowsInTheOrderOfIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	foods := factories.Food().MustCreateMany(t, b.pool, 5)
	missing := uuid.New()
	ids := []uuid.UUID{foods[3].ID, missing, foods[0].ID, foods[4].ID, foods[0].ID}

	got, err := db.SelectFoods(b.ctx, b.pool, nil, ids)

	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{foods[3].ID, foods[0].ID, foods[4].ID, foods[0].ID}, foodIDs(got),
		"one row per id found, in the order asked; missing ids left out")
}

func TestSelectManyIDsAcrossChunks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	foods := factories.Food().MustCreateMany(t, b.pool, many.ChunkSize+100)
	ids := foodIDs(foods)
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })

	got, err := db.SelectFoods(b.ctx, b.pool, nil, ids)

	require.NoError(t, err)
	require.Equal(t, ids, foodIDs(got))
}

func TestUpdateAndDeleteReturnRowsInInputOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	foods := factories.Food().MustCreateMany(t, b.pool, 4)
	patches := []db.FoodPatch{
		{ID: foods[2].ID, Name: many.Set("Two")},
		{ID: foods[0].ID, Name: many.Set("Zero")},
		{ID: uuid.New(), Name: many.Set("Nobody")},
		{ID: foods[3].ID, Name: many.Set("Three")},
	}

	updated, err := db.UpdateFoods(b.ctx, b.pool, nil, patches)
	require.NoError(t, err)
	require.Equal(t, []string{"Two", "Zero", "Three"}, []string{updated[0].Name, updated[1].Name, updated[2].Name})

	deleted, err := db.DeleteFoods(b.ctx, b.pool, nil, []uuid.UUID{foods[3].ID, foods[1].ID, uuid.New()})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{foods[3].ID, foods[1].ID}, foodIDs(deleted))
	require.Equal(t, 2, count(t, b, "foods"))
}

// TestConcurrentUpdatesOfOverlappingRowsDoNotDeadlock runs batches that
// name the same rows in opposite orders at once; without a stable lock
// order PostgreSQL aborts one of them with a deadlock. Each batch changes
// all of its rows, those the others changed meanwhile too.
func TestConcurrentUpdatesOfOverlappingRowsDoNotDeadlock(t *testing.T) {
	t.Parallel()
	b := setup(t)
	foods := factories.Food().MustCreateMany(t, b.pool, 400)
	ids := foodIDs(foods)

	const rounds = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4*rounds)
	for w := range 4 {
		wg.Go(func() {
			for range rounds {
				order := slices.Clone(ids[w*50 : w*50+250]) // overlapping windows
				if w%2 == 1 {
					slices.Reverse(order)
				} else {
					rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				}
				patches := make([]db.FoodPatch, len(order))
				for i, id := range order {
					patches[i] = db.FoodPatch{ID: id, Brand: many.Set(ptr("w"))}
				}
				updated, err := db.UpdateFoods(b.ctx, b.pool, nil, patches)
				if err != nil {
					errs <- err
				} else if len(updated) != len(patches) {
					// A row another batch changed after this one's
					// snapshot is still this one's to change.
					errs <- fmt.Errorf("%d of %d rows updated", len(updated), len(patches))
				}
				if _, err := db.DeleteFoods(b.ctx, b.pool, nil, order[:0]); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestKeysetPaginationVisitsEveryRowOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Several batches: rows of one batch share created_at, so the id
	// breaks the tie.
	var want []uuid.UUID
	for range 4 {
		want = append(want, foodIDs(factories.Food().MustCreateMany(t, b.pool, 53))...)
	}

	got, pages := allPages(t, func(after many.Cursor) (many.Page[db.Food], error) {
		return db.ListFoods(b.ctx, b.pool, db.FoodFilter{After: after, Limit: 10})
	})

	require.Equal(t, 22, pages)
	require.ElementsMatch(t, want, foodIDs(got))
	require.Len(t, got, len(want), "no row twice")
}

func TestListRejectsAForeignCursor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := db.ListFoods(b.ctx, b.pool, db.FoodFilter{After: "garbage"})
	require.ErrorIs(t, err, many.ErrInvalidCursor)
}

func TestPageSizeIsClamped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	factories.Food().MustCreateMany(t, b.pool, many.DefaultPageSize+1)

	page, err := db.ListFoods(b.ctx, b.pool, db.FoodFilter{})

	require.NoError(t, err)
	require.Len(t, page.Items, many.DefaultPageSize)
	require.NotEmpty(t, page.Next)
}

// TestErrorsAtCommitAreMapped: the journal's foreign keys are checked at
// commit, so their violation surfaces from WithTx, mapped all the same.
func TestErrorsAtCommitAreMapped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner := factories.User().MustCreate(t, b.pool)

	err := many.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
		_, err := db.InsertMealEntries(b.ctx, tx, []db.NewMealEntry{factories.MealEntry().OwnedBy(owner).OfFood(db.Food{ID: uuid.New()}, 10).Build()})
		return err // nil: the check waits for commit
	})

	var ce *many.ConstraintError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, many.ErrForeignKeyViolation)
	require.Equal(t, "meal_entries_food_id_fkey", ce.Constraint)
}

// A batch sends amounts as numeric[] written from each float's shortest
// digits, as a bulk load's COPY does, so both round alike: the float just
// below 1.005 is 1.00 (a float8 -> numeric cast keeps 15 digits, 1.005,
// and made it 1.01).
func TestBatchesAndBulkLoadsRoundAmountsAlike(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	below := math.Nextafter(1.005, 0)
	food := factories.Food().OwnedBy(me).Build()
	food.Nutrients.ProteinG = below

	inserted, err := many.First(db.InsertFoods(b.ctx, b.pool, []db.NewFood{food}))
	require.NoError(t, err)
	_, err = db.CopyFoods(b.ctx, b.pool, []db.NewFood{food})
	require.NoError(t, err)
	updated, err := many.First(db.UpdateFoods(b.ctx, b.pool, &me.ID, []db.FoodPatch{{ID: inserted.ID, Nutrients: many.Set(food.Nutrients)}}))
	require.NoError(t, err)

	rows, err := b.pool.Query(b.ctx, "SELECT protein_g::text FROM foods WHERE owner_id = $1", me.ID)
	require.NoError(t, err)
	proteins, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"1.00", "1.00"}, proteins, "inserted (then updated) and copied")
	require.Equal(t, 1.0, inserted.ProteinG)
	require.Equal(t, 1.0, updated.ProteinG)
}

func TestCopyLoadsInBulkWithNothingReturned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	in := factories.Food().OwnedBy(me).Branded("Bulk").BuildMany(many.ChunkSize + 1)
	in[0].Brand = nil

	n, err := db.CopyFoods(b.ctx, b.pool, in)

	require.NoError(t, err)
	require.EqualValues(t, many.ChunkSize+1, n)
	page, err := db.ListFoods(b.ctx, b.pool, db.FoodFilter{ViewerID: &me.ID, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, in[0].Name, page.Items[0].Name)
	require.Nil(t, page.Items[0].Brand)
	require.Equal(t, "Bulk", *page.Items[1].Brand)
	require.Equal(t, in[1].Nutrients, db.NutrientsOf(page.Items[1]))
	require.Equal(t, in[1].Kind, page.Items[1].Kind, "enums go in as COPY's text")

	recipe := factories.Recipe().OwnedBy(me).MustCreate(t, b.pool)
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	n, err = db.CopyMealEntries(b.ctx, b.pool, []db.NewMealEntry{
		{OwnerID: me.ID, EatenAt: at, Meal: db.MealKindBreakfast, MealSource: db.MealSource{FoodID: &page.Items[0].ID, Grams: ptr(120.0)}},
		{OwnerID: me.ID, EatenAt: at, Meal: db.MealKindDinner, MealSource: db.MealSource{RecipeID: &recipe.ID, Servings: ptr(1.5)}},
	})
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	entries, err := db.ListMealEntries(b.ctx, b.pool, db.MealEntryFilter{OwnerID: me.ID})
	require.NoError(t, err)
	require.Len(t, entries.Items, 2)
	for _, e := range entries.Items {
		if e.RecipeID != nil {
			require.Nil(t, e.FoodID)
			require.Equal(t, 1.5, *e.Servings)
		} else {
			require.Equal(t, 120.0, *e.Grams)
			require.Nil(t, e.Servings)
		}
	}

	_, err = db.CopyFoods(b.ctx, b.pool, []db.NewFood{{Name: "", Kind: db.FoodKindWhole, Category: db.FoodCategoryFruit}})
	require.Error(t, err, "a broken CHECK aborts the load")
}

// Larder's pools write a float64 as numeric, a []float64 as numeric[],
// and a *uuid.UUID as uuid, without pgx's own encoders (db/numeric.go,
// db/arrays.go, db/uuid.go): PostgreSQL must read the same numbers,
// display scale included, and the same id.
func TestValuesReachPostgreSQLAsPgxWouldSendThem(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := testdb.URL(t)
	larder, err := db.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(larder.Close)
	plain, err := pgx.Connect(ctx, url) // pgx's own encoders
	require.NoError(t, err)
	t.Cleanup(func() { plain.Close(context.Background()) })
	text := func(q many.DBTX, sql string, arg any) string {
		var s *string
		require.NoError(t, q.QueryRow(ctx, sql, arg).Scan(&s), "%v", arg)
		if s == nil {
			return "NULL"
		}
		return *s
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 12.3, -0.05, 250, 99999.99, 1e-7, 0.1 + 0.2, 1e21, 123456.789,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)} {
		require.Equal(t, text(plain, "SELECT $1::numeric::text", f), text(larder, "SELECT $1::numeric::text", f), "%v", f)
	}
	amounts := []float64{12.3, 0.1 + 0.2, -0.05, 0, 1e-7, 1e21, math.NaN(), math.Inf(1)}
	require.Equal(t, text(plain, "SELECT $1::numeric[]::text", amounts), text(larder, "SELECT $1::numeric[]::text", amounts), "numeric[]")
	id := uuid.Must(uuid.NewV7())
	var none *uuid.UUID
	for _, v := range []any{id, &id, none} {
		require.Equal(t, text(plain, "SELECT $1::uuid::text", v), text(larder, "SELECT $1::uuid::text", v), "%v", v)
	}
	require.Equal(t, "NULL", text(larder, "SELECT $1::uuid::text", none), "a nil *uuid.UUID")
}

// A batch statement must be planned for the arrays it carries, on every
// run, and the query behind each foreign key check must not be: Open runs
// queries as unnamed statements (a named one would be left on the
// connection after the first run) and leaves the plan cache to the server.
func TestOpenUsesUnnamedStatements(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := testdb.URL(t)
	pool, err := db.Open(ctx, url+"&pool_max_conns=1")
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	owner := factories.User().MustCreate(t, pool)
	_, err = db.InsertFoods(ctx, pool, factories.Food().OwnedBy(owner).BuildMany(3))
	require.NoError(t, err)

	var named int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM pg_prepared_statements").Scan(&named))
	require.Zero(t, named, "no named prepared statement on the connection")
	var mode string
	require.NoError(t, pool.QueryRow(ctx, "SHOW plan_cache_mode").Scan(&mode))
	require.Equal(t, "auto", mode, "foreign key checks keep their cached plans")
	require.Equal(t, pgx.QueryExecModeCacheDescribe, pool.Config().ConnConfig.DefaultQueryExecMode)

	other, err := db.Open(ctx, url+"&default_query_exec_mode=exec")
	require.NoError(t, err)
	t.Cleanup(other.Close)
	require.Equal(t, pgx.QueryExecModeExec, other.Config().ConnConfig.DefaultQueryExecMode, "a mode the URL asks for stays")
}

// Configure, for a pool opened elsewhere, sets up Larder's types first and
// then runs the configuration's own AfterConnect, which it must not drop.
func TestConfigureKeepsTheOwnAfterConnect(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := testdb.URL(t)
	uuidCodec := func(conn *pgx.Conn) string {
		typ, ok := conn.TypeMap().TypeForName("uuid")
		require.True(t, ok)
		return fmt.Sprintf("%T", typ.Codec)
	}
	larder, err := db.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(larder.Close)
	var want string
	require.NoError(t, larder.AcquireFunc(ctx, func(c *pgxpool.Conn) error { want = uuidCodec(c.Conn()); return nil }))

	config, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	var seen string // the uuid codec the own hook found in place
	config.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		seen = uuidCodec(conn)
		_, err := conn.Exec(ctx, "SET application_name = 'own hook'")
		return err
	}
	db.Configure(config)
	pool, err := pgxpool.NewWithConfig(ctx, config)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	var name string
	require.NoError(t, pool.QueryRow(ctx, "SHOW application_name").Scan(&name))
	require.Equal(t, "own hook", name, "the configuration's own AfterConnect ran")
	require.Equal(t, want, seen, "after Larder's")
}

// TestEnumLabelsAreReadOncePerConnection reads many rows of one food kind:
// every row's kind is the same string, not a copy per row (many.Configure
// registers the database's enums).
func TestEnumLabelsAreReadOncePerConnection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	foods := factories.Food().Processed().MustCreateMany(t, b.pool, 50)
	ids := idsOf(foods, func(f db.Food) uuid.UUID { return f.ID })

	got, err := db.SelectFoods(b.ctx, b.pool, nil, ids)
	require.NoError(t, err)
	require.Len(t, got, 50)
	for _, f := range got {
		require.Equal(t, db.FoodKindProcessed, f.Kind)
		require.Same(t, unsafe.StringData(string(got[0].Kind)), unsafe.StringData(string(f.Kind)), "one label, one string")
	}
}
