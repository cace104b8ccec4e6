package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries is returned, wrapped, by StartReplicaPair when the
// PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not
// installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries")

// A ReplicaPair is a primary and a streaming replica of it (a hot
// standby): two throwaway clusters, each on a free port of 127.0.0.1, in
// a directory of their own under os.TempDir, for tests of reads from a
// replica. Make one with StartReplicaPair; Stop stops both and removes
// them. Both answer as user postgres without a password.
type ReplicaPair struct {
	// PrimaryURL and ReplicaURL are the clusters' maintenance database
	// ("postgres"); WithDatabase names another.
	PrimaryURL, ReplicaURL string

	dir              string
	primary, replica cluster
}

// catchUpTimeout bounds CatchUp when its context has no deadline.
const catchUpTimeout = 30 * time.Second

// StartReplicaPair starts a primary (initdb, as the postgres OS user when
// run as root) and a replica made from it by pg_basebackup -R (which
// writes standby.signal and the primary's primary_conninfo), each on a
// port that was free, and returns once the replica streams from the
// primary and has replayed all it wrote. Whatever fails on the way is
// stopped and removed.
func StartReplicaPair(ctx context.Context) (*ReplicaPair, error) {
	bin, err := binDir()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoBinaries, err)
	}
	owner, err := clusterOwner()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "larder-replica-pair-")
	if err != nil {
		return nil, err
	}
	p := &ReplicaPair{dir: dir}
	fail := func(err error) (*ReplicaPair, error) {
		if stopErr := p.Stop(context.WithoutCancel(ctx)); stopErr != nil {
			err = fmt.Errorf("%w; cleaning up failed too: %v", err, stopErr)
		}
		return nil, fmt.Errorf("start a primary and a replica: %w", err)
	}
	// The clusters' owner (postgres, under root) must reach their directories.
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	ports, err := freePorts(2)
	if err != nil {
		return fail(err)
	}
	settings := []string{"listen_addresses=127.0.0.1", "fsync=off", "full_page_writes=off"}
	p.primary = cluster{dir: filepath.Join(dir, "primary"), port: ports[0], settings: settings}
	p.replica = cluster{dir: filepath.Join(dir, "replica"), port: ports[1], settings: settings}
	p.PrimaryURL, p.ReplicaURL = p.primary.url(), p.replica.url()

	// Throwaway clusters need nothing on disk: no initdb sync either.
	if err := initCluster(ctx, bin, p.primary.dir, owner, "--no-sync"); err != nil {
		return fail(fmt.Errorf("primary: %w", err))
	}
	if err := p.primary.start(ctx); err != nil { // wal_level=replica and max_wal_senders are the defaults
		return fail(fmt.Errorf("primary: %w", err))
	}
	if err := ownedDir(p.replica.dir, owner); err != nil {
		return fail(err)
	}
	err = run(ctx, owner, filepath.Join(bin, "pg_basebackup"), "--pgdata", p.replica.dir,
		"--dbname", p.PrimaryURL, "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync")
	if err != nil {
		return fail(fmt.Errorf("pg_basebackup: %w", err))
	}
	if err := p.StartReplica(ctx); err != nil {
		return fail(err)
	}
	return p, nil
}

// StopReplica stops the replica (fast shutdown: its sessions end), and
// leaves the primary running.
func (p *ReplicaPair) StopReplica(ctx context.Context) error {
	if err := p.replica.stop(ctx, "fast"); err != nil {
		return fmt.Errorf("stop the replica: %w", err)
	}
	return nil
}

// StartReplica starts the replica, on its port, and waits until it
// streams from the primary and has caught up (CatchUp).
func (p *ReplicaPair) StartReplica(ctx context.Context) error {
	if err := p.replica.start(ctx); err != nil {
		return fmt.Errorf("replica: %w", err)
	}
	return p.CatchUp(ctx)
}

// CatchUp waits until the replica, in recovery, has replayed all the WAL
// the primary had written when it was called, so that a read on the
// replica sees every transaction committed on the primary before. Replay
// must not be paused (PauseReplay). Without a deadline in ctx it gives
// up after 30 seconds.
func (p *ReplicaPair) CatchUp(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, catchUpTimeout)
		defer cancel()
	}
	var lsn string
	if err := queryRow(ctx, p.PrimaryURL, "SELECT pg_current_wal_lsn()::text", &lsn); err != nil {
		return fmt.Errorf("catch up: read the primary's position: %w", err)
	}
	conn, err := pgx.Connect(ctx, p.ReplicaURL)
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	defer conn.Close(ctx)
	for {
		var replayed bool
		err := conn.QueryRow(ctx, "SELECT pg_is_in_recovery() AND coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", lsn).Scan(&replayed)
		switch {
		case err != nil:
			return fmt.Errorf("catch up: %w", err)
		case replayed:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("catch up: the replica has not replayed up to %s: %w", lsn, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// PauseReplay pauses the replica's replay of the primary's WAL, and
// returns once it is paused: until ResumeReplay, the replica sees nothing
// the primary commits (though it still receives it).
func (p *ReplicaPair) PauseReplay(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, p.ReplicaURL)
	if err != nil {
		return fmt.Errorf("pause replay: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		return fmt.Errorf("pause replay: %w", err)
	}
	for {
		var state string
		if err := conn.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			return fmt.Errorf("pause replay: %w", err)
		}
		if state == "paused" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pause replay: %w", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// ResumeReplay resumes the replica's replay (PauseReplay); CatchUp then
// waits for what it missed.
func (p *ReplicaPair) ResumeReplay(ctx context.Context) error {
	var ignored string // void
	if err := queryRow(ctx, p.ReplicaURL, "SELECT pg_wal_replay_resume()::text", &ignored); err != nil {
		return fmt.Errorf("resume replay: %w", err)
	}
	return nil
}

// Stop stops both clusters, whatever state they are in, and removes
// their directory.
func (p *ReplicaPair) Stop(ctx context.Context) error {
	err := errors.Join(p.replica.stopIfMade(ctx), p.primary.stopIfMade(ctx))
	if rmErr := os.RemoveAll(p.dir); rmErr != nil {
		err = errors.Join(err, rmErr)
	}
	return err
}

// stopIfMade stops the cluster at once (immediate mode), if it was made.
func (c cluster) stopIfMade(ctx context.Context) error {
	if c.dir == "" {
		return nil
	}
	return c.stop(ctx, "immediate")
}

// freePorts returns n ports of 127.0.0.1 that nothing listens on, all
// different: each is held while the next is found.
func freePorts(n int) ([]int, error) {
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// queryRow runs a query that returns one row on a connection of its own
// to databaseURL, scanning it into dest.
func queryRow(ctx context.Context, databaseURL, sql string, dest any, args ...any) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, sql, args...).Scan(dest)
}
