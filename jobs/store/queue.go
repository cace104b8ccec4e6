package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/larderhq/larder/jobs/store/dbsqlc"
	"github.com/larderhq/larder/many"
)

// failJobs wraps an error of the queue's statements with the operation.
func failJobs(op string, err error) error {
	return fmt.Errorf("%s jobs: %w", op, many.MapError(err))
}

// The queue's operations on the jobs table, for package jobs: enqueue,
// fetch, finish, lease renewal, rescue, cancellation, pruning, counts.

// EnqueuedJob is what EnqueueJobs did with one job: wrote it (Duplicate
// false), or found a pending, running or completed job of its kind holding
// its unique key and returned that one (Duplicate true).
type EnqueuedJob struct {
	ID        int64 `json:"id"`
	Duplicate bool  `json:"duplicate"`
}

// enqueueRetries bounds the rounds EnqueueJobs makes for unique jobs whose
// holder was discarded, cancelled or pruned between the insert and the read
// of it.
const enqueueRetries = 3

// EnqueueJobs writes jobs in one statement per ChunkSize, waking the
// workers of the queues that got jobs due now (at commit). A job with a
// unique key that a pending, running or completed job of its kind holds is
// not written: its element reports that job, Duplicate. Results are in
// input order.
func EnqueueJobs(ctx context.Context, dbtx many.DBTX, in []NewJob) ([]EnqueuedJob, error) {
	out := make([]EnqueuedJob, len(in))
	todo := make([]int, len(in)) // indexes of in still to enqueue
	for i := range todo {
		todo[i] = i
	}
	for round := 0; len(todo) > 0; round++ {
		if round == enqueueRetries {
			return nil, fmt.Errorf("enqueue jobs: unique keys kept changing hands during %d rounds", round)
		}
		var err error
		if todo, err = enqueueRound(ctx, dbtx, in, todo, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// enqueueRound inserts the jobs in[todo], fills their results in out, and
// returns the indexes of unique jobs that found no holder after all (it
// finished meanwhile): those go round again.
func enqueueRound(ctx context.Context, dbtx many.DBTX, in []NewJob, todo []int, out []EnqueuedJob) ([]int, error) {
	batch := make([]NewJob, len(todo))
	for k, i := range todo {
		batch[k] = in[i]
	}
	rows, err := InsertUniqueJobs(ctx, dbtx, batch)
	if err != nil {
		return nil, err
	}
	// Inserted rows keep input order (ids ascend with it); a unique job
	// whose row is not next in line was skipped for its holder.
	slices.SortFunc(rows, func(a, b dbsqlc.InsertUniqueJobsRow) int { return cmp.Compare(a.ID, b.ID) })
	var skipped []int
	next := 0
	for k, j := range batch {
		if next < len(rows) && (j.UniqueKey == "" || rows[next].Kind == j.Kind && deref(rows[next].UniqueKey) == j.UniqueKey) {
			out[todo[k]] = EnqueuedJob{ID: rows[next].ID}
			next++
			continue
		}
		skipped = append(skipped, todo[k])
	}
	if len(skipped) == 0 {
		return nil, nil
	}
	return holders(ctx, dbtx, in, skipped, out)
}

// holders reads the jobs holding the unique keys of in[skipped] into out,
// and returns the indexes whose key no job holds any more.
func holders(ctx context.Context, dbtx many.DBTX, in []NewJob, skipped []int, out []EnqueuedJob) ([]int, error) {
	keys := make([]JobKey, len(skipped))
	for k, i := range skipped {
		keys[k] = JobKey{Kind: in[i].Kind, UniqueKey: in[i].UniqueKey}
	}
	found, err := SelectUniqueJobs(ctx, dbtx, keys)
	if err != nil {
		return nil, err
	}
	byKey := make(map[JobKey]int64, len(found))
	for _, f := range found {
		byKey[JobKey{Kind: f.Kind, UniqueKey: deref(f.UniqueKey)}] = f.ID
	}
	var again []int
	for _, i := range skipped {
		id, ok := byKey[JobKey{Kind: in[i].Kind, UniqueKey: in[i].UniqueKey}]
		if !ok {
			again = append(again, i)
			continue
		}
		out[i] = EnqueuedJob{ID: id, Duplicate: true}
	}
	return again, nil
}

// FetchedJob is a job a worker claimed: what it needs to run it.
type FetchedJob = dbsqlc.FetchJobsRow

// FetchJobs claims up to limit due jobs of queue and of the given kinds
// (those worker has handlers for) for worker, with a lease of the given
// length, and returns them highest priority first, then oldest. Jobs of
// other kinds are left to other workers.
func FetchJobs(ctx context.Context, dbtx many.DBTX, queue, worker string, kinds []string, limit int, lease time.Duration) ([]FetchedJob, error) {
	if limit <= 0 || len(kinds) == 0 {
		return []FetchedJob{}, nil
	}
	rows, err := dbsqlc.New(dbtx).FetchJobs(ctx, dbsqlc.FetchJobsParams{
		Queue: queue, Kinds: kinds, RowLimit: int32(limit), Worker: worker, LeaseMs: int32(lease.Milliseconds()),
	})
	if err != nil {
		return nil, failJobs("fetch", err)
	}
	slices.SortFunc(rows, func(a, b FetchedJob) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), a.RunAt.Compare(b.RunAt), cmp.Compare(a.ID, b.ID))
	})
	return rows, nil
}

