// Package actions is Larder's application API: the operations an app
// performs for its users, each validating its input, calling the
// many-first models of package db, and returning a Result instead of
// panicking or returning a bare error.
//
// Data flows in as plain input structs (ids, dates and times as text, so
// that anything a client sends can be checked and reported field by
// field), through validation (go-playground/validator with Larder's rules,
// every element of a batch, then the rules across elements), into one
// transaction per call when it writes more than one statement, and out as
// a Result: the rows written or read, or an *Error with a code and, for
// invalid input, the path of every broken rule ("items[2].quantity").
//
//	acts := actions.New(pool)
//	res := acts.AddPantryItems(ctx, user.ID, []actions.NewPantryItem{{FoodID: id, Quantity: 500, Unit: "g"}})
//	if !res.Success { return res.Error }
//
// Actions on a user's rows take the acting user; rows of another user are
// not found, never read or written. A batch is all or nothing: it is
// validated before anything is written, and a failure in the database rolls
// the whole call back. Database errors reach callers only as codes with
// safe messages; anything unexpected is logged and reported as internal.
package actions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
)

// Actions are the operations, with what they depend on. Make them with New;
// they are safe for concurrent use.
type Actions struct {
	pool     db.DBTX
	validate *validator.Validate
	log      *slog.Logger
	jobs     *jobs.Client
	digests  DigestSender
}

// Option configures Actions.
type Option func(*Actions)

// WithLogger sets the logger for internal errors and recovered panics; the
// default is slog.Default().
func WithLogger(log *slog.Logger) Option {
	return func(a *Actions) { a.log = log }
}

// New returns the actions working on pool (a pool, usually; a
// transaction works too, the actions then using savepoints).
func New(pool db.DBTX, opts ...Option) *Actions {
	a := &Actions{pool: pool, validate: newValidator(), log: slog.Default(), jobs: jobs.NewClient()}
	for _, opt := range opts {
		opt(a)
	}
	if a.digests == nil {
		a.digests = logDigests{a.log}
	}
	return a
}

// run runs an action's body and makes its Result: a returned *Error as is,
// any other error translated (failure), a panic recovered and logged as an
// internal error.
func run[T any](ctx context.Context, a *Actions, action string, body func() (T, error)) (res Result[T]) {
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "action panicked", "action", action, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res = Result[T]{Error: internalError()}
		}
	}()
	data, err := body()
	if err != nil {
		return Result[T]{Error: a.failure(ctx, action, err)}
	}
	return Result[T]{Success: true, Data: data}
}

// inTx runs fn in one transaction on the actions' pool.
func (a *Actions) inTx(ctx context.Context, fn func(tx db.DBTX) error) error {
	return db.WithTx(ctx, a.pool, func(tx pgx.Tx) error { return fn(tx) })
}

// failure turns an error into the Error a caller sees. Actions map the
// errors they expect (a taken barcode, a food in use) to the element that
// caused them before returning; this is the general case, and the one
// place that logs what callers must not see.
func (a *Actions) failure(ctx context.Context, action string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ce *db.ConstraintError
	switch {
	case errors.Is(err, db.ErrNotFound):
		return notFound("not found")
	case errors.Is(err, db.ErrInvalidCursor):
		return invalid("after", "is not a cursor a list returned")
	case errors.As(err, &ce):
		return constraintFailure(ce)
	case errors.Is(err, db.ErrInvalidValue):
		return &Error{Code: CodeInvalid, Message: "a value is out of the range the database accepts"}
	}
	a.log.ErrorContext(ctx, "action failed", "action", action, "error", err)
	return internalError()
}

