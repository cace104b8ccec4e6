package factories

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/larderhq/larder/db"
)

// TagBuilder builds tags: unique names from the sequence, owned by a user
// created on demand unless OwnedBy. Foods are tagged with
// Food().WithTags(...).
type TagBuilder struct {
	owner  *db.User
	traits traits[db.NewTag]
}

// Tag starts a tag.
func Tag() TagBuilder { return TagBuilder{} }

var tagWords = []string{"breakfast", "quick", "vegan", "spicy", "comfort", "high-fibre", "batch-cook", "snack", "budget", "festive"}

// Named names the tag.
func (b TagBuilder) Named(name string) TagBuilder {
	b.traits = b.traits.with(func(t *db.NewTag, _ *rand.Rand) { t.Name = name })
	return b
}

// OwnedBy makes the tag user's.
func (b TagBuilder) OwnedBy(user db.User) TagBuilder {
	b.owner = &user
	return b
}

// Build returns a tag to insert; its owner is the OwnedBy user's id, or
// zero until Create makes one.
func (b TagBuilder) Build() db.NewTag {
	n, r := next()
	t := db.NewTag{Name: fmt.Sprintf("%s-%d", tagWords[r.IntN(len(tagWords))], n)}
	if b.owner != nil {
		t.OwnerID = b.owner.ID
	}
	b.traits.apply(&t, r)
	return t
}

// BuildMany returns n tags to insert, each built as Build does.
func (b TagBuilder) BuildMany(n int) []db.NewTag {
	out := make([]db.NewTag, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one tag.
func (b TagBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.Tag, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n tags of one owner in one statement.
func (b TagBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.Tag, error) {
	return inTx(ctx, dbtx, func(tx db.DBTX) ([]db.Tag, error) {
		owner, err := userOr(ctx, tx, b.owner)
		if err != nil {
			return nil, err
		}
		in := b.BuildMany(n)
		for i := range in {
			in[i].OwnerID = owner.ID
		}
		return db.InsertTags(ctx, tx, in)
	})
}

// MustCreate is Create that fails the test on error.
func (b TagBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.Tag {
	t.Helper()
	return must[db.Tag](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b TagBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.Tag {
	t.Helper()
	return must[[]db.Tag](t)(b.CreateMany(t.Context(), dbtx, n))
}
