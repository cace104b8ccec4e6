package actions

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

// Larder's job kinds. A worker runs them once RegisterJobs has registered
// their handlers; PeriodicJobs schedules the digests.
const (
	// KindExpiryDigests runs daily: it enqueues one KindExpiryDigest per
	// user with items expiring within DigestDays.
	KindExpiryDigests = "pantry.expiry-digests"
	// KindExpiryDigest sends one user their digest of expiring items.
	KindExpiryDigest = "pantry.expiry-digest"
	// KindRecomputeNutrition refreshes the nutrition cached on recipes
	// after their ingredients or the foods in them changed.
	KindRecomputeNutrition = "recipes.recompute-nutrition"
)

// DigestDays is how far ahead the expiry digest looks.
const DigestDays = 3

// DigestSender delivers a user's expiry digest (by mail, push...). The
// default logs it. It is called inside the transaction that records the
// digest and completes its job: an error rolls both back, and the job is
// retried.
type DigestSender interface {
	SendExpiryDigest(ctx context.Context, user db.User, items []db.PantryItem) error
}

// WithDigestSender sets who delivers expiry digests.
func WithDigestSender(s DigestSender) Option {
	return func(a *Actions) { a.digests = s }
}

// logDigests is the default DigestSender: it logs each digest.
type logDigests struct{ log *slog.Logger }

func (l logDigests) SendExpiryDigest(ctx context.Context, user db.User, items []db.PantryItem) error {
	l.log.InfoContext(ctx, "expiry digest", "user", user.ID, "email", user.Email, "items", len(items))
	return nil
}

// DigestPayload is the payload of KindExpiryDigest.
type DigestPayload struct {
	UserID uuid.UUID `json:"user_id" validate:"required"`
	Date   string    `json:"date" validate:"required,date"` // the day the digest is for
}

// RecomputePayload is the payload of KindRecomputeNutrition: the recipes,
// and the recipes that use the foods, to refresh.
type RecomputePayload struct {
	RecipeIDs []uuid.UUID `json:"recipe_ids,omitempty"`
	FoodIDs   []uuid.UUID `json:"food_ids,omitempty"`
}

// RegisterJobs registers the handlers of Larder's job kinds.
func (a *Actions) RegisterJobs(reg *jobs.Registry) {
	jobs.Handle(reg, KindExpiryDigests, a.fanOutDigests)
	jobs.Handle(reg, KindExpiryDigest, a.sendDigest)
	jobs.Handle(reg, KindRecomputeNutrition, a.recomputeNutrition)
}

// PeriodicJobs are Larder's periodic jobs: the expiry digests, daily at
// 06:00 UTC.
func (a *Actions) PeriodicJobs() []jobs.Periodic {
	return []jobs.Periodic{jobs.Cron("0 6 * * *", a.jobs.Job(KindExpiryDigests))}
}

// fanOutDigests enqueues a digest for each user with items expiring soon,
// a page of users per statement. Each is unique per user and day, so a
// retry of this job, or a second run after a rescue, enqueues no digest
// twice.
func (a *Actions) fanOutDigests(ctx context.Context, job jobs.Job[struct{}]) error {
	day := time.Now().UTC().Format(DateLayout)
	today, _ := parseDate(day)
	var after many.Cursor
	for {
		page, err := db.ListOwnersWithExpiringItems(ctx, a.pool, db.ExpiringWithin(today, DigestDays), after, many.MaxPageSize)
		if err != nil {
			return err
		}
		digests := make([]jobs.Builder, len(page.Items))
		for i, user := range page.Items {
			digests[i] = a.jobs.Job(KindExpiryDigest).
				Payload(DigestPayload{UserID: user, Date: day}).
				UniqueBy("digest:" + user.String() + ":" + day)
		}
		if _, err := a.jobs.EnqueueMany(ctx, a.pool, digests...); err != nil {
			return err
		}
		if page.Next == "" {
			return nil
		}
		after = page.Next
	}
}

// sendDigest sends one user the items that expire within DigestDays of the
// digest's day (or already have), once: in one transaction it records the
// digest (expiry_digests), sends it, and completes its job
// (jobs.CompleteTx). A run that finds the digest recorded (a retry after
// the commit was lost) completes without sending; one that fails to send
// writes nothing and is retried. A user deleted since has no digest.
func (a *Actions) sendDigest(ctx context.Context, job jobs.Job[DigestPayload]) error {
	id := job.Payload.UserID
	day, _ := parseDate(job.Payload.Date)
	user, err := many.First(db.SelectUsers(ctx, a.pool, []uuid.UUID{id}))
	if errors.Is(err, many.ErrNotFound) {
		return jobs.Cancel(err)
	}
	if err != nil {
		return err
	}
	page, err := db.ListPantryItemsByExpiry(ctx, a.pool, db.ExpiryFilter{OwnerID: id, Until: db.ExpiringWithin(day, DigestDays), Limit: many.MaxPageSize})
	if err != nil || len(page.Items) == 0 {
		return err
	}
	return many.WithTx(ctx, a.pool, func(tx pgx.Tx) error {
		recorded, err := db.InsertExpiryDigests(ctx, tx, []db.NewExpiryDigest{{OwnerID: id, Day: day, Items: int32(len(page.Items))}})
		if err != nil {
			return err
		}
		if len(recorded) == 1 {
			if err := a.digests.SendExpiryDigest(ctx, user, page.Items); err != nil {
				return err
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

// recomputeNutrition refreshes the cached nutrition of recipes. It is
// idempotent: run twice, it computes the same values.
func (a *Actions) recomputeNutrition(ctx context.Context, job jobs.Job[RecomputePayload]) error {
	_, err := db.RecomputeRecipeNutrition(ctx, a.pool, job.Payload.RecipeIDs, job.Payload.FoodIDs)
	return err
}

// enqueueRecompute enqueues KindRecomputeNutrition in tx: the refresh
// happens only if the change that needs it commits.
func (a *Actions) enqueueRecompute(ctx context.Context, tx many.DBTX, p RecomputePayload) error {
	if len(p.RecipeIDs) == 0 && len(p.FoodIDs) == 0 {
		return nil
	}
	_, err := a.jobs.Job(KindRecomputeNutrition).Payload(p).Enqueue(ctx, tx)
	return err
}
