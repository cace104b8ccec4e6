package db

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// The many-first queries send every column of a batch as an array. pgx
// encodes a Go slice element by element through an interface value, an
// allocation per element: fourteen a row for a food. fastArrayCodec
// writes the slices those queries send straight into PostgreSQL's binary
// array format instead: a header, then each element's length and bytes.
// Anything else goes to pgx's own codec.
type fastArrayCodec struct {
	pgtype.Codec // pgx's codec for the array type
	plan         pgtype.EncodePlan
	fits         func(value any) bool
}

func (c fastArrayCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if format == pgtype.BinaryFormatCode && c.fits(value) {
		return c.plan
	}
	return c.Codec.PlanEncode(m, oid, format, value)
}

// sliceEncoder writes a []T as a one-dimensional array without NULLs;
// write appends one element, its length first; size is the bytes of all
// the elements without their lengths (at most, for numerics, whose sizes
// vary), so that the buffer grows once per array.
type sliceEncoder[T any] struct {
	elementOID uint32
	size       func(s []T) int
	write      func(buf []byte, v T) []byte
}

func (e sliceEncoder[T]) Encode(value any, buf []byte) ([]byte, error) {
	s := value.([]T)
	if s == nil {
		return nil, nil // NULL, as pgx sends a nil slice
	}
	// The header, then each element's length and bytes.
	buf = slices.Grow(buf, 20+4*len(s)+e.size(s))
	buf = binary.BigEndian.AppendUint32(buf, 1) // one dimension (of length 0 for an empty slice, as pgx sends it)
	buf = binary.BigEndian.AppendUint32(buf, 0) // no NULLs
	buf = binary.BigEndian.AppendUint32(buf, e.elementOID)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
	buf = binary.BigEndian.AppendUint32(buf, 1) // the lower bound
	for _, v := range s {
		buf = e.write(buf, v)
	}
	return buf, nil
}

// fastArray is the array type arrayOID, whose elements (elementOID) come
// from []T.
func fastArray[T any](arrayOID, elementOID uint32, size func(s []T) int, write func(buf []byte, v T) []byte) (uint32, func(pgtype.Codec) pgtype.Codec) {
	return arrayOID, func(c pgtype.Codec) pgtype.Codec {
		return fastArrayCodec{Codec: c, plan: sliceEncoder[T]{elementOID, size, write}, fits: func(v any) bool { _, ok := v.([]T); return ok }}
	}
}

// fixed sizes the elements of a slice whose elements are all n bytes.
func fixed[T any](n int) func(s []T) int { return func(s []T) int { return n * len(s) } }

// textSize sizes the elements of a []string.
func textSize(s []string) int {
	n := 0
	for _, v := range s {
		n += len(v)
	}
	return n
}

// fastArrays are the array types the queries send, by the element types
// sqlc gives them.
var fastArrays = map[uint32]func(pgtype.Codec) pgtype.Codec{}

func init() {
	add := func(oid uint32, wrap func(pgtype.Codec) pgtype.Codec) { fastArrays[oid] = wrap }
	add(fastArray(pgtype.Float8ArrayOID, pgtype.Float8OID, fixed[float64](8), func(b []byte, v float64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), math.Float64bits(v))
	}))
	add(fastArray(pgtype.NumericArrayOID, pgtype.NumericOID, fixed[float64](maxNumericSize), func(b []byte, v float64) []byte {
		at := len(b) // the length goes in once the numeric is written
		b = appendNumeric(binary.BigEndian.AppendUint32(b, 0), v)
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
		return b
	}))
	add(fastArray(pgtype.TextArrayOID, pgtype.TextOID, textSize, func(b []byte, v string) []byte {
		return append(binary.BigEndian.AppendUint32(b, uint32(len(v))), v...)
	}))
	add(fastArray(pgtype.UUIDArrayOID, pgtype.UUIDOID, fixed[uuid.UUID](16), func(b []byte, v uuid.UUID) []byte {
		return append(binary.BigEndian.AppendUint32(b, 16), v[:]...)
	}))
	add(fastArray(pgtype.BoolArrayOID, pgtype.BoolOID, fixed[bool](1), func(b []byte, v bool) []byte {
		b = binary.BigEndian.AppendUint32(b, 1)
		if v {
			return append(b, 1)
		}
		return append(b, 0)
	}))
	add(fastArray(pgtype.Int2ArrayOID, pgtype.Int2OID, fixed[int16](2), func(b []byte, v int16) []byte {
		return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint32(b, 2), uint16(v))
	}))
	add(fastArray(pgtype.Int4ArrayOID, pgtype.Int4OID, fixed[int32](4), func(b []byte, v int32) []byte {
		return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, 4), uint32(v))
	}))
	add(fastArray(pgtype.Int8ArrayOID, pgtype.Int8OID, fixed[int64](8), func(b []byte, v int64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(v))
	}))
}

// registerFastArrays puts the fast encoders in front of pgx's codecs of
// those array types.
func registerFastArrays(m *pgtype.Map) {
	for oid, wrap := range fastArrays {
		if t, ok := m.TypeForOID(oid); ok {
			m.RegisterType(&pgtype.Type{Name: t.Name, OID: oid, Codec: wrap(t.Codec)})
		}
	}
}
