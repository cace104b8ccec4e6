package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// query is one query of a sqlc query file, as the rules read it.
type query struct {
	file       string            // the file, relative to the repository
	name       string            // InsertPantryItems
	mark       string            // what its `-- many:` line says it does (insert, update, ...), "" for none
	exceptions map[string]string // its `-- lint: <exception>: <why>` lines
	toks       []token           // its SQL, comments left out
}

func (q query) String() string { return q.file + ": " + q.name }

var (
	nameLine      = regexp.MustCompile(`(?m)^-- name: (\w+) :\w+\s*$`)
	markLine      = regexp.MustCompile(`(?m)^-- many: (\w+)`)
	exceptionLine = regexp.MustCompile(`(?m)^--\s*lint:\s*([a-z-]+):\s*(\S.*)$`)
)

// parseQueries splits a sqlc query file into its queries.
func parseQueries(file, src string) []query {
	var out []query
	heads := nameLine.FindAllStringSubmatchIndex(src, -1)
	for i, h := range heads {
		end := len(src)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		text := src[h[1]:end]
		q := query{file: file, name: src[h[2]:h[3]], exceptions: map[string]string{}, toks: tokenize(text)}
		if m := markLine.FindStringSubmatch(text); m != nil {
			q.mark = m[1]
		}
		for _, m := range exceptionLine.FindAllStringSubmatch(text, -1) {
			q.exceptions[m[1]] = m[2]
		}
		out = append(out, q)
	}
	return out
}

// sqlcConfig is what the rules need of a sqlc.yaml: for each of its sql
// entries, the schema (migrations) and the query files, relative to the
// repository.
type sqlcConfig struct {
	path    string
	schemas []string
	queries []string
}

var configKey = regexp.MustCompile(`^\s*(?:-\s+)?(schema|queries):\s*(.+?)\s*$`)

// readConfig reads the schema and queries entries of a sqlc.yaml (a path
// or a [list] of paths each, relative to the file).
func readConfig(t *testing.T, root, path string) sqlcConfig {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, path))
	require.NoError(t, err)
	c := sqlcConfig{path: path}
	dir := filepath.Dir(path)
	for line := range strings.SplitSeq(string(src), "\n") {
		m := configKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for p := range strings.SplitSeq(strings.Trim(m[2], "[]"), ",") {
			p = filepath.Join(dir, strings.Trim(strings.TrimSpace(p), `"'`))
			if m[1] == "schema" {
				c.schemas = append(c.schemas, p)
			} else {
				c.queries = append(c.queries, p)
			}
		}
	}
	require.NotEmpty(t, c.queries, "%s: no queries entry", path)
	return c
}

// sqlFiles lists the .sql files a schema or queries entry names: a file,
// or every .sql file of a directory.
func sqlFiles(t *testing.T, root, path string) []string {
	t.Helper()
	info, err := os.Stat(filepath.Join(root, path))
	require.NoError(t, err)
	if !info.IsDir() {
		return []string{path}
	}
	files, err := filepath.Glob(filepath.Join(root, path, "*.sql"))
	require.NoError(t, err)
	for i, f := range files {
		files[i], _ = filepath.Rel(root, f)
	}
	slices.Sort(files)
	return files
}

// configs are the sqlc configurations whose queries the rules read:
// Larder's and the example application's.
var configs = []string{"sqlc.yaml", "examples/shop/sqlc.yaml"}

// loadQueries reads every query of every configuration.
func loadQueries(t *testing.T, root string) []query {
	t.Helper()
	var out []query
	for _, c := range configs {
		for _, entry := range readConfig(t, root, c).queries {
			for _, f := range sqlFiles(t, root, entry) {
				src, err := os.ReadFile(filepath.Join(root, f))
				require.NoError(t, err)
				qs := parseQueries(f, string(src))
				require.NotEmpty(t, qs, "%s has no queries", f)
				out = append(out, qs...)
			}
		}
	}
	return out
}

// token is one lexical token of a query: a word (keyword or identifier,
// quotes removed), a parameter (@name, also sqlc.arg(name) and
// sqlc.narg(name)), a literal or an operator, at its parenthesis depth.
type token struct {
	text  string
	kind  tokenKind
	depth int // parentheses open around it; a parenthesis is at the depth outside it
}

type tokenKind int

const (
	word tokenKind = iota
	param
	literal
	operator
)

var (
	sqlcParam = regexp.MustCompile(`sqlc\.n?arg\(\s*'?(\w+)'?\s*\)`)
	sqlcEmbed = regexp.MustCompile(`sqlc\.embed\(\s*(\w+)\s*\)`)
)

