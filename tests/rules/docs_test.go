package rules

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeTables holds the READMEs' tables of what is in the tree to the
// tree: db/README.md's files, factories/README.md's builders and traits,
// the top README's layout, db/README.md's rules. A file, a trait or a
// directory added or removed without its line fails here.
func TestReadmeTables(t *testing.T) {
	t.Parallel()
	dir := root(t)
	t.Run("db files", func(t *testing.T) { checkDBFiles(t, dir) })
	t.Run("factory traits", func(t *testing.T) { checkFactoryTraits(t, dir) })
	t.Run("layout", func(t *testing.T) { checkLayout(t, dir) })
	t.Run("rules", func(t *testing.T) { checkRulesTable(t, dir) })
}

var backticked = regexp.MustCompile("`([^`]+)`")

// section returns the lines of a Markdown file's section, from its
// heading to the next heading of the same or a higher level.
func section(t *testing.T, path, heading string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(src), "\n")
	start := slices.Index(lines, heading)
	require.GreaterOrEqual(t, start, 0, "%s has no %q", path, heading)
	level := strings.Index(heading, " ")
	for i := start + 1; i < len(lines); i++ {
		if l := lines[i]; strings.HasPrefix(l, "#") && strings.Index(l, " ") <= level && !strings.HasPrefix(l, "#!") {
			return lines[start+1 : i]
		}
	}
	return lines[start+1:]
}

// tableRows returns the cells of the rows of the first Markdown table in
// lines, header and rule left out.
func tableRows(lines []string) [][]string {
	var rows [][]string
	in := false
	for _, l := range lines {
		if !strings.HasPrefix(l, "|") {
			if in {
				break
			}
			continue
		}
		in = true
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		return nil
	}
	return rows[2:]
}

// checkDBFiles: db/README.md's Files table names every hand-written and
// generated Go file of package db, and no file that is not there.
func checkDBFiles(t *testing.T, dir string) {
	readme := filepath.Join(dir, "db", "README.md")
	var patterns []string
	for _, row := range tableRows(section(t, readme, "## Files")) {
		for _, m := range backticked.FindAllStringSubmatch(row[0], -1) {
			patterns = append(patterns, m[1])
		}
	}
	require.NotEmpty(t, patterns, "db/README.md's Files table names no files")
	files, err := filepath.Glob(filepath.Join(dir, "db", "*.go"))
	require.NoError(t, err)
	for _, p := range patterns {
		matches, err := filepath.Glob(filepath.Join(dir, "db", p))
		require.NoError(t, err)
		if len(matches) == 0 {
			t.Errorf("db/README.md's Files table names %s, which db/ does not have: remove it from the table", p)
		}
	}
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if !slices.ContainsFunc(patterns, func(p string) bool { ok, _ := filepath.Match(p, name); return ok }) {
			t.Errorf("db/%s is not in db/README.md's Files table: add it, with what it holds", name)
		}
	}
}

// checkFactoryTraits: factories/README.md names every builder (a function
// of package factories that returns an XBuilder) in its Verbs list and
// its Traits table, each with exactly its traits (its exported methods
// that return the builder).
func checkFactoryTraits(t *testing.T, dir string) {
	builders := factoryTraits(t, filepath.Join(dir, "factories"))
	require.NotEmpty(t, builders, "found no builders in factories/")
	readme := filepath.Join(dir, "factories", "README.md")

	documented := map[string][]string{}
	for _, row := range tableRows(section(t, readme, "## Traits")) {
		name := strings.Trim(row[0], "`")
		for _, m := range backticked.FindAllStringSubmatch(row[1], -1) {
			trait, _, _ := strings.Cut(m[1], "(")
			documented[name] = append(documented[name], trait)
		}
	}
	var listed []string
	verbs := strings.Join(section(t, readme, "## Verbs"), " ")
	if i := strings.Index(verbs, "Every builder ("); i >= 0 {
		list, _, _ := strings.Cut(verbs[i:], ")")
		for _, m := range backticked.FindAllStringSubmatch(list, -1) {
			listed = append(listed, m[1])
		}
	}

	for name, traits := range builders {
		if !slices.Contains(listed, name) {
			t.Errorf("factories/README.md's Verbs (\"Every builder (...)\") does not list %s", name)
		}
		doc, ok := documented[name]
		if !ok {
			t.Errorf("factories/README.md's Traits table has no row for %s: add | `%s` | %s |", name, name, "`"+strings.Join(traits, "`, `")+"`")
			continue
		}
		for _, tr := range traits {
			if !slices.Contains(doc, tr) {
				t.Errorf("factories/README.md's Traits table does not list %s's trait %s", name, tr)
			}
		}
		for _, tr := range doc {
			if !slices.Contains(traits, tr) {
				t.Errorf("factories/README.md's Traits table lists %s.%s, which %sBuilder does not have", name, tr, name)
			}
		}
	}
	for name := range documented {
		if _, ok := builders[name]; !ok {
			t.Errorf("factories/README.md's Traits table has a row for %s, which package factories does not build", name)
		}
	}
	for _, name := range listed {
		if _, ok := builders[name]; !ok {
			t.Errorf("factories/README.md's Verbs lists %s, which package factories does not build", name)
		}
	}
}

