package integration

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// Larder's own jobs, run by a worker as `larder worker` runs them.

func runLarderWorker(t *testing.T, b bundle, acts *actions.Actions) *jobs.Worker {
	t.Helper()
	reg := jobs.NewRegistry()
	acts.RegisterJobs(reg)
	w, _ := runWorker(t, b.pool, reg, quick(t))
	return w
}

func TestUpdateFoodsEnqueuesTheRecomputeInItsTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	foods := factories.Food().OwnedBy(me).MustCreateMany(t, b.pool, 2)
	nutrients := db.Nutrients{EnergyKcal: 100, ProteinG: 10, CarbsG: 10}
	name := "renamed"

	ok(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: foods[1].ID, Name: &name}}))
	require.Zero(t, count(t, b, "jobs"), "a change of name changes no recipe")

	failed(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{
		{ID: foods[0].ID, Nutrients: &nutrients}, {ID: uuid.New(), Nutrients: &nutrients},
	}), actions.CodeNotFound)
	require.Zero(t, count(t, b, "jobs"), "a failed update enqueues nothing")

	ok(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: foods[0].ID, Nutrients: &nutrients}}))
	page, err := store.ListJobs(b.ctx, b.pool, store.JobFilter{Kind: ptr(actions.KindRecomputeNutrition)})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	var p actions.RecomputePayload
	require.NoError(t, json.Unmarshal(page.Items[0].Payload, &p))
	require.Equal(t, []uuid.UUID{foods[0].ID}, p.FoodIDs)
}

func TestRecipeNutritionIsRecomputedWhenItsFoodsChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me := factories.User().MustCreate(t, b.pool)
	oats := factories.Food().OwnedBy(me).WithNutrients(db.Nutrients{EnergyKcal: 380, ProteinG: 13, FatG: 7, CarbsG: 68}).MustCreate(t, b.pool)
	recipe := ok(t, b.acts.CreateRecipes(b.ctx, me.ID, []actions.NewRecipe{{
		Title: "Porridge", Servings: 2, Ingredients: []actions.NewIngredient{{FoodID: oats.ID, Grams: 100}},
	}}))[0]
	perServing := func() *float64 {
		r, err := many.First(db.SelectRecipes(b.ctx, b.pool, me.ID, []uuid.UUID{recipe.ID}))
		require.NoError(t, err)
		return r.EnergyKcalPerServing
	}
	require.Nil(t, perServing(), "not computed until the job runs")

	runLarderWorker(t, b, b.acts)
	testdb.Eventually(t, "the cache filled", func() bool { v := perServing(); return v != nil && *v == 190 })

	richer := db.Nutrients{EnergyKcal: 400, ProteinG: 13, FatG: 7, CarbsG: 68}
	ok(t, b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: oats.ID, Nutrients: &richer}}))
	testdb.Eventually(t, "the cache refreshed", func() bool { return *perServing() == 200 })
}

// digests records the digests a worker sends, and how many it was asked
// to send; fail makes the next send fail.
type digests struct {
	mu    sync.Mutex
	items map[uuid.UUID][]uuid.UUID
	calls int
	fail  bool
}

func (d *digests) SendExpiryDigest(_ context.Context, user db.User, items []db.PantryItem) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if d.fail {
		d.fail = false
		return errors.New("the mail server is down")
	}
	d.items[user.ID] = pantryItemIDs(items)
	return nil
}

func (d *digests) sent() map[uuid.UUID][]uuid.UUID {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items
}

func TestExpiryDigestsGoToUsersWithItemsExpiringSoon(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 3)
	soon := factories.PantryItem().OwnedBy(users[0]).ExpiringIn(1).MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(users[0]).ExpiringIn(30).MustCreate(t, b.pool)
	expired := factories.PantryItem().OwnedBy(users[1]).Expired().MustCreate(t, b.pool)
	factories.PantryItem().OwnedBy(users[2]).NonPerishable().MustCreate(t, b.pool)
	sender := &digests{items: map[uuid.UUID][]uuid.UUID{}}
	acts := actions.New(b.pool, actions.WithLogger(testLogger(t)), actions.WithDigestSender(sender))
	runLarderWorker(t, b, acts)

	_, err := jobs.NewClient().Job(actions.KindExpiryDigests).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)

	testdb.Eventually(t, "two digests", func() bool { return len(sender.sent()) == 2 })
	require.Equal(t, map[uuid.UUID][]uuid.UUID{users[0].ID: {soon.ID}, users[1].ID: {expired.ID}}, sender.sent())

	// Running the fan-out again the same day enqueues no digest twice.
	before := count(t, b, "jobs")
	_, err = jobs.NewClient().Job(actions.KindExpiryDigests).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	testdb.Eventually(t, "the second fan-out done", func() bool { return count(t, b, "jobs") == before+1 && allDone(t, b) })
}

