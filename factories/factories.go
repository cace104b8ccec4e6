// Package factories builds rows for tests: a fluent, immutable builder per
// table with traits that mean something in the domain.
//
//	food := factories.Food().Processed().HighFat().MustCreate(t, pool)
//	items := factories.PantryItem().ExpiringIn(2).MustCreateMany(t, pool, 10)
//
// Every builder has the same verbs:
//
//   - traits (Processed, OwnedBy, ExpiringIn, ...) return a changed copy,
//     so a base builder can be shared and specialised;
//   - Build returns the insert input without touching the database;
//   - Create inserts one row and returns it; CreateMany inserts n in one
//     batch statement through package db's many-first functions, exactly
//     as production code does;
//   - MustCreate and MustCreateMany fail the test on error, so test code
//     stays one line.
//
// Parents a row needs (a pantry item's user and food) are created on
// demand unless given (OwnedBy, Of), once per Create or CreateMany call:
// a batch of 1,000 items shares one user and one food. Each call runs in
// one transaction (a savepoint inside the caller's), so a failure leaves
// nothing behind.
//
// Defaults are realistic (nutrients from common foods, within every CHECK)
// and unique where the schema needs it (emails, barcodes, tag names come
// from a process-wide sequence). They are deterministic given the seed
// (LARDER_FACTORY_SEED, default 1) and the row's sequence number, which
// appears in its name or email.
package factories

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
)

// seed makes default values reproducible: set LARDER_FACTORY_SEED to replay
// a run's values.
var seed = func() uint64 {
	if s, err := strconv.ParseUint(os.Getenv("LARDER_FACTORY_SEED"), 10, 64); err == nil {
		return s
	}
	return 1
}()

// sequence numbers every built row, across all tests of a process.
var sequence atomic.Uint64

// next returns the next sequence number and the random source of that
// row's defaults.
func next() (uint64, *rand.Rand) {
	n := sequence.Add(1)
	return n, rand.New(rand.NewPCG(seed, n))
}

// between returns a value in [lo, hi) rounded to one decimal.
func between(r *rand.Rand, lo, hi float64) float64 {
	return float64(int((lo+r.Float64()*(hi-lo))*10)) / 10
}

// inTx runs fn in one transaction on dbtx (a savepoint if dbtx is one), so
// that a Create call writes its rows and their parents, or nothing.
func inTx[T any](ctx context.Context, dbtx db.DBTX, fn func(tx db.DBTX) ([]T, error)) ([]T, error) {
	var rows []T
	err := db.WithTx(ctx, dbtx, func(tx pgx.Tx) error {
		var err error
		rows, err = fn(tx)
		return err
	})
	return rows, err
}

// must wraps a Create call's results for a Must variant: it fails the test
// when the call failed.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("factories: %v", err)
		}
		return v
	}
}

// traits are a builder's changes to a row's defaults, applied in order at
// build time with the row's random source.
type traits[T any] []func(*T, *rand.Rand)

// with returns the traits plus f, never sharing the backing array with the
// builder it came from.
func (ts traits[T]) with(f func(*T, *rand.Rand)) traits[T] {
	return append(slices.Clip(ts), f)
}

func (ts traits[T]) apply(v *T, r *rand.Rand) {
	for _, f := range ts {
		f(v, r)
	}
}

// userOr returns the given user, or creates one.
func userOr(ctx context.Context, dbtx db.DBTX, given *db.User) (db.User, error) {
	if given != nil {
		return *given, nil
	}
	return User().Create(ctx, dbtx)
}
