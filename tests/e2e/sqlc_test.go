package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/tests/testdb"
)

// TestSqlcVet prepares every query against a freshly migrated database
// (the sqlc/db-prepare rule in sqlc.yaml): a query that PostgreSQL itself
// rejects fails here even when sqlc's own parser accepted it.
func TestSqlcVet(t *testing.T) {
	t.Parallel()
	sqlc := tool(t, "sqlc")
	// Straight to the server: sqlc prepares named statements, which a
	// pooler in transaction mode does not keep.
	run(t, root(t), []string{"VET_DATABASE_URL=" + testdb.Direct(t, testdb.URL(t))}, sqlc, "vet")
}

// TestSqlcGenerateIsCurrent runs sqlc generate (with the sqlc-gen-many
// plugin) on a scratch copy of the configuration, migrations and queries
// and compares its output with what is committed (db/dbsqlc, db/*.many.go,
// and the same of jobs/store): generated code is regenerated, never
// edited.
func TestSqlcGenerateIsCurrent(t *testing.T) {
	t.Parallel()
	sqlc := tool(t, "sqlc")
	src, scratch := root(t), t.TempDir()
	// The plugin as make tools built it, not through its run script.
	config := strings.Replace(readFile(t, filepath.Join(src, "sqlc.yaml")), "cmd: tools/sqlc-gen-many/run", "cmd: bin/sqlc-gen-many", 1)
	require.NoError(t, os.WriteFile(filepath.Join(scratch, "sqlc.yaml"), []byte(config), 0o644))
	copyFile(t, tool(t, "sqlc-gen-many"), filepath.Join(scratch, "bin", "sqlc-gen-many"))
	require.NoError(t, os.Chmod(filepath.Join(scratch, "bin", "sqlc-gen-many"), 0o755))
	for _, dir := range []string{"db/migrations", "queries", "jobs/store"} {
		files, err := filepath.Glob(filepath.Join(src, dir, "*.sql"))
		require.NoError(t, err)
		for _, f := range files {
			copyFile(t, f, filepath.Join(scratch, dir, filepath.Base(f)))
		}
	}

	run(t, scratch, nil, sqlc, "generate")

	for _, pattern := range []string{"db/dbsqlc/*.go", "db/*.many.go", "jobs/store/dbsqlc/*.go", "jobs/store/*.many.go"} {
		want, err := filepath.Glob(filepath.Join(src, pattern))
		require.NoError(t, err)
		got, err := filepath.Glob(filepath.Join(scratch, pattern))
		require.NoError(t, err)
		require.Len(t, got, len(want), "generated files %s differ: run make generate", pattern)
		for _, w := range want {
			g := filepath.Join(scratch, filepath.Dir(pattern), filepath.Base(w))
			require.Equal(t, readFile(t, w), readFile(t, g), "%s is stale: run make generate", filepath.Base(w))
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, []byte(readFile(t, from)), 0o644))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
