package agents

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/larderhq/larder/internal/validation"
)

// schemaOf derives the JSON Schema of an agent's output type, in the
// subset that strict structured output accepts: an object lists every
// property as required and allows no others, and a pointer is nullable.
// Properties carry their JSON names and, from a `desc` tag, a description
// for the model. Validate tags add what JSON Schema can say of them: enums
// (oneof, and Larder's enum rules such as food_kind), bounds of numbers
// (gte, lte, gt, lt, min, max), bounds of array lengths (min, max, len);
// rules after dive apply to the items. The validator still checks every
// answer: the schema guides the model, it does not replace the check.
func schemaOf(t reflect.Type) (map[string]any, error) { return schemaWith(t, "") }

func schemaWith(t reflect.Type, rules string) (map[string]any, error) {
	own, items, _ := strings.Cut(rules, ",dive")
	items = strings.TrimPrefix(items, ",")
	if t.Kind() != reflect.Pointer && (t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)) {
		return withRules(map[string]any{"type": "string"}, own), nil // a UUID, a time
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner, err := schemaWith(t.Elem(), rules)
		if err != nil {
			return nil, err
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}, nil
	case reflect.Struct:
		return objectSchema(t)
	case reflect.String:
		return withRules(map[string]any{"type": "string"}, own), nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return withRules(map[string]any{"type": "integer"}, own), nil
	case reflect.Float32, reflect.Float64:
		return withRules(map[string]any{"type": "number"}, own), nil
	case reflect.Slice, reflect.Array:
		inner, err := schemaWith(t.Elem(), items)
		if err != nil {
			return nil, err
		}
		return withRules(map[string]any{"type": "array", "items": inner}, own), nil
	}
	return nil, fmt.Errorf("%v has no JSON Schema here (use structs, strings, numbers, booleans, slices, pointers)", t)
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

func objectSchema(t reflect.Type) (map[string]any, error) {
	props := map[string]any{}
	required := []string{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous || name == "" {
			return nil, fmt.Errorf("%v.%s: give every field a JSON name (embedded structs are not supported)", t, f.Name)
		}
		s, err := schemaWith(f.Type, f.Tag.Get("validate"))
		if err != nil {
			return nil, fmt.Errorf("%v.%s: %w", t, f.Name, err)
		}
		if d := f.Tag.Get("desc"); d != "" {
			s["description"] = d
		}
		props[name] = s
		required = append(required, name)
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}, nil
}

// withRules adds to s what the validate rules say that JSON Schema can.
func withRules(s map[string]any, rules string) map[string]any {
	bound := map[string]map[string]string{
		"integer": {"gte": "minimum", "min": "minimum", "lte": "maximum", "max": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"},
		"number":  {"gte": "minimum", "min": "minimum", "lte": "maximum", "max": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"},
		"array":   {"min": "minItems", "max": "maxItems"},
	}[s["type"].(string)]
	for rule := range strings.SplitSeq(rules, ",") {
		name, param, _ := strings.Cut(rule, "=")
		if values := validation.Enum(name); values != nil {
			s["enum"] = values
			continue
		}
		if name == "oneof" {
			s["enum"] = strings.Fields(param)
			continue
		}
		n, err := strconv.ParseFloat(param, 64)
		if err != nil {
			continue
		}
		if name == "len" && s["type"] == "array" {
			s["minItems"], s["maxItems"] = n, n
		} else if key, ok := bound[name]; ok {
			s[key] = n
		}
	}
	return s
}
