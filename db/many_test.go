package db

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db/dbsqlc"
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

func TestCheckColumns(t *testing.T) {
	t.Parallel()
	type params struct {
		Ids     []uuid.UUID
		Names   []string
		OwnerID uuid.UUID // a scalar: not a column
		Payload []byte    // a byte slice is one value, not a column
	}
	tests := []struct {
		name    string
		give    any
		n       int
		wantErr error
	}{
		{name: "all columns line up", give: params{Ids: make([]uuid.UUID, 2), Names: make([]string, 2), Payload: []byte("xyz")}, n: 2},
		{name: "a short column", give: params{Ids: make([]uuid.UUID, 2), Names: make([]string, 1)}, n: 2, wantErr: ErrColumnMismatch},
		{name: "a long column", give: params{Ids: make([]uuid.UUID, 3), Names: make([]string, 2)}, n: 2, wantErr: ErrColumnMismatch},
		{name: "a bare slice", give: make([]int64, 2), n: 2},
		{name: "a bare slice of the wrong length", give: make([]int64, 1), n: 2, wantErr: ErrColumnMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, checkColumns(tt.give, tt.n), tt.wantErr)
		})
	}
}

func TestCheckColumnsOfEveryGeneratedInsert(t *testing.T) {
	t.Parallel()
	// The packing functions must fill every column of their query.
	ids := []uuid.UUID{uuid.New(), uuid.New()}
	require.NoError(t, checkColumns(packNewFoods(ids, make([]NewFood, 2)), 2))
	require.NoError(t, checkColumns(packFoodPatches(nil, make([]FoodPatch, 2)), 2))
	require.NoError(t, checkColumns(packNewUsers(ids, make([]NewUser, 2)), 2))
	require.NoError(t, checkColumns(packUserPatches(make([]UserPatch, 2)), 2))
	require.NoError(t, checkColumns(packNewJobs(make([]NewJob, 2)), 2))
}

func TestInOrder(t *testing.T) {
	t.Parallel()
	type row struct{ K, V string }
	key := func(r row) string { return r.K }
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
			require.Equal(t, tt.want, inOrder(tt.rows, tt.keys, key))
		})
	}
}

func TestInOrderKeepsAlignedRowsWithoutCopying(t *testing.T) {
	t.Parallel()
	rows := []int{1, 2, 3}
	got := inOrder(rows, []int{1, 2, 3}, func(r int) int { return r })
	require.Same(t, &rows[0], &got[0])
}

// TestEmptyInputMakesNoRoundTrip passes a nil DBTX: any use of it would
// panic, so returning proves no statement was sent.
func TestEmptyInputMakesNoRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var none DBTX
	owner := uuid.New()

	users, err := InsertUsers(ctx, none, nil)
	require.NoError(t, err)
	require.Empty(t, users)
	foods, err := SelectFoods(ctx, none, &owner, []uuid.UUID{})
	require.NoError(t, err)
	require.Empty(t, foods)
	items, err := UpdatePantryItems(ctx, none, owner, nil)
	require.NoError(t, err)
	require.Empty(t, items)
	tags, err := DeleteTags(ctx, none, owner, nil)
	require.NoError(t, err)
	require.Empty(t, tags)
	upserted, err := UpsertTags(ctx, none, owner, nil)
	require.NoError(t, err)
	require.Empty(t, upserted)
	pairs, err := InsertFoodTags(ctx, none, nil)
	require.NoError(t, err)
	require.Empty(t, pairs)
	jobs, err := InsertJobs(ctx, none, nil)
	require.NoError(t, err)
	require.Empty(t, jobs)
	byEmail, err := SelectUsersByEmail(ctx, none, nil)
	require.NoError(t, err)
	require.Empty(t, byEmail)
}

func TestUpdateRejectsDuplicateIDsBeforeSending(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	var none DBTX
	_, err := UpdateUsers(context.Background(), none, []UserPatch{{ID: id}, {ID: uuid.New()}, {ID: id}})
	require.ErrorIs(t, err, ErrDuplicateID)
}

func TestMismatchedColumnsAreRejectedBeforeSending(t *testing.T) {
	t.Parallel()
	var none DBTX
	badPack := func(ids []uuid.UUID, in []NewUser) dbsqlc.InsertUsersParams {
		p := packNewUsers(ids, in)
		p.Emails = p.Emails[:len(p.Emails)-1]
		return p
	}
	_, err := insertRows(context.Background(), none, users, make([]NewUser, 3), badPack, (*dbsqlc.Queries).InsertUsers)
	require.ErrorIs(t, err, ErrColumnMismatch)
	require.ErrorContains(t, err, "insert users: column arrays differ in length: Emails has 2 values for 3 rows")
}

func TestOptional(t *testing.T) {
	t.Parallel()
	require.Equal(t, Optional[string]{Value: "x", Set: true}, Set("x"))
	require.False(t, Optional[int]{}.Set)
}

func TestNewIDsAreTimeOrderedV7(t *testing.T) {
	t.Parallel()
	ids, err := newIDs(1000)
	require.NoError(t, err)
	for i, id := range ids {
		require.Equal(t, uuid.Version(7), id.Version())
		if i > 0 {
			require.Negative(t, compareUUID(ids[i-1], id), "ids must ascend")
		}
	}
}
