package many_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// BenchmarkInsertFoodsChunkSize measures the chunk size behind
// many.ChunkSize: 10,000 foods inserted in chunks of each size, rows
// returned, the chunks of a call pipelined (10,000 is one statement).
// Run it with `go test -run '^$' -bench ChunkSize -benchtime 5x ./many/`.
func BenchmarkInsertFoodsChunkSize(b *testing.B) {
	const n = 10_000
	pool := testdb.New(b)
	ctx := context.Background()
	foods := factories.Food().Branded("Bench").WithBarcode().BuildMany(n)
	for _, size := range []int{1000, 2500, 5000, 10_000} {
		b.Run(fmt.Sprintf("chunk=%d", size), func(b *testing.B) {
			defer many.SetChunkSize(size)()
			for b.Loop() {
				b.StopTimer()
				if _, err := pool.Exec(ctx, "TRUNCATE foods CASCADE"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := db.InsertFoods(ctx, pool, foods); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
