// Package validation builds the validator Larder checks input with
// (go-playground/validator): field names in errors are the JSON names,
// Larder's own rules join the standard ones, and every broken rule has a
// message meant for people. Package actions validates its inputs with it,
// package jobs the payloads of jobs.
package validation

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
)

// Layouts of the dates and times input carries as text.
const (
	DateLayout = time.DateOnly // "2006-01-02"
	TimeLayout = time.RFC3339  // "2006-01-02T15:04:05Z07:00"
)

// Date bounds: dates and times outside them are invalid.
var (
	minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// New returns a validator with JSON field names and these rules besides the
// standard ones:
//
//	text       valid UTF-8, no NUL byte
//	notblank   not only white space
//	finite     a number, not NaN or infinite
//	id         a UUID in canonical form, not the nil UUID
//	date       YYYY-MM-DD, from 1900 to 2199
//	timestamp  RFC 3339, from 1900 to 2199
//	barcode    8 to 14 digits
//	food_kind, food_category, pantry_unit, meal_kind
//	           a value of that enum
//
// and db.Nutrients' rules, those the foods table's CHECKs have: each
// amount's bounds (energy 0-900 kcal, grams 0-100, sodium 0-40,000 mg),
// sugar within carbs, protein, fat and carbs at most 100 g together.
//
// It is safe for concurrent use; build one and share it.
func New() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			return f.Name
		}
		return name
	})
	rules := map[string]func(validator.FieldLevel) bool{
		"text":     func(fl validator.FieldLevel) bool { return IsText(fl.Field().String()) },
		"notblank": func(fl validator.FieldLevel) bool { return strings.TrimSpace(fl.Field().String()) != "" },
		"finite": func(fl validator.FieldLevel) bool {
			f := fl.Field().Float()
			return !math.IsNaN(f) && !math.IsInf(f, 0)
		},
		"id":        func(fl validator.FieldLevel) bool { _, ok := ParseID(fl.Field().String()); return ok },
		"date":      func(fl validator.FieldLevel) bool { _, ok := ParseDate(fl.Field().String()); return ok },
		"timestamp": func(fl validator.FieldLevel) bool { _, ok := ParseTime(fl.Field().String()); return ok },
		"barcode":   func(fl validator.FieldLevel) bool { return barcodeRE.MatchString(fl.Field().String()) },
	}
	for tag, values := range enums {
		rules[tag] = func(fl validator.FieldLevel) bool { return slices.Contains(values, fl.Field().String()) }
	}
	for tag, fn := range rules {
		// RegisterValidation fails only for an empty tag or a nil func.
		_ = v.RegisterValidation(tag, fn)
	}
	// db.Nutrients is generated from the queries: its rules, those of the
	// foods table's CHECKs, are given here.
	v.RegisterStructValidationMapRules(map[string]string{
		"EnergyKcal": "finite,gte=0,lte=900",
		"ProteinG":   "finite,gte=0,lte=100",
		"FatG":       "finite,gte=0,lte=100",
		"CarbsG":     "finite,gte=0,lte=100",
		"FiberG":     "finite,gte=0,lte=100",
		"SugarG":     "finite,gte=0,lte=100",
		"SodiumMg":   "finite,gte=0,lte=40000",
	}, db.Nutrients{})
	v.RegisterStructValidation(nutrientRules, db.Nutrients{})
	return v
}

// nutrientRules are the rules between nutrients, as the foods table's
// CHECKs have them.
func nutrientRules(sl validator.StructLevel) {
	n := sl.Current().Interface().(db.Nutrients)
	if n.SugarG > n.CarbsG {
		sl.ReportError(n.SugarG, "sugar_g", "SugarG", "sugar_carbs", "")
	}
	if n.ProteinG+n.FatG+n.CarbsG > 100 {
		sl.ReportError(n.CarbsG, "carbs_g", "CarbsG", "macros", "")
	}
}

var barcodeRE = regexp.MustCompile(`^[0-9]{8,14}$`)

