package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// serverCPU reads how much CPU time PostgreSQL has used: the postmaster
// and every process it started (the backends serving the bench and the
// background ones, such as the WAL writer, that finish what they leave),
// but for autovacuum's, which start when PostgreSQL decides and would
// land on whichever way runs then. It reads /proc, so it works where the
// server runs on this machine and its processes are visible; elsewhere
// the report leaves the column out.
type serverCPU struct {
	postmaster int
}

// findServerCPU finds the postmaster through a backend of pool: the
// backend's parent. It returns nil when /proc does not show that backend
// as a postgres process (a server on another machine, or in a container).
func findServerCPU(ctx context.Context, pool *pgxpool.Pool) *serverCPU {
	var backend int
	if err := pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return nil
	}
	comm, parent, err := procStat(backend)
	if err != nil || comm != "postgres" {
		return nil
	}
	s := &serverCPU{postmaster: parent}
	if _, err := s.total(); err != nil {
		return nil
	}
	return s
}

// total is the CPU time the server's processes have used so far.
func (s *serverCPU) total() (time.Duration, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pid != s.postmaster {
			if _, parent, err := procStat(pid); err != nil || parent != s.postmaster {
				continue // not the server's, or gone since ReadDir
			}
			title, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if err != nil || strings.Contains(string(title), "autovacuum") {
				continue // PostgreSQL names its processes in their command line
			}
		}
		used, err := cpuTime(pid)
		if err != nil {
			if pid == s.postmaster {
				return 0, err
			}
			continue
		}
		sum += used
	}
	return sum, nil
}

// procStat reads a process's command name and its parent's pid from
// /proc/pid/stat ("pid (comm) state ppid ...").
func procStat(pid int) (comm string, parent int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, err
	}
	open, closing := strings.IndexByte(string(b), '('), strings.LastIndexByte(string(b), ')')
	if open < 0 || closing < open {
		return "", 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	fields := strings.Fields(string(b[closing+1:]))
	if len(fields) < 2 {
		return "", 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	parent, err = strconv.Atoi(fields[1])
	return string(b[open+1 : closing]), parent, err
}

// cpuTime is the CPU time a process has run, from the first field of
// /proc/pid/schedstat, in nanoseconds. That is the time of the process's
// first thread, which for PostgreSQL, one thread a process, is all of it.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, fmt.Errorf("/proc/%d/schedstat: empty", pid)
	}
	ns, err := strconv.ParseInt(fields[0], 10, 64)
	return time.Duration(ns), err
}
