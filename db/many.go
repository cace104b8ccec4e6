package db

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db/dbsqlc"
)

// ChunkSize is the most rows one statement carries. Larger inputs run as
// several statements inside one transaction, so they still write all or
// nothing. Measured by BenchmarkInsertFoodsChunkSize (go test -run '^$'
// -bench ChunkSize ./db/), insert throughput is flat from 500 to 20,000
// rows per statement; the size therefore bounds what one statement holds
// in memory (its arrays and its result, on the server and in Go) while
// keeping round trips few.
const ChunkSize = 5000

// chunkSize is ChunkSize; tests of the chunking itself change it.
var chunkSize = ChunkSize

// First returns the first of rows: the many-first way to ask for one row,
// meant to wrap a call, as in db.First(db.SelectFoods(ctx, dbtx, viewer,
// ids)). It returns ErrNotFound when rows is empty.
func First[T any](rows []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, ErrNotFound
	}
	return rows[0], nil
}

// Optional is one field of a partial update: it is written only when Set
// is true. The zero Optional leaves the column as it is.
type Optional[T any] struct {
	Value T
	Set   bool
}

// Set returns an Optional that writes v.
func Set[T any](v T) Optional[T] { return Optional[T]{Value: v, Set: true} }

// table is what the helpers need to know of a table: its name, for error
// messages, and how to key and order its rows.
type table[Row any, K comparable] struct {
	name    string
	key     func(Row) K
	compare func(a, b K) int
}

// query is a generated method that takes one parameter value, such as
// (*dbsqlc.Queries).InsertFoods.
type query[P, Row any] func(*dbsqlc.Queries, context.Context, P) ([]Row, error)

// insertRows inserts in, giving each row a new UUIDv7 (time-ordered, so
// the primary key index grows at its right edge), and returns the rows in
// input order. pack builds the parameters of one chunk from its ids and
// input rows.
func insertRows[In, P, Row any](ctx context.Context, dbtx DBTX, t table[Row, uuid.UUID], in []In,
	pack func(ids []uuid.UUID, in []In) P, q query[P, Row],
) ([]Row, error) {
	ids, err := newIDs(len(in))
	if err != nil {
		return nil, t.fail("insert", err)
	}
	rows, err := inChunks(ctx, dbtx, len(in), func(qs *dbsqlc.Queries, lo, hi int) ([]Row, error) {
		return call(ctx, qs, q, pack(ids[lo:hi], in[lo:hi]), hi-lo)
	})
	if err != nil {
		return nil, t.fail("insert", err)
	}
	return inOrder(rows, ids, t.key), nil
}

// copyRows is the bulk load: it COPYs in, giving each row a new UUIDv7,
// and returns how many rows it wrote; nothing is read back. pack converts
// one chunk (ChunkSize rows, so that the converted rows never take more
// memory than one chunk's) into the generated :copyfrom query's
// parameters; several chunks go in one transaction.
func copyRows[In, P any](ctx context.Context, dbtx DBTX, t string, in []In, pack func(ids []uuid.UUID, in []In, out []P) []P,
	q func(*dbsqlc.Queries, context.Context, []P) (int64, error),
) (int64, error) {
	var written int64
	var buf []P
	_, err := inChunks(ctx, dbtx, len(in), func(qs *dbsqlc.Queries, lo, hi int) ([]struct{}, error) {
		ids, err := newIDs(hi - lo)
		if err != nil {
			return nil, err
		}
		buf = pack(ids, in[lo:hi], buf[:0])
		n, err := q(qs, ctx, buf)
		written += n
		return nil, err
	})
	if err != nil {
		return 0, fail("copy", t, err)
	}
	return written, nil
}

// selectRows returns the rows with the given keys, in the order of keys;
// keys that match no row (or no row the caller may see) are left out.
func selectRows[P, Row any, K comparable](ctx context.Context, dbtx DBTX, t table[Row, K], keys []K,
	pack func(keys []K) P, q query[P, Row],
) ([]Row, error) {
	return keyedRows(ctx, dbtx, t, "select", keys, keys, pack, q)
}

// updateRows applies in (one change per row, keyed by key) and returns the
// changed rows in input order; changes to rows that do not exist or that
// the caller may not touch are left out. The changes are sent sorted by
// key, so that concurrent batches over overlapping rows lock them in the
// same order, chunk after chunk, and cannot deadlock.
func updateRows[In, P, Row any, K comparable](ctx context.Context, dbtx DBTX, t table[Row, K], in []In,
	key func(In) K, pack func(in []In) P, q query[P, Row],
) ([]Row, error) {
	keys := make([]K, len(in))
	for i := range in {
		keys[i] = key(in[i])
	}
	sorted := slices.Clone(in)
	slices.SortFunc(sorted, func(a, b In) int { return t.compare(key(a), key(b)) })
	for i := 1; i < len(sorted); i++ {
		if k := key(sorted[i]); t.compare(key(sorted[i-1]), k) == 0 {
			return nil, t.fail("update", fmt.Errorf("%w: %v", ErrDuplicateID, k))
		}
	}
	rows, err := inChunks(ctx, dbtx, len(sorted), func(qs *dbsqlc.Queries, lo, hi int) ([]Row, error) {
		return call(ctx, qs, q, pack(sorted[lo:hi]), hi-lo)
	})
	if err != nil {
		return nil, t.fail("update", err)
	}
	return inOrder(rows, keys, t.key), nil
}

