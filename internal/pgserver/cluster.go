package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cluster is a throwaway cluster this package runs: its data directory,
// its port on 127.0.0.1, and the server settings it starts with.
type cluster struct {
	dir      string
	port     int
	settings []string // name=value, each passed as -c
}

// devCluster is the development cluster URL starts: tuned for tests, as
// durability buys nothing there.
func devCluster() cluster {
	return cluster{dir: clusterDir(), port: DevPort, settings: []string{
		"listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300",
	}}
}

// url is the cluster's URL, as user postgres on its maintenance database.
func (c cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// start makes sure the cluster runs, creating it on first use. It holds a
// file lock while it works, so that concurrent callers start one cluster
// between them. A start that fails, or whose server does not answer at
// url, stops the server it started: nothing is left running.
func (c cluster) start(ctx context.Context) error {
	unlock, err := lockFile(c.dir + ".lock")
	if err != nil {
		return err
	}
	defer unlock()

	// Another process may have started it while this one waited.
	if Answers(ctx, c.url()) {
		return nil
	}
	if err := portFree(c.port); err != nil {
		return err
	}
	bin, err := binDir()
	if err != nil {
		return err
	}
	owner, err := clusterOwner()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.dir, "PG_VERSION")); err != nil {
		if err := initCluster(ctx, bin, c.dir, owner); err != nil {
			return err
		}
	}
	options := []string{"-p", strconv.Itoa(c.port), "-k", c.dir}
	for _, s := range c.settings {
		options = append(options, "-c", s)
	}
	failed := func(err error) error {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		if stopErr := c.stop(context.WithoutCancel(ctx), "immediate"); stopErr != nil {
			err = fmt.Errorf("%w; stopping it failed too: %v", err, stopErr)
		}
		return fmt.Errorf("%w\n%s", err, tail(log, 2000))
	}
	err = run(ctx, owner, filepath.Join(bin, "pg_ctl"), "start", "--wait", "--silent",
		"-D", c.dir, "-l", filepath.Join(c.dir, "server.log"), "-o", strings.Join(options, " "))
	if err != nil {
		return failed(fmt.Errorf("pg_ctl start: %w", err))
	}
	if !Answers(ctx, c.url()) {
		return failed(fmt.Errorf("the cluster started but does not answer at %s; it was stopped", c.url()))
	}
	return nil
}

// stop stops the cluster's server, if one runs, in mode (fast, immediate).
func (c cluster) stop(ctx context.Context, mode string) error {
	if _, err := os.Stat(filepath.Join(c.dir, "postmaster.pid")); err != nil {
		return nil
	}
	bin, err := binDir()
	if err != nil {
		return err
	}
	owner, err := clusterOwner()
	if err != nil {
		return err
	}
	return run(ctx, owner, filepath.Join(bin, "pg_ctl"), "stop", "--wait", "--silent", "-m", mode, "-D", c.dir)
}

// portFree checks that nothing listens on 127.0.0.1:port, before a
// cluster is started there.
func portFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on 127.0.0.1 is taken by something that is not a PostgreSQL server to use: %w", port, err)
	}
	return l.Close()
}

// Stop stops the throwaway cluster if this package started one. It leaves a
// server it did not start alone.
func Stop(ctx context.Context) error { return devCluster().stop(ctx, "fast") }

// initCluster creates a cluster in dir owned by owner, with trust
// authentication for user postgres, passing initdb the options extra.
func initCluster(ctx context.Context, bin, dir string, owner *user.User, extra ...string) error {
	if err := ownedDir(dir, owner); err != nil {
		return err
	}
	args := append([]string{filepath.Join(bin, "initdb"),
		"-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"}, extra...)
	err := run(ctx, owner, args...)
	if err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	return nil
}

// ownedDir makes dir, empty, owned by owner when owner is not nil, as a
// cluster's data directory must be.
func ownedDir(dir string, owner *user.User) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	return os.Chown(dir, uid, gid)
}

// clusterOwner is the user the cluster runs as: the current user, unless
// that is root, which initdb and postgres refuse; then the postgres user
// that PostgreSQL's packages create.
func clusterOwner() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root and there is no postgres user to run PostgreSQL as")
	}
	return u, nil
}

// run runs a command, as owner when owner is not nil, and returns its
// output in the error when it fails.
func run(ctx context.Context, owner *user.User, args ...string) error {
	if owner != nil {
		args = append([]string{"runuser", "-u", owner.Username, "--"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Should the server keep the pipes open after pg_ctl exits, do not
	// wait for it.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(args[0]), err, tail(out.Bytes(), 2000))
	}
	return nil
}

// binDir finds the directory of the installed server binaries: pg_config's
// answer, else the newest /usr/lib/postgresql/*/bin (Debian, Ubuntu), else
// the directory of initdb on PATH.
func binDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	if path, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(path), nil
	}
	return "", errors.New("no PostgreSQL server binaries found (initdb); install PostgreSQL, or set DATABASE_URL")
}

// versionOf reads the major version out of /usr/lib/postgresql/<v>/bin.
func versionOf(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// lockFile takes an exclusive lock on path, waiting for it, and returns
// the function that releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// tail returns the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
