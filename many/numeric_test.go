package many

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// encodeNumeric is a numeric's binary wire format, as pgx sends it.
func encodeNumeric(t *testing.T, n pgtype.Numeric) []byte {
	t.Helper()
	buf, err := pgtype.NewMap().Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// pgxFloat64 is what pgx's own codec reads.
func pgxFloat64(t *testing.T, src []byte) float64 {
	t.Helper()
	var f float64
	if err := pgtype.NewMap().Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, src, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFastNumericReadsWhatPgxReads(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []pgtype.Numeric
	for _, s := range []string{"0", "0.00", "1", "-1", "0.01", "12.35", "-0.05", "99999.99", "900.00", "40000.00",
		"123456789012345", "0.000001", "100000000000000000000", "0.00000000000000000001", "3.14159265358979"} {
		var n pgtype.Numeric
		if err := n.Scan(s); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, n)
	}
	for range 20_000 {
		cases = append(cases, pgtype.Numeric{Int: big.NewInt(rng.Int64N(1e12) - 5e11), Exp: int32(rng.IntN(12) - 8), Valid: true})
	}
	fast := 0
	for _, n := range cases {
		src := encodeNumeric(t, n)
		want := pgxFloat64(t, src)
		got, ok := numericFloat64(src)
		if !ok {
			continue
		}
		fast++
		if got != want && !(got == 0 && want == 0) {
			t.Fatalf("%v: fast %v (%s), pgx %v (%s)", n, got, strconv.FormatFloat(got, 'g', -1, 64), want, strconv.FormatFloat(want, 'g', -1, 64))
		}
	}
	if fast < len(cases)*3/4 {
		t.Errorf("only %d of %d values took the fast path", fast, len(cases))
	}
}

func TestFastNumericLeavesTheRestToPgx(t *testing.T) {
	t.Parallel()
	for _, n := range []pgtype.Numeric{
		{NaN: true, Valid: true},
		{InfinityModifier: pgtype.Infinity, Valid: true},
		{Int: new(big.Int).Lsh(big.NewInt(1), 60), Valid: true}, // over 2^53
		{Int: big.NewInt(1), Exp: 40, Valid: true},              // beyond the exact powers of ten
	} {
		if _, ok := numericFloat64(encodeNumeric(t, n)); ok {
			t.Errorf("%+v took the fast path", n)
		}
	}
	if _, ok := numericFloat64(nil); ok {
		t.Error("NULL took the fast path")
	}
	if f := pgxFloat64(t, encodeNumeric(t, pgtype.Numeric{NaN: true, Valid: true})); !math.IsNaN(f) {
		t.Errorf("NaN through pgx: %v", f)
	}
}

func TestFastNumericIsWhatAConnectionUses(t *testing.T) {
	m := pgtype.NewMap()
	registerNumeric(m)
	var n pgtype.Numeric
	if err := n.Scan("12.35"); err != nil {
		t.Fatal(err)
	}
	src := encodeNumeric(t, n)
	var f float64
	var p *float64
	allocs := func(m *pgtype.Map) float64 {
		return testing.AllocsPerRun(100, func() {
			if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, src, &f); err != nil {
				t.Fatal(err)
			}
		})
	}
	fast, slow := allocs(m), allocs(pgtype.NewMap())
	if f != 12.35 || fast > slow-3 {
		t.Errorf("into a float64: %v with %v allocations (pgx's codec: %v), want 12.35 with at least 3 fewer", f, fast, slow)
	}
	if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, src, &p); err != nil || p == nil || *p != 12.35 {
		t.Errorf("into a *float64: %v, %v", p, err)
	}
	if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, nil, &p); err != nil || p != nil {
		t.Errorf("NULL into a *float64: %v, %v", p, err)
	}
}

// numericFields are a binary numeric's value, as pgx reads it, and its
// display scale, for comparing two encodings of one number.
func numericFields(t *testing.T, src []byte) (string, uint16) {
	t.Helper()
	var n pgtype.Numeric
	if err := pgtype.NewMap().Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, src, &n); err != nil {
		t.Fatalf("% x: %v", src, err)
	}
	switch {
	case n.NaN:
		return "NaN", 0
	case n.InfinityModifier != pgtype.Finite:
		return n.InfinityModifier.String(), 0
	}
	value := new(big.Rat).SetInt(n.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(n.Exp, -n.Exp))), nil))
	if n.Exp < 0 {
		value.Quo(value, scale)
	} else {
		value.Mul(value, scale)
	}
	return value.RatString(), uint16(src[6])<<8 | uint16(src[7])
}

