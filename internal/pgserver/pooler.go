package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// PoolerPort is where Pooler runs PgBouncer on 127.0.0.1.
const PoolerPort = 54330

// poolerDir holds the pooler's configuration, pid file and log.
func poolerDir() string { return filepath.Join(os.TempDir(), "larder-pgbouncer") }

// Pooler makes sure a PgBouncer in transaction mode runs on
// 127.0.0.1:PoolerPort in front of the server at serverURL (every
// database of it, as its user, trust authentication: for development and
// tests only), starting one if none answers there, and returns its
// address. Larder's tests run through it when LARDER_TEST_POOLER names it
// (tests/testdb); StopPooler stops it.
func Pooler(ctx context.Context, serverURL string) (string, error) {
	addr := "127.0.0.1:" + strconv.Itoa(PoolerPort)
	dir := poolerDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	server, err := url.Parse(serverURL)
	if err != nil || server.Hostname() == "" {
		return "", errors.New("pooler: the server URL must be a postgres:// URL with a host")
	}
	probe := fmt.Sprintf("postgres://%s@%s/postgres?sslmode=disable", server.User.Username(), addr)
	if Answers(ctx, probe) {
		return addr, nil
	}
	if err := portFree(PoolerPort); err != nil {
		return "", err
	}
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin = "/usr/sbin/pgbouncer" // Debian's, off a non-root PATH
		if _, statErr := os.Stat(bin); statErr != nil {
			return "", errors.New("pooler: pgbouncer is not installed (apt-get install pgbouncer)")
		}
	}
	owner, err := clusterOwner() // pgbouncer refuses to run as root, as postgres does
	if err != nil {
		return "", err
	}
	if err := writePoolerConfig(dir, server); err != nil {
		return "", err
	}
	if owner != nil {
		if err := run(ctx, nil, "chown", "-R", owner.Username, dir); err != nil {
			return "", err
		}
	}
	if err := run(ctx, owner, bin, "-d", filepath.Join(dir, "pgbouncer.ini")); err != nil {
		return "", fmt.Errorf("pooler: %w", err)
	}
	// -d returns once it forked, maybe before it listens.
	deadline := time.Now().Add(5 * time.Second)
	for !Answers(ctx, probe) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !Answers(ctx, probe) {
		log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
		_ = StopPooler(context.WithoutCancel(ctx))
		return "", fmt.Errorf("pooler: pgbouncer started but does not answer at %s; it was stopped\n%s", addr, tail(log, 2000))
	}
	return addr, nil
}

// writePoolerConfig writes pgbouncer.ini into dir.
func writePoolerConfig(dir string, server *url.URL) error {
	port := server.Port()
	if port == "" {
		port = "5432"
	}
	user := server.User.Username()
	if user == "" {
		user = "postgres"
	}
	password, _ := server.User.Password()
	target := fmt.Sprintf("host=%s port=%s user=%s", server.Hostname(), port, user)
	if password != "" {
		target += " password=" + password
	}
	ini := strings.Join([]string{
		"[databases]",
		"* = " + target,
		"",
		"[pgbouncer]",
		"listen_addr = 127.0.0.1",
		"listen_port = " + strconv.Itoa(PoolerPort),
		"unix_socket_dir =",
		// Any client user, logged in as the server URL's: tests connect as
		// the roles pgtestdb makes, which PgBouncer cannot know.
		"auth_type = any",
		"pool_mode = transaction",
		// Tests run in parallel, each on a database of its own: a pool per
		// database, none of them large.
		"max_client_conn = 5000",
		"default_pool_size = 20",
		"max_db_connections = 40",
		// A dropped test database's server connections go soon, and its
		// clients hear of it in seconds rather than minutes.
		"server_idle_timeout = 5",
		"server_login_retry = 1",
		"query_wait_timeout = 5",
		// lib/pq (dbmate) sends it; PostgreSQL's default is what pgx uses.
		"ignore_startup_parameters = extra_float_digits",
		"logfile = " + filepath.Join(dir, "pgbouncer.log"),
		"pidfile = " + filepath.Join(dir, "pgbouncer.pid"),
		"",
	}, "\n")
	return os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(ini), 0o644)
}

// StopPooler stops the PgBouncer that Pooler started, if it runs.
func StopPooler(ctx context.Context) error {
	pid, err := os.ReadFile(filepath.Join(poolerDir(), "pgbouncer.pid"))
	if err != nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	if err != nil {
		return nil
	}
	p, err := os.FindProcess(n)
	if err != nil {
		return nil
	}
	_ = p.Signal(os.Interrupt) // SIGINT: a safe shutdown, which does not wait for clients
	return nil
}

// ThroughPooler returns databaseURL with its host and port those of the
// pooler at addr.
func ThroughPooler(databaseURL, addr string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", errors.New("through pooler: invalid database URL")
	}
	u.Host = addr
	return u.String(), nil
}
