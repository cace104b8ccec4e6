package rules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fixture is a small catalog: users, their items (owned, keyed by id) and
// the items' notes (owned through their item).
func fixture() *catalog {
	cols := func(names ...string) []tableColumn {
		out := make([]tableColumn, len(names))
		for i, n := range names {
			out[i] = tableColumn{name: n, typ: "uuid", notNull: true}
		}
		return out
	}
	c := &catalog{tables: map[string]*table{
		"users": {name: "users", columns: cols("id", "created_at", "updated_at"), pk: []string{"id"},
			uniques: [][]string{{"id"}}, indexes: [][]string{{"id"}}},
		"items": {name: "items", columns: cols("id", "owner_id", "name", "created_at", "updated_at"), pk: []string{"id"},
			uniques: [][]string{{"id"}, {"owner_id", "name"}}, indexes: [][]string{{"id"}, {"owner_id", "name"}},
			fks: []foreignKey{{name: "items_owner_id_fkey", ref: "users", columns: []string{"owner_id"}, onDelete: "c"}}},
		"item_notes": {name: "item_notes", columns: cols("item_id", "position", "created_at"), pk: []string{"item_id", "position"},
			uniques: [][]string{{"item_id", "position"}}, indexes: [][]string{{"item_id", "position"}},
			fks: []foreignKey{{name: "item_notes_item_id_fkey", ref: "items", columns: []string{"item_id"}, onDelete: "c"}}},
	}}
	c.resolveOwners()
	return c
}

const (
	lockedUpdate = `WITH input AS MATERIALIZED (SELECT unnest(@id::uuid[]) AS id, unnest(@name::text[]) AS name),
locked AS (SELECT items.id FROM items WHERE items.id = ANY(ARRAY(SELECT input.id FROM input)) AND items.owner_id = @owner_id ORDER BY items.id FOR UPDATE)
UPDATE items AS t SET name = i.name, updated_at = now() FROM input AS i
WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND t.id = i.id RETURNING t.*;`
	lockedDelete = `WITH locked AS (SELECT items.id FROM items WHERE items.id = ANY(@ids::uuid[]) AND items.owner_id = @owner_id ORDER BY items.id FOR UPDATE)
DELETE FROM items AS t WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) RETURNING t.*;`
	keysetList = `SELECT * FROM items WHERE owner_id = @owner_id AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id LIMIT @row_limit;`
)

