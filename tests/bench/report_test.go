package main

import (
	"testing"
	"time"
)

func TestRatioIsTheMedianOfRoundPairs(t *testing.T) {
	ms := func(ds ...int) []time.Duration {
		out := make([]time.Duration, len(ds))
		for i, d := range ds {
			out[i] = time.Duration(d) * time.Millisecond
		}
		return out
	}
	r := &report{}
	r.add("insert", "base", 10, result{Times: ms(100, 100, 300, 100)})
	// Round by round the way takes 2×, 4×, 1× (a slow spell on both) and
	// 2× the base's time.
	r.add("insert", "way", 10, result{Times: ms(200, 400, 300, 200)})
	r.add("insert", "odd", 10, result{Times: ms(50, 400, 100)})
	r.add("insert", "none", 10, result{})
	for _, c := range []struct {
		way  string
		want float64
	}{
		{"way", 0.5},   // median of 0.25, 0.5, 0.5, 1
		{"odd", 2},     // the three rounds both ran: 2, 0.25, 3
		{"base", 1},    // itself
		{"none", 0},    // no runs
		{"missing", 0}, // no result
	} {
		if got := r.ratio("insert", c.way, "base", 10); got != c.want {
			t.Errorf("ratio of %s = %v, want %v", c.way, got, c.want)
		}
	}
	if got := r.ratio("insert", "base", "none", 10); got != 0 {
		t.Errorf("ratio to a base without runs = %v, want 0", got)
	}
}
