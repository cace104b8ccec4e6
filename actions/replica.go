package actions

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// WithReplica sends the reads of the read-only actions (Get*, List*,
// SearchFoods, GetFoodsByBarcode, RecipeNutrition, DailyTotals) to
// replica, a read replica of the actions' pool (a pool from
// db.OpenReplica, usually). Every other action, and every read it makes,
// runs on the pool, so an action reads what it wrote. A replica may lag:
// a read-only action may not yet see what another action has just
// written; under FromPrimary it reads the pool.
//
// A replica that cannot be reached (db.Unreachable) does not fail an
// action: the read runs again on the pool, and a warning is logged, once
// per outage. Reads then stay on the pool, one read trying the replica
// again a second after it was last found unreachable; the read that finds
// it answering logs that (at info), and reads go back to it (a read
// refused before it sends a statement, as invalid input is, tells
// nothing and leaves the outage as it was). A
// statement's own error on the replica is the action's answer.
//
// Actions working in a transaction (New given a pgx.Tx) read in it, with
// or without a replica.
func WithReplica(replica many.DBTX) Option {
	return func(a *Actions) { a.replica = &replicaState{dbtx: replica, now: time.Now} }
}

// primaryKey marks a context under which reads go to the primary.
type primaryKey struct{}

// FromPrimary returns ctx marked so that read-only actions called with
// it read the primary, not the replica: for a read that must see what an
// earlier action wrote (a page shown right after a form posted).
func FromPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// replicaRetry is how long reads stay on the primary after the replica
// was found unreachable, before one tries it again.
const replicaRetry = time.Second

// read runs a read-only action as run does, its body reading through
// dbtx: the replica, when the actions have one and ctx does not ask for
// the primary, else the pool. A body that finds the replica unreachable
// runs again on the pool (reads are safe to repeat), and the replica is
// left alone until replicaRetry has passed.
func read[T any](ctx context.Context, a *Actions, action string, body func(dbtx many.DBTX) (T, error)) Result[T] {
	return run(ctx, a, action, func() (T, error) {
		r := a.replica
		if r == nil || ctx.Value(primaryKey{}) != nil {
			return body(a.pool)
		}
		try, probe := r.begin()
		if !try {
			return body(a.pool)
		}
		replica, settled := r.dbtx, false
		var sent *reached
		if probe {
			sent = &reached{DBTX: r.dbtx}
			replica = sent
			defer func() {
				if !settled { // the body panicked: let another read try again
					r.unknown(probe)
				}
			}()
		}
		data, err := body(replica)
		settled = true
		switch {
		case probe && !sent.sent.Load(): // refused before any statement: nothing learnt of the replica
			r.unknown(probe)
			return data, err
		case !db.Unreachable(err):
			r.answered(ctx, a.log, probe)
			return data, err
		case ctx.Err() != nil: // the caller gave up: no outage to tell
			r.unknown(probe)
			return data, err
		}
		r.unreachable(ctx, a.log, action, err, probe)
		return body(a.pool)
	})
}

// reached is a DBTX that notes whether a statement went through it: the
// read trying the replica again ends an outage only if it reached it.
type reached struct {
	many.DBTX
	sent atomic.Bool
}

func (r *reached) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.sent.Store(true)
	return r.DBTX.Exec(ctx, sql, args...)
}

func (r *reached) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.sent.Store(true)
	return r.DBTX.Query(ctx, sql, args...)
}

func (r *reached) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	r.sent.Store(true)
	return r.DBTX.QueryRow(ctx, sql, args...)
}

func (r *reached) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error) {
	r.sent.Store(true)
	return r.DBTX.CopyFrom(ctx, table, columns, rows)
}

func (r *reached) Begin(ctx context.Context) (pgx.Tx, error) {
	r.sent.Store(true)
	return r.DBTX.Begin(ctx)
}

// replicaState is the replica and whether it answers. While it does not,
// reads go to the primary; one read at a time tries it again once retry
// is due. Only such a read ends an outage: a read sent before it began
// may still succeed on a connection that was open.
type replicaState struct {
	dbtx many.DBTX
	now  func() time.Time

	mu      sync.Mutex
	down    time.Time // when the outage began; zero while the replica answers
	retry   time.Time // when to try it again
	probing bool      // a read is trying it again
}

// begin says whether a read should try the replica, and whether that
// read is the one trying it again after an outage.
func (r *replicaState) begin() (try, probe bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down.IsZero() {
		return true, false
	}
	if r.probing || r.now().Before(r.retry) {
		return false, false
	}
	r.probing = true
	return true, true
}

// answered records that the replica answered a read.
func (r *replicaState) answered(ctx context.Context, log *slog.Logger, probe bool) {
	if !probe {
		return
	}
	r.mu.Lock()
	down := r.now().Sub(r.down)
	r.down, r.probing = time.Time{}, false
	r.mu.Unlock()
	log.InfoContext(ctx, "replica answers again: read-only actions read from it", "down_for", down.Round(time.Millisecond).String())
}

// unreachable records that the replica could not be reached, and logs
// the outage when it begins.
func (r *replicaState) unreachable(ctx context.Context, log *slog.Logger, action string, err error, probe bool) {
	r.mu.Lock()
	now := r.now()
	began := r.down.IsZero()
	if began {
		r.down = now
	}
	if began || probe {
		r.retry, r.probing = now.Add(replicaRetry), false
	}
	r.mu.Unlock()
	if began {
		log.WarnContext(ctx, "replica unreachable: read-only actions read from the primary until it answers",
			"action", action, "error", err)
	}
}

// unknown records that a read that tried the replica says nothing of it.
func (r *replicaState) unknown(probe bool) {
	if !probe {
		return
	}
	r.mu.Lock()
	r.probing = false
	r.mu.Unlock()
}
