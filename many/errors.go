package many

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Errors the engine returns. Match them with errors.Is; a
// *ConstraintError carries the table and constraint.
var (
	// ErrNotFound: no row matched (see First).
	ErrNotFound = errors.New("not found")
	// ErrUniqueViolation: a row would duplicate a unique key.
	ErrUniqueViolation = errors.New("unique violation")
	// ErrForeignKeyViolation: a row refers to a row that does not exist, or
	// a delete would leave rows referring to nothing.
	ErrForeignKeyViolation = errors.New("foreign key violation")
	// ErrCheckViolation: a value is outside what a CHECK constraint allows.
	ErrCheckViolation = errors.New("check violation")
	// ErrNotNullViolation: a required column got no value.
	ErrNotNullViolation = errors.New("not-null violation")
	// ErrInvalidValue: PostgreSQL rejected a value itself: text with a NUL
	// byte or invalid UTF-8, a number or date out of range, an unknown
	// enum label or time zone.
	ErrInvalidValue = errors.New("invalid value")
	// ErrDuplicateKey: one batch names the same row twice where that has
	// no single meaning (an update).
	ErrDuplicateKey = errors.New("a key appears more than once in the batch")
	// ErrInvalidCursor: a page cursor that no list call returned.
	ErrInvalidCursor = errors.New("invalid page cursor")
)

// A ConstraintError is a write that broke one of the schema's constraints.
// errors.Is matches it against ErrUniqueViolation, ErrForeignKeyViolation,
// ErrCheckViolation or ErrNotNullViolation. It is made from the error's
// structured fields only (its SQLSTATE, table, constraint and column),
// never from the message text, which is in the server's language
// (lc_messages); its own message holds names, never values, so it is
// safe to log.
//
// Which element of a batch broke a unique or foreign key is not in those
// fields: a caller that needs it asks the database which of the batch's
// keys are taken, or still referenced, after the failure (package
// actions does, for barcodes, emails and foods in use).
type ConstraintError struct {
	Kind       error  // one of the four violation sentinels
	Table      string // the constraint's table (for a foreign key, the referencing one)
	Constraint string // the constraint's name, e.g. "foods_owner_id_barcode_key"
	Column     string // the column of a not-null violation
}

func (e *ConstraintError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Table != "" {
		b.WriteString(" on " + e.Table)
	}
	if e.Column != "" {
		b.WriteString(" (" + e.Column + ")")
	}
	if e.Constraint != "" {
		b.WriteString(": " + e.Constraint)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUniqueViolation) and the like work.
func (e *ConstraintError) Is(target error) bool { return target == e.Kind }

// SQLSTATE codes mapped by mapError.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
	codeNotNullViolation    = "23502"
	classDataException      = "22"
	codeInvalidParameter    = "22023" // e.g. an unknown time zone
)

// violations maps the SQLSTATEs of broken constraints to their sentinels.
var violations = map[string]error{
	codeUniqueViolation:     ErrUniqueViolation,
	codeForeignKeyViolation: ErrForeignKeyViolation,
	codeCheckViolation:      ErrCheckViolation,
	codeNotNullViolation:    ErrNotNullViolation,
}

// mapError turns driver errors into this package's errors. It is the one
// place that knows PostgreSQL's error codes. Errors it does not know pass
// through unchanged.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if kind, ok := violations[pgErr.Code]; ok {
		return &ConstraintError{Kind: kind, Table: pgErr.TableName, Constraint: pgErr.ConstraintName, Column: pgErr.ColumnName}
	}
	if strings.HasPrefix(pgErr.Code, classDataException) || pgErr.Code == codeInvalidParameter {
		return fmt.Errorf("%w (SQLSTATE %s)", ErrInvalidValue, pgErr.Code)
	}
	return err
}

// MapError turns an error from pgx into this package's errors, for
// statements run outside the engine: ErrNotFound for no rows, a
// *ConstraintError for a broken constraint, ErrInvalidValue for a value
// PostgreSQL rejected; anything else unchanged.
func MapError(err error) error { return mapError(err) }
