package db

import "github.com/larderhq/larder/db/dbsqlc"

// Job is a row of jobs: one unit of work in the queue. Package jobs runs
// them; the queue's own statements are in job_queue.go. NewJob, JobPatch,
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
