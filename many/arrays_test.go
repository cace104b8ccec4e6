package many

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"
)

// roundTrip encodes v with the fast arrays registered and decodes it with
// pgx's own codecs into a fresh value of v's type.
func roundTrip[T any](t *testing.T, oid uint32, v []T) []T {
	t.Helper()
	fast := pgtype.NewMap()
	registerArrays(fast)
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
	registerArrays(fast)
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
	registerArrays(fast)
	buf, err := fast.Encode(pgtype.TextArrayOID, pgtype.BinaryFormatCode, []string(nil), nil)
	require.NoError(t, err)
	require.Nil(t, buf)
}

func TestFastArraysAllocateNothingPerElement(t *testing.T) {
	fast := pgtype.NewMap()
	registerArrays(fast)
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

// pgxBytes is how pgx itself sends v as an array of oid.
func pgxBytes(t *testing.T, oid uint32, v any) []byte {
	t.Helper()
	buf, err := pgtype.NewMap().Encode(oid, pgtype.BinaryFormatCode, v, nil)
	require.NoError(t, err)
	return buf
}

// columnBytes is how a Column of rows sends get's values as oid.
func columnBytes[R, T any](t *testing.T, oid uint32, rows []R, e Encoding[T], get func(*R) T) []byte {
	t.Helper()
	m := pgtype.NewMap()
	Register(m)
	buf, err := m.Encode(oid, pgtype.BinaryFormatCode, Column(rows, e, get), nil)
	require.NoError(t, err)
	return buf
}

func TestColumnsWriteWhatPgxWritesForTheirSlices(t *testing.T) {
	t.Parallel()
	type row struct {
		ID      uuid.UUID
		Owner   *uuid.UUID
		Name    string
		Brand   *string
		Ok      bool
		Small   int16
		Pos     int32
		Big     int64
		Ratio   float64
		At      time.Time
		On      time.Time
		Payload json.RawMessage
	}
	owner, brand := uuid.New(), "Acme"
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	rows := []row{
		{ID: uuid.New(), Owner: &owner, Name: "crème fraîche", Brand: &brand, Ok: true, Small: -3, Pos: 7, Big: math.MinInt64, Ratio: 12.35,
			At: time.Date(2026, 11, 25, 9, 30, 0, 123456000, berlin), On: time.Date(2026, 12, 24, 23, 30, 0, 0, berlin), Payload: json.RawMessage(`{"a":1}`)},
		{ID: uuid.New(), Name: "", At: time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC), On: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	col := func(get func(r *row) any) []any {
		out := make([]any, len(rows))
		for i := range rows {
			out[i] = get(&rows[i])
		}
		return out
	}
	dates := func(get func(r *row) time.Time) []pgtype.Date {
		out := make([]pgtype.Date, len(rows))
		for i := range rows {
			d := get(&rows[i])
			out[i] = pgtype.Date{Time: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), Valid: true}
		}
		return out
	}
	tests := []struct {
		name      string
		oid       uint32
		got, want []byte
	}{
		{"uuid", pgtype.UUIDArrayOID, columnBytes(t, pgtype.UUIDArrayOID, rows, UUID, func(r *row) uuid.UUID { return r.ID }),
			pgxBytes(t, pgtype.UUIDArrayOID, []uuid.UUID{rows[0].ID, rows[1].ID})},
		{"nullable uuid", pgtype.UUIDArrayOID, columnBytes(t, pgtype.UUIDArrayOID, rows, Nullable(UUID), func(r *row) *uuid.UUID { return r.Owner }),
			pgxBytes(t, pgtype.UUIDArrayOID, []pgtype.UUID{{Bytes: owner, Valid: true}, {}})},
		{"text", pgtype.TextArrayOID, columnBytes(t, pgtype.TextArrayOID, rows, Text, func(r *row) string { return r.Name }),
			pgxBytes(t, pgtype.TextArrayOID, col(func(r *row) any { return r.Name }))},
		{"nullable text", pgtype.TextArrayOID, columnBytes(t, pgtype.TextArrayOID, rows, Nullable(Text), func(r *row) *string { return r.Brand }),
			pgxBytes(t, pgtype.TextArrayOID, []*string{&brand, nil})},
		{"bool", pgtype.BoolArrayOID, columnBytes(t, pgtype.BoolArrayOID, rows, Bool, func(r *row) bool { return r.Ok }),
			pgxBytes(t, pgtype.BoolArrayOID, []bool{true, false})},
		{"int2", pgtype.Int2ArrayOID, columnBytes(t, pgtype.Int2ArrayOID, rows, Int2, func(r *row) int16 { return r.Small }),
			pgxBytes(t, pgtype.Int2ArrayOID, []int16{-3, 0})},
		{"int4", pgtype.Int4ArrayOID, columnBytes(t, pgtype.Int4ArrayOID, rows, Int4, func(r *row) int32 { return r.Pos }),
			pgxBytes(t, pgtype.Int4ArrayOID, []int32{7, 0})},
		{"int8", pgtype.Int8ArrayOID, columnBytes(t, pgtype.Int8ArrayOID, rows, Int8, func(r *row) int64 { return r.Big }),
			pgxBytes(t, pgtype.Int8ArrayOID, []int64{math.MinInt64, 0})},
		{"float8", pgtype.Float8ArrayOID, columnBytes(t, pgtype.Float8ArrayOID, rows, Float8, func(r *row) float64 { return r.Ratio }),
			pgxBytes(t, pgtype.Float8ArrayOID, []float64{12.35, 0})},
		{"timestamptz", pgtype.TimestamptzArrayOID, columnBytes(t, pgtype.TimestamptzArrayOID, rows, Timestamptz, func(r *row) time.Time { return r.At }),
			pgxBytes(t, pgtype.TimestamptzArrayOID, []time.Time{rows[0].At, rows[1].At})},
		{"date, the calendar day where it is", pgtype.DateArrayOID, columnBytes(t, pgtype.DateArrayOID, rows, Date, func(r *row) time.Time { return r.On }),
			pgxBytes(t, pgtype.DateArrayOID, dates(func(r *row) time.Time { return r.On }))},
		{"jsonb, nil as NULL", pgtype.JSONBArrayOID, columnBytes(t, pgtype.JSONBArrayOID, rows, JSONB, func(r *row) json.RawMessage { return r.Payload }),
			pgxBytes(t, pgtype.JSONBArrayOID, []*json.RawMessage{&rows[0].Payload, nil})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.got)
		})
	}
}

