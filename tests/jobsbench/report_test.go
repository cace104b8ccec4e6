package main

import (
	"strings"
	"testing"
	"time"
)

func TestCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want string
	}{
		{"rate to three figures", rate(187_456), "187,000"},
		{"small rate", rate(953.4), "953"},
		{"rates: median and range", rateCell([]float64{48_210, 50_140, 46_930}), "48,200 (46,900–50,100)"},
		{"ratios: median and range", ratioCell([]float64{1.9, 1.75, 1.81}), "1.81× (1.75–1.90)"},
		{"even count: the middle two's mean", ratioCell([]float64{1, 2, 3, 4}), "2.50× (1.00–4.00)"},
		{"no runs", rateCell(nil), "–"},
		{"latency", formatDuration(1234 * time.Microsecond), "1.23 ms"},
		{"thousands", thousands(100_000), "100,000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.give != tt.want {
				t.Errorf("got %q, want %q", tt.give, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ds := make([]time.Duration, 200)
	for i := range ds {
		ds[i] = time.Duration(200-i) * time.Millisecond // 1 to 200 ms, reversed
	}
	if got := percentile(ds, 50); got != 100*time.Millisecond {
		t.Errorf("median: got %v, want 100ms", got)
	}
	if got := percentile(ds, 99); got != 198*time.Millisecond {
		t.Errorf("p99: got %v, want 198ms (nearest rank)", got)
	}
}

func TestNextPoll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		left int
		rate float64
		want time.Duration
	}{
		{"no rate yet: the longest wait", 100_000, 0, maxPoll},
		{"far from the end: the longest wait", 90_000, 30_000, maxPoll},
		{"half the time left", 6_000, 30_000, 100 * time.Millisecond},
		{"near the end: the shortest wait", 30, 30_000, pollEvery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := nextPoll(tt.left, tt.rate); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReport writes a report of made-up runs: the ratios are paired round
// by round, and the command shown is make's.
func TestReport(t *testing.T) {
	t.Parallel()
	comps := comparisons(1000, []int{100, 1000})
	runs := map[runKey][]runResult{}
	for _, c := range comps {
		runs[runKey{c.name, sideLarder}] = []runResult{{200_000, 50_000}, {190_000, 44_000}, {180_000, 60_000}}
		runs[runKey{c.name, sideRiver}] = []runResult{{100_000, 25_000}, {100_000, 22_000}, {100_000, 40_000}}
	}
	r := &report{
		opts:          options{n: 100_000, runs: 3, pool: 20, best: 1000, command: "go run . -runs 3 -out /x/docs/BENCHMARKS-jobs.md"},
		comparisons:   comps,
		throughput:    &throughput{runs: runs, polls: []time.Duration{5 * time.Millisecond}, counts: []float64{12}},
		latencies:     map[setup][]time.Duration{larderAt(0): {time.Millisecond}, riverBest(): {2 * time.Millisecond}},
		larderDefault: 100,
		scale: map[int][]scaleResult{
			1: {{workers: 1, pool: 20, burnDown: 5000, peakConns: 24, waited: 0.9}, {workers: 1, pool: 20, burnDown: 6000, peakConns: 25, waited: 0.95}},
			2: {{workers: 2, pool: 20, burnDown: 4000, peakConns: 48, waited: 0.97}, {workers: 2, pool: 20, burnDown: 4400, peakConns: 47, waited: 0.99}},
		},
		maxConns: 97,
	}
	r.opts.scale = []int{1, 2}
	var b strings.Builder
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# go -C tests/jobsbench run . -runs 3 -out docs/BENCHMARKS-jobs.md",
		"| enqueue | synchronous_commit on | 190,000 (180,000–200,000) | 100,000 (100,000–100,000) | 1.90× (1.80–2.00) |",
		"| burn-down | each side's best: Larder 1,000 workers; River 2,000 workers, 2ms fetch cooldown, 20ms poll | 50,000 (44,000–60,000) | 25,000 (22,000–40,000) | 2.00× (1.50–2.00) |",
		"| 100 | 50,000 (44,000–60,000) | 25,000 (22,000–40,000) | 2.00× (1.50–2.00) | 1.00 |",
		"| 1 | 20 | 25 | 5,500 (5,000–6,000) | 1.00 | 92% |",
		"| 2 | 20 | 48 | 4,200 (4,000–4,400) | 0.76 | 98% |",
		"| each side's defaults: Larder `jobs.Config{}` (100 workers); River 100 workers, River's default fetch cooldown (100 ms) and poll (1 s) | 0 |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
}
