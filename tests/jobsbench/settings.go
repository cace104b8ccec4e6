package main

import (
	"fmt"
	"slices"
	"time"
)

// The two sides.
const (
	sideLarder = "Larder"
	sideRiver  = "River"
)

// setup is one side at one setting: what a run opens.
type setup struct {
	side    string
	workers int // jobs run at once; 0: Larder's default (jobs.Config{})
	// River's fetch settings (0: River's defaults, 100 ms and 1 s).
	fetchCooldown, fetchPoll time.Duration
	asyncCommit              bool // synchronous_commit=off on the side's pool
}

// River's own benchmark's settings (`river bench`, riverbench.go): the
// most throughput it gets.
const (
	riverBestWorkers  = 2000
	riverBestCooldown = 2 * time.Millisecond
	riverBestPoll     = 20 * time.Millisecond
	// riverDefaultWorkers is the concurrency River's documentation
	// configures (River has no default: a queue must name its MaxWorkers).
	riverDefaultWorkers = 100
)

func riverBest() setup {
	return setup{side: sideRiver, workers: riverBestWorkers, fetchCooldown: riverBestCooldown, fetchPoll: riverBestPoll}
}

func larderAt(workers int) setup { return setup{side: sideLarder, workers: workers} }

// comparison is a setting of each side, run one after the other in each
// round and compared round by round.
type comparison struct {
	name          string
	larder, river setup
	main          bool // a row of the throughput table
	sweep         bool // a row of the concurrency table
}

// comparisons are the throughput table's rows (Larder's defaults against
// River's best, each side's best, and each side's best with
// synchronous_commit off for both), then the concurrency table's: Larder
// at each concurrency of sweep against River's best (the best's row
// stands for its concurrency).
func comparisons(best int, sweep []int) []comparison {
	async := func(s setup) setup { s.asyncCommit = true; return s }
	out := []comparison{
		{name: "Larder's defaults, River's best", larder: larderAt(0), river: riverBest(), main: true},
		{name: "each side's best", larder: larderAt(best), river: riverBest(), main: true, sweep: slices.Contains(sweep, best)},
		{name: "each side's best, synchronous_commit=off", larder: async(larderAt(best)), river: async(riverBest()), main: true},
	}
	for _, n := range sweep {
		if n != best {
			out = append(out, comparison{name: fmt.Sprintf("Larder at %d workers", n), larder: larderAt(n), river: riverBest(), sweep: true})
		}
	}
	return out
}

// latencyComparisons are the latency table's rows: each side's defaults,
// and each side's best.
func latencyComparisons(best int) []comparison {
	return []comparison{
		{name: "each side's defaults", larder: larderAt(0), river: setup{side: sideRiver, workers: riverDefaultWorkers}},
		{name: "each side's best", larder: larderAt(best), river: riverBest()},
	}
}

// describe says what a setup runs, for the report.
func (s setup) describe(larderDefault int) string {
	var text string
	switch {
	case s.side == sideLarder && s.workers == 0:
		text = fmt.Sprintf("`jobs.Config{}` (%s workers)", thousands(larderDefault))
	case s.side == sideLarder:
		text = fmt.Sprintf("%s workers", thousands(s.workers))
	case s.fetchCooldown == 0 && s.fetchPoll == 0:
		text = fmt.Sprintf("%s workers, River's default fetch cooldown (100 ms) and poll (1 s)", thousands(s.workers))
	default:
		text = fmt.Sprintf("%s workers, %v fetch cooldown, %v poll", thousands(s.workers), s.fetchCooldown, s.fetchPoll)
	}
	if s.asyncCommit {
		text += ", synchronous_commit=off"
	}
	return text
}
