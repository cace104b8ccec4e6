package factories

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/many"
)

// Factory builds and creates rows of one table: In is the table's insert
// input (db.NewFood), Row what it returns (db.Food). A table's builder
// embeds one and declares only what is that table's own, once: its
// defaults, its traits, its parents and its insert.
//
// A Factory is a value: its methods that change it return a changed copy,
// so a base builder can be shared and specialised.
type Factory[In, Row any] struct {
	defaults func(Seq) In // a row's values
	traits   []func(*In, *rand.Rand)
	parents  []func(ctx context.Context, tx many.DBTX, in []In) error // fill in what the rows refer to
	insert   func(ctx context.Context, tx many.DBTX, in []In) ([]Row, error)
	after    []func(ctx context.Context, tx many.DBTX, rows []Row) error // rows of other tables that the rows need
	first    uint64                                                      // the number of the first row built (Numbered), 0 for the sequence's
}

// New is the factory of a table with the given defaults and insert (a
// many-first function of package db, or of an application's own package).
func New[In, Row any](defaults func(Seq) In, insert func(context.Context, many.DBTX, []In) ([]Row, error)) Factory[In, Row] {
	return Factory[In, Row]{defaults: defaults, insert: insert}
}

// With returns the factory with one more trait: a change to every row it
// builds, in the order traits were added, after the defaults.
func (f Factory[In, Row]) With(trait func(*In, *rand.Rand)) Factory[In, Row] {
	f.traits = append(slices.Clip(f.traits), trait)
	return f
}

// Set is With for a trait that needs no random source.
func (f Factory[In, Row]) Set(change func(*In)) Factory[In, Row] {
	return f.With(func(v *In, _ *rand.Rand) { change(v) })
}

// WithDefaults returns the factory with other defaults (a food table's pick
// narrowed by a trait).
func (f Factory[In, Row]) WithDefaults(defaults func(Seq) In) Factory[In, Row] {
	f.defaults = defaults
	return f
}

// WithParent returns the factory with one more parent step: run in the
// transaction of a Create before the insert, it creates what the rows
// refer to (a user, a food) unless a trait gave it, and fills it in.
func (f Factory[In, Row]) WithParent(step func(ctx context.Context, tx many.DBTX, in []In) error) Factory[In, Row] {
	f.parents = append(slices.Clip(f.parents), step)
	return f
}

// WithAfter returns the factory with one more step after the insert, in the
// same transaction: rows of other tables that the new rows need (a food's
// tags, a recipe's ingredients).
func (f Factory[In, Row]) WithAfter(step func(ctx context.Context, tx many.DBTX, rows []Row) error) Factory[In, Row] {
	f.after = append(slices.Clip(f.after), step)
	return f
}

// Numbered returns the factory with the rows of each Build, BuildMany,
// Create or CreateMany numbered n, n+1, ... instead of by the process-wide
// sequence: the same numbers give the same defaults, so a test can see what
// a trait changes. Rows numbered alike collide on unique columns; give each
// such call a database or transaction of its own.
func (f Factory[In, Row]) Numbered(n uint64) Factory[In, Row] {
	f.first = n
	return f
}

// Build returns a row to insert, without touching the database: the
// defaults, then the traits. The ids of parents not given are zero.
func (f Factory[In, Row]) Build() In { return f.BuildMany(1)[0] }

// BuildMany returns n rows to insert, each built as Build does.
func (f Factory[In, Row]) BuildMany(n int) []In {
	out := make([]In, n)
	for i := range out {
		s := f.seq(i)
		out[i] = f.defaults(s)
		for _, t := range f.traits {
			t(&out[i], s.Rand)
		}
	}
	return out
}

// seq is what the i-th row of a build comes from.
func (f Factory[In, Row]) seq(i int) Seq {
	if f.first == 0 {
		return next()
	}
	return seqOf(f.first + uint64(i))
}

// Create inserts one row, with its parents and what it needs.
func (f Factory[In, Row]) Create(ctx context.Context, dbtx many.DBTX) (Row, error) {
	return many.First(f.CreateMany(ctx, dbtx, 1))
}

// CreateMany inserts n rows in one statement (per many.ChunkSize), through
// package db's many-first function, exactly as production code does. The
// parents the rows need are created first, once for all n (a batch of
// 1,000 pantry items shares one user and one food), and all of it runs in
// one transaction (a savepoint in the caller's): a failure leaves nothing.
func (f Factory[In, Row]) CreateMany(ctx context.Context, dbtx many.DBTX, n int) ([]Row, error) {
	var rows []Row
	err := many.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		in := f.BuildMany(n)
		for _, p := range f.parents {
			if err := p(ctx, tx, in); err != nil {
				return err
			}
		}
		var err error
		if rows, err = f.insert(ctx, tx, in); err != nil {
			return err
		}
		for _, a := range f.after {
			if err := a(ctx, tx, rows); err != nil {
				return err
			}
		}
		return nil
	})
	return rows, err
}

// MustCreate is Create that fails the test on error.
func (f Factory[In, Row]) MustCreate(t testing.TB, dbtx many.DBTX) Row {
	t.Helper()
	row, err := f.Create(t.Context(), dbtx)
	if err != nil {
		t.Fatalf("factories: %v", err)
	}
	return row
}

// MustCreateMany is CreateMany that fails the test on error.
func (f Factory[In, Row]) MustCreateMany(t testing.TB, dbtx many.DBTX, n int) []Row {
	t.Helper()
	rows, err := f.CreateMany(t.Context(), dbtx, n)
	if err != nil {
		t.Fatalf("factories: %v", err)
	}
	return rows
}
