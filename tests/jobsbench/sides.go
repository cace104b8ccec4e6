package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/jobs"
)

// batchSize is how many jobs each batch insert writes.
const batchSize = 5000

// queue is one side on a database of its own: its pool, its client and
// a worker, not yet started.
type queue interface {
	// enqueue writes n no-op jobs in batches of batchSize, one batch after
	// the other.
	enqueue(ctx context.Context, n int) error
	// enqueueTimed writes one timed job (its handler records when it
	// starts) in a transaction, and returns its id and the time just
	// before the commit.
	enqueueTimed(ctx context.Context, seq int) (id int64, committing time.Time, err error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
	close()
}

// Job kinds, the same on both sides.
const (
	kindNoop  = "bench.noop"
	kindTimed = "bench.timed"
)

// noopArgs is the no-op job's payload: none ({}).
type noopArgs struct{}

func (noopArgs) Kind() string { return kindNoop }

// timedArgs is the timed job's payload: its place in the series.
type timedArgs struct {
	Seq int `json:"seq"`
}

func (timedArgs) Kind() string { return kindTimed }

// starts records when each timed job's handler began.
type starts struct {
	mu  sync.Mutex
	at  map[int]time.Time
	ran chan int // each seq, as its handler begins
}

func newStarts() *starts { return &starts{at: map[int]time.Time{}, ran: make(chan int, 16)} }

func (s *starts) record(seq int) {
	now := time.Now()
	s.mu.Lock()
	s.at[seq] = now
	s.mu.Unlock()
	select {
	case s.ran <- seq:
	default: // nobody waits (a retry, say): the time is kept anyway
	}
}

func (s *starts) get(seq int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[seq]
	return t, ok
}

// poolURL adds the pool size and the commit mode to a database URL (pgx
// reads pool_max_conns itself and sends other parameters to the server).
func poolURL(raw string, s setup, poolSize int) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("the database's URL is not a URL")
	}
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(poolSize))
	if s.asyncCommit {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// open opens s's side on the database at url.
func open(ctx context.Context, s setup, url string, poolSize int, rec *starts, onStart func(map[string]int)) (queue, error) {
	u, err := poolURL(url, s, poolSize)
	if err != nil {
		return nil, err
	}
	if s.side == sideLarder {
		q, err := openLarder(ctx, s, u, rec, onStart)
		if err != nil {
			return nil, err
		}
		return q, nil
	}
	q, err := openRiver(ctx, s, u, rec)
	if err != nil {
		return nil, err
	}
	return q, nil
}

// migrateSide makes side's tables in the database at url.
func migrateSide(ctx context.Context, side, url string) error {
	if side == sideLarder {
		return migrate.Up(url, migrate.Options{})
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// jobTable is where side keeps its jobs.
func jobTable(side string) string {
	if side == sideLarder {
		return "jobs"
	}
	return "river_job"
}

// --- Larder -----------------------------------------------------------------

type larderQueue struct {
	pool   *pgxpool.Pool
	client *jobs.Client
	worker *jobs.Worker
	batch  []jobs.Builder
	stopW  context.CancelFunc
	done   chan error
}

func openLarder(ctx context.Context, s setup, url string, rec *starts, onStart func(map[string]int)) (*larderQueue, error) {
	pool, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	reg := jobs.NewRegistry()
	jobs.Handle(reg, kindNoop, func(context.Context, jobs.Job[noopArgs]) error { return nil })
	jobs.Handle(reg, kindTimed, func(_ context.Context, job jobs.Job[timedArgs]) error {
		rec.record(job.Payload.Seq)
		return nil
	})
	cfg := jobs.Config{Logger: slog.New(&quietHandler{onStart: onStart})}
	if s.workers > 0 {
		cfg.Queues = map[string]int{"default": s.workers}
	}
	w, err := jobs.NewWorker(pool, reg, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	client := jobs.NewClient()
	batch := make([]jobs.Builder, batchSize)
	for i := range batch {
		batch[i] = client.Job(kindNoop)
	}
	return &larderQueue{pool: pool, client: client, worker: w, batch: batch}, nil
}

func (q *larderQueue) enqueue(ctx context.Context, n int) error {
	for left := n; left > 0; left -= batchSize {
		if _, err := q.client.EnqueueMany(ctx, q.pool, q.batch[:min(left, batchSize)]...); err != nil {
			return err
		}
	}
	return nil
}

func (q *larderQueue) enqueueTimed(ctx context.Context, seq int) (int64, time.Time, error) {
	tx, err := q.pool.Begin(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	got, err := q.client.Job(kindTimed).Payload(timedArgs{Seq: seq}).Enqueue(ctx, tx)
	if err != nil {
		return 0, time.Time{}, err
	}
	committing := time.Now()
	return got.ID, committing, tx.Commit(ctx)
}

func (q *larderQueue) start(ctx context.Context) error {
	runCtx, stop := context.WithCancel(ctx)
	q.stopW, q.done = stop, make(chan error, 1)
	go func() { q.done <- q.worker.Run(runCtx) }()
	return nil
}

func (q *larderQueue) stop(context.Context) error {
	if q.stopW == nil {
		return nil
	}
	q.stopW()
	q.stopW = nil
	return <-q.done
}

func (q *larderQueue) close() { q.pool.Close() }

// quietHandler passes on warnings and errors to standard error, and tells
// onStart the queues of Larder's "worker started" line (how the default
// concurrency is known).
type quietHandler struct {
	onStart func(map[string]int)
	attrs   []slog.Attr
}

var stderrLog = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})

func (h *quietHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo
}

func (h *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "worker started" && h.onStart != nil {
		r.Attrs(func(a slog.Attr) bool {
			if q, ok := a.Value.Any().(map[string]int); ok && a.Key == "queues" {
				h.onStart(q)
			}
			return true
		})
	}
	if r.Level < slog.LevelWarn {
		return nil
	}
	return stderrLog.WithAttrs(h.attrs).Handle(ctx, r)
}

func (h *quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &quietHandler{onStart: h.onStart, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

func (h *quietHandler) WithGroup(string) slog.Handler { return h }

// --- River ------------------------------------------------------------------

type riverQueue struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
	batch  []river.InsertManyParams
}

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
}

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

func openRiver(ctx context.Context, s setup, url string, rec *starts) (*riverQueue, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, noopWorker{})
	river.AddWorker(workers, river.WorkFunc(func(_ context.Context, job *river.Job[timedArgs]) error {
		rec.record(job.Args.Seq)
		return nil
	}))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		FetchCooldown:     s.fetchCooldown,
		FetchPollInterval: s.fetchPoll,
		Logger:            slog.New(&quietHandler{}),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: s.workers}},
		Workers:           workers,
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	batch := make([]river.InsertManyParams, batchSize)
	for i := range batch {
		batch[i] = river.InsertManyParams{Args: noopArgs{}}
	}
	return &riverQueue{pool: pool, client: client, batch: batch}, nil
}

func (q *riverQueue) enqueue(ctx context.Context, n int) error {
	for left := n; left > 0; left -= batchSize {
		if _, err := q.client.InsertMany(ctx, q.batch[:min(left, batchSize)]); err != nil {
			return err
		}
	}
	return nil
}

func (q *riverQueue) enqueueTimed(ctx context.Context, seq int) (int64, time.Time, error) {
	tx, err := q.pool.Begin(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	got, err := q.client.InsertTx(ctx, tx, timedArgs{Seq: seq}, nil)
	if err != nil {
		return 0, time.Time{}, err
	}
	committing := time.Now()
	return got.Job.ID, committing, tx.Commit(ctx)
}

func (q *riverQueue) start(ctx context.Context) error { return q.client.Start(ctx) }

func (q *riverQueue) stop(ctx context.Context) error { return q.client.Stop(ctx) }

func (q *riverQueue) close() { q.pool.Close() }
