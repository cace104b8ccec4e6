package factories

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
)

// TagBuilder builds tags: unique names from the sequence, owned by a user
// created on demand unless OwnedBy. Foods are tagged with
// Food().WithTags(...).
type TagBuilder struct{ Factory[db.NewTag, db.Tag] }

// Tag starts a tag.
func Tag() TagBuilder {
	return TagBuilder{newFactory(func(n uint64, r *rand.Rand) db.NewTag {
		return db.NewTag{Name: fmt.Sprintf("%s-%d", tagWords[r.IntN(len(tagWords))], n)}
	}, db.InsertTags).WithParent(parentOf(func(t *db.NewTag) *uuid.UUID { return &t.OwnerID }, newUser))}
}

var tagWords = []string{"breakfast", "quick", "vegan", "spicy", "comfort", "high-fibre", "batch-cook", "snack", "budget", "festive"}

// Named names the tag.
func (b TagBuilder) Named(name string) TagBuilder {
	return TagBuilder{b.Set(func(t *db.NewTag) { t.Name = name })}
}

// OwnedBy makes the tag user's.
func (b TagBuilder) OwnedBy(user db.User) TagBuilder {
	return TagBuilder{b.Set(func(t *db.NewTag) { t.OwnerID = user.ID })}
}
