package jobs

import (
	"context"

	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

// Failed returns the jobs that failed most recently, newest first, at
// most limit (many.DefaultPageSize for 0, at most many.MaxPageSize):
// discarded and cancelled jobs by when they finished, and pending or
// running jobs with a failed attempt in their history (retries) by when
// they last ran. For a dashboard's "recent failures"; History decodes
// their errors.
func (c *Client) Failed(ctx context.Context, dbtx many.DBTX, limit int) ([]Row, error) {
	if limit <= 0 {
		limit = many.DefaultPageSize
	}
	return store.SelectFailedJobs(ctx, dbtx, min(limit, many.MaxPageSize))
}
