// Package dashboard serves an HTML page for the job queue: the jobs per
// queue and state, the throughput and latency of the last minutes, the
// recent failures with their errors, lists of jobs by state, queue and
// kind, and a page per job (its payload, attempts and error history) with
// Retry and Cancel buttons.
//
// Data enters through package jobs' admin API (Client.Counts, Stats,
// Failed, List, Get, Retry, Cancel) on the pool or transaction given to
// New, and leaves as HTML rendered by html/template (which escapes every
// value) with one embedded stylesheet: no JavaScript, no build step. The
// buttons are plain forms that POST and redirect back.
//
// An application mounts it in its own server:
//
//	mux.Handle("/admin/jobs/", dashboard.New(pool, dashboard.Options{Path: "/admin/jobs", Token: token}))
//
// and `larder jobs serve` runs it on its own. Security: with a Token,
// every request needs it (Options.Token); POSTs are refused when they
// come from another origin (net/http's CrossOriginProtection); responses
// forbid framing and scripts and are not cached.
package dashboard

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/larderhq/larder/internal/jobtext"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Defaults of Options' zero fields.
const (
	DefaultWindow   = 5 * time.Minute
	DefaultFailures = 20
	// pageSize is how many jobs a list page shows.
	pageSize = 50
)

// Options configure a dashboard. The zero Options serve it at the root,
// with no token.
type Options struct {
	// Path is where the dashboard is mounted ("/admin/jobs"), "" for the
	// root: its links and its cookie's path start with it, and New strips
	// it from the requests' paths.
	Path string
	// Token, when set, is required of every request: as a cookie the
	// dashboard sets when a page is opened with ?token=TOKEN (the page is
	// then reloaded without it), or as "Authorization: Bearer TOKEN". It
	// is compared in constant time. Without a token, guard the dashboard
	// as the rest of the server (Larder's command binds it to loopback).
	Token string
	// Window is the span of the overview's throughput and latency
	// (DefaultWindow for 0).
	Window time.Duration
	// Failures is how many recent failures the overview lists
	// (DefaultFailures for 0).
	Failures int
	// Client is the jobs client to call (a new one for nil).
	Client *jobs.Client
	// Logger logs the errors behind a 500 page (slog.Default() for nil).
	Logger *slog.Logger
}

// dashboard serves the pages; its fields are fixed at New.
type dashboard struct {
	dbtx   many.DBTX
	opts   Options
	client *jobs.Client
	log    *slog.Logger
	pages  map[string]*template.Template
	now    func() time.Time
}

// New returns the dashboard of the jobs in dbtx (a pool: it begins its
// own transactions for Retry and Cancel).
//
// Routes, under opts.Path:
//
//	GET  /                 overview: counts per queue and state, stats, recent failures
//	GET  /jobs             jobs by ?state=, ?queue=, ?kind=, a page at a time (?after=)
//	GET  /jobs/{id}        one job: payload, attempts, error history, buttons
//	POST /jobs/{id}/retry  retry it (if finished), back to its page
//	POST /jobs/{id}/cancel cancel it (if pending or running), back to its page
//	GET  /static/style.css the stylesheet
func New(dbtx many.DBTX, opts Options) http.Handler {
	opts.Path = strings.TrimRight(opts.Path, "/")
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Failures <= 0 {
		opts.Failures = DefaultFailures
	}
	d := &dashboard{dbtx: dbtx, opts: opts, client: opts.Client, log: opts.Logger, now: time.Now}
	if d.client == nil {
		d.client = jobs.NewClient()
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.pages = parsePages(d.funcs())

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.overview)
	mux.HandleFunc("GET /jobs", d.list)
	mux.HandleFunc("GET /jobs/{id}", d.job)
	mux.HandleFunc("POST /jobs/{id}/retry", d.retry)
	mux.HandleFunc("POST /jobs/{id}/cancel", d.cancel)
	static, _ := fs.Sub(staticFiles, "static") // a literal directory: cannot fail
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	var h http.Handler = mux
	if opts.Path != "" {
		h = mountAt(opts.Path, mux)
	}
	return guard(opts, h)
}

// mountAt strips path from requests, and sends the mount point without
// its slash to the overview.
func mountAt(path string, h http.Handler) http.Handler {
	stripped := http.StripPrefix(path, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			http.Redirect(w, r, path+"/", http.StatusMovedPermanently)
			return
		}
		stripped.ServeHTTP(w, r)
	})
}

