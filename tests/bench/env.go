package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/internal/pgserver"
	"github.com/larderhq/larder/many"
)

// env is the benchmark's database: its own, dropped at the end.
type env struct {
	server string
	pool   *pgxpool.Pool // Larder's: db.Open
	plain  *pgxpool.Pool // the other ways': pgx's defaults, Larder's type registrations
	acts   *actions.Actions
	owner  uuid.UUID // the foods' owner

	latency time.Duration // added to every round trip, by delay
	delay   *delayer      // nil without latency

	checkpoints bool       // whether settle may checkpoint
	serverCPU   *serverCPU // nil when the server's CPU time cannot be read
}

const benchDatabase = "larder_bench"

func newEnv(ctx context.Context, latency time.Duration) (*env, error) {
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
	e := &env{server: server, latency: latency, checkpoints: true}
	if err := e.setUp(ctx, url); err != nil {
		e.close(ctx) // and drop the database
		return nil, err
	}
	return e, nil
}

// setUp migrates the database at url, opens the pools on it (through a
// delayer when there is latency to add) and makes the bench user.
func (e *env) setUp(ctx context.Context, url string) (err error) {
	if err := migrate.Up(url, migrate.Options{}); err != nil {
		return err
	}
	if e.latency > 0 {
		if e.delay, url, err = startDelayer(url, e.latency); err != nil {
			return err
		}
	}
	if e.pool, err = db.Open(ctx, url); err != nil {
		return err
	}
	if e.plain, err = plainPool(ctx, url); err != nil {
		return err
	}
	e.serverCPU = findServerCPU(ctx, e.plain)
	users, err := db.InsertUsers(ctx, e.pool, []db.NewUser{{Email: "bench@larder.example", DisplayName: "Bench"}})
	if err != nil {
		return err
	}
	e.owner, e.acts = users[0].ID, actions.New(e.pool)
	return nil
}

// plainPool is a pool as a pgx user would open it, for the ways Larder is
// measured against: pgx's named prepared statements, cached per
// connection, and the server's default plan cache, so that a per-row
// statement is planned once, not on every run. It shares Larder's type
// registrations (ids as 16 bytes, numeric without big.Int), so
// that what differs is the way of talking to PostgreSQL, not the codecs.
func plainPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	config.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		many.Register(conn.TypeMap())
		return nil
	}
	return pgxpool.NewWithConfig(ctx, config)
}

func (e *env) close(ctx context.Context) {
	for _, p := range []*pgxpool.Pool{e.pool, e.plain} {
		if p != nil {
			p.Close()
		}
	}
	if e.delay != nil {
		e.delay.close()
	}
	if err := pgserver.DropDatabase(ctx, e.server, benchDatabase); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
}

// settle asks PostgreSQL for a checkpoint before a timed run, so that no
// run pays for writing out the pages the run before it dirtied (at 100,000
// rows a way leaves tens of MB of them). A role that may not checkpoint
// (PostgreSQL 15 wants a superuser or pg_checkpoint) runs without: the
// report says which.
func (e *env) settle() error {
	if !e.checkpoints {
		return nil
	}
	_, err := e.pool.Exec(context.Background(), "CHECKPOINT")
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42501" {
		e.checkpoints = false
		return nil
	}
	return err
}

// machine describes where the benchmark ran.
type machine struct {
	CPU, Memory, OS, Go, PostgreSQL string
	Cores                           int
	Latency, RoundTrip              time.Duration // added by the delayer; measured
}

func (e *env) machine(ctx context.Context) (machine, error) {
	m := machine{CPU: procField("/proc/cpuinfo", "model name"), Memory: procField("/proc/meminfo", "MemTotal"),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), Cores: runtime.NumCPU(), Latency: e.latency}
	if err := e.pool.QueryRow(ctx, "SHOW server_version").Scan(&m.PostgreSQL); err != nil {
		return m, err
	}
	var err error
	m.RoundTrip, err = e.roundTrip(ctx)
	return m, err
}

// roundTrips is how many SELECT 1s roundTrip times.
const roundTrips = 1000

// roundTrip is the median time of a SELECT 1 on the plain pool: what a
// per-row loop pays per statement before PostgreSQL does any work.
func (e *env) roundTrip(ctx context.Context) (time.Duration, error) {
	times := make([]time.Duration, roundTrips)
	for i := range times {
		start := time.Now()
		var one int
		if err := e.plain.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			return 0, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return times[len(times)/2], nil
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