// deleteRows deletes the rows with the given keys and returns them in the
// order of keys; keys that match no row the caller may touch are left out.
// Keys are sent sorted, for the same lock order as updateRows.
func deleteRows[P, Row any, K comparable](ctx context.Context, dbtx DBTX, t table[Row, K], keys []K,
	pack func(keys []K) P, q query[P, Row],
) ([]Row, error) {
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, t.compare)
	return keyedRows(ctx, dbtx, t, "delete", keys, sorted, pack, q)
}

// keyedRows runs q over the keys in send, ChunkSize at a time, and returns
// the rows in the order of keys (send holds the same keys, perhaps in
// another order). op names the operation in errors.
func keyedRows[P, Row any, K comparable](ctx context.Context, dbtx DBTX, t table[Row, K], op string, keys, send []K,
	pack func(keys []K) P, q query[P, Row],
) ([]Row, error) {
	rows, err := inChunks(ctx, dbtx, len(send), func(qs *dbsqlc.Queries, lo, hi int) ([]Row, error) {
		return call(ctx, qs, q, pack(send[lo:hi]), hi-lo)
	})
	if err != nil {
		return nil, t.fail(op, err)
	}
	return inOrder(rows, keys, t.key), nil
}

// inChunks calls fn for consecutive ranges [lo, hi) of at most ChunkSize
// over n elements and concatenates the rows. No elements, no round trip
// (and no nil array sent as NULL): the result is then empty, not nil, as
// every slice this package returns is. One chunk runs on dbtx as it is;
// several run in one transaction (a savepoint if dbtx is one already), so
// that a failing chunk leaves nothing written.
func inChunks[Row any](ctx context.Context, dbtx DBTX, n int, fn func(qs *dbsqlc.Queries, lo, hi int) ([]Row, error)) ([]Row, error) {
	if n == 0 {
		return []Row{}, nil
	}
	if n <= chunkSize {
		return fn(dbsqlc.New(dbtx), 0, n)
	}
	rows := make([]Row, 0, n)
	err := pgx.BeginFunc(ctx, dbtx, func(tx pgx.Tx) error {
		qs := dbsqlc.New(tx)
		for lo := 0; lo < n; lo += chunkSize {
			chunk, err := fn(qs, lo, min(lo+chunkSize, n))
			if err != nil {
				return err
			}
			rows = append(rows, chunk...)
		}
		return nil
	})
	return rows, err
}

// call checks that p's column arrays each hold n values, then runs q.
func call[P, Row any](ctx context.Context, qs *dbsqlc.Queries, q query[P, Row], p P, n int) ([]Row, error) {
	if err := checkColumns(p, n); err != nil {
		return nil, err
	}
	return q(qs, ctx, p)
}

// checkColumns checks that every array in p, a generated parameter struct
// or a bare slice, holds n values. unnest pads shorter arrays with NULLs,
// so a packing mistake would otherwise write wrong rows silently. Byte
// slices are single values (bytea, json), not columns.
func checkColumns(p any, n int) error {
	v := reflect.ValueOf(p)
	isColumn := func(f reflect.Value) bool {
		return f.Kind() == reflect.Slice && f.Type().Elem().Kind() != reflect.Uint8
	}
	if isColumn(v) {
		if v.Len() != n {
			return fmt.Errorf("%w: %d values for %d rows", ErrColumnMismatch, v.Len(), n)
		}
		return nil
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	for i := range v.NumField() {
		if f := v.Field(i); isColumn(f) && f.Len() != n {
			return fmt.Errorf("%w: %s has %d values for %d rows", ErrColumnMismatch, v.Type().Field(i).Name, f.Len(), n)
		}
	}
	return nil
}

// inOrder arranges rows like keys: for each key, the row with that key, if
// there is one. SQL does not promise RETURNING order; rows that already
// line up (the usual case) are returned as they are, without a map.
func inOrder[Row any, K comparable](rows []Row, keys []K, key func(Row) K) []Row {
	if len(rows) == len(keys) {
		aligned := true
		for i := range rows {
			if key(rows[i]) != keys[i] {
				aligned = false
				break
			}
		}
		if aligned {
			return rows
		}
	}
	byKey := make(map[K]Row, len(rows))
	for _, r := range rows {
		byKey[key(r)] = r
	}
	out := make([]Row, 0, len(rows))
	for _, k := range keys {
		if r, ok := byKey[k]; ok {
			out = append(out, r)
		}
	}
	return out
}

// fail wraps err, mapped to this package's errors, with the operation and
// table, as in: insert foods: unique violation on foods (barcode): ...
func (t table[Row, K]) fail(op string, err error) error { return fail(op, t.name, err) }

func fail(op, what string, err error) error {
	return fmt.Errorf("%s %s: %w", op, what, mapError(err))
}

// newIDs returns n new UUIDv7s.
func newIDs(n int) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// compareUUID orders uuids as PostgreSQL does: bytewise.
func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
