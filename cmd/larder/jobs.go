package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/internal/jobtext"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

const jobsUsage = `Usage: larder jobs <command> [flags] [IDs]

Reads and operates the job queue of the database (DATABASE_URL, or the
development database), through package jobs' admin API.

Commands:
  list     the jobs a filter selects, oldest first, a page at a time
  show     one job: its payload, attempts and error history
  retry    put finished jobs (discarded, cancelled, completed) back to pending
  cancel   cancel pending jobs, and ask the workers of running ones to stop
  stats    jobs per queue and state; throughput and latency of the last minutes
  serve    the dashboard: an HTML page for the queue, with Retry and Cancel

Filters (list, retry, cancel): -kind K, -queue Q, -state S (pending,
running, completed, cancelled or discarded), and when the jobs were
enqueued: -since DURATION (e.g. 1h), or -from and -before as RFC 3339
times (2026-11-25T09:00:00Z). retry and cancel act on the IDs given, or on
every job the filter selects (IDs and a filter: the IDs the filter
selects); with neither they refuse (exit 2). -format json prints what the
API returns: a page {"items": [...], "next": cursor} for list, a job for
show, the changed jobs for retry and cancel.

Examples:
  larder jobs list -state discarded -since 1h
  larder jobs show 42
  larder jobs retry -state discarded -kind pantry.expiry-digest
  larder jobs cancel 42 43
  larder jobs stats -window 15m
  larder jobs serve -addr 127.0.0.1:8089

Run "larder jobs <command> -h" for a command's flags.
Exit codes: 0 success, 1 failure (a job not found too), 2 bad usage.
`

// jobsCommands are the subcommands of "larder jobs".
var jobsCommands = map[string]command{
	"list":   runJobsList,
	"show":   runJobsShow,
	"retry":  runJobsRetry,
	"cancel": runJobsCancel,
	"stats":  runJobsStats,
	"serve":  runJobsServe,
}

// runJobs serves "larder jobs <command>".
func runJobs(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want list, show, retry, cancel, stats or serve (larder jobs -h)", errUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, jobsUsage)
		return nil
	}
	sub, ok := jobsCommands[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown command %q: want list, show, retry, cancel, stats or serve", errUsage, args[0])
	}
	return sub(ctx, c, args[1:])
}

// jobsFlags are the flags of the jobs commands that take a filter and a
// format.
type jobsFlags struct {
	kind, queue, state string
	since              time.Duration
	from, before       string
	format             string
}

// addFilterFlags adds the filter's flags to fs.
func (f *jobsFlags) addFilterFlags(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "kind", "", "only jobs of this `kind`")
	fs.StringVar(&f.queue, "queue", "", "only jobs of this `queue`")
	fs.StringVar(&f.state, "state", "", "only jobs in this `state`: pending, running, completed, cancelled or discarded")
	fs.DurationVar(&f.since, "since", 0, "only jobs enqueued in the last `duration` (e.g. 30m, 24h)")
	fs.StringVar(&f.from, "from", "", "only jobs enqueued at or after `time` (RFC 3339)")
	fs.StringVar(&f.before, "before", "", "only jobs enqueued before `time` (RFC 3339)")
}

// addFormatFlag adds -format to fs.
func (f *jobsFlags) addFormatFlag(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "table", "print a readable `table` or json")
}

