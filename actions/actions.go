// Package actions is Larder's application API: the operations an app
// performs for its users, each validating its input, calling the
// many-first models of package db, and returning a Result instead of
// panicking or returning a bare error.
//
// Data flows in as plain input structs, through validation
// (go-playground/validator with Larder's rules, every element of a batch,
// then the rules across elements), into one transaction per call when it
// writes more than one statement, and out as a Result: the rows written or
// read, or an *Error with a code and, for invalid input, the path of every
// broken rule ("items[2].quantity").
//
// Ids are uuid.UUID in and out, so an id a call returns goes as it is into
// the next. Where an id is required, the zero UUID is invalid ("is
// required"); where one is optional (a meal entry's food_id or recipe_id,
// a search's tag_id), uuid.Nil is none. Dates and times are text
// (YYYY-MM-DD, RFC 3339), checked and reported field by field. Decode
// reads a JSON document into an input and reports each value that does
// not fit its field at its path, so that a client's text, ids included,
// is reported as validation reports rules ("items[3].food_id: must be an
// id (a UUID)").
//
//	acts := actions.New(pool)
//	res := acts.AddPantryItems(ctx, user.ID, []actions.NewPantryItem{{FoodID: food.ID, Quantity: 500, Unit: "g"}})
//	if !res.Success { return res.Error }
//
// Actions on a user's rows take the acting user; rows of another user are
// not found, never read or written. A batch is all or nothing: it is
// validated before anything is written, and a failure in the database rolls
// the whole call back. Database errors reach callers only as codes with
// safe messages; anything unexpected is logged and reported as internal.
//
// With WithReplica, the read-only actions (Get*, List*, SearchFoods,
// RecipeNutrition, DailyTotals) read from a read replica, falling back to
// the pool while it cannot be reached; every other action, each of its
// reads included, runs on the pool.
package actions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
)

