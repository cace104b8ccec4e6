package telemetry

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/larderhq/larder/jobs"
)

// Attributes of the job queue's metrics and spans.
const (
	AttrJobKind    = attribute.Key("job.kind")
	AttrJobQueue   = attribute.Key("job.queue")
	AttrJobID      = attribute.Key("job.id")      // spans only
	AttrJobAttempt = attribute.Key("job.attempt") // spans only
	// AttrJobOutcome is jobs.Outcome's name: on spans and on the run
	// duration histogram.
	AttrJobOutcome = attribute.Key("job.outcome")
)

// Bucket boundaries of the duration histograms, in seconds: from a
// millisecond to an hour.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// JobObserver is a jobs.Observer that records the queue's metrics and a
// span per job run:
//
//	larder.jobs.enqueued         counter   {job}  jobs written by enqueues
//	larder.jobs.duplicates       counter   {job}  enqueues that found their unique key held
//	larder.jobs.completed        counter   {job}  runs that completed their job
//	larder.jobs.failed           counter   {job}  failed attempts to be retried
//	larder.jobs.discarded        counter   {job}  jobs failed for good
//	larder.jobs.cancelled        counter   {job}  jobs cancelled (by their handler, or on request)
//	larder.jobs.snoozed          counter   {job}  runs snoozed
//	larder.jobs.run.duration     histogram s      how long runs took (also job.outcome)
//	larder.jobs.queue.latency    histogram s      how long jobs waited once due
//
// each with the attributes job.kind and job.queue. A job's last failed
// attempt counts as discarded, not failed.
//
// A run's span, "run <kind>", of kind consumer, is the root of a trace of
// its own; the handler's context carries it, so the handler's statements
// (with a QueryTracer) are its children. It has the attributes job.id,
// job.kind, job.queue, job.attempt and job.outcome; a failed attempt
// (retried or discarded) has status Error and the error as an event.
type JobObserver struct {
	tracer trace.Tracer

	enqueued, duplicates                             metric.Int64Counter
	completed, failed, discarded, cancelled, snoozed metric.Int64Counter
	runDuration, queueLatency                        metric.Float64Histogram

	mu     sync.RWMutex
	series map[kindQueue]*series
}

var _ jobs.Observer = (*JobObserver)(nil)

type kindQueue struct{ kind, queue string }

// series holds what is computed once per kind and queue: the measurement
// options of its attributes and the name of its spans.
type series struct {
	add      []metric.AddOption
	record   []metric.RecordOption
	byEnd    [jobs.OutcomeLeaseLost + 1][]metric.RecordOption // with job.outcome too
	spanName string
	attrs    []attribute.KeyValue
}

// NewJobObserver returns a JobObserver that records through the
// MeterProvider and TracerProvider the options give (the global ones by
// default). It fails only if an instrument cannot be made.
func NewJobObserver(options ...Option) (*JobObserver, error) {
	c := configure(options)
	meter := c.meters.Meter(instrumentation)
	o := &JobObserver{tracer: c.tracers.Tracer(instrumentation), series: map[kindQueue]*series{}}
	var errs []error
	counter := func(name, desc string) metric.Int64Counter {
		m, err := meter.Int64Counter(name, metric.WithUnit("{job}"), metric.WithDescription(desc))
		errs = append(errs, err)
		return m
	}
	histogram := func(name, desc string) metric.Float64Histogram {
		m, err := meter.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		errs = append(errs, err)
		return m
	}
	o.enqueued = counter("larder.jobs.enqueued", "Jobs written by enqueues.")
	o.duplicates = counter("larder.jobs.duplicates", "Enqueues that found a job holding their unique key, and wrote nothing.")
	o.completed = counter("larder.jobs.completed", "Runs that completed their job.")
	o.failed = counter("larder.jobs.failed", "Failed attempts whose jobs are retried.")
	o.discarded = counter("larder.jobs.discarded", "Jobs failed for good: out of attempts, or a payload that cannot run.")
	o.cancelled = counter("larder.jobs.cancelled", "Jobs cancelled by their handler or on request.")
	o.snoozed = counter("larder.jobs.snoozed", "Runs snoozed by their handler.")
	o.runDuration = histogram("larder.jobs.run.duration", "How long runs took, from their start to their handler's return.")
	o.queueLatency = histogram("larder.jobs.queue.latency", "How long jobs waited in the queue once due, until a worker started them.")
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("job metrics: %w", err)
	}
	return o, nil
}

