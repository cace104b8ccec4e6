package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/agents/agentstest"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// Generations run by a real worker against an in-process Chat Completions
// server (agents/agentstest) that checks each request and answers as the
// test scripts.

// runAgents runs a worker of 8 goroutines on the agents queue, with model
// (nil: none configured), until the test ends or stop is called.
func runAgents(t *testing.T, b bundle, model agents.Model) (stop func()) {
	t.Helper()
	runner, err := agents.NewRunner(b.pool, model, agents.All(), agents.WithLogger(testLogger(t)))
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	runner.RegisterJobs(reg)
	cfg := quick(t)
	cfg.Queues = map[string]int{agents.Queue: 8}
	cfg.ShutdownTimeout = 100 * time.Millisecond
	_, stop = runWorker(t, b.pool, reg, cfg)
	return stop
}

// finished waits for owner's generations to succeed or fail and returns
// them.
func finished(t *testing.T, b bundle, owner uuid.UUID, ids ...uuid.UUID) []db.Generation {
	t.Helper()
	var gens []db.Generation
	testdb.Eventually(t, "generations finished", func() bool {
		var err error
		gens, err = db.SelectGenerations(b.ctx, b.pool, owner, ids)
		require.NoError(t, err)
		for _, g := range gens {
			if g.Status != db.GenerationStatusSucceeded && g.Status != db.GenerationStatusFailed {
				return false
			}
		}
		return len(gens) == len(ids)
	})
	return gens
}

// estimate requests one nutrition estimate through the action.
func estimate(t *testing.T, b bundle, owner uuid.UUID, description string) db.Generation {
	t.Helper()
	return ok(t, b.acts.EstimateNutrition(b.ctx, owner, []agents.FoodDescription{{Description: description}}))[0]
}

var banana = agents.NutritionEstimate{
	Name: "Banana", Kind: "whole", Category: "fruit",
	Nutrients: db.Nutrients{EnergyKcal: 89, ProteinG: 1.1, FatG: 0.3, CarbsG: 22.8, FiberG: 2.6, SugarG: 12.2, SodiumMg: 1},
}

// estimated requests one nutrition estimate as a new user, runs it on a
// worker against a server answering with answer (and a model with the
// given call timeout, zero for the default), and returns the finished
// generation.
func estimated(t *testing.T, answer func(agentstest.Request) agentstest.Answer, timeout time.Duration) (bundle, db.Generation, *agentstest.Server) {
	t.Helper()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, answer)
	g := estimate(t, b, me.ID, "banana")
	runAgents(t, b, srv.Model(timeout))
	return b, finished(t, b, me.ID, g.ID)[0], srv
}

// firstThen answers the first request with first, and the others with
// the banana.
func firstThen(first agentstest.Answer) func(agentstest.Request) agentstest.Answer {
	var calls atomic.Int32
	return func(agentstest.Request) agentstest.Answer {
		if calls.Add(1) == 1 {
			return first
		}
		return agentstest.JSON(banana)
	}
}

// jobOf returns a generation's job.
func jobOf(t *testing.T, b bundle, g db.Generation) store.Job {
	t.Helper()
	require.NotNil(t, g.JobID)
	page, err := store.ListJobs(b.ctx, b.pool, store.JobFilter{Kind: ptr(agents.Kind)})
	require.NoError(t, err)
	for _, j := range page.Items {
		if j.ID == *g.JobID {
			return j
		}
	}
	t.Fatalf("no job %d", *g.JobID)
	return store.Job{}
}

