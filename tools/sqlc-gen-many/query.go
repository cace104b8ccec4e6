package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	pb "github.com/sqlc-dev/plugin-sdk-go/plugin"
)

// The operations a query can be marked with, and what each generates.
const (
	opInsert = "insert" // rows of an input type, given new UUIDv7 ids: many.Insert
	opUpdate = "update" // changes of an input type, keyed by their id: many.Update
	opSelect = "select" // rows by keys: many.Select
	opDelete = "delete" // rows by keys, deleted: many.Delete
	opBatch  = "batch"  // rows of an input type, in the statement's own order: many.Run
	opCopy   = "copy"   // a :copyfrom of an insert's input type: many.Copy
	opList   = "list"   // a keyset page: many.List
)

var (
	markRE = regexp.MustCompile(`^\s*many:\s*(\w+)(?:\s+(\w+))?\s*$`)
	// An unnest of a parameter, and the enum it is cast to, if it is (an
	// optional enum of a change is cast after nullif(..., '')).
	unnestRE = regexp.MustCompile(`(?:nullif\(\s*)?unnest\(\s*\$(\d+)::\w+\[\]\s*\)(?:\s*,\s*''\s*\))?(?:::(\w+))?`)
	insertRE = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)`)
)

// query is a marked query, as the generator sees it.
type query struct {
	*pb.Query
	op     string
	input  string   // the input type's name (insert, update, batch, copy; select and delete by rows)
	doc    []string // the query's comments, but the mark
	table  string   // the table it is about, for the engine's errors
	params []param  // in the order of their numbers ($1, $2...)
	result result
}

// param is a parameter of a query.
type param struct {
	number  int
	name    string // as sqlc names it: owner_id
	goName  string // OwnerID
	typ     goType
	unnest  bool   // a column of the input rows
	array   bool   // an array that is not unnested: the keys of a select or delete
	after   bool   // after_<column> of a list: part of the cursor
	limit   bool   // row_limit of a list
	optFor  string // for a set_<x> flag: x, the column or group it guards
	group   string // the group whose struct holds this column
	enumTag string // the enum an unnest casts this text column to
}

// result is what a query returns: a sqlc type, with the scan targets of
// each column.
type result struct {
	typ     string   // dbsqlc.Food, dbsqlc.UpsertTagsRow, uuid.UUID
	fields  []string // i.ID, i.OwnerID, ... or i for a single column
	targets []string // what rows.Scan takes for each: &i.ID, or (*string)(&i.Kind) for an enum
	columns []string // the columns' names
	imports []string
}

// parse reads a query's mark and parameters; ok is false for a query
// without a mark.
func (g *generator) parse(q *pb.Query) (*query, bool, error) {
	out := &query{Query: q}
	for _, c := range q.Comments {
		if m := markRE.FindStringSubmatch(c); m != nil {
			out.op, out.input = m[1], m[2]
			continue
		}
		out.doc = append(out.doc, strings.TrimSpace(c))
	}
	if out.op == "" {
		return nil, false, nil
	}
	fail := func(format string, args ...any) (*query, bool, error) {
		return nil, true, fmt.Errorf("%s (%s): %s", q.Name, q.Filename, fmt.Sprintf(format, args...))
	}
	switch out.op {
	case opInsert, opUpdate, opBatch, opCopy:
		if out.input == "" {
			return fail("many: %s needs the name of its input type", out.op)
		}
	case opSelect, opDelete, opList:
	default:
		return fail("unknown mark %q", out.op)
	}
	if (out.op == opCopy) != (q.Cmd == ":copyfrom") {
		return fail("many: copy is for :copyfrom queries, and they take it")
	}
	if q.Cmd != ":many" && q.Cmd != ":copyfrom" {
		return fail("a many-first query returns its rows (:many), not %s", q.Cmd)
	}

	unnested := map[int]string{} // number -> the type an unnest casts it to
	for _, m := range unnestRE.FindAllStringSubmatch(q.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		unnested[n] = m[2]
	}
	for _, p := range q.Params {
		c := p.Column
		t, err := g.typeOf(c.Type)
		if err != nil {
			return fail("parameter %s: %v", c.Name, err)
		}
		pr := param{number: int(p.Number), name: c.Name, goName: g.opts.goName(c.Name)}
		cast, isColumn := unnested[pr.number]
		switch {
		case isColumn && out.op != opCopy:
			pr.unnest = true
			if cast != "" && g.enums[cast] && t.Name == "string" {
				pr.enumTag = cast
				t = goType{Name: g.sqlcName + "." + g.opts.goName(cast), Encoding: "many.Text", Enum: true}
			}
		case out.op == opCopy:
			pr.unnest = true
		case c.IsArray && (out.op == opSelect || out.op == opDelete):
			pr.array = true
		case out.op == opList && strings.HasPrefix(c.Name, "after_"):
			pr.after = true
		case out.op == opList && c.Name == "row_limit":
			pr.limit = true
		}
		switch {
		case c.IsArray && !pr.unnest && !pr.array:
			t.Name, t.Encoding = "[]"+t.Name, "" // an array argument of its own, as a slice
		case !c.NotNull && !pr.array:
			t = nullable(t)
		}
		pr.typ = t
		out.params = append(out.params, pr)
	}
	slices.SortFunc(out.params, func(a, b param) int { return a.number - b.number })

	if out.op != opCopy {
		res, err := g.resultOf(q)
		if err != nil {
			return fail("%v", err)
		}
		out.result = res
	}
	out.table = tableOf(q)
	return out, true, nil
}

// tableOf is the table a query writes or reads: its INSERT's, else that
// of its first column from a table, else its name's last word.
func tableOf(q *pb.Query) string {
	if q.InsertIntoTable != nil && q.InsertIntoTable.Name != "" {
		return q.InsertIntoTable.Name
	}
	for _, c := range q.Columns {
		if c.Table != nil && c.Table.Name != "" {
			return c.Table.Name
		}
		if c.EmbedTable != nil {
			return c.EmbedTable.Name
		}
	}
	return strings.ToLower(q.Name)
}

// resultOf is the Go type sqlc gives a query's rows: the column's type for
// one column, the model of a table whose columns the rows have (in its
// order, with its types), else sqlc's <Query>Row.
func (g *generator) resultOf(q *pb.Query) (result, error) {
	if len(q.Columns) == 1 && q.Columns[0].EmbedTable == nil {
		c := q.Columns[0]
		t, err := g.typeOf(c.Type)
		if err != nil {
			return result{}, fmt.Errorf("column %s: %v", c.Name, err)
		}
		if !c.NotNull {
			t = nullable(t)
		}
		return result{typ: t.Name, fields: []string{"i"}, targets: []string{g.target("i", c.Type, c.NotNull)}, columns: []string{c.Name}, imports: []string{t.Import}}, nil
	}
	var fields, targets, columns []string
	embeds := false
	for _, c := range q.Columns {
		if c.EmbedTable == nil {
			field := "i." + g.opts.goName(c.Name)
			fields = append(fields, field)
			targets = append(targets, g.target(field, c.Type, c.NotNull))
			columns = append(columns, c.Name)
			continue
		}
		// sqlc.embed(t): a field of t's model type, holding t's columns.
		embeds = true
		t := g.table(c.EmbedTable.Name)
		if t == nil {
			return result{}, fmt.Errorf("column %s: no table %s to embed", c.Name, c.EmbedTable.Name)
		}
		model := g.opts.modelName(t.Rel.Name)
		for _, tc := range t.Columns {
			field := "i." + model + "." + g.opts.goName(tc.Name)
			fields = append(fields, field)
			targets = append(targets, g.target(field, tc.Type, tc.NotNull))
			columns = append(columns, tc.Name)
		}
	}
	name := q.Name + "Row"
	for _, t := range g.tables {
		if !embeds && sameColumns(t.Columns, q.Columns) {
			name = g.opts.modelName(t.Rel.Name)
			break
		}
	}
	return result{typ: g.sqlcName + "." + name, fields: fields, targets: targets, columns: columns}, nil
}

// target is what rows.Scan takes to read a column into field: its
// address, or for an enum that is never NULL its address as a *string.
// pgx reads sqlc's enum types through their sql.Scanner, with the text
// boxed on the way (two allocations a value); as a string, one.
func (g *generator) target(field string, t *pb.Identifier, notNull bool) string {
	if notNull && g.enums[strings.TrimPrefix(t.GetName(), "pg_catalog.")] {
		return "(*string)(&" + field + ")"
	}
	return "&" + field
}

// sameColumns reports whether a query's columns are a table's: the same
// names and types, in the same order.
func sameColumns(table, query []*pb.Column) bool {
	if len(table) != len(query) {
		return false
	}
	for i, c := range table {
		q := query[i]
		if c.Name != q.Name || c.Type.GetName() != q.Type.GetName() || c.NotNull != q.NotNull || c.IsArray != q.IsArray {
			return false
		}
	}
	return true
}

// table is the catalog's table of that name, or nil.
func (g *generator) table(name string) *pb.Table {
	for _, t := range g.tables {
		if t.Rel.Name == name {
			return t
		}
	}
	return nil
}

// columns are the params that are columns of the input rows.
func (q *query) columns() []param {
	var out []param
	for _, p := range q.params {
		if p.unnest {
			out = append(out, p)
		}
	}
	return out
}

// scalars are the params a generated function takes as its own arguments.
func (q *query) scalars() []param {
	var out []param
	for _, p := range q.params {
		if !p.unnest && !p.array && !p.after && !p.limit {
			out = append(out, p)
		}
	}
	return out
}

// keys is the array param of a select or delete by keys.
func (q *query) keys() (param, bool) {
	for _, p := range q.params {
		if p.array {
			return p, true
		}
	}
	return param{}, false
}

// destTargets are the targets as a function of a row's address (i *T)
// gives them: &i.ID as it is, and for a single column i, not &i.
func (r result) destTargets() []string {
	if len(r.fields) == 1 && r.fields[0] == "i" {
		return []string{strings.Replace(r.targets[0], "&i", "i", 1)}
	}
	return r.targets
}

// column is the index of a result column, or -1.
func (r result) column(name string) int { return slices.Index(r.columns, name) }