// factoryTraits parses package factories: each builder's name (User, for
// func User() UserBuilder) and its traits.
func factoryTraits(t *testing.T, pkg string) map[string][]string {
	fset := gotoken.NewFileSet()
	files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
	require.NoError(t, err)
	constructors := map[string]string{} // builder type -> its function
	methods := map[string][]string{}    // receiver type -> exported methods returning it
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			result, ok := fn.Type.Results.List[0].Type.(*ast.Ident)
			if !ok || !strings.HasSuffix(result.Name, "Builder") {
				continue
			}
			switch {
			case fn.Recv == nil && fn.Type.TypeParams == nil && len(fn.Type.Params.List) == 0:
				constructors[result.Name] = fn.Name.Name
			case fn.Recv != nil:
				if recv, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && recv.Name == result.Name {
					methods[recv.Name] = append(methods[recv.Name], fn.Name.Name)
				}
			}
		}
	}
	out := map[string][]string{}
	for typ, name := range constructors {
		out[name] = methods[typ]
	}
	return out
}

// checkLayout: every path the top README's Layout block lists exists,
// every top-level directory has a line (of its own or of a directory in
// it), and every Go package is listed, itself or under a listed
// directory.
func checkLayout(t *testing.T, dir string) {
	var listed []string
	in := false
	for _, l := range section(t, filepath.Join(dir, "README.md"), "## Layout") {
		if strings.HasPrefix(l, "```") {
			if in {
				break
			}
			in = true
			continue
		}
		if in && strings.TrimSpace(l) != "" {
			listed = append(listed, strings.Fields(l)[0])
		}
	}
	require.NotEmpty(t, listed, "README.md's Layout block lists nothing")
	for _, p := range listed {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("README.md's Layout lists %s, which is not there: remove it", p)
		}
	}
	covered := func(rel string) bool {
		return slices.ContainsFunc(listed, func(p string) bool { return p == rel+"/" || strings.HasPrefix(rel+"/", p) })
	}
	var missing []string
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		named := slices.ContainsFunc(listed, func(p string) bool { return strings.HasPrefix(p, e.Name()+"/") })
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !ignoredDirs[e.Name()] && !named {
			missing = append(missing, e.Name())
		}
	}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel != "." && (strings.HasPrefix(d.Name(), ".") || ignoredDirs[d.Name()] || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if rel != "." && hasGoPackage(path) && !covered(rel) && !slices.Contains(missing, rel) {
			missing = append(missing, rel)
		}
		return nil
	}))
	for _, m := range missing {
		t.Errorf("README.md's Layout does not list %s/ (or a directory above it): add a line for it", m)
	}
}

// ignoredDirs are directories of build output, not of the tree.
var ignoredDirs = map[string]bool{"bin": true, "node_modules": true}

// hasGoPackage says whether dir holds Go files other than tests.
func hasGoPackage(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return slices.ContainsFunc(files, func(f string) bool { return !strings.HasSuffix(f, "_test.go") })
}

// checkRulesTable: db/README.md's Rules tables name every rule of this
// package with its exception, and no other.
func checkRulesTable(t *testing.T, dir string) {
	want := map[string]string{}
	for _, r := range schemaRules {
		want[r.name] = r.exception
	}
	for _, r := range queryRules {
		want["query "+r.name] = r.exception
	}
	got := map[string]string{}
	lines := section(t, filepath.Join(dir, "db", "README.md"), "## Rules")
	for _, sub := range []struct{ heading, prefix string }{{"### Schema", ""}, {"### Queries", "query "}} {
		i := slices.Index(lines, sub.heading)
		require.GreaterOrEqual(t, i, 0, "db/README.md's Rules has no %q", sub.heading)
		for _, row := range tableRows(lines[i:]) {
			name := sub.prefix + strings.Trim(row[0], "`")
			ex := ""
			if m := regexp.MustCompile(`lint: ([a-z-]+):`).FindStringSubmatch(row[len(row)-1]); m != nil {
				ex = m[1]
			}
			got[name] = ex
		}
	}
	for name, ex := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("db/README.md's Rules do not list the rule %s", name)
		} else if g != ex {
			t.Errorf("db/README.md's Rules give %s the exception %q; it is %q", name, g, ex)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("db/README.md's Rules list %s, which tests/rules does not check", name)
		}
	}
}
