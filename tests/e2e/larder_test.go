package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/tests/testdb"
)

func larderBin(t *testing.T) string {
	t.Helper()
	bin, err := larder()
	require.NoError(t, err)
	return bin
}

func TestLarderMigrateUpStatusDown(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	env := []string{"DATABASE_URL=" + emptyDatabase(t)}
	files := migrationFiles(t)

	out := run(t, "", env, bin, "migrate", "status")
	require.Contains(t, out, "0 applied, "+strconv.Itoa(len(files))+" pending")

	out = run(t, "", env, bin, "migrate", "up")
	require.Contains(t, out, "Applied: 20261125090100_create_users.sql")

	out = run(t, "", env, bin, "migrate", "status")
	require.Contains(t, out, strconv.Itoa(len(files))+" applied, 0 pending")

	out = run(t, "", env, bin, "migrate", "down")
	require.Contains(t, out, "Rolled back:")
	out = run(t, "", env, bin, "migrate", "status")
	require.Contains(t, out, strconv.Itoa(len(files)-1)+" applied, 1 pending")
}

func TestLarderDemoWalksThroughLarder(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	env := []string{"DATABASE_URL=" + emptyDatabase(t)}

	for _, before := range []string{"", "seed"} { // on an empty database, then on a seeded one
		if before != "" {
			run(t, "", env, bin, before)
		}
		out := run(t, "", env, bin, "demo")
		require.Contains(t, out, "CreateFoods imported 6 foods and tagged them")
		require.Regexp(t, `breakfast\s+3`, out, "the tags with their counts")
		require.Contains(t, out, "per serving, summed from its ingredients in SQL: 281 kcal")
		require.Regexp(t, `day\s+entries\s+kcal\s+protein g\s+fat g\s+carbs g\n\s+\d{4}-\d\d-\d\d\s+0\s+0`, out, "the totals table, yesterday empty")
		require.Regexp(t, `\d{4}-\d\d-\d\d\s+5\s+1`, out, "today's five entries")
		require.Regexp(t, `recipes.recompute-nutrition\s+completed\s+1`, out, "the job ran")
		require.Contains(t, out, "The recipe's cached nutrition, filled by the job: 281 kcal per serving.")
		require.Contains(t, out, "DeleteAccount removed")
	}
}

func TestLarderExitCodes(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{args: []string{"--help"}, code: 0, want: "Commands:"},
		{args: []string{"frobnicate"}, code: 2, want: `unknown command "frobnicate"`},
		{args: []string{"migrate", "sideways"}, code: 2, want: "want up, down or status"},
		{args: []string{"migrate", "-bogus"}, code: 2, want: "flag provided but not defined"},
		{args: []string{"migrate", "status"}, code: 1, want: "migrate"},
	}
	for _, tt := range tests {
		env := []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}
		stdout, stderr, err := runCmd("", env, bin, tt.args...)
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		require.Equal(t, tt.code, code, "larder %s\n%s%s", strings.Join(tt.args, " "), stdout, stderr)
		require.Contains(t, stdout+stderr, tt.want)
	}
}

func TestLarderSeedTwiceAddsNothingTheSecondTime(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	url := emptyDatabase(t)
	env := []string{"DATABASE_URL=" + url}

	out := run(t, "", env, bin, "seed")
	added := regexp.MustCompile(`catalog: (\d+) foods added, 0 there already`).FindStringSubmatch(out)
	require.NotNil(t, added, out)
	n, _ := strconv.Atoi(added[1])
	require.GreaterOrEqual(t, n, 300)
	require.Contains(t, out, "demo users: 3 added, 0 there already (with ")

	out = run(t, "", env, bin, "seed")
	require.Contains(t, out, "catalog: 0 foods added, "+added[1]+" there already")
	require.Contains(t, out, "demo users: 0 added, 3 there already\n")
	counts := tableCounts(t, url, "foods", "users", "meal_entries", "recipes")
	require.Equal(t, n, counts["foods"], "no food twice")
	require.Equal(t, 3, counts["users"])
	require.Positive(t, counts["meal_entries"])

	out = run(t, "", env, bin, "seed", "-scale", "1050")
	require.Contains(t, out, "synthetic rows: ")
	require.Contains(t, out, "(100%)")
	require.Contains(t, out, "synthetic: 11 users, 1100 meal entries")
	after := tableCounts(t, url, "users", "meal_entries")
	require.Equal(t, 14, after["users"])
	require.Equal(t, counts["meal_entries"]+1100, after["meal_entries"])
}

// tableCounts counts the rows of tables.
func tableCounts(t *testing.T, url string, tables ...string) map[string]int {
	t.Helper()
	conn, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close()
	out := map[string]int{}
	for _, table := range tables {
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n))
		out[table] = n
	}
	return out
}

func TestLarderWorkerRunsJobsAndStopsCleanlyOnSIGTERM(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	url := emptyDatabase(t)
	env := []string{"DATABASE_URL=" + url}
	run(t, "", env, bin, "migrate", "up")
	conn, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Exec(t.Context(), `INSERT INTO jobs (kind, payload) SELECT 'recipes.recompute-nutrition', '{}' FROM generate_series(1, 200)`)
	require.NoError(t, err)

	cmd := exec.Command(bin, "-log-format", "json", "worker", "-summary", "200ms")
	cmd.Env = append(os.Environ(), env...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	jobsIn := func(state string) int {
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), "SELECT count(*) FROM jobs WHERE state = $1", state).Scan(&n))
		return n
	}
	testdb.Eventually(t, "every job done", func() bool { return jobsIn("completed") == 200 })
	testdb.Eventually(t, "a summary", func() bool { return strings.Contains(stderr.String(), `"msg":"summary"`) })

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "a clean stop exits 0\n%s", stderr.String())
	require.Zero(t, jobsIn("running"), "nothing left running")

	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	for _, line := range lines {
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry), "a JSON log line: %s", line)
	}
	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	require.Equal(t, "summary", last["msg"], "the last line sums up")
	require.EqualValues(t, 200, last["done"])
	require.Contains(t, stderr.String(), `"msg":"worker stopped"`)
	require.Contains(t, stderr.String(), `no model configured`)
}

// lockedBuffer is a buffer a process writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
