package db

import (
	"encoding/binary"

	"github.com/jackc/pgx/v5/pgtype"
)

// numericCodec is pgx's numeric codec with a fast way of reading a numeric
// into a float64, which is how every amount column reads. pgx decodes the
// wire format into a big.Int, prints it and parses the text: four
// allocations a value, seven values a food. Amounts are small decimals:
// their digits fit an int64, and dividing that by an exact power of ten
// is one correctly rounded IEEE operation, the same float64 as parsing
// the decimal. What does not fit that way (more than 15 significant
// digits, NaN, infinities) goes through pgx's own plan.
type numericCodec struct{ pgtype.NumericCodec }

func (c numericCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	plan := c.NumericCodec.PlanScan(m, oid, format, target)
	if _, ok := target.(pgtype.Float64Scanner); ok && format == pgtype.BinaryFormatCode && plan != nil {
		return numericToFloat64{slow: plan}
	}
	return plan
}

type numericToFloat64 struct{ slow pgtype.ScanPlan }

func (p numericToFloat64) Scan(src []byte, dst any) error {
	if f, ok := numericFloat64(src); ok {
		return dst.(pgtype.Float64Scanner).ScanFloat64(pgtype.Float8{Float64: f, Valid: true})
	}
	return p.slow.Scan(src, dst)
}

// Signs of the binary numeric format.
const (
	numericPositive = 0x0000
	numericNegative = 0x4000
)

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// numericFloat64 reads a binary numeric (ndigits, weight, sign, dscale,
// then ndigits base-10,000 digits) when its value is an integer below
// 2^53 times a power of ten within ±22; ok is false otherwise (and for
// NULL).
func numericFloat64(src []byte) (f float64, ok bool) {
	if len(src) < 8 {
		return 0, false
	}
	ndigits := int(int16(binary.BigEndian.Uint16(src)))
	weight := int(int16(binary.BigEndian.Uint16(src[2:])))
	sign := binary.BigEndian.Uint16(src[4:])
	if sign != numericPositive && sign != numericNegative || ndigits < 0 || ndigits > 4 || len(src) != 8+2*ndigits {
		return 0, false
	}
	var m int64
	for i := range ndigits {
		m = m*10_000 + int64(binary.BigEndian.Uint16(src[8+2*i:]))
	}
	if m >= 1<<53 {
		return 0, false
	}
	// The value is m × 10,000^(weight - ndigits + 1).
	switch exp := 4 * (weight - ndigits + 1); {
	case m == 0:
		f = 0
	case exp >= 0 && exp < len(pow10):
		f = float64(m) * pow10[exp]
	case exp < 0 && -exp < len(pow10):
		f = float64(m) / pow10[-exp]
	default:
		return 0, false
	}
	if sign == numericNegative {
		f = -f
	}
	return f, true
}
