package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAnAppKeepsLarderMigrationsInATableOfTheirOwn combines an
// application's dbmate migrations with Larder's in one database, as
// README's "Use Larder in your app" does: Larder's are recorded in
// larder_migrations (LARDER_MIGRATIONS_TABLE), the application's in
// dbmate's default schema_migrations, and neither history sees, applies
// or rolls back the other's.
func TestAnAppKeepsLarderMigrationsInATableOfTheirOwn(t *testing.T) {
	t.Parallel()
	url := emptyDatabase(t)
	bin, dbmate := larderBin(t), tool(t, "dbmate")
	larderEnv := []string{"DATABASE_URL=" + url, "LARDER_MIGRATIONS_TABLE=larder_migrations"}
	appDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(appDir, "20270101000000_create_notes.sql"), []byte(
		"-- migrate:up\nCREATE TABLE notes (id uuid PRIMARY KEY, owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE, body text NOT NULL);\n"+
			"-- migrate:down\nDROP TABLE notes;\n"), 0o644))
	app := func(args ...string) string {
		return run(t, "", nil, dbmate, append([]string{"--url", url, "--migrations-dir", appDir, "--no-dump-schema"}, args...)...)
	}
	larderCount := strconv.Itoa(len(migrationFiles(t)))

	run(t, "", larderEnv, bin, "migrate", "up")
	app("up") // notes refers to Larder's users: Larder's migrations first

	require.Equal(t, map[string]int{"larder_migrations": len(migrationFiles(t)), "schema_migrations": 1}, tableCounts(t, url, "larder_migrations", "schema_migrations"))
	require.Contains(t, run(t, "", larderEnv, bin, "migrate", "status"), larderCount+" applied, 0 pending")
	require.Contains(t, app("status"), "Applied: 1")

	files := migrationFiles(t)
	out := run(t, "", larderEnv, bin, "migrate", "down")
	require.Contains(t, out, "Rolled back: "+filepath.Base(files[len(files)-1]), "Larder's newest")
	require.Contains(t, app("status"), "Applied: 1", "the app's history is its own")
	require.Equal(t, map[string]int{"larder_migrations": len(migrationFiles(t)) - 1, "schema_migrations": 1, "notes": 0},
		tableCounts(t, url, "larder_migrations", "schema_migrations", "notes"))

	_, stderr, err := runCmd("", []string{"DATABASE_URL=" + url, "LARDER_MIGRATIONS_TABLE=Robert'); DROP TABLE users;--"}, bin, "migrate", "status")
	require.Error(t, err)
	require.Contains(t, stderr, "is not a lower-case name")
}
