package jobs

import (
	"context"

	"github.com/larderhq/larder/jobs/store"
)

// renewLeases extends the leases of the jobs the worker holds every third
// of LeaseDuration: those running, and those ended whose outcomes are not
// yet recorded. A running job that comes back no longer the worker's is
// cancelled; one whose cancellation was asked is cancelled too (in case
// the notification was missed).
func (w *Worker) renewLeases(ctx context.Context) {
	for sleep(ctx, w.cfg.LeaseDuration/3) {
		w.mu.Lock()
		ids := make([]int64, 0, len(w.held))
		for id := range w.held {
			ids = append(ids, id)
		}
		w.mu.Unlock()
		renewed, err := store.RenewJobLeases(ctx, w.bookkeeping, w.cfg.ID, ids, w.cfg.LeaseDuration)
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
