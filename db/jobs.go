package db

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/larderhq/larder/db/dbsqlc"
)

// Job is a row of jobs: one unit of work in the queue. Package jobs runs
// them; this file is the table's plain many-first access.
type Job = dbsqlc.Job

// JobState is where a job is in its life.
type JobState = dbsqlc.JobState

// Job states.
const (
	JobStatePending   = dbsqlc.JobStatePending
	JobStateRunning   = dbsqlc.JobStateRunning
	JobStateCompleted = dbsqlc.JobStateCompleted
	JobStateCancelled = dbsqlc.JobStateCancelled
	JobStateDiscarded = dbsqlc.JobStateDiscarded
)

// NewJob is a job to insert. Zero fields take the defaults noted.
type NewJob struct {
	Kind        string
	Queue       string          // "default"
	Payload     json.RawMessage // {}
	Priority    int16           // 1 (runs first) to 4; default 1
	MaxAttempts int32           // default 25
	RunAt       time.Time       // when it is due; zero: Delay from now, on the database's clock
	Delay       time.Duration   // with a zero RunAt
	UniqueKey   string          // empty: not unique
	Timeout     time.Duration   // zero: the worker's default; at most a day
}

// Defaults of NewJob's zero fields.
const (
	DefaultJobQueue       = "default"
	DefaultJobPriority    = 1
	DefaultJobMaxAttempts = 25
)

// JobPatch reschedules or reprioritises one pending job.
type JobPatch struct {
	ID          int64
	Priority    Optional[int16]
	RunAt       Optional[time.Time]
	MaxAttempts Optional[int32]
}

// JobFilter selects a page of ListJobs. Zero fields do not filter.
type JobFilter struct {
	Queue string
	State JobState
	Kind  string
	After Cursor
	Limit int
}

var jobs = table[Job, int64]{name: "jobs", key: func(j Job) int64 { return j.ID }, compare: cmp.Compare[int64]}

// InsertJobs inserts jobs and returns them in input order.
func InsertJobs(ctx context.Context, dbtx DBTX, in []NewJob) ([]Job, error) {
	rows, err := inChunks(ctx, dbtx, len(in), func(qs *dbsqlc.Queries, lo, hi int) ([]Job, error) {
		return call(ctx, qs, (*dbsqlc.Queries).InsertJobs, packNewJobs(in[lo:hi]), hi-lo)
	})
	if err != nil {
		return nil, jobs.fail("insert", err)
	}
	// Identity ids ascend in input order (see jobs.sql), chunk after chunk.
	slices.SortFunc(rows, func(a, b Job) int { return cmp.Compare(a.ID, b.ID) })
	return rows, nil
}

func packNewJobs(in []NewJob) dbsqlc.InsertJobsParams {
	n := len(in)
	p := dbsqlc.InsertJobsParams{
		Kinds:       make([]string, n),
		Queues:      make([]string, n),
		Payloads:    make([]json.RawMessage, n),
		Priorities:  make([]int16, n),
		MaxAttempts: make([]int32, n),
		RunAts:      make([]time.Time, n),
		DelaysMs:    make([]int64, n),
		UniqueKeys:  make([]string, n),
		TimeoutMs:   make([]int32, n),
	}
	for i, j := range in {
		p.Kinds[i], p.Queues[i], p.Payloads[i] = j.Kind, cmp.Or(j.Queue, DefaultJobQueue), j.Payload
		if len(j.Payload) == 0 {
			p.Payloads[i] = json.RawMessage(`{}`)
		}
		p.Priorities[i] = cmp.Or(j.Priority, DefaultJobPriority)
		p.MaxAttempts[i] = cmp.Or(j.MaxAttempts, DefaultJobMaxAttempts)
		p.RunAts[i], p.DelaysMs[i] = j.RunAt, j.Delay.Milliseconds() // zero RunAt: now() + delay, in SQL
		p.UniqueKeys[i] = j.UniqueKey
		// Clamped so an absurd timeout meets the table's CHECK, not an overflow.
		p.TimeoutMs[i] = int32(max(min(j.Timeout.Milliseconds(), math.MaxInt32), math.MinInt32))
	}
	return p
}

// SelectJobs returns the jobs with the given ids, in the order of ids.
func SelectJobs(ctx context.Context, dbtx DBTX, ids []int64) ([]Job, error) {
	return selectRows(ctx, dbtx, jobs, ids, func(ids []int64) []int64 { return ids }, (*dbsqlc.Queries).SelectJobs)
}

// ListJobs returns a page of jobs, oldest first.
func ListJobs(ctx context.Context, dbtx DBTX, f JobFilter) (Page[Job], error) {
	return listRows(ctx, dbtx, jobs.name, f.After, f.Limit,
		func(after int64, limit int32) dbsqlc.ListJobsParams {
			return dbsqlc.ListJobsParams{
				Queue:    nonEmpty(f.Queue),
				State:    nonEmpty(f.State),
				Kind:     nonEmpty(f.Kind),
				AfterID:  after,
				RowLimit: limit,
			}
		},
		(*dbsqlc.Queries).ListJobs, jobs.key)
}

// UpdateJobs applies the patches to pending jobs and returns the changed
// jobs in input order; patches of jobs in other states are left out.
func UpdateJobs(ctx context.Context, dbtx DBTX, in []JobPatch) ([]Job, error) {
	return updateRows(ctx, dbtx, jobs, in, func(p JobPatch) int64 { return p.ID },
		func(in []JobPatch) dbsqlc.UpdateJobsParams {
			n := len(in)
			p := dbsqlc.UpdateJobsParams{
				Ids:            make([]int64, n),
				SetPriorities:  make([]bool, n),
				Priorities:     make([]int16, n),
				SetRunAts:      make([]bool, n),
				RunAts:         make([]time.Time, n),
				SetMaxAttempts: make([]bool, n),
				MaxAttempts:    make([]int32, n),
			}
			for i, j := range in {
				p.Ids[i] = j.ID
				p.SetPriorities[i], p.Priorities[i] = j.Priority.Set, j.Priority.Value
				p.SetRunAts[i], p.RunAts[i] = j.RunAt.Set, j.RunAt.Value
				p.SetMaxAttempts[i], p.MaxAttempts[i] = j.MaxAttempts.Set, j.MaxAttempts.Value
			}
			return p
		}, (*dbsqlc.Queries).UpdateJobs)
}

// DeleteJobs deletes the jobs with the given ids that are not running and
// returns them in the order of ids.
func DeleteJobs(ctx context.Context, dbtx DBTX, ids []int64) ([]Job, error) {
	return deleteRows(ctx, dbtx, jobs, ids, func(ids []int64) []int64 { return ids }, (*dbsqlc.Queries).DeleteJobs)
}
