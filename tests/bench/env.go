package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/internal/pgserver"
)

// env is the benchmark's database: its own, dropped at the end.
type env struct {
	server string
	pool   *pgxpool.Pool
	acts   *actions.Actions
	owner  uuid.UUID // the foods' owner
}

const benchDatabase = "larder_bench"

func newEnv(ctx context.Context) (*env, error) {
	server, err := pgserver.URL(ctx)
	if err != nil {
		return nil, err
	}
	if err := pgserver.DropDatabase(ctx, server, benchDatabase); err != nil {
		return nil, err
	}
	url, err := pgserver.EnsureDatabase(ctx, server, benchDatabase)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(url, db.MigrateOptions{}); err != nil {
		return nil, err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	users, err := db.InsertUsers(ctx, pool, []db.NewUser{{Email: "bench@larder.example", DisplayName: "Bench"}})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &env{server: server, pool: pool, acts: actions.New(pool), owner: users[0].ID}, nil
}

func (e *env) close(ctx context.Context) {
	e.pool.Close()
	if err := pgserver.DropDatabase(ctx, e.server, benchDatabase); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
}

// machine describes where the benchmark ran.
type machine struct {
	CPU, Memory, OS, Go, PostgreSQL string
	Cores                           int
}

func (e *env) machine(ctx context.Context) machine {
	m := machine{CPU: procField("/proc/cpuinfo", "model name"), Memory: procField("/proc/meminfo", "MemTotal"),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), Cores: runtime.NumCPU()}
	_ = e.pool.QueryRow(ctx, "SHOW server_version").Scan(&m.PostgreSQL)
	return m
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
