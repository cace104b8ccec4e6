package many

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestPageSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give int
		want int32
	}{
		{give: -1, want: DefaultPageSize},
		{give: 0, want: DefaultPageSize},
		{give: 1, want: 1},
		{give: MaxPageSize, want: MaxPageSize},
		{give: MaxPageSize + 1, want: MaxPageSize},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, pageSize(tt.give), "pageSize(%d)", tt.give)
	}
}

// timeKey is the key of a list ordered by a time, then id.
type timeKey struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"id"`
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	key := timeKey{At: time.Date(2026, 11, 25, 9, 30, 0, 123456000, time.UTC), ID: uuid.New()}
	c, err := encodeCursor(key)
	require.NoError(t, err)
	got, err := decodeCursor[timeKey](c)
	require.NoError(t, err)
	require.True(t, key.At.Equal(got.At))
	require.Equal(t, key.ID, got.ID)
}

func TestEmptyCursorIsTheZeroKey(t *testing.T) {
	t.Parallel()
	got, err := decodeCursor[timeKey]("")
	require.NoError(t, err)
	require.Equal(t, timeKey{}, got)
}

func TestInvalidCursors(t *testing.T) {
	t.Parallel()
	otherShape, err := encodeCursor(map[string]int{"x": 1})
	require.NoError(t, err)
	for _, c := range []Cursor{"not base64!", "bm90IGpzb24", otherShape} {
		_, err := decodeCursor[timeKey](c)
		require.ErrorIs(t, err, ErrInvalidCursor, "cursor %q", c)
	}
}
