// Package telemetry reports what Larder does to OpenTelemetry: the job
// queue's metrics and a span per job run (JobObserver, a jobs.Observer),
// and a span per database statement of a pool (QueryTracer, a pgx tracer).
//
// Data enters through the hooks Larder's packages offer, and leaves
// through the MeterProvider and TracerProvider given (by default the
// OpenTelemetry globals, otel.GetMeterProvider and otel.GetTracerProvider):
// this package sets up no exporter and no SDK. Until an application
// installs one, the globals drop everything, cheaply.
//
//	observer, err := telemetry.NewJobObserver()
//	client := jobs.NewClient(jobs.WithObserver(observer))
//	acts := actions.New(pool, actions.WithJobs(client))
//	worker, err := jobs.NewWorker(pool, registry, jobs.Config{Observer: observer})
//	pool, err := db.Open(ctx, url, db.WithTracer(telemetry.NewQueryTracer()))
//
// Only this package imports OpenTelemetry: packages jobs, db and many
// know the hooks, not the SDK.
package telemetry

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation is the name of the meter and tracer this package uses
// (the instrumentation scope).
const instrumentation = "github.com/larderhq/larder/telemetry"

// An Option changes what NewJobObserver or NewQueryTracer make.
type Option func(*config)

type config struct {
	meters          metric.MeterProvider
	tracers         trace.TracerProvider
	onlyWithinSpans bool
}

// WithMeterProvider records metrics through mp rather than the global
// MeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.meters = mp }
}

// WithTracerProvider records spans through tp rather than the global
// TracerProvider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tracers = tp }
}

// OnlyWithinSpans makes a QueryTracer trace a statement only when its
// context already carries a span (a request's, a job run's): statements
// outside any trace, such as a job worker's own bookkeeping (fetching
// jobs, recording outcomes, leases, maintenance), then make no spans.
// NewJobObserver ignores it.
func OnlyWithinSpans() Option {
	return func(c *config) { c.onlyWithinSpans = true }
}

func configure(options []Option) config {
	var c config
	for _, option := range options {
		option(&c)
	}
	if c.meters == nil {
		c.meters = otel.GetMeterProvider()
	}
	if c.tracers == nil {
		c.tracers = otel.GetTracerProvider()
	}
	return c
}