// filter is the jobs.Filter the flags and ids describe, at now; a flag
// that cannot be read is a usage error.
func (f *jobsFlags) filter(now time.Time, ids []int64) (jobs.Filter, error) {
	out := jobs.Filter{IDs: ids, Kind: f.kind, Queue: f.queue, State: jobs.State(f.state)}
	if f.state != "" && !out.State.Valid() {
		return jobs.Filter{}, fmt.Errorf("%w: -state %q is not a state: want one of %v", errUsage, f.state, jobs.States())
	}
	if f.since < 0 {
		return jobs.Filter{}, fmt.Errorf("%w: -since is a positive duration, such as 30m or 24h", errUsage)
	}
	if f.since > 0 && f.from != "" {
		return jobs.Filter{}, fmt.Errorf("%w: give -since or -from, not both", errUsage)
	}
	if f.since > 0 {
		out.CreatedFrom = now.Add(-f.since)
	}
	for _, t := range []struct {
		name, value string
		into        *time.Time
	}{{"-from", f.from, &out.CreatedFrom}, {"-before", f.before, &out.CreatedBefore}} {
		if t.value == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, t.value)
		if err != nil {
			return jobs.Filter{}, fmt.Errorf("%w: %s wants an RFC 3339 time such as 2026-11-25T09:00:00Z, not %q", errUsage, t.name, t.value)
		}
		*t.into = at
	}
	if !out.CreatedFrom.IsZero() && !out.CreatedBefore.IsZero() && !out.CreatedFrom.Before(out.CreatedBefore) {
		return jobs.Filter{}, fmt.Errorf("%w: the time range is empty: -from or -since must come before -before", errUsage)
	}
	return out, nil
}

// parse parses the arguments of a command that takes job IDs and filter
// flags, and returns the filter they make (its IDs, the ones given).
func (f *jobsFlags) parse(c *cli, fs *flag.FlagSet, args []string) (jobs.Filter, error) {
	rest, err := c.parseArgs(fs, args)
	if err != nil {
		return jobs.Filter{}, err
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return jobs.Filter{}, err
	}
	filter, err := f.filter(time.Now(), ids)
	if err != nil {
		return jobs.Filter{}, err
	}
	return filter, f.checkFormat()
}

// checkFormat reports a -format other than table or json.
func (f *jobsFlags) checkFormat() error {
	if f.format != "table" && f.format != "json" {
		return fmt.Errorf("%w: -format is table or json, not %q", errUsage, f.format)
	}
	return nil
}

// parseArgs parses flags and positional arguments in any order
// ("show 42 -format json" as "show -format json 42"): the flag package
// stops at the first argument that is not a flag, so parsing resumes
// after each.
func (c *cli) parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := c.parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseIDs reads job ids.
func parseIDs(args []string) ([]int64, error) {
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%w: %q is not a job id (a positive integer)", errUsage, a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// openJobs opens the database the jobs commands work on.
func openJobs(ctx context.Context) (*pgxpool.Pool, error) {
	url, err := databaseURL(ctx)
	if err != nil {
		return nil, err
	}
	return db.Open(ctx, url)
}

// runJobsList serves "larder jobs list".
func runJobsList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("jobs list", "jobs list [filters] [-limit N] [-after CURSOR] [-format table|json] [IDs]\n\n"+
		"Lists the jobs the filter selects (or the given IDs), oldest first, -limit at a\n"+
		"time: the last line names the -after cursor of the next page.")
	var f jobsFlags
	f.addFilterFlags(fs)
	f.addFormatFlag(fs)
	limit := fs.Int("limit", many.DefaultPageSize, "at most `n` jobs (up to 1000)")
	after := fs.String("after", "", "the page after this `cursor` (printed at the end of the page before)")
	filter, err := f.parse(c, fs, args)
	if err != nil {
		return err
	}
	if *limit < 1 || *limit > many.MaxPageSize {
		return fmt.Errorf("%w: -limit is 1 to %d", errUsage, many.MaxPageSize)
	}
	pool, err := openJobs(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	page, err := jobs.NewClient().List(ctx, pool, filter, many.Cursor(*after), *limit)
	switch {
	case errors.Is(err, jobs.ErrInvalidFilter), errors.Is(err, many.ErrInvalidCursor):
		return fmt.Errorf("%w: %v", errUsage, err)
	case err != nil:
		return err
	}
	if f.format == "json" {
		return writeJSON(c.stdout, page)
	}
	if len(page.Items) == 0 {
		fmt.Fprintln(c.stdout, "no jobs")
		return nil
	}
	if err := writeJobsTable(c.stdout, page.Items); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\n%s", plural(len(page.Items), "job"))
	if page.Next != "" {
		fmt.Fprintf(c.stdout, "; the next page: -after %s", page.Next)
	}
	fmt.Fprintln(c.stdout)
	return nil
}

// writeJobsTable writes jobs as a table, a line per job.
func writeJobsTable(out io.Writer, rows []jobs.Row) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "id\tkind\tqueue\tstate\tattempt\trun at\tfinished\tlast error")
	for i := range rows {
		r := &rows[i]
		last := ""
		if e, ok := jobs.LastError(r); ok {
			last = jobtext.FirstLine(e.Error, 60)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", r.ID, r.Kind, r.Queue, r.State, r.Attempt, r.MaxAttempts,
			formatTime(r.RunAt), formatTimePtr(r.FinishedAt), last)
	}
	return w.Flush()
}

