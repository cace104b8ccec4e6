package db

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db/dbsqlc"
)

// User is a row of users: an account, owner of everything else.
type User = dbsqlc.User

// NewUser is a user to insert.
type NewUser struct {
	Email       string // unique, case-insensitively
	DisplayName string
}

// UserPatch changes one user; unset fields keep their value.
type UserPatch struct {
	ID          uuid.UUID
	Email       Optional[string]
	DisplayName Optional[string]
}

// UserFilter selects a page of ListUsers. Zero fields do not filter.
type UserFilter struct {
	EmailContains string // case-insensitive substring of the email
	After         Cursor
	Limit         int
}

var users = table[User, uuid.UUID]{name: "users", key: func(u User) uuid.UUID { return u.ID }, compare: compareUUID}

// InsertUsers inserts users and returns them in input order.
func InsertUsers(ctx context.Context, dbtx DBTX, in []NewUser) ([]User, error) {
	return insertRows(ctx, dbtx, users, in, packNewUsers, (*dbsqlc.Queries).InsertUsers)
}

func packNewUsers(ids []uuid.UUID, in []NewUser) dbsqlc.InsertUsersParams {
	p := dbsqlc.InsertUsersParams{
		Ids:          ids,
		Emails:       make([]string, len(in)),
		DisplayNames: make([]string, len(in)),
	}
	for i, u := range in {
		p.Emails[i] = u.Email
		p.DisplayNames[i] = u.DisplayName
	}
	return p
}

// SelectUsers returns the users with the given ids, in the order of ids.
func SelectUsers(ctx context.Context, dbtx DBTX, ids []uuid.UUID) ([]User, error) {
	return selectRows(ctx, dbtx, users, ids, func(ids []uuid.UUID) []uuid.UUID { return ids }, (*dbsqlc.Queries).SelectUsers)
}

// SelectUsersByEmail returns the users with the given emails (compared
// case-insensitively), in no particular order.
func SelectUsersByEmail(ctx context.Context, dbtx DBTX, emails []string) ([]User, error) {
	rows, err := inChunks(ctx, dbtx, len(emails), func(qs *dbsqlc.Queries, lo, hi int) ([]User, error) {
		return qs.SelectUsersByEmail(ctx, emails[lo:hi])
	})
	if err != nil {
		return nil, users.fail("select", err)
	}
	return rows, nil
}

// ListUsers returns a page of users, oldest first.
func ListUsers(ctx context.Context, dbtx DBTX, f UserFilter) (Page[User], error) {
	return listRows(ctx, dbtx, users.name, f.After, f.Limit,
		func(after timeKey, limit int32) dbsqlc.ListUsersParams {
			return dbsqlc.ListUsersParams{
				EmailContains:  nonEmpty(f.EmailContains),
				AfterCreatedAt: after.At,
				AfterID:        after.ID,
				RowLimit:       limit,
			}
		},
		(*dbsqlc.Queries).ListUsers, func(u User) timeKey { return timeKey{u.CreatedAt, u.ID} })
}

// UpdateUsers applies the patches and returns the changed users in input
// order; patches of users that do not exist are left out.
func UpdateUsers(ctx context.Context, dbtx DBTX, in []UserPatch) ([]User, error) {
	return updateRows(ctx, dbtx, users, in, func(p UserPatch) uuid.UUID { return p.ID }, packUserPatches, (*dbsqlc.Queries).UpdateUsers)
}

func packUserPatches(in []UserPatch) dbsqlc.UpdateUsersParams {
	p := dbsqlc.UpdateUsersParams{
		Ids:             make([]uuid.UUID, len(in)),
		SetEmails:       make([]bool, len(in)),
		Emails:          make([]string, len(in)),
		SetDisplayNames: make([]bool, len(in)),
		DisplayNames:    make([]string, len(in)),
	}
	for i, u := range in {
		p.Ids[i] = u.ID
		p.SetEmails[i], p.Emails[i] = u.Email.Set, u.Email.Value
		p.SetDisplayNames[i], p.DisplayNames[i] = u.DisplayName.Set, u.DisplayName.Value
	}
	return p
}

// DeleteUsers deletes the users with the given ids, and with them
// everything they own, and returns the deleted users in the order of ids.
// It runs in one transaction (a savepoint in dbtx's) of statements that
// each delete at most ChunkSize rows, however much the users own: the
// call's time grows with an account's size, no statement's does.
func DeleteUsers(ctx context.Context, dbtx DBTX, ids []uuid.UUID) ([]User, error) {
	if len(ids) == 0 {
		return []User{}, nil
	}
	var deleted []User
	err := WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		if err := purgeOwned(ctx, dbsqlc.New(tx), ids); err != nil {
			return users.fail("delete", err)
		}
		var err error
		deleted, err = deleteRows(ctx, tx, users, ids, func(ids []uuid.UUID) []uuid.UUID { return ids }, (*dbsqlc.Queries).DeleteUsers)
		return err
	})
	return deleted, err
}

// purgeOwned deletes the rows the owners own, table by table (links
// first), ChunkSize rows per statement.
func purgeOwned(ctx context.Context, qs *dbsqlc.Queries, owners []uuid.UUID) error {
	type params = dbsqlc.PurgeOwnedFoodsParams // every step's parameters are alike
	steps := []func(params) ([]uuid.UUID, error){
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedFoodTags(ctx, dbsqlc.PurgeOwnedFoodTagsParams(p))
		},
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedRecipeIngredients(ctx, dbsqlc.PurgeOwnedRecipeIngredientsParams(p))
		},
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedMealEntries(ctx, dbsqlc.PurgeOwnedMealEntriesParams(p))
		},
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedGenerations(ctx, dbsqlc.PurgeOwnedGenerationsParams(p))
		},
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedPantryItems(ctx, dbsqlc.PurgeOwnedPantryItemsParams(p))
		},
		func(p params) ([]uuid.UUID, error) {
			return qs.PurgeOwnedRecipes(ctx, dbsqlc.PurgeOwnedRecipesParams(p))
		},
		func(p params) ([]uuid.UUID, error) { return qs.PurgeOwnedTags(ctx, dbsqlc.PurgeOwnedTagsParams(p)) },
		func(p params) ([]uuid.UUID, error) { return qs.PurgeOwnedFoods(ctx, p) },
	}
	p := params{OwnerIds: owners, RowLimit: int32(chunkSize)}
	for _, step := range steps {
		for {
			deleted, err := step(p)
			if err != nil {
				return err
			}
			if len(deleted) < chunkSize {
				break
			}
		}
	}
	return nil
}
