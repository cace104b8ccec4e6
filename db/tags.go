package db

import (
	"context"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db/dbsqlc"
)

// Tag is a row of tags: a user's label for foods, its name unique per owner
// regardless of case.
type Tag = dbsqlc.Tag

// NewTag is a tag to insert.
type NewTag struct {
	OwnerID uuid.UUID
	Name    string
}

// TagPatch renames one tag.
type TagPatch struct {
	ID   uuid.UUID
	Name string
}

// TagFilter selects a page of ListTags. Zero fields other than OwnerID do
// not filter.
type TagFilter struct {
	OwnerID      uuid.UUID
	NameContains string
	After        Cursor
	Limit        int
}

var tags = table[Tag, uuid.UUID]{name: "tags", key: func(t Tag) uuid.UUID { return t.ID }, compare: compareUUID}

// InsertTags inserts tags and returns them in input order. A name the owner
// already has is ErrUniqueViolation; UpsertTags takes it instead.
func InsertTags(ctx context.Context, dbtx DBTX, in []NewTag) ([]Tag, error) {
	return insertRows(ctx, dbtx, tags, in, func(ids []uuid.UUID, in []NewTag) dbsqlc.InsertTagsParams {
		p := dbsqlc.InsertTagsParams{Ids: ids, OwnerIds: make([]uuid.UUID, len(in)), Names: make([]string, len(in))}
		for i, t := range in {
			p.OwnerIds[i], p.Names[i] = t.OwnerID, t.Name
		}
		return p
	}, (*dbsqlc.Queries).InsertTags)
}

// UpsertTags returns owner's tags with the given names, creating the ones
// that do not exist: one tag per name, in the order of names (a name given
// twice, in any case, gives the same tag twice).
func UpsertTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, names []string) ([]Tag, error) {
	ids, err := newIDs(len(names))
	if err != nil {
		return nil, tags.fail("upsert", err)
	}
	// The query returns rows in input order itself (see tags.sql).
	rows, err := inChunks(ctx, dbtx, len(names), func(qs *dbsqlc.Queries, lo, hi int) ([]dbsqlc.UpsertTagsRow, error) {
		return call(ctx, qs, (*dbsqlc.Queries).UpsertTags, dbsqlc.UpsertTagsParams{OwnerID: owner, Names: names[lo:hi], Ids: ids[lo:hi]}, hi-lo)
	})
	if err != nil {
		return nil, tags.fail("upsert", err)
	}
	out := make([]Tag, len(rows))
	for i, r := range rows {
		out[i] = Tag(r)
	}
	return out, nil
}

// SelectTags returns owner's tags with the given ids, in the order of ids.
func SelectTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Tag, error) {
	return selectRows(ctx, dbtx, tags, ids, func(ids []uuid.UUID) dbsqlc.SelectTagsParams {
		return dbsqlc.SelectTagsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).SelectTags)
}

// TagWithCount is a tag and the number of foods it is on.
type TagWithCount = dbsqlc.ListTagsRow

// ListTags returns a page of f.OwnerID's tags, oldest first, each with the
// number of foods it is on.
func ListTags(ctx context.Context, dbtx DBTX, f TagFilter) (Page[TagWithCount], error) {
	return listRows(ctx, dbtx, tags.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListTagsParams {
			return dbsqlc.ListTagsParams{
				OwnerID:        f.OwnerID,
				NameContains:   nonEmpty(f.NameContains),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListTags, func(t TagWithCount) timeKey { return timeKey{t.Tag.CreatedAt, t.Tag.ID} })
}

// UpdateTags renames owner's tags and returns them in input order; patches
// of other tags are left out.
func UpdateTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, in []TagPatch) ([]Tag, error) {
	return updateRows(ctx, dbtx, tags, in, func(p TagPatch) uuid.UUID { return p.ID },
		func(in []TagPatch) dbsqlc.UpdateTagsParams {
			p := dbsqlc.UpdateTagsParams{OwnerID: owner, Ids: make([]uuid.UUID, len(in)), Names: make([]string, len(in))}
			for i, t := range in {
				p.Ids[i], p.Names[i] = t.ID, t.Name
			}
			return p
		}, (*dbsqlc.Queries).UpdateTags)
}

// DeleteTags deletes owner's tags with the given ids, untagging their
// foods, and returns them in the order of ids.
func DeleteTags(ctx context.Context, dbtx DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Tag, error) {
	return deleteRows(ctx, dbtx, tags, ids, func(ids []uuid.UUID) dbsqlc.DeleteTagsParams {
		return dbsqlc.DeleteTagsParams{Ids: ids, OwnerID: owner}
	}, (*dbsqlc.Queries).DeleteTags)
}
