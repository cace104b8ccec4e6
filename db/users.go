package db

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db/dbsqlc"
	"github.com/larderhq/larder/many"
)

// User is a row of users: an account, owner of everything else. Its email
// is unique regardless of case. NewUser, UserPatch and UserFilter are
// generated from the queries.
type User = dbsqlc.User

// SelectUsersByEmail returns the users with the given emails (compared
// case-insensitively), in no particular order.
func SelectUsersByEmail(ctx context.Context, dbtx many.DBTX, emails []string) ([]User, error) {
	return many.Run(ctx, dbtx, "select", "users", emails, nil, many.Rows(func(ctx context.Context, dbtx many.DBTX, emails []string) ([]User, error) {
		return dbsqlc.New(dbtx).SelectUsersByEmail(ctx, emails)
	}))
}

// DeleteUsers deletes the users with the given ids, and with them
// everything they own, and returns the deleted users in the order of ids.
// It runs in one transaction (a savepoint in dbtx's) of statements that
// each delete at most ChunkSize rows, however much the users own: the
// call's time grows with an account's size, no statement's does.
func DeleteUsers(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]User, error) {
	if len(ids) == 0 {
		return []User{}, nil
	}
	var deleted []User
	err := many.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		if err := purgeOwned(ctx, dbsqlc.New(tx), ids); err != nil {
			return fmt.Errorf("purge the users' rows: %w", err)
		}
		var err error
		deleted, err = DeletePurgedUsers(ctx, tx, ids)
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
	p := params{OwnerIDs: owners, RowLimit: many.ChunkSize}
	for _, step := range steps {
		for {
			deleted, err := step(p)
			if err != nil {
				return err
			}
			if len(deleted) < many.ChunkSize {
				break
			}
		}
	}
	return nil
}