// Actions are the operations, with what they depend on. Make them with New;
// they are safe for concurrent use.
type Actions struct {
	pool     many.DBTX
	replica  *replicaState // reads of the read-only actions (WithReplica); nil: the pool
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

// WithJobs sets the client the actions enqueue their jobs with (digests,
// nutrition, generations): one with an Observer (jobs.WithObserver), say,
// so that metrics count them. The default is jobs.NewClient().
func WithJobs(client *jobs.Client) Option {
	return func(a *Actions) { a.jobs = client }
}

// New returns the actions working on pool (a pool, usually; a
// transaction works too, the actions then using savepoints, and reading
// in it even WithReplica).
func New(pool many.DBTX, opts ...Option) *Actions {
	a := &Actions{pool: pool, validate: newValidator(), log: slog.Default(), jobs: jobs.NewClient()}
	for _, opt := range opts {
		opt(a)
	}
	if _, inTx := pool.(pgx.Tx); inTx {
		a.replica = nil // what the transaction wrote is in it alone
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
func (a *Actions) inTx(ctx context.Context, fn func(tx many.DBTX) error) error {
	return many.WithTx(ctx, a.pool, func(tx pgx.Tx) error { return fn(tx) })
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
	var ce *many.ConstraintError
	switch {
	case errors.Is(err, many.ErrNotFound):
		return notFound("not found")
	case errors.Is(err, many.ErrInvalidCursor):
		return invalid("after", "is not a cursor a list returned")
	case errors.As(err, &ce):
		return constraintFailure(ce)
	case errors.Is(err, many.ErrInvalidValue):
		return &Error{Code: CodeInvalid, Message: "a value is out of the range the database accepts"}
	}
	a.log.ErrorContext(ctx, "action failed", "action", action, "error", err)
	return internalError()
}

// constraintFailure reports a broken constraint that the action did not map
// to an element: by column, without values.
func constraintFailure(ce *many.ConstraintError) *Error {
	column := constraintColumn(ce)
	switch {
	case errors.Is(ce, many.ErrUniqueViolation):
		return fieldsError(CodeConflict, fields{column: "is already taken"})
	case errors.Is(ce, many.ErrForeignKeyViolation) && column == "owner_id":
		return forbidden("the acting user does not exist")
	case errors.Is(ce, many.ErrForeignKeyViolation):
		return invalid(column, "refers to nothing that exists")
	case errors.Is(ce, many.ErrNotNullViolation):
		return invalid(column, "is required")
	}
	return invalid(column, "is out of range")
}

// constraintColumn names the column a constraint is about: the column
// PostgreSQL names (a not-null violation's), else what the constraint's
// name says, as the schema names every constraint: table_column_suffix
// (foods_sugar_g_check: sugar_g).
func constraintColumn(ce *many.ConstraintError) string {
	if ce.Column != "" {
		return ce.Column
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
// the input elements whose keys (key(i), "" for none) are taken: taken
// reads which of them the database holds (the violation itself names no
// value in a form that does not depend on the server's language), and
// they compare regardless of case, as citext columns do. at(i) is element
// i's path. ok is false when err is not that violation.
func (a *Actions) conflictAt(ctx context.Context, err error, constraint string, n int, key, at func(i int) string,
	taken func(ctx context.Context, keys []string) ([]string, error),
) (e *Error, ok bool) {
	var ce *many.ConstraintError
	if !errors.As(err, &ce) || ce.Constraint != constraint {
		return nil, false
	}
	general := &Error{Code: CodeConflict, Message: constraintColumn(ce) + " is already taken"}
	var keys []string
	for i := range n {
		if k := key(i); k != "" {
			keys = append(keys, k)
		}
	}
	stored, lerr := taken(ctx, keys)
	if lerr != nil {
		a.log.ErrorContext(ctx, "finding which keys are taken failed", "constraint", constraint, "error", lerr)
		return general, true
	}
	clash := fields{}
	for i := range n {
		for _, s := range stored {
			if k := key(i); k != "" && strings.EqualFold(k, s) {
				clash[at(i)] = "is already taken"
			}
		}
	}
	if len(clash) == 0 {
		return general, true // taken by a row gone since
	}
	return fieldsError(CodeConflict, clash), true
}

// inUseAt turns a delete's foreign key violation (rows others still refer
// to) into a conflict at each id inUse finds still referred to: ids[i] of
// the input batch, at path("ids", i). ok is false when err is not a
// foreign key violation.
func (a *Actions) inUseAt(ctx context.Context, err error, ids []uuid.UUID, rule string,
	inUse func(ctx context.Context, dbtx many.DBTX, ids []uuid.UUID) ([]uuid.UUID, error),
) (*Error, bool) {
	if !errors.Is(err, many.ErrForeignKeyViolation) {
		return nil, false
	}
	used, lerr := inUse(ctx, a.pool, ids)
	if lerr != nil {
		a.log.ErrorContext(ctx, "finding which rows are in use failed", "error", lerr)
	}
	clash := fields{}
	for i, id := range ids {
		if slices.Contains(used, id) {
			clash[path("ids", i)] = rule
		}
	}
	if len(clash) == 0 {
		return &Error{Code: CodeConflict, Message: "a row " + rule}, true
	}
	return fieldsError(CodeConflict, clash), true
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
// checked at ids[i], the rows read with sel, in the order of ids, and an
// id that found none not found (rule) at ids[i].
func getByIDs[Row any](a *Actions, actor uuid.UUID, ids []uuid.UUID, sel func(ids []uuid.UUID) ([]Row, error), id func(Row) uuid.UUID, rule string) ([]Row, error) {
	if err := acting(actor); err != nil {
		return nil, err
	}
	f := fields{}
	checkIDs(f, "ids", ids)
	if err := f.err(); err != nil {
		return nil, err
	}
	rows, err := sel(ids)
	if err != nil {
		return nil, err
	}
	return rows, visible(ids, rows, id, idAt, rule)
}

// deleteOwn deletes the acting user's rows ids with del, in one
// transaction, and returns them in the order of ids. An id that deletes
// no row (another user's, one that never was, one deleted meanwhile) is
// not found (rule) at ids[i], and the whole call deletes nothing. No ids,
// no round trip.
func deleteOwn[Row any](ctx context.Context, a *Actions, actor uuid.UUID, ids []uuid.UUID,
	del func(ctx context.Context, tx many.DBTX, owner uuid.UUID, ids []uuid.UUID) ([]Row, error), id func(Row) uuid.UUID, rule string,
) ([]Row, error) {
	if err := acting(actor); err != nil {
		return nil, err
	}
	f := fields{}
	checkIDs(f, "ids", ids)
	if err := f.err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []Row{}, nil
	}
	var rows []Row
	err := a.inTx(ctx, func(tx many.DBTX) error {
		var err error
		if rows, err = del(ctx, tx, actor, ids); err != nil {
			return err
		}
		return visible(ids, rows, id, idAt, rule)
	})
	return rows, err
}
