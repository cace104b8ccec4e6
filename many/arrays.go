package many

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// A many-first statement sends every column of a batch as an array. pgx
// encodes a Go slice element by element through an interface value, an
// allocation per element, and can only send slices: the rows would have
// to be taken apart into one slice per column first. This file writes
// PostgreSQL's binary array format (a header, then each element's length
// and bytes) straight from the rows instead, one column at a time
// (Column), and from plain slices of the element types below.

// Encoding is how values of T travel as elements of a binary array: the
// element type's OID, the bytes each value takes when they are all alike
// (Width), or else what a value takes (Size, exact or a close guess:
// with either, an array's buffer is sized once), and how a value's bytes
// are written (null reports a NULL instead).
type Encoding[T any] struct {
	OID    uint32
	Width  int
	Size   func(v T) int
	Append func(buf []byte, v T) (out []byte, null bool)
}

// The element encodings: what the plugin's generated columns use, by the
// column's PostgreSQL type. Numeric writes a float64 as an exact decimal
// (numeric.go); Date writes a time.Time's calendar date in its own
// location; JSONB writes nil as NULL.
var (
	UUID = Encoding[uuid.UUID]{OID: pgtype.UUIDOID, Width: 16, Append: func(b []byte, v uuid.UUID) ([]byte, bool) {
		return append(b, v[:]...), false
	}}
	Text = Encoding[string]{OID: pgtype.TextOID, Size: func(v string) int { return len(v) }, Append: func(b []byte, v string) ([]byte, bool) {
		return append(b, v...), false
	}}
	Bool = Encoding[bool]{OID: pgtype.BoolOID, Width: 1, Append: func(b []byte, v bool) ([]byte, bool) {
		if v {
			return append(b, 1), false
		}
		return append(b, 0), false
	}}
	Int2 = Encoding[int16]{OID: pgtype.Int2OID, Width: 2, Append: func(b []byte, v int16) ([]byte, bool) {
		return binary.BigEndian.AppendUint16(b, uint16(v)), false
	}}
	Int4 = Encoding[int32]{OID: pgtype.Int4OID, Width: 4, Append: func(b []byte, v int32) ([]byte, bool) {
		return binary.BigEndian.AppendUint32(b, uint32(v)), false
	}}
	Int8 = Encoding[int64]{OID: pgtype.Int8OID, Width: 8, Append: func(b []byte, v int64) ([]byte, bool) {
		return binary.BigEndian.AppendUint64(b, uint64(v)), false
	}}
	Float8 = Encoding[float64]{OID: pgtype.Float8OID, Width: 8, Append: func(b []byte, v float64) ([]byte, bool) {
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v)), false
	}}
	Numeric = Encoding[float64]{OID: pgtype.NumericOID, Size: numericSize, Append: func(b []byte, v float64) ([]byte, bool) {
		return appendNumeric(b, v), false
	}}
	Timestamptz = Encoding[time.Time]{OID: pgtype.TimestamptzOID, Width: 8, Append: func(b []byte, v time.Time) ([]byte, bool) {
		return binary.BigEndian.AppendUint64(b, uint64(v.UnixMicro()-unixMicroAtY2K)), false
	}}
	Date = Encoding[time.Time]{OID: pgtype.DateOID, Width: 4, Append: func(b []byte, v time.Time) ([]byte, bool) {
		day := time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		return binary.BigEndian.AppendUint32(b, uint32(int32(day.Unix()/86400-unixDayAtY2K))), false
	}}
	JSONB = Encoding[json.RawMessage]{OID: pgtype.JSONBOID, Size: func(v json.RawMessage) int { return 1 + len(v) }, Append: func(b []byte, v json.RawMessage) ([]byte, bool) {
		if v == nil {
			return b, true
		}
		return append(append(b, 1), v...), false // the jsonb format's version, then the text
	}}
)

// PostgreSQL counts times and dates from 2000-01-01 UTC.
const (
	unixDayAtY2K   = 10957
	unixMicroAtY2K = unixDayAtY2K * 86400 * 1_000_000
)

// Nullable is e for a column that may hold NULL: a nil pointer is NULL.
func Nullable[T any](e Encoding[T]) Encoding[*T] {
	n := Encoding[*T]{OID: e.OID, Width: e.Width, Append: func(b []byte, v *T) ([]byte, bool) {
		if v == nil {
			return b, true
		}
		return e.Append(b, *v)
	}}
	if e.Size != nil {
		n.Size = func(v *T) int {
			if v == nil {
				return 0
			}
			return e.Size(*v)
		}
	}
	return n
}

// Column is one column of a batch: the value of get for each of rows, sent
// as the array argument of an unnest. It is what generated statements pass
// for each unnest parameter:
//
//	dbtx.Query(ctx, insertWidgets,
//		many.Column(in, many.UUID, func(r *NewWidget) uuid.UUID { return r.ID }),
//		many.Column(in, many.Text, func(r *NewWidget) string { return r.Name }))
//
// It writes the array from the rows as it goes, without a slice of its
// own, through the codecs Register installs.
func Column[R, T any](rows []R, e Encoding[T], get func(*R) T) any {
	return column[R, T]{rows: rows, e: e, get: get}
}

