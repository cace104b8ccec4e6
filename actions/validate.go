package actions

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"

	"github.com/larderhq/larder/internal/validation"
)

// MaxBatch is the most rows of each kind one action call takes: the
// elements of its batch, and the rows they carry between them (the tags of
// all its foods, the ingredients of all its recipes, the food and tag
// pairs of all its generations). A larger call is invalid: split it. The
// bound is on a call's whole work, so that no call holds the database for
// long (actions/README.md, "Limits").
const MaxBatch = 10_000

// Layouts of the dates and times actions take as text.
const (
	DateLayout = validation.DateLayout // "2006-01-02"
	TimeLayout = validation.TimeLayout // "2006-01-02T15:04:05Z07:00"
)

// newValidator is Larder's validator (see internal/validation) with the
// rules between fields that the actions' inputs have.
func newValidator() *validator.Validate {
	v := validation.New()
	v.RegisterStructValidation(mealSourceRule, NewMealEntry{})
	return v
}

// ruleMessages explain the rules between fields.
var ruleMessages = map[string]string{
	"one_source": "give either food_id with grams or recipe_id with servings",
}

// mealSourceRule: an entry is a food with grams, or a recipe with
// servings.
func mealSourceRule(sl validator.StructLevel) {
	m := sl.Current().Interface().(NewMealEntry)
	food := m.FoodID != uuid.Nil || m.Grams != 0
	recipe := m.RecipeID != uuid.Nil || m.Servings != 0
	switch {
	case food && recipe:
		sl.ReportError(m.RecipeID, "recipe_id", "RecipeID", "one_source", "")
	case !food && !recipe:
		sl.ReportError(m.FoodID, "food_id", "FoodID", "one_source", "")
	case food && m.FoodID == uuid.Nil:
		sl.ReportError(m.FoodID, "food_id", "FoodID", "required", "")
	case food && m.Grams == 0:
		sl.ReportError(m.Grams, "grams", "Grams", "required", "")
	case recipe && m.RecipeID == uuid.Nil:
		sl.ReportError(m.RecipeID, "recipe_id", "RecipeID", "required", "")
	case recipe && m.Servings == 0:
		sl.ReportError(m.Servings, "servings", "Servings", "required", "")
	}
}

// fields collects the rules an input breaks, keyed by path.
type fields map[string]string

// err is the invalid-input error for the broken rules, or nil.
func (f fields) err() error { return f.errAs(CodeInvalid) }

// errAs is the error of code at the fields recorded, or nil if there are
// none.
func (f fields) errAs(code Code) error {
	if len(f) == 0 {
		return nil
	}
	return fieldsError(code, f)
}

// batch checks a batch's size: empty is fine (a no-op), over MaxBatch is
// not.
func (f fields) batch(root string, n int) {
	if n > MaxBatch {
		f[root] = fmt.Sprintf("must have at most %d items, not %d", MaxBatch, n)
	}
}

// carried checks the rows the elements of a batch at root carry between
// them (what: "tags"): at most MaxBatch in all.
func (f fields) carried(root, what string, n int) {
	if n > MaxBatch {
		f[root] = fmt.Sprintf("must carry at most %d %s in all, not %d", MaxBatch, what, n)
	}
}

// check validates v (a struct) and records what it breaks under prefix:
// "items[2]" makes "items[2].quantity"; an empty prefix keeps the field's
// own path.
func (a *Actions) check(f fields, prefix string, v any) {
	for path, rule := range validation.Fields(a.validate.Struct(v), prefix, ruleMessages) {
		f[path] = rule
	}
}

// checkChange validates a change of a row (FoodChange...) at prefix: its
// own tags (the id, and the rules of the structs it points to, such as
// db.Nutrients), then each field it sets by the rule of the same-named
// field of New, the input that creates such a row. A field therefore has
// one rule, whether it is created or changed: a value "" that create
// takes as "none" (omitempty) clears the field in a change.
func checkChange[New any](a *Actions, f fields, prefix string, change any) {
	a.check(f, prefix, change)
	v := reflect.ValueOf(change)
	create := reflect.TypeFor[New]()
	for i := range v.NumField() {
		value := v.Field(i)
		if value.Kind() != reflect.Pointer || value.IsNil() {
			continue
		}
		rule, ok := create.FieldByName(v.Type().Field(i).Name)
		if tag := rule.Tag.Get("validate"); ok && tag != "" {
			name, _, _ := strings.Cut(rule.Tag.Get("json"), ",")
			if prefix != "" {
				name = prefix + "." + name
			}
			a.checkVar(f, name, value.Elem().Interface(), tag)
		}
	}
}

// checkVar validates one value against tag and records what it breaks at
// path.
func (a *Actions) checkVar(f fields, path string, v any, tag string) {
	for path, rule := range validation.Fields(a.validate.Var(v, tag), path, ruleMessages) {
		f[path] = rule
	}
}

// checkIDs checks a batch of ids at root: at most MaxBatch, none the
// zero UUID (required: ids[2] "is required"), none that an earlier
// element names too (a repeat).
func checkIDs(f fields, root string, ids []uuid.UUID) {
	f.batch(root, len(ids))
	for i, id := range ids {
		if id == uuid.Nil {
			f[path(root, i)] = validation.RuleMessage("required")
		}
	}
	duplicates(f, len(ids), func(i int) uuid.UUID { return ids[i] }, func(i int) string { return path(root, i) })
}

// duplicates marks the elements whose key an earlier element has, at(i)
// being element i's path: "users[3].email": "repeats users[1].email". Keys
// compare as values; zero keys (an empty string, the zero UUID) are
// skipped.
func duplicates[K comparable](f fields, n int, key func(i int) K, at func(i int) string) {
	var zero K
	first := make(map[K]int, n)
	for i := range n {
		k := key(i)
		if k == zero {
			continue
		}
		if j, seen := first[k]; seen {
			f[at(i)] = "repeats " + at(j)
			continue
		}
		first[k] = i
	}
}

// Parsers of validated text.
var (
	parseID   = validation.ParseID
	parseDate = validation.ParseDate
	parseTime = validation.ParseTime
)
