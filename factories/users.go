package factories

import (
	"fmt"

	"github.com/larderhq/larder/db"
)

// UserBuilder builds users: unique emails, realistic display names.
type UserBuilder struct{ Factory[db.NewUser, db.User] }

// User starts a user.
func User() UserBuilder {
	return UserBuilder{New(func(s Seq) db.NewUser {
		return db.NewUser{Email: fmt.Sprintf("user%d@example.test", s.N), DisplayName: displayNames[s.Rand.IntN(len(displayNames))]}
	}, db.InsertUsers)}
}

// Named gives the user a display name.
func (b UserBuilder) Named(name string) UserBuilder {
	return UserBuilder{b.Set(func(u *db.NewUser) { u.DisplayName = name })}
}

// WithEmail gives the user an email; the default is unique already.
func (b UserBuilder) WithEmail(email string) UserBuilder {
	return UserBuilder{b.Set(func(u *db.NewUser) { u.Email = email })}
}
