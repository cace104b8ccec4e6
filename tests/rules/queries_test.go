package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A queryRule checks one query against the catalog and says what breaks
// it; exception is the `-- lint: <exception>: <why>` line that marks a
// deliberate one.
type queryRule struct {
	name, exception string
	check           func(q query, c *catalog) []string
}

var queryRules = []queryRule{
	{"owner-filter", "cross-owner", ownerFiltered},
	{"lock-order", "no-lock-order", locksInKeyOrder},
	{"keyset", "no-keyset-order", keysetOrdered},
	{"updated-at", "no-updated-at", bumpsUpdatedAt},
}

// TestQueryRules checks every query of every sqlc configuration (the query
// files its sql entries name: Larder's, the job queue's, the example
// application's) against the rules of db/README.md, "Rules".
func TestQueryRules(t *testing.T) {
	t.Parallel()
	c := migrated(t)
	qs := loadQueries(t, root(t))
	for _, r := range queryRules {
		t.Run(r.name, func(t *testing.T) {
			for _, v := range checkQueries(r, qs, c) {
				t.Errorf("rule %s: %s", r.name, v)
			}
		})
	}
	t.Run("exceptions", func(t *testing.T) {
		for _, v := range staleQueryExceptions(qs, c) {
			t.Errorf("rule exceptions: %s", v)
		}
	})
}

// checkQueries runs a rule over the queries, leaving out those that mark
// its exception.
func checkQueries(r queryRule, qs []query, c *catalog) []string {
	var out []string
	for _, q := range qs {
		if q.exceptions[r.exception] != "" {
			continue
		}
		for _, v := range r.check(q, c) {
			out = append(out, fmt.Sprintf("%s %s; or mark it `-- lint: %s: <why>`", q, v, r.exception))
		}
	}
	return out
}

// staleQueryExceptions lists exceptions that no rule needs, or that no
// rule knows.
func staleQueryExceptions(qs []query, c *catalog) []string {
	var out []string
	for _, q := range qs {
		for name := range q.exceptions {
			i := slices.IndexFunc(queryRules, func(r queryRule) bool { return r.exception == name })
			switch {
			case i < 0:
				known := make([]string, len(queryRules))
				for i, r := range queryRules {
					known[i] = r.exception
				}
				out = append(out, fmt.Sprintf("%s: unknown exception `-- lint: %s:` (known: %s)", q, name, strings.Join(known, ", ")))
			case len(queryRules[i].check(q, c)) == 0:
				out = append(out, fmt.Sprintf("%s: exception `-- lint: %s:` is not needed: remove it", q, name))
			}
		}
	}
	return out
}

// ownerFilter is a comparison of an owner_id with a parameter (= @owner_id,
// = ANY(@owner_ids), IS NOT DISTINCT FROM @owner_id), or the shared rows'
// owner_id IS NULL.
var ownerFilter = regexp.MustCompile(`(?i)\bowner_id (= (any \( )?@\w+|is not distinct from @\w+|is null)|@\w+ (:: \w+ )?= (\w+ \. )?owner_id\b`)

// ownerFiltered: a query that reads, changes or deletes rows of an owned
// table (one with owner_id, or one that belongs to such a table) compares
// an owner_id with the acting owner. An insert writes the owner each row
// gives, so a query that only inserts is not held to it.
func ownerFiltered(q query, c *catalog) []string {
	var owned []string
	for _, r := range tables(q.toks) {
		if tb := c.tables[r.table]; tb != nil && tb.owner != "" && r.how != "into" && !slices.Contains(owned, r.table) {
			owned = append(owned, r.table)
		}
	}
	if len(owned) == 0 || ownerFilter.MatchString(spaced(q.toks)) {
		return nil
	}
	return []string{fmt.Sprintf("touches %s (owned) without a filter by owner: another user's ids reach their rows; "+
		"add `owner_id = @owner_id` (through the owning table's join where the table has no owner_id)", strings.Join(owned, ", "))}
}

