package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A schemaRule checks the migrated schema (and, for which tables change,
// the queries) and says what breaks it. Each violation says how to fix
// it, and which `lint:` comment marks it deliberate.
type schemaRule struct {
	name, exception string
	check           func(c *catalog, qs []query, ex *exceptions) []string
}

// exceptions are the `lint: <name>: <why>` exceptions of catalog comments
// and queries, and which of them a rule used.
type exceptions struct {
	used map[string]bool // "<where>|<name>"
}

// excused says whether comment (of the object where) marks the exception
// name, and records that it was used.
func (e *exceptions) excused(where, comment, name string) bool {
	if exception(comment, name) == "" {
		return false
	}
	e.used[where+"|"+name] = true
	return true
}

var schemaRules = []schemaRule{
	{"foreign-key-index", "no-index", foreignKeysIndexed},
	{"foreign-key-on-delete", "no-action", foreignKeysOnDelete},
	{"owner", "nullable-owner", ownersNotNull},
	{"created-at", "no-created-at", createdAt},
	{"updated-at", "no-updated-at", updatedAtOnChangingTables},
	{"checked-numbers", "unchecked", numbersChecked},
}

// TestSchemaRules checks the schema of a freshly migrated database (Larder's
// migrations, then every other schema a sqlc configuration names) against
// the rules of db/README.md, "Rules".
func TestSchemaRules(t *testing.T) {
	t.Parallel()
	c := migrated(t)
	qs := loadQueries(t, root(t))
	ex := &exceptions{used: map[string]bool{}}
	for _, r := range schemaRules {
		t.Run(r.name, func(t *testing.T) {
			for _, v := range r.check(c, qs, ex) {
				t.Errorf("rule %s: %s", r.name, v)
			}
		})
	}
	t.Run("exceptions", func(t *testing.T) {
		for _, v := range staleSchemaExceptions(c, ex) {
			t.Errorf("rule exceptions: %s", v)
		}
	})
}

// foreignKeysIndexed: every foreign key has an index that leads with its
// columns. Without one, deleting (or changing the key of) a referenced row
// scans the whole referencing table, under lock, once per row.
func foreignKeysIndexed(c *catalog, _ []query, ex *exceptions) []string {
	var out []string
	for _, name := range c.names() {
		tb := c.tables[name]
		for _, fk := range tb.fks {
			if slices.ContainsFunc(tb.indexes, func(ix []string) bool { return leadsWith(ix, fk.columns) }) ||
				ex.excused("constraint "+fk.name, fk.comment, "no-index") {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s (%s) has no index that leads with its columns: "+
				"a delete from %s scans %s for each row; add CREATE INDEX ON %s (%s), "+
				"or COMMENT ON CONSTRAINT %s ON %s IS 'lint: no-index: <why>'",
				name, fk.name, strings.Join(fk.columns, ", "), fk.ref, name, name, strings.Join(fk.columns, ", "), fk.name, name))
		}
	}
	return out
}

// leadsWith says whether an index's leading columns are cols, in any order.
func leadsWith(index, cols []string) bool {
	if len(index) < len(cols) {
		return false
	}
	for _, col := range cols {
		if !slices.Contains(index[:len(cols)], col) {
			return false
		}
	}
	return true
}

// foreignKeysOnDelete: every foreign key says what deleting the row it
// refers to does. The catalog cannot tell `ON DELETE NO ACTION` written
// out from nothing written, so NO ACTION needs its reason in a comment.
func foreignKeysOnDelete(c *catalog, _ []query, ex *exceptions) []string {
	var out []string
	for _, name := range c.names() {
		for _, fk := range c.tables[name].fks {
			if fk.onDelete != "a" || ex.excused("constraint "+fk.name, fk.comment, "no-action") {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s (%s) has no ON DELETE: deleting a %s row it refers to fails; "+
				"say ON DELETE CASCADE, SET NULL or RESTRICT, or, for NO ACTION (deferrable), "+
				"COMMENT ON CONSTRAINT %s ON %s IS 'lint: no-action: <why>'",
				name, fk.name, strings.Join(fk.columns, ", "), fk.ref, fk.name, name))
		}
	}
	return out
}

// ownersNotNull: a table's owner_id is a NOT NULL foreign key, unless its
// comment says why a row may have no owner (foods: the shared catalog).
func ownersNotNull(c *catalog, _ []query, ex *exceptions) []string {
	var out []string
	for _, name := range c.names() {
		tb := c.tables[name]
		col := tb.column("owner_id")
		if col == nil {
			continue
		}
		if !col.notNull && !ex.excused("column "+name+".owner_id", col.comment, "nullable-owner") {
			out = append(out, fmt.Sprintf("%s.owner_id is nullable: a row without an owner is no user's and every user's; "+
				"make it NOT NULL, or COMMENT ON COLUMN %s.owner_id IS 'lint: nullable-owner: <what a NULL owner means>'", name, name))
		}
		if !slices.ContainsFunc(tb.fks, func(fk foreignKey) bool { return slices.Equal(fk.columns, []string{"owner_id"}) }) {
			out = append(out, fmt.Sprintf("%s.owner_id is not a foreign key: REFERENCES users (id) ON DELETE CASCADE", name))
		}
	}
	return out
}

