package factories

import (
	"fmt"
	"math/rand/v2"

	"github.com/larderhq/larder/db"
)

// UserBuilder builds users: unique emails, realistic display names.
type UserBuilder struct{ Factory[db.NewUser, db.User] }

// User starts a user.
func User() UserBuilder {
	return UserBuilder{newFactory(func(n uint64, r *rand.Rand) db.NewUser {
		return db.NewUser{Email: fmt.Sprintf("user%d@example.test", n), DisplayName: displayNames[r.IntN(len(displayNames))]}
	}, db.InsertUsers)}
}

var displayNames = []string{"Ada Moreau", "Bo Lindqvist", "Chidi Okafor", "Dana Weiss", "Emeka Eze", "Farah Haddad",
	"Giulia Conti", "Hana Sato", "Ines Duarte", "José Álvarez", "Kai Müller", "Lena Novak", "Mei Chen", "Noor Rahman"}

// Named gives the user a display name.
func (b UserBuilder) Named(name string) UserBuilder {
	return UserBuilder{b.Set(func(u *db.NewUser) { u.DisplayName = name })}
}

// WithEmail gives the user an email; the default is unique already.
func (b UserBuilder) WithEmail(email string) UserBuilder {
	return UserBuilder{b.Set(func(u *db.NewUser) { u.Email = email })}
}
