package actions

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

// NewUser is an account to register.
type NewUser struct {
	Email       string `json:"email" validate:"required,max=254,text,email"`
	DisplayName string `json:"display_name" validate:"required,notblank,max=100,text"`
}

// ProfileChange changes the acting user's profile; nil fields stay. A
// field set follows the rule of the same field of NewUser.
type ProfileChange struct {
	Email       *string `json:"email,omitempty"`
	DisplayName *string `json:"display_name,omitempty"`
}

// RegisterUsers creates accounts, all or none. Emails are unique
// regardless of case: one taken already is a conflict on that element's
// email, one repeated in the batch is invalid.
func (a *Actions) RegisterUsers(ctx context.Context, in []NewUser) Result[[]db.User] {
	return run(ctx, a, "RegisterUsers", func() ([]db.User, error) {
		f := fields{}
		f.batch("users", len(in))
		for i := range in {
			a.check(f, path("users", i), in[i])
		}
		duplicates(f, len(in), func(i int) string { return strings.ToLower(in[i].Email) }, func(i int) string { return path("users", i, "email") })
		if err := f.err(); err != nil {
			return nil, err
		}
		rows := make([]db.NewUser, len(in))
		for i, u := range in {
			rows[i] = db.NewUser{Email: u.Email, DisplayName: u.DisplayName}
		}
		users, err := db.InsertUsers(ctx, a.pool, rows)
		if e, ok := a.conflictAt(ctx, err, "users_email_key", len(in), func(i int) string { return in[i].Email },
			func(i int) string { return path("users", i, "email") }, a.emailsTaken); ok {
			return nil, e
		}
		return users, err
	})
}

// UpdateProfile changes the acting user's email or display name. A taken
// email is a conflict on email.
func (a *Actions) UpdateProfile(ctx context.Context, actor uuid.UUID, in ProfileChange) Result[db.User] {
	return run(ctx, a, "UpdateProfile", func() (db.User, error) {
		if err := acting(actor); err != nil {
			return db.User{}, err
		}
		f := fields{}
		checkChange[NewUser](a, f, "", in)
		if err := f.err(); err != nil {
			return db.User{}, err
		}
		patch := db.UserPatch{ID: actor}
		if in.Email != nil {
			patch.Email = many.Set(*in.Email)
		}
		if in.DisplayName != nil {
			patch.DisplayName = many.Set(*in.DisplayName)
		}
		user, err := many.First(db.UpdateUsers(ctx, a.pool, []db.UserPatch{patch}))
		if errors.Is(err, many.ErrNotFound) {
			return db.User{}, notFound("user not found")
		}
		if e, ok := a.conflictAt(ctx, err, "users_email_key", 1, func(int) string { return *in.Email },
			func(int) string { return "email" }, a.emailsTaken); ok {
			return db.User{}, e
		}
		return user, err
	})
}

// DeleteAccount deletes the acting user and everything they own: foods,
// tags, pantry, recipes, journal, generations, all or nothing. It is the
// one action whose work grows with its data (an account's size), in
// statements of at most many.ChunkSize rows each (db.DeleteUsers).
func (a *Actions) DeleteAccount(ctx context.Context, actor uuid.UUID) Result[db.User] {
	return run(ctx, a, "DeleteAccount", func() (db.User, error) {
		if err := acting(actor); err != nil {
			return db.User{}, err
		}
		user, err := many.First(db.DeleteUsers(ctx, a.pool, []uuid.UUID{actor}))
		if errors.Is(err, many.ErrNotFound) {
			return db.User{}, notFound("user not found")
		}
		return user, err
	})
}

// GetUsers returns the users with the given ids, in their order. A user
// sees only their own account: any other id is not found, as an id no
// account has is, so that no answer tells whether another account exists,
// and no other account is read.
func (a *Actions) GetUsers(ctx context.Context, actor uuid.UUID, ids []uuid.UUID) Result[[]db.User] {
	return read(ctx, a, "GetUsers", func(dbtx many.DBTX) ([]db.User, error) {
		sel := func(ids []uuid.UUID) ([]db.User, error) {
			own := slices.DeleteFunc(slices.Clone(ids), func(id uuid.UUID) bool { return id != actor })
			return db.SelectUsers(ctx, dbtx, own)
		}
		return getByIDs(a, actor, ids, sel, func(u db.User) uuid.UUID { return u.ID }, "no such user")
	})
}

// emailsTaken reads which of the emails accounts have, for conflictAt.
func (a *Actions) emailsTaken(ctx context.Context, emails []string) ([]string, error) {
	users, err := db.SelectUsersByEmail(ctx, a.pool, emails)
	taken := make([]string, len(users))
	for i, u := range users {
		taken[i] = u.Email
	}
	return taken, err
}
