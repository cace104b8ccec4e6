package db

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Errors the data layer returns. Match them with errors.Is; a
// *ConstraintError carries the table, constraint and columns.
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
	// ErrColumnMismatch: a statement's column arrays differ in length. It
	// means a table's packing code is wrong; nothing was sent.
	ErrColumnMismatch = errors.New("column arrays differ in length")
	// ErrDuplicateID: one batch names the same row twice where that has no
	// single meaning (an update).
	ErrDuplicateID = errors.New("id appears more than once in the batch")
	// ErrInvalidCursor: a page cursor that no list call returned.
	ErrInvalidCursor = errors.New("invalid page cursor")
)

// A ConstraintError is a write that broke one of the schema's constraints.
// errors.Is matches it against ErrUniqueViolation, ErrForeignKeyViolation,
// ErrCheckViolation or ErrNotNullViolation. Its message holds names only,
// never the offending values, so it is safe to log.
type ConstraintError struct {
	Kind       error    // one of the four violation sentinels
	Table      string   // the constraint's table
	Constraint string   // the constraint's name, e.g. "foods_owner_id_barcode_key"
	Columns    []string // the constrained columns of Table, when PostgreSQL names them
	// Values are the offending key values, in Columns order, when
	// PostgreSQL reports them (unique and foreign key violations). They
	// let a caller find which element of a batch failed.
	Values []string
	// InUse marks a foreign key violation by a delete of a row that rows
	// of Table still reference (a food in a recipe). Values then holds the
	// referenced row's key and Columns is empty.
	InUse bool
}

func (e *ConstraintError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.InUse {
		b.WriteString(": still referenced from")
	}
	if e.Table != "" {
		b.WriteString(" on " + e.Table)
	}
	if len(e.Columns) > 0 {
		b.WriteString(" (" + strings.Join(e.Columns, ", ") + ")")
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
	switch pgErr.Code {
	case codeUniqueViolation:
		return constraintError(ErrUniqueViolation, pgErr)
	case codeForeignKeyViolation:
		return constraintError(ErrForeignKeyViolation, pgErr)
	case codeCheckViolation:
		return constraintError(ErrCheckViolation, pgErr)
	case codeNotNullViolation:
		e := constraintError(ErrNotNullViolation, pgErr)
		e.Columns = []string{pgErr.ColumnName}
		return e
	}
	if strings.HasPrefix(pgErr.Code, classDataException) || pgErr.Code == codeInvalidParameter {
		return fmt.Errorf("%w: %s", ErrInvalidValue, pgErr.Message)
	}
	return err
}

func constraintError(kind error, pgErr *pgconn.PgError) *ConstraintError {
	columns, values := parseKeyDetail(pgErr.Detail)
	e := &ConstraintError{
		Kind:       kind,
		Table:      pgErr.TableName,
		Constraint: pgErr.ConstraintName,
		Columns:    columns,
		Values:     values,
	}
	// The detail of a delete's violation names the referenced table's key,
	// not columns of the constraint's table.
	if strings.Contains(pgErr.Detail, stillReferenced) {
		e.Columns, e.InUse = nil, true
	}
	return e
}

const stillReferenced = "is still referenced from table"

// keyDetail matches the detail of unique and foreign key violations:
// `Key (owner_id, name)=(…, Fruit) already exists.` or
// `Key (food_id)=(…) is not present in table "foods".`
var keyDetail = regexp.MustCompile(`^Key \((.+?)\)=\((.*)\) (?:already exists|is not present in table|` + stillReferenced + `)`)

// parseKeyDetail returns the columns and values a violation's detail names.
// Values are split on ", " only as many times as there are columns, so
// only the last value may itself contain ", ".
func parseKeyDetail(detail string) (columns, values []string) {
	m := keyDetail.FindStringSubmatch(detail)
	if m == nil {
		return nil, nil
	}
	columns = strings.Split(m[1], ", ")
	values = strings.SplitN(m[2], ", ", len(columns))
	if len(values) != len(columns) {
		values = nil
	}
	return columns, values
}
