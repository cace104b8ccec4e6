package agents

import (
	"encoding"
	"encoding/json"
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
// Maps, interfaces, recursive types and types with their own JSON encoding
// (other than text: UUIDs, times) have no schema here.
func schemaOf(t reflect.Type) (map[string]any, error) {
	return schemaWith(t, "", map[reflect.Type]bool{})
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// implements reports whether t or *t implements iface.
func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(iface)
}

func schemaWith(t reflect.Type, rules string, visiting map[reflect.Type]bool) (map[string]any, error) {
	own, items := splitDive(rules)
	switch {
	case t.Kind() == reflect.Pointer:
		inner, err := schemaWith(t.Elem(), rules, visiting)
		if err != nil {
			return nil, err
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}, nil
	case implements(t, textMarshaler):
		return withRules(map[string]any{"type": "string"}, own), nil // a UUID, a time
	case implements(t, jsonMarshaler):
		return nil, fmt.Errorf("%v has its own JSON encoding, which its fields do not describe", t)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string"}, nil // base64
	}
	switch t.Kind() {
	case reflect.Struct:
		if visiting[t] {
			return nil, fmt.Errorf("%v contains itself: recursive types have no schema here", t)
		}
		visiting[t] = true
		defer delete(visiting, t)
		return objectSchema(t, visiting)
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
		inner, err := schemaWith(t.Elem(), items, visiting)
		if err != nil {
			return nil, err
		}
		return withRules(map[string]any{"type": "array", "items": inner}, own), nil
	}
	return nil, fmt.Errorf("%v has no JSON Schema here (use structs, strings, numbers, booleans, slices, pointers)", t)
}

// splitDive splits validate rules into the field's own and its items'.
func splitDive(rules string) (own, items string) {
	if rest, ok := strings.CutPrefix(rules, "dive"); ok && (rest == "" || rest[0] == ',') {
		return "", strings.TrimPrefix(rest, ",")
	}
	own, items, _ = strings.Cut(rules, ",dive")
	return own, strings.TrimPrefix(items, ",")
}

func objectSchema(t reflect.Type, visiting map[reflect.Type]bool) (map[string]any, error) {
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
		s, err := schemaWith(f.Type, f.Tag.Get("validate"), visiting)
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
	kind := s["type"].(string)
	numeric := kind == "integer" || kind == "number"
	bound := map[string]string{"gte": "minimum", "min": "minimum", "lte": "maximum", "max": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
	if kind == "array" {
		bound = map[string]string{"min": "minItems", "max": "maxItems"}
	} else if !numeric {
		bound = nil
	}
	for rule := range strings.SplitSeq(rules, ",") {
		name, param, _ := strings.Cut(rule, "=")
		if values := validation.Enum(name); values != nil && kind == "string" {
			s["enum"] = values
			continue
		}
		if name == "oneof" {
			s["enum"] = enumOf(param, numeric)
			continue
		}
		n, err := strconv.ParseFloat(param, 64)
		if err != nil {
			continue
		}
		if name == "len" && kind == "array" {
			s["minItems"], s["maxItems"] = n, n
		} else if key, ok := bound[name]; ok {
			s[key] = n
		}
	}
	return s
}

// enumOf reads oneof's values: words, or 'quoted words', numbers for a
// numeric field.
func enumOf(param string, numeric bool) []any {
	var words []string
	for param = strings.TrimSpace(param); param != ""; param = strings.TrimSpace(param) {
		if rest, ok := strings.CutPrefix(param, "'"); ok {
			word, after, _ := strings.Cut(rest, "'")
			words, param = append(words, word), after
			continue
		}
		word, after, _ := strings.Cut(param, " ")
		words, param = append(words, word), after
	}
	out := make([]any, len(words))
	for i, w := range words {
		out[i] = w
		if n, err := strconv.ParseFloat(w, 64); numeric && err == nil {
			out[i] = n
		}
	}
	return out
}
