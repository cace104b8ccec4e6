package actions

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

// MaxBatch is the most elements one action call takes; a larger batch is
// invalid. Split larger imports into several calls.
const MaxBatch = 10_000

// Date bounds: dates and times outside them are invalid input.
var (
	minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Layouts of the dates and times actions take as text.
const (
	DateLayout = time.DateOnly // "2006-01-02"
	TimeLayout = time.RFC3339  // "2006-01-02T15:04:05Z07:00"
)

// newValidator returns the validator the actions of one New share. Field
// names in errors are the JSON names, and these rules join the standard
// ones:
//
//	text       valid UTF-8, no NUL byte
//	notblank   not only white space
//	finite     a number, not NaN or infinite
//	id         a UUID in canonical form, not the nil UUID
//	date       YYYY-MM-DD, from 1900 to 2199
//	timestamp  RFC 3339, from 1900 to 2199
//	barcode    8 to 14 digits
//	date_or_empty, barcode_or_empty
//	           "" (clear the field) or the same
//	food_kind, food_category, pantry_unit, meal_kind
//	           a value of that enum
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			return f.Name
		}
		return name
	})
	rules := map[string]func(validator.FieldLevel) bool{
		"text":     func(fl validator.FieldLevel) bool { return isText(fl.Field().String()) },
		"notblank": func(fl validator.FieldLevel) bool { return strings.TrimSpace(fl.Field().String()) != "" },
		"finite": func(fl validator.FieldLevel) bool {
			f := fl.Field().Float()
			return !math.IsNaN(f) && !math.IsInf(f, 0)
		},
		"id":        func(fl validator.FieldLevel) bool { _, ok := parseID(fl.Field().String()); return ok },
		"date":      func(fl validator.FieldLevel) bool { _, ok := parseDate(fl.Field().String()); return ok },
		"timestamp": func(fl validator.FieldLevel) bool { _, ok := parseTime(fl.Field().String()); return ok },
		"barcode":   func(fl validator.FieldLevel) bool { return barcodeRE.MatchString(fl.Field().String()) },
	}
	// A change sets a field to "" to clear it; omitempty cannot say "empty
	// or valid" of a *string, so these rules do.
	for _, tag := range []string{"date", "barcode"} {
		rule := rules[tag]
		rules[tag+"_or_empty"] = func(fl validator.FieldLevel) bool { return fl.Field().String() == "" || rule(fl) }
	}
	for tag, values := range enums {
		rules[tag] = func(fl validator.FieldLevel) bool { return slices.Contains(values, fl.Field().String()) }
	}
	for tag, fn := range rules {
		// RegisterValidation fails only for an empty tag or a nil func.
		_ = v.RegisterValidation(tag, fn)
	}
	v.RegisterStructValidation(nutrientRules, db.Nutrients{})
	v.RegisterStructValidation(mealSourceRule, NewMealEntry{})
	return v
}

var barcodeRE = regexp.MustCompile(`^[0-9]{8,14}$`)

// enums are the values of the schema's enums, from the generated code.
var enums = map[string][]string{
	"food_kind":     enumValues(db.FoodKinds()),
	"food_category": enumValues(db.FoodCategories()),
	"pantry_unit":   enumValues(db.PantryUnits()),
	"meal_kind":     enumValues(db.MealKinds()),
}

func enumValues[E ~string](all []E) []string {
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}

func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// parseID reads a UUID in canonical form (36 characters), not nil.
func parseID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	return id, err == nil && id != uuid.Nil
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil && !t.Before(minDate) && t.Before(maxDate)
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(TimeLayout, s)
	return t, err == nil && !t.Before(minDate) && t.Before(maxDate)
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

