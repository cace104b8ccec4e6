package many

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Page sizes of list calls.
const (
	// DefaultPageSize is the page size when a call asks for 0 or less.
	DefaultPageSize = 50
	// MaxPageSize is the largest page; larger requests get this many.
	MaxPageSize = 1000
)

// Page is one page of a list call: its items, and the cursor that asks for
// the next page, empty on the last one.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  Cursor `json:"next,omitempty"`
}

// Cursor marks where a page ends. It is opaque (base64 of the last row's
// sort key) and safe to hand to clients: a cursor only selects among rows
// the list call would show anyway. The empty Cursor asks for the first
// page.
type Cursor string

// List runs one page of a keyset-paginated list: it decodes the cursor
// into the key C of the last row seen (the zero C for the first page),
// asks stmt for one row more than the page holds (that row only says a
// next page exists), and makes the next cursor from the page's last row.
// C is a small struct of the columns the list orders by, the last its
// unique tiebreak (the id); stmt compares them strictly: (a, id) > (after.a, after.id).
func List[C, Row any](ctx context.Context, dbtx DBTX, table string, after Cursor, limit int, cursor func(*Row) C,
	stmt func(ctx context.Context, dbtx DBTX, after C, limit int32) ([]Row, error),
) (Page[Row], error) {
	from, err := decodeCursor[C](after)
	if err != nil {
		return Page[Row]{}, fmt.Errorf("list %s: %w", table, err)
	}
	size := pageSize(limit)
	rows, err := stmt(ctx, dbtx, from, size+1)
	if err != nil {
		return Page[Row]{}, fail("list", table, err)
	}
	if len(rows) <= int(size) {
		return Page[Row]{Items: rows}, nil
	}
	rows = rows[:size]
	next, err := encodeCursor(cursor(&rows[len(rows)-1]))
	if err != nil {
		return Page[Row]{}, fmt.Errorf("list %s: %w", table, err)
	}
	return Page[Row]{Items: rows, Next: next}, nil
}

// pageSize clamps a requested page size to [1, MaxPageSize].
func pageSize(limit int) int32 {
	if limit <= 0 {
		return DefaultPageSize
	}
	return int32(min(limit, MaxPageSize))
}

func encodeCursor(key any) (Cursor, error) {
	b, err := json.Marshal(key)
	if err != nil {
		return "", err
	}
	return Cursor(base64.RawURLEncoding.EncodeToString(b)), nil
}

// decodeCursor returns the key a cursor holds; the empty cursor is the zero
// key, which sorts before every row (0001-01-01, the nil uuid).
func decodeCursor[K any](c Cursor) (K, error) {
	var key K
	if c == "" {
		return key, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(string(c))
	if err != nil {
		return key, ErrInvalidCursor
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&key); err != nil {
		return key, ErrInvalidCursor
	}
	return key, nil
}
