package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

// Config configures a Worker; zero fields take the defaults noted, which
// are the settings the package's benchmarks run with.
type Config struct {
	// Queues maps each queue the worker runs to how many of its jobs may run
	// at once. Default: {"default": 100}; jobs/README.md says why, and
	// when to raise it.
	Queues map[string]int
	// ID names the worker in the jobs it claims. Default: host-pid-random.
	ID string
	// PollInterval is how often a queue looks for due jobs without being
	// notified (a scheduled job comes due without a notification).
	// Default: 1s.
	PollInterval time.Duration
	// ListenURL is a connection straight to PostgreSQL for LISTEN, for a
	// pool that reaches it through a connection pooler
	// (many.TransactionPooled), which cannot pass notifications on in
	// transaction mode. Without it such a worker polls (PollInterval) and
	// says so in its log; a worker on a direct pool listens on one of its
	// own connections.
	ListenURL string
	// LeaseDuration is how long a claimed job stays the worker's without
	// renewal; the worker renews every third of it. A dead worker's jobs
	// are rescued once their leases expire. Default: 30s.
	LeaseDuration time.Duration
	// JobTimeout limits a run whose job sets no Timeout. Default: 1m.
	JobTimeout time.Duration
	// ShutdownTimeout is how long Run lets running jobs finish once its
	// context ends, before cancelling them. Default: 10s.
	ShutdownTimeout time.Duration
	// Retention is how long finished jobs are kept before they are
	// pruned. Default: 24h.
	Retention time.Duration
	// DatabaseTimeout is how long Run keeps trying to reach the database,
	// when it starts and whenever fetching jobs keeps failing, before it
	// gives up and returns the error: a worker that cannot reach its
	// database stops, rather than running idle. Default: 30s.
	DatabaseTimeout time.Duration
	// Backoff is the delay before the retry that follows failed attempt n.
	// Default: DefaultBackoff.
	Backoff func(attempt int32) time.Duration
	// Periodic are jobs enqueued once per period, however many workers
	// run them.
	Periodic []Periodic
	// Logger receives the worker's logs. Default: slog.Default().
	Logger *slog.Logger
	// Observer is told of each run's start and end, and of the periodic
	// jobs the worker enqueues (package telemetry records them with
	// OpenTelemetry). Default: none, at no cost.
	Observer Observer
}

// Internal tuning, measured with the package's benchmarks.
const (
	finishBatch   = 1000                  // most outcomes in one FinishJobs
	finishEvery   = 20 * time.Millisecond // longest an outcome waits to be recorded
	rescueBatch   = 1000
	pruneBatch    = 10_000
	pruneEvery    = time.Minute
	scheduleEvery = time.Second
	maxRetryPause = 5 * time.Second // between attempts at a failing database call
)

// Why a run's context ended early, as context.Cause(ctx) in a handler
// tells (a timeout is an error of its own, "timed out after ...").
var (
	// ErrShutdown: the worker is stopping; the job goes back to the queue
	// without using an attempt.
	ErrShutdown = errors.New("the worker shut down")
	// ErrCancelRequested: Client.Cancel asked for it; the job ends
	// cancelled.
	ErrCancelRequested = errors.New("cancelled on request")
	// ErrLeaseLost: another worker rescued the job; this run's outcome is
	// not recorded.
	ErrLeaseLost = errors.New("the job's lease was lost (it was rescued by another worker)")
)

// Worker runs jobs from a pool's jobs table with a Registry's handlers.
type Worker struct {
	pool        *pgxpool.Pool // the caller's: periodic enqueues, which are data
	bookkeeping *pgxpool.Pool // the worker's own, for its bookkeeping (see Run)
	handlers    map[string]handler
	kinds       []string // of the handlers: the only kinds the worker claims
	cfg         Config
	log         *slog.Logger
	queues      map[string]*queueState
	periodic    map[string]Periodic

	runCtx    context.Context // parent of every run: cancelled at the end of a shutdown
	cancelAll context.CancelCauseFunc
	working   sync.WaitGroup // runs in progress
	outcomes  chan store.JobOutcome
	closing   chan struct{} // closed when Run stops taking outcomes
	failure   chan error    // the database stayed out of reach: Run stops with it

	mu   sync.Mutex
	held map[int64]*heldJob // the jobs the worker holds, by id

	stats counters
}

