package telemetry_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/telemetry"
)

// tracedPool is a pool from db.Open on the test's database whose
// statements the tracer records into b.spans.
func tracedPool(t *testing.T, b bundle, options ...telemetry.Option) *pgxpool.Pool {
	t.Helper()
	tracer := telemetry.NewQueryTracer(append(slices.Clone(options), b.options...)...)
	pool, err := db.Open(b.ctx, b.url, db.WithTracer(tracer))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// parent starts a span for statements to be children of.
func parent(b bundle) (context.Context, trace.Span) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(b.spans))
	return tp.Tracer("test").Start(b.ctx, "request")
}

// queried returns the ended spans of statements of that text (a new
// connection's own statements are traced too).
func queried(b bundle, sql string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range b.spans.Ended() {
		if attrs(s.Attributes())["db.query.text"].AsString() == sql {
			out = append(out, s)
		}
	}
	return out
}

// named returns the ended spans of that name.
func named(b bundle, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range b.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func TestQueryTracerMakesASpanPerStatement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := tracedPool(t, b)
	ctx, request := parent(b)

	_, err := pool.Exec(ctx, "SELECT 1")
	require.NoError(t, err)
	_, err = store.CountJobs(ctx, pool) // sqlc's "-- name: CountJobs :many"
	require.NoError(t, err)
	request.End()

	selects := queried(b, "SELECT 1")
	require.Len(t, selects, 1)
	s := selects[0]
	require.Equal(t, "SELECT", s.Name())
	require.Equal(t, request.SpanContext().SpanID(), s.Parent().SpanID())
	require.Equal(t, "client", s.SpanKind().String())
	require.Equal(t, codes.Unset, s.Status().Code)
	a := attrs(s.Attributes())
	require.Equal(t, "postgresql", a["db.system.name"].AsString())
	require.Equal(t, "SELECT 1", a["db.query.text"].AsString())
	require.Equal(t, "SELECT", a["db.operation.name"].AsString())
	require.Equal(t, pool.Config().ConnConfig.Database, a["db.namespace"].AsString())
	require.Equal(t, pool.Config().ConnConfig.Host, a["server.address"].AsString())
	require.EqualValues(t, pool.Config().ConnConfig.Port, a["server.port"].AsInt64())

	counted := named(b, "CountJobs")
	require.Len(t, counted, 1)
	a = attrs(counted[0].Attributes())
	require.Equal(t, "CountJobs", a["db.query.summary"].AsString())
	require.Contains(t, a["db.query.text"].AsString(), "FROM jobs")
}

func TestQueryTracerMarksAFailedStatement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := tracedPool(t, b)

	_, err := pool.Exec(b.ctx, "SELECT 1/0")
	require.Error(t, err)

	spans := queried(b, "SELECT 1/0")
	require.Len(t, spans, 1)
	s := spans[0]
	require.Equal(t, codes.Error, s.Status().Code)
	require.Contains(t, s.Status().Description, "division by zero")
	a := attrs(s.Attributes())
	require.Equal(t, "22012", a["db.response.status_code"].AsString())
	require.Equal(t, "22012", a["error.type"].AsString())
	require.Len(t, s.Events(), 1)
	require.Equal(t, "exception", s.Events()[0].Name)
}

// The chunks of a many-first call are pipelined on one connection, and
// the tracer sees each as a statement of its own.
func TestQueryTracerMakesASpanPerChunkOfAManyFirstCall(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := tracedPool(t, b)
	ctx, request := parent(b)

	_, err := db.InsertFoods(ctx, pool, factories.Food().BuildMany(2*many.ChunkSize+1))
	require.NoError(t, err)
	request.End()

	chunks := named(b, "InsertFoods")
	require.Len(t, chunks, 3)
	for _, s := range chunks {
		require.Equal(t, request.SpanContext().SpanID(), s.Parent().SpanID())
		require.Equal(t, codes.Unset, s.Status().Code)
	}
	require.Len(t, named(b, "BEGIN"), 1, "in one transaction")
	require.Len(t, named(b, "COMMIT"), 1)
}

func TestQueryTracerTracesBatchesAndCopies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := tracedPool(t, b)
	_, err := pool.Exec(b.ctx, "CREATE TABLE counted (n int)")
	require.NoError(t, err)

	batch := &pgx.Batch{}
	batch.Queue("SELECT 1")
	batch.Queue("SELECT 2")
	require.NoError(t, pool.SendBatch(b.ctx, batch).Close())
	_, err = pool.CopyFrom(b.ctx, pgx.Identifier{"counted"}, []string{"n"}, pgx.CopyFromRows([][]any{{1}, {2}}))
	require.NoError(t, err)

	batches := named(b, "BATCH")
	require.Len(t, batches, 1)
	require.EqualValues(t, 2, attrs(batches[0].Attributes())["db.operation.batch.size"].AsInt64())
	var inBatch int
	for _, s := range named(b, "SELECT") {
		if s.Parent().SpanID() == batches[0].SpanContext().SpanID() {
			inBatch++
		}
	}
	require.Equal(t, 2, inBatch, "a span per statement of the batch")

	copies := named(b, "COPY counted")
	require.Len(t, copies, 1)
	require.Equal(t, "counted", attrs(copies[0].Attributes())["db.collection.name"].AsString())
}

func TestQueryTracerOnlyWithinSpansLeavesStatementsOutsideTracesOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := tracedPool(t, b, telemetry.OnlyWithinSpans())

	_, err := pool.Exec(b.ctx, "SELECT 'outside'")
	require.NoError(t, err)
	ctx, request := parent(b)
	_, err = pool.Exec(ctx, "SELECT 'inside'")
	require.NoError(t, err)
	request.End()

	require.Empty(t, queried(b, "SELECT 'outside'"))
	require.Len(t, queried(b, "SELECT 'inside'"), 1)
}