// spaced joins tokens with one space between each.
func spaced(toks []token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.text
	}
	return strings.Join(parts, " ")
}

// locksInKeyOrder: a row lock (FOR UPDATE, FOR SHARE, ...) that waits
// takes the rows in the order of their table's primary key, ORDER BY its
// columns right before it; and a many-first update or delete locks the
// rows it writes that way before writing them, in a CTE whose rows the
// write reads (WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked))).
// Two batches over overlapping rows then lock them in one order and
// cannot deadlock; an UPDATE or DELETE alone locks in whatever order its
// plan reads, and one that reads past the CTE writes rows it neither
// locked nor checked.
func locksInKeyOrder(q query, c *catalog) []string {
	toks := q.toks
	refs := tables(toks)
	var out []string
	locked := map[string][]string{} // table -> the CTEs that lock its rows ("" for none)
	for i, t := range toks {
		if !t.is("for") {
			continue
		}
		j := i + 1
		for at(toks, j).is("no") || at(toks, j).is("key") {
			j++
		}
		if !at(toks, j).is("update") && !at(toks, j).is("share") {
			continue
		}
		j++
		var of []string
		if at(toks, j).is("of") {
			for j++; at(toks, j).kind == word; j += 2 {
				of = append(of, strings.ToLower(at(toks, j).text))
				if at(toks, j+1).text != "," {
					j++
					break
				}
			}
		}
		waits := !(at(toks, j).is("skip") || at(toks, j).is("nowait"))
		start := selectStart(toks, i)
		from := refsOf(refs, start, i, t.depth)
		var targets []tableRef
		for _, r := range from {
			if of == nil || slices.Contains(of, r.alias) {
				if tb := c.tables[r.table]; tb != nil {
					targets = append(targets, r)
				}
			}
		}
		if !waits { // SKIP LOCKED and NOWAIT never wait, so never deadlock
			for _, r := range targets {
				locked[r.table] = append(locked[r.table], cteAround(toks, start))
			}
			continue
		}
		if len(targets) != 1 {
			var names []string
			for _, r := range targets {
				names = append(names, r.table)
			}
			out = append(out, fmt.Sprintf("locks rows of %s at once, in no one order: name the table to lock, FOR UPDATE OF t, and ORDER BY its key",
				strings.Join(names, ", ")))
			continue
		}
		target := targets[0]
		pk := c.tables[target.table].pk
		items, _ := orderBy(toks, start, i, t.depth)
		locked[target.table] = append(locked[target.table], cteAround(toks, start)) // reported here if out of order
		if inKeyOrder(items, from, c, target.table, pk) {
			continue
		}
		got := "no ORDER BY"
		if items != nil {
			got = "ORDER BY " + strings.Trim(describe(items), "()")
		}
		out = append(out, fmt.Sprintf("locks %s rows with %s: lock them in key order, ORDER BY %s.%s FOR UPDATE, "+
			"or two batches over the same rows can deadlock", target.table, got, target.alias, strings.Join(pk, ", "+target.alias+".")))
	}
	if q.mark != "update" && q.mark != "delete" {
		return out
	}
	for _, r := range refs {
		if (r.how != "update" && r.how != "delete") || c.tables[r.table] == nil {
			continue
		}
		ctes, ok := locked[r.table]
		if !ok {
			out = append(out, fmt.Sprintf("%ss %s rows without locking them in key order first: "+
				"WITH locked AS (SELECT ... ORDER BY %s FOR UPDATE), or two batches over the same rows can deadlock",
				r.how, r.table, strings.Join(c.tables[r.table].pk, ", ")))
			continue
		}
		reads := slices.ContainsFunc(refs, func(after tableRef) bool {
			return after.pos > r.pos && slices.Contains(ctes, after.table)
		})
		if !reads {
			out = append(out, fmt.Sprintf("%ss %s rows that its lock does not hold: write only the locked rows, "+
				"WHERE %s.%s = ANY(ARRAY(SELECT locked.%s FROM locked)), or it writes rows it neither locked nor checked",
				r.how, r.table, r.alias, c.tables[r.table].pk[0], c.tables[r.table].pk[0]))
		}
	}
	return out
}

