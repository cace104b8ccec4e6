package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBareDbmateUsesTheDevelopmentDatabase types `dbmate status` in the
// checkout with no DATABASE_URL, as dbmate's own docs have it: dbmate
// reads .env, which names the development database that the larder
// command (and make db) makes and uses.
func TestBareDbmateUsesTheDevelopmentDatabase(t *testing.T) {
	t.Parallel()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	m := regexp.MustCompile(`(?m)^DATABASE_URL="([^"]+)"$`).FindStringSubmatch(readFile(t, root(t)+"/.env"))
	require.NotNil(t, m, ".env sets DATABASE_URL")

	dev := runWith(t, root(t), env, larderBin(t), "db", "url")
	require.Equal(t, m[1], strings.TrimSpace(dev), "larder's development database is the one .env names")

	out := runWith(t, root(t), env, tool(t, "dbmate"), "status")
	require.Regexp(t, `Applied: \d+\nPending: \d+`, out)
}

// runWith runs a command in dir with exactly env, failing the test when
// it fails, and returns its stdout.
func runWith(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	stdout, stderr, err := runCmdEnv(dir, env, name, args...)
	require.NoError(t, err, "%s %v\nstdout:\n%s\nstderr:\n%s", name, args, stdout, stderr)
	return stdout
}
