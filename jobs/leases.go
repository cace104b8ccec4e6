package jobs

import (
	"context"
	"strconv"
	"time"

	"github.com/larderhq/larder/db"
)

// Notification channels: enqueues notify larder_jobs (payload: the queue)
// at commit; CancelJobs notifies larder_jobs_cancel (payload: the job id).
const (
	notifyJobs   = "larder_jobs"
	notifyCancel = "larder_jobs_cancel"
)

// renewLeases extends the leases of the jobs the worker holds every third
// of LeaseDuration: those running, and those ended whose outcomes are not
// yet recorded. A running job that comes back no longer the worker's is
// cancelled; one whose cancellation was asked is cancelled too (in case
// the notification was missed).
func (w *Worker) renewLeases(ctx context.Context) {
	for sleep(ctx, w.cfg.LeaseDuration/3) {
		w.mu.Lock()
		ids := make([]int64, 0, len(w.runs))
		for id := range w.runs {
			ids = append(ids, id)
		}
		w.mu.Unlock()
		renewed, err := db.RenewJobLeases(ctx, w.queue, w.cfg.ID, ids, w.cfg.LeaseDuration)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("renewing leases failed", "jobs", len(ids), "error", err)
			}
			continue
		}
		kept := make(map[int64]bool, len(renewed))
		for _, r := range renewed {
			kept[r.ID] = true
			if r.CancelRequested {
				w.cancelRun(r.ID, ErrCancelRequested)
			}
		}
		for _, id := range ids {
			if !kept[id] {
				w.cancelRun(id, ErrLeaseLost)
			}
		}
	}
}

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
	pooled, err := w.queue.Acquire(ctx)
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