// parsePages parses each page with the layout, into a template of its own
// (every page defines "content").
func parsePages(funcs template.FuncMap) map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, name := range []string{"overview", "list", "job", "error"} {
		pages[name] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// page is what the layout needs, and the page's own data.
type page struct {
	Title string
	Nav   string // the nav entry to mark: "overview" or "jobs"
	Now   time.Time
	Data  any
}

// render writes a page; a template error (a bug) becomes a 500.
func (d *dashboard) render(w http.ResponseWriter, status int, name string, p page) {
	p.Now = d.now()
	var b strings.Builder
	if err := d.pages[name].Execute(&b, p); err != nil {
		d.log.Error("jobs dashboard: render", "page", name, "error", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// fail renders an error page: the message for a client's mistake (4xx),
// a generic one for the server's (the error is logged).
func (d *dashboard) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := err.Error()
	if status >= 500 {
		d.log.Error("jobs dashboard", "method", r.Method, "path", r.URL.Path, "error", err)
		msg = "The dashboard could not read the queue; the server's log has the error."
	}
	d.render(w, status, "error", page{Title: http.StatusText(status), Data: msg})
}

// queueCounts is a row of the overview's counts: one queue's jobs per
// state, in States' order.
type queueCounts struct {
	Queue string
	Cells []countCell
	Total int64
}

type countCell struct {
	Queue string
	State jobs.State
	Jobs  int64
}

// queueStats is a row of the overview's stats.
type queueStats struct {
	jobs.QueueStats
	Finished  int64
	PerSecond float64
}

// failure is a row of the overview's recent failures.
type failure struct {
	Job       jobs.Row
	At        *time.Time // when it finished, or last ran
	LastError *jobs.AttemptError
}

type overviewData struct {
	States   []jobs.State
	Queues   []queueCounts
	Totals   queueCounts
	Window   time.Duration
	Stats    []queueStats
	Failures []failure
}

func (d *dashboard) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	counts, err := d.client.Counts(ctx, d.dbtx)
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	stats, err := d.client.Stats(ctx, d.dbtx, d.opts.Window)
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	failed, err := d.client.Failed(ctx, d.dbtx, d.opts.Failures)
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	data := overviewData{States: jobs.States(), Window: d.opts.Window}
	data.Queues, data.Totals = countTable(counts)
	for _, s := range stats {
		finished := s.Completed + s.Discarded + s.Cancelled
		data.Stats = append(data.Stats, queueStats{QueueStats: s, Finished: finished, PerSecond: float64(finished) / d.opts.Window.Seconds()})
	}
	for _, row := range failed {
		f := failure{Job: row, At: row.FinishedAt}
		if f.At == nil {
			f.At = row.AttemptedAt
		}
		if last, ok := jobs.LastError(&row); ok {
			f.LastError = &last
		}
		data.Failures = append(data.Failures, f)
	}
	d.render(w, http.StatusOK, "overview", page{Title: "Jobs", Nav: "overview", Data: data})
}

// countTable arranges counts (queue, state, jobs; ordered by queue) as a
// row per queue with a cell per state, and the row of totals.
func countTable(counts []jobs.Count) ([]queueCounts, queueCounts) {
	states := jobs.States()
	index := map[jobs.State]int{}
	newRow := func(queue string) queueCounts {
		row := queueCounts{Queue: queue, Cells: make([]countCell, len(states))}
		for i, s := range states {
			index[s] = i
			row.Cells[i] = countCell{Queue: queue, State: s}
		}
		return row
	}
	var rows []queueCounts
	totals := newRow("")
	for _, c := range counts {
		if len(rows) == 0 || rows[len(rows)-1].Queue != c.Queue {
			rows = append(rows, newRow(c.Queue))
		}
		row := &rows[len(rows)-1]
		row.Cells[index[c.State]].Jobs += c.Jobs
		row.Total += c.Jobs
		totals.Cells[index[c.State]].Jobs += c.Jobs
		totals.Total += c.Jobs
	}
	return rows, totals
}

type listData struct {
	Filter jobs.Filter
	States []jobs.State
	Jobs   []listedJob
	After  string
	Next   string
}

// listedJob is a row of a list: the job and its last error.
type listedJob struct {
	Job       jobs.Row
	LastError *jobs.AttemptError
}

func (d *dashboard) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := jobs.Filter{Kind: q.Get("kind"), Queue: q.Get("queue"), State: jobs.State(q.Get("state"))}
	after := many.Cursor(q.Get("after"))
	got, err := d.client.List(r.Context(), d.dbtx, f, after, pageSize)
	switch {
	case errors.Is(err, jobs.ErrInvalidFilter):
		d.fail(w, r, http.StatusBadRequest, err)
		return
	case errors.Is(err, many.ErrInvalidCursor):
		d.fail(w, r, http.StatusBadRequest, fmt.Errorf("this page's cursor (?after=) is not one the dashboard made"))
		return
	case err != nil:
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	data := listData{Filter: f, States: jobs.States(), After: string(after), Next: string(got.Next)}
	for _, row := range got.Items {
		j := listedJob{Job: row}
		if last, ok := jobs.LastError(&row); ok {
			j.LastError = &last
		}
		data.Jobs = append(data.Jobs, j)
	}
	d.render(w, http.StatusOK, "list", page{Title: "Jobs", Nav: "jobs", Data: data})
}

type jobData struct {
	Job       jobs.Row
	Payload   string
	History   []jobs.AttemptError
	Timeout   string // the job's own, if it has one
	CanRetry  bool
	CanCancel bool
	Flash     string
	FlashBad  bool
}

// flashes are the messages a redirect after a button may show (by key:
// nothing from the request is shown as it came).
var flashes = map[string]struct {
	text string
	bad  bool
}{
	"retried":          {"Retried: the job is pending again, due now.", false},
	"not-retried":      {"Not retried: only a finished job can be, and not while another job of its kind holds its unique key.", true},
	"cancelled":        {"Cancelled.", false},
	"cancel-requested": {"Cancel requested: its worker stops the run and records it cancelled.", false},
	"not-cancelled":    {"Not cancelled: only a pending or running job can be.", true},
}

func (d *dashboard) job(w http.ResponseWriter, r *http.Request) {
	id, ok := d.jobID(w, r)
	if !ok {
		return
	}
	rows, err := d.client.Get(r.Context(), d.dbtx, id)
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if len(rows) == 0 {
		d.fail(w, r, http.StatusNotFound, fmt.Errorf("there is no job %d (finished jobs are pruned after the worker's retention)", id))
		return
	}
	row := rows[0]
	history, err := jobs.History(&row)
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	data := jobData{Job: row, Payload: jobtext.IndentJSON(row.Payload), History: history,
		CanRetry:  row.State == jobs.StateDiscarded || row.State == jobs.StateCancelled || row.State == jobs.StateCompleted,
		CanCancel: (row.State == jobs.StatePending || row.State == jobs.StateRunning) && row.CancelRequestedAt == nil,
	}
	if row.TimeoutMs != nil {
		data.Timeout = (time.Duration(*row.TimeoutMs) * time.Millisecond).String()
	}
	if f, ok := flashes[r.URL.Query().Get("done")]; ok {
		data.Flash, data.FlashBad = f.text, f.bad
	}
	d.render(w, http.StatusOK, "job", page{Title: fmt.Sprintf("Job %d", id), Nav: "jobs", Data: data})
}

func (d *dashboard) retry(w http.ResponseWriter, r *http.Request) {
	id, ok := d.jobID(w, r)
	if !ok {
		return
	}
	rows, err := d.client.Retry(r.Context(), d.dbtx, jobs.Filter{IDs: []int64{id}})
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	done := "not-retried"
	if len(rows) > 0 {
		done = "retried"
		d.log.Info("jobs dashboard: retried a job", "job", id, "from", r.RemoteAddr)
	}
	d.backToJob(w, r, id, done)
}

func (d *dashboard) cancel(w http.ResponseWriter, r *http.Request) {
	id, ok := d.jobID(w, r)
	if !ok {
		return
	}
	rows, err := d.client.Cancel(r.Context(), d.dbtx, jobs.Filter{IDs: []int64{id}})
	if err != nil {
		d.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	done := "not-cancelled"
	if len(rows) > 0 {
		done = "cancelled"
		if rows[0].State == jobs.StateRunning {
			done = "cancel-requested"
		}
		d.log.Info("jobs dashboard: cancelled a job", "job", id, "from", r.RemoteAddr)
	}
	d.backToJob(w, r, id, done)
}

// backToJob redirects a button's POST to the job's page (303: a GET).
func (d *dashboard) backToJob(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.Redirect(w, r, fmt.Sprintf("%s/jobs/%d?done=%s", d.opts.Path, id, done), http.StatusSeeOther)
}

// jobID reads the {id} of the path, answering 404 when it is not one.
func (d *dashboard) jobID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		d.fail(w, r, http.StatusNotFound, fmt.Errorf("%q is not a job id", r.PathValue("id")))
		return 0, false
	}
	return id, true
}
