package factories

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/larderhq/larder/db"
)

// JobBuilder builds pending jobs: kind "test.noop" with a small payload,
// due now, unless traits say otherwise.
type JobBuilder struct {
	traits traits[db.NewJob]
}

// Job starts a job.
func Job() JobBuilder { return JobBuilder{} }

func (b JobBuilder) set(f func(*db.NewJob)) JobBuilder {
	b.traits = b.traits.with(func(j *db.NewJob, _ *rand.Rand) { f(j) })
	return b
}

// Kind sets the job's kind.
func (b JobBuilder) Kind(kind string) JobBuilder { return b.set(func(j *db.NewJob) { j.Kind = kind }) }

// Queue puts the job in a queue.
func (b JobBuilder) Queue(queue string) JobBuilder {
	return b.set(func(j *db.NewJob) { j.Queue = queue })
}

// Priority sets the priority, 1 (first) to 4.
func (b JobBuilder) Priority(p int16) JobBuilder { return b.set(func(j *db.NewJob) { j.Priority = p }) }

// Payload sets the JSON payload.
func (b JobBuilder) Payload(payload json.RawMessage) JobBuilder {
	return b.set(func(j *db.NewJob) { j.Payload = payload })
}

// In schedules the job d from now.
func (b JobBuilder) In(d time.Duration) JobBuilder {
	return b.set(func(j *db.NewJob) { j.RunAt = time.Now().Add(d) })
}

// MaxAttempts sets how many times the job may run.
func (b JobBuilder) MaxAttempts(n int32) JobBuilder {
	return b.set(func(j *db.NewJob) { j.MaxAttempts = n })
}

// UniqueBy gives the job a unique key, held while it is pending, running
// or completed.
func (b JobBuilder) UniqueBy(key string) JobBuilder {
	return b.set(func(j *db.NewJob) { j.UniqueKey = key })
}

// Build returns a job to insert.
func (b JobBuilder) Build() db.NewJob {
	n, r := next()
	j := db.NewJob{Kind: "test.noop", Payload: json.RawMessage(fmt.Sprintf(`{"n": %d}`, n))}
	b.traits.apply(&j, r)
	return j
}

// BuildMany returns n jobs to insert, each built as Build does.
func (b JobBuilder) BuildMany(n int) []db.NewJob {
	out := make([]db.NewJob, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one job.
func (b JobBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.Job, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n jobs in one statement.
func (b JobBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.Job, error) {
	in := b.BuildMany(n)
	return db.InsertJobs(ctx, dbtx, in)
}

// MustCreate is Create that fails the test on error.
func (b JobBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.Job {
	t.Helper()
	return must[db.Job](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b JobBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.Job {
	t.Helper()
	return must[[]db.Job](t)(b.CreateMany(t.Context(), dbtx, n))
}
