package db

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// Tag is a row of tags: a user's label for foods, its name unique per owner
// regardless of case. NewTag, TagPatch and TagFilter are generated from the
// queries.
type Tag = dbsqlc.Tag

// TagWithCount is a tag and the number of foods it is on (ListTags).
type TagWithCount = dbsqlc.ListTagsRow

// UpsertTags returns owner's tags with the given names, creating those that
// do not exist: one tag per name, in the order of names (a name given
// twice, in any case, gives the same tag twice).
func UpsertTags(ctx context.Context, dbtx many.DBTX, owner uuid.UUID, names []string) ([]Tag, error) {
	in := make([]TagName, len(names))
	for i, name := range names {
		in[i].Name = name
	}
	return UpsertTagNames(ctx, dbtx, owner, in)
}