// cteAround returns the name of the CTE whose body starts at toks[start]
// (WITH name AS [NOT] [MATERIALIZED] (body)), or "" when it is not one.
func cteAround(toks []token, start int) string {
	j := start - 1
	if at(toks, j).text != "(" {
		return ""
	}
	for j--; at(toks, j).is("materialized") || at(toks, j).is("not"); j-- {
	}
	if !at(toks, j).is("as") || at(toks, j-1).kind != word {
		return ""
	}
	return strings.ToLower(at(toks, j-1).text)
}

// inKeyOrder says whether ORDER BY items are the key columns of table, in
// order.
func inKeyOrder(items [][]token, from []tableRef, c *catalog, table string, key []string) bool {
	if len(key) == 0 || len(items) != len(key) {
		return false
	}
	for k, item := range items {
		if tb, col := column(item, from, c); tb != table || col != key[k] {
			return false
		}
	}
	return true
}

// keysetOrdered: a keyset page, a row comparison with @after_ parameters
// (every many-first list has one), compares strictly (> or <: with >= the
// last row of a page comes again at the top of the next), orders by
// exactly the columns it compares, in that direction, and those end in a
// unique key of the table, the id last (without the tiebreak, rows that
// tie on the first column are skipped or repeated between pages).
func keysetOrdered(q query, c *catalog) []string {
	toks := q.toks
	refs := tables(toks)
	var out []string
	found := false
	for i, t := range toks {
		if t.kind != operator || !slices.Contains([]string{">", ">=", "<", "<="}, t.text) {
			continue
		}
		right := operand(toks, i+1, +1)
		if !slices.ContainsFunc(right, func(t token) bool { return t.kind == param && strings.HasPrefix(t.text, "@after_") }) {
			continue
		}
		found = true
		left := items(operand(toks, i-1, -1))
		if t.text == ">=" || t.text == "<=" {
			out = append(out, fmt.Sprintf("compares its cursor with %s: the last row of a page comes again on the next; compare strictly, %s",
				t.text, t.text[:1]))
		}
		start := selectStart(toks, i)
		end := clauseEnd(toks, i, t.depth, "union", "except", "intersect")
		order, desc := orderBy(toks, start, end, t.depth)
		if describe(order) != describe(left) {
			out = append(out, fmt.Sprintf("pages by %s but orders by %s: ORDER BY the compared columns, in their order",
				describe(left), describe(order)))
			continue
		}
		if slices.Contains(desc, t.text[0] == '>') {
			out = append(out, fmt.Sprintf("compares %s %s but orders by them in another direction: ascending pages compare >, descending <",
				describe(left), t.text))
		}
		from := refsOf(refs, start, end, t.depth)
		if len(from) == 0 || distinctOn(toks, start, t.depth, order) {
			continue
		}
		main := c.tables[from[0].table]
		if main == nil {
			continue
		}
		if !endsInUniqueKey(order, from, c, main) {
			out = append(out, fmt.Sprintf("orders by %s, which does not end in a unique key of %s: rows that tie are skipped or repeated "+
				"between pages; order and compare by the id last, (created_at, id) > (@after_created_at, @after_id)",
				describe(order), main.name))
		}
	}
	if q.mark == "list" && !found {
		out = append(out, "is a list without a keyset comparison (... > (@after_x, @after_id))")
	}
	return out
}

