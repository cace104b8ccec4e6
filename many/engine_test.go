package many

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestFirst(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name    string
		rows    []int
		err     error
		want    int
		wantErr error
	}{
		{name: "first of several", rows: []int{7, 8}, want: 7},
		{name: "empty is not found", rows: nil, wantErr: ErrNotFound},
		{name: "error passes through", rows: []int{1}, err: boom, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := First(tt.rows, tt.err)
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestInOrder(t *testing.T) {
	t.Parallel()
	type row struct{ K, V string }
	key := func(r *row) string { return r.K }
	tests := []struct {
		name string
		rows []row
		keys []string
		want []row
	}{
		{name: "already in order", rows: []row{{"a", "1"}, {"b", "2"}}, keys: []string{"a", "b"}, want: []row{{"a", "1"}, {"b", "2"}}},
		{name: "reordered", rows: []row{{"b", "2"}, {"a", "1"}}, keys: []string{"a", "b"}, want: []row{{"a", "1"}, {"b", "2"}}},
		{name: "missing keys left out", rows: []row{{"c", "3"}}, keys: []string{"a", "c", "b"}, want: []row{{"c", "3"}}},
		{name: "a key given twice gives its row twice", rows: []row{{"a", "1"}}, keys: []string{"a", "a"}, want: []row{{"a", "1"}, {"a", "1"}}},
		{name: "nothing", rows: nil, keys: []string{"a"}, want: []row{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, inOrder(tt.rows, len(tt.keys), func(i int) string { return tt.keys[i] }, key))
		})
	}
}

func TestInOrderKeepsAlignedRowsWithoutCopying(t *testing.T) {
	t.Parallel()
	rows := []int{1, 2, 3}
	got := inOrder(rows, 3, func(i int) int { return i + 1 }, func(r *int) int { return *r })
	require.Same(t, &rows[0], &got[0])
}

// widget is a row for the engine's tests, and its input.
type widget struct {
	ID   uuid.UUID
	Name string
}

var widgetKey = UUIDKey(func(w *widget) uuid.UUID { return w.ID })

// echo is a statement that returns its input as rows, reversed (RETURNING
// order is not promised), recording each chunk.
func echo(chunks *[][]widget) Statement[widget, widget] {
	return Rows(func(_ context.Context, _ DBTX, in []widget) ([]widget, error) {
		*chunks = append(*chunks, append([]widget(nil), in...))
		out := make([]widget, 0, len(in))
		for i := range in {
			out = append(out, in[len(in)-1-i])
		}
		return out, nil
	})
}

func TestInsertGivesEachNewRowAUUIDv7AndKeepsInputOrder(t *testing.T) {
	t.Parallel()
	mine := uuid.New()
	in := []widget{{Name: "a"}, {ID: mine, Name: "b"}, {Name: "c"}}
	var chunks [][]widget

	rows, err := Insert(context.Background(), nil, "widgets", in, func(w *widget) *uuid.UUID { return &w.ID }, widgetKey.Of, echo(&chunks))

	require.NoError(t, err)
	require.Equal(t, in, rows, "in input order, with the ids written into the input")
	require.Equal(t, uuid.Version(7), in[0].ID.Version())
	require.Equal(t, mine, in[1].ID, "an id given is kept")
	require.Negative(t, CompareUUID(in[0].ID, in[2].ID), "new ids ascend")
}

// TestEmptyInputMakesNoRoundTrip passes a nil DBTX and a statement that
// fails the test: returning proves nothing was sent.
func TestEmptyInputMakesNoRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	never := Rows(func(context.Context, DBTX, []widget) ([]widget, error) {
		t.Error("a statement ran for empty input")
		return nil, nil
	})
	neverKeys := Rows(func(context.Context, DBTX, []uuid.UUID) ([]widget, error) {
		t.Error("a statement ran for empty input")
		return nil, nil
	})
	results := [][]widget{}
	for _, run := range []func() ([]widget, error){
		func() ([]widget, error) {
			return Insert(ctx, nil, "w", nil, func(w *widget) *uuid.UUID { return &w.ID }, widgetKey.Of, never)
		},
		func() ([]widget, error) {
			return Update(ctx, nil, "w", []widget{}, func(w *widget) uuid.UUID { return w.ID }, widgetKey, never)
		},
		func() ([]widget, error) { return Select(ctx, nil, "w", nil, widgetKey, neverKeys) },
		func() ([]widget, error) { return Delete(ctx, nil, "w", nil, widgetKey, neverKeys) },
		func() ([]widget, error) { return Run(ctx, nil, "upsert", "w", nil, nil, never) },
	} {
		rows, err := run()
		require.NoError(t, err)
		results = append(results, rows)
	}
	for _, rows := range results {
		require.NotNil(t, rows, "empty, not nil: it marshals as []")
		require.Empty(t, rows)
	}
}

func TestUpdateRejectsDuplicateKeysBeforeSending(t *testing.T) {
	t.Parallel()
	ids, err := NewIDs(2)
	require.NoError(t, err)
	for _, in := range [][]widget{
		{{ID: ids[1]}, {ID: ids[0]}, {ID: ids[1]}}, // out of order
		{{ID: ids[0]}, {ID: ids[1]}, {ID: ids[1]}}, // in order, checked where they are
	} {
		var chunks [][]widget
		_, err := Update(context.Background(), nil, "widgets", in, func(w *widget) uuid.UUID { return w.ID }, widgetKey, echo(&chunks))
		require.ErrorIs(t, err, ErrDuplicateKey)
		require.ErrorContains(t, err, "update widgets: a key appears more than once in the batch: "+ids[1].String())
		require.Empty(t, chunks)
	}
}

func TestKeysAreSentSorted(t *testing.T) {
	t.Parallel()
	ids, err := NewIDs(3)
	require.NoError(t, err)
	var sent [][]uuid.UUID
	stmt := Rows(func(_ context.Context, _ DBTX, keys []uuid.UUID) ([]widget, error) {
		sent = append(sent, keys)
		var out []widget
		for _, k := range keys {
			out = append(out, widget{ID: k})
		}
		return out, nil
	})
	rows, err := Delete(context.Background(), nil, "widgets", []uuid.UUID{ids[2], ids[0], ids[1]}, widgetKey, stmt)
	require.NoError(t, err)
	require.Equal(t, [][]uuid.UUID{ids}, sent, "sorted, the lock order")
	require.Equal(t, []widget{{ID: ids[2]}, {ID: ids[0]}, {ID: ids[1]}}, rows, "returned in the order asked")
}

func TestOptional(t *testing.T) {
	t.Parallel()
	require.Equal(t, Optional[string]{Value: "x", Set: true}, Set("x"))
	require.False(t, Optional[int]{}.Set)
}

func TestErrorsNameTheOperationAndTable(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Run(context.Background(), nil, "upsert", "tags", []widget{{}}, nil, Rows(func(context.Context, DBTX, []widget) ([]widget, error) {
		return nil, boom
	}))
	require.ErrorIs(t, err, boom)
	require.True(t, strings.HasPrefix(err.Error(), "upsert tags: "), err.Error())
}
