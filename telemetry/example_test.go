package telemetry_test

import (
	"context"
	"fmt"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/telemetry"
)

// A JobObserver records through the MeterProvider it is given (here the
// SDK's, read in memory; in an application, one with an exporter, or the
// global one an application sets up). jobs.NewClient(jobs.WithObserver(o))
// and jobs.Config{Observer: o} call it; here it is called by hand.
func ExampleNewJobObserver() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	observer, err := telemetry.NewJobObserver(
		telemetry.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	if err != nil {
		panic(err)
	}

	observer.JobsEnqueued(ctx, jobs.EnqueuedJobs{Kind: "pantry.expiry-digest", Queue: "default", Written: 3})

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
			kind, _ := p.Attributes.Value(telemetry.AttrJobKind)
			queue, _ := p.Attributes.Value(telemetry.AttrJobQueue)
			fmt.Println(m.Name, kind.AsString(), queue.AsString(), p.Value)
		}
	}
	// Output:
	// larder.jobs.enqueued pantry.expiry-digest default 3
}
