package store

import (
	"context"

	"github.com/larderhq/larder/jobs/store/dbsqlc"
	"github.com/larderhq/larder/many"
)

// DueJobSchedule is a schedule whose time has come, with the database's
// clock at the moment it was claimed. JobSchedule (a periodic job's next
// run) is generated from the queries, with EnsureJobSchedules and
// UpdateJobSchedules; package jobs owns the schedules.
type DueJobSchedule = dbsqlc.ClaimDueJobSchedulesRow

// ClaimDueJobSchedules locks the named schedules that are due until tx
// ends, skipping those another transaction holds.
func ClaimDueJobSchedules(ctx context.Context, tx many.DBTX, names []string) ([]DueJobSchedule, error) {
	return many.Run(ctx, tx, "claim", "job_schedules", names, nil, many.Rows(func(ctx context.Context, tx many.DBTX, names []string) ([]DueJobSchedule, error) {
		return dbsqlc.New(tx).ClaimDueJobSchedules(ctx, names)
	}))
}
