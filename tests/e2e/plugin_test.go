package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/tests/testdb"
)

// TestThePluginsCodeRuns generates the plugin's test schema
// (tools/sqlc-gen-many/testdata/widgets) with sqlc and the plugin, as its
// golden test does, then compiles the code in a module of its own that
// imports Larder, and runs its test of every mark against a database.
func TestThePluginsCodeRuns(t *testing.T) {
	t.Parallel()
	src := filepath.Join(root(t), "tools", "sqlc-gen-many", "testdata", "widgets")
	dir := t.TempDir()
	for _, f := range []string{"migrations/20261203000000_create_widgets.sql", "queries/widgets.sql"} {
		copyFile(t, filepath.Join(src, f), filepath.Join(dir, f))
	}
	config := strings.Replace(readFile(t, filepath.Join(src, "sqlc.yaml")), "cmd: PLUGIN", "cmd: "+tool(t, "sqlc-gen-many"), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sqlc.yaml"), []byte(config), 0o644))
	run(t, dir, nil, tool(t, "sqlc"), "generate")
	copyFile(t, filepath.Join(src, "check", "widgets_test.go"), filepath.Join(dir, "out", "widgets", "widgets_test.go"))
	module(t, dir, "example.com/widgets")

	out := run(t, dir, []string{"DATABASE_URL=" + testdb.URL(t)}, "go", "test", "-count=1", "-v", "./out/widgets/")
	require.Contains(t, out, "--- PASS: TestWidgets")
}

// module makes the code in dir a Go module that requires Larder as it is
// in this checkout, with Larder's go.sum (the module cache has what it
// needs); it runs go mod tidy, so call it once the code is in place.
func module(t *testing.T, dir, path string) {
	t.Helper()
	gomod := "module " + path + "\n\ngo 1.26.0\n\nrequire github.com/larderhq/larder v0.0.0\n\nreplace github.com/larderhq/larder => " + root(t) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	copyFile(t, filepath.Join(root(t), "go.sum"), filepath.Join(dir, "go.sum"))
	run(t, dir, nil, "go", "mod", "tidy")
}
