// Package jobtext writes a job's fields for people to read: the tables of
// the larder jobs command and the pages of package jobs/dashboard show
// them alike.
package jobtext

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Millis writes a number of milliseconds as a duration of a few
// significant digits: 421µs, 12.35ms, 1.23s, 2m3s.
func Millis(ms float64) string {
	d := time.Duration(ms * float64(time.Millisecond))
	switch {
	case d >= time.Minute:
		d = d.Round(time.Second)
	case d >= time.Second:
		d = d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		d = d.Round(10 * time.Microsecond)
	default:
		d = d.Round(time.Microsecond)
	}
	return d.String()
}

// FirstLine is s's first line, cut to at most n characters, with an
// ellipsis when anything was left out.
func FirstLine(s string, n int) string {
	line, _, more := strings.Cut(s, "\n")
	if r := []rune(line); len(r) > n {
		line, more = string(r[:n]), true
	}
	if more {
		line += "…"
	}
	return line
}

// IndentJSON indents a JSON document (a payload) for reading; what is not
// JSON is returned as it is.
func IndentJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}
