package agents

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

// Runner carries out generations in a worker: register its jobs with
// RegisterJobs and run the Queue.
type Runner struct {
	pool   many.DBTX
	model  Model // nil: none configured, and generations fail with ErrNoModel
	agents map[string]definition
	log    *slog.Logger
}

// RunnerOption configures a Runner.
type RunnerOption func(*Runner)

// WithLogger sets the Runner's logger (default slog.Default()).
func WithLogger(log *slog.Logger) RunnerOption { return func(r *Runner) { r.log = log } }

// NewRunner returns a Runner that runs the generations of the given agents
// in pool with model (nil when none is configured: their generations then
// fail with ErrNoModel). An agent whose definition is broken, or two of
// one name, is an error.
func NewRunner(pool many.DBTX, model Model, agents []Definition, opts ...RunnerOption) (*Runner, error) {
	if v := reflect.ValueOf(model); model != nil && v.Kind() == reflect.Pointer && v.IsNil() {
		model = nil // a nil *chat.Client is no model, not one that panics
	}
	r := &Runner{pool: pool, model: model, agents: map[string]definition{}, log: slog.Default()}
	for _, opt := range opts {
		opt(r)
	}
	for _, a := range agents {
		if err := a.Err(); err != nil {
			return nil, err
		}
		if _, taken := r.agents[a.Name()]; taken {
			return nil, fmt.Errorf("agents: two agents are named %q", a.Name())
		}
		r.agents[a.Name()] = a
	}
	return r, nil
}

// Definition is any defined agent (an *Agent[In, Out]).
type Definition interface{ definition }

// RegisterJobs registers the handler of generation jobs.
func (r *Runner) RegisterJobs(reg *jobs.Registry) { jobs.Handle(reg, Kind, r.run) }

// run is one run of a generation's job.
func (r *Runner) run(ctx context.Context, job jobs.Job[jobPayload]) error {
	owner := job.Payload.OwnerID
	started, err := db.StartGenerations(ctx, r.pool, owner, []int64{job.ID})
	if err != nil {
		return err
	}
	if len(started) == 0 {
		return nil // it succeeded or failed already, or was deleted
	}
	g := started[0]
	log := r.log.With("generation", g.ID, "agent", g.Agent, "job", job.ID, "attempt", g.Attempts)
	def, ok := r.agents[g.Agent]
	switch {
	case !ok:
		// Perhaps a worker of an older release, during a deploy: the job
		// is retried, and one that knows the agent may take it.
		err := fmt.Errorf("no agent %q is registered with this worker's Runner", g.Agent)
		r.finish(g, db.GenerationStatusPending, db.GenerationResult{}, fmt.Sprintf("attempt %d: %v (retrying)", job.Attempt, err))
		return err
	case r.model == nil:
		return r.fail(g, db.GenerationResult{}, ErrNoModel)
	}

	result, err := r.generate(ctx, def, g)
	if err == nil {
		log.InfoContext(ctx, "generation succeeded", "model", result.Model, "latency_ms", result.LatencyMs,
			"prompt_tokens", result.PromptTokens, "completion_tokens", result.CompletionTokens)
		return r.finish(g, db.GenerationStatusSucceeded, result, "")
	}
	if ctx.Err() != nil {
		r.interrupted(g, result, job, context.Cause(ctx))
		return err
	}
	again, wait := temporary(err)
	if !again || job.Attempt >= job.MaxAttempts {
		log.WarnContext(ctx, "generation failed", "error", err)
		return r.fail(g, result, err)
	}
	log.WarnContext(ctx, "generation will be retried", "error", err, "retry_after", wait)
	r.finish(g, db.GenerationStatusPending, result, fmt.Sprintf("attempt %d: %s (retrying)", job.Attempt, reason(err)))
	if wait > 0 {
		return jobs.RetryAfter(wait, err)
	}
	return err
}