func TestAGenerationSucceedsWithItsUsageAndLatency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.Answer{Content: mustJSON(t, banana), Tokens: [2]int{120, 40}, Delay: 20 * time.Millisecond}
	})

	g := estimate(t, b, me.ID, "a ripe banana")
	require.Equal(t, db.GenerationStatusPending, g.Status, "the caller gets the row at once")
	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	got, err := agents.NutritionEstimator.Output(g)
	require.NoError(t, err)
	require.Equal(t, banana, got)
	require.Equal(t, agentstest.ModelName, *g.Model)
	require.Equal(t, int32(120), *g.PromptTokens)
	require.Equal(t, int32(40), *g.CompletionTokens)
	require.GreaterOrEqual(t, *g.LatencyMs, int32(20))
	require.Equal(t, int32(1), g.Attempts)
	require.Nil(t, g.Error)
	require.NotNil(t, g.StartedAt)
	require.NotNil(t, g.FinishedAt)
	testdb.Eventually(t, "the job completed", func() bool { return jobOf(t, b, g).State == store.JobStateCompleted }) // recorded in the worker's next batch

	req := srv.Requests()[0]
	require.Len(t, req.Messages, 2)
	require.Equal(t, agents.RoleSystem, req.Messages[0].Role)
	require.Contains(t, req.Messages[0].Content, "nutritionist")
	require.Equal(t, "Estimate this food: a ripe banana", req.LastUser())
	require.Equal(t, "nutrition-estimator", req.SchemaName)
	require.True(t, req.Strict)
	require.Equal(t, []any{"name", "kind", "category", "nutrients"}, req.Schema["required"], "the schema derived from the output type")
}

func TestMalformedJSONIsSentBackForRepair(t *testing.T) {
	t.Parallel()
	_, g, srv := estimated(t, firstThen(agentstest.Text(`Sure! {"name": "Banana",`)), 0)

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	require.Equal(t, 2, srv.Count())
	repair := srv.Requests()[1].Messages
	require.Len(t, repair, 4, "system, prompt, the bad answer, the repair instruction")
	require.Equal(t, agents.Message{Role: agents.RoleAssistant, Content: `Sure! {"name": "Banana",`}, repair[2])
	require.Contains(t, repair[3].Content, "That answer is not valid: the answer is not the JSON object the schema describes")
	require.Equal(t, int32(20), *g.PromptTokens, "the tokens of both calls")
	require.Equal(t, int32(1), g.Attempts, "a repair is part of one run")
}

func TestAnAnswerThatBreaksARuleIsRepaired(t *testing.T) {
	t.Parallel()
	sweet := banana
	sweet.Nutrients.SugarG = 40 // more sugar than carbohydrates
	b, g, srv := estimated(t, firstThen(agentstest.JSON(sweet)), 0)

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	require.Contains(t, srv.Requests()[1].LastUser(), "nutrients.sugar_g: must not exceed carbs_g")
	foods := ok(t, b.acts.CreateFoodsFromEstimates(b.ctx, g.OwnerID, []uuid.UUID{g.ID}))
	require.Equal(t, banana.Nutrients, db.NutrientsOf(foods[0]), "the estimate is a food, every CHECK holding")
}

func TestAnswersThatNeverHoldFailTheGeneration(t *testing.T) {
	t.Parallel()
	b, g, srv := estimated(t, func(agentstest.Request) agentstest.Answer { return agentstest.Text("no") }, 0)

	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Contains(t, *g.Error, "the model's answer did not hold after 3 tries")
	require.Nil(t, g.Output)
	require.Equal(t, 3, srv.Count(), "the answer and two repairs")
	require.Equal(t, int32(30), *g.PromptTokens, "usage is kept for failures too")
	testdb.Eventually(t, "the job cancelled", func() bool { return jobOf(t, b, g).State == store.JobStateCancelled })
}

func TestARateLimitIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	limited := agentstest.Answer{Status: http.StatusTooManyRequests, Message: "Rate limit reached", Header: map[string]string{"Retry-After": "1"}}
	b, g, srv := estimated(t, firstThen(limited), 0)

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	require.GreaterOrEqual(t, reqs[1].At.Sub(reqs[0].At), 900*time.Millisecond, "the retry waited for Retry-After (the test backoff is 10ms)")
	require.Equal(t, int32(2), g.Attempts)
	require.Contains(t, string(jobOf(t, b, g).Errors), "HTTP 429 Too Many Requests: Rate limit reached (retry after 1s)")
}

func TestAServerErrorIsRetried(t *testing.T) {
	t.Parallel()
	b, g, _ := estimated(t, firstThen(agentstest.Fail(http.StatusInternalServerError, "The server had an error")), 0)

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	require.Equal(t, int32(2), g.Attempts)
	require.Contains(t, string(jobOf(t, b, g).Errors), "HTTP 500 Internal Server Error: The server had an error")
}