// JobsEnqueued counts jobs written, and duplicates.
func (o *JobObserver) JobsEnqueued(ctx context.Context, e jobs.EnqueuedJobs) {
	s := o.of(e.Kind, e.Queue)
	if e.Written > 0 {
		o.enqueued.Add(ctx, int64(e.Written), s.add...)
	}
	if e.Duplicates > 0 {
		o.duplicates.Add(ctx, int64(e.Duplicates), s.add...)
	}
}

// RunStarted records the job's queue latency and starts its span.
func (o *JobObserver) RunStarted(ctx context.Context, run jobs.Run) context.Context {
	s := o.of(run.Kind, run.Queue)
	o.queueLatency.Record(ctx, run.QueueLatency().Seconds(), s.record...)
	ctx, span := o.tracer.Start(ctx, s.spanName, trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(s.attrs...))
	if span.IsRecording() {
		span.SetAttributes(AttrJobID.Int64(run.ID), AttrJobAttempt.Int(int(run.Attempt)))
	}
	return ctx
}

// RunEnded counts the outcome, records the run's duration and ends its
// span.
func (o *JobObserver) RunEnded(ctx context.Context, run jobs.Run, end jobs.RunEnd) {
	s := o.of(run.Kind, run.Queue)
	switch end.Outcome {
	case jobs.OutcomeCompleted:
		o.completed.Add(ctx, 1, s.add...)
	case jobs.OutcomeRetried:
		o.failed.Add(ctx, 1, s.add...)
	case jobs.OutcomeDiscarded:
		o.discarded.Add(ctx, 1, s.add...)
	case jobs.OutcomeCancelled:
		o.cancelled.Add(ctx, 1, s.add...)
	case jobs.OutcomeSnoozed:
		o.snoozed.Add(ctx, 1, s.add...)
	}
	record := s.record
	if int(end.Outcome) < len(s.byEnd) && s.byEnd[end.Outcome] != nil {
		record = s.byEnd[end.Outcome]
	}
	o.runDuration.Record(ctx, end.Duration.Seconds(), record...)

	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(AttrJobOutcome.String(end.Outcome.String()))
	if (end.Outcome == jobs.OutcomeRetried || end.Outcome == jobs.OutcomeDiscarded) && end.Err != nil {
		span.RecordError(end.Err)
		span.SetStatus(codes.Error, end.Err.Error())
	}
	span.End()
}

// of returns the series of a kind and queue, made on first use.
func (o *JobObserver) of(kind, queue string) *series {
	key := kindQueue{kind, queue}
	o.mu.RLock()
	s, ok := o.series[key]
	o.mu.RUnlock()
	if ok {
		return s
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.series[key]; ok {
		return s
	}
	attrs := []attribute.KeyValue{AttrJobKind.String(kind), AttrJobQueue.String(queue)}
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	s = &series{add: []metric.AddOption{set}, record: []metric.RecordOption{set}, spanName: "run " + kind, attrs: attrs}
	for outcome := jobs.OutcomeCompleted; outcome <= jobs.OutcomeLeaseLost; outcome++ {
		withOutcome := append(append([]attribute.KeyValue{}, attrs...), AttrJobOutcome.String(outcome.String()))
		s.byEnd[outcome] = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(withOutcome...))}
	}
	o.series[key] = s
	return s
}
