package db

import (
	"context"
	"time"

	"github.com/larderhq/larder/db/dbsqlc"
)

// JobSchedule is a periodic job's schedule: when it next runs. Package
// jobs owns the schedules; this file is the table's data access.
type JobSchedule struct {
	Name      string
	NextRunAt time.Time
}

// DueJobSchedule is a schedule whose time has come, with the database's
// clock at the moment it was claimed.
type DueJobSchedule = dbsqlc.ClaimDueJobSchedulesRow

// EnsureJobSchedules adds the schedules the table does not have; existing
// ones keep their next run. It returns the names it added.
func EnsureJobSchedules(ctx context.Context, dbtx DBTX, in []JobSchedule) ([]string, error) {
	names, err := inChunks(ctx, dbtx, len(in), func(qs *dbsqlc.Queries, lo, hi int) ([]string, error) {
		return call(ctx, qs, (*dbsqlc.Queries).EnsureJobSchedules, packSchedules(in[lo:hi]), hi-lo)
	})
	if err != nil {
		return nil, fail("ensure", "job_schedules", err)
	}
	return names, nil
}

// ClaimDueJobSchedules locks the named schedules that are due until tx
// ends, skipping those another transaction holds.
func ClaimDueJobSchedules(ctx context.Context, tx DBTX, names []string) ([]DueJobSchedule, error) {
	if len(names) == 0 {
		return []DueJobSchedule{}, nil
	}
	rows, err := dbsqlc.New(tx).ClaimDueJobSchedules(ctx, names)
	if err != nil {
		return nil, fail("claim", "job_schedules", err)
	}
	return rows, nil
}

// UpdateJobSchedules moves schedules to their next run and returns the
// names it updated.
func UpdateJobSchedules(ctx context.Context, dbtx DBTX, in []JobSchedule) ([]string, error) {
	names, err := inChunks(ctx, dbtx, len(in), func(qs *dbsqlc.Queries, lo, hi int) ([]string, error) {
		return call(ctx, qs, (*dbsqlc.Queries).UpdateJobSchedules, dbsqlc.UpdateJobSchedulesParams(packSchedules(in[lo:hi])), hi-lo)
	})
	if err != nil {
		return nil, fail("update", "job_schedules", err)
	}
	return names, nil
}

// packSchedules splits schedules into the name and time arrays both
// schedule writes take (their parameter structs convert into each other).
func packSchedules(in []JobSchedule) dbsqlc.EnsureJobSchedulesParams {
	p := dbsqlc.EnsureJobSchedulesParams{Names: make([]string, len(in)), NextRunAts: make([]time.Time, len(in))}
	for i, s := range in {
		p.Names[i], p.NextRunAts[i] = s.Name, s.NextRunAt
	}
	return p
}
