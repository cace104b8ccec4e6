package factories

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
)

// TagBuilder builds tags: unique names, owned by a user created on demand
// unless OwnedBy. Foods are tagged with Food().WithTags(...).
type TagBuilder struct{ Factory[db.NewTag, db.Tag] }

// Tag starts a tag.
func Tag() TagBuilder {
	return TagBuilder{New(func(s Seq) db.NewTag {
		return db.NewTag{Name: fmt.Sprintf("%s-%d", tagWords[s.Rand.IntN(len(tagWords))], s.N)}
	}, db.InsertTags).WithParent(Parent(func(t *db.NewTag) *uuid.UUID { return &t.OwnerID }, NewUser))}
}

// Named names the tag.
func (b TagBuilder) Named(name string) TagBuilder {
	return TagBuilder{b.Set(func(t *db.NewTag) { t.Name = name })}
}

// OwnedBy makes the tag user's.
func (b TagBuilder) OwnedBy(user db.User) TagBuilder {
	return TagBuilder{b.Set(func(t *db.NewTag) { t.OwnerID = user.ID })}
}