// JobOutcome is how one run of a job ended.
type JobOutcome struct {
	ID      int64
	Attempt int32           // the attempt that ran; a job since rescued is left alone
	State   JobState        // completed, pending (retry or snooze), cancelled or discarded
	Delay   time.Duration   // pending: how long from now (the database's clock) until it runs again
	Snoozed bool            // pending without using up the attempt
	Error   json.RawMessage // appended to the job's errors when not nil
}

// ErrBadOutcome: a JobOutcome with a state a run cannot end in.
var ErrBadOutcome = errors.New("a run ends completed, pending, cancelled or discarded")

// FinishJobs records how runs ended and returns the ids it recorded (those
// still held by the run that ended).
func FinishJobs(ctx context.Context, dbtx many.DBTX, in []JobOutcome) ([]int64, error) {
	sorted := slices.Clone(in) // in id order, the lock order of every batch write
	slices.SortFunc(sorted, func(a, b JobOutcome) int { return cmp.Compare(a.ID, b.ID) })
	for _, o := range sorted {
		if o.State == JobStateRunning || o.State == "" {
			return nil, failJobs("finish", fmt.Errorf("%w: job %d: %q", ErrBadOutcome, o.ID, o.State))
		}
	}
	return many.Run(ctx, dbtx, "finish", "jobs", sorted, nil, many.Rows(func(ctx context.Context, dbtx many.DBTX, chunk []JobOutcome) ([]int64, error) {
		p, err := packOutcomes(chunk)
		if err != nil {
			return nil, err
		}
		return dbsqlc.New(dbtx).FinishJobs(ctx, p)
	}))
}

// packOutcomes encodes outcomes as FinishJobs takes them: ids, and an
// object of outcomes keyed by id (see jobs.sql).
func packOutcomes(in []JobOutcome) (dbsqlc.FinishJobsParams, error) {
	type outcome struct {
		Attempt int32           `json:"attempt"`
		State   JobState        `json:"state"`
		DelayMs int64           `json:"delay_ms"`
		Snoozed bool            `json:"snoozed"`
		Error   json.RawMessage `json:"error,omitempty"`
	}
	byID := make(map[string]outcome, len(in))
	ids := make([]int64, len(in))
	for i, o := range in {
		ids[i] = o.ID
		byID[strconv.FormatInt(o.ID, 10)] = outcome{o.Attempt, o.State, o.Delay.Milliseconds(), o.Snoozed, o.Error}
	}
	raw, err := json.Marshal(byID)
	return dbsqlc.FinishJobsParams{IDs: ids, Outcomes: raw}, err
}

// LeaseRenewal is a running job whose lease a worker extended.
type LeaseRenewal = dbsqlc.RenewJobLeasesRow

// RenewJobLeases extends the leases of worker's running jobs by lease; a
// job missing from the result is no longer the worker's.
func RenewJobLeases(ctx context.Context, dbtx many.DBTX, worker string, ids []int64, lease time.Duration) ([]LeaseRenewal, error) {
	if len(ids) == 0 {
		return []LeaseRenewal{}, nil
	}
	rows, err := dbsqlc.New(dbtx).RenewJobLeases(ctx, dbsqlc.RenewJobLeasesParams{IDs: ids, Worker: worker, LeaseMs: int32(lease.Milliseconds())})
	if err != nil {
		return nil, failJobs("renew leases of", err)
	}
	return rows, nil
}

// RescuedJob is a job whose lease had expired, and the state it went to.
type RescuedJob = dbsqlc.RescueJobsRow

// RescueJobs puts back up to limit running jobs whose lease expired: to
// pending, or discarded when out of attempts, or cancelled when asked.
func RescueJobs(ctx context.Context, dbtx many.DBTX, limit int) ([]RescuedJob, error) {
	rows, err := dbsqlc.New(dbtx).RescueJobs(ctx, int32(limit))
	if err != nil {
		return nil, failJobs("rescue", err)
	}
	return rows, nil
}

// PruneJobs deletes up to limit jobs that finished before before and
// returns how many it deleted.
func PruneJobs(ctx context.Context, dbtx many.DBTX, before time.Time, limit int) (int, error) {
	ids, err := dbsqlc.New(dbtx).PruneJobs(ctx, dbsqlc.PruneJobsParams{Before: before, RowLimit: int32(limit)})
	if err != nil {
		return 0, failJobs("prune", err)
	}
	return len(ids), nil
}

// JobCount is how many jobs a queue has in a state.
type JobCount = dbsqlc.CountJobsRow

// CountJobs returns how many jobs each queue has in each state (states with
// none are left out).
func CountJobs(ctx context.Context, dbtx many.DBTX) ([]JobCount, error) {
	rows, err := dbsqlc.New(dbtx).CountJobs(ctx)
	if err != nil {
		return nil, failJobs("count", err)
	}
	return rows, nil
}

// QueueStats is what a queue did in a window of time (JobStats).
type QueueStats = dbsqlc.JobStatsRow

// JobStats returns, per queue, the jobs that finished in the last window
// by state, and the median and 99th percentile of their queue latency and
// run time.
func JobStats(ctx context.Context, dbtx many.DBTX, window time.Duration) ([]QueueStats, error) {
	rows, err := dbsqlc.New(dbtx).JobStats(ctx, window.Milliseconds())
	if err != nil {
		return nil, failJobs("stats of", err)
	}
	return rows, nil
}

// deref is what p points to, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// CommitAsynchronously makes conn's session commit without waiting for
// the WAL to reach disk: the worker's bookkeeping.
func CommitAsynchronously(ctx context.Context, dbtx many.DBTX) error {
	if err := dbsqlc.New(dbtx).CommitAsynchronously(ctx); err != nil {
		return fmt.Errorf("commit asynchronously: %w", err)
	}
	return nil
}
