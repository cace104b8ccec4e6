// Package store holds the job queue's statements on its tables (jobs and
// job_schedules), for package jobs: the SQL in jobs.sql, compiled by sqlc
// into dbsqlc and by the sqlc-gen-many plugin into the many-first calls
// of jobs.many.go (InsertJobs, SelectJobs, ListJobs, UpdateJobs,
// DeleteJobs...), and by hand the operations of more than one statement
// or of their own shape (queue.go: enqueue, fetch, finish, leases, rescue,
// cancel, prune, counts; schedules.go: periodic jobs).
//
// Applications use package jobs; this package is for it, and for tests
// and tools that read or write jobs rows directly. Its API is not stable.
package store

import "github.com/larderhq/larder/jobs/store/dbsqlc"

// Job is a row of jobs: one unit of work in the queue. NewJob, JobPatch,
// JobFilter and JobKey are generated from the queries: a NewJob's zero
// fields take the defaults below (see InsertJobs).
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

// Defaults of NewJob's zero fields, as InsertJobs gives them.
const (
	DefaultJobQueue       = "default"
	DefaultJobPriority    = 1
	DefaultJobMaxAttempts = 25
)

// AllJobStates returns every state, in the order of a job's life.
func AllJobStates() []JobState { return dbsqlc.AllJobStateValues() }