// createdAt: every table has created_at timestamptz NOT NULL DEFAULT
// now(): the order keyset lists page in, and what support asks first.
func createdAt(c *catalog, _ []query, ex *exceptions) []string {
	var out []string
	for _, name := range c.names() {
		tb := c.tables[name]
		if migrationHistory[name] || ex.excused("table "+name, tb.comment, "no-created-at") {
			continue
		}
		if col := tb.column("created_at"); col == nil || col.typ != "timestamp with time zone" || !col.notNull {
			out = append(out, fmt.Sprintf("%s has no created_at timestamptz NOT NULL DEFAULT now(), "+
				"or COMMENT ON TABLE %s IS 'lint: no-created-at: <why>'", name, name))
		}
	}
	return out
}

// updatedAtOnChangingTables: a table that a query updates has updated_at
// timestamptz NOT NULL; the query rule updated-at holds every many-first
// update to setting it (or a BEFORE UPDATE trigger does).
func updatedAtOnChangingTables(c *catalog, qs []query, ex *exceptions) []string {
	updatedBy := map[string]string{}
	for _, q := range qs {
		for _, r := range tables(q.toks) {
			if r.how == "update" && updatedBy[r.table] == "" {
				updatedBy[r.table] = q.String()
			}
		}
	}
	var out []string
	for _, name := range c.names() {
		tb := c.tables[name]
		if updatedBy[name] == "" || ex.excused("table "+name, tb.comment, "no-updated-at") {
			continue
		}
		if col := tb.column("updated_at"); col == nil || col.typ != "timestamp with time zone" || !col.notNull {
			out = append(out, fmt.Sprintf("%s changes (%s) but has no updated_at timestamptz NOT NULL DEFAULT now(), "+
				"or COMMENT ON TABLE %s IS 'lint: no-updated-at: <why>'", name, updatedBy[name], name))
		}
	}
	return out
}

// numbersChecked: every number column that is not a key has a CHECK
// constraint that bounds it (a quantity > 0, a percentage <= 100): a
// validation that lives only in Go is skipped by the next caller.
func numbersChecked(c *catalog, _ []query, ex *exceptions) []string {
	var out []string
	for _, name := range c.names() {
		tb := c.tables[name]
		keys := map[string]bool{}
		for _, col := range tb.pk {
			keys[col] = true
		}
		for _, fk := range tb.fks {
			for _, col := range fk.columns {
				keys[col] = true
			}
		}
		for _, col := range tb.columns {
			if !isNumber(col.typ) || keys[col.name] || col.identity || tb.checked[col.name] ||
				ex.excused("column "+name+"."+col.name, col.comment, "unchecked") {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s (%s) has no CHECK: bound it (CHECK (%s > 0 AND %s <= ...)), "+
				"or COMMENT ON COLUMN %s.%s IS 'lint: unchecked: <why any value is right>'",
				name, col.name, col.typ, col.name, col.name, name, col.name))
		}
	}
	return out
}

func isNumber(typ string) bool {
	for _, p := range []string{"numeric", "integer", "smallint", "bigint", "real", "double precision"} {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// staleSchemaExceptions lists comments that mark an exception no rule
// needed, or one no rule knows: an exception outlives its reason quietly.
func staleSchemaExceptions(c *catalog, ex *exceptions) []string {
	var known []string
	for _, r := range schemaRules {
		known = append(known, r.exception)
	}
	var out []string
	check := func(where, comment string) {
		for _, m := range lintComment.FindAllStringSubmatch(comment, -1) {
			switch {
			case !slices.Contains(known, m[1]):
				out = append(out, fmt.Sprintf("%s: unknown exception lint: %s (known: %s)", where, m[1], strings.Join(known, ", ")))
			case !ex.used[where+"|"+m[1]]:
				out = append(out, fmt.Sprintf("%s: exception lint: %s is not needed: remove the comment", where, m[1]))
			}
		}
	}
	for _, name := range c.names() {
		tb := c.tables[name]
		check("table "+name, tb.comment)
		for _, col := range tb.columns {
			check("column "+name+"."+col.name, col.comment)
		}
		for _, fk := range tb.fks {
			check("constraint "+fk.name, fk.comment)
		}
	}
	return out
}
