// Package rules holds Larder's schema, its queries and its READMEs to the
// rules a new table most often gets wrong (db/README.md, "Rules"): the
// schema as a freshly migrated database's catalog has it, the queries of
// every sqlc configuration as their SQL reads, the READMEs' tables
// against the tree. `make lint` runs it; each rule names the mistake it
// found and how to mark a deliberate exception.
package rules

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/tests/testdb"
)

// root is the repository's top directory (tests run in tests/rules).
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(dir, "go.mod"))
	return dir
}

// catalog is what the rules read of a migrated database: its tables in
// schema public.
type catalog struct {
	tables map[string]*table
}

type table struct {
	name     string
	comment  string
	columns  []tableColumn
	pk       []string
	uniques  [][]string // the columns of each unique index on columns alone, without a predicate (the primary key's too)
	indexes  [][]string // the leading columns of each index without a predicate, up to its first expression
	fks      []foreignKey
	checked  map[string]bool // columns some CHECK constraint reads
	triggers []string        // the source of the functions of its BEFORE UPDATE row triggers
	owner    string          // "owner_id" when the table has one, else the owned table it belongs to (a NOT NULL, cascading foreign key), else ""
}

type tableColumn struct {
	name, typ, comment string
	notNull, identity  bool
}

type foreignKey struct {
	name, comment, ref string
	columns            []string
	onDelete           string // PostgreSQL's code: a no action, r restrict, c cascade, n set null, d set default
}

func (t *table) column(name string) *tableColumn {
	for i := range t.columns {
		if t.columns[i].name == name {
			return &t.columns[i]
		}
	}
	return nil
}

// lintComment finds the exceptions a comment marks.
var lintComment = regexp.MustCompile(`lint:\s*([a-z-]+):`)

// exception returns the reason a catalog comment gives for an exception,
// `lint: <name>: <why>`, or "" when it gives none.
func exception(comment, name string) string {
	m := regexp.MustCompile(`lint:\s*` + regexp.QuoteMeta(name) + `:\s*([^;]*\S)`).FindStringSubmatch(comment)
	if m == nil {
		return ""
	}
	return m[1]
}

var (
	dbOnce sync.Once
	dbCat  *catalog
	dbErr  error
)

// migrated returns the catalog of a database migrated with Larder's
// migrations and then the migrations of every other schema a sqlc
// configuration names (the example application's), once per test binary.
func migrated(t *testing.T) *catalog {
	t.Helper()
	dir := root(t)
	var extra []string
	for _, c := range configs {
		for _, s := range readConfig(t, dir, c).schemas {
			if s != "db/migrations" && !slices.Contains(extra, s) {
				extra = append(extra, s)
			}
		}
	}
	dbOnce.Do(func() {
		// The database lives as long as the first test that asks; the
		// catalog read from it, as long as the test binary.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, testdb.URL(t))
		if err != nil {
			dbErr = err
			return
		}
		defer conn.Close(ctx)
		for _, s := range extra {
			for _, f := range sqlFiles(t, dir, s) {
				src, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					dbErr = err
					return
				}
				if _, err := conn.Exec(ctx, upSection(string(src))); err != nil {
					dbErr = err
					return
				}
			}
		}
		dbCat, dbErr = readCatalog(ctx, conn)
	})
	require.NoError(t, dbErr)
	require.NotNil(t, dbCat, "the catalog was not read")
	return dbCat
}

// upSection is the `-- migrate:up` section of a dbmate migration.
func upSection(src string) string {
	if i := strings.Index(src, "-- migrate:up"); i >= 0 {
		src = src[i:]
	}
	if i := strings.Index(src, "-- migrate:down"); i >= 0 {
		src = src[:i]
	}
	return src
}