// mealSourceRule: an entry is a food with grams, or a recipe with
// servings.
func mealSourceRule(sl validator.StructLevel) {
	m := sl.Current().Interface().(NewMealEntry)
	food := m.FoodID != "" || m.Grams != 0
	recipe := m.RecipeID != "" || m.Servings != 0
	switch {
	case food && recipe:
		sl.ReportError(m.RecipeID, "recipe_id", "RecipeID", "one_source", "")
	case !food && !recipe:
		sl.ReportError(m.FoodID, "food_id", "FoodID", "one_source", "")
	case food && m.FoodID == "":
		sl.ReportError(m.FoodID, "food_id", "FoodID", "required", "")
	case food && m.Grams == 0:
		sl.ReportError(m.Grams, "grams", "Grams", "required", "")
	case recipe && m.RecipeID == "":
		sl.ReportError(m.RecipeID, "recipe_id", "RecipeID", "required", "")
	case recipe && m.Servings == 0:
		sl.ReportError(m.Servings, "servings", "Servings", "required", "")
	}
}

// fields collects the rules an input breaks, keyed by path.
type fields map[string]string

// err is the invalid-input error for the broken rules, or nil.
func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return fieldsError(CodeInvalid, f)
}

// batch checks a batch's size: empty is fine (a no-op), over MaxBatch is
// not.
func (f fields) batch(root string, n int) {
	if n > MaxBatch {
		f[root] = fmt.Sprintf("must have at most %d items, not %d", MaxBatch, n)
	}
}

// check validates v (a struct) and records what it breaks under prefix:
// "items[2]" makes "items[2].quantity"; an empty prefix keeps the field's
// own path.
func (a *Actions) check(f fields, prefix string, v any) {
	err := a.validate.Struct(v)
	var broken validator.ValidationErrors
	if !errors.As(err, &broken) {
		if err != nil {
			f[prefix] = "cannot be validated"
		}
		return
	}
	for _, fe := range broken {
		// The namespace starts with the struct's type name: drop it.
		_, rel, _ := strings.Cut(fe.Namespace(), ".")
		key := rel
		if prefix != "" {
			key = prefix + "." + rel
		}
		f[key] = message(fe)
	}
}

// ids validates and parses a batch of ids: ids[i] must be a UUID.
func (f fields) ids(root string, in []string) []uuid.UUID {
	f.batch(root, len(in))
	out := make([]uuid.UUID, len(in))
	for i, s := range in {
		id, ok := parseID(s)
		if !ok {
			f[path(root, i)] = messages["id"]
		}
		out[i] = id
	}
	return out
}

// duplicates marks the elements whose key an earlier element has:
// "users[3].email": "repeats users[1].email". Empty keys are skipped.
func (f fields) duplicates(root, field string, n int, key func(i int) string) {
	first := make(map[string]int, n)
	for i := range n {
		k := key(i)
		if k == "" {
			continue
		}
		if j, seen := first[k]; seen {
			f[path(root, i, field)] = "repeats " + path(root, j, field)
			continue
		}
		first[k] = i
	}
}

// messages say what each rule wants, for people.
var messages = map[string]string{
	"required":         "is required",
	"notblank":         "must not be blank",
	"text":             "must be valid UTF-8 without NUL bytes",
	"finite":           "must be a finite number",
	"id":               "must be a UUID (not the nil UUID)",
	"date":             "must be a date (YYYY-MM-DD) from 1900 to 2199",
	"date_or_empty":    "must be a date (YYYY-MM-DD) from 1900 to 2199, or empty to clear it",
	"barcode_or_empty": "must be 8 to 14 digits, or empty to clear it",
	"timestamp":        "must be an RFC 3339 time from 1900 to 2199",
	"barcode":          "must be 8 to 14 digits",
	"email":            "must be an email address",
	"timezone":         "must be an IANA time zone, such as Europe/Berlin",
	"sugar_carbs":      "must not exceed carbs_g",
	"macros":           "with protein_g and fat_g must add up to at most 100 (g per 100 g)",
	"one_source":       "give either food_id with grams or recipe_id with servings",
}

// message explains one broken rule.
func message(fe validator.FieldError) string {
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

// ruleOf explains the first rule a single value (validate.Var) breaks.
func ruleOf(err error) string {
	var broken validator.ValidationErrors
	if errors.As(err, &broken) && len(broken) > 0 {
		return message(broken[0])
	}
	return "is invalid"
}
