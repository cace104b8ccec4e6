package integration

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/tests/testdb"
)

// benchFoods are the rows every insert benchmark writes: realistic foods,
// each with a brand and a unique barcode (so the unique index works too).
func benchFoods(n int) []db.NewFood {
	return factories.Food().Branded("Bench").WithBarcode().BuildMany(n)
}

func truncateFoods(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	if _, err := pool.Exec(context.Background(), "TRUNCATE foods CASCADE"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInsertFoods writes 10,000 foods three ways on the same data: a
// loop of one-row inserts, pgx CopyFrom (nothing returned), and Larder's
// many-first insert (rows returned), which runs last and reports its speed
// relative to the other two as x-loop and x-copyfrom:
//
//	go test -run '^$' -bench 'BenchmarkInsertFoods$' -benchtime 10x ./tests/integration/
func BenchmarkInsertFoods(b *testing.B) {
	const n = 10_000
	pool := testdb.New(b)
	foods := benchFoods(n)
	ctx := context.Background()
	rate := map[string]float64{} // rows/s of each way's final run

	// measure times insert on an empty table; then, if given, reports more.
	measure := func(name string, insert func(b *testing.B), then func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				truncateFoods(b, pool)
				b.StartTimer()
				insert(b)
			}
			rate[name] = float64(n*b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate[name], "rows/s")
			if then != nil {
				then(b)
			}
		})
	}
	measure("loop", func(b *testing.B) {
		for i := range foods {
			if _, err := db.InsertFoods(ctx, pool, foods[i:i+1]); err != nil {
				b.Fatal(err)
			}
		}
	}, nil)
	columns := []string{"id", "owner_id", "name", "brand", "barcode", "kind", "category",
		"energy_kcal", "protein_g", "fat_g", "carbs_g", "fiber_g", "sugar_g", "sodium_mg"}
	measure("copyfrom", func(b *testing.B) {
		rows := make([][]any, len(foods))
		for i, f := range foods {
			rows[i] = []any{uuid.Must(uuid.NewV7()), nil, f.Name, f.Brand, f.Barcode, string(f.Kind), string(f.Category),
				f.EnergyKcal, f.ProteinG, f.FatG, f.CarbsG, f.FiberG, f.SugarG, f.SodiumMg}
		}
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{"foods"}, columns, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
	}, nil)
	measure("many", func(b *testing.B) {
		if _, err := db.InsertFoods(ctx, pool, foods); err != nil {
			b.Fatal(err)
		}
	}, func(b *testing.B) {
		b.ReportMetric(rate["many"]/rate["loop"], "x-loop")
		b.ReportMetric(rate["many"]/rate["copyfrom"], "x-copyfrom")
	})
}