// OptionalColumn is Column for the value of a many.Optional field, set
// saying whether a row sets it: the value of get for each of rows, or an
// empty array when no row sets the field. unnest pads a shorter array
// with NULLs to the length of the longest (PostgreSQL's lockstep rule
// for set-returning functions in a select list), so a field no row of a
// chunk sets reads NULL in every row, which its set flag keeps the query
// from writing, and PostgreSQL receives and unnests nothing for it. The
// plugin's generated statements pass it for each guarded column:
//
//	many.OptionalColumn(in, many.Text, func(r *WidgetPatch) string { return r.Name.Value },
//		func(r *WidgetPatch) bool { return r.Name.Set })
func OptionalColumn[R, T any](rows []R, e Encoding[T], get func(*R) T, set func(*R) bool) any {
	for i := range rows {
		if set(&rows[i]) {
			return Column(rows, e, get)
		}
	}
	return Column(rows[:0], e, get)
}

type column[R, T any] struct {
	rows []R
	e    Encoding[T]
	get  func(*R) T
}

func (c column[R, T]) appendArray(buf []byte) []byte {
	return appendArray(buf, c.e, len(c.rows), func(i int) T { return c.get(&c.rows[i]) })
}

// arrayWriter is a value that writes itself as a binary array.
type arrayWriter interface{ appendArray(buf []byte) []byte }

// appendArray writes n values (value(i)) as a one-dimensional binary array
// of e's element type.
func appendArray[T any](buf []byte, e Encoding[T], n int, value func(i int) T) []byte {
	size := 20 + 4*n + e.Width*n
	if e.Size != nil {
		for i := range n {
			size += e.Size(value(i))
		}
	}
	buf = grow(buf, size)
	buf = binary.BigEndian.AppendUint32(buf, 1) // one dimension (of length 0 for no values, as pgx sends it)
	flags := len(buf)
	buf = binary.BigEndian.AppendUint32(buf, 0) // no NULLs, until one comes
	buf = binary.BigEndian.AppendUint32(buf, e.OID)
	buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	buf = binary.BigEndian.AppendUint32(buf, 1) // the lower bound
	for i := range n {
		start := len(buf)
		out, null := e.Append(binary.BigEndian.AppendUint32(buf, 0), value(i))
		if null {
			buf = binary.BigEndian.AppendUint32(out[:start], math.MaxUint32) // length -1
			binary.BigEndian.PutUint32(buf[flags:], 1)
			continue
		}
		buf = out
		binary.BigEndian.PutUint32(buf[start:], uint32(len(buf)-start-4)) // the length, now known
	}
	return buf
}

// grow returns buf with room for n more bytes. pgx writes all of a
// statement's arguments into one buffer, an array after another: growing
// it by doubling, not by the quarter append adds to a large slice, copies
// the arrays before this one about once rather than four times.
func grow(buf []byte, n int) []byte {
	if cap(buf)-len(buf) >= n {
		return buf
	}
	out := make([]byte, len(buf), max(2*cap(buf), len(buf)+n))
	copy(out, buf)
	return out
}

// arrayCodec is pgx's codec for an array type with element encoding elem:
// it writes a Column, and a plain []T, itself, and leaves the rest to
// pgx.
type arrayCodec[T any] struct {
	pgtype.Codec
	elem Encoding[T]
}

func (c arrayCodec[T]) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if format == pgtype.BinaryFormatCode {
		switch value.(type) {
		case arrayWriter:
			return writeArray{}
		case []T:
			return writeSlice[T]{c.elem}
		}
	}
	return c.Codec.PlanEncode(m, oid, format, value)
}

type writeArray struct{}

func (writeArray) Encode(value any, buf []byte) ([]byte, error) {
	return value.(arrayWriter).appendArray(buf), nil
}

// writeSlice writes a []T; a nil slice is NULL, as pgx sends it.
type writeSlice[T any] struct{ elem Encoding[T] }

func (p writeSlice[T]) Encode(value any, buf []byte) ([]byte, error) {
	s := value.([]T)
	if s == nil {
		return nil, nil
	}
	return appendArray(buf, p.elem, len(s), func(i int) T { return s[i] }), nil
}

// registerArrays puts arrayCodec in front of pgx's codecs of the array
// types of the encodings above.
func registerArrays(m *pgtype.Map) {
	wrap := func(arrayOID uint32, codec func(pgtype.Codec) pgtype.Codec) {
		if t, ok := m.TypeForOID(arrayOID); ok {
			m.RegisterType(&pgtype.Type{Name: t.Name, OID: arrayOID, Codec: codec(t.Codec)})
		}
	}
	wrap(pgtype.UUIDArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[uuid.UUID]{c, UUID} })
	wrap(pgtype.TextArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[string]{c, Text} })
	wrap(pgtype.BoolArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[bool]{c, Bool} })
	wrap(pgtype.Int2ArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[int16]{c, Int2} })
	wrap(pgtype.Int4ArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[int32]{c, Int4} })
	wrap(pgtype.Int8ArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[int64]{c, Int8} })
	wrap(pgtype.Float8ArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[float64]{c, Float8} })
	wrap(pgtype.NumericArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[float64]{c, Numeric} })
	wrap(pgtype.TimestamptzArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[time.Time]{c, Timestamptz} })
	wrap(pgtype.DateArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[time.Time]{c, Date} })
	wrap(pgtype.JSONBArrayOID, func(c pgtype.Codec) pgtype.Codec { return arrayCodec[json.RawMessage]{c, JSONB} })
}
