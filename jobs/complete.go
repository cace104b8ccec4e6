package jobs

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/jobs/store"
)

// CompleteTx records job completed in tx, the transaction of the
// handler's own writes, so that the job is done exactly when they commit:
// a worker killed before the commit leaves neither (the job is rescued
// and runs again), one killed after leaves both (the job is not run
// again). A handler whose effects are rows of the database thereby has
// them once, however often its job is retried or rescued.
//
//	jobs.Handle(reg, "orders.invoice", func(ctx context.Context, job jobs.Job[Order]) error {
//		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
//			if err := writeInvoice(ctx, tx, job.Payload); err != nil {
//				return err
//			}
//			return jobs.CompleteTx(ctx, tx, job)
//		})
//	})
//
// Call it last, just before the commit: it locks the job's row until then.
// The handler then returns nil (what it returns after a committed
// completion changes nothing). It fails with ErrLeaseLost when the run no
// longer holds the job (another worker rescued it): roll back.
func CompleteTx[P any](ctx context.Context, tx pgx.Tx, job Job[P]) error {
	done, err := store.CompleteJobs(ctx, tx, []store.JobRun{{ID: job.ID, Attempt: job.Attempt}})
	if err != nil {
		return fmt.Errorf("complete job %d: %w", job.ID, err)
	}
	if len(done) == 0 {
		return fmt.Errorf("complete job %d: %w", job.ID, ErrLeaseLost)
	}
	return nil
}