func TestAModelThatTimesOutIsRetried(t *testing.T) {
	t.Parallel()
	slow := agentstest.JSON(banana)
	slow.Delay = 5 * time.Second
	b, g, _ := estimated(t, firstThen(slow), 200*time.Millisecond)

	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	require.Equal(t, int32(2), g.Attempts)
	require.Contains(t, string(jobOf(t, b, g).Errors), "the model did not answer in time (after 200ms)")
}

func TestARefusedRequestFailsAtOnce(t *testing.T) {
	t.Parallel()
	b, g, srv := estimated(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.Fail(http.StatusBadRequest, "Invalid schema for response_format 'nutrition-estimator'")
	}, 0)

	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Equal(t, "model call: HTTP 400 Bad Request", *g.Error, "the user sees the status, not the server's words")
	require.Equal(t, 1, srv.Count(), "no retry can fix a bad request")
	testdb.Eventually(t, "the job cancelled", func() bool { return jobOf(t, b, g).State == store.JobStateCancelled })
	require.Contains(t, string(jobOf(t, b, g).Errors), "Invalid schema for response_format", "operators see the server's words")
}

func TestWithoutAModelGenerationsFailClearly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	g := estimate(t, b, me.ID, "banana")
	runAgents(t, b, nil)
	g = finished(t, b, me.ID, g.ID)[0]

	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Equal(t, agents.ErrNoModel.Error(), *g.Error)
	require.Contains(t, *g.Error, "LARDER_MODEL")
	testdb.Eventually(t, "the job cancelled", func() bool { return jobOf(t, b, g).State == store.JobStateCancelled })
}

func TestASucceededGenerationIsNeverSentAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer { return agentstest.JSON(banana) })
	g := estimate(t, b, me.ID, "banana")
	runAgents(t, b, srv.Model(0))
	done := finished(t, b, me.ID, g.ID)[0]
	require.Equal(t, db.GenerationStatusSucceeded, done.Status)

	// The job runs again, as it would if its completion were lost.
	_, err := b.pool.Exec(b.ctx, "UPDATE jobs SET state = 'pending', finished_at = NULL, run_at = now() WHERE id = $1", *g.JobID)
	require.NoError(t, err)
	testdb.Eventually(t, "the job ran again", func() bool {
		j := jobOf(t, b, g)
		return j.State == store.JobStateCompleted && j.Attempt == 2
	})

	require.Equal(t, 1, srv.Count(), "no second model call")
	again, err := many.First(db.SelectGenerations(b.ctx, b.pool, me.ID, []uuid.UUID{g.ID}))
	require.NoError(t, err)
	require.Equal(t, done, again, "the generation is as it was")
}

func TestTwoHundredGenerationsInOneCall(t *testing.T) {
	t.Parallel()
	traced, stmts := tracedPool(t)
	b := bundle{ctx: t.Context(), pool: traced, acts: actions.New(traced, actions.WithLogger(testLogger(t)))}
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(r agentstest.Request) agentstest.Answer {
		food := banana
		food.Name = strings.TrimPrefix(r.LastUser(), "Estimate this food: ")
		return agentstest.JSON(food)
	})
	descriptions := make([]agents.FoodDescription, 200)
	for i := range descriptions {
		descriptions[i].Description = "fruit " + strings.Repeat("i", i%7+1) + " " + uuid.NewString()[:8]
	}

	before := stmts.all()
	gens := ok(t, b.acts.EstimateNutrition(b.ctx, me.ID, descriptions))
	sent := stmts.since(before)

	require.Len(t, gens, 200)
	require.Equal(t, map[string]int{"BEGIN": 1, "WITH": 1, "INSERT": 1, "COMMIT": 1}, sent,
		"one transaction: the jobs' insert (WITH ... INSERT) and the generations' insert")
	require.Equal(t, 200, count(t, b, "generations"))
	require.Equal(t, 200, count(t, b, "jobs"))

	runAgents(t, b, srv.Model(0)) // 8 goroutines
	ids := make([]uuid.UUID, len(gens))
	for i, g := range gens {
		ids[i] = g.ID
	}
	for i, g := range finished(t, b, me.ID, ids...) {
		require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
		out, err := agents.NutritionEstimator.Output(g)
		require.NoError(t, err)
		require.Equal(t, descriptions[i].Description, out.Name, "each answer is its own request's")
	}
	require.Equal(t, 200, srv.Count())
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

func TestCancellingAGenerationsJobFailsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		a := agentstest.JSON(banana)
		a.Delay = time.Minute
		return a
	})
	g := estimate(t, b, me.ID, "banana")
	runAgents(t, b, srv.Model(0))
	testdb.Eventually(t, "the model called", func() bool { return srv.Count() == 1 })

	_, err := jobs.NewClient().Cancel(b.ctx, b.pool, jobs.Filter{IDs: []int64{*g.JobID}})
	require.NoError(t, err)
	g = finished(t, b, me.ID, g.ID)[0]

	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Equal(t, "cancelled: its job was cancelled", *g.Error)
	testdb.Eventually(t, "the job cancelled", func() bool { return jobOf(t, b, g).State == store.JobStateCancelled })
}

func TestAGenerationCutShortByAShutdownRunsAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, firstThen(agentstest.Answer{Delay: time.Minute}))
	g := estimate(t, b, me.ID, "banana")
	stop := runAgents(t, b, srv.Model(0))
	testdb.Eventually(t, "the model called", func() bool { return srv.Count() == 1 })

	stop()
	g, err := many.First(db.SelectGenerations(b.ctx, b.pool, me.ID, []uuid.UUID{g.ID}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusPending, g.Status, "back to pending, not left running")
	require.Equal(t, "interrupted: the worker shut down", *g.Error)

	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]
	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
	require.Equal(t, int32(2), g.Attempts)
}

func TestAGenerationWhoseJobIsCancelledBeforeItRunsFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	g := estimate(t, b, me.ID, "banana") // no worker: the job waits

	_, err := jobs.NewClient().Cancel(b.ctx, b.pool, jobs.Filter{IDs: []int64{*g.JobID}})
	require.NoError(t, err)

	g, err = many.First(db.SelectGenerations(b.ctx, b.pool, me.ID, []uuid.UUID{g.ID}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusFailed, g.Status, "not pending forever")
	require.Equal(t, "cancelled: its job was cancelled", *g.Error)
}

func TestAGenerationWhoseJobIsDiscardedFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	g := estimate(t, b, me.ID, "banana")

	// As the rescue does when a worker died on the job's last attempt.
	_, err := b.pool.Exec(b.ctx, `UPDATE jobs SET state = 'discarded', attempt = 10, finished_at = now(),
		errors = '[{"attempt": 10, "error": "lease expired: worker w1 stopped renewing it"}]' WHERE id = $1`, *g.JobID)
	require.NoError(t, err)

	g, err = many.First(db.SelectGenerations(b.ctx, b.pool, me.ID, []uuid.UUID{g.ID}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusFailed, g.Status)
	require.Equal(t, "its job gave up after 10 attempts: lease expired: worker w1 stopped renewing it", *g.Error)
}

func TestAWorkerThatDoesNotKnowTheAgentLeavesItToOthers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer { return agentstest.JSON(banana) })
	g := estimate(t, b, me.ID, "banana")
	old, err := agents.NewRunner(b.pool, srv.Model(0), []agents.Definition{agents.AutoTagger}, agents.WithLogger(testLogger(t)))
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	old.RegisterJobs(reg)
	cfg := quick(t)
	cfg.Queues = map[string]int{agents.Queue: 1}
	cfg.Backoff = func(int32) time.Duration { return time.Hour } // no second try here
	_, stop := runWorker(t, b.pool, reg, cfg)
	testdb.Eventually(t, "the first attempt", func() bool { return jobOf(t, b, g).Attempt == 1 && jobOf(t, b, g).State == store.JobStatePending })
	stop()

	g, err = many.First(db.SelectGenerations(b.ctx, b.pool, me.ID, []uuid.UUID{g.ID}))
	require.NoError(t, err)
	require.Equal(t, db.GenerationStatusPending, g.Status, "retried, not failed: a worker that knows it may come")
	require.Contains(t, *g.Error, `no agent "nutrition-estimator" is registered`)

	_, err = b.pool.Exec(b.ctx, "UPDATE jobs SET run_at = now() WHERE id = $1", *g.JobID)
	require.NoError(t, err)
	runAgents(t, b, srv.Model(0))
	g = finished(t, b, me.ID, g.ID)[0]
	require.Equal(t, db.GenerationStatusSucceeded, g.Status, "%v", g.Error)
}
