package many

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ChunkSize is the most rows one statement carries. Larger inputs run as
// several statements inside one transaction, so they still write all or
// nothing, pipelined (Statement): while PostgreSQL runs one chunk, Go
// encodes the next and reads the rows of the one before. Smaller chunks
// overlap more of that work, and each costs a statement of its own;
// BenchmarkInsertFoodsChunkSize (go test -run '^$' -bench ChunkSize
// -benchtime 5x ./many/) inserts 10,000 foods fastest in chunks of 2,500,
// ahead of 1,000 and 5,000, and one statement of 10,000 slowest. The size
// also bounds what one statement holds in memory, on the server and in Go.
const ChunkSize = 2500

// chunkSize is ChunkSize; tests of the chunking itself change it.
var chunkSize = ChunkSize

// Key is how the engine tells rows apart: the key of a row, and the order
// of keys, which must be PostgreSQL's (it is the order rows are locked in).
type Key[Row any, K comparable] struct {
	Of      func(*Row) K
	Compare func(a, b K) int
}

// UUIDKey is the Key of rows keyed by a uuid column.
func UUIDKey[Row any](of func(*Row) uuid.UUID) Key[Row, uuid.UUID] {
	return Key[Row, uuid.UUID]{Of: of, Compare: CompareUUID}
}

// CompareUUID orders uuids as PostgreSQL does: bytewise.
func CompareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// Insert inserts in with stmt and returns the rows in input order. Each
// input whose id (id(&in[i])) is the zero UUID first gets a new UUIDv7,
// written into in, so that the rows can be matched to their inputs; an
// input with an id keeps it. key is the id of a returned row.
func Insert[In, Row any](ctx context.Context, dbtx DBTX, table string, in []In, id func(*In) *uuid.UUID, key func(*Row) uuid.UUID, stmt Statement[In, Row]) ([]Row, error) {
	if err := assignIDs(in, id); err != nil {
		return nil, fail("insert", table, err)
	}
	rows, err := inChunks(ctx, dbtx, in, stmt)
	if err != nil {
		return nil, fail("insert", table, err)
	}
	return inOrder(rows, len(in), func(i int) uuid.UUID { return *id(&in[i]) }, key), nil
}

// assignIDs gives each input with a zero id a new UUIDv7, ascending in
// input order.
func assignIDs[In any](in []In, id func(*In) *uuid.UUID) error {
	zero := 0
	for i := range in {
		if *id(&in[i]) == uuid.Nil {
			zero++
		}
	}
	if zero == 0 {
		return nil
	}
	b, err := newV7Batch(zero)
	if err != nil {
		return fmt.Errorf("new ids: %w", err)
	}
	for i := range in {
		if p := id(&in[i]); *p == uuid.Nil {
			*p = b.next()
		}
	}
	return nil
}

// Update applies in (one change per row, keyed by inKey) with stmt and
// returns the changed rows in input order; changes to rows that do not
// exist, or that the statement may not touch, are left out. A key given
// twice is ErrDuplicateKey, before anything is sent. Beyond one chunk the
// changes are sent sorted by key, so that concurrent batches over
// overlapping rows lock them in the same order, chunk after chunk, and
// cannot deadlock; within a statement, the query locks them in key order.
func Update[In, Row any, K comparable](ctx context.Context, dbtx DBTX, table string, in []In, inKey func(*In) K, key Key[Row, K], stmt Statement[In, Row]) ([]Row, error) {
	keys := make([]K, len(in))
	for i := range in {
		keys[i] = inKey(&in[i])
	}
	sorted := slices.IsSortedFunc(keys, key.Compare)
	if err := unique(keys, key.Compare, sorted); err != nil {
		return nil, fail("update", table, err)
	}
	send := in
	if len(in) > chunkSize && !sorted {
		send = slices.Clone(in)
		slices.SortFunc(send, func(a, b In) int { return key.Compare(inKey(&a), inKey(&b)) })
	}
	rows, err := inChunks(ctx, dbtx, send, stmt)
	if err != nil {
		return nil, fail("update", table, err)
	}
	return inOrder(rows, len(keys), func(i int) K { return keys[i] }, key.Of), nil
}

// unique reports the first key given twice; keys already in order (as
// sorted says) are checked where they are.
func unique[K comparable](keys []K, compare func(a, b K) int, sorted bool) error {
	if !sorted {
		keys = slices.Clone(keys)
		slices.SortFunc(keys, compare)
	}
	for i := 1; i < len(keys); i++ {
		if compare(keys[i-1], keys[i]) == 0 {
			return fmt.Errorf("%w: %v", ErrDuplicateKey, keys[i])
		}
	}
	return nil
}

// Select runs stmt over keys, sent sorted (the lock order, when the query
// locks what it reads), and returns the rows in the order of keys; keys
// that match no row, or no row the statement may read, are left out.
func Select[Row any, K comparable](ctx context.Context, dbtx DBTX, table string, keys []K, key Key[Row, K], stmt Statement[K, Row]) ([]Row, error) {
	return ByKey(ctx, dbtx, "select", table, keys, key, stmt)
}