// constraintFailure reports a broken constraint that the action did not map
// to an element: by column, without values.
func constraintFailure(ce *db.ConstraintError) *Error {
	column := constraintColumn(ce)
	switch {
	case ce.InUse:
		return &Error{Code: CodeConflict, Message: "it is still used by other rows (a recipe or the journal)"}
	case errors.Is(ce, db.ErrUniqueViolation):
		return fieldsError(CodeConflict, fields{column: "is already taken"})
	case errors.Is(ce, db.ErrForeignKeyViolation) && column == "owner_id":
		return forbidden("the acting user does not exist")
	case errors.Is(ce, db.ErrForeignKeyViolation):
		return invalid(column, "refers to nothing that exists")
	case errors.Is(ce, db.ErrNotNullViolation):
		return invalid(column, "is required")
	}
	return invalid(column, "is out of range")
}

// constraintColumn names the column a constraint is about: its last
// column, or what its name says (foods_sugar_g_check: sugar_g).
func constraintColumn(ce *db.ConstraintError) string {
	if n := len(ce.Columns); n > 0 {
		return ce.Columns[n-1]
	}
	name := strings.TrimPrefix(ce.Constraint, ce.Table+"_")
	for _, suffix := range []string{"_check", "_fkey", "_key"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return name
}

// acting checks that there is an acting user.
func acting(actor uuid.UUID) error {
	if actor == uuid.Nil {
		return forbidden("no acting user")
	}
	return nil
}

// conflictAt turns a violation of the unique constraint into a conflict on
// the input element whose key holds the value PostgreSQL reports (compared
// regardless of case, as citext columns are): at(i) is that element's path.
// ok is false when err is not that violation.
func conflictAt(err error, constraint string, n int, key, at func(i int) string) (e *Error, ok bool) {
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || ce.Constraint != constraint || len(ce.Values) == 0 {
		return nil, false
	}
	taken := ce.Values[len(ce.Values)-1]
	for i := range n {
		if strings.EqualFold(key(i), taken) {
			return fieldsError(CodeConflict, fields{at(i): "is already taken"}), true
		}
	}
	return &Error{Code: CodeConflict, Message: constraintColumn(ce) + " is already taken"}, true
}

// inUseAt turns a delete's foreign key violation (a row others still
// refer to) into a conflict at the id PostgreSQL names: ids[i] of the
// input batch.
func inUseAt(err error, ids []string, rule string) (*Error, bool) {
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || !ce.InUse || len(ce.Values) == 0 {
		return nil, false
	}
	for i, id := range ids {
		if strings.EqualFold(id, ce.Values[0]) {
			return fieldsError(CodeConflict, fields{path("ids", i): rule}), true
		}
	}
	return &Error{Code: CodeConflict, Message: "a row " + rule}, true
}

// visible reports the ids that found no row as not found (rule), at(i)
// being the path of ids[i]: a batch that writes or reads fewer rows than
// it names fails whole, so a caller can pair the rows it gets with its
// input.
func visible[Row any](ids []uuid.UUID, rows []Row, id func(Row) uuid.UUID, at func(i int) string, rule string) error {
	found := make(map[uuid.UUID]bool, len(rows))
	for _, r := range rows {
		found[id(r)] = true
	}
	missing := fields{}
	for i, want := range ids {
		if !found[want] {
			missing[at(i)] = rule
		}
	}
	return missing.errAs(CodeNotFound)
}

// getByIDs is a read by ids of rows the acting user can see: the ids
// validated at ids[i], the rows read with sel, in the order of ids, and an
// id that found none not found (rule) at ids[i].
func getByIDs[Row any](a *Actions, actor uuid.UUID, ids []string, sel func(ids []uuid.UUID) ([]Row, error), id func(Row) uuid.UUID, rule string) ([]Row, error) {
	if err := acting(actor); err != nil {
		return nil, err
	}
	f := fields{}
	parsed := a.ids(f, "ids", ids)
	if err := f.err(); err != nil {
		return nil, err
	}
	rows, err := sel(parsed)
	if err != nil {
		return nil, err
	}
	return rows, visible(parsed, rows, id, idAt, rule)
}