// queueState is the worker's state of one queue it runs: its concurrency
// and the runs it has going.
type queueState struct {
	name   string
	limit  int
	active atomic.Int64
	wake   chan struct{} // a notification or a rescue: jobs may be due
	freed  chan struct{} // a run ended: a slot is free
}

func (q *queueState) free() int { return q.limit - int(q.active.Load()) }

// heldJob is a job the worker holds: in progress, or ended with its
// outcome not yet recorded (its lease is renewed until it is, so that a
// slow write of outcomes does not get a finished job rescued and run
// again).
type heldJob struct {
	attempt int32
	cancel  context.CancelCauseFunc
	ended   bool
}

// signal sends on a channel of capacity one without waiting: signals
// coalesce.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// NewWorker returns a worker for the jobs in pool, running reg's handlers:
// it claims only jobs of the kinds reg handles when NewWorker is called,
// and leaves the others to workers that handle them. It checks the
// configuration and the registry.
func NewWorker(pool *pgxpool.Pool, reg *Registry, cfg Config) (*Worker, error) {
	if err := reg.err(); err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	w := &Worker{
		pool: pool, cfg: cfg, log: cfg.Logger.With("worker", cfg.ID),
		queues: map[string]*queueState{}, periodic: map[string]Periodic{}, held: map[int64]*heldJob{},
	}
	reg.mu.Lock()
	w.handlers = maps.Clone(reg.handlers) // frozen: no lock per run
	reg.mu.Unlock()
	w.kinds = slices.Sorted(maps.Keys(w.handlers))
	total := 0
	for name, limit := range cfg.Queues {
		if name == "" || limit <= 0 {
			return nil, fmt.Errorf("jobs worker: queue %q needs a name and a concurrency of 1 or more", name)
		}
		w.queues[name] = &queueState{name: name, limit: limit, wake: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
		total += limit
	}
	for _, p := range cfg.Periodic {
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("jobs worker: %w", err)
		}
		if _, taken := w.periodic[p.name]; taken {
			return nil, fmt.Errorf("jobs worker: two periodic jobs are named %q", p.name)
		}
		w.periodic[p.name] = p
	}
	w.outcomes = make(chan store.JobOutcome, 2*total)
	w.closing = make(chan struct{})
	w.failure = make(chan error, 1)
	return w, nil
}

