package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dbmateArgs points dbmate at a database and at the repository's
// migrations, with the schema dumped to schemaFile.
func dbmateArgs(t *testing.T, url, schemaFile string, args ...string) []string {
	return append([]string{
		"--url", url,
		"--migrations-dir", filepath.Join(root(t), "db", "migrations"),
		"--schema-file", schemaFile,
	}, args...)
}

func migrationFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root(t), "db", "migrations", "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// TestSchemaDumpIsCurrent is the schema drift check: a fresh database
// migrated with dbmate from db/migrations dumps exactly db/schema.sql
// (server and pg_dump version lines aside). It fails when a migration
// changed without `make migration-migrate`.
func TestSchemaDumpIsCurrent(t *testing.T) {
	t.Parallel()
	dbmate := tool(t, "dbmate")
	dump := filepath.Join(t.TempDir(), "schema.sql")

	run(t, "", nil, dbmate, dbmateArgs(t, emptyDatabase(t), dump, "up")...)

	got, err := os.ReadFile(dump)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(root(t), "db", "schema.sql"))
	require.NoError(t, err)
	if diff := firstDifference(normalizeDump(string(want)), normalizeDump(string(got))); diff != "" {
		t.Fatalf("db/schema.sql is stale: run make migration-migrate and commit db/schema.sql\n%s", diff)
	}
}

// TestLarderMigrationsCheckOnTheRepository runs the migration checks make
// ci runs on Larder's own migrations and history: strict order and
// step-by-step reversibility.
func TestLarderMigrationsCheckOnTheRepository(t *testing.T) {
	t.Parallel()
	out := run(t, root(t), []string{"DATABASE_URL=" + emptyDatabase(t)}, larderBin(t), "migrations", "check")
	require.Contains(t, out, "apply in strict mode")
	require.Contains(t, out, "reversible: "+strconv.Itoa(len(migrationFiles(t)))+" migrations up, down to none and up again")
}

// TestMigrationFilesHaveOneUpDownPair holds every migration to dbmate's
// format: exactly one "-- migrate:up" and one "-- migrate:down" section,
// each with SQL in it.
func TestMigrationFilesHaveOneUpDownPair(t *testing.T) {
	t.Parallel()
	for _, file := range migrationFiles(t) {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		text := string(src)
		name := filepath.Base(file)
		require.Equal(t, 1, strings.Count(text, "-- migrate:up"), name)
		require.Equal(t, 1, strings.Count(text, "-- migrate:down"), name)
		up, down, _ := strings.Cut(text, "-- migrate:down")
		require.True(t, strings.HasPrefix(strings.TrimSpace(up), "-- migrate:up"), "%s: the up section comes first", name)
		require.NotEmpty(t, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(up), "-- migrate:up")), "%s: empty up", name)
		require.NotEmpty(t, strings.TrimSpace(down), "%s: empty down", name)
	}
}