// interrupted records a run cut short: back to pending when the job will
// run again (a shutdown, a lost lease, a timeout with attempts left),
// failed when it will not (a cancellation, a timeout on the last attempt).
func (r *Runner) interrupted(g db.Generation, res db.GenerationResult, job jobs.Job[jobPayload], cause error) {
	switch {
	case errors.Is(cause, jobs.ErrCancelRequested):
		r.finish(g, db.GenerationStatusFailed, res, "cancelled: its job was cancelled")
	case errors.Is(cause, jobs.ErrShutdown), errors.Is(cause, jobs.ErrLeaseLost), job.Attempt < job.MaxAttempts:
		r.finish(g, db.GenerationStatusPending, res, "interrupted: "+cause.Error())
	default:
		r.finish(g, db.GenerationStatusFailed, res, cause.Error())
	}
}

// generate asks the model until an answer holds or the repairs run out.
// Its result counts the tokens and latency of every call.
func (r *Runner) generate(ctx context.Context, def definition, g db.Generation) (db.GenerationResult, error) {
	var res db.GenerationResult
	req, err := def.completion(g.Input)
	if err != nil {
		return res, err
	}
	for try := 0; ; try++ {
		start := time.Now()
		reply, err := r.model.Complete(ctx, req)
		res.LatencyMs += int32(time.Since(start).Milliseconds())
		res.PromptTokens += int32(min(max(reply.PromptTokens, 0), 1<<24))
		res.CompletionTokens += int32(min(max(reply.CompletionTokens, 0), 1<<24))
		if reply.Model != "" {
			model := clip(reply.Model)
			res.Model = &model
		}
		if err != nil {
			return res, err
		}
		out, err := def.parse(g.Input, reply.Content)
		if err == nil {
			res.Output = out
			return res, nil
		}
		var bad *InvalidAnswerError
		if !errors.As(err, &bad) {
			return res, err
		}
		if reply.Truncated {
			bad.Reasons = append([]string{"the answer was cut off at the token limit: answer shorter"}, bad.Reasons...)
		}
		if try == def.repairs() {
			return res, fmt.Errorf("the model's answer did not hold after %d tries: %w", try+1, bad)
		}
		req.Messages = append(req.Messages,
			Message{RoleAssistant, reply.Content},
			Message{RoleUser, "That answer is not valid: " + bad.Error() + ". Answer again with the whole corrected JSON object, following the schema."})
	}
}

// fail records that the generation failed for good, and tells the queue
// not to run its job again.
func (r *Runner) fail(g db.Generation, res db.GenerationResult, cause error) error {
	if err := r.finish(g, db.GenerationStatusFailed, res, reason(cause)); err != nil {
		return err
	}
	return jobs.Cancel(cause)
}

// reason is what a generation's error says of err, for the person who
// asked: a model call's Summary, not the server's or the network's words
// (the logs and the job's history keep those).
func reason(err error) string {
	var me *ModelError
	if errors.As(err, &me) {
		return "model call: " + me.Summary
	}
	return err.Error()
}

// finish records how the run ended, fenced by the run's attempt. It
// writes even when the run's context has ended (a shutdown must still put
// the row back to pending), within a few seconds of its own.
func (r *Runner) finish(g db.Generation, status db.GenerationStatus, res db.GenerationResult, reason string) error {
	if status != db.GenerationStatusSucceeded {
		res.Output = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	outcome := db.GenerationOutcome{ID: g.ID, Attempt: g.Attempts, Status: status, GenerationResult: res}
	if reason != "" {
		why := clip(reason)
		outcome.Error = &why
	}
	_, err := db.FinishGenerations(ctx, r.pool, g.OwnerID, []db.GenerationOutcome{outcome})
	if err != nil {
		r.log.Error("recording a generation's outcome failed", "generation", g.ID, "status", status, "error", err)
	}
	return err
}

// clip makes a model's or server's text fit for a generation's row: at
// most 500 bytes of valid UTF-8 without NUL bytes.
func clip(s string) string {
	const limit = 500
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= limit {
		return strings.ToValidUTF8(s, "")
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}
