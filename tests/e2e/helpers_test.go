// Package e2e runs Larder's tools as a user runs them: the pinned dbmate
// and sqlc binaries on the real migrations and queries, and the larder
// command, each against a fresh database.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/internal/pgserver"
	"github.com/larderhq/larder/tests/testdb"
)

// root is the repository's top directory (tests run in tests/e2e).
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(dir, "go.mod"))
	return dir
}

// tools maps each pinned tool to its package in tools/go.mod.
var tools = map[string]string{
	"sqlc":          "github.com/sqlc-dev/sqlc/cmd/sqlc",
	"dbmate":        "github.com/amacneil/dbmate/v2",
	"sqlc-gen-many": "./sqlc-gen-many",
}

var buildOnce sync.Map // tool name -> *sync.Once

// tool returns the path of a pinned tool in bin/, building it first (as
// the Makefile does; quick when it is up to date).
func tool(t *testing.T, name string) string {
	t.Helper()
	dir := root(t)
	once, _ := buildOnce.LoadOrStore(name, new(sync.Once))
	var err error
	once.(*sync.Once).Do(func() {
		cmd := exec.Command("go", "-C", filepath.Join(dir, "tools"), "build", "-o", filepath.Join(dir, "bin")+"/", tools[name])
		var out []byte
		out, err = cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("build %s: %w\n%s", name, err, out)
		}
	})
	require.NoError(t, err)
	return filepath.Join(dir, "bin", name)
}

// larder builds the larder command once per test binary.
var larder = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("larder-e2e-%d", os.Getpid()))
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/larder").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build larder: %w\n%s", err, out)
	}
	return bin, nil
})

// emptyDatabase creates an empty database (no migrations) for the test,
// dropped when it ends, and returns its URL.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	server := testdb.ServerURL(t)
	name := "larder_e2e_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	url, err := pgserver.EnsureDatabase(t.Context(), server, name)
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := pgserver.DropDatabase(context.Background(), server, name); err != nil {
			t.Error(err)
		}
	})
	return testdb.Pooled(t, url)
}

// run runs a command in dir with extra environment, and returns its
// stdout, failing the test when it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	stdout, stderr, err := runCmd(dir, env, name, args...)
	require.NoError(t, err, "%s %s\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), stdout, stderr)
	return stdout
}

// runCmd runs a command with extra environment and returns what it
// printed and its error.
func runCmd(dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	return runCmdEnv(dir, append(os.Environ(), env...), name, args...)
}

// runCmdEnv runs a command with exactly env.
func runCmdEnv(dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// normalizeDump drops the lines of a schema dump that name the server's
// and pg_dump's versions, which vary between machines.
func normalizeDump(dump string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(dump, "\n") {
		if strings.HasPrefix(line, "-- Dumped from database version") || strings.HasPrefix(line, "-- Dumped by pg_dump version") {
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// firstDifference shows where two texts first differ, a few lines each,
// or returns "" when they are equal.
func firstDifference(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	excerpt := func(lines []string) string {
		return strings.Join(lines[min(i, len(lines)):min(i+3, len(lines))], "\n")
	}
	return fmt.Sprintf("first difference at line %d\nwant:\n%s\ngot:\n%s", i+1, excerpt(w), excerpt(g))
}
