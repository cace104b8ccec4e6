package actions

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/many"
)

// The replica's routing and outages, on stand-ins for the servers
// (tests/integration/replica_test.go runs a real replica).

func TestReadOnlyActionsReadTheReplicaAndWritesThePool(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t)

	ok(t, r.acts.ListTags(t.Context(), actor, TagSearch{}))
	r.acts.RegisterUsers(t.Context(), []NewUser{{Email: "ann@example.com", DisplayName: "Ann"}})

	require.Equal(t, 1, r.replica.queries(), "the list reads the replica")
	require.Equal(t, 1, r.primary.queries(), "the write goes to the pool")
}

func TestFromPrimaryReadsThePool(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t)

	ok(t, r.acts.ListTags(FromPrimary(t.Context()), actor, TagSearch{}))

	require.Zero(t, r.replica.queries())
	require.Equal(t, 1, r.primary.queries())
}

func TestActionsInATransactionReadInIt(t *testing.T) {
	t.Parallel()
	tx := fakeTx{server: &fakeServer{}}
	replica := &fakeServer{}
	acts := New(tx, WithReplica(replica), WithLogger(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))))

	ok(t, acts.ListTags(t.Context(), actor, TagSearch{}))

	require.Equal(t, 1, tx.server.queries())
	require.Zero(t, replica.queries())
}

func TestAStatementErrorOnTheReplicaIsTheActionsAnswer(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t)
	r.replica.fail(&pgconn.PgError{Severity: "ERROR", Code: "57014", Message: "canceling statement due to statement timeout"})

	res := r.acts.ListTags(t.Context(), actor, TagSearch{})

	require.Equal(t, CodeInternal, res.Error.Code)
	require.Zero(t, r.primary.queries(), "not read again on the pool")
	require.NotContains(t, r.log.String(), "replica unreachable")
}

// TestAnUnreachableReplicaIsLeftAndTriedAgain: reads go to the pool from
// the first that finds the replica unreachable, which alone logs it; a
// second later one read tries the replica again, and keeps to the pool
// while it is still down; the read that finds it answering logs that,
// and reads are the replica's again.
func TestAnUnreachableReplicaIsLeftAndTriedAgain(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t)
	read := func() { ok(t, r.acts.ListTags(t.Context(), actor, TagSearch{})) }
	r.replica.fail(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})

	read()
	read()
	r.clock.advance(replicaRetry / 2)
	read()

	require.Equal(t, 1, r.replica.queries(), "tried once")
	require.Equal(t, 3, r.primary.queries())
	require.Equal(t, 1, strings.Count(r.log.String(), "replica unreachable"))

	r.clock.advance(replicaRetry / 2)
	read() // tries it again: still down
	read()
	require.Equal(t, 2, r.replica.queries())
	require.Equal(t, 5, r.primary.queries())
	require.Equal(t, 1, strings.Count(r.log.String(), "replica unreachable"), "an outage is logged once")

	r.replica.fail(nil)
	r.clock.advance(replicaRetry)
	read() // tries it again: it answers
	read()
	require.Equal(t, 4, r.replica.queries())
	require.Equal(t, 5, r.primary.queries())
	require.Equal(t, 1, strings.Count(r.log.String(), "replica answers again"))
	require.Contains(t, r.log.String(), "down_for=2s")
}

// TestAReadThatSendsNothingDoesNotEndAnOutage: the read trying the
// replica again is refused before any statement (no acting user): the
// replica is still down, and the next read tries it.
func TestAReadThatSendsNothingDoesNotEndAnOutage(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t)
	r.replica.fail(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	ok(t, r.acts.ListTags(t.Context(), actor, TagSearch{}))
	r.clock.advance(replicaRetry)

	require.False(t, r.acts.ListTags(t.Context(), uuid.Nil, TagSearch{}).Success)
	require.NotContains(t, r.log.String(), "replica answers again")
	ok(t, r.acts.ListTags(t.Context(), actor, TagSearch{}))
	require.Equal(t, 2, r.replica.queries(), "the next read tries the replica")
	require.Equal(t, 2, r.primary.queries(), "and falls back, still down")
	require.NotContains(t, r.log.String(), "replica answers again")
}

// TestOnlyTheReadTryingTheReplicaAgainEndsAnOutage: a read sent before
// the outage began that succeeds after it did (on a connection still
// open) does not end it.
func TestOnlyTheReadTryingTheReplicaAgainEndsAnOutage(t *testing.T) {
	t.Parallel()
	r := newReplicaTest(t).acts.replica
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	ctx := t.Context()

	try, probe := r.begin() // an earlier read, in flight
	require.True(t, try)
	require.False(t, probe)
	r.unreachable(ctx, log, "ListTags", os.ErrDeadlineExceeded, false)
	r.answered(ctx, log, probe)

	try, _ = r.begin()
	require.False(t, try, "the replica is still left alone")
}

type replicaTest struct {
	acts             *Actions
	primary, replica *fakeServer
	clock            *fakeClock
	log              *syncBuffer
}

func newReplicaTest(t *testing.T) replicaTest {
	t.Helper()
	r := replicaTest{primary: &fakeServer{}, replica: &fakeServer{}, clock: &fakeClock{t: time.Unix(0, 0)}, log: &syncBuffer{}}
	r.acts = New(r.primary, WithReplica(r.replica), WithLogger(slog.New(slog.NewTextHandler(r.log, nil))))
	r.acts.replica.now = r.clock.now
	return r
}

func ok[T any](t *testing.T, res Result[T]) T {
	t.Helper()
	require.True(t, res.Success, "%+v", res.Error)
	return res.Data
}

// fakeServer answers every query with no rows, or with the error it was
// told to fail with, and counts them.
type fakeServer struct {
	mu  sync.Mutex
	n   int
	err error
	many.DBTX
}

func (s *fakeServer) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

func (s *fakeServer) queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *fakeServer) Query(context.Context, string, ...any) (pgx.Rows, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.err != nil {
		return nil, s.err
	}
	return noRows{}, nil
}

// fakeTx is a transaction that answers queries as server does.
type fakeTx struct {
	pgx.Tx
	server *fakeServer
}

func (tx fakeTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return tx.server.Query(ctx, sql, args...)
}

// noRows is a result without rows.
type noRows struct{ pgx.Rows }

func (noRows) Next() bool                    { return false }
func (noRows) Err() error                    { return nil }
func (noRows) Close()                        {}
func (noRows) CommandTag() pgconn.CommandTag { return pgconn.NewCommandTag("SELECT 0") }

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
