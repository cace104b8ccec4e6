package main

import (
	"fmt"
	"strings"

	pb "github.com/sqlc-dev/plugin-sdk-go/plugin"
)

// goType is how a PostgreSQL type travels: its Go type, the package that
// type needs, and the many.Encoding of its array elements.
type goType struct {
	Name     string // uuid.UUID, or *uuid.UUID when nullable
	Import   string // github.com/google/uuid
	Encoding string // many.UUID, or many.Nullable(many.UUID)
	Enum     bool   // one of sqlc's enum types, a string type sent as text
}

// scalars are the types the plugin knows, by PostgreSQL's name, typed as
// sqlc's Go generator types them with the overrides of Larder's sqlc.yaml
// (numeric as float64, timestamps and dates as time.Time) and as pgx
// reads them.
var scalars = map[string]goType{
	"uuid":        {"uuid.UUID", "github.com/google/uuid", "many.UUID", false},
	"text":        {"string", "", "many.Text", false},
	"citext":      {"string", "", "many.Text", false},
	"varchar":     {"string", "", "many.Text", false},
	"bool":        {"bool", "", "many.Bool", false},
	"int2":        {"int16", "", "many.Int2", false},
	"int4":        {"int32", "", "many.Int4", false},
	"int8":        {"int64", "", "many.Int8", false},
	"float8":      {"float64", "", "many.Float8", false},
	"numeric":     {"float64", "", "many.Numeric", false},
	"timestamptz": {"time.Time", "time", "many.Timestamptz", false},
	"date":        {"time.Time", "time", "many.Date", false},
	"jsonb":       {"json.RawMessage", "encoding/json", "many.JSONB", false},
}

// aliases are other names PostgreSQL and sqlc give those types.
var aliases = map[string]string{
	"boolean": "bool", "smallint": "int2", "integer": "int4", "int": "int4", "bigint": "int8",
	"double precision": "float8", "character varying": "varchar", "timestamp with time zone": "timestamptz",
}

// typeOf is the goType of a PostgreSQL type name: a scalar above, or an
// enum of the schema as sqlc's Go type of it.
func (g *generator) typeOf(t *pb.Identifier) (goType, error) {
	name := strings.TrimPrefix(t.GetName(), "pg_catalog.")
	if alias, ok := aliases[name]; ok {
		name = alias
	}
	if s, ok := scalars[name]; ok {
		return s, nil
	}
	if g.enums[name] {
		return goType{Name: g.sqlcName + "." + g.opts.goName(name), Encoding: "many.Text", Enum: true}, nil
	}
	return goType{}, fmt.Errorf("type %q is not one the plugin knows", name)
}

// nullable is t's Go type for a value that may be NULL: a pointer, nil for
// NULL (a json.RawMessage is nil for NULL already).
func nullable(t goType) goType {
	if t.Name == "json.RawMessage" {
		return t
	}
	t.Name = "*" + t.Name
	t.Encoding = "many.Nullable(" + t.Encoding + ")"
	return t
}

// wire is the Go type t's encoding takes: t itself, or for an enum the
// string (or *string) beneath it.
func (t goType) wire() string {
	if !t.Enum {
		return t.Name
	}
	if strings.HasPrefix(t.Name, "*") {
		return "*string"
	}
	return "string"
}

// toWire converts expr, of type t, to t.wire().
func (t goType) toWire(expr string) string {
	if !t.Enum {
		return expr
	}
	return "(" + t.wire() + ")(" + expr + ")"
}

// compare is the function that orders values of t as PostgreSQL does, for
// keys.
func (t goType) compare() (string, error) {
	switch t.Name {
	case "uuid.UUID":
		return "many.CompareUUID", nil
	case "string":
		return "strings.Compare", nil
	case "int16", "int32", "int64":
		return "cmp.Compare[" + t.Name + "]", nil
	}
	return "", fmt.Errorf("a key of type %s has no order the plugin knows", t.Name)
}
