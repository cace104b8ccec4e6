package e2e

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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

func TestLarderDemoShowsTheDataLayerWorking(t *testing.T) {
	t.Parallel()
	bin := larderBin(t)
	env := []string{"DATABASE_URL=" + emptyDatabase(t)}

	for range 2 { // on an empty database, then on one the demo ran on
		out := run(t, "", env, bin, "demo")
		require.Contains(t, out, "InsertFoods imported 6 foods in one INSERT")
		require.Contains(t, out, "day         entries  kcal")
		require.Contains(t, out, "DeleteUsers removed 1 user")
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
