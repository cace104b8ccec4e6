package db

import (
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"
)

// roundTrip encodes v with the fast arrays registered and decodes it with
// pgx's own codecs into a fresh value of v's type.
func roundTrip[T any](t *testing.T, oid uint32, v []T) []T {
	t.Helper()
	fast := pgtype.NewMap()
	registerFastArrays(fast)
	buf, err := fast.Encode(oid, pgtype.BinaryFormatCode, v, nil)
	require.NoError(t, err)
	plain, err := pgtype.NewMap().Encode(oid, pgtype.BinaryFormatCode, v, nil)
	require.NoError(t, err)
	require.Equal(t, plain, buf, "the bytes pgx itself sends")
	var out []T
	require.NoError(t, pgtype.NewMap().Scan(oid, pgtype.BinaryFormatCode, buf, &out))
	return out
}

func TestFastArraysEncodeWhatPgxEncodes(t *testing.T) {
	t.Parallel()
	floats := []float64{0, -1.5, 12.35, math.MaxFloat64, math.SmallestNonzeroFloat64}
	require.Equal(t, floats, roundTrip(t, pgtype.Float8ArrayOID, floats))
	strs := []string{"", "oats", "crème fraîche", "a,b {c}"}
	require.Equal(t, strs, roundTrip(t, pgtype.TextArrayOID, strs))
	ids := []uuid.UUID{uuid.New(), uuid.Nil}
	require.Equal(t, ids, roundTrip(t, pgtype.UUIDArrayOID, ids))
	require.Equal(t, []bool{true, false}, roundTrip(t, pgtype.BoolArrayOID, []bool{true, false}))
	require.Equal(t, []int16{-3, 7}, roundTrip(t, pgtype.Int2ArrayOID, []int16{-3, 7}))
	require.Equal(t, []int32{math.MinInt32, 0, math.MaxInt32}, roundTrip(t, pgtype.Int4ArrayOID, []int32{math.MinInt32, 0, math.MaxInt32}))
	require.Equal(t, []int64{math.MinInt64, 42}, roundTrip(t, pgtype.Int8ArrayOID, []int64{math.MinInt64, 42}))
	require.Equal(t, []float64{}, roundTrip(t, pgtype.Float8ArrayOID, []float64{}), "empty")
}

// A numeric[]'s elements are appendNumeric's, which differ from pgx's in
// bytes but not in value (TestFastNumericWritesWhatPgxWrites); the array
// around them must read back as pgx reads one.
func TestFastNumericArraysReadBackAsWritten(t *testing.T) {
	t.Parallel()
	fast := pgtype.NewMap()
	registerFastArrays(fast)
	amounts := []float64{0, -1.5, 12.35, 0.1 + 0.2, 99999.99, 1e-7, 1e21, math.MaxFloat64, -math.SmallestNonzeroFloat64}
	buf, err := fast.Encode(pgtype.NumericArrayOID, pgtype.BinaryFormatCode, amounts, nil)
	require.NoError(t, err)
	var out []float64
	require.NoError(t, pgtype.NewMap().Scan(pgtype.NumericArrayOID, pgtype.BinaryFormatCode, buf, &out))
	require.Equal(t, amounts, out)
	require.LessOrEqual(t, len(buf), 20+len(amounts)*(4+maxNumericSize), "maxNumericSize bounds an element")
}

func TestFastArraysSendNilAsNull(t *testing.T) {
	t.Parallel()
	fast := pgtype.NewMap()
	registerFastArrays(fast)
	buf, err := fast.Encode(pgtype.TextArrayOID, pgtype.BinaryFormatCode, []string(nil), nil)
	require.NoError(t, err)
	require.Nil(t, buf)
}

func TestFastArraysAllocateNothingPerElement(t *testing.T) {
	fast := pgtype.NewMap()
	registerFastArrays(fast)
	floats := make([]float64, 1000)
	buf := make([]byte, 0, 16_000)
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := fast.Encode(pgtype.Float8ArrayOID, pgtype.BinaryFormatCode, floats, buf[:0]); err != nil {
			t.Fatal(err)
		}
	})
	require.Less(t, allocs, 5.0, "not one allocation per element")
	allocs = testing.AllocsPerRun(20, func() {
		if _, err := fast.Encode(pgtype.NumericArrayOID, pgtype.BinaryFormatCode, floats, buf[:0]); err != nil {
			t.Fatal(err)
		}
	})
	require.Less(t, allocs, 5.0, "numeric[]: not one allocation per element")
}