// Delete deletes the rows with the given keys through stmt and returns
// them in the order of keys; keys that match no row the statement may
// delete are left out. Keys are sent sorted, for the same lock order as
// Update.
func Delete[Row any, K comparable](ctx context.Context, dbtx DBTX, table string, keys []K, key Key[Row, K], stmt Statement[K, Row]) ([]Row, error) {
	return ByKey(ctx, dbtx, "delete", table, keys, key, stmt)
}

// ByKey runs stmt over keys, sent sorted, and returns the rows in the order
// of keys, a row per key at most: what Select and Delete do, for any
// statement whose rows are its keys' (an insert of pairs that keeps the
// pairs there already, say). op names it in errors.
func ByKey[Row any, K comparable](ctx context.Context, dbtx DBTX, op, table string, keys []K, key Key[Row, K], stmt Statement[K, Row]) ([]Row, error) {
	send := keys
	if !slices.IsSortedFunc(keys, key.Compare) {
		send = slices.Clone(keys)
		slices.SortFunc(send, key.Compare)
	}
	rows, err := inChunks(ctx, dbtx, send, stmt)
	if err != nil {
		return nil, fail(op, table, err)
	}
	return inOrder(rows, len(keys), func(i int) K { return keys[i] }, key.Of), nil
}

// Run runs stmt over in, a chunk at a time, and returns the rows of every
// chunk in the order the statements returned them, for statements that
// keep their own order (an upsert WITH ORDINALITY). op names it in
// errors. With an id (nil for none), each input with a zero id first gets
// a new UUIDv7, as Insert does.
func Run[In, Row any](ctx context.Context, dbtx DBTX, op, table string, in []In, id func(*In) *uuid.UUID, stmt Statement[In, Row]) ([]Row, error) {
	if id != nil {
		if err := assignIDs(in, id); err != nil {
			return nil, fail(op, table, err)
		}
	}
	rows, err := inChunks(ctx, dbtx, in, stmt)
	if err != nil {
		return nil, fail(op, table, err)
	}
	return rows, nil
}

// inChunks runs stmt on consecutive chunks of at most ChunkSize of in,
// their rows appended to one slice with room for a row per input. No
// input, no round trip (and no empty array sent): the result is then
// empty, not nil, as every slice this package returns is. One chunk runs
// on dbtx as it is; several run in one transaction (a savepoint if dbtx
// is one already), pipelined (Statement), so that a failing chunk leaves
// nothing written.
func inChunks[In, Row any](ctx context.Context, dbtx DBTX, in []In, stmt Statement[In, Row]) ([]Row, error) {
	if len(in) == 0 {
		return []Row{}, nil
	}
	rows := make([]Row, 0, len(in))
	if len(in) <= chunkSize {
		return stmt.once(ctx, dbtx, in, rows)
	}
	err := beginFunc(ctx, dbtx, func(tx pgx.Tx) error {
		var err error
		rows, err = stmt.chunked(ctx, tx, in, rows)
		return err
	})
	return rows, err
}

// inOrder arranges rows like the n wanted keys: for each, the row with that
// key, if there is one. SQL does not promise RETURNING order; rows that
// already line up (the usual case) are returned as they are, without a
// map.
func inOrder[Row any, K comparable](rows []Row, n int, want func(i int) K, key func(*Row) K) []Row {
	if len(rows) == n {
		aligned := true
		for i := range rows {
			if key(&rows[i]) != want(i) {
				aligned = false
				break
			}
		}
		if aligned {
			return rows
		}
	}
	byKey := make(map[K]int, len(rows))
	for i := range rows {
		byKey[key(&rows[i])] = i
	}
	out := make([]Row, 0, len(rows))
	for i := range n {
		if j, ok := byKey[want(i)]; ok {
			out = append(out, rows[j])
		}
	}
	return out
}

// Copy bulk-loads in with stmt (a COPY), a chunk at a time in one
// transaction, giving each input with a zero id a new UUIDv7 as Insert
// does, and returns how many rows it wrote; nothing is read back.
func Copy[In any](ctx context.Context, dbtx DBTX, table string, in []In, id func(*In) *uuid.UUID, stmt func(ctx context.Context, dbtx DBTX, in []In) (int64, error)) (int64, error) {
	if err := assignIDs(in, id); err != nil {
		return 0, fail("copy", table, err)
	}
	var written int64
	_, err := inChunks(ctx, dbtx, in, Rows(func(ctx context.Context, dbtx DBTX, in []In) ([]struct{}, error) {
		n, err := stmt(ctx, dbtx, in)
		written += n
		return nil, err
	}))
	if err != nil {
		return 0, fail("copy", table, err)
	}
	return written, nil
}

// fail wraps err, mapped to this package's errors, with the operation and
// table, as in: insert foods: unique violation on foods: ...
func fail(op, table string, err error) error {
	return fmt.Errorf("%s %s: %w", op, table, mapError(err))
}
