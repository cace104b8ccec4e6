package actions

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// What Decode says of a value that does not fit its field.
const (
	mustBeID     = "must be an id (a UUID)"
	mustBeObject = "must be an object"
	mustBeList   = "must be a list"
	mustBeString = "must be a string"
	mustBeBool   = "must be true or false"
	mustBeNumber = "must be a number"
	mustBeWhole  = "must be a whole number"
	notAField    = "is not a field"
	notAValue    = "is not a valid value"
	notJSON      = "must be valid JSON"
)

// Decode reads the JSON document data into v, a pointer to an action's
// input: a batch (*[]NewPantryItem, *[]uuid.UUID) or a single input
// (*FoodSearch). root is the path the action gives the document: "items"
// for AddPantryItems' batch, "ids" for a batch of ids, "" for an input
// whose fields are paths of their own (a search).
//
// Every value that does not fit its field is invalid at its path, in the
// syntax of validation's paths, each reported in one *Error (code
// invalid; errors.As finds it):
//
//	items[3].food_id: must be an id (a UUID)
//	items[0].quantity: must be a number
//	items[2].unit: must be a string
//	items[1].fod_id: is not a field
//
// An id is a UUID in its 36-character form, in either case; JSON null, or
// a field left out, is the zero value (uuid.Nil: none, or "is required"
// where an id is). Field names match as encoding/json matches them,
// exactly or else regardless of case. A document that is not JSON is
// invalid at root. Decode checks only that values fit: the action
// validates the rest (an id required, a quantity in range).
func Decode(data []byte, root string, v any) error {
	target := reflect.ValueOf(v)
	if target.Kind() != reflect.Pointer || target.IsNil() {
		return &Error{Code: CodeInternal, Message: "Decode needs a non-nil pointer"}
	}
	if !json.Valid(data) {
		return atRoot(root, notJSON)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers as written, for the range of the field they go to
	if err := dec.Decode(&doc); err != nil {
		return atRoot(root, notJSON)
	}
	f := fields{}
	fit(f, root, doc, target.Elem().Type())
	if len(f) > 0 {
		if rule, ok := f[""]; ok { // the document itself, with no path to report it at
			return &Error{Code: CodeInvalid, Message: "the input " + rule}
		}
		return f.err()
	}
	if err := json.Unmarshal(data, v); err != nil {
		// Only a type's own UnmarshalJSON, refusing null, gets here.
		return atRoot(root, notAValue)
	}
	return nil
}

// atRoot is an invalid-input error about the document as a whole.
func atRoot(root, rule string) error {
	if root == "" {
		return &Error{Code: CodeInvalid, Message: "the input " + rule}
	}
	return invalid(root, rule)
}

// fit records in f, at path at and below, each part of value (decoded
// JSON, numbers as json.Number) that does not fit type t, as encoding/json
// would decode value into t.
func fit(f fields, at string, value any, t reflect.Type) {
	if value == nil {
		return // null leaves a value as it is
	}
	if t == reflect.TypeFor[uuid.UUID]() {
		if s, ok := value.(string); !ok || !isUUID(s) {
			f[at] = mustBeID
		}
		return
	}
	if unmarshals(t) {
		fitLeaf(f, at, value, t)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		fit(f, at, value, t.Elem())
	case reflect.Struct:
		fitStruct(f, at, value, t)
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			fitLeaf(f, at, value, t) // []byte is base64 text
			return
		}
		list, ok := value.([]any)
		if !ok {
			f[at] = mustBeList
			return
		}
		for i, e := range list {
			fit(f, fmt.Sprintf("%s[%d]", at, i), e, t.Elem())
		}
	case reflect.Map:
		obj, ok := value.(map[string]any)
		if !ok {
			f[at] = mustBeObject
			return
		}
		for k, e := range obj {
			fit(f, join(at, k), e, t.Elem())
		}
	case reflect.String:
		if _, ok := value.(string); !ok {
			f[at] = mustBeString
		}
	case reflect.Bool:
		if _, ok := value.(bool); !ok {
			f[at] = mustBeBool
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fitInt(f, at, value, t)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fitUint(f, at, value, t)
	case reflect.Float32, reflect.Float64:
		n, ok := value.(json.Number)
		if !ok {
			f[at] = mustBeNumber
			return
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			f[at] = "is out of range"
		}
	case reflect.Interface:
		if t.NumMethod() > 0 {
			f[at] = notAValue // encoding/json decodes into no interface with methods
		}
	default:
		f[at] = notAValue
	}
}

// fitStruct checks an object against struct type t: each of its fields
// must be one of t's, and fit it.
func fitStruct(f fields, at string, value any, t reflect.Type) {
	obj, ok := value.(map[string]any)
	if !ok {
		f[at] = mustBeObject
		return
	}
	known := jsonFields(t)
	for key, e := range obj {
		field, ok := known.lookup(key)
		switch {
		case !ok:
			f[join(at, key)] = notAField
		case field.quoted:
			// A ",string" field: encoding/json's own decode checks it.
		default:
			fit(f, join(at, field.name), e, field.typ)
		}
	}
}

func fitInt(f fields, at string, value any, t reflect.Type) {
	n, ok := value.(json.Number)
	if !ok {
		f[at] = mustBeNumber
		return
	}
	if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
		most := int64(^uint64(0) >> (65 - t.Bits()))
		f[at] = wholeRule(err, strconv.FormatInt(-most-1, 10), strconv.FormatInt(most, 10))
	}
}