func withDefaults(cfg Config) Config {
	if len(cfg.Queues) == 0 {
		cfg.Queues = map[string]int{store.DefaultJobQueue: 100}
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		cfg.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.PollInterval, time.Second)
	def(&cfg.LeaseDuration, 30*time.Second)
	def(&cfg.JobTimeout, time.Minute)
	def(&cfg.ShutdownTimeout, 10*time.Second)
	def(&cfg.Retention, 24*time.Hour)
	def(&cfg.DatabaseTimeout, 30*time.Second)
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

// ID is the worker's name in the jobs it claims.
func (w *Worker) ID() string { return w.cfg.ID }

// Run runs jobs until ctx ends, then shuts down gracefully: it stops
// fetching, lets running jobs finish for up to ShutdownTimeout, cancels
// the rest (they go back to pending without using an attempt), records
// every outcome and returns nil. Nothing it ran is left running, unless a
// handler ignores its cancelled context for another ShutdownTimeout: Run
// returns without it, its outcome is dropped, and the job is rescued when
// its lease expires. Run is called once.
//
// A worker that cannot reach its database (the database is gone, a
// connection pooler refuses its connections) returns the error instead:
// at the start, once DatabaseTimeout has passed without a connection, or
// later, once fetching jobs has failed for that long. It shuts down as
// above first.
//
// For its bookkeeping (claiming jobs, recording outcomes, leases, rescue,
// pruning, listening) Run opens a small pool of its own, configured as the
// caller's but with synchronous_commit off (except through a connection
// pooler, many.TransactionPooled, where a session's setting would not
// last): those writes then do not wait for the WAL to reach disk, which matters when the disk is slow (a
// checkpoint). A database crash may lose the last few milliseconds of them;
// that is safe because jobs are at least once: a claim or an outcome lost
// that way only means the job runs again (after its lease expires).
// Enqueues, in the caller's transactions, are never asynchronous.
func (w *Worker) Run(ctx context.Context) error {
	bookkeeping, err := bookkeepingPool(ctx, w.pool, len(w.queues))
	if err != nil {
		return fmt.Errorf("jobs worker: %w", err)
	}
	defer bookkeeping.Close()
	w.bookkeeping = bookkeeping
	if err := w.reach(ctx, w.pool, bookkeeping); err != nil || ctx.Err() != nil {
		return err
	}
	// The worker's own goroutines outlive ctx: shutdown stops them in order.
	base := context.WithoutCancel(ctx)
	w.runCtx, w.cancelAll = context.WithCancelCause(base)
	fetchCtx, stopFetching := context.WithCancel(base)
	leaseCtx, stopLeases := context.WithCancel(base)

	var fetchers, keeper, recorder sync.WaitGroup
	for _, q := range w.queues {
		fetchers.Go(func() { w.produce(fetchCtx, q) })
	}
	fetchers.Go(func() { w.listen(fetchCtx) })
	fetchers.Go(func() { w.maintain(fetchCtx) })
	keeper.Go(func() { w.renewLeases(leaseCtx) })
	recorder.Go(w.complete)
	w.log.InfoContext(ctx, "worker started", "queues", w.cfg.Queues, "kinds", w.kinds)
	if len(w.kinds) == 0 {
		w.log.WarnContext(ctx, "the registry has no handlers: this worker claims no jobs")
	}

	var failure error
	select {
	case <-ctx.Done():
	case failure = <-w.failure:
		w.log.Error("the database is out of reach; stopping", "error", failure)
	}
	w.log.Info("worker stopping", "running", w.running())
	stopFetching()
	fetchers.Wait()
	if !w.wait(w.cfg.ShutdownTimeout) {
		w.log.Warn("cancelling jobs still running at the shutdown timeout", "running", w.running())
		w.cancelAll(ErrShutdown)
		if !w.wait(w.cfg.ShutdownTimeout) {
			w.log.Error("jobs ignored their cancelled context; their leases will expire and they will be rescued", "running", w.running())
		}
	}
	// The last outcomes are written while their leases are still renewed;
	// a run still going is left to its lease.
	close(w.closing)
	recorder.Wait()
	stopLeases()
	keeper.Wait()
	w.cancelAll(ErrShutdown)
	w.log.Info("worker stopped")
	return failure
}

// reach waits for every pool to answer a ping, trying every second for up
// to DatabaseTimeout, and returns the last error if one never does (nil
// if ctx ends first).
func (w *Worker) reach(ctx context.Context, pools ...*pgxpool.Pool) error {
	deadline := time.Now().Add(w.cfg.DatabaseTimeout)
	for attempt := 1; ; attempt++ {
		var err error
		for _, pool := range pools {
			if err = pool.Ping(ctx); err != nil {
				break
			}
		}
		switch {
		case err == nil, ctx.Err() != nil:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("jobs worker: the database did not answer in %s (%d attempts): %w", w.cfg.DatabaseTimeout, attempt, err)
		}
		w.log.Warn("the database does not answer; trying again", "attempt", attempt, "error", err)
		if !sleep(ctx, min(time.Second, time.Until(deadline))) {
			return nil
		}
	}
}

// giveUp stops Run with err: the database stayed out of reach.
func (w *Worker) giveUp(err error) {
	select {
	case w.failure <- err:
	default: // another loop gave up first
	}
}

// bookkeepingPool opens the worker's own pool: the caller's configuration
// with synchronous_commit off (set once a connection is up: poolers refuse
// it as a startup parameter; through a transaction pooler, where it would
// not last, it is left on), and a connection for each fetch loop, the
// listener, the recorder of outcomes, the lease keeper and maintenance.
func bookkeepingPool(ctx context.Context, pool *pgxpool.Pool, queues int) (*pgxpool.Pool, error) {
	cfg := pool.Config()
	cfg.ConnConfig.RuntimeParams["application_name"] = "larder-worker"
	cfg.MaxConns = int32(queues + 4)
	cfg.MinConns = 0
	own := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if own != nil {
			if err := own(ctx, conn); err != nil {
				return err
			}
		}
		if many.TransactionPooled(conn) {
			return nil
		}
		return store.CommitAsynchronously(ctx, conn)
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// wait waits up to d for every run to end.
func (w *Worker) wait(d time.Duration) bool {
	done := make(chan struct{})
	go func() { w.working.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// produce keeps a queue's slots busy: it fetches when jobs may be due (a
// notification, a poll, or the last fetch filling every free slot) and
// slots are free.
func (w *Worker) produce(ctx context.Context, q *queueState) {
	poll := time.NewTicker(w.cfg.PollInterval)
	defer poll.Stop()
	due := true
	var failingSince time.Time // of the fetches failing in a row
	for {
		if free := q.free(); due && free > 0 {
			fetched, err := store.FetchJobs(ctx, w.bookkeeping, q.name, w.cfg.ID, w.kinds, free, w.cfg.LeaseDuration)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				if failingSince.IsZero() {
					failingSince = time.Now()
				}
				if d := time.Since(failingSince); d >= w.cfg.DatabaseTimeout {
					w.giveUp(fmt.Errorf("jobs worker: fetching jobs of queue %q failed for %s: %w", q.name, d.Round(time.Second), err))
					return
				}
				w.log.Error("fetching jobs failed", "queue", q.name, "error", err)
				if !sleep(ctx, min(maxRetryPause, w.cfg.DatabaseTimeout)) {
					return
				}
				continue
			}
			failingSince = time.Time{}
			for _, job := range fetched {
				w.start(q, job)
			}
			due = len(fetched) == free // a full batch: more may be waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
			due = true
		case <-poll.C:
			due = true
		case <-q.freed:
		}
	}
}

// start runs a claimed job in its own goroutine.
func (w *Worker) start(q *queueState, job store.FetchedJob) {
	q.active.Add(1)
	w.working.Add(1)
	ctx, cancel := context.WithCancelCause(w.runCtx)
	r := &heldJob{attempt: job.Attempt, cancel: cancel}
	w.mu.Lock()
	w.held[job.ID] = r
	w.mu.Unlock()
	go func() {
		defer w.working.Done()
		defer func() {
			q.active.Add(-1)
			signal(q.freed)
		}()
		defer cancel(nil)
		if job.CancelRequestedAt != nil { // asked before the run began
			cancel(ErrCancelRequested)
		}
		outcome, ok := w.execute(ctx, job)
		w.mu.Lock()
		if w.held[job.ID] == r { // not a later run of the job, rescued and fetched again
			if ok {
				r.ended = true
			} else {
				delete(w.held, job.ID)
			}
		}
		w.mu.Unlock()
		if ok {
			select {
			case w.outcomes <- outcome:
			case <-w.closing: // a run that outlived the shutdown: its lease expires and the job is rescued
			}
		}
	}()
}

// running is how many jobs are in progress.
func (w *Worker) running() int {
	n := 0
	for _, q := range w.queues {
		n += int(q.active.Load())
	}
	return n
}

// cancelRun cancels a job in progress with cause.
func (w *Worker) cancelRun(id int64, cause error) {
	w.mu.Lock()
	r, ok := w.held[id]
	ok = ok && !r.ended
	w.mu.Unlock()
	if ok {
		r.cancel(cause)
	}
}

// recorded lets go of jobs whose outcomes were written (or given up on:
// their leases then expire and the jobs are rescued).
func (w *Worker) recorded(batch []store.JobOutcome) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range batch {
		if r, ok := w.held[o.ID]; ok && r.ended && r.attempt == o.Attempt {
			delete(w.held, o.ID)
		}
	}
}

// wakeAll wakes every queue.
func (w *Worker) wakeAll() {
	for _, q := range w.queues {
		signal(q.wake)
	}
}

// sleep waits d or until ctx ends, and reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