func TestFastNumericWritesWhatPgxWrites(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 12.3, 250, 100, 10000, 99999.99, 0.0001, 0.00001, 1e-7,
		123456.789, 0.1 + 0.2, 1e21, 1.5e300, math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64, 5e-324,
		math.NaN(), math.Inf(1), math.Inf(-1), 2.2250738585072014e-308, 9007199254740993}
	for range 20_000 {
		cases = append(cases,
			float64(rng.Int64N(1e9)-5e8)/100,                         // amounts with cents
			math.Float64frombits(rng.Uint64()),                       // any bit pattern (NaNs included)
			rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)), // every magnitude
		)
	}
	pgx := pgtype.NewMap()
	for _, f := range cases {
		want, err := pgx.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := appendNumeric(nil, f)
		wantValue, wantScale := numericFields(t, want)
		gotValue, gotScale := numericFields(t, got)
		if gotValue != wantValue || gotScale != wantScale {
			t.Fatalf("%v: wrote %s with scale %d (% x), pgx %s with scale %d (% x)", f, gotValue, gotScale, got, wantValue, wantScale, want)
		}
	}
}

func TestFastNumericWriteIsWhatAConnectionUses(t *testing.T) {
	m := pgtype.NewMap()
	registerNumeric(m)
	f := 12.35
	p := &f
	for _, v := range []any{f, p} {
		buf, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := buf, appendNumeric(nil, f); string(got) != string(want) {
			t.Errorf("%T: % x, want % x", v, got, want)
		}
	}
	buf := make([]byte, 0, 64)
	var v any = f // boxed once, as a COPY row's values are
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, v, buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("a float64 took %v allocations to write", allocs)
	}
	if buf, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, (*float64)(nil), nil); err != nil || buf != nil {
		t.Errorf("nil *float64: % x, %v; want NULL", buf, err)
	}
}

// BenchmarkWriteNumeric writes a food's seven amounts as numeric, the way
// a COPY sends them, through pgx's codec and through numericCodec:
// `go test -run '^$' -bench WriteNumeric -benchmem ./db/`.
func BenchmarkWriteNumeric(b *testing.B) {
	amounts := []any{250.0, 10.25, 5.5, 40.125, 2.0, 12.3, 1234.56} // boxed once, as a COPY row's values are
	fast := pgtype.NewMap()
	registerNumeric(fast)
	for _, m := range []struct {
		name string
		m    *pgtype.Map
	}{{"pgx", pgtype.NewMap()}, {"larder", fast}} {
		b.Run(m.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			for b.Loop() {
				buf = buf[:0]
				for _, a := range amounts {
					var err error
					if buf, err = m.m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, a, buf); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// TestShortestDigitsAreStrconvs checks the quick way for amounts against
// strconv's shortest form, digit for digit: amounts with up to 15
// decimals, any magnitude, and every bit pattern below 2^50.
func TestShortestDigitsAreStrconvs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []float64{1, 0.1, 0.3, 0.1 + 0.2, 12.3, 1200, 10000, 1e15, 1<<50 - 1, 1 << 49, 123456789.123456, 5e-324, 1e-16}
	for range 100_000 {
		cases = append(cases,
			float64(rng.Int64N(1e12))/math.Pow(10, float64(rng.IntN(16))),
			math.Abs(rng.NormFloat64())*math.Pow(10, float64(rng.IntN(40)-20)),
			math.Float64frombits(rng.Uint64N(math.Float64bits(1<<50))),
		)
	}
	for _, f := range cases {
		if f <= 0 {
			continue
		}
		var got [17]byte
		k, first := shortestDigits(&got, f)
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mantissa, exp, _ := strings.Cut(s, "e")
		want := strings.ReplaceAll(mantissa, ".", "")
		var gotText strings.Builder
		for _, d := range got[:k] {
			gotText.WriteByte('0' + d)
		}
		if wantFirst, _ := strconv.Atoi(exp); gotText.String() != want || first != wantFirst {
			t.Fatalf("%v: digits %s, first %d; strconv %s", f, gotText.String(), first, s)
		}
	}
}
