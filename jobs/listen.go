package jobs

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/many"
)

// Notification channels: enqueues notify larder_jobs (payload: the queue)
// at commit; CancelJobs notifies larder_jobs_cancel (payload: the job id).
const (
	notifyJobs   = "larder_jobs"
	notifyCancel = "larder_jobs_cancel"
)

// errNoListener: the worker's connections go through a transaction
// pooler and it has no ListenURL.
var errNoListener = errors.New("no connection to listen on")

// listen wakes queues when jobs are enqueued and cancels runs when asked,
// over LISTEN/NOTIFY on a connection of its own, reconnecting after a
// failure (and waking every queue then, for what it missed).
func (w *Worker) listen(ctx context.Context) {
	failures := 0 // in a row, without listening in between
	for {
		listened, err := w.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errNoListener) {
			w.log.Warn("the pool goes through a transaction pooler, which passes no notifications on, and Config.ListenURL (LARDER_LISTEN_URL) gives no direct connection: polling for jobs every PollInterval, cancellations seen at lease renewal",
				"poll_interval", w.cfg.PollInterval)
			return
		}
		if listened {
			failures = 0
		}
		failures++
		if failures == 1 { // once per outage: the queues poll meanwhile
			w.log.Warn("listening for notifications failed; polling until it reconnects", "error", err)
		}
		if !sleep(ctx, min(time.Second<<(failures-1), maxListenPause)) {
			return
		}
	}
}

// maxListenPause is the longest wait between attempts to listen again.
const maxListenPause = 30 * time.Second

// listener is the connection to LISTEN on: one to ListenURL, or one of
// the bookkeeping pool's, taken out of it for good (it keeps LISTEN
// state), unless those go through a transaction pooler.
func (w *Worker) listener(ctx context.Context) (*pgx.Conn, error) {
	if w.cfg.ListenURL != "" {
		// Parsed as a pool's URL, which it may be a copy of: pgxpool takes
		// its pool_* parameters out, which the server would refuse.
		cfg, err := pgxpool.ParseConfig(w.cfg.ListenURL)
		if err != nil {
			return nil, err
		}
		return pgx.ConnectConfig(ctx, cfg.ConnConfig)
	}
	pooled, err := w.bookkeeping.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if many.TransactionPooled(pooled.Conn()) {
		pooled.Release()
		return nil, errNoListener
	}
	return pooled.Hijack(), nil
}

// listenOnce listens until its connection fails; listened says whether
// it got as far as listening.
func (w *Worker) listenOnce(ctx context.Context) (listened bool, err error) {
	conn, err := w.listener(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, channel := range []string{notifyJobs, notifyCancel} {
		if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
			return false, err
		}
	}
	w.wakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		switch n.Channel {
		case notifyJobs:
			if q, ok := w.queues[n.Payload]; ok {
				signal(q.wake)
			}
		case notifyCancel:
			if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				w.cancelRun(id, ErrCancelRequested)
			}
		}
	}
}