// runJobsShow serves "larder jobs show ID".
func runJobsShow(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("jobs show", "jobs show [-format table|json] ID\n\n"+
		"Shows one job: its fields, its payload, and its error history, each error\n"+
		"with the attempt it ended (a panic's stack too).")
	var f jobsFlags
	f.addFormatFlag(fs)
	rest, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: want one job id", errUsage)
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return err
	}
	if err := f.checkFormat(); err != nil {
		return err
	}
	pool, err := openJobs(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	rows, err := jobs.NewClient().Get(ctx, pool, ids[0])
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no job %d (finished jobs are pruned after the worker's retention)", ids[0])
	}
	if f.format == "json" {
		return writeJSON(c.stdout, rows[0])
	}
	return writeJob(c.stdout, &rows[0])
}

// writeJob writes one job for a reader.
func writeJob(out io.Writer, r *jobs.Row) error {
	history, err := jobs.History(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "job %d  %s  %s\n\n", r.ID, r.Kind, r.State)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "queue\t%s\n", r.Queue)
	fmt.Fprintf(w, "priority\t%d\n", r.Priority)
	fmt.Fprintf(w, "attempts\t%d of %d\n", r.Attempt, r.MaxAttempts)
	fmt.Fprintf(w, "enqueued\t%s\n", formatTime(r.CreatedAt))
	fmt.Fprintf(w, "run at\t%s\n", formatTime(r.RunAt))
	if r.AttemptedAt != nil {
		by := ""
		if r.AttemptedBy != nil {
			by = " by " + *r.AttemptedBy
		}
		fmt.Fprintf(w, "last run\t%s%s\n", formatTime(*r.AttemptedAt), by)
	}
	if r.FinishedAt != nil {
		fmt.Fprintf(w, "finished\t%s\n", formatTime(*r.FinishedAt))
	}
	if r.CancelRequestedAt != nil {
		fmt.Fprintf(w, "cancel asked\t%s\n", formatTime(*r.CancelRequestedAt))
	}
	if r.UniqueKey != nil {
		fmt.Fprintf(w, "unique key\t%s\n", *r.UniqueKey)
	}
	if r.TimeoutMs != nil {
		fmt.Fprintf(w, "timeout\t%s\n", time.Duration(*r.TimeoutMs)*time.Millisecond)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\npayload:\n%s\n", indent(jobtext.IndentJSON(r.Payload), "  "))
	if len(history) == 0 {
		fmt.Fprintln(out, "\nerrors: none")
		return nil
	}
	fmt.Fprintf(out, "\nerrors (%d):\n", len(history))
	for _, e := range history {
		fmt.Fprintf(out, "  attempt %d  %s\n%s\n", e.Attempt, formatTime(e.At), indent(e.Error, "    "))
		if e.Trace != "" {
			fmt.Fprintf(out, "    stack:\n%s\n", indent(strings.TrimRight(e.Trace, "\n"), "      "))
		}
	}
	return nil
}

