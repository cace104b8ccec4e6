package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/seed"
)

func TestProgressIsABarOnATerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, true)
	start := time.Now().Add(-2 * time.Second)
	p.show(seed.Progress{Done: 500, Total: 1000, Started: start})
	p.show(seed.Progress{Done: 1000, Total: 1000, Started: start})
	p.done()

	draws := strings.Split(out.String(), "\r")[1:]
	require.Len(t, draws, 2, "redrawn in place")
	require.Regexp(t, `^\[#{15}\.{15}\]  50%  500/1000 rows  2\d\d rows/s  ETA 2s`, draws[0])
	require.Regexp(t, `^\[#{30}\] 100%  1000/1000 rows`, draws[1])
	require.True(t, strings.HasSuffix(out.String(), "\n"), "the line ends when it is done")
}

func TestProgressIsLinesElsewhere(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, false)
	start := time.Now().Add(-time.Second)
	for done := 0; done <= 1000; done += 100 {
		p.show(seed.Progress{Done: done, Total: 1000, Started: start})
	}
	p.done()

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2, "the first, then at most one every 2s, and the last")
	require.Regexp(t, `^synthetic rows: 0/1000 \(0%\)`, lines[0])
	require.Regexp(t, `^synthetic rows: 1000/1000 \(100%\), \d+ rows/s, 0s left$`, lines[1])
	require.NotContains(t, out.String(), "\r")
}
