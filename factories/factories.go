// Package factories builds rows for tests: a fluent, immutable builder per
// table with traits that mean something in the domain.
//
//	food := factories.Food().Processed().HighFat().MustCreate(t, pool)
//	items := factories.PantryItem().ExpiringIn(2).MustCreateMany(t, pool, 10)
//
// Every builder embeds a Factory (factory.go), which has the verbs, written
// once for every table:
//
//   - Build returns the insert input without touching the database;
//   - Create inserts one row and returns it; CreateMany inserts n in one
//     batch statement through package db's many-first functions, exactly
//     as production code does;
//   - MustCreate and MustCreateMany fail the test on error, so test code
//     stays one line.
//
// A table's builder (foods.go, ...) declares only what is its own: its
// defaults, its traits (Processed, OwnedBy, ExpiringIn, ...), which return
// a changed copy, so a base builder can be shared and specialised, and its
// parents.
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
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/larderhq/larder/many"
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

// Seq is what a built row's defaults come from: its number in the
// process-wide sequence (for unique values), and a random source seeded by
// it and LARDER_FACTORY_SEED.
type Seq struct {
	N    uint64
	Rand *rand.Rand
}

// next returns the next sequence number and the random source of that
// row's defaults.
func next() Seq { return seqOf(sequence.Add(1)) }

// seqOf is row n's Seq.
func seqOf(n uint64) Seq { return Seq{n, rand.New(rand.NewPCG(seed, n))} }

// between returns a value in [lo, hi) rounded to one decimal.
func between(r *rand.Rand, lo, hi float64) float64 {
	return float64(int((lo+r.Float64()*(hi-lo))*10)) / 10
}

// Parent is a parent step (Factory.WithParent): the rows whose id field is
// zero get one parent, made by create (from the first such row) the first
// time it is needed; rows given a parent by a trait keep theirs.
func Parent[In any](id func(*In) *uuid.UUID, create func(ctx context.Context, tx many.DBTX, row *In) (uuid.UUID, error)) func(context.Context, many.DBTX, []In) error {
	return func(ctx context.Context, tx many.DBTX, in []In) error {
		var made uuid.UUID
		for i := range in {
			if p := id(&in[i]); *p == uuid.Nil {
				if made == uuid.Nil {
					var err error
					if made, err = create(ctx, tx, &in[i]); err != nil {
						return err
					}
				}
				*p = made
			}
		}
		return nil
	}
}

// NewUser creates the user a row needs.
func NewUser[In any](ctx context.Context, tx many.DBTX, _ *In) (uuid.UUID, error) {
	u, err := User().Create(ctx, tx)
	return u.ID, err
}

// ptrTo returns a pointer to a copy of v.
func ptrTo[T any](v T) *T { return &v }

// ean13 returns a valid EAN-13 in the in-store range (prefix 2) for n.
func ean13(n uint64) string {
	digits := fmt.Sprintf("2%011d", n%100_000_000_000)
	sum := 0
	for i, d := range digits {
		v := int(d - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return fmt.Sprintf("%s%d", digits, (10-sum%10)%10)
}
