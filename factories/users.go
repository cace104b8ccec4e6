package factories

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/larderhq/larder/db"
)

// UserBuilder builds users: unique emails, realistic display names.
type UserBuilder struct {
	traits traits[db.NewUser]
}

// User starts a user.
func User() UserBuilder { return UserBuilder{} }

var displayNames = []string{"Ada Moreau", "Bo Lindqvist", "Chidi Okafor", "Dana Weiss", "Emeka Eze", "Farah Haddad",
	"Giulia Conti", "Hana Sato", "Ines Duarte", "José Álvarez", "Kai Müller", "Lena Novak", "Mei Chen", "Noor Rahman"}

// Named gives the user a display name.
func (b UserBuilder) Named(name string) UserBuilder {
	b.traits = b.traits.with(func(u *db.NewUser, _ *rand.Rand) { u.DisplayName = name })
	return b
}

// WithEmail gives the user an email; the default is unique already.
func (b UserBuilder) WithEmail(email string) UserBuilder {
	b.traits = b.traits.with(func(u *db.NewUser, _ *rand.Rand) { u.Email = email })
	return b
}

// Build returns a user to insert.
func (b UserBuilder) Build() db.NewUser {
	n, r := next()
	u := db.NewUser{
		Email:       fmt.Sprintf("user%d@example.test", n),
		DisplayName: displayNames[r.IntN(len(displayNames))],
	}
	b.traits.apply(&u, r)
	return u
}

// BuildMany returns n users to insert, each built as Build does.
func (b UserBuilder) BuildMany(n int) []db.NewUser {
	out := make([]db.NewUser, n)
	for i := range out {
		out[i] = b.Build()
	}
	return out
}

// Create inserts one user.
func (b UserBuilder) Create(ctx context.Context, dbtx db.DBTX) (db.User, error) {
	return db.First(b.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n users in one statement.
func (b UserBuilder) CreateMany(ctx context.Context, dbtx db.DBTX, n int) ([]db.User, error) {
	in := b.BuildMany(n)
	return db.InsertUsers(ctx, dbtx, in)
}

// MustCreate is Create that fails the test on error.
func (b UserBuilder) MustCreate(t testing.TB, dbtx db.DBTX) db.User {
	t.Helper()
	return must[db.User](t)(b.Create(t.Context(), dbtx))
}

// MustCreateMany is CreateMany that fails the test on error.
func (b UserBuilder) MustCreateMany(t testing.TB, dbtx db.DBTX, n int) []db.User {
	t.Helper()
	return must[[]db.User](t)(b.CreateMany(t.Context(), dbtx, n))
}