// runJobsRetry serves "larder jobs retry".
func runJobsRetry(ctx context.Context, c *cli, args []string) error {
	return runJobsChange(ctx, c, args, "retry", "jobs retry [filters] [-format table|json] [IDs]\n\n"+
		"Puts the finished jobs (discarded, cancelled or completed) of the IDs, or that the\n"+
		"filter selects, back to pending, due now, and prints them: their error history\n"+
		"is kept, and a job out of attempts gets one more. A job whose unique key another\n"+
		"job now holds is left alone, as are pending and running jobs. With neither IDs\n"+
		"nor a filter it refuses (exit 2).")
}

// runJobsCancel serves "larder jobs cancel".
func runJobsCancel(ctx context.Context, c *cli, args []string) error {
	return runJobsChange(ctx, c, args, "cancel", "jobs cancel [filters] [-format table|json] [IDs]\n\n"+
		"Cancels the jobs of the IDs, or that the filter selects, and prints them: a pending\n"+
		"job at once; a running one is asked to stop (its worker cancels the run and\n"+
		"records it cancelled; it is printed still running). Finished jobs are left\n"+
		"alone. With neither IDs nor a filter it refuses (exit 2).")
}

// runJobsChange runs retry or cancel on the jobs of the ids and flags, and
// prints what changed.
func runJobsChange(ctx context.Context, c *cli, args []string, op, synopsis string) error {
	fs := c.flags("jobs "+op, synopsis)
	var f jobsFlags
	f.addFilterFlags(fs)
	f.addFormatFlag(fs)
	filter, err := f.parse(c, fs, args)
	if err != nil {
		return err
	}
	client := jobs.NewClient()
	change := client.Retry
	if op == "cancel" {
		change = client.Cancel
	}
	pool, err := openJobs(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	changed, err := change(ctx, pool, filter)
	switch {
	case errors.Is(err, jobs.ErrEmptyFilter):
		return fmt.Errorf("%w: %s every job? give job IDs, or a filter: -state, -kind, -queue, -since, -from or -before", errUsage, op)
	case errors.Is(err, jobs.ErrInvalidFilter):
		return fmt.Errorf("%w: %v", errUsage, err)
	case err != nil:
		return err
	}
	if f.format == "json" {
		return writeJSON(c.stdout, changed)
	}
	return writeChanged(c.stdout, op, filter.IDs, changed)
}

// writeChanged prints the jobs retry or cancel changed, what that made of
// them, and the given ids it left alone.
func writeChanged(out io.Writer, op string, ids []int64, changed []jobs.Row) error {
	if len(changed) > 0 {
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "id\tkind\tqueue\tstate\tattempt")
		for _, r := range changed {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d/%d\n", r.ID, r.Kind, r.Queue, r.State, r.Attempt, r.MaxAttempts)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	switch op {
	case "retry":
		fmt.Fprintf(out, "retried %s: pending, due now\n", plural(len(changed), "job"))
	case "cancel":
		running := 0
		for _, r := range changed {
			if r.State == jobs.StateRunning {
				running++
			}
		}
		fmt.Fprintf(out, "cancelled %s", plural(len(changed)-running, "job"))
		if running > 0 {
			fmt.Fprintf(out, "; asked the workers of %s to stop", plural(running, "running job"))
		}
		fmt.Fprintln(out)
	}
	var left []string
	for _, id := range ids {
		if !slices.ContainsFunc(changed, func(r jobs.Row) bool { return r.ID == id }) {
			left = append(left, strconv.FormatInt(id, 10))
		}
	}
	if len(left) > 0 {
		why := "not finished, its unique key taken by another job, not matching the filter, or no such job"
		if op == "cancel" {
			why = "already finished, not matching the filter, or no such job"
		}
		fmt.Fprintf(out, "left alone: %s (%s)\n", strings.Join(left, ", "), why)
	}
	return nil
}

// runJobsStats serves "larder jobs stats".
func runJobsStats(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("jobs stats", "jobs stats [-window 5m] [-format table|json]\n\n"+
		"Prints the jobs of each queue in each state, then what each queue did in the\n"+
		"last -window: the jobs that finished in it (completed, discarded, cancelled),\n"+
		"jobs/s, and the median and 99th percentile of their wait (due to started) and\n"+
		"run time (started to finished).")
	var f jobsFlags
	f.addFormatFlag(fs)
	window := fs.Duration("window", 5*time.Minute, "the `duration` of recent activity to measure")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: stats takes no arguments, not %q", errUsage, fs.Arg(0))
	}
	if err := f.checkFormat(); err != nil {
		return err
	}
	if *window < time.Second {
		return fmt.Errorf("%w: -window is at least 1s", errUsage)
	}
	pool, err := openJobs(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	client := jobs.NewClient()
	counts, err := client.Counts(ctx, pool)
	if err != nil {
		return err
	}
	stats, err := client.Stats(ctx, pool, *window)
	if err != nil {
		return err
	}
	report := statsReport{WindowSeconds: window.Seconds(), Counts: counts, Queues: make([]queueActivity, len(stats))}
	for i, s := range stats {
		finished := s.Completed + s.Discarded + s.Cancelled
		report.Queues[i] = queueActivity{QueueStats: s, Finished: finished, JobsPerSecond: float64(finished) / window.Seconds()}
	}
	if f.format == "json" {
		return writeJSON(c.stdout, report)
	}
	return writeStats(c.stdout, *window, report)
}

// statsReport is what "larder jobs stats" prints.
type statsReport struct {
	WindowSeconds float64         `json:"window_seconds"`
	Counts        []jobs.Count    `json:"counts"`
	Queues        []queueActivity `json:"queues"`
}

// queueActivity is a queue's Stats, with its sum and rate.
type queueActivity struct {
	jobs.QueueStats
	Finished      int64   `json:"finished"`
	JobsPerSecond float64 `json:"jobs_per_second"`
}

// writeStats writes the counts as a queue-by-state table, then the
// activity of the window.
func writeStats(out io.Writer, window time.Duration, report statsReport) error {
	states := jobs.States()
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "queue\t")
	for _, s := range states {
		fmt.Fprintf(w, "%s\t", s)
	}
	fmt.Fprintln(w, "total\t")
	byQueue := map[string]map[jobs.State]int64{}
	var queues []string
	for _, n := range report.Counts {
		if byQueue[n.Queue] == nil {
			byQueue[n.Queue] = map[jobs.State]int64{}
			queues = append(queues, n.Queue)
		}
		byQueue[n.Queue][n.State] += n.Jobs
	}
	totals := map[jobs.State]int64{}
	for _, q := range queues {
		fmt.Fprintf(w, "%s\t", q)
		var total int64
		for _, s := range states {
			fmt.Fprintf(w, "%d\t", byQueue[q][s])
			total += byQueue[q][s]
			totals[s] += byQueue[q][s]
		}
		fmt.Fprintf(w, "%d\t\n", total)
	}
	if len(queues) != 1 {
		fmt.Fprint(w, "all\t")
		var total int64
		for _, s := range states {
			fmt.Fprintf(w, "%d\t", totals[s])
			total += totals[s]
		}
		fmt.Fprintf(w, "%d\t\n", total)
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nthe last %s:\n", window)
	if len(report.Queues) == 0 {
		fmt.Fprintln(out, "no job finished")
		return nil
	}
	w = tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "queue\tfinished\tcompleted\tdiscarded\tcancelled\tjobs/s\twait p50\twait p99\trun p50\trun p99\t")
	for _, q := range report.Queues {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%.2f\t%s\t%s\t%s\t%s\t\n", q.Queue, q.Finished, q.Completed, q.Discarded, q.Cancelled,
			q.JobsPerSecond, jobtext.Millis(q.WaitP50Ms), jobtext.Millis(q.WaitP99Ms), jobtext.Millis(q.RunP50Ms), jobtext.Millis(q.RunP99Ms))
	}
	return w.Flush()
}

// writeJSON writes v as indented JSON.
func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// formatTime writes t in UTC as RFC 3339, the form -from and -before take.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// formatTimePtr is formatTime of *t, or "-" for nil.
func formatTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return formatTime(*t)
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// plural writes n and a noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
