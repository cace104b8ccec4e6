package store

import (
	"context"

	"github.com/larderhq/larder/jobs/store/dbsqlc"
	"github.com/larderhq/larder/many"
)

// SelectFailedJobs returns at most limit jobs that failed, newest first:
// discarded and cancelled jobs by finished_at, and pending or running
// jobs with errors by attempted_at.
func SelectFailedJobs(ctx context.Context, dbtx many.DBTX, limit int) ([]Job, error) {
	rows, err := dbsqlc.New(dbtx).SelectFailedJobs(ctx, int32(limit))
	if err != nil {
		return nil, failJobs("select failed", err)
	}
	return rows, nil
}
