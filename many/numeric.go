package many

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"
)

// numericCodec is pgx's numeric codec with fast ways of reading a numeric
// into a float64 and of writing a float64 as a numeric, which is how every
// amount column travels.
//
// Reading: pgx decodes the wire format into a big.Int, prints it and
// parses the text: four allocations a value, seven values a food. Amounts
// are small decimals: their digits fit an int64, and dividing that by an
// exact power of ten is one correctly rounded IEEE operation, the same
// float64 as parsing the decimal. What does not fit that way (more than 15
// significant digits, NaN, infinities) goes through pgx's own plan.
//
// Writing (a bulk load's COPY sends amounts as numeric, a batch as
// numeric[]): pgx prints the float64, parses the text into a big.Int and
// divides it into base-10,000 digits: a dozen allocations an amount
// (BenchmarkWriteNumeric). appendNumeric takes the same shortest decimal
// digits from strconv and groups them without big.Int: the same number,
// with the same display scale. The fast numeric[] (arrays.go) writes its
// elements with it too.
type numericCodec struct{ pgtype.NumericCodec }

// registerNumeric makes numericCodec m's codec for numeric.
func registerNumeric(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "numeric", OID: pgtype.NumericOID, Codec: numericCodec{}})
}

func (c numericCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(float64); ok && format == pgtype.BinaryFormatCode {
		return float64ToNumeric{}
	}
	return c.NumericCodec.PlanEncode(m, oid, format, value)
}

type float64ToNumeric struct{}

func (float64ToNumeric) Encode(value any, buf []byte) ([]byte, error) {
	return appendNumeric(buf, value.(float64)), nil
}

// Signs of the binary numeric format that stand for no number.
const (
	numericNaN         = 0xC000
	numericInfinity    = 0xD000
	numericNegInfinity = 0xF000
)

// maxNumericSize is the most bytes appendNumeric writes: the header and
// six base-10,000 digits.
const maxNumericSize = 8 + 2*6

// appendNumeric appends f in the binary numeric format (ndigits, weight,
// sign, dscale, then the base-10,000 digits, most significant first) with
// the digits of f's shortest decimal form, as pgx writes a float64: 12.3 is
// 12.3 with a display scale of 1, not 12.300000000000000710542735760100.
func appendNumeric(buf []byte, f float64) []byte {
	header := func(ndigits, weight int, sign uint16, dscale int) []byte {
		buf = binary.BigEndian.AppendUint16(buf, uint16(ndigits))
		buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
		buf = binary.BigEndian.AppendUint16(buf, sign)
		return binary.BigEndian.AppendUint16(buf, uint16(dscale))
	}
	switch {
	case math.IsNaN(f):
		return header(0, 0, numericNaN, 0)
	case math.IsInf(f, 1):
		return header(0, 0, numericInfinity, 0)
	case math.IsInf(f, -1):
		return header(0, 0, numericNegInfinity, 0)
	case f == 0:
		return header(0, 0, numericPositive, 0) // -0 too, as pgx sends it
	}
	sign := uint16(numericPositive)
	if f < 0 {
		sign, f = numericNegative, -f
	}
	var digits [17]byte
	k, first := shortestDigits(&digits, f)
	// Digit i stands for 10^(first-i); base-10,000 digit g for 10,000^g,
	// that is the decimal exponents 4g to 4g+3 (>> 2 rounds down, negative
	// exponents included).
	last := first - (k - 1)
	weight, lowest := first>>2, last>>2
	var groups [6]uint16 // 17 decimal digits span at most 6 base-10,000 ones
	for i := range k {
		e := first - i
		groups[weight-e>>2] += uint16(digits[i]) * [4]uint16{1, 10, 100, 1000}[e&3]
	}
	buf = header(weight-lowest+1, weight, sign, max(0, -last))
	for _, g := range groups[:weight-lowest+1] {
		buf = binary.BigEndian.AppendUint16(buf, g)
	}
	return buf
}

// shortestDigits writes the digits of f's shortest decimal form (f > 0),
// as strconv gives them, into digits, and returns how many there are and
// the decimal exponent of the first. An amount (f < 2^50 with at most 15
// decimals) takes a quick way: the least number of decimals s for which
// round(f × 10^s) / 10^s is f again. Below 2^50 a float64 is finer than
// the decimals tried, so that integer is the only candidate at its scale,
// and the fewest decimals are the fewest digits: strconv's.
func shortestDigits(digits *[17]byte, f float64) (k, first int) {
	if f < 1<<50 {
		for s := range 16 {
			x := f * pow10[s]
			if x >= 1<<50 {
				break
			}
			if m := math.Round(x); m/pow10[s] == f && m > 0 {
				return integerDigits(digits, uint64(m), -s)
			}
		}
	}
	// "d.ddde±x": up to 17 significant digits, the decimal exponent of
	// the first.
	var text [32]byte
	b := strconv.AppendFloat(text[:0], f, 'e', -1, 64)
	exp, expSign := 0, 1
	for i, c := range b {
		if c == 'e' {
			if b[i+1] == '-' {
				expSign = -1
			}
			for _, c := range b[i+2:] {
				exp = 10*exp + int(c-'0')
			}
			break
		}
		if c != '.' {
			digits[k] = c - '0'
			k++
		}
	}
	return k, expSign * exp
}

// integerDigits writes the digits of m × 10^exp (m > 0) into digits,
// without m's trailing zeros, and returns how many there are and the
// decimal exponent of the first.
func integerDigits(digits *[17]byte, m uint64, exp int) (k, first int) {
	for m%10 == 0 {
		m /= 10
		exp++
	}
	var rev [17]byte
	for ; m > 0; m /= 10 {
		rev[k] = byte(m % 10)
		k++
	}
	for i := range k {
		digits[i] = rev[k-1-i]
	}
	return k, exp + k - 1
}

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

// numericSize guesses what appendNumeric writes for a value: the 8-byte
// header and three base-10,000 digits (1234.5678, 12.3), what the
// amounts of a food or a recipe take; an array of larger values grows its
// buffer on the way.
func numericSize(float64) int { return 14 }
