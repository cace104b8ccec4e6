package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/tests/testdb"
)

// TestAnAppAddsItsOwnTable takes the steps of README's "Add a table" in a
// copy of examples/shop, an application module of its own: it builds the
// sqlc-gen-many plugin from its go.mod's tool line, runs sqlc generate,
// checks the result against the example's committed code, applies its
// migration under its own history table beside Larder's, and runs its
// test of every many-first call against PostgreSQL.
func TestAnAppAddsItsOwnTable(t *testing.T) {
	t.Parallel()
	src, dir := filepath.Join(root(t), "examples", "shop"), t.TempDir()
	hand := []string{"sqlc.yaml", "go.sum", "migrations/20261203150000_create_shopping_items.sql",
		"queries/shopping_items.sql", "store/store.go", "store/store_test.go", "shoptest/shopping_items.go"}
	for _, f := range hand {
		copyFile(t, filepath.Join(src, f), filepath.Join(dir, f))
	}
	gomod := strings.ReplaceAll(readFile(t, filepath.Join(src, "go.mod")), "=> ../..", "=> "+root(t))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))

	run(t, dir, nil, "go", "build", "-o", "bin/", "github.com/larderhq/larder/tools/sqlc-gen-many")
	run(t, dir, nil, tool(t, "sqlc"), "generate")
	generated := []string{"store/types.many.go", "store/shopping_items.many.go",
		"store/dbsqlc/db.go", "store/dbsqlc/models.go", "store/dbsqlc/shopping_items.sql.go"}
	for _, f := range generated {
		require.Equal(t, readFile(t, filepath.Join(src, f)), readFile(t, filepath.Join(dir, f)), "examples/shop/%s is stale: run make generate", f)
	}

	url := testdb.URL(t) // Larder's migrations, applied
	run(t, dir, nil, tool(t, "dbmate"), "--url", url, "--migrations-dir", "migrations",
		"--migrations-table", "shop_migrations", "--no-dump-schema", "up")
	out := run(t, dir, []string{"DATABASE_URL=" + url}, "go", "test", "-count=1", "-v", "./...")
	require.Contains(t, out, "--- PASS: TestShoppingItemsAreManyFirst")
}
