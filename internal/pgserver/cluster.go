package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// startCluster makes sure the throwaway cluster in dir runs, creating it on
// first use. It holds a file lock while it works, so that concurrent callers
// start one cluster between them.
func startCluster(ctx context.Context, dir string) error {
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return err
	}
	defer unlock()

	// Another process may have started it while this one waited.
	if Answers(ctx, DevURL) {
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
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := initCluster(ctx, bin, dir, owner); err != nil {
			return err
		}
	}
	args := []string{
		filepath.Join(bin, "pg_ctl"), "start", "--wait", "--silent",
		"-D", dir, "-l", filepath.Join(dir, "server.log"),
		"-o", strings.Join([]string{
			"-p", strconv.Itoa(DevPort),
			"-k", dir,
			"-c", "listen_addresses=127.0.0.1",
			// A throwaway cluster for tests: durability buys nothing here.
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "max_connections=300",
		}, " "),
	}
	if err := run(ctx, owner, args...); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %w\n%s", err, tail(log, 2000))
	}
	if !Answers(ctx, DevURL) {
		return errors.New("the cluster started but does not answer at " + DevURL)
	}
	return nil
}

// Stop stops the throwaway cluster if this package started one. It leaves a
// server it did not start alone.
func Stop(ctx context.Context) error {
	dir := clusterDir()
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); err != nil {
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
	return run(ctx, owner, filepath.Join(bin, "pg_ctl"), "stop", "--wait", "--silent", "-m", "fast", "-D", dir)
}

// initCluster creates a cluster in dir owned by owner, with trust
// authentication for user postgres.
func initCluster(ctx context.Context, bin, dir string, owner *user.User) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	err := run(ctx, owner, filepath.Join(bin, "initdb"),
		"-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
	if err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	return nil
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
