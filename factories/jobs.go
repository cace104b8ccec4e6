package factories

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// JobBuilder builds pending jobs: kind "test.noop" with a small payload,
// due now, unless traits say otherwise.
type JobBuilder struct {
	Factory[store.NewJob, store.Job]
}

// Job starts a job.
func Job() JobBuilder {
	return JobBuilder{New(func(s Seq) store.NewJob {
		return store.NewJob{Kind: "test.noop", Payload: json.RawMessage(fmt.Sprintf(`{"n": %d}`, s.N))}
	}, store.InsertJobs)}
}

func (b JobBuilder) set(change func(*store.NewJob)) JobBuilder { return JobBuilder{b.Set(change)} }

// Kind sets the job's kind; Queue puts it in a queue.
func (b JobBuilder) Kind(kind string) JobBuilder {
	return b.set(func(j *store.NewJob) { j.Kind = kind })
}
func (b JobBuilder) Queue(queue string) JobBuilder {
	return b.set(func(j *store.NewJob) { j.Queue = queue })
}

// Priority sets the priority, 1 (first) to 4.
func (b JobBuilder) Priority(p int16) JobBuilder {
	return b.set(func(j *store.NewJob) { j.Priority = p })
}

// Payload sets the JSON payload.
func (b JobBuilder) Payload(payload json.RawMessage) JobBuilder {
	return b.set(func(j *store.NewJob) { j.Payload = payload })
}

// In schedules the job d from now.
func (b JobBuilder) In(d time.Duration) JobBuilder {
	return b.set(func(j *store.NewJob) { j.RunAt = ptrTo(time.Now().Add(d)) })
}

// MaxAttempts sets how many times the job may run.
func (b JobBuilder) MaxAttempts(n int32) JobBuilder {
	return b.set(func(j *store.NewJob) { j.MaxAttempts = n })
}

// UniqueBy gives the job a unique key, held while it is pending, running
// or completed.
func (b JobBuilder) UniqueBy(key string) JobBuilder {
	return b.set(func(j *store.NewJob) { j.UniqueKey = key })
}
