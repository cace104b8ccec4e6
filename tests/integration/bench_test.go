package integration

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/tests/testdb"
)

// benchFoods are the rows the insert benchmarks write: realistic foods,
// each with a brand and a unique barcode (so the unique index works too).
func benchFoods(n int) []db.NewFood {
	return factories.Food().Branded("Bench").WithBarcode().BuildMany(n)
}

// inserts times ways of writing n foods into an emptied table, remembering
// each way's rate (rows/s of its final run) so that a later way can report
// its ratio to an earlier one, measured in the same process.
type inserts struct {
	b    *testing.B
	pool *pgxpool.Pool
	n    int
	rate map[string]float64
}

func newInserts(b *testing.B, n int) *inserts {
	return &inserts{b: b, pool: testdb.New(b), n: n, rate: map[string]float64{}}
}

// measure runs insert as the sub-benchmark name; then, if given, reports
// more metrics from the rates measured so far.
func (s *inserts) measure(name string, insert func(b *testing.B), then func(b *testing.B)) {
	s.b.Run(name, func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := s.pool.Exec(context.Background(), "TRUNCATE foods CASCADE"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			insert(b)
		}
		s.rate[name] = float64(s.n*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(s.rate[name], "rows/s")
		if then != nil {
			then(b)
		}
	})
}

// ratio reports the rate of name over the rate of base as "x-<base>".
func (s *inserts) ratio(b *testing.B, name, base string) {
	b.ReportMetric(s.rate[name]/s.rate[base], "x-"+base)
}

// BenchmarkInsertFoods writes 10,000 foods three ways on the same data: a
// loop of one-row inserts, pgx CopyFrom (nothing returned), and Larder's
// many-first insert (rows returned), which runs last and reports its speed
// relative to the other two as x-loop and x-copyfrom:
//
//	go test -run '^$' -bench 'BenchmarkInsertFoods$' -benchtime 10x ./tests/integration/
func BenchmarkInsertFoods(b *testing.B) {
	s := newInserts(b, 10_000)
	foods := benchFoods(s.n)
	ctx := context.Background()
	s.measure("loop", func(b *testing.B) {
		for i := range foods {
			if _, err := db.InsertFoods(ctx, s.pool, foods[i:i+1]); err != nil {
				b.Fatal(err)
			}
		}
	}, nil)
	columns := []string{"id", "owner_id", "name", "brand", "barcode", "kind", "category",
		"energy_kcal", "protein_g", "fat_g", "carbs_g", "fiber_g", "sugar_g", "sodium_mg"}
	s.measure("copyfrom", func(b *testing.B) {
		rows := make([][]any, len(foods))
		for i, f := range foods {
			rows[i] = []any{uuid.Must(uuid.NewV7()), nil, f.Name, f.Brand, f.Barcode, string(f.Kind), string(f.Category),
				f.EnergyKcal, f.ProteinG, f.FatG, f.CarbsG, f.FiberG, f.SugarG, f.SodiumMg}
		}
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"foods"}, columns, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
	}, nil)
	s.measure("many", func(b *testing.B) {
		if _, err := db.InsertFoods(ctx, s.pool, foods); err != nil {
			b.Fatal(err)
		}
	}, func(b *testing.B) {
		s.ratio(b, "many", "loop")
		s.ratio(b, "many", "copyfrom")
	})
}

// BenchmarkCreateFoods creates 10,000 foods through the action, validation
// and all, after the bare model insert of the same rows, and reports the
// action's speed relative to the model as x-model:
//
//	go test -run '^$' -bench 'BenchmarkCreateFoods$' -benchtime 10x ./tests/integration/
func BenchmarkCreateFoods(b *testing.B) {
	s := newInserts(b, 10_000)
	ctx := context.Background()
	owner := factories.User().MustCreate(b, s.pool)
	rows := benchFoods(s.n)
	in := make([]actions.NewFood, len(rows))
	for i := range rows {
		rows[i].OwnerID = &owner.ID
		r := rows[i]
		in[i] = actions.NewFood{Name: r.Name, Brand: r.Brand, Barcode: r.Barcode, Kind: string(r.Kind), Category: string(r.Category), Nutrients: r.Nutrients}
	}
	acts := actions.New(s.pool)
	s.measure("model", func(b *testing.B) {
		if _, err := db.InsertFoods(ctx, s.pool, rows); err != nil {
			b.Fatal(err)
		}
	}, nil)
	s.measure("action", func(b *testing.B) {
		if res := acts.CreateFoods(ctx, owner.ID, in); !res.Success {
			b.Fatal(res.Error)
		}
	}, func(b *testing.B) { s.ratio(b, "action", "model") })
}