func TestAColumnOfNoRowsIsAnEmptyArray(t *testing.T) {
	t.Parallel()
	require.Equal(t, pgxBytes(t, pgtype.TextArrayOID, []string{}), columnBytes(t, pgtype.TextArrayOID, []string{}, Text, func(s *string) string { return *s }))
}

func TestAnOptionalColumnNoRowSetsIsAnEmptyArray(t *testing.T) {
	t.Parallel()
	rows := []Optional[string]{{Value: "a"}, {Value: "b"}}
	value := func(o *Optional[string]) string { return o.Value }
	set := func(o *Optional[string]) bool { return o.Set }
	encode := func() []byte {
		m := pgtype.NewMap()
		Register(m)
		buf, err := m.Encode(pgtype.TextArrayOID, pgtype.BinaryFormatCode, OptionalColumn(rows, Text, value, set), nil)
		require.NoError(t, err)
		return buf
	}
	require.Equal(t, pgxBytes(t, pgtype.TextArrayOID, []string{}), encode(), "no row sets it")
	rows[1] = Set("c")
	require.Equal(t, pgxBytes(t, pgtype.TextArrayOID, []string{"a", "c"}), encode(), "a row sets it: every row's value")
}

func TestColumnsAllocateNothingPerRow(t *testing.T) {
	m := pgtype.NewMap()
	Register(m)
	type row struct {
		Name   string
		Amount float64
	}
	rows := make([]row, 1000)
	buf := make([]byte, 0, 64_000)
	names := Column(rows, Text, func(r *row) string { return r.Name })
	amounts := Column(rows, Numeric, func(r *row) float64 { return r.Amount })
	for _, c := range []struct {
		oid uint32
		col any
	}{{pgtype.TextArrayOID, names}, {pgtype.NumericArrayOID, amounts}} {
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := m.Encode(c.oid, pgtype.BinaryFormatCode, c.col, buf[:0]); err != nil {
				t.Fatal(err)
			}
		})
		require.Less(t, allocs, 5.0, "not one allocation per row")
	}
}
