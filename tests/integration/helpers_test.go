// Package integration holds the database-backed tests: one file per
// domain, each test on its own fresh database (tests/testdb), all in
// parallel.
package integration

import (
	"context"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// bundle is what a test works with: a context, a pool on the test's own
// database, and the actions on that pool, logging to the test.
type bundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
	acts *actions.Actions
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool := testdb.New(t)
	return bundle{ctx: t.Context(), pool: pool, acts: actions.New(pool, actions.WithLogger(testLogger(t)))}
}

// testLogger logs through t, so a failing test shows what was logged.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// ok fails the test unless res succeeded, and returns its data.
func ok[T any](t *testing.T, res actions.Result[T]) T {
	t.Helper()
	require.True(t, res.Success, "%+v", res.Error)
	return res.Data
}

// failed fails the test unless res failed with code, and returns the
// error's fields.
func failed[T any](t *testing.T, res actions.Result[T], code actions.Code) map[string]string {
	t.Helper()
	require.False(t, res.Success)
	require.Equal(t, code, res.Error.Code, "%+v", res.Error)
	return res.Error.Fields
}

func idsOf[T any](rows []T, id func(T) uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func foodIDs(foods []db.Food) []uuid.UUID {
	return idsOf(foods, func(f db.Food) uuid.UUID { return f.ID })
}

// count returns the number of rows in table.
func count(t *testing.T, b bundle, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n))
	return n
}

// allPages walks a list from its first page to its last.
func allPages[T any](t *testing.T, list func(after many.Cursor) (many.Page[T], error)) (items []T, pages int) {
	t.Helper()
	var after many.Cursor
	for {
		page, err := list(after)
		require.NoError(t, err)
		items = append(items, page.Items...)
		pages++
		if page.Next == "" {
			return items, pages
		}
		after = page.Next
	}
}

// statements counts the statements a pool sends, by their first word.
type statements struct {
	mu     sync.Mutex
	counts map[string]int
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	sql := strings.TrimSpace(data.SQL)
	if strings.HasPrefix(sql, "-- name: SetSettings ") || strings.HasPrefix(sql, "-- many: enum types") {
		return ctx // a new connection's setup, not a statement of the test
	}
	// sqlc prefixes its queries with "-- name: X :many".
	if strings.HasPrefix(sql, "-- name:") {
		sql = strings.TrimSpace(sql[strings.Index(sql, "\n")+1:])
	}
	word, _, _ := strings.Cut(sql, " ")
	s.counts[strings.ToUpper(word)]++
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (s *statements) count(word string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[word]
}

// all returns the counts so far.
func (s *statements) all() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// since returns the counts of the statements sent after before = all().
func (s *statements) since(before map[string]int) map[string]int {
	out := map[string]int{}
	for word, n := range s.all() {
		if n > before[word] {
			out[word] = n - before[word]
		}
	}
	return out
}

// tracedPool is a pool on the test's database that counts its statements.
func tracedPool(t *testing.T) (*pgxpool.Pool, *statements) {
	t.Helper()
	tracer := &statements{counts: map[string]int{}}
	return poolWithTracer(t, testdb.URL(t), tracer), tracer
}

// poolWithTracer is a Larder pool (db.Configure) on url whose statements
// go through tracer; a worker's own pool copies it.
func poolWithTracer(t *testing.T, url string, tracer pgx.QueryTracer) *pgxpool.Pool {
	t.Helper()
	config, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	db.Configure(config)
	config.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(t.Context(), config)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func ptr[T any](v T) *T { return &v }
