package jobs

import (
	"context"
	"strconv"
	"time"
)

// Notification channels: enqueues notify larder_jobs (payload: the queue)
// at commit; CancelJobs notifies larder_jobs_cancel (payload: the job id).
const (
	notifyJobs   = "larder_jobs"
	notifyCancel = "larder_jobs_cancel"
)

// listen wakes queues when jobs are enqueued and cancels runs when asked,
// over LISTEN/NOTIFY on a connection of its own, reconnecting after a
// failure (and waking every queue then, for what it missed).
func (w *Worker) listen(ctx context.Context) {
	for {
		err := w.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		w.log.Warn("listening for notifications failed; polling until it reconnects", "error", err)
		if !sleep(ctx, time.Second) {
			return
		}
	}
}

func (w *Worker) listenOnce(ctx context.Context) error {
	pooled, err := w.bookkeeping.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection keeps LISTEN state: take it out of the pool for good.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	for _, channel := range []string{notifyJobs, notifyCancel} {
		if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
			return err
		}
	}
	w.wakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
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
