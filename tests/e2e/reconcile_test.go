package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db/migrate"
)

// The migration workflow on a scratch git repository: main with
// migrations A and B, and two branches that each add one (C1, then C2, by
// timestamp) with db/schema.sql dumped on each, merged in both orders.

const (
	migA  = "20260101000000_create_a.sql"
	migB  = "20260102000000_create_b.sql"
	migC1 = "20260103000000_add_a_note.sql"
	migC2 = "20260104000000_add_b_size.sql"
)

var migrationSQL = map[string]string{
	migA:  "-- migrate:up\nCREATE TABLE a (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE a;\n",
	migB:  "-- migrate:up\nCREATE TABLE b (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE b;\n",
	migC1: "-- migrate:up\nALTER TABLE a ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE a DROP COLUMN note;\n",
	migC2: "-- migrate:up\nALTER TABLE b ADD COLUMN size integer;\n\n-- migrate:down\nALTER TABLE b DROP COLUMN size;\n",
}

const scratchSqlc = `version: "2"
sql:
  - engine: postgresql
    schema: db/migrations
    queries: queries
    gen:
      go:
        package: dbsqlc
        out: db/dbsqlc
        sql_package: pgx/v5
`

// repo is a scratch repository and the database its commands use.
type repo struct {
	t   *testing.T
	dir string
	env []string // DATABASE_URL: the "development database"
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{t: t, dir: t.TempDir(), env: []string{"DATABASE_URL=" + emptyDatabase(t)}}
	r.git("init", "--quiet", "--initial-branch", "main")
	r.write("sqlc.yaml", scratchSqlc)
	r.write("queries/a.sql", "-- name: ListA :many\nSELECT * FROM a;\n")
	r.addMigration(migA, migrationSQL[migA])
	r.addMigration(migB, migrationSQL[migB])
	r.commit("A and B")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	base := []string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}
	return run(r.t, r.dir, nil, "git", append(base, args...)...)
}

// gitMayFail runs git and returns its error (a merge that conflicts).
func (r *repo) gitMayFail(args ...string) error {
	base := []string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}
	_, _, err := runCmd(r.dir, nil, "git", append(base, args...)...)
	return err
}

func (r *repo) write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.dir, path)
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(r.t, os.WriteFile(full, []byte(content), 0o644))
}

func (r *repo) read(path string) string {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, path))
	require.NoError(r.t, err)
	return string(b)
}

// addMigration writes a migration and re-dumps db/schema.sql from a fresh
// database, as make migration-migrate would on that branch.
func (r *repo) addMigration(name, sql string) {
	r.t.Helper()
	r.write(filepath.Join("db", "migrations", name), sql)
	r.write(filepath.Join("db", "schema.sql"), r.freshDump())
}

// freshDump applies the repository's migrations to a fresh database and
// returns dbmate's dump.
func (r *repo) freshDump() string {
	r.t.Helper()
	url := emptyDatabase(r.t)
	require.NoError(r.t, migrate.Up(url, migrate.Options{Dir: filepath.Join(r.dir, "db", "migrations")}))
	dump, err := migrate.DumpSchema(url)
	require.NoError(r.t, err)
	return string(dump)
}

func (r *repo) commit(msg string) {
	r.t.Helper()
	r.git("add", "--all")
	r.git("commit", "--quiet", "--message", msg)
}

// branch makes a branch from main that adds one migration.
func (r *repo) branch(name, migration, sql string) {
	r.t.Helper()
	r.git("checkout", "--quiet", "-b", name, "main")
	r.addMigration(migration, sql)
	r.commit("add " + migration)
	r.git("checkout", "--quiet", "main")
}

// larder runs the larder command in the repository.
func (r *repo) larder(args ...string) (stdout, stderr string, err error) {
	return runCmd(r.dir, r.env, larderBin(r.t), args...)
}

func (r *repo) migrations() []string {
	r.t.Helper()
	entries, err := os.ReadDir(filepath.Join(r.dir, "db", "migrations"))
	require.NoError(r.t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

var freshC1 = regexp.MustCompile(`^2\d{13}_add_a_note\.sql$`)

func TestReconcileAfterMergingTheOlderMigrationLast(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.branch("c1", migC1, migrationSQL[migC1])
	r.branch("c2", migC2, migrationSQL[migC2])
	r.git("merge", "--quiet", "--no-ff", "--no-edit", "c2")
	require.Error(t, r.gitMayFail("merge", "--no-ff", "--no-edit", "c1"), "both changed db/schema.sql")
	require.Contains(t, r.git("diff", "--name-only", "--diff-filter=U"), "db/schema.sql")
	// The developer's database has everything applied (non-strict).
	require.NoError(t, migrate.Up(r.env[0][len("DATABASE_URL="):], migrate.Options{Dir: filepath.Join(r.dir, "db", "migrations")}))

	out, stderr, err := r.larder("migrations", "-sqlc", tool(t, "sqlc"), "reconcile")
	require.NoError(t, err, stderr)

	names := r.migrations()
	require.Equal(t, []string{migA, migB, migC2}, names[:3])
	require.Regexp(t, freshC1, names[3], "C1 has a fresh timestamp, after C2")
	require.Contains(t, out, "renamed "+migC1+" -> "+names[3]+": sorts before "+migC2+", which main already has")
	require.Contains(t, out, "development database: applied version 20260103000000 is now "+names[3][:14])
	require.Contains(t, out, "resolved the conflict in db/schema.sql")
	require.Contains(t, out, "regenerated the sqlc code")
	require.Empty(t, r.git("diff", "--name-only", "--diff-filter=U"), "no conflict left")
	require.Equal(t, normalizeDump(r.freshDump()), normalizeDump(r.read("db/schema.sql")))
	require.Contains(t, r.read("db/dbsqlc/models.go"), "Note ", "sqlc saw the merged schema")
	applied, err := migrate.AppliedVersions(r.env[0][len("DATABASE_URL="):])
	require.NoError(t, err)
	require.True(t, applied[names[3][:14]])
	require.False(t, applied["20260103000000"])

	// Twice: nothing to do, nothing changed.
	r.commit("merge c1, reconciled")
	out, stderr, err = r.larder("migrations", "-sqlc", tool(t, "sqlc"), "reconcile")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "no migration is out of order")
	require.Contains(t, out, "db/schema.sql is current")
	require.Empty(t, r.git("status", "--porcelain"))

	out, stderr, err = r.larder("migrations", "check")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "order: 4 migrations in 3 landings apply in strict mode")
	require.Contains(t, out, "reversible: 4 migrations")
}