// enums are the values of the schema's enums.
var enums = map[string][]string{
	"food_kind":     enumValues(db.FoodKinds()),
	"food_category": enumValues(db.FoodCategories()),
	"pantry_unit":   enumValues(db.PantryUnits()),
	"meal_kind":     enumValues(db.MealKinds()),
}

// Enum returns the values of the enum rule tag ("food_kind"...), or nil
// when tag is not one.
func Enum(tag string) []string { return slices.Clone(enums[tag]) }

func enumValues[E ~string](all []E) []string {
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}

// IsText reports whether s is valid UTF-8 without NUL bytes, which
// PostgreSQL's text cannot hold.
func IsText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// ParseID reads a UUID in canonical form (36 characters), not nil.
func ParseID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	return id, err == nil && id != uuid.Nil
}

// ParseDate reads a YYYY-MM-DD date from 1900 to 2199.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil && !t.Before(minDate) && t.Before(maxDate)
}

// ParseTime reads an RFC 3339 time from 1900 to 2199.
func ParseTime(s string) (time.Time, bool) {
	t, err := time.Parse(TimeLayout, s)
	return t, err == nil && !t.Before(minDate) && t.Before(maxDate)
}

// messages say what each of the rules wants.
var messages = map[string]string{
	"required":    "is required",
	"notblank":    "must not be blank",
	"text":        "must be valid UTF-8 without NUL bytes",
	"finite":      "must be a finite number",
	"id":          "must be a UUID (not the nil UUID)",
	"date":        "must be a date (YYYY-MM-DD) from 1900 to 2199",
	"timestamp":   "must be an RFC 3339 time from 1900 to 2199",
	"barcode":     "must be 8 to 14 digits",
	"email":       "must be an email address",
	"timezone":    "must be an IANA time zone, such as Europe/Berlin",
	"sugar_carbs": "must not exceed carbs_g",
	"macros":      "with protein_g and fat_g must add up to at most 100 (g per 100 g)",
}

// RuleMessage is the message of one of Larder's rules ("id", "date"...),
// or "" for a standard rule.
func RuleMessage(tag string) string { return messages[tag] }

// Message explains one broken rule; extra maps the tags of a caller's own
// rules (struct-level ones, say) to their messages.
func Message(fe validator.FieldError, extra map[string]string) string {
	if m, ok := extra[fe.Tag()]; ok {
		return m
	}
	if m, ok := messages[fe.Tag()]; ok {
		return m
	}
	if values, ok := enums[fe.Tag()]; ok {
		return "must be one of: " + strings.Join(values, ", ")
	}
	p := fe.Param()
	switch fe.Tag() {
	case "max", "min":
		word := map[string]string{"max": "at most", "min": "at least"}[fe.Tag()]
		switch fe.Kind() {
		case reflect.String:
			return fmt.Sprintf("must be %s %s characters long", word, p)
		case reflect.Slice, reflect.Map, reflect.Array:
			return fmt.Sprintf("must have %s %s items", word, p)
		}
		return fmt.Sprintf("must be %s %s", word, p)
	case "lte":
		return "must be at most " + p
	case "gte":
		return "must be at least " + p
	case "lt":
		return "must be less than " + p
	case "gt":
		return "must be greater than " + p
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	}
	return "breaks the rule " + fe.Tag()
}

// Fields returns the rules err (from Struct or Var) says were broken, as
// path: message, each path being the field's JSON path below the validated
// value (its type name dropped) after prefix and a dot. A non-validation
// error is reported at prefix.
func Fields(err error, prefix string, extra map[string]string) map[string]string {
	if err == nil {
		return nil
	}
	var broken validator.ValidationErrors
	if !errors.As(err, &broken) {
		return map[string]string{prefix: "cannot be validated"}
	}
	out := make(map[string]string, len(broken))
	for _, fe := range broken {
		key := prefix
		if ns := fe.Namespace(); strings.HasPrefix(ns, "[") { // an element of a slice given to Var
			key = prefix + ns
		} else if _, rel, ok := strings.Cut(ns, "."); ok {
			key = strings.TrimPrefix(prefix+"."+rel, ".")
		}
		out[key] = Message(fe, extra)
	}
	return out
}
