package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// env is the benchmark's server and the template database of each side.
type env struct {
	opts        options
	server      string // the maintenance database's URL
	checkpoints bool   // whether the role may CHECKPOINT

	// larderDefault is the concurrency jobs.Config{} gave, as the worker
	// logged it.
	larderDefault int
}

// Database names on the server: each side's template, and the database
// of the run in progress (one at a time), all named after the benchmark's
// process (larder_jobsbench_<random>_...), so that two benchmarks on one
// server, or a benchmark and the tests, never drop each other's.
var dbPrefix = "larder_jobsbench_" + randomHex(3) + "_"

func templateName(side string) string { return dbPrefix + strings.ToLower(side) + "_template" }
func runName(side string) string      { return dbPrefix + strings.ToLower(side) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newEnv(ctx context.Context, o options) (*env, error) {
	server, err := serverURL(ctx, o.server)
	if err != nil {
		return nil, err
	}
	e := &env{opts: o, server: server, checkpoints: true}
	for _, side := range []string{sideLarder, sideRiver} {
		if err := e.dropDatabases(ctx, side); err != nil {
			return nil, err
		}
		u, err := e.createDatabase(ctx, templateName(side), "")
		if err != nil {
			return nil, err
		}
		if err := migrateSide(ctx, side, u); err != nil {
			e.close(ctx)
			return nil, fmt.Errorf("migrate %s's template: %w", side, err)
		}
	}
	return e, nil
}

// close drops every database the benchmark made.
func (e *env) close(ctx context.Context) {
	ctx = context.WithoutCancel(ctx) // also after an interrupt
	for _, side := range []string{sideLarder, sideRiver} {
		if err := e.dropDatabases(ctx, side); err != nil {
			fmt.Fprintf(os.Stderr, "jobsbench: %v\n", err)
		}
	}
}

func (e *env) dropDatabases(ctx context.Context, side string) error {
	for _, name := range []string{runName(side), templateName(side)} {
		if err := e.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
	}
	return nil
}

// freshDatabase clones side's template into the run's database and
// returns its URL and a function that drops it.
func (e *env) freshDatabase(ctx context.Context, side string) (string, func(), error) {
	name := runName(side)
	u, err := e.createDatabase(ctx, name, templateName(side))
	if err != nil {
		return "", nil, err
	}
	drop := func() {
		if err := e.exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "jobsbench: drop database %s: %v\n", name, err)
		}
	}
	return u, drop, nil
}

// createDatabase creates name (from template, if one is given) and
// returns its URL.
func (e *env) createDatabase(ctx context.Context, name, template string) (string, error) {
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if err := e.exec(ctx, sql); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return withDatabase(e.server, name)
}

// exec runs one statement on the maintenance database.
func (e *env) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, e.server)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// checkpoint asks for a CHECKPOINT before a timed phase, so that no phase
// pays for writing out the pages the one before it dirtied; a role that
// may not checkpoint runs without (the report says so).
func (e *env) checkpoint(ctx context.Context, conn *pgx.Conn) error {
	if !e.checkpoints {
		return nil
	}
	_, err := conn.Exec(ctx, "CHECKPOINT")
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42501" {
		e.checkpoints = false
		return nil
	}
	return err
}

// serverURL finds the server as the tests do (internal/pgserver, which
// this module cannot import): flag, DATABASE_URL, 127.0.0.1:5432, else
// what `larder db server` prints, which starts a throwaway cluster when
// nothing answers.
func serverURL(ctx context.Context, flagged string) (string, error) {
	if flagged != "" {
		return withQuery(flagged)
	}
	if env := os.Getenv("DATABASE_URL"); env != "" {
		return withQuery(env)
	}
	const local = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	if answers(ctx, local) {
		return local, nil
	}
	root, err := repositoryRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/larder", "db", "server")
	cmd.Dir, cmd.Stderr = root, os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("larder db server: %w", err)
	}
	return withQuery(string(bytes.TrimSpace(out)))
}

// withQuery checks that raw is a URL (a key=value DSN will not do: the
// benchmark names databases of its own in it).
func withQuery(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "", errors.New("the server's URL is not a postgres:// URL") // it may hold a password: not echoed
	}
	return u.String(), nil
}

func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("the server's URL is not a URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func answers(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx) == nil
}

// repositoryRoot is the nearest directory above the working directory
// whose go.mod is Larder's.
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/larderhq/larder\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no server answers at 127.0.0.1:5432 and Larder's checkout (for `larder db server`) is not above the working directory: set DATABASE_URL")
		}
		dir = parent
	}
}

// machine describes where the benchmark ran.
type machine struct {
	CPU, Memory, OS, Go, PostgreSQL, River string
	Cores                                  int
	Settings                               string // the server's settings that bear on the figures
	Checkpoints                            bool
}

func (e *env) machine(ctx context.Context) (machine, error) {
	m := machine{CPU: procField("/proc/cpuinfo", "model name"), Memory: procField("/proc/meminfo", "MemTotal"),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), Cores: runtime.NumCPU(),
		River: moduleVersion("github.com/riverqueue/river"), Checkpoints: e.checkpoints}
	conn, err := pgx.Connect(ctx, e.server)
	if err != nil {
		return m, err
	}
	defer conn.Close(ctx)
	var sharedBuffers, fsync, commit, autovacuum string
	err = conn.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('shared_buffers'),
		current_setting('fsync'), current_setting('synchronous_commit'), current_setting('autovacuum')`).
		Scan(&m.PostgreSQL, &sharedBuffers, &fsync, &commit, &autovacuum)
	m.Settings = fmt.Sprintf("shared_buffers %s, fsync %s, synchronous_commit %s (unless a row says off), autovacuum %s",
		sharedBuffers, fsync, commit, autovacuum)
	return m, err
}

// moduleVersion is the version of a module the binary was built with.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return "unknown"
}

// loadAverage is the machine's 1-minute load average, as /proc/loadavg
// has it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return "unknown"
	}
	return fields[0]
}

// procField reads a "key : value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
