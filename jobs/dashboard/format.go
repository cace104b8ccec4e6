package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// funcs are the templates' helpers.
func (d *dashboard) funcs() template.FuncMap {
	return template.FuncMap{
		// url is a path of the dashboard: "jobs/42" -> "/admin/jobs/jobs/42".
		"url":   func(p string) string { return d.opts.Path + "/" + strings.TrimPrefix(p, "/") },
		"num":   formatCount,
		"ms":    formatMs,
		"span":  span,
		"rate":  func(perSecond float64) string { return strconv.FormatFloat(perSecond, 'f', 2, 64) },
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" },
		"ago":   func(t time.Time) string { return ago(d.now(), t) },
		"short": func(s string) string { return firstLine(s, 160) },
		"deref": func(t *time.Time) time.Time { return *t },
	}
}

// formatCount writes n with thousands separated by commas.
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatMs writes a number of milliseconds as a duration of a few
// significant digits: 0.42ms, 12.5ms, 1.25s, 2m3s.
func formatMs(ms float64) string {
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

// span writes a window's duration without its zero units: 5m, 1h30m.
func span(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ago writes how long before now t was ("3m ago"), or after ("in 20s").
func ago(now, t time.Time) string {
	d := now.Sub(t)
	suffix, prefix := " ago", ""
	if d < 0 {
		d, suffix, prefix = -d, "", "in "
	}
	var s string
	switch {
	case d < time.Second:
		return "now"
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh", int(d.Hours()))
	default:
		s = fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	return prefix + s + suffix
}

// firstLine is s's first line, cut to at most n characters.
func firstLine(s string, n int) string {
	line, _, more := strings.Cut(s, "\n")
	if utf8.RuneCountInString(line) > n {
		line, more = string([]rune(line)[:n]), true
	}
	if more {
		line += "…"
	}
	return line
}

// indentJSON indents a payload for reading; one that is not JSON is shown
// as it is.
func indentJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}