// TestAnExpiryDigestIsSentOnce runs digest jobs as retries and rescues
// would: a send that fails records nothing and is retried; a job whose
// digest is already recorded (its run committed, its outcome was lost)
// completes without sending again.
func TestAnExpiryDigestIsSentOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	for _, u := range users {
		factories.PantryItem().OwnedBy(u).ExpiringIn(1).MustCreate(t, b.pool)
	}
	day := time.Now().UTC().Format(actions.DateLayout)
	today, err := time.Parse(actions.DateLayout, day)
	require.NoError(t, err)
	_, err = db.InsertExpiryDigests(b.ctx, b.pool, []db.NewExpiryDigest{{OwnerID: users[1].ID, Day: today, Items: 1}})
	require.NoError(t, err)
	sender := &digests{items: map[uuid.UUID][]uuid.UUID{}, fail: true}
	acts := actions.New(b.pool, actions.WithLogger(testLogger(t)), actions.WithDigestSender(sender))
	runLarderWorker(t, b, acts)

	client := jobs.NewClient()
	for _, u := range users {
		_, err := client.Job(actions.KindExpiryDigest).Payload(actions.DigestPayload{UserID: u.ID, Date: day}).Enqueue(b.ctx, b.pool)
		require.NoError(t, err)
	}
	testdb.Eventually(t, "both digest jobs done", func() bool { return allDone(t, b) })

	require.Equal(t, 2, sender.calls, "one failed send and its retry; none for the digest already recorded")
	require.Len(t, sender.sent(), 1)
	var recorded int
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT count(*) FROM expiry_digests").Scan(&recorded))
	require.Equal(t, 2, recorded)
	counts, err := store.CountJobs(b.ctx, b.pool)
	require.NoError(t, err)
	require.Equal(t, []store.JobCount{{Queue: "default", State: store.JobStateCompleted, Jobs: 2}}, counts)
}

// allDone reports whether no job is pending or running.
func allDone(t *testing.T, b bundle) bool {
	counts, err := store.CountJobs(b.ctx, b.pool)
	require.NoError(t, err)
	for _, c := range counts {
		if c.State == store.JobStatePending || c.State == store.JobStateRunning {
			return false
		}
	}
	return true
}

func TestPeriodicJobsOfLarder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	periodic := b.acts.PeriodicJobs()
	require.Len(t, periodic, 1)
	reg := jobs.NewRegistry()
	b.acts.RegisterJobs(reg)
	cfg := quick(t)
	cfg.Periodic = periodic
	_, err := jobs.NewWorker(b.pool, reg, cfg)
	require.NoError(t, err, "the schedule and its job are valid")
}

// TestActionsEnqueueThroughTheirJobsClient: WithJobs's client enqueues
// every job the actions make, its own and the agents', so that its
// Observer hears of them.
func TestActionsEnqueueThroughTheirJobsClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	heard := &enqueueRecorder{}
	acts := actions.New(b.pool, actions.WithJobs(jobs.NewClient(jobs.WithObserver(heard))), actions.WithLogger(testLogger(t)))
	me := factories.User().MustCreate(t, b.pool)
	food := factories.Food().OwnedBy(me).MustCreate(t, b.pool)
	nutrients := db.Nutrients{EnergyKcal: 100, ProteinG: 10, CarbsG: 10}

	ok(t, acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: food.ID, Nutrients: &nutrients}}))
	ok(t, acts.EstimateNutrition(b.ctx, me.ID, []agents.FoodDescription{{Description: "a bowl of oats"}, {Description: "an apple"}}))

	require.Equal(t, map[string]int{actions.KindRecomputeNutrition: 1, agents.Kind: 2}, heard.written())
	require.Equal(t, 3, count(t, b, "jobs"))
}

// enqueueRecorder is a jobs.Observer that counts the jobs written, by kind.
type enqueueRecorder struct {
	mu    sync.Mutex
	kinds map[string]int
}

func (r *enqueueRecorder) JobsEnqueued(_ context.Context, e jobs.EnqueuedJobs) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kinds == nil {
		r.kinds = map[string]int{}
	}
	r.kinds[e.Kind] += e.Written
}

func (r *enqueueRecorder) RunStarted(ctx context.Context, _ jobs.Run) context.Context { return ctx }
func (r *enqueueRecorder) RunEnded(context.Context, jobs.Run, jobs.RunEnd)            {}

func (r *enqueueRecorder) written() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.kinds
}