// tokenize splits SQL into tokens, leaving out comments.
func tokenize(sql string) []token {
	sql = sqlcParam.ReplaceAllString(sql, "@$1")
	sql = sqlcEmbed.ReplaceAllString(sql, "$1.*")
	var out []token
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				i = len(sql)
			} else {
				i += end + 4
			}
		case c == '\'':
			j := i + 1
			for j < len(sql) {
				if sql[j] == '\'' {
					if j+1 < len(sql) && sql[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			out = append(out, token{sql[i:min(j+1, len(sql))], literal, depth})
			i = j + 1
		case c == '"':
			j := strings.IndexByte(sql[i+1:], '"')
			if j < 0 {
				j = len(sql) - i - 1
			}
			out = append(out, token{sql[i+1 : i+1+j], word, depth})
			i += j + 2
		case c == '@' && i+1 < len(sql) && isWordByte(sql[i+1]):
			j := i + 1
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			out = append(out, token{sql[i:j], param, depth})
			i = j
		case isWordByte(c):
			j := i
			for j < len(sql) && (isWordByte(sql[j]) || sql[j] == '$') {
				j++
			}
			kind := word
			if c >= '0' && c <= '9' {
				kind = literal
			}
			out = append(out, token{sql[i:j], kind, depth})
			i = j
		case c == '(':
			out = append(out, token{"(", operator, depth})
			depth++
			i++
		case c == ')':
			depth--
			out = append(out, token{")", operator, depth})
			i++
		default:
			op := string(c)
			for _, long := range []string{"->>", "::", ">=", "<=", "<>", "!=", "||", "->"} {
				if strings.HasPrefix(sql[i:], long) {
					op = long
					break
				}
			}
			out = append(out, token{op, operator, depth})
			i += len(op)
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// is says whether the token is the keyword or operator kw (any case).
func (t token) is(kw string) bool { return t.kind != literal && strings.EqualFold(t.text, kw) }

// at returns the i-th token, or a zero token past either end.
func at(toks []token, i int) token {
	if i < 0 || i >= len(toks) {
		return token{depth: -1}
	}
	return toks[i]
}

// text joins tokens as one normalised expression: lower case, no spaces.
func text(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.kind == literal {
			b.WriteString(t.text)
		} else {
			b.WriteString(strings.ToLower(t.text))
		}
	}
	return b.String()
}

// closing returns the index of the parenthesis that closes the one at i.
func closing(toks []token, i int) int {
	for j := i + 1; j < len(toks); j++ {
		if toks[j].text == ")" && toks[j].depth == toks[i].depth {
			return j
		}
	}
	return len(toks) - 1
}

// opening returns the index of the parenthesis that the one at i closes.
func opening(toks []token, i int) int {
	for j := i - 1; j >= 0; j-- {
		if toks[j].text == "(" && toks[j].depth == toks[i].depth {
			return j
		}
	}
	return 0
}

// split splits toks at the commas of depth d.
func split(toks []token, d int) [][]token {
	var out [][]token
	start := 0
	for i, t := range toks {
		if t.text == "," && t.depth == d {
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

// A tableRef is a table a query names: how (from, join, using: read;
// update, delete: written; into: inserted into), as what alias, and
// where.
type tableRef struct {
	table, alias, how string
	depth, pos        int
}

// notAlias are the words that may follow a table's name without being its
// alias.
var notAlias = map[string]bool{
	"where": true, "join": true, "inner": true, "left": true, "right": true, "full": true, "cross": true,
	"natural": true, "on": true, "using": true, "set": true, "group": true, "order": true, "limit": true,
	"offset": true, "returning": true, "for": true, "union": true, "except": true, "intersect": true,
	"select": true, "values": true, "default": true, "having": true, "window": true, "lateral": true,
	"as": true, "do": true, "from": true,
}

// tables lists the tables (and CTEs) a query names in FROM, JOIN, USING,
// UPDATE, DELETE FROM and INSERT INTO.
func tables(toks []token) []tableRef {
	var out []tableRef
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var how string
		switch {
		case t.is("from") && at(toks, i-1).is("delete"):
			how = "delete"
		case t.is("from") && !at(toks, i-1).is("distinct"):
			how = "from"
		case t.is("join"):
			how = "join"
		case t.is("using"):
			how = "using"
		case t.is("into"):
			how = "into"
		case t.is("update") && !at(toks, i-1).is("do") && !at(toks, i-1).is("for") && !at(toks, i-1).is("key"):
			how = "update"
		default:
			continue
		}
		for j := i + 1; j < len(toks); {
			ref, next := tableAt(toks, j, how)
			if ref.table != "" {
				out = append(out, ref)
			}
			// FROM a, b and USING a, b name more than one.
			if (how == "from" || how == "using") && at(toks, next).text == "," && at(toks, next).depth == t.depth {
				j = next + 1
				continue
			}
			break
		}
	}
	return out
}

// tableAt reads a table name and its alias at toks[i], and returns where
// the item ends. A subquery or a function call names no table.
func tableAt(toks []token, i int, how string) (tableRef, int) {
	t := at(toks, i)
	if t.text == "(" {
		i = closing(toks, i) + 1
		return tableRef{}, skipAlias(toks, i)
	}
	if t.kind != word {
		return tableRef{}, i
	}
	name := t.text
	i++
	if at(toks, i).text == "." && at(toks, i+1).kind == word { // schema.table
		name = at(toks, i+1).text
		i += 2
	}
	if at(toks, i).text == "(" && how != "into" { // a function: unnest(...), generate_series(...)
		return tableRef{}, skipAlias(toks, closing(toks, i)+1)
	}
	ref := tableRef{table: strings.ToLower(name), alias: strings.ToLower(name), how: how, depth: t.depth, pos: i - 1}
	if at(toks, i).is("as") {
		i++
	}
	if a := at(toks, i); a.kind == word && !notAlias[strings.ToLower(a.text)] {
		ref.alias = strings.ToLower(a.text)
		i++
	}
	return ref, i
}

func skipAlias(toks []token, i int) int {
	if at(toks, i).is("as") {
		i++
	}
	if a := at(toks, i); a.kind == word && !notAlias[strings.ToLower(a.text)] {
		i++
	}
	return i
}

// selectStart returns the index of the SELECT whose clause holds toks[i]:
// the nearest SELECT before it at its depth.
func selectStart(toks []token, i int) int {
	d := toks[i].depth
	for j := i; j >= 0; j-- {
		if toks[j].depth < d {
			return j + 1
		}
		if toks[j].depth == d && toks[j].is("select") {
			return j
		}
	}
	return 0
}

// clauseEnd returns where the clause starting at i ends: the first of the
// given keywords at depth d after it, or the end of the enclosing
// parentheses.
func clauseEnd(toks []token, i, d int, keywords ...string) int {
	for j := i; j < len(toks); j++ {
		if toks[j].depth < d || toks[j].text == ";" {
			return j
		}
		if toks[j].depth == d && slices.ContainsFunc(keywords, toks[j].is) {
			return j
		}
	}
	return len(toks)
}

// orderBy returns the items of the ORDER BY of the select clause
// [start, end) at depth d, each without ASC or NULLS LAST, and whether
// they are all descending (nil when there is no ORDER BY).
func orderBy(toks []token, start, end, d int) (items [][]token, desc []bool) {
	for j := start; j < end; j++ {
		if toks[j].depth == d && toks[j].is("order") && at(toks, j+1).is("by") {
			stop := clauseEnd(toks, j+2, d, "limit", "offset", "for", "union", "returning")
			for _, item := range split(toks[j+2:min(stop, end)], d) {
				descending := false
				for len(item) > 0 {
					last := item[len(item)-1]
					switch {
					case last.is("asc"):
					case last.is("desc"):
						descending = true
					case last.is("first") || last.is("last"):
						item = item[:len(item)-1] // NULLS
					default:
						goto done
					}
					item = item[:len(item)-1]
				}
			done:
				items = append(items, item)
				desc = append(desc, descending)
			}
			return items, desc
		}
	}
	return nil, nil
}

// column resolves an expression that is a column ([alias.]name) to its
// table, through the FROM and JOIN items of its select; it returns "" for
// any other expression, or a name no single table has.
func column(expr []token, refs []tableRef, c *catalog) (table, col string) {
	switch {
	case len(expr) == 1 && expr[0].kind == word:
		col = strings.ToLower(expr[0].text)
		for _, r := range refs {
			if tb := c.tables[r.table]; tb != nil && tb.column(col) != nil {
				if table != "" && table != r.table {
					return "", "" // ambiguous
				}
				table = r.table
			}
		}
		return table, col
	case len(expr) == 3 && expr[0].kind == word && expr[1].text == "." && expr[2].kind == word:
		alias, col := strings.ToLower(expr[0].text), strings.ToLower(expr[2].text)
		for _, r := range refs {
			if r.alias == alias {
				return r.table, col
			}
		}
	}
	return "", ""
}

// refsOf returns the FROM and JOIN items of the select clause [start,
// end) at depth d.
func refsOf(all []tableRef, start, end, d int) []tableRef {
	var out []tableRef
	for _, r := range all {
		if r.pos >= start && r.pos < end && r.depth == d && (r.how == "from" || r.how == "join") {
			out = append(out, r)
		}
	}
	return out
}

func describe(expr [][]token) string {
	parts := make([]string, len(expr))
	for i, e := range expr {
		parts[i] = text(e)
	}
	return fmt.Sprintf("(%s)", strings.Join(parts, ", "))
}