func fitUint(f fields, at string, value any, t reflect.Type) {
	n, ok := value.(json.Number)
	if !ok {
		f[at] = mustBeNumber
		return
	}
	if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
		f[at] = wholeRule(err, "0", strconv.FormatUint(^uint64(0)>>(64-t.Bits()), 10))
	}
}

// wholeRule explains why a number does not parse as a whole number of a
// type from lo to hi.
func wholeRule(err error, lo, hi string) string {
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return fmt.Sprintf("must be a whole number from %s to %s", lo, hi)
	}
	return mustBeWhole
}

// fitLeaf checks a value for a type that decodes itself
// (json.Unmarshaler, encoding.TextUnmarshaler) by decoding it into one.
func fitLeaf(f fields, at string, value any, t reflect.Type) {
	_, isString := value.(string)
	if !isString && !reflect.PointerTo(t).Implements(jsonUnmarshaler) && !t.Implements(jsonUnmarshaler) {
		f[at] = mustBeString // a TextUnmarshaler takes only strings
		return
	}
	raw, err := json.Marshal(value)
	if err == nil {
		err = json.Unmarshal(raw, reflect.New(t).Interface())
	}
	if err != nil {
		f[at] = notAValue
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// unmarshals reports whether encoding/json leaves decoding t to t itself.
func unmarshals(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		return false // the pointer is followed first
	}
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler) || t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler)
}

// isUUID reports whether s is a UUID in its 36-character form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// join is the path of field name below at.
func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

// jsonField is a field encoding/json decodes an object's member into.
type jsonField struct {
	name   string // its JSON name
	typ    reflect.Type
	quoted bool // the ",string" option
}

// structFields are a struct type's JSON fields, in field order.
type structFields []jsonField

// lookup finds the field a member named key decodes into, as
// encoding/json does: the field of that name, else the first whose name
// matches regardless of case.
func (fs structFields) lookup(key string) (jsonField, bool) {
	for _, field := range fs {
		if field.name == key {
			return field, true
		}
	}
	for _, field := range fs {
		if strings.EqualFold(field.name, key) {
			return field, true
		}
	}
	return jsonField{}, false
}

var fieldCache sync.Map // reflect.Type -> structFields

// jsonFields lists the fields of struct type t that encoding/json decodes
// into, with the fields of embedded structs promoted by its rules: of the
// fields of one name, the shallowest wins, then the one with a JSON tag,
// and a tie hides them all.
func jsonFields(t reflect.Type) structFields {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.(structFields)
	}
	type candidate struct {
		jsonField
		depth  int
		tagged bool
	}
	var all []candidate
	type level struct {
		t     reflect.Type
		depth int
	}
	queue := []level{{t, 0}}
	visited := map[reflect.Type]bool{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if visited[cur.t] {
			continue
		}
		visited[cur.t] = true
		for i := range cur.t.NumField() {
			sf := cur.t.Field(i)
			ft := sf.Type
			if sf.Anonymous && ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && !(sf.Anonymous && ft.Kind() == reflect.Struct) {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				queue = append(queue, level{ft, cur.depth + 1})
				continue
			}
			if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = sf.Name
			}
			quoted := false
			for _, opt := range strings.Split(opts, ",") {
				quoted = quoted || opt == "string"
			}
			all = append(all, candidate{jsonField{name, sf.Type, quoted}, cur.depth, tagged})
		}
	}
	var out structFields
	for i, c := range all {
		dominant, tie := true, false
		for j, o := range all {
			if i == j || o.name != c.name {
				continue
			}
			switch {
			case o.depth < c.depth, o.depth == c.depth && o.tagged && !c.tagged:
				dominant = false
			case o.depth == c.depth && o.tagged == c.tagged:
				tie = true
			}
		}
		if dominant && !tie {
			out = append(out, c.jsonField)
		}
	}
	fieldCache.Store(t, out)
	return out
}