// operand returns the tokens of one side of a comparison, starting next to
// it at i and going in direction dir: a parenthesised list or call, or the
// tokens up to the AND, OR, WHERE or clause that bounds it.
func operand(toks []token, i, dir int) []token {
	t := at(toks, i)
	if dir > 0 {
		if t.text == "(" {
			return toks[i : closing(toks, i)+1]
		}
		end := clauseEnd(toks, i, t.depth, "and", "or", "order", "limit", "group", "returning")
		return toks[i:end]
	}
	if t.text == ")" {
		o := opening(toks, i)
		if at(toks, o-1).kind == word && !notAlias[strings.ToLower(at(toks, o-1).text)] &&
			!at(toks, o-1).is("and") && !at(toks, o-1).is("or") { // a call: coalesce(...)
			return toks[o-1 : i+1]
		}
		return toks[o : i+1]
	}
	j := i
	for j >= 0 && toks[j].depth == t.depth && !toks[j].is("and") && !toks[j].is("or") && !toks[j].is("where") {
		j--
	}
	return toks[j+1 : i+1]
}

// items splits a parenthesised list into its items; anything else is one
// item.
func items(toks []token) [][]token {
	if len(toks) > 1 && toks[0].text == "(" && closing(toks, 0) == len(toks)-1 {
		return split(toks[1:len(toks)-1], toks[0].depth+1)
	}
	return [][]token{toks}
}

// distinctOn says whether the select at start is SELECT DISTINCT of
// exactly the ordered columns: its rows are unique on them.
func distinctOn(toks []token, start, d int, order [][]token) bool {
	if !at(toks, start+1).is("distinct") {
		return false
	}
	end := clauseEnd(toks, start+2, d, "from")
	return describe(split(toks[start+2:end], d)) == describe(order)
}

// endsInUniqueKey says whether the ordered columns of table main include a
// unique key of it (its primary key, or a unique index on columns), and
// the last of them is one of that key's columns.
func endsInUniqueKey(order [][]token, from []tableRef, c *catalog, main *table) bool {
	var cols []string
	for _, item := range order {
		if tb, col := column(item, from, c); tb == main.name {
			cols = append(cols, col)
		}
	}
	if len(cols) == 0 {
		return false
	}
	lastTable, last := column(order[len(order)-1], from, c)
	if lastTable != main.name {
		return false
	}
	for _, key := range main.uniques {
		if slices.Contains(key, last) && !slices.ContainsFunc(key, func(k string) bool { return !slices.Contains(cols, k) }) {
			return true
		}
	}
	return false
}

// bumpsUpdatedAt: a many-first update (an update mark, or a batch that
// updates) sets updated_at to the time of the change on every table it
// updates that has one, unless a BEFORE UPDATE trigger keeps it.
func bumpsUpdatedAt(q query, c *catalog) []string {
	if q.mark != "update" && q.mark != "batch" {
		return nil
	}
	toks := q.toks
	var out []string
	for _, r := range tables(toks) {
		tb := c.tables[r.table]
		if r.how != "update" || tb == nil || tb.column("updated_at") == nil ||
			slices.ContainsFunc(tb.triggers, func(src string) bool { return strings.Contains(src, "updated_at") }) {
			continue
		}
		if !setsNow(toks, r, "updated_at") {
			out = append(out, fmt.Sprintf("updates %s without setting updated_at: a change leaves no trace of when; add updated_at = now() to its SET",
				r.table))
		}
	}
	return out
}

// clock are the functions that give the time of a change.
var clock = []string{"now()", "clock_timestamp()", "statement_timestamp()", "transaction_timestamp()", "current_timestamp"}

// setsNow says whether the UPDATE at r sets col to the time.
func setsNow(toks []token, r tableRef, col string) bool {
	i := r.pos
	for i < len(toks) && !(toks[i].is("set") && toks[i].depth == r.depth) {
		i++
	}
	end := clauseEnd(toks, i+1, r.depth, "from", "where", "returning")
	for _, item := range split(toks[min(i+1, end):end], r.depth) {
		if len(item) > 0 && item[0].is(r.alias) && at(item, 1).text == "." {
			item = item[2:]
		}
		if len(item) > 2 && item[0].is(col) && item[1].text == "=" && slices.Contains(clock, text(item[2:])) {
			return true
		}
	}
	return false
}
