package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/agents/chat"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
)

const workerSynopsis = `worker [flags]

Runs Larder's jobs until SIGINT or SIGTERM, then shuts down gracefully
(running jobs get -shutdown to finish, then are cancelled and go back to
the queue). It runs the actions' jobs (recipe nutrition, the daily expiry
digests at 06:00 UTC) and the AI generations (queue agents; the model from
LARDER_MODEL, LARDER_MODEL_BASE_URL, LARDER_MODEL_API_KEY: without one,
generations fail with a clear error). Every -summary it logs one line:
jobs done and failed since it started, running, and waiting per queue.
The database must be migrated (larder migrate up). Behind a connection
pooler such as PgBouncer (found when connecting), it listens for new jobs
on LARDER_LISTEN_URL, a direct connection to PostgreSQL, or else polls.`

// runWorker serves "larder worker".
func runWorker(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("worker", workerSynopsis)
	queues := fs.String("queues", "default=100,agents=8", "the queues to run and how many jobs of each at once: `name=n,...`")
	summary := fs.Duration("summary", 30*time.Second, "how often to log the one-line summary (0: never)")
	shutdown := fs.Duration("shutdown", 10*time.Second, "how long running jobs may finish after a stop signal")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	q, err := parseQueues(*queues)
	if err != nil {
		return err
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	if err := migrated(url); err != nil {
		return err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()

	model, err := chat.FromEnv()
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if model == nil {
		c.log.Warn("no model configured: AI generations will fail until LARDER_MODEL is set")
	}
	acts := actions.New(pool, actions.WithLogger(c.log))
	runner, err := agents.NewRunner(pool, model, agents.All(), agents.WithLogger(c.log))
	if err != nil {
		return err
	}
	reg := jobs.NewRegistry()
	acts.RegisterJobs(reg)
	runner.RegisterJobs(reg)
	w, err := jobs.NewWorker(pool, reg, jobs.Config{
		Queues: q, ShutdownTimeout: *shutdown, Periodic: acts.PeriodicJobs(), Logger: c.log,
		ListenURL: os.Getenv("LARDER_LISTEN_URL"),
	})
	if err != nil {
		return err
	}

	done := make(chan struct{})
	if *summary > 0 {
		go func() {
			tick := time.NewTicker(*summary)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					logSummary(ctx, c, pool, w)
				}
			}
		}()
	}
	err = w.Run(ctx)
	close(done)
	logSummary(context.WithoutCancel(ctx), c, pool, w)
	return err
}

// logSummary logs one line: what the worker did, and what waits.
func logSummary(ctx context.Context, c *cli, pool many.DBTX, w *jobs.Worker) {
	s := w.Stats()
	attrs := []any{"done", s.Completed, "failed", s.Retried + s.Discarded, "discarded", s.Discarded, "cancelled", s.Cancelled, "running", s.Running}
	counts, err := jobs.NewClient().Counts(ctx, pool)
	if err != nil {
		c.log.Warn("summary: counting the queue failed", "error", err)
	}
	waiting := map[string]int64{}
	for _, n := range counts {
		if n.State == store.JobStatePending {
			waiting[n.Queue] += n.Jobs
		}
	}
	var total int64
	var parts []string
	for name, n := range waiting {
		total += n
		parts = append(parts, name+"="+strconv.FormatInt(n, 10))
	}
	sort.Strings(parts)
	attrs = append(attrs, "waiting", total, "queues", strings.Join(parts, ","))
	c.log.Info("summary", attrs...)
}

// parseQueues reads "default=100,agents=8".
func parseQueues(s string) (map[string]int, error) {
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		name, n, ok := strings.Cut(strings.TrimSpace(part), "=")
		limit, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || limit < 1 {
			return nil, fmt.Errorf("%w: -queues wants name=n pairs with n >= 1, such as default=100,agents=8; not %q", errUsage, part)
		}
		out[name] = limit
	}
	return out, nil
}

// migrated checks that the database has every migration.
func migrated(url string) error {
	status, err := migrate.Status(url, migrate.Options{Table: migrationsTable()})
	if err != nil {
		return err
	}
	pending := 0
	for _, m := range status {
		if !m.Applied {
			pending++
		}
	}
	if pending > 0 {
		return fmt.Errorf("the database lacks %d of %d migrations: run larder migrate up", pending, len(status))
	}
	return nil
}
