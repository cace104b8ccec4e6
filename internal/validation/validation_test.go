package validation

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

type sample struct {
	Name     string   `json:"name" validate:"required,text,notblank,max=5"`
	ID       string   `json:"id" validate:"id"`
	On       string   `json:"on" validate:"omitempty,date"`
	Amount   float64  `json:"amount" validate:"finite,gt=0"`
	Kind     string   `json:"kind" validate:"food_kind"`
	Children []string `json:"children" validate:"max=1,dive,notblank"`
}

func TestRulesAndMessages(t *testing.T) {
	t.Parallel()
	err := New().Struct(sample{
		Name: "a\x00b", ID: "00000000-0000-0000-0000-000000000000", On: "2026-13-01",
		Amount: math.Inf(1), Kind: "raw", Children: []string{" "},
	})
	require.Equal(t, map[string]string{
		"x.name":        "must be valid UTF-8 without NUL bytes",
		"x.id":          "must be a UUID (not the nil UUID)",
		"x.on":          "must be a date (YYYY-MM-DD) from 1900 to 2199",
		"x.amount":      "must be a finite number",
		"x.kind":        "must be one of: whole, processed, ultra_processed",
		"x.children[0]": "must not be blank",
	}, Fields(err, "x", nil))
}

func TestParsers(t *testing.T) {
	t.Parallel()
	_, ok := ParseID("0190C6C2-1F41-7000-8000-000000000001")
	require.True(t, ok, "upper case is canonical too")
	_, ok = ParseID("urn:uuid:0190c6c2-1f41-7000-8000-000000000001")
	require.False(t, ok)
	_, ok = ParseTime("2026-11-25T12:00:00+01:00")
	require.True(t, ok)
	_, ok = ParseTime("2200-01-01T00:00:00Z")
	require.False(t, ok)
	require.False(t, IsText("caf\xe9"))
}

func TestFieldsOfOneValue(t *testing.T) {
	t.Parallel()
	require.Equal(t, map[string]string{"names[2]": "must be at most 3 characters long"},
		Fields(New().Var("abcd", "max=3"), "names[2]", nil))
	type child struct {
		Grams float64 `json:"grams" validate:"gt=0"`
	}
	require.Equal(t, map[string]string{"x.children[1].grams": "must be greater than 0", "x.children[2]": "is required"},
		Fields(New().Var([]*child{{1}, {0}, nil}, "dive,required"), "x.children", nil), "the elements of a slice keep their index")
	require.Nil(t, Fields(nil, "x", nil))
}