// readCatalog reads the tables of schema public.
func readCatalog(ctx context.Context, conn *pgx.Conn) (*catalog, error) {
	c := &catalog{tables: map[string]*table{}}
	rows, err := conn.Query(ctx, `
		SELECT c.relname, coalesce(obj_description(c.oid, 'pg_class'), ''),
		       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity <> '',
		       coalesce(col_description(c.oid, a.attnum), '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p')
		ORDER BY c.relname, a.attnum`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, comment string
		var col tableColumn
		if err := rows.Scan(&name, &comment, &col.name, &col.typ, &col.notNull, &col.identity, &col.comment); err != nil {
			return nil, err
		}
		tb := c.tables[name]
		if tb == nil {
			tb = &table{name: name, comment: comment, checked: map[string]bool{}}
			c.tables[name] = tb
		}
		tb.columns = append(tb.columns, col)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Constraints: the columns of primary keys, CHECKs and foreign keys.
	rows, err = conn.Query(ctx, `
		SELECT t.relname, con.conname, con.contype::text, coalesce(obj_description(con.oid, 'pg_constraint'), ''),
		       array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(n, i)
		             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
		       coalesce(r.relname, ''), con.confdeltype::text
		FROM pg_constraint con
		JOIN pg_class t ON t.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
		LEFT JOIN pg_class r ON r.oid = con.confrelid
		WHERE con.contype IN ('p', 'c', 'f')
		ORDER BY t.relname, con.conname`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tname, name, kind, comment, ref, onDelete string
		var cols []string
		if err := rows.Scan(&tname, &name, &kind, &comment, &cols, &ref, &onDelete); err != nil {
			return nil, err
		}
		tb := c.tables[tname]
		if tb == nil {
			continue
		}
		switch kind {
		case "p":
			tb.pk = cols
		case "c":
			for _, col := range cols {
				tb.checked[col] = true
			}
		case "f":
			tb.fks = append(tb.fks, foreignKey{name: name, comment: comment, ref: ref, columns: cols, onDelete: onDelete})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Indexes: their columns in order, 0 for an expression.
	rows, err = conn.Query(ctx, `
		SELECT t.relname, i.indisunique, i.indpred IS NOT NULL,
		       array(SELECT coalesce(a.attname::text, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(n, o)
		             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
		FROM pg_index i
		JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tname string
		var unique, partial bool
		var cols []string
		if err := rows.Scan(&tname, &unique, &partial, &cols); err != nil {
			return nil, err
		}
		tb := c.tables[tname]
		if tb == nil || partial {
			continue
		}
		lead := cols
		if i := slices.Index(cols, ""); i >= 0 {
			lead = cols[:i]
		}
		tb.indexes = append(tb.indexes, lead)
		if unique && len(lead) == len(cols) {
			tb.uniques = append(tb.uniques, cols)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// BEFORE UPDATE row triggers, with their functions' source.
	rows, err = conn.Query(ctx, `
		SELECT t.relname, p.prosrc
		FROM pg_trigger tg
		JOIN pg_class t ON t.oid = tg.tgrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
		JOIN pg_proc p ON p.oid = tg.tgfoid
		WHERE NOT tg.tgisinternal AND tg.tgtype & 1 = 1 AND tg.tgtype & 2 = 2 AND tg.tgtype & 16 = 16`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tname, src string
		if err := rows.Scan(&tname, &src); err != nil {
			return nil, err
		}
		if tb := c.tables[tname]; tb != nil {
			tb.triggers = append(tb.triggers, src)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c.resolveOwners()
	return c, nil
}

// resolveOwners marks the owned tables: those with an owner_id, then
// those that belong to an owned table through a NOT NULL foreign key that
// cascades (a recipe's ingredients, a tag's pairs).
func (c *catalog) resolveOwners() {
	for _, tb := range c.tables {
		if tb.column("owner_id") != nil {
			tb.owner = "owner_id"
		}
	}
	for changed := true; changed; {
		changed = false
		for _, name := range c.names() {
			tb := c.tables[name]
			if tb.owner != "" {
				continue
			}
			for _, fk := range tb.fks {
				parent := c.tables[fk.ref]
				if fk.onDelete != "c" || parent == nil || parent.owner == "" || !tb.notNull(fk.columns) {
					continue
				}
				tb.owner = fk.ref
				changed = true
				break
			}
		}
	}
}

func (t *table) notNull(cols []string) bool {
	for _, name := range cols {
		if col := t.column(name); col == nil || !col.notNull {
			return false
		}
	}
	return true
}

// names are the tables' names, sorted.
func (c *catalog) names() []string {
	out := make([]string, 0, len(c.tables))
	for name := range c.tables {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// migrationHistory are the tables dbmate keeps its history in: dbmate's,
// not Larder's.
var migrationHistory = map[string]bool{"schema_migrations": true}