// TestQueryRuleDetectors runs each query rule on queries that keep it and
// on the mistakes it is there to catch.
func TestQueryRuleDetectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule, mark, sql string
		bad                   bool
	}{
		{name: "select by owner", rule: "owner-filter", mark: "select",
			sql: `SELECT * FROM items WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;`},
		{name: "select without the owner", rule: "owner-filter", mark: "select", bad: true,
			sql: `SELECT * FROM items WHERE id = ANY(@ids::uuid[]);`},
		{name: "update by owner", rule: "owner-filter", mark: "update", sql: lockedUpdate},
		{name: "update without the owner", rule: "owner-filter", mark: "update", bad: true,
			sql: `WITH input AS MATERIALIZED (SELECT unnest(@id::uuid[]) AS id),
locked AS (SELECT items.id FROM items WHERE items.id = ANY(ARRAY(SELECT input.id FROM input)) ORDER BY items.id FOR UPDATE)
UPDATE items AS t SET updated_at = now() FROM input AS i WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND t.id = i.id RETURNING t.*;`},
		{name: "an insert writes the owner given", rule: "owner-filter", mark: "insert",
			sql: `INSERT INTO items (id, owner_id) SELECT unnest(@id::uuid[]), unnest(@owner_id::uuid[]) RETURNING *;`},
		{name: "owners by array, narg", rule: "owner-filter",
			sql: `DELETE FROM items WHERE owner_id = ANY(@owner_ids::uuid[]) OR owner_id IS NOT DISTINCT FROM sqlc.narg(owner_id)::uuid RETURNING id;`},
		{name: "a child through its parent", rule: "owner-filter", mark: "select",
			sql: `SELECT n.* FROM item_notes AS n JOIN items ON items.id = n.item_id WHERE n.item_id = ANY(@ids::uuid[]) AND items.owner_id = @owner_id;`},
		{name: "a child without its parent's owner", rule: "owner-filter", mark: "select", bad: true,
			sql: `SELECT n.* FROM item_notes AS n WHERE n.item_id = ANY(@ids::uuid[]);`},
		{name: "users are no one's", rule: "owner-filter", sql: `SELECT * FROM users WHERE id = ANY(@ids::uuid[]);`},

		{name: "update locked in key order", rule: "lock-order", mark: "update", sql: lockedUpdate},
		{name: "delete locked in key order", rule: "lock-order", mark: "delete", sql: lockedDelete},
		{name: "update with the order dropped", rule: "lock-order", mark: "update", bad: true,
			sql: `WITH input AS MATERIALIZED (SELECT unnest(@id::uuid[]) AS id),
locked AS (SELECT items.id FROM items WHERE items.id = ANY(ARRAY(SELECT input.id FROM input)) AND items.owner_id = @owner_id FOR UPDATE)
UPDATE items AS t SET updated_at = now() FROM input AS i WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND t.id = i.id RETURNING t.*;`},
		{name: "update with the lock dropped", rule: "lock-order", mark: "update", bad: true,
			sql: `WITH input AS (SELECT unnest(@id::uuid[]) AS id)
UPDATE items AS t SET updated_at = now() FROM input AS i WHERE t.id = i.id AND t.owner_id = @owner_id RETURNING t.*;`},
		{name: "update past its lock", rule: "lock-order", mark: "update", bad: true,
			sql: `WITH input AS MATERIALIZED (SELECT unnest(@id::uuid[]) AS id),
locked AS (SELECT items.id FROM items WHERE items.id = ANY(ARRAY(SELECT input.id FROM input)) AND items.owner_id = @owner_id ORDER BY items.id FOR UPDATE)
UPDATE items AS t SET updated_at = now() FROM input AS i WHERE t.id = i.id RETURNING t.*;`},
		{name: "delete past its lock", rule: "lock-order", mark: "delete", bad: true,
			sql: `WITH locked AS (SELECT items.id FROM items WHERE items.id = ANY(@ids::uuid[]) AND items.owner_id = @owner_id ORDER BY items.id FOR UPDATE)
DELETE FROM items AS t WHERE t.id = ANY(@ids::uuid[]) RETURNING t.*;`},
		{name: "delete without a lock", rule: "lock-order", mark: "delete", bad: true,
			sql: `DELETE FROM items WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id RETURNING *;`},
		{name: "locked in another order", rule: "lock-order", mark: "delete", bad: true,
			sql: `WITH locked AS (SELECT items.id FROM items WHERE items.id = ANY(@ids::uuid[]) ORDER BY items.created_at FOR UPDATE)
DELETE FROM items AS t WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) RETURNING t.*;`},
		{name: "two tables locked at once", rule: "lock-order", bad: true,
			sql: `SELECT n.* FROM item_notes AS n JOIN items ON items.id = n.item_id ORDER BY items.id FOR UPDATE;`},
		{name: "a composite key in order", rule: "lock-order", mark: "delete",
			sql: `WITH locked AS (SELECT n.item_id, n.position FROM item_notes AS n JOIN items ON items.id = n.item_id
WHERE items.owner_id = @owner_id ORDER BY n.item_id, n.position FOR UPDATE OF n)
DELETE FROM item_notes AS x USING locked WHERE x.item_id = locked.item_id AND x.position = locked.position RETURNING x.*;`},
		{name: "skip locked waits for no one", rule: "lock-order",
			sql: `SELECT id FROM items ORDER BY created_at LIMIT @row_limit FOR UPDATE SKIP LOCKED;`},

		{name: "keyset by created_at and id", rule: "keyset", mark: "list", sql: keysetList},
		{name: "keyset compared with >=", rule: "keyset", mark: "list", bad: true,
			sql: `SELECT * FROM items WHERE owner_id = @owner_id AND (created_at, id) >= (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id LIMIT @row_limit;`},
		{name: "keyset ordered without the id", rule: "keyset", mark: "list", bad: true,
			sql: `SELECT * FROM items WHERE owner_id = @owner_id AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at LIMIT @row_limit;`},
		{name: "keyset on a column that ties", rule: "keyset", mark: "list", bad: true,
			sql: `SELECT * FROM items WHERE owner_id = @owner_id AND created_at > @after_created_at::timestamptz ORDER BY created_at LIMIT @row_limit;`},
		{name: "keyset with the id first", rule: "keyset", mark: "list", bad: true,
			sql: `SELECT * FROM items WHERE (id, created_at) > (@after_id::uuid, @after_created_at::timestamptz) ORDER BY id, created_at LIMIT @row_limit;`},
		{name: "keyset by a unique pair", rule: "keyset", mark: "list",
			sql: `SELECT n.* FROM item_notes AS n JOIN items ON items.id = n.item_id WHERE items.owner_id = @owner_id
AND (n.item_id, n.position) > (@after_item_id::uuid, @after_position::int) ORDER BY n.item_id, n.position LIMIT @row_limit;`},
		{name: "keyset by an expression and the id", rule: "keyset",
			sql: `SELECT * FROM items WHERE (coalesce(name, ''), id) > (@after_name::text, @after_id::uuid) ORDER BY coalesce(name, ''), id LIMIT @row_limit;`},
		{name: "keyset descending", rule: "keyset",
			sql: `SELECT * FROM items WHERE (created_at, id) < (@after_created_at::timestamptz, @after_id::uuid) ORDER BY created_at DESC, id DESC LIMIT @row_limit;`},
		{name: "keyset descending compared with >", rule: "keyset", bad: true,
			sql: `SELECT * FROM items WHERE (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid) ORDER BY created_at DESC, id DESC LIMIT @row_limit;`},
		{name: "keyset over distinct values", rule: "keyset",
			sql: `SELECT DISTINCT items.owner_id FROM items WHERE items.owner_id > @after_owner_id::uuid ORDER BY items.owner_id LIMIT @row_limit;`},
		{name: "a list with no keyset", rule: "keyset", mark: "list", bad: true,
			sql: `SELECT * FROM items WHERE owner_id = @owner_id ORDER BY created_at, id LIMIT @row_limit OFFSET @row_offset;`},

		{name: "update bumps updated_at", rule: "updated-at", mark: "update", sql: lockedUpdate},
		{name: "update forgets updated_at", rule: "updated-at", mark: "update", bad: true,
			sql: `WITH locked AS (SELECT items.id FROM items WHERE items.id = ANY(@ids::uuid[]) ORDER BY items.id FOR UPDATE)
UPDATE items AS t SET name = 'x' FROM locked AS i WHERE t.id = i.id RETURNING t.*;`},
		{name: "update keeps the old updated_at", rule: "updated-at", mark: "batch", bad: true,
			sql: `UPDATE items SET name = u.name, updated_at = items.updated_at FROM (SELECT unnest(@id::uuid[]) AS id, unnest(@name::text[]) AS name) AS u WHERE items.id = u.id RETURNING items.id;`},
		{name: "an upsert's no-op update", rule: "updated-at", mark: "batch",
			sql: `INSERT INTO items (id, owner_id, name) SELECT unnest(@id::uuid[]), @owner_id, unnest(@name::text[]) ON CONFLICT (owner_id, name) DO UPDATE SET name = items.name RETURNING *;`},
	}
	c := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := query{file: "fixture.sql", name: "Q", mark: tt.mark, toks: tokenize(tt.sql)}
			for _, r := range queryRules {
				if r.name == tt.rule {
					got := r.check(q, c)
					require.Equal(t, tt.bad, len(got) > 0, "%v", got)
				}
			}
		})
	}
}

