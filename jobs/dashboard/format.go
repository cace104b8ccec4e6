package dashboard

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/larderhq/larder/internal/jobtext"
)

// funcs are the templates' helpers.
func (d *dashboard) funcs() template.FuncMap {
	return template.FuncMap{
		// url is a path of the dashboard: "jobs/42" -> "/admin/jobs/jobs/42".
		"url":   func(p string) string { return d.opts.Path + "/" + strings.TrimPrefix(p, "/") },
		"num":   formatCount,
		"ms":    jobtext.Millis,
		"span":  span,
		"rate":  func(perSecond float64) string { return strconv.FormatFloat(perSecond, 'f', 2, 64) },
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" },
		"ago":   func(t time.Time) string { return ago(d.now(), t) },
		"short": func(s string) string { return jobtext.FirstLine(s, 160) },
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