func TestReconcileAfterMergingInOrder(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.branch("c1", migC1, migrationSQL[migC1])
	r.branch("c2", migC2, migrationSQL[migC2])
	r.git("merge", "--quiet", "--no-ff", "--no-edit", "c1")
	require.Error(t, r.gitMayFail("merge", "--no-ff", "--no-edit", "c2"), "both changed db/schema.sql")

	out, stderr, err := r.larder("migrations", "reconcile")
	require.NoError(t, err, stderr)

	require.Contains(t, out, "no migration is out of order")
	require.Equal(t, []string{migA, migB, migC1, migC2}, r.migrations())
	require.Contains(t, out, "resolved the conflict in db/schema.sql")
	require.Equal(t, normalizeDump(r.freshDump()), normalizeDump(r.read("db/schema.sql")))
	r.commit("merge c2")
	_, stderr, err = r.larder("migrations", "check")
	require.NoError(t, err, stderr)
}

func TestCheckFailsOnAnOutOfOrderHistoryUntilReconciled(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.branch("c1", migC1, migrationSQL[migC1])
	r.branch("c2", migC2, migrationSQL[migC2])
	r.git("merge", "--quiet", "--no-ff", "--no-edit", "c2")
	_ = r.gitMayFail("merge", "--no-ff", "--no-edit", "c1")
	r.write("db/schema.sql", r.freshDump()) // resolved by hand, the order left as it is
	r.commit("merge c1")

	out, stderr, err := r.larder("migrations", "check")
	require.Error(t, err, out)
	require.Contains(t, stderr, "migration "+migC1)
	require.Contains(t, stderr, "sorts before "+migC2+", which landed before it")
	require.Contains(t, stderr, "run make migration-reconcile")

	out, stderr, err = r.larder("migrations", "reconcile")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "landed on main in")
	r.commit("reconcile")
	_, stderr, err = r.larder("migrations", "check")
	require.NoError(t, err, stderr)
}

func TestReconcileOnABranchKeepsMainsMigrations(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.branch("c1", migC1, migrationSQL[migC1])
	r.branch("c2", migC2, migrationSQL[migC2])
	r.git("merge", "--quiet", "--no-ff", "--no-edit", "c2")
	r.git("checkout", "--quiet", "c1")
	_ = r.gitMayFail("merge", "--no-ff", "--no-edit", "main") // main into the branch

	_, stderr, err := r.larder("migrations", "reconcile")
	require.NoError(t, err, stderr)

	names := r.migrations()
	require.Equal(t, []string{migA, migB, migC2}, names[:3], "main's migrations keep their versions")
	require.Regexp(t, freshC1, names[3])
}

func TestReconcileRefusesMigrationsThatCannotBothApply(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	const twin = "20260104000000_add_a_note_too.sql"
	r.branch("c1", migC1, migrationSQL[migC1])
	r.branch("c2", twin, migrationSQL[migC1]) // adds the same column
	r.git("merge", "--quiet", "--no-ff", "--no-edit", "c2")
	_ = r.gitMayFail("merge", "--no-ff", "--no-edit", "c1")
	before := r.git("status", "--porcelain")
	schema := r.read("db/schema.sql")

	_, stderr, err := r.larder("migrations", "reconcile")

	require.Error(t, err)
	require.Contains(t, stderr, "migrations "+twin+" and "+migC1+" cannot both apply")
	require.Contains(t, stderr, `column "note" of relation "a" already exists`)
	require.Contains(t, stderr, "nothing was changed")
	require.Equal(t, before, r.git("status", "--porcelain"), "nothing renamed")
	require.Equal(t, schema, r.read("db/schema.sql"), "the conflicted schema.sql untouched")
	require.Contains(t, r.migrations(), migC1)
}

func TestMigrationsNew(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	out, stderr, err := r.larder("migrations", "new", "add_food_notes")
	require.NoError(t, err, stderr)
	path := strings.TrimSpace(out)
	require.Regexp(t, `^db/migrations/2\d{13}_add_food_notes\.sql$`, path)
	require.Equal(t, "-- migrate:up\n\n\n-- migrate:down\n\n", r.read(path))

	for _, bad := range []string{"AddNotes", "1st", "add-notes", ""} {
		_, stderr, err := r.larder("migrations", "new", bad)
		require.Error(t, err)
		require.Contains(t, stderr, "lower_snake_case")
	}
}

func TestCheckFindsAMigrationThatDoesNotReverse(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.addMigration(migC1, "-- migrate:up\nALTER TABLE a ADD COLUMN note text;\n\n-- migrate:down\nSELECT 1;\n")

	_, stderr, err := r.larder("migrations", "check")

	require.Error(t, err)
	require.Contains(t, stderr, migC1+" down does not restore the schema before its up")
}