// TestSchemaRuleDetectors runs each schema rule on the fixture and on the
// fixture with a mistake in it.
func TestSchemaRuleDetectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule string
		plant      func(c *catalog)
		bad        bool
	}{
		{name: "the fixture keeps every rule", plant: func(*catalog) {}},
		{name: "a foreign key without an index", rule: "foreign-key-index", bad: true,
			plant: func(c *catalog) { c.tables["items"].indexes = [][]string{{"id"}, {"name", "owner_id"}} }},
		{name: "an index with the key's column second", rule: "foreign-key-index", bad: true,
			plant: func(c *catalog) { c.tables["item_notes"].indexes = [][]string{{"position", "item_id"}} }},
		{name: "a foreign key without ON DELETE", rule: "foreign-key-on-delete", bad: true,
			plant: func(c *catalog) { c.tables["item_notes"].fks[0].onDelete = "a" }},
		{name: "NO ACTION with its reason", rule: "foreign-key-on-delete",
			plant: func(c *catalog) {
				c.tables["item_notes"].fks[0].onDelete = "a"
				c.tables["item_notes"].fks[0].comment = "lint: no-action: history stays"
			}},
		{name: "a nullable owner", rule: "owner", bad: true,
			plant: func(c *catalog) { c.tables["items"].column("owner_id").notNull = false }},
		{name: "a nullable owner with its meaning", rule: "owner",
			plant: func(c *catalog) {
				c.tables["items"].column("owner_id").notNull = false
				c.tables["items"].column("owner_id").comment = "lint: nullable-owner: shared"
			}},
		{name: "no created_at", rule: "created-at", bad: true,
			plant: func(c *catalog) { c.tables["users"].columns = c.tables["users"].columns[:1] }},
		{name: "a number without a CHECK", rule: "checked-numbers", bad: true,
			plant: func(c *catalog) {
				c.tables["items"].columns = append(c.tables["items"].columns, tableColumn{name: "quantity", typ: "numeric(10,2)", notNull: true})
			}},
		{name: "a number with a CHECK", rule: "checked-numbers",
			plant: func(c *catalog) {
				c.tables["items"].columns = append(c.tables["items"].columns, tableColumn{name: "quantity", typ: "integer", notNull: true})
				c.tables["items"].checked["quantity"] = true
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture()
			for _, tb := range c.tables {
				for i := range tb.columns {
					if tb.columns[i].name == "created_at" || tb.columns[i].name == "updated_at" {
						tb.columns[i].typ = "timestamp with time zone"
					}
				}
				if tb.checked == nil {
					tb.checked = map[string]bool{}
				}
			}
			tt.plant(c)
			for _, r := range schemaRules {
				got := r.check(c, nil, &exceptions{used: map[string]bool{}})
				require.Equal(t, tt.bad && r.name == tt.rule, len(got) > 0, "%s: %v", r.name, got)
			}
		})
	}
}
