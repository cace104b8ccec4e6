package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jinzhu/inflection"
)

// options are the plugin's settings (sqlc.yaml, codegen options). Rename
// and Initialisms must be those of sqlc's Go generator, whose types the
// generated code uses: a YAML anchor can share them.
type options struct {
	Package     string              `json:"package"`      // the Go package written
	SqlcPackage string              `json:"sqlc_package"` // the import path of sqlc's Go output
	Rename      map[string]string   `json:"rename"`
	Initialisms []string            `json:"initialisms"`
	Groups      map[string][]string `json:"groups"` // Go struct name -> the columns it gathers, in order
	initialisms map[string]bool
}

func parseOptions(raw []byte) (*options, error) {
	o := &options{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, o); err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
	}
	if o.Package == "" || o.SqlcPackage == "" {
		return nil, fmt.Errorf("options: package and sqlc_package are required")
	}
	if o.Initialisms == nil {
		o.Initialisms = []string{"id"} // sqlc's default
	}
	o.initialisms = map[string]bool{}
	for _, i := range o.Initialisms {
		o.initialisms[i] = true
	}
	return o, nil
}

// goName is the Go name sqlc gives a column or table name: a rename, or
// its words title-cased, initialisms upper-cased (owner_id: OwnerID).
func (o *options) goName(name string) string {
	if r := o.Rename[name]; r != "" {
		return r
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return '_'
	}, name)
	var out strings.Builder
	for _, p := range strings.Split(name, "_") {
		if o.initialisms[p] {
			out.WriteString(strings.ToUpper(p))
		} else {
			out.WriteString(title(p))
		}
	}
	s := out.String()
	if r, _ := utf8.DecodeRuneInString(s); unicode.IsDigit(r) {
		return "_" + s
	}
	return s
}

// modelName is the name of sqlc's model struct of a table: its singular,
// as sqlc's Go generator makes it.
func (o *options) modelName(table string) string {
	return o.goName(singular(table))
}

// singular is a table name's singular, with the corrections sqlc makes to
// the inflection library it uses.
func singular(name string) string {
	switch strings.ToLower(name) {
	case "campus", "meta", "metadata":
		return name
	case "calories":
		return "calorie"
	case "waves":
		return "wave"
	}
	return inflection.Singular(name)
}

// title upper-cases a word's first letter.
func title(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lower-cases a name's first letter: a Go identifier of a
// local or an unexported function.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// goLocal is a Go type name as a local identifier: its leading capitals
// lower-cased, but for the first letter of the next word (Food: food,
// UUID: uuid, UUIDKey: uuidKey).
func goLocal(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) {
		n-- // the last capital starts the next word
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// argName is the Go name of a parameter as a local: its first word lower
// case, the others title-cased, "id" as ID (owner_id: ownerID), as sqlc
// names its arguments.
func argName(name string) string {
	var out strings.Builder
	for i, p := range strings.Split(name, "_") {
		switch {
		case i == 0:
			out.WriteString(strings.ToLower(p))
		case p == "id":
			out.WriteString("ID")
		default:
			out.WriteString(title(p))
		}
	}
	return out.String()
}
