// Package pgserver finds a PostgreSQL server to develop and test against,
// and starts one when none answers, so that `make test` works on a fresh
// clone with nothing configured.
//
// URL looks, in order, for:
//
//  1. DATABASE_URL, when set: used as is, never started or stopped here.
//  2. A server answering at 127.0.0.1:5432 as user postgres without a
//     password (a local install, or CI's service).
//  3. The development server at 127.0.0.1:54329: docker compose's postgres
//     service (`make db` on a machine with a Docker engine) or a throwaway
//     cluster started earlier by this package.
//  4. Otherwise it starts that throwaway cluster from the installed
//     PostgreSQL binaries (initdb, pg_ctl) in a directory under os.TempDir,
//     tuned for tests (fsync off), and leaves it running for the next
//     caller; Stop stops it.
//
// Dev is the development server alone (steps 3 and 4): the larder
// command's database lives there, where .env points dbmate, whatever else
// runs on 5432.
//
// Several processes may call URL or Dev at once (go test runs packages in
// parallel): starting the cluster is serialised by a file lock.
//
// StartReplicaPair starts, for one test, a primary and a streaming replica
// of it, each a throwaway cluster on a free port, for tests of reads from
// a replica.
package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Addresses and names of the servers URL looks for.
const (
	// LocalURL is a server installed on the machine (step 2).
	LocalURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	// DevPort is the port of the development server (steps 3 and 4), chosen
	// not to clash with a local server on 5432.
	DevPort = 54329
	// DevURL is the development server.
	DevURL = "postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable"
)

// probeTimeout bounds each attempt to reach a server.
const probeTimeout = 3 * time.Second

// URL returns the URL of a server to use, starting the throwaway cluster
// when nothing else answers. The URL names a database that exists (the
// maintenance database "postgres" unless DATABASE_URL says otherwise) and a
// role that may create databases.
func URL(ctx context.Context) (string, error) {
	if env := os.Getenv("DATABASE_URL"); env != "" {
		return env, nil
	}
	if Answers(ctx, LocalURL) {
		return LocalURL, nil
	}
	return Dev(ctx)
}

// Dev returns the URL of the development server at 127.0.0.1:54329,
// starting the throwaway cluster there when nothing answers (DATABASE_URL
// is the caller's to check).
func Dev(ctx context.Context) (string, error) {
	if Answers(ctx, DevURL) {
		return DevURL, nil
	}
	if err := devCluster().start(ctx); err != nil {
		return "", fmt.Errorf("start a throwaway PostgreSQL cluster: %w", err)
	}
	return DevURL, nil
}

// Answers reports whether a server at databaseURL accepts a connection.
func Answers(ctx context.Context, databaseURL string) bool {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx) == nil
}

// WithDatabase returns databaseURL with its database name replaced.
func WithDatabase(databaseURL, name string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", errors.New("parse database URL: not a URL") // the URL may hold a password: do not echo it
	}
	u.Path = "/" + name
	return u.String(), nil
}

// clusterDir is where the throwaway cluster keeps its data.
func clusterDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("larder-pg-%d", DevPort))
}

// EnsureDatabase creates the database name on the server at serverURL
// unless it exists, and returns its URL.
func EnsureDatabase(ctx context.Context, serverURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", redact(serverURL), err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") { // duplicate_database
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return WithDatabase(serverURL, name)
}

// DropDatabase drops the database name on the server at serverURL, if it
// exists, closing its connections.
func DropDatabase(ctx context.Context, serverURL, name string) error {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(serverURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// redact returns a URL without its password, for messages.
func redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
