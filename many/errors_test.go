package many

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func TestMapError(t *testing.T) {
	t.Parallel()
	other := errors.New("connection reset")
	tests := []struct {
		name     string
		give     error
		wantKind error
		want     *ConstraintError
	}{
		{name: "no rows", give: pgx.ErrNoRows, wantKind: ErrNotFound},
		{name: "unknown errors pass through", give: other, wantKind: other},
		{
			// The detail is in the server's language; only the structured
			// fields count.
			name: "unique",
			give: &pgconn.PgError{Code: "23505", TableName: "users", ConstraintName: "users_email_key",
				Detail: "Schlüssel »(email)=(ann@example.com)« existiert bereits."},
			wantKind: ErrUniqueViolation,
			want:     &ConstraintError{Kind: ErrUniqueViolation, Table: "users", Constraint: "users_email_key"},
		},
		{
			name: "foreign key",
			give: fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "23503", TableName: "pantry_items", ConstraintName: "pantry_items_food_id_fkey",
				Detail: `Key (food_id)=(0190c6c2-1f41-7000-8000-000000000001) is not present in table "foods".`}),
			wantKind: ErrForeignKeyViolation,
			want:     &ConstraintError{Kind: ErrForeignKeyViolation, Table: "pantry_items", Constraint: "pantry_items_food_id_fkey"},
		},
		{
			name:     "check",
			give:     &pgconn.PgError{Code: "23514", TableName: "foods", ConstraintName: "foods_fat_g_check", Detail: "Failing row contains (...)."},
			wantKind: ErrCheckViolation,
			want:     &ConstraintError{Kind: ErrCheckViolation, Table: "foods", Constraint: "foods_fat_g_check"},
		},
		{
			name:     "not null",
			give:     &pgconn.PgError{Code: "23502", TableName: "foods", ColumnName: "name"},
			wantKind: ErrNotNullViolation,
			want:     &ConstraintError{Kind: ErrNotNullViolation, Table: "foods", Column: "name"},
		},
		{name: "NUL byte", give: &pgconn.PgError{Code: "22021", Message: `invalid byte sequence for encoding "UTF8": 0x00`}, wantKind: ErrInvalidValue},
		{name: "numeric overflow", give: &pgconn.PgError{Code: "22003", Message: "numeric field overflow"}, wantKind: ErrInvalidValue},
		{name: "unknown time zone", give: &pgconn.PgError{Code: "22023", Message: `time zone "Mars/Olympus" not recognized`}, wantKind: ErrInvalidValue},
		{name: "other SQLSTATEs pass through", give: &pgconn.PgError{Code: "42P01"}, wantKind: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapError(tt.give)
			if tt.wantKind != nil {
				require.ErrorIs(t, got, tt.wantKind)
			} else {
				require.Equal(t, tt.give, got)
			}
			if tt.want != nil {
				var ce *ConstraintError
				require.ErrorAs(t, got, &ce)
				require.Equal(t, tt.want, ce)
			}
		})
	}
}

func TestConstraintErrorMessageHoldsNoValues(t *testing.T) {
	t.Parallel()
	err := mapError(&pgconn.PgError{Code: "23505", TableName: "users", ConstraintName: "users_email_key",
		Detail: "Key (email)=(secret@example.com) already exists."})
	require.EqualError(t, err, "unique violation on users: users_email_key")
	require.NotContains(t, err.Error(), "secret")
}
